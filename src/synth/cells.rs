//! A drawn respondent as one record of the canonical response file, column by column in
//! the survey's canonical order (`survey::Columns`). Every cell goes through
//! `escape::csv_cell`, which ingest undoes, so even a negative number or a code starting
//! with `-` cannot turn into a spreadsheet formula.

use std::io::{self, Write as _};

use super::answers::Slot;
use super::respondent::Respondent;
use crate::escape;
use crate::ingest::CODE_SEPARATOR;
use crate::survey::{CanonicalColumn, Columns, Survey};

/// The first day of the fielding window: 2026-03-02, so day `d` of the window is
/// 2026-03-(02 + d) (the window lies within March).
const WINDOW_START: (u32, u32, u32) = (2026, 3, 2);

/// Writes records for one survey, reusing one buffer for formatted cells.
pub struct CellWriter<'a> {
    survey: &'a Survey,
    columns: &'a Columns,
    /// The panel roster's ids, used in order when the survey has one.
    roster: Option<&'a [String]>,
    /// Rounds each respondent answers (1 for a survey asked once).
    rounds: u64,
    cell: Vec<u8>,
}

impl<'a> CellWriter<'a> {
    pub fn new(survey: &'a Survey, columns: &'a Columns) -> CellWriter<'a> {
        CellWriter {
            survey,
            columns,
            roster: survey.panel.roster.as_ref().map(|r| r.ids.as_slice()),
            rounds: u64::from(survey.panel.rounds.unwrap_or(1)),
            cell: Vec::with_capacity(256),
        }
    }

    /// The header record.
    pub fn header<W: io::Write>(&self, out: &mut csv::Writer<W>) -> io::Result<()> {
        out.write_record(self.columns.header())?;
        Ok(())
    }

    /// The record of respondent number `index` (0-based).
    pub fn record<W: io::Write>(
        &mut self,
        out: &mut csv::Writer<W>,
        index: u64,
        respondent: &Respondent<'_>,
    ) -> io::Result<()> {
        for (_, column) in &self.columns.columns {
            self.cell.clear();
            self.fill(*column, index, respondent)?;
            let text = std::str::from_utf8(&self.cell).map_err(io::Error::other)?;
            out.write_field(escape::csv_cell(text).as_bytes())?;
        }
        out.write_record(None::<&[u8]>)?;
        Ok(())
    }

    /// Writes the cell of `column` into `self.cell`.
    fn fill(&mut self, column: CanonicalColumn, index: u64, r: &Respondent<'_>) -> io::Result<()> {
        let answers = &r.answers;
        let cell = &mut self.cell;
        match column {
            // In a survey asked in rounds, each respondent answers every round in turn.
            CanonicalColumn::RespondentId => {
                let respondent = index / self.rounds;
                match self.roster {
                    Some(ids) => cell.extend_from_slice(ids[respondent as usize].as_bytes()),
                    None => write!(cell, "synth-{:07}", respondent + 1)?,
                }
            }
            CanonicalColumn::Round => write!(cell, "{}", index % self.rounds + 1)?,
            // The made-up coders agree with the reconciled coding.
            CanonicalColumn::Coded(q, _) => return self.fill(CanonicalColumn::Answer(q), index, r),
            CanonicalColumn::SubmittedAt => {
                let (year, month, day) = WINDOW_START;
                let (days, rest) = (r.submitted / 86_400, r.submitted % 86_400);
                write!(
                    cell,
                    "{year:04}-{month:02}-{:02}T{:02}:{:02}:{:02}Z",
                    day + days,
                    rest / 3600,
                    rest % 3600 / 60,
                    rest % 60
                )?;
            }
            CanonicalColumn::Weight => write!(cell, "{:.3}", r.weight)?,
            CanonicalColumn::Row(q, row) => {
                if let Some(level) = answers.levels[q][row] {
                    let scale = self.survey.questions[q].choices();
                    cell.extend_from_slice(scale[usize::from(level)].code.as_bytes());
                }
            }
            CanonicalColumn::Other(q) => cell.extend_from_slice(answers.others[q].as_bytes()),
            CanonicalColumn::Answer(q) => {
                let question = &self.survey.questions[q];
                match answers.slots[q] {
                    Slot::Missing | Slot::Rows => {}
                    Slot::Code(c) => {
                        cell.extend_from_slice(question.choices()[usize::from(c)].code.as_bytes())
                    }
                    Slot::Codes => {
                        for (i, &c) in answers.codes[q].iter().enumerate() {
                            if i > 0 {
                                write!(cell, "{CODE_SEPARATOR}")?;
                            }
                            let code = &question.choices()[usize::from(c)].code;
                            cell.extend_from_slice(code.as_bytes());
                        }
                    }
                    // `{}` writes a whole number without a decimal point and any other
                    // value in the fewest digits that read back as the same number.
                    Slot::Number(n) => write!(cell, "{n}")?,
                    Slot::Text => cell.extend_from_slice(answers.texts[q].as_bytes()),
                }
            }
        }
        Ok(())
    }
}
