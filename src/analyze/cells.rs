//! Counting answers per cell in one polars query. A cell is the respondents who share a
//! position level and a level of every segment question (or left it unanswered); one lazy
//! group-by over those keys computes, for every question, how many were shown it, how
//! many answered, and how many gave each code (per row for a matrix; times ranked,
//! ranked first and the sum of ranks for a ranking). Every published group is a union of
//! cells, so its counts are sums of these rows. Numbers are kept as values per cell (with
//! their weights), since medians and quartiles do not add.
//!
//! The query gives [`RawCell`]s: whole numbers only, which add exactly, so the raw cells
//! of any split of the rows add up to those of the whole table (see `docs/scale.md`). A
//! weighted survey's raw cells are also keyed by the weight: every count of a raw cell is
//! of respondents with one weight, so the weighted sums are made from counts when the
//! cells are [`scale`]d, in ascending weight order, and do not depend on how the rows were
//! split or ordered.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

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

/// The query's aggregations, each with the slot it fills.
struct Plan {
    exprs: Vec<Expr>,
    slots: Vec<Slot>,
}

impl Plan {
    fn name(i: usize) -> String {
        format!("#{i}")
    }

    /// A count of the rows where `mask` is true.
    fn push_count(&mut self, slot: Slot, mask: Expr) {
        let i = self.slots.len();
        self.slots.push(slot);
        // A boolean's sum counts its true values without materialising a number column.
        self.exprs.push(
            mask.sum()
                .cast(DataType::UInt64)
                .alias(format!("{}.c", Plan::name(i))),
        );
    }

    /// The group's size.
    fn push_size(&mut self) {
        let i = self.slots.len();
        self.slots.push(Slot::N);
        self.exprs.push(
            len()
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
                plan.push_count(Slot::Answered(q), col(id).is_not_null());
                for i in 0..levels {
                    plan.push_count(Slot::Choice(q, i), col(id).eq(lit(i as u8)));
                }
            }
            QuestionKind::Multiple { .. } => {
                let columns: Vec<String> = question
                    .choices()
                    .iter()
                    .map(|c| column::choice(id, &c.code))
                    .collect();
                // All choice columns of a question are null together (not answered).
                plan.push_count(Slot::Answered(q), col(columns[0].as_str()).is_not_null());
                for (i, c) in columns.iter().enumerate() {
                    plan.push_count(Slot::Choice(q, i), col(c.as_str()));
                }
            }
            QuestionKind::Matrix { rows, .. } => {
                let columns: Vec<String> =
                    rows.iter().map(|r| column::choice(id, &r.code)).collect();
                plan.push_count(Slot::Answered(q), any_answered(&columns));
                for (r, c) in columns.iter().enumerate() {
                    plan.push_count(Slot::RowAnswered(q, r), col(c.as_str()).is_not_null());
                    for i in 0..levels {
                        plan.push_count(Slot::RowLevel(q, r, i), col(c.as_str()).eq(lit(i as u8)));
                    }
                }
            }
            QuestionKind::Ranking { .. } => {
                let columns: Vec<String> = question
                    .choices()
                    .iter()
                    .map(|c| column::choice(id, &c.code))
                    .collect();
                plan.push_count(Slot::Answered(q), any_answered(&columns));
                for (i, c) in columns.iter().enumerate() {
                    plan.push_count(Slot::Rank(q, i, 0), col(c.as_str()).is_not_null());
                    plan.push_count(Slot::Rank(q, i, 1), col(c.as_str()).eq(lit(1u8)));
                    plan.push_sum(Slot::Rank(q, i, 2), col(c.as_str()));
                }
            }
            QuestionKind::Numeric { .. }
            | QuestionKind::Probability
            | QuestionKind::Year { .. } => {
                plan.push_count(Slot::Answered(q), col(id).is_not_null());
                let i = plan.slots.len();
                plan.slots.push(Slot::Values(q));
                let value = col(id).cast(DataType::Float64);
                plan.exprs.push(
                    value
                        .clone()
                        .filter(col(id).is_not_null())
                        .alias(format!("{}.v", Plan::name(i))),
                );
            }
            QuestionKind::Text { .. } => plan.push_count(Slot::Answered(q), col(id).is_not_null()),
        }
    }
    plan
}

/// The key columns of the query: the position, then each segment question, then the
/// weight of a weighted survey.
fn key_columns(survey: &Survey) -> Vec<String> {
    std::iter::once(survey.position)
        .chain(survey.segments.iter().copied())
        .map(|q| survey.questions[q].id.clone())
        .chain(survey.weights.clone())
        .collect()
}

/// The counts of one cell, or of the respondents of one weight in it: whole numbers, so
/// that raw cells add exactly (see [`RawCell::add`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawCell {
    /// The position level's index in its scale.
    pub position: usize,
    /// Per segment question, in survey order, its level index (`null`: not answered).
    pub segments: Vec<Option<usize>>,
    /// The respondents' weight as given (unscaled) in a weighted survey; `null` unweighted.
    pub weight: Option<f64>,
    /// Respondents in the cell.
    pub n: u64,
    /// Per question, in survey order.
    pub questions: Vec<RawCounts>,
}

/// What the respondents of a raw cell answered to one question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawCounts {
    /// How many were shown it.
    pub shown: u64,
    /// How many answered it (any row of a matrix, any item of a ranking).
    pub answered: u64,
    /// Per choice or level: how many gave it (single, multiple, likert).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<u64>,
    /// Per matrix row: how many answered it, and per level how many gave it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RawRow>,
    /// Per ranked item: times ranked, times ranked first, sum of its ranks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranks: Vec<[u64; 3]>,
    /// Numeric answers: each distinct value with how many gave it, ascending.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<(f64, u64)>,
}

/// One matrix row's counts in a raw cell.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawRow {
    pub answered: u64,
    pub levels: Vec<u64>,
}

impl RawCell {
    /// The order raw cells are kept in: by cell key, then by weight.
    pub fn order(&self, other: &RawCell) -> std::cmp::Ordering {
        (self.position, &self.segments)
            .cmp(&(other.position, &other.segments))
            .then_with(|| {
                let w = |c: &RawCell| c.weight.unwrap_or(0.0);
                w(self).total_cmp(&w(other))
            })
    }

    /// Whether `other` counts the same cell and weight, so the two can be added.
    pub fn same_place(&self, other: &RawCell) -> bool {
        self.order(other).is_eq()
    }

    /// Adds another raw cell of the same place: every count is a whole number, so the sum
    /// does not depend on the order of adding.
    pub fn add(&mut self, other: &RawCell) {
        self.n += other.n;
        for (a, b) in self.questions.iter_mut().zip(&other.questions) {
            a.shown += b.shown;
            a.answered += b.answered;
            for (x, y) in a.choices.iter_mut().zip(&b.choices) {
                *x += y;
            }
            for (x, y) in a.rows.iter_mut().zip(&b.rows) {
                x.answered += y.answered;
                for (l, m) in x.levels.iter_mut().zip(&y.levels) {
                    *l += m;
                }
            }
            for (x, y) in a.ranks.iter_mut().zip(&b.ranks) {
                for (l, m) in x.iter_mut().zip(y) {
                    *l += m;
                }
            }
            if !b.values.is_empty() {
                let mut values = std::mem::take(&mut a.values);
                values.extend_from_slice(&b.values);
                a.values = compress_values(values);
            }
        }
    }
}

/// Sorts values and adds the counts of equal ones.
pub fn compress_values(mut values: Vec<(f64, u64)>) -> Vec<(f64, u64)> {
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, u64)> = Vec::with_capacity(values.len());
    for (value, count) in values {
        match out.last_mut() {
            Some(last) if last.0 == value => last.1 += count,
            _ => out.push((value, count)),
        }
    }
    out
}

/// Raw cells from any number of tables (or partitions), sorted, with those of one place
/// added together.
pub fn merge_raw(cells: impl IntoIterator<Item = RawCell>) -> Vec<RawCell> {
    let mut cells: Vec<RawCell> = cells.into_iter().collect();
    cells.sort_by(RawCell::order);
    let mut out: Vec<RawCell> = Vec::with_capacity(cells.len());
    for cell in cells {
        match out.last_mut() {
            Some(last) if last.same_place(&cell) => last.add(&cell),
            _ => out.push(cell),
        }
    }
    out
}

pub(crate) fn empty_raw(question: &Question) -> RawCounts {
    let n = question.choices().len();
    match &question.kind {
        QuestionKind::Matrix { rows, .. } => RawCounts {
            rows: vec![
                RawRow {
                    answered: 0,
                    levels: vec![0; n],
                };
                rows.len()
            ],
            ..Default::default()
        },
        QuestionKind::Ranking { .. } => RawCounts {
            ranks: vec![[0; 3]; n],
            ..Default::default()
        },
        _ => RawCounts {
            choices: vec![0; if question.kind.is_number() { 0 } else { n }],
            ..Default::default()
        },
    }
}

/// Every non-empty raw cell of `frame` (a response table, or the rows of one round),
/// sorted by key and weight.
pub fn tabulate(survey: &Survey, frame: &DataFrame) -> Result<Vec<RawCell>> {
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

    let levels = 1 + survey.segments.len();
    let key_values: Vec<UInt8Chunked> = keys[..levels]
        .iter()
        .map(|k| Ok(table.column(k)?.u8()?.clone()))
        .collect::<Result<_>>()?;
    let weights: Option<Vec<Option<f64>>> = match &survey.weights {
        Some(w) => Some(table.column(w)?.f64()?.iter().collect()),
        None => None,
    };
    let count = |name: String| -> Result<Vec<u64>> {
        let column = table.column(&name)?.cast(&DataType::UInt64)?;
        Ok(column.u64()?.iter().map(|v| v.unwrap_or(0)).collect())
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

    let mut cells: Vec<RawCell> = (0..table.height())
        .map(|row| {
            let position = key_values[0]
                .get(row)
                .ok_or_else(|| Error::internal("a response without a position reached analysis"))?;
            Ok(RawCell {
                position: usize::from(position),
                segments: key_values[1..]
                    .iter()
                    .map(|k| k.get(row).map(usize::from))
                    .collect(),
                weight: weights.as_ref().map(|w| w[row].unwrap_or(1.0)),
                n: 0,
                questions: survey.questions.iter().map(empty_raw).collect(),
            })
        })
        .collect::<Result<_>>()?;

    for (i, slot) in plan.slots.iter().enumerate() {
        let name = Plan::name(i);
        if let Slot::Values(q) = *slot {
            for (cell, v) in cells.iter_mut().zip(list(format!("{name}.v"))?) {
                // Adding 0.0 turns -0.0 into 0.0, so the two zeros merge.
                cell.questions[q].values =
                    compress_values(v.into_iter().map(|value| (value + 0.0, 1)).collect());
            }
            continue;
        }
        for (cell, count) in cells.iter_mut().zip(count(format!("{name}.c"))?) {
            match *slot {
                Slot::N => cell.n = count,
                Slot::Shown(q) => cell.questions[q].shown = count,
                Slot::Answered(q) => cell.questions[q].answered = count,
                Slot::Choice(q, c) => cell.questions[q].choices[c] = count,
                Slot::RowAnswered(q, r) => cell.questions[q].rows[r].answered = count,
                Slot::RowLevel(q, r, l) => cell.questions[q].rows[r].levels[l] = count,
                Slot::Rank(q, i, k) => cell.questions[q].ranks[i][k.min(2)] = count,
                Slot::Values(_) => {}
            }
        }
    }
    cells.sort_by(RawCell::order);
    Ok(cells)
}

/// The cells of sorted raw cells: each raw cell's counts become tallies whose weights are
/// its weight divided by `mean` (the mean weight of all respondents, so that weighted
/// counts read like counts), added in ascending weight order.
pub fn scale(survey: &Survey, raw: &[RawCell], mean: Option<f64>) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    for cell in raw {
        let w = match (cell.weight, mean) {
            (Some(w), Some(mean)) if mean > 0.0 => w / mean,
            _ => 1.0,
        };
        let tally = |count: u64| Tally {
            count,
            weight: count as f64 * w,
            weight_sq: count as f64 * w * w,
        };
        let key = CellKey {
            position: cell.position,
            segments: cell.segments.clone(),
        };
        if cells.last().is_none_or(|last| last.key != key) {
            cells.push(Cell {
                key,
                n: Tally::default(),
                questions: survey.questions.iter().map(QuestionCounts::empty).collect(),
            });
        }
        let Some(out) = cells.last_mut() else {
            continue;
        };
        out.n.add(&tally(cell.n));
        for (a, b) in out.questions.iter_mut().zip(&cell.questions) {
            a.add(&QuestionCounts {
                shown: b.shown,
                answered: tally(b.answered),
                choices: b.choices.iter().map(|&c| tally(c)).collect(),
                rows: b
                    .rows
                    .iter()
                    .map(|r| RowCounts {
                        answered: r.answered,
                        levels: r.levels.iter().map(|&c| tally(c)).collect(),
                    })
                    .collect(),
                ranks: b.ranks.iter().map(|r| (r[0], r[1], r[2])).collect(),
                values: b
                    .values
                    .iter()
                    .map(|&(value, count)| Point {
                        value,
                        weight: w,
                        count,
                    })
                    .collect(),
            });
        }
    }
    for cell in &mut cells {
        for q in &mut cell.questions {
            q.values = compress(std::mem::take(&mut q.values));
        }
    }
    cells
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
