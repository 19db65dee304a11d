//! How far independent coders agree on a coded question (`coders = [...]`).
//!
//! Units: a single-choice coding is one nominal unit per answer (the code each coder
//! gave). A multiple-choice coding is read as one binary unit per (answer, code): did the
//! coder tick that code for that answer. Per code, the units are the answers; overall,
//! every (answer, code) pair, so a code nobody ever ticks adds agreement on absence
//! without dominating codes that are used. An answer counts for a coder when the coder's
//! columns are not null; Krippendorff's α uses every answer at least two coders coded
//! (it allows missing codings), Cohen's and Fleiss' κ only answers all coders coded.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::aggregates::{AgreementValues, CodeAgreement, CoderAgreement};
use super::stats::{self, Metric};
use crate::error::Result;
use crate::ingest::column;
use crate::survey::{Question, QuestionKind};

/// Units as rows of per-coder values (`None`: that coder did not code the answer).
type Units = Vec<Vec<Option<f64>>>;

/// What the agreement of a coded question needs, in a form that adds: how many answers
/// each pattern of codings has (a pattern gives each coder's code, or `null` where that
/// coder did not code the answer), per code for multiple choice (1 ticked, 0 not) or once
/// for single choice. Only answers at least two coders coded are counted; the measures
/// are computed from the patterns in their sorted order, so they do not depend on how the
/// rows were split or ordered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoderUnits {
    /// The coded question.
    pub question: String,
    /// Answers every coder coded.
    pub answers_all_coders: u64,
    /// Per code (multiple choice) or one list (single choice): patterns with their count,
    /// sorted by pattern.
    pub patterns: Vec<Vec<(Vec<Option<u8>>, u64)>>,
}

impl CoderUnits {
    /// Adds the patterns of another table of the same question.
    pub fn add(&mut self, other: &CoderUnits) {
        self.answers_all_coders += other.answers_all_coders;
        for (a, b) in self.patterns.iter_mut().zip(&other.patterns) {
            a.extend(b.iter().cloned());
            *a = count_patterns(std::mem::take(a));
        }
    }
}

fn count_patterns(patterns: Vec<(Vec<Option<u8>>, u64)>) -> Vec<(Vec<Option<u8>>, u64)> {
    let mut counted: BTreeMap<Vec<Option<u8>>, u64> = BTreeMap::new();
    for (pattern, count) in patterns {
        *counted.entry(pattern).or_default() += count;
    }
    counted.into_iter().collect()
}

/// The units of `question`'s coders in `frame`, or `None` when it declares fewer than two.
pub fn units(question: &Question, frame: &DataFrame) -> Result<Option<CoderUnits>> {
    let coders = &question.coders;
    if coders.len() < 2 {
        return Ok(None);
    }
    let id = question.id.as_str();
    let patterns = |given: &[Vec<Option<u8>>]| {
        count_patterns(
            (0..frame.height())
                .map(|row| (given.iter().map(|c| c[row]).collect::<Vec<_>>(), 1))
                .filter(|(unit, _)| unit.iter().filter(|v| v.is_some()).count() >= 2)
                .collect(),
        )
    };
    let (patterns, all) = match &question.kind {
        QuestionKind::Multiple { .. } => {
            let per_code = question
                .choices()
                .iter()
                .map(|c| {
                    let given: Vec<Vec<Option<u8>>> = coders
                        .iter()
                        .map(|coder| {
                            let name = column::choice(&column::coded(id, coder), &c.code);
                            Ok(frame
                                .column(&name)?
                                .bool()?
                                .iter()
                                .map(|t| t.map(u8::from))
                                .collect())
                        })
                        .collect::<Result<_>>()?;
                    Ok(patterns(&given))
                })
                .collect::<Result<_>>()?;
            (per_code, answers_all(frame, question)?)
        }
        _ => {
            let given: Vec<Vec<Option<u8>>> = coders
                .iter()
                .map(|coder| {
                    Ok(frame
                        .column(&column::coded(id, coder))?
                        .u8()?
                        .iter()
                        .collect())
                })
                .collect::<Result<_>>()?;
            (vec![patterns(&given)], answers_all_single(frame, question)?)
        }
    };
    Ok(Some(CoderUnits {
        question: question.id.clone(),
        answers_all_coders: all,
        patterns,
    }))
}

/// The units of some patterns, one per answer, in pattern order.
fn expand(patterns: &[(Vec<Option<u8>>, u64)]) -> Units {
    patterns
        .iter()
        .flat_map(|(pattern, count)| {
            let unit: Vec<Option<f64>> = pattern.iter().map(|v| v.map(f64::from)).collect();
            std::iter::repeat_n(unit, usize::try_from(*count).unwrap_or(usize::MAX))
        })
        .collect()
}

/// The agreement of `question`'s coders from their units.
pub fn agreement(question: &Question, units: &CoderUnits) -> CoderAgreement {
    let coders = &question.coders;
    let categories = question.choices().len();
    let (answers, overall, codes) = match &question.kind {
        QuestionKind::Multiple { .. } => {
            let per_code: Vec<Units> = units.patterns.iter().map(|p| expand(p)).collect();
            let answers = per_code.first().map_or(0, |u| u.len());
            let pooled: Units = per_code.iter().flatten().cloned().collect();
            let codes = question
                .choices()
                .iter()
                .zip(&per_code)
                .map(|(choice, units)| CodeAgreement {
                    code: choice.code.clone(),
                    ticked: (0..coders.len())
                        .map(|c| units.iter().filter(|u| u[c] == Some(1.0)).count() as u64)
                        .collect(),
                    values: values(units, 2, coders.len()),
                })
                .collect();
            (answers, values(&pooled, 2, coders.len()), codes)
        }
        _ => {
            let units = units
                .patterns
                .first()
                .map(|p| expand(p))
                .unwrap_or_default();
            (
                units.len(),
                values(&units, categories, coders.len()),
                Vec::new(),
            )
        }
    };
    CoderAgreement {
        coders: coders.clone(),
        answers: answers as u64,
        answers_all_coders: units.answers_all_coders,
        kappa_kind: if coders.len() == 2 { "cohen" } else { "fleiss" }.to_string(),
        overall,
        codes,
    }
}

fn coded_by(unit: &[Option<f64>]) -> usize {
    unit.iter().filter(|v| v.is_some()).count()
}

/// α, κ and percent agreement of units whose values are category indices below
/// `categories`.
fn values(units: &Units, categories: usize, coders: usize) -> AgreementValues {
    let complete: Vec<Vec<usize>> = units
        .iter()
        .filter(|u| coded_by(u) == coders)
        .map(|u| u.iter().map(|v| v.unwrap_or(0.0) as usize).collect())
        .collect();
    let kappa = if coders == 2 {
        let mut table = vec![vec![0.0; categories]; categories];
        for unit in &complete {
            if unit[0] < categories && unit[1] < categories {
                table[unit[0]][unit[1]] += 1.0;
            }
        }
        stats::cohen_kappa(&table)
    } else {
        let counts: Vec<Vec<f64>> = complete
            .iter()
            .map(|unit| {
                let mut row = vec![0.0; categories];
                for &v in unit {
                    if v < categories {
                        row[v] += 1.0;
                    }
                }
                row
            })
            .collect();
        stats::fleiss_kappa(&counts)
    };
    AgreementValues {
        alpha: stats::krippendorff_alpha(units, Metric::Nominal),
        kappa,
        percent_agreement: (!complete.is_empty()).then(|| {
            complete
                .iter()
                .filter(|u| u.iter().all(|v| *v == u[0]))
                .count() as f64
                / complete.len() as f64
        }),
    }
}

/// Answers of a multiple-choice question that every coder coded.
fn answers_all(frame: &DataFrame, question: &Question) -> Result<u64> {
    let first = &question.choices()[0].code;
    let mut all: Option<BooleanChunked> = None;
    for coder in &question.coders {
        let name = column::choice(&column::coded(&question.id, coder), first);
        let coded = frame.column(&name)?.is_not_null();
        all = Some(match all {
            Some(a) => &a & &coded,
            None => coded,
        });
    }
    Ok(all.map_or(0, |a| a.sum().unwrap_or(0) as u64))
}

fn answers_all_single(frame: &DataFrame, question: &Question) -> Result<u64> {
    let mut all: Option<BooleanChunked> = None;
    for coder in &question.coders {
        let coded = frame
            .column(&column::coded(&question.id, coder))?
            .is_not_null();
        all = Some(match all {
            Some(a) => &a & &coded,
            None => coded,
        });
    }
    Ok(all.map_or(0, |a| a.sum().unwrap_or(0) as u64))
}
