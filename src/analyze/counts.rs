//! Counting answers per position level in one polars query: a single lazy group-by on the
//! position column computes, for every question, how many answered and how many gave
//! each code (per row for a matrix; times ranked, ranked first and the sum of ranks for
//! a ranking). Every coarser group (merged levels, sides, overall) is a sum of these
//! rows. Numbers are kept as values per level, since medians and quartiles do not add.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::ingest::{Responses, column};
use crate::survey::{Question, QuestionKind, Survey};

/// Counts for one position level.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LevelCounts {
    /// Respondents at this level.
    pub n: u64,
    /// Per question, in survey order.
    pub questions: Vec<QuestionCounts>,
}

/// What one group of respondents answered to one question.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuestionCounts {
    pub answered: u64,
    /// Per choice or level: how many gave it (single, multiple, likert).
    pub choices: Vec<u64>,
    /// Per matrix row: how many answered it, and per level how many gave it.
    pub rows: Vec<(u64, Vec<u64>)>,
    /// Per ranked item: times ranked, times ranked first, sum of its ranks.
    pub ranks: Vec<(u64, u64, u64)>,
    /// Every numeric answer (numeric, probability, year), in no particular order.
    pub values: Vec<f64>,
}

impl QuestionCounts {
    fn empty(question: &Question) -> QuestionCounts {
        let n = question.choices().len();
        match &question.kind {
            QuestionKind::Matrix { rows, .. } => QuestionCounts {
                rows: vec![(0, vec![0; n]); rows.len()],
                ..Default::default()
            },
            QuestionKind::Ranking { .. } => QuestionCounts {
                ranks: vec![(0, 0, 0); n],
                ..Default::default()
            },
            _ => QuestionCounts {
                choices: vec![0; if question.kind.is_number() { 0 } else { n }],
                ..Default::default()
            },
        }
    }

    pub fn add(&mut self, other: &QuestionCounts) {
        self.answered += other.answered;
        add_all(&mut self.choices, &other.choices);
        for ((answered, counts), (a, c)) in self.rows.iter_mut().zip(&other.rows) {
            *answered += a;
            add_all(counts, c);
        }
        for ((ranked, first, sum), (r, f, s)) in self.ranks.iter_mut().zip(&other.ranks) {
            *ranked += r;
            *first += f;
            *sum += s;
        }
        self.values.extend_from_slice(&other.values);
    }
}

fn add_all(into: &mut [u64], from: &[u64]) {
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

/// The aggregations of one question, named `#q.…` so they can be read back.
struct Plan {
    answered: Expr,
    /// Named count expressions, read back in this order.
    counts: Vec<Expr>,
}

fn any_answered(columns: &[String]) -> Expr {
    columns
        .iter()
        .map(|c| col(c.as_str()).is_not_null())
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false))
        .sum()
}

fn plan(question: &Question) -> Plan {
    let id = question.id.as_str();
    let levels = question.choices().len();
    match &question.kind {
        QuestionKind::Single { .. } | QuestionKind::Likert { .. } => Plan {
            answered: col(id).is_not_null().sum(),
            counts: (0..levels)
                .map(|i| col(id).eq(lit(i as u32)).sum())
                .collect(),
        },
        QuestionKind::Multiple { .. } => {
            let columns: Vec<String> = question
                .choices()
                .iter()
                .map(|c| column::choice(id, &c.code))
                .collect();
            // All choice columns of a question are null together (not answered).
            Plan {
                answered: col(columns[0].as_str()).is_not_null().sum(),
                counts: columns.iter().map(|c| col(c.as_str()).sum()).collect(),
            }
        }
        QuestionKind::Matrix { rows, .. } => {
            let columns: Vec<String> = rows.iter().map(|r| column::choice(id, &r.code)).collect();
            let mut counts = Vec::new();
            for c in &columns {
                counts.push(col(c.as_str()).is_not_null().sum());
                counts.extend((0..levels).map(|i| col(c.as_str()).eq(lit(i as u32)).sum()));
            }
            Plan {
                answered: any_answered(&columns),
                counts,
            }
        }
        QuestionKind::Ranking { .. } => {
            let columns: Vec<String> = question
                .choices()
                .iter()
                .map(|c| column::choice(id, &c.code))
                .collect();
            let mut counts = Vec::new();
            for c in &columns {
                counts.push(col(c.as_str()).is_not_null().sum());
                counts.push(col(c.as_str()).eq(lit(1u32)).sum());
                counts.push(col(c.as_str()).cast(DataType::UInt64).sum());
            }
            Plan {
                answered: any_answered(&columns),
                counts,
            }
        }
        QuestionKind::Numeric { .. }
        | QuestionKind::Probability
        | QuestionKind::Year { .. }
        | QuestionKind::Text { .. } => Plan {
            answered: col(id).is_not_null().sum(),
            counts: Vec::new(),
        },
    }
}

/// One [`LevelCounts`] per level of the position scale, in scale order.
pub fn by_position_level(survey: &Survey, responses: &Responses) -> Result<Vec<LevelCounts>> {
    let position = survey.position_question().id.as_str();
    let plans: Vec<Plan> = survey.questions.iter().map(plan).collect();
    let mut exprs = vec![len().cast(DataType::UInt64).alias("#n")];
    for (q, plan) in plans.iter().enumerate() {
        exprs.push(
            plan.answered
                .clone()
                .cast(DataType::UInt64)
                .alias(format!("#{q}")),
        );
        for (c, expr) in plan.counts.iter().enumerate() {
            exprs.push(
                expr.clone()
                    .cast(DataType::UInt64)
                    .alias(format!("#{q}.{c}")),
            );
        }
    }
    let table = responses
        .frame()
        .clone()
        .lazy()
        .group_by([col(position)])
        .agg(exprs)
        .collect()?;

    let mut out: Vec<LevelCounts> = (0..survey.position_scale().levels.len())
        .map(|_| LevelCounts {
            n: 0,
            questions: survey.questions.iter().map(QuestionCounts::empty).collect(),
        })
        .collect();
    let level_column = table.column(position)?.u8()?.clone();
    let read = |name: &str| -> Result<UInt64Chunked> { Ok(table.column(name)?.u64()?.clone()) };
    let n = read("#n")?;
    for row in 0..table.height() {
        // The position question is required, so ingest accepted no row without it.
        let level = level_column
            .get(row)
            .ok_or_else(|| Error::internal("a response without a position reached analysis"))?
            as usize;
        out[level].n = n.get(row).unwrap_or(0);
    }
    for (q, plan) in plans.iter().enumerate() {
        let answered = read(&format!("#{q}"))?;
        let counts: Vec<UInt64Chunked> = (0..plan.counts.len())
            .map(|c| read(&format!("#{q}.{c}")))
            .collect::<Result<_>>()?;
        for row in 0..table.height() {
            let level = level_column.get(row).unwrap_or(0) as usize;
            let get = |c: usize| counts[c].get(row).unwrap_or(0);
            let target = &mut out[level].questions[q];
            target.answered = answered.get(row).unwrap_or(0);
            if !target.choices.is_empty() {
                target.choices = (0..target.choices.len()).map(get).collect();
            }
            let levels = survey.questions[q].choices().len();
            for (r, (row_answered, row_counts)) in target.rows.iter_mut().enumerate() {
                let base = r * (levels + 1);
                *row_answered = get(base);
                *row_counts = (0..levels).map(|i| get(base + 1 + i)).collect();
            }
            for (i, rank) in target.ranks.iter_mut().enumerate() {
                *rank = (get(3 * i), get(3 * i + 1), get(3 * i + 2));
            }
        }
    }
    collect_values(survey, responses, &mut out)?;
    Ok(out)
}

/// Every numeric answer, by position level.
fn collect_values(survey: &Survey, responses: &Responses, out: &mut [LevelCounts]) -> Result<()> {
    let frame = responses.frame();
    let position = frame.column(&survey.position_question().id)?.u8()?.clone();
    for (q, question) in survey.questions.iter().enumerate() {
        if !question.kind.is_number() {
            continue;
        }
        let values = frame.column(&question.id)?.cast(&DataType::Float64)?;
        for (level, value) in position.iter().zip(values.f64()?.iter()) {
            if let (Some(level), Some(value)) = (level, value) {
                out[usize::from(level)].questions[q].values.push(value);
            }
        }
    }
    Ok(())
}
