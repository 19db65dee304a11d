//! How far independent coders agree on a coded question (`coders = [...]`).
//!
//! Units: a single-choice coding is one nominal unit per answer (the code each coder
//! gave). A multiple-choice coding is read as one binary unit per (answer, code): did the
//! coder tick that code for that answer. Per code, the units are the answers; overall,
//! every (answer, code) pair, so a code nobody ever ticks adds agreement on absence
//! without dominating codes that are used. An answer counts for a coder when the coder's
//! columns are not null; Krippendorff's α uses every answer at least two coders coded
//! (it allows missing codings), Cohen's and Fleiss' κ only answers all coders coded.

use polars::prelude::*;

use super::aggregates::{AgreementValues, CodeAgreement, CoderAgreement};
use super::stats::{self, Metric};
use crate::error::Result;
use crate::ingest::column;
use crate::survey::{Question, QuestionKind};

/// Units as rows of per-coder values (`None`: that coder did not code the answer).
type Units = Vec<Vec<Option<f64>>>;

/// The agreement of `question`'s coders, or `None` when it declares fewer than two.
pub fn agreement(question: &Question, frame: &DataFrame) -> Result<Option<CoderAgreement>> {
    let coders = &question.coders;
    if coders.len() < 2 {
        return Ok(None);
    }
    let id = question.id.as_str();
    let categories = question.choices().len();
    let (answers, overall, codes) = match &question.kind {
        QuestionKind::Multiple { .. } => {
            // ticks[coder][code][row]
            let ticks: Vec<Vec<Vec<Option<bool>>>> = coders
                .iter()
                .map(|coder| {
                    question
                        .choices()
                        .iter()
                        .map(|c| {
                            let name = column::choice(&column::coded(id, coder), &c.code);
                            Ok(frame.column(&name)?.bool()?.iter().collect())
                        })
                        .collect::<Result<_>>()
                })
                .collect::<Result<_>>()?;
            let per_code: Vec<Units> = (0..categories)
                .map(|code| {
                    (0..frame.height())
                        .map(|row| {
                            ticks
                                .iter()
                                .map(|coder| coder[code][row].map(|t| f64::from(u8::from(t))))
                                .collect()
                        })
                        .filter(|unit: &Vec<Option<f64>>| coded_by(unit) >= 2)
                        .collect()
                })
                .collect();
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
            let units: Units = (0..frame.height())
                .map(|row| given.iter().map(|c| c[row].map(f64::from)).collect())
                .filter(|unit: &Vec<Option<f64>>| coded_by(unit) >= 2)
                .collect();
            (
                units.len(),
                values(&units, categories, coders.len()),
                Vec::new(),
            )
        }
    };
    let all = match &question.kind {
        QuestionKind::Multiple { .. } => answers_all(frame, question)?,
        _ => answers_all_single(frame, question)?,
    };
    Ok(Some(CoderAgreement {
        coders: coders.clone(),
        answers: answers as u64,
        answers_all_coders: all,
        kappa_kind: if coders.len() == 2 { "cohen" } else { "fleiss" }.to_string(),
        overall,
        codes,
    }))
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
