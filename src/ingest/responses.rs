//! The response table: one row per accepted respondent, one typed polars column per
//! answer. Coded answers are level indices (`UInt8`), multiple choice is one nullable
//! boolean column per choice, free text is a string column; an unanswered question is
//! null. This layout is the contract between ingest and analyze.

use chrono::{DateTime, SecondsFormat};
use polars::prelude::*;

use super::cell::{Answer, CODE_SEPARATOR};
use super::read::Row;
use crate::error::Result;
use crate::escape;
use crate::survey::{QuestionKind, Survey};

/// Accepted responses, typed and validated against their survey.
#[derive(Debug, Clone)]
pub struct Responses {
    frame: DataFrame,
}

/// Column names of the response table.
pub mod column {
    pub const RESPONDENT_ID: &str = "respondent_id";
    /// Datetime in milliseconds, UTC.
    pub const SUBMITTED_AT: &str = "submitted_at";

    /// The boolean column of one choice of a multiple-choice question.
    pub fn choice(question: &str, code: &str) -> String {
        format!("{question}.{code}")
    }
}

impl Responses {
    /// Builds the table from validated rows, in the order given.
    pub fn from_rows(survey: &Survey, rows: &[Row]) -> Result<Responses> {
        let mut columns = Vec::new();
        let ids: Vec<&str> = rows.iter().map(|r| r.respondent_id.as_str()).collect();
        columns.push(Column::new(column::RESPONDENT_ID.into(), ids));
        let submitted: Vec<Option<i64>> = rows.iter().map(|r| r.submitted_at).collect();
        let submitted = Series::new(column::SUBMITTED_AT.into(), submitted)
            .into_datetime(TimeUnit::Milliseconds, None);
        columns.push(submitted.into());

        for (q, question) in survey.questions.iter().enumerate() {
            let answers = rows.iter().map(|r| &r.answers[q]);
            match &question.kind {
                QuestionKind::Single { .. } | QuestionKind::Likert { .. } => {
                    let values: Vec<Option<u8>> = answers
                        .map(|a| match a {
                            Answer::Choice(i) => Some(*i),
                            _ => None,
                        })
                        .collect();
                    columns.push(Column::new(question.id.as_str().into(), values));
                }
                QuestionKind::Multiple { .. } => {
                    let picks: Vec<Option<&Vec<u8>>> = answers
                        .map(|a| match a {
                            Answer::Choices(picked) => Some(picked),
                            _ => None,
                        })
                        .collect();
                    for (i, choice) in question.choices().iter().enumerate() {
                        let values: Vec<Option<bool>> = picks
                            .iter()
                            .map(|p| p.map(|picked| picked.contains(&(i as u8))))
                            .collect();
                        let name = column::choice(&question.id, &choice.code);
                        columns.push(Column::new(name.into(), values));
                    }
                }
                QuestionKind::Text { .. } => {
                    let values: Vec<Option<&str>> = answers
                        .map(|a| match a {
                            Answer::Text(t) => Some(t.as_str()),
                            _ => None,
                        })
                        .collect();
                    columns.push(Column::new(question.id.as_str().into(), values));
                }
            }
        }
        Ok(Responses {
            frame: DataFrame::new(rows.len(), columns)?,
        })
    }

    pub fn frame(&self) -> &DataFrame {
        &self.frame
    }

    /// Number of accepted respondents.
    pub fn len(&self) -> usize {
        self.frame.height()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The responses as a canonical CSV file, which `ingest` reads back to the same table.
    /// Cells that a spreadsheet would run as formulas are neutralised.
    pub fn to_canonical_csv(&self, survey: &Survey) -> Result<Vec<u8>> {
        let columns = survey.columns();
        let mut writer = csv::Writer::from_writer(Vec::new());
        let csv_error = |e: csv::Error| crate::error::Error::internal(format!("writing CSV: {e}"));
        writer.write_record(columns.header()).map_err(csv_error)?;

        let ids = self.frame.column(column::RESPONDENT_ID)?.str()?.clone();
        let submitted = self
            .frame
            .column(column::SUBMITTED_AT)?
            .cast(&DataType::Int64)?
            .i64()?
            .clone();
        let cells: Vec<Vec<String>> = survey
            .questions
            .iter()
            .map(|q| self.canonical_cells(q))
            .collect::<Result<_>>()?;

        for row in 0..self.len() {
            let mut record = Vec::with_capacity(cells.len() + 2);
            record.push(ids.get(row).unwrap_or_default().to_string());
            record.push(submitted.get(row).map(format_timestamp).unwrap_or_default());
            record.extend(cells.iter().map(|c| c[row].clone()));
            for cell in &record {
                writer
                    .write_field(escape::csv_cell(cell).as_bytes())
                    .map_err(csv_error)?;
            }
            writer
                .write_record(std::iter::empty::<&[u8]>())
                .map_err(csv_error)?;
        }
        writer
            .into_inner()
            .map_err(|e| crate::error::Error::internal(format!("writing CSV: {e}")))
    }

    /// One question's answers as canonical cells, one per row.
    fn canonical_cells(&self, question: &crate::survey::Question) -> Result<Vec<String>> {
        let codes: Vec<&str> = question.choices().iter().map(|c| c.code.as_str()).collect();
        Ok(match &question.kind {
            QuestionKind::Single { .. } | QuestionKind::Likert { .. } => self
                .frame
                .column(&question.id)?
                .u8()?
                .iter()
                .map(|v| v.map_or(String::new(), |i| codes[i as usize].to_string()))
                .collect(),
            QuestionKind::Multiple { .. } => {
                let ticks: Vec<BooleanChunked> = codes
                    .iter()
                    .map(|code| {
                        Ok(self
                            .frame
                            .column(&column::choice(&question.id, code))?
                            .bool()?
                            .clone())
                    })
                    .collect::<Result<_>>()?;
                (0..self.len())
                    .map(|row| {
                        let picked: Vec<&str> = codes
                            .iter()
                            .zip(&ticks)
                            .filter(|(_, t)| t.get(row) == Some(true))
                            .map(|(code, _)| *code)
                            .collect();
                        picked.join(&CODE_SEPARATOR.to_string())
                    })
                    .collect()
            }
            QuestionKind::Text { .. } => self
                .frame
                .column(&question.id)?
                .str()?
                .iter()
                .map(|v| v.unwrap_or_default().to_string())
                .collect(),
        })
    }
}

fn format_timestamp(millis: i64) -> String {
    DateTime::from_timestamp_millis(millis)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_default()
}
