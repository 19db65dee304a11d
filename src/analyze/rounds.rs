//! Delphi rounds: each round analysed on its own (its groups decided by the same
//! anonymity rule), the shift of every group's shares and medians from one round to the
//! next, and how many respondents moved up, down or stayed on each ordinal question.

use std::collections::HashMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::aggregates::{
    GroupResult, GroupShift, Movement, QuestionResult, RoundResult, Rounds, ShareChange, Shift,
};
use super::{ROUND, Table};
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

/// One round, tabulated, with its respondents' ordinal answers (for the movements).
pub struct RoundInput<'a> {
    pub round: u32,
    pub respondents: u64,
    pub table: Table,
    pub answers: &'a [RoundAnswers],
}

pub fn analyse(survey: &Survey, rounds: Vec<RoundInput<'_>>) -> Rounds {
    let answers: Vec<&[RoundAnswers]> = rounds.iter().map(|r| r.answers).collect();
    let rounds: Vec<RoundResult> = rounds
        .into_iter()
        .map(|r| RoundResult {
            round: r.round,
            respondents: r.respondents,
            groupings: r.table.groupings,
            questions: r.table.questions,
        })
        .collect();
    let mut shifts = Vec::new();
    for (pair, answers) in rounds.windows(2).zip(answers.windows(2)) {
        shifts.push(Shift {
            from: pair[0].round,
            to: pair[1].round,
            groups: group_shifts(&pair[0], &pair[1]),
            respondents: movements(survey, answers[0], answers[1]),
        });
    }
    Rounds { rounds, shifts }
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

/// One respondent's answers to the ordinal questions of one round (likert questions and
/// matrix rows, in [`ordinal_columns`] order), for pairing them with the next round. A
/// move needs the same respondent in both rounds, which no count per cell gives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoundAnswers {
    pub respondent: String,
    pub levels: Vec<Option<u8>>,
}

/// The ordinal columns movements are counted on: (question, matrix row, column, number of
/// ordered levels).
pub(super) fn ordinal_columns(survey: &Survey) -> Vec<(String, Option<String>, String, usize)> {
    let mut out = Vec::new();
    for question in &survey.questions {
        match &question.kind {
            QuestionKind::Likert { scale } => out.push((
                question.id.clone(),
                None,
                question.id.clone(),
                scale.ordered,
            )),
            QuestionKind::Matrix { rows, scale } => {
                for r in rows {
                    out.push((
                        question.id.clone(),
                        Some(r.code.clone()),
                        column::choice(&question.id, &r.code),
                        scale.ordered,
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// Every respondent's ordinal answers in `frame` (one round), sorted by respondent.
pub fn answers(survey: &Survey, frame: &DataFrame) -> Result<Vec<RoundAnswers>> {
    let columns: Vec<Vec<Option<u8>>> = ordinal_columns(survey)
        .iter()
        .map(|(_, _, name, _)| Ok(frame.column(name)?.u8()?.iter().collect()))
        .collect::<Result<_>>()?;
    let mut out: Vec<RoundAnswers> = frame
        .column(column::RESPONDENT_ID)?
        .str()?
        .iter()
        .enumerate()
        .filter_map(|(row, id)| {
            id.map(|id| RoundAnswers {
                respondent: id.to_string(),
                levels: columns.iter().map(|c| c[row]).collect(),
            })
        })
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// Per ordinal question (the position first, as it comes in the survey; matrix rows one
/// by one): of the respondents with a substantive answer in both rounds, how many moved
/// up the scale, down, or stayed.
fn movements(survey: &Survey, from: &[RoundAnswers], to: &[RoundAnswers]) -> Vec<Movement> {
    let later: HashMap<&str, &RoundAnswers> =
        to.iter().map(|a| (a.respondent.as_str(), a)).collect();
    let pairs: Vec<(&RoundAnswers, &RoundAnswers)> = from
        .iter()
        .filter_map(|a| later.get(a.respondent.as_str()).map(|b| (a, *b)))
        .collect();
    ordinal_columns(survey)
        .into_iter()
        .enumerate()
        .map(|(c, (question, row, _, ordered))| {
            let mut m = Movement {
                question,
                row,
                both: 0,
                up: 0,
                down: 0,
                same: 0,
            };
            for (a, b) in &pairs {
                let (Some(x), Some(y)) = (a.levels[c], b.levels[c]) else {
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
            m
        })
        .collect()
}
