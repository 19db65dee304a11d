//! The response table as it is built: one typed vector per column, appended to as rows
//! are accepted, so that accepted rows cost only their typed values. Each block of a file
//! becomes a polars table on the thread that read it; joining them in file order only
//! links their columns.

use polars::prelude::*;
use polars_arrow::array::{BooleanArray, MutableBinaryViewArray};
use polars_arrow::bitmap::MutableBitmap;
use polars_arrow::datatypes::ArrowDataType;

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

/// A column of plain values with a validity mask, made into a polars array without a
/// copy or a per-value builder call.
#[derive(Debug, Clone, Default)]
struct Nullable<T> {
    values: Vec<T>,
    valid: MutableBitmap,
}

impl<T: Default> Nullable<T> {
    fn push(&mut self, value: Option<T>) {
        self.valid.push(value.is_some());
        self.values.push(value.unwrap_or_default());
    }
}

impl<T> Nullable<T> {
    fn into_chunked<P>(self, name: PlSmallStr) -> ChunkedArray<P>
    where
        P: PolarsNumericType<Native = T>,
    {
        ChunkedArray::<P>::from_vec_validity(name, self.values, self.valid.into())
    }

    fn into_column<P>(self, name: PlSmallStr) -> Column
    where
        P: PolarsNumericType<Native = T>,
    {
        self.into_chunked::<P>(name).into_column()
    }
}

/// A column of texts, copied once, straight into polars' string layout.
#[derive(Debug, Clone, Default)]
struct Texts(MutableBinaryViewArray<str>);

impl Texts {
    fn push(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.0.push_value(text),
            None => self.0.push_null(),
        }
    }

    fn into_column(self, name: PlSmallStr) -> Column {
        StringChunked::with_chunk(name, self.0.freeze()).into_column()
    }
}

/// One column's values so far.
#[derive(Debug, Clone)]
enum Values {
    U8(Nullable<u8>),
    /// Ticks: (value, validity).
    Bool(MutableBitmap, MutableBitmap),
    F64(Nullable<f64>),
    I32(Nullable<i32>),
    Str(Texts),
}

impl Values {
    fn for_slot(slot: Slot) -> Values {
        match slot {
            Slot::Code(_) | Slot::Rank(..) => Values::U8(Nullable::default()),
            Slot::Tick(..) => Values::Bool(MutableBitmap::new(), MutableBitmap::new()),
            Slot::Number(_) => Values::F64(Nullable::default()),
            Slot::Year(_) => Values::I32(Nullable::default()),
            Slot::Text(_) | Slot::Other(_) => Values::Str(Texts::default()),
        }
    }

    fn into_column(self, name: &str) -> Column {
        let name = PlSmallStr::from(name);
        match self {
            Values::U8(v) => v.into_column::<UInt8Type>(name),
            Values::Bool(values, valid) => {
                let array = BooleanArray::new(ArrowDataType::Boolean, values.into(), valid.into());
                BooleanChunked::with_chunk(name, array).into_column()
            }
            Values::F64(v) => v.into_column::<Float64Type>(name),
            Values::I32(v) => v.into_column::<Int32Type>(name),
            Values::Str(v) => v.into_column(name),
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
    ids: Texts,
    rounds: Nullable<u32>,
    submitted: Nullable<i64>,
    weights: Nullable<f64>,
    columns: Vec<Values>,
}

impl Table {
    pub fn new(layout: &Layout) -> Table {
        Table {
            lines: Vec::new(),
            ids: Texts::default(),
            rounds: Nullable::default(),
            submitted: Nullable::default(),
            weights: Nullable::default(),
            columns: layout
                .columns
                .iter()
                .map(|(_, slot)| Values::for_slot(*slot))
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.ids.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a validated row.
    pub fn push(&mut self, layout: &Layout, line: u64, row: &Row) {
        self.lines.push(line);
        self.ids.push(Some(&row.respondent_id));
        self.rounds.push(row.round);
        self.submitted.push(row.submitted_at);
        self.weights.push(row.weight);
        for ((_, slot), values) in layout.columns.iter().zip(&mut self.columns) {
            match (*slot, values) {
                (Slot::Code(pick), Values::U8(v)) => v.push(match pick.of(row) {
                    Answer::Choice(c) => Some(*c),
                    _ => None,
                }),
                (Slot::Tick(pick, i), Values::Bool(ticked, valid)) => match pick.of(row) {
                    Answer::Choices(picked) => {
                        ticked.push(picked.contains(&i));
                        valid.push(true);
                    }
                    _ => {
                        ticked.push(false);
                        valid.push(false);
                    }
                },
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
                (Slot::Text(pick), Values::Str(v)) => v.push(match pick.of(row) {
                    Answer::Text(t) => Some(t.as_str()),
                    _ => None,
                }),
                (Slot::Other(q), Values::Str(v)) => v.push(row.others[q].as_deref()),
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
            self.ids.into_column(column::RESPONDENT_ID.into()),
            self.submitted
                .into_chunked::<Int64Type>(column::SUBMITTED_AT.into())
                .into_datetime(TimeUnit::Milliseconds, None)
                .into_column(),
        ];
        if let Some(weights) = &layout.weights {
            columns.push(
                self.weights
                    .into_column::<Float64Type>(weights.as_str().into()),
            );
        }
        if layout.rounds {
            columns.push(self.rounds.into_column::<UInt32Type>(column::ROUND.into()));
        }
        for ((name, _), values) in layout.columns.iter().zip(self.columns) {
            columns.push(values.into_column(name));
        }
        Ok(DataFrame::new(height, columns)?)
    }
}
