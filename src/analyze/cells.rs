//! Counting answers per cell in one polars query. A cell is the respondents who share a
//! position level and a level of every segment question (or left it unanswered); one lazy
//! group-by over those keys computes, for every question, how many were shown it, how
//! many answered, and how many gave each code (per row for a matrix; times ranked,
//! ranked first and the sum of ranks for a ranking), with the sum of the weights and of
//! their squares when the survey is weighted. Every published group is a union of cells,
//! so its counts are sums of these rows. Numbers are kept as values per cell (with their
//! weights), since medians and quartiles do not add.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::shown;
use crate::error::{Error, Result};
use crate::ingest::column;
use crate::survey::{Question, QuestionKind, Survey};

/// A count of respondents with the sum of their weights and of the squared weights (for
/// Kish's effective n). Unweighted, both sums are the count.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub count: u64,
    pub weight: f64,
    pub weight_sq: f64,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.count += other.count;
        self.weight += other.weight;
        self.weight_sq += other.weight_sq;
    }

    pub fn sum<'a>(tallies: impl IntoIterator<Item = &'a Tally>) -> Tally {
        let mut total = Tally::default();
        for t in tallies {
            total.add(t);
        }
        total
    }
}

/// The keys of a cell: the position level and, per segment question in survey order,
/// its level (`None`: not answered).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellKey {
    pub position: usize,
    pub segments: Vec<Option<usize>>,
}

/// What the respondents of one cell answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub key: CellKey,
    /// Respondents in the cell.
    pub n: Tally,
    /// Per question, in survey order.
    pub questions: Vec<QuestionCounts>,
}

/// What one group of respondents answered to one question.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuestionCounts {
    /// How many were shown it (`show_if` held, or there is none).
    pub shown: u64,
    /// How many answered it (any row of a matrix, any item of a ranking).
    pub answered: Tally,
    /// Per choice or level: how many gave it (single, multiple, likert).
    pub choices: Vec<Tally>,
    /// Per matrix row: how many answered it, and per level how many gave it.
    pub rows: Vec<RowCounts>,
    /// Per ranked item: times ranked, times ranked first, sum of its ranks.
    pub ranks: Vec<(u64, u64, u64)>,
    /// The numeric answers (numeric, probability, year): each distinct value with how
    /// many gave it and their total weight, ascending (see [`compress`]).
    pub values: Vec<Point>,
}

/// A distinct numeric answer with a distinct weight: how many respondents of that
/// weight gave it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub value: f64,
    /// Each respondent's weight (1 when unweighted).
    pub weight: f64,
    pub count: u64,
}

/// Sorts points by value and weight and merges equal ones, so that a group's answers are
/// a short list whatever the number of respondents.
pub fn compress(mut points: Vec<Point>) -> Vec<Point> {
    points.sort_by(|a, b| {
        a.value
            .total_cmp(&b.value)
            .then(a.weight.total_cmp(&b.weight))
    });
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        match out.last_mut() {
            Some(last) if last.value == p.value && last.weight == p.weight => {
                last.count += p.count;
            }
            _ => out.push(p),
        }
    }
    out
}

/// One matrix row's counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowCounts {
    pub answered: u64,
    pub levels: Vec<Tally>,
}

impl QuestionCounts {
    pub fn empty(question: &Question) -> QuestionCounts {
        let n = question.choices().len();
        match &question.kind {
            QuestionKind::Matrix { rows, .. } => QuestionCounts {
                rows: vec![
                    RowCounts {
                        answered: 0,
                        levels: vec![Tally::default(); n],
                    };
                    rows.len()
                ],
                ..Default::default()
            },
            QuestionKind::Ranking { .. } => QuestionCounts {
                ranks: vec![(0, 0, 0); n],
                ..Default::default()
            },
            _ => QuestionCounts {
                choices: vec![Tally::default(); if question.kind.is_number() { 0 } else { n }],
                ..Default::default()
            },
        }
    }

    pub fn add(&mut self, other: &QuestionCounts) {
        self.shown += other.shown;
        self.answered.add(&other.answered);
        for (a, b) in self.choices.iter_mut().zip(&other.choices) {
            a.add(b);
        }
        for (a, b) in self.rows.iter_mut().zip(&other.rows) {
            a.answered += b.answered;
            for (x, y) in a.levels.iter_mut().zip(&b.levels) {
                x.add(y);
            }
        }
        for ((ranked, first, sum), (r, f, s)) in self.ranks.iter_mut().zip(&other.ranks) {
            *ranked += r;
            *first += f;
            *sum += s;
        }
        self.values.extend_from_slice(&other.values);
    }
}

/// Where one aggregated column of the query goes.
#[derive(Debug, Clone, Copy)]
enum Slot {
    N,
    Shown(usize),
    Answered(usize),
    Choice(usize, usize),
    RowAnswered(usize, usize),
    RowLevel(usize, usize, usize),
    /// Ranking item: 0 times ranked, 1 times first, 2 sum of ranks.
    Rank(usize, usize, usize),
    Values(usize),
}

impl Slot {
    fn is_tally(self) -> bool {
        matches!(
            self,
            Slot::N | Slot::Answered(_) | Slot::Choice(..) | Slot::RowLevel(..)
        )
    }
}

/// The query's aggregations, each with the slot it fills.
struct Plan {
    exprs: Vec<Expr>,
    slots: Vec<Slot>,
    weight: Option<String>,
}

impl Plan {
    fn name(i: usize) -> String {
        format!("#{i}")
    }

    /// A count of the rows where `mask` is true, with weight sums for a weighted survey.
    fn push(&mut self, slot: Slot, mask: Expr) {
        let i = self.slots.len();
        self.slots.push(slot);
        let name = Plan::name(i);
        // A boolean's sum counts its true values without materialising a number column.
        self.exprs.push(
            mask.clone()
                .sum()
                .cast(DataType::UInt64)
                .alias(format!("{name}.c")),
        );
        if let (true, Some(w)) = (slot.is_tally(), &self.weight) {
            let weighted = mask.cast(DataType::Float64) * col(w.as_str());
            self.exprs
                .push(weighted.clone().sum().alias(format!("{name}.w")));
            self.exprs.push(
                (weighted * col(w.as_str()))
                    .sum()
                    .alias(format!("{name}.s")),
            );
        }
    }

    /// The group's size, with its weight sums.
    fn push_size(&mut self) {
        let i = self.slots.len();
        self.slots.push(Slot::N);
        let name = Plan::name(i);
        self.exprs
            .push(len().cast(DataType::UInt64).alias(format!("{name}.c")));
        if let Some(w) = &self.weight {
            self.exprs
                .push(col(w.as_str()).sum().alias(format!("{name}.w")));
            self.exprs.push(
                (col(w.as_str()) * col(w.as_str()))
                    .sum()
                    .alias(format!("{name}.s")),
            );
        }
    }

    /// A count of the rows where `mask` is true, without weights.
    fn push_count(&mut self, slot: Slot, mask: Expr) {
        let i = self.slots.len();
        self.slots.push(slot);
        self.exprs.push(
            mask.sum()
                .cast(DataType::UInt64)
                .alias(format!("{}.c", Plan::name(i))),
        );
    }

    /// The sum of a small integer column (ranks), widened first so it cannot overflow.
    fn push_sum(&mut self, slot: Slot, value: Expr) {
        let i = self.slots.len();
        self.slots.push(slot);
        self.exprs.push(
            value
                .cast(DataType::UInt64)
                .sum()
                .alias(format!("{}.c", Plan::name(i))),
        );
    }
}

fn any_answered(columns: &[String]) -> Expr {
    columns
        .iter()
        .map(|c| col(c.as_str()).is_not_null())
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false))
}

fn plan(survey: &Survey) -> Plan {
    let mut plan = Plan {
        exprs: Vec::new(),
        slots: Vec::new(),
        weight: survey.weights.clone(),
    };
    plan.push_size();
    for (q, question) in survey.questions.iter().enumerate() {
        let id = question.id.as_str();
        let levels = question.choices().len();
        match &question.show_if {
            Some(_) => plan.push_count(Slot::Shown(q), col(shown::column(q).as_str())),
            None => plan.push_sum(Slot::Shown(q), len()),
        }
        match &question.kind {
            QuestionKind::Single { .. } | QuestionKind::Likert { .. } => {
                plan.push(Slot::Answered(q), col(id).is_not_null());
                for i in 0..levels {
                    plan.push(Slot::Choice(q, i), col(id).eq(lit(i as u8)));
                }
            }
            QuestionKind::Multiple { .. } => {
                let columns: Vec<String> = question
                    .choices()
                    .iter()
                    .map(|c| column::choice(id, &c.code))
                    .collect();
                // All choice columns of a question are null together (not answered).
                plan.push(Slot::Answered(q), col(columns[0].as_str()).is_not_null());
                for (i, c) in columns.iter().enumerate() {
                    plan.push(Slot::Choice(q, i), col(c.as_str()));
                }
            }
            QuestionKind::Matrix { rows, .. } => {
                let columns: Vec<String> =
                    rows.iter().map(|r| column::choice(id, &r.code)).collect();
                plan.push(Slot::Answered(q), any_answered(&columns));
                for (r, c) in columns.iter().enumerate() {
                    plan.push_count(Slot::RowAnswered(q, r), col(c.as_str()).is_not_null());
                    for i in 0..levels {
                        plan.push(Slot::RowLevel(q, r, i), col(c.as_str()).eq(lit(i as u8)));
                    }
                }
            }
            QuestionKind::Ranking { .. } => {
                let columns: Vec<String> = question
                    .choices()
                    .iter()
                    .map(|c| column::choice(id, &c.code))
                    .collect();
                plan.push(Slot::Answered(q), any_answered(&columns));
                for (i, c) in columns.iter().enumerate() {
                    plan.push_count(Slot::Rank(q, i, 0), col(c.as_str()).is_not_null());
                    plan.push_count(Slot::Rank(q, i, 1), col(c.as_str()).eq(lit(1u8)));
                    plan.push_sum(Slot::Rank(q, i, 2), col(c.as_str()));
                }
            }
            QuestionKind::Numeric { .. }
            | QuestionKind::Probability
            | QuestionKind::Year { .. } => {
                plan.push(Slot::Answered(q), col(id).is_not_null());
                let i = plan.slots.len();
                plan.slots.push(Slot::Values(q));
                let value = col(id).cast(DataType::Float64);
                plan.exprs.push(
                    value
                        .clone()
                        .filter(col(id).is_not_null())
                        .alias(format!("{}.v", Plan::name(i))),
                );
                if let Some(w) = &survey.weights {
                    plan.exprs.push(
                        col(w.as_str())
                            .filter(col(id).is_not_null())
                            .alias(format!("{}.w", Plan::name(i))),
                    );
                }
            }
            QuestionKind::Text { .. } => plan.push(Slot::Answered(q), col(id).is_not_null()),
        }
    }
    plan
}

/// The key columns of the query: the position, then each segment question.
fn key_columns(survey: &Survey) -> Vec<String> {
    std::iter::once(survey.position)
        .chain(survey.segments.iter().copied())
        .map(|q| survey.questions[q].id.clone())
        .collect()
}

/// Every non-empty cell of `frame` (a response table, or the rows of one round), sorted
/// by key.
pub fn tabulate(survey: &Survey, frame: &DataFrame) -> Result<Vec<Cell>> {
    let frame = shown::with_shown_columns(survey, frame)?;
    let frame = match &survey.weights {
        // A weight is required in every row of a weighted file; a missing one counts 1.
        Some(w) => frame
            .lazy()
            .with_column(col(w.as_str()).cast(DataType::Float64).fill_null(lit(1.0)))
            .collect()?,
        None => frame,
    };
    let plan = plan(survey);
    let keys = key_columns(survey);
    let table = frame
        .lazy()
        .group_by(keys.iter().map(|k| col(k.as_str())).collect::<Vec<_>>())
        .agg(plan.exprs.clone())
        .collect()?;

    let key_values: Vec<UInt8Chunked> = keys
        .iter()
        .map(|k| Ok(table.column(k)?.u8()?.clone()))
        .collect::<Result<_>>()?;
    let count = |name: String| -> Result<Vec<u64>> {
        let column = table.column(&name)?.cast(&DataType::UInt64)?;
        Ok(column.u64()?.iter().map(|v| v.unwrap_or(0)).collect())
    };
    let float = |name: String| -> Result<Vec<f64>> {
        let column = table.column(&name)?.cast(&DataType::Float64)?;
        Ok(column.f64()?.iter().map(|v| v.unwrap_or(0.0)).collect())
    };
    let list = |name: String| -> Result<Vec<Vec<f64>>> {
        let column = table.column(&name)?.list()?.clone();
        column
            .amortized_iter()
            .map(|values| match values {
                None => Ok(Vec::new()),
                Some(series) => Ok(series
                    .as_ref()
                    .cast(&DataType::Float64)?
                    .f64()?
                    .into_no_null_iter()
                    .collect()),
            })
            .collect()
    };

    let mut cells: Vec<Cell> = (0..table.height())
        .map(|row| {
            let position = key_values[0]
                .get(row)
                .ok_or_else(|| Error::internal("a response without a position reached analysis"))?;
            Ok(Cell {
                key: CellKey {
                    position: usize::from(position),
                    segments: key_values[1..]
                        .iter()
                        .map(|k| k.get(row).map(usize::from))
                        .collect(),
                },
                n: Tally::default(),
                questions: survey.questions.iter().map(QuestionCounts::empty).collect(),
            })
        })
        .collect::<Result<_>>()?;

    for (i, slot) in plan.slots.iter().enumerate() {
        let name = Plan::name(i);
        if let Slot::Values(q) = *slot {
            let values = list(format!("{name}.v"))?;
            let weights = match &survey.weights {
                Some(_) => list(format!("{name}.w"))?,
                None => values.iter().map(|v| vec![1.0; v.len()]).collect(),
            };
            for ((cell, v), w) in cells.iter_mut().zip(values).zip(weights) {
                cell.questions[q].values = compress(
                    v.into_iter()
                        .zip(w)
                        .map(|(value, weight)| Point {
                            // Adding 0.0 turns -0.0 into 0.0, so the two zeros merge.
                            value: value + 0.0,
                            weight,
                            count: 1,
                        })
                        .collect(),
                );
            }
            continue;
        }
        let counts = count(format!("{name}.c"))?;
        let (weights, squares) = if slot.is_tally() && survey.weights.is_some() {
            (float(format!("{name}.w"))?, float(format!("{name}.s"))?)
        } else {
            let as_float: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
            (as_float.clone(), as_float)
        };
        for (row, cell) in cells.iter_mut().enumerate() {
            let tally = Tally {
                count: counts[row],
                weight: weights[row],
                weight_sq: squares[row],
            };
            match *slot {
                Slot::N => cell.n = tally,
                Slot::Shown(q) => cell.questions[q].shown = tally.count,
                Slot::Answered(q) => cell.questions[q].answered = tally,
                Slot::Choice(q, c) => cell.questions[q].choices[c] = tally,
                Slot::RowAnswered(q, r) => cell.questions[q].rows[r].answered = tally.count,
                Slot::RowLevel(q, r, l) => cell.questions[q].rows[r].levels[l] = tally,
                Slot::Rank(q, i, 0) => cell.questions[q].ranks[i].0 = tally.count,
                Slot::Rank(q, i, 1) => cell.questions[q].ranks[i].1 = tally.count,
                Slot::Rank(q, i, _) => cell.questions[q].ranks[i].2 = tally.count,
                Slot::Values(_) => {}
            }
        }
    }
    cells.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(cells)
}

/// The sum of some cells' counts for every question.
pub fn total<'a>(
    survey: &Survey,
    cells: impl IntoIterator<Item = &'a Cell>,
) -> (Tally, Vec<QuestionCounts>) {
    let mut n = Tally::default();
    let mut questions: Vec<QuestionCounts> =
        survey.questions.iter().map(QuestionCounts::empty).collect();
    for cell in cells {
        n.add(&cell.n);
        for (a, b) in questions.iter_mut().zip(&cell.questions) {
            a.add(b);
        }
    }
    for q in &mut questions {
        q.values = compress(std::mem::take(&mut q.values));
    }
    (n, questions)
}

/// Respondents per cell key, for the anonymity decision.
pub fn sizes(cells: &[Cell]) -> BTreeMap<CellKey, u64> {
    cells.iter().map(|c| (c.key.clone(), c.n.count)).collect()
}
