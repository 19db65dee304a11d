//! Delphi rounds: each round analysed on its own (its groups decided by the same
//! anonymity rule), the shift of every group's shares and medians from one round to the
//! next, and how many respondents moved up, down or stayed on each ordinal question.

use std::collections::HashMap;

use polars::prelude::*;

use super::aggregates::{
    GroupResult, GroupShift, Movement, QuestionResult, RoundResult, Rounds, ShareChange, Shift,
};
use super::measures::Context;
use super::{ROUND, tabulate};
use crate::error::Result;
use crate::ingest::column;
use crate::survey::{QuestionKind, Survey};

/// The rows of each round, in round order, when the table has a `round` column.
pub fn split(frame: &DataFrame) -> Result<Option<Vec<(u32, DataFrame)>>> {
    let Ok(rounds) = frame.column(ROUND) else {
        return Ok(None);
    };
    let rounds = rounds.cast(&DataType::UInt32)?;
    let mut distinct: Vec<u32> = rounds.u32()?.iter().flatten().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let mut out = Vec::new();
    for round in distinct {
        let mask = rounds.u32()?.equal(round);
        out.push((round, frame.filter(&mask)?));
    }
    Ok(Some(out))
}

pub fn analyse(survey: &Survey, split: &[(u32, DataFrame)], ctx: &Context<'_>) -> Result<Rounds> {
    let rounds: Vec<RoundResult> = split
        .iter()
        .map(|(round, frame)| {
            let table = tabulate(survey, frame, ctx)?;
            Ok(RoundResult {
                round: *round,
                respondents: frame.height() as u64,
                groupings: table.groupings,
                questions: table.questions,
            })
        })
        .collect::<Result<_>>()?;
    let mut shifts = Vec::new();
    for (pair, frames) in rounds.windows(2).zip(split.windows(2)) {
        shifts.push(Shift {
            from: pair[0].round,
            to: pair[1].round,
            groups: group_shifts(&pair[0], &pair[1]),
            respondents: movements(survey, &frames[0].1, &frames[1].1)?,
        });
    }
    Ok(Rounds { rounds, shifts })
}

fn share_changes(
    codes: &[crate::analyze::ChoiceInfo],
    from: &[crate::analyze::ChoiceCount],
    to: &[crate::analyze::ChoiceCount],
) -> Vec<ShareChange> {
    codes
        .iter()
        .zip(from.iter().zip(to))
        .map(|(c, (a, b))| ShareChange {
            code: c.code.clone(),
            from: a.share,
            to: b.share,
            change: a.share.zip(b.share).map(|(a, b)| b - a),
        })
        .collect()
}

/// Every group (same grouping and key) present in both rounds, every question.
fn group_shifts(from: &RoundResult, to: &RoundResult) -> Vec<GroupShift> {
    let mut out = Vec::new();
    for (qa, qb) in from.questions.iter().zip(&to.questions) {
        for a in &qa.results {
            let Some(b) = qb.result(&a.grouping, &a.group) else {
                continue;
            };
            out.extend(question_shift(qa, a, b));
        }
    }
    out
}

fn question_shift(q: &QuestionResult, a: &GroupResult, b: &GroupResult) -> Vec<GroupShift> {
    let shift = |row: Option<String>, changes, median_from, median_to| GroupShift {
        question: q.id.clone(),
        row,
        grouping: a.grouping.clone(),
        group: a.group.clone(),
        n_from: a.n,
        n_to: b.n,
        share_changes: changes,
        median_from,
        median_to,
    };
    match q.kind.as_str() {
        "single" | "multiple" | "likert" => vec![shift(
            None,
            share_changes(&q.choices, &a.counts, &b.counts),
            a.ordinal.as_ref().map(|o| o.median.clone()),
            b.ordinal.as_ref().map(|o| o.median.clone()),
        )],
        "matrix" => a
            .rows
            .iter()
            .zip(&b.rows)
            .map(|(ra, rb)| {
                shift(
                    Some(ra.row.clone()),
                    share_changes(&q.choices, &ra.counts, &rb.counts),
                    ra.ordinal.as_ref().map(|o| o.median.clone()),
                    rb.ordinal.as_ref().map(|o| o.median.clone()),
                )
            })
            .collect(),
        "numeric" | "probability" | "year" => vec![shift(
            None,
            Vec::new(),
            a.summary.as_ref().map(|s| s.median.to_string()),
            b.summary.as_ref().map(|s| s.median.to_string()),
        )],
        _ => Vec::new(),
    }
}

/// Per ordinal question (the position first, as it comes in the survey; matrix rows one
/// by one): of the respondents with a substantive answer in both rounds, how many moved
/// up the scale, down, or stayed.
fn movements(survey: &Survey, from: &DataFrame, to: &DataFrame) -> Result<Vec<Movement>> {
    let ids = |frame: &DataFrame| -> Result<Vec<Option<String>>> {
        Ok(frame
            .column(column::RESPONDENT_ID)?
            .str()?
            .iter()
            .map(|s| s.map(str::to_string))
            .collect())
    };
    let later: HashMap<String, usize> = ids(to)?
        .into_iter()
        .enumerate()
        .filter_map(|(i, id)| id.map(|id| (id, i)))
        .collect();
    let pairs: Vec<(usize, usize)> = ids(from)?
        .into_iter()
        .enumerate()
        .filter_map(|(i, id)| id.and_then(|id| later.get(&id).map(|&j| (i, j))))
        .collect();
    let mut out = Vec::new();
    for question in &survey.questions {
        let (columns, ordered): (Vec<(Option<String>, String)>, usize) = match &question.kind {
            QuestionKind::Likert { scale } => (vec![(None, question.id.clone())], scale.ordered),
            QuestionKind::Matrix { rows, scale } => (
                rows.iter()
                    .map(|r| (Some(r.code.clone()), column::choice(&question.id, &r.code)))
                    .collect(),
                scale.ordered,
            ),
            _ => continue,
        };
        for (row, name) in columns {
            let a: Vec<Option<u8>> = from.column(&name)?.u8()?.iter().collect();
            let b: Vec<Option<u8>> = to.column(&name)?.u8()?.iter().collect();
            let mut m = Movement {
                question: question.id.clone(),
                row,
                both: 0,
                up: 0,
                down: 0,
                same: 0,
            };
            for &(i, j) in &pairs {
                let (Some(x), Some(y)) = (a[i], b[j]) else {
                    continue;
                };
                if usize::from(x) >= ordered || usize::from(y) >= ordered {
                    continue;
                }
                m.both += 1;
                match y.cmp(&x) {
                    std::cmp::Ordering::Greater => m.up += 1,
                    std::cmp::Ordering::Less => m.down += 1,
                    std::cmp::Ordering::Equal => m.same += 1,
                }
            }
            out.push(m);
        }
    }
    Ok(out)
}
