//! The response table as it is built: one typed vector per column, appended to as rows
//! are accepted, so that accepted rows cost only their typed values. Each block of a file
//! becomes a polars table on the thread that read it; joining them in file order only
//! links their columns.

use polars::prelude::*;

use super::cell::Answer;
use super::read::Row;
use super::responses::column;
use crate::error::Result;
use crate::survey::{QuestionKind, Survey};

/// Where each answer column of the response table takes its value from in a [`Row`].
#[derive(Debug, Clone)]
pub struct Layout {
    /// The weights column's name, for weighted surveys.
    weights: Option<String>,
    rounds: bool,
    columns: Vec<(String, Slot)>,
}

/// One answer column: which answer of a row fills it, and how.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// The index of a single choice or scale level: (answer, as in [`Pick`]).
    Code(Pick),
    /// Whether one choice of a multiple-choice answer is ticked.
    Tick(Pick, u8),
    /// The rank (1 = first) of one item of a ranking.
    Rank(Pick, u8),
    Number(Pick),
    Year(Pick),
    Text(Pick),
    /// The text given with the "other" choice of a question.
    Other(usize),
}

/// Which answer of a row: a question's (or a matrix row's) own, or a coder's coding.
#[derive(Debug, Clone, Copy)]
enum Pick {
    Answer { question: usize, slot: usize },
    Coded { question: usize, coder: usize },
}

impl Pick {
    fn of(self, row: &Row) -> &Answer {
        match self {
            Pick::Answer { question, slot } => &row.answers[question][slot],
            Pick::Coded { question, coder } => &row.coded[question][coder],
        }
    }

    fn of_mut(self, row: &mut Row) -> &mut Answer {
        match self {
            Pick::Answer { question, slot } => &mut row.answers[question][slot],
            Pick::Coded { question, coder } => &mut row.coded[question][coder],
        }
    }
}

impl Layout {
    /// The response table's columns for `survey`, in the order documented in
    /// [`super::responses`].
    pub fn of(survey: &Survey) -> Layout {
        let mut columns = Vec::new();
        for (q, question) in survey.questions.iter().enumerate() {
            let id = question.id.as_str();
            match &question.kind {
                QuestionKind::Matrix { rows, .. } => {
                    for (slot, row) in rows.iter().enumerate() {
                        let pick = Pick::Answer { question: q, slot };
                        columns.push((column::choice(id, &row.code), Slot::Code(pick)));
                    }
                }
                kind => {
                    let pick = Pick::Answer {
                        question: q,
                        slot: 0,
                    };
                    answer_slots(&mut columns, id, kind, pick);
                }
            }
            if question.has_other() {
                columns.push((column::other(id), Slot::Other(q)));
            }
            for (c, coder) in question.coders.iter().enumerate() {
                let pick = Pick::Coded {
                    question: q,
                    coder: c,
                };
                answer_slots(
                    &mut columns,
                    &column::coded(id, coder),
                    &question.kind,
                    pick,
                );
            }
        }
        Layout {
            weights: survey.weights.clone(),
            rounds: survey.panel.rounds.is_some(),
            columns,
        }
    }
}

/// The column(s) of one answer that is not a matrix: `name`, or `name.code` per choice.
fn answer_slots(columns: &mut Vec<(String, Slot)>, name: &str, kind: &QuestionKind, pick: Pick) {
    let choices = |columns: &mut Vec<(String, Slot)>, make: fn(Pick, u8) -> Slot| {
        let codes = match kind {
            QuestionKind::Multiple { options, .. } | QuestionKind::Ranking { options, .. } => {
                &options.choices[..]
            }
            _ => &[],
        };
        for (i, choice) in codes.iter().enumerate() {
            // The survey checks allow at most 255 choices, so the index fits.
            columns.push((column::choice(name, &choice.code), make(pick, i as u8)));
        }
    };
    match kind {
        QuestionKind::Single { .. } | QuestionKind::Likert { .. } | QuestionKind::Matrix { .. } => {
            columns.push((name.to_string(), Slot::Code(pick)))
        }
        QuestionKind::Multiple { .. } => choices(columns, Slot::Tick),
        QuestionKind::Ranking { .. } => choices(columns, Slot::Rank),
        QuestionKind::Numeric { .. } | QuestionKind::Probability => {
            columns.push((name.to_string(), Slot::Number(pick)))
        }
        QuestionKind::Year { .. } => columns.push((name.to_string(), Slot::Year(pick))),
        QuestionKind::Text { .. } => columns.push((name.to_string(), Slot::Text(pick))),
    }
}

/// One column's values so far.
#[derive(Debug, Clone)]
enum Values {
    U8(Vec<Option<u8>>),
    Bool(Vec<Option<bool>>),
    F64(Vec<Option<f64>>),
    I32(Vec<Option<i32>>),
    Str(Vec<Option<String>>),
}

impl Values {
    fn for_slot(slot: Slot) -> Values {
        match slot {
            Slot::Code(_) | Slot::Rank(..) => Values::U8(Vec::new()),
            Slot::Tick(..) => Values::Bool(Vec::new()),
            Slot::Number(_) => Values::F64(Vec::new()),
            Slot::Year(_) => Values::I32(Vec::new()),
            Slot::Text(_) | Slot::Other(_) => Values::Str(Vec::new()),
        }
    }

    fn into_column(self, name: &str) -> Column {
        let name = PlSmallStr::from(name);
        match self {
            Values::U8(v) => Column::new(name, v),
            Values::Bool(v) => Column::new(name, v),
            Values::F64(v) => Column::new(name, v),
            Values::I32(v) => Column::new(name, v),
            Values::Str(v) => Column::new(name, v),
        }
    }
}

/// Accepted rows of one stretch of a file, as a polars table, with the line each row
/// starts on (for messages about it).
#[derive(Debug, Clone)]
pub struct Part {
    pub frame: DataFrame,
    pub lines: Vec<u64>,
}

/// Accepted rows, column by column.
#[derive(Debug, Clone)]
pub struct Table {
    /// The line each row starts on, for messages about it.
    lines: Vec<u64>,
    ids: Vec<String>,
    rounds: Vec<Option<u32>>,
    submitted: Vec<Option<i64>>,
    weights: Vec<Option<f64>>,
    columns: Vec<Values>,
}

impl Table {
    pub fn new(layout: &Layout) -> Table {
        Table {
            lines: Vec::new(),
            ids: Vec::new(),
            rounds: Vec::new(),
            submitted: Vec::new(),
            weights: Vec::new(),
            columns: layout
                .columns
                .iter()
                .map(|(_, slot)| Values::for_slot(*slot))
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Appends a validated row; its texts are moved, not copied.
    pub fn push(&mut self, layout: &Layout, line: u64, row: &mut Row) {
        self.lines.push(line);
        self.ids.push(std::mem::take(&mut row.respondent_id));
        self.rounds.push(row.round);
        self.submitted.push(row.submitted_at);
        self.weights.push(row.weight);
        for ((_, slot), values) in layout.columns.iter().zip(&mut self.columns) {
            match (*slot, values) {
                (Slot::Code(pick), Values::U8(v)) => v.push(match pick.of(row) {
                    Answer::Choice(c) => Some(*c),
                    _ => None,
                }),
                (Slot::Tick(pick, i), Values::Bool(v)) => v.push(match pick.of(row) {
                    Answer::Choices(picked) => Some(picked.contains(&i)),
                    _ => None,
                }),
                (Slot::Rank(pick, i), Values::U8(v)) => v.push(match pick.of(row) {
                    Answer::Ranked(order) => {
                        order.iter().position(|&c| c == i).map(|p| p as u8 + 1)
                    }
                    _ => None,
                }),
                (Slot::Number(pick), Values::F64(v)) => v.push(match pick.of(row) {
                    Answer::Number(n) => Some(*n),
                    _ => None,
                }),
                (Slot::Year(pick), Values::I32(v)) => v.push(match pick.of(row) {
                    Answer::Number(n) => Some(*n as i32),
                    _ => None,
                }),
                (Slot::Text(pick), Values::Str(v)) => v.push(match pick.of_mut(row) {
                    Answer::Text(t) => Some(std::mem::take(t)),
                    _ => None,
                }),
                (Slot::Other(q), Values::Str(v)) => v.push(row.others[q].take()),
                _ => unreachable!("a column's values match its slot"),
            }
        }
    }

    /// The rows as a [`Part`]: built where they were read (on a worker thread, for a
    /// block), so that joining the parts of a file only links their columns.
    pub fn finish(mut self, layout: &Layout) -> Result<Part> {
        let lines = std::mem::take(&mut self.lines);
        Ok(Part {
            frame: self.into_frame(layout)?,
            lines,
        })
    }

    /// The polars table, columns as documented in [`super::responses`].
    fn into_frame(self, layout: &Layout) -> Result<DataFrame> {
        let height = self.len();
        let mut columns = vec![
            Column::new(column::RESPONDENT_ID.into(), self.ids),
            Series::new(column::SUBMITTED_AT.into(), self.submitted)
                .into_datetime(TimeUnit::Milliseconds, None)
                .into(),
        ];
        if let Some(weights) = &layout.weights {
            columns.push(Column::new(weights.as_str().into(), self.weights));
        }
        if layout.rounds {
            columns.push(Column::new(column::ROUND.into(), self.rounds));
        }
        for ((name, _), values) in layout.columns.iter().zip(self.columns) {
            columns.push(values.into_column(name));
        }
        Ok(DataFrame::new(height, columns)?)
    }
}
