//! How each share differs between the two ends of the scale: the outer sides (or the
//! outer position groups when the scale declares no sides), with Newcombe's hybrid score
//! interval for the difference; and, for coded free text, the considerations ordered by
//! how much they distinguish the two.

use super::aggregates::{CodedQuestion, Contrast, Difference, Distinguishing, QuestionResult};
use super::cells::{QuestionCounts, Tally};
use super::groups::{POSITION, PlannedGrouping, SIDE};
use super::measures::Context;
use super::stats;
use crate::survey::{Question, QuestionKind};

/// The grouping and its two outer groups that contrasts compare, if there are two.
pub fn ends(groupings: &[PlannedGrouping]) -> Option<(&PlannedGrouping, usize, usize)> {
    [SIDE, POSITION]
        .iter()
        .filter_map(|id| groupings.iter().find(|g| g.id == *id))
        .find(|g| g.groups.len() >= 2)
        .map(|g| (g, 0, g.groups.len() - 1))
}

/// Per choice, the part and the base its share is computed on.
fn shares(
    question: &Question,
    counts: &QuestionCounts,
    include: bool,
) -> Vec<Option<(Tally, Tally)>> {
    match &question.kind {
        QuestionKind::Likert { scale } => {
            let counted = |i: usize| include || !scale.is_nonsubstantive(i);
            let base = Tally::sum(
                counts
                    .choices
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| counted(*i))
                    .map(|(_, t)| t),
            );
            counts
                .choices
                .iter()
                .enumerate()
                .map(|(i, t)| counted(i).then_some((*t, base)))
                .collect()
        }
        QuestionKind::Single { .. } | QuestionKind::Multiple { .. } => counts
            .choices
            .iter()
            .map(|t| Some((*t, counts.answered)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The contrast of a single, multiple or likert question between `low` and `high`.
pub fn contrast(
    ctx: &Context<'_>,
    question: &Question,
    grouping: &str,
    (low_key, low): (&str, &QuestionCounts),
    (high_key, high): (&str, &QuestionCounts),
) -> Option<Contrast> {
    let include = ctx.options.include_nonsubstantive;
    let low_shares = shares(question, low, include);
    if low_shares.is_empty() {
        return None;
    }
    let high_shares = shares(question, high, include);
    let differences = question
        .choices()
        .iter()
        .zip(low_shares.iter().zip(&high_shares))
        .map(|(choice, (l, h))| {
            let (low_share, high_share, interval) = match (l, h) {
                (Some((lp, lb)), Some((hp, hb))) => {
                    let low_share = ctx.share(lp, lb).0;
                    let high_share = ctx.share(hp, hb).0;
                    let interval = match (ctx.effective(hp, hb), ctx.effective(lp, lb)) {
                        (Some((x1, n1)), Some((x2, n2))) => {
                            stats::newcombe(x1, n1, x2, n2, ctx.options.confidence)
                        }
                        _ => None,
                    };
                    (low_share, high_share, interval)
                }
                _ => (None, None, None),
            };
            Difference {
                code: choice.code.clone(),
                low_share,
                high_share,
                difference: low_share.zip(high_share).map(|(l, h)| h - l),
                interval,
            }
        })
        .collect();
    Some(Contrast {
        grouping: grouping.to_string(),
        low: low_key.to_string(),
        high: high_key.to_string(),
        differences,
    })
}

/// Whether a question holds coded free text: choices from a codebook with directions.
pub fn is_coded(question: &Question) -> bool {
    matches!(
        question.kind,
        QuestionKind::Single { .. } | QuestionKind::Multiple { .. }
    ) && question.choices().iter().any(|c| c.direction.is_some())
}

/// The considerations of a coded question by how much they distinguish the two ends,
/// largest absolute difference first (ties, and codes without a difference, in codebook
/// order).
pub fn distinguishing(question: &Question, result: &QuestionResult) -> CodedQuestion {
    let contrast = result.contrast.as_ref();
    let mut rows: Vec<(usize, Distinguishing)> = question
        .choices()
        .iter()
        .enumerate()
        .map(|(i, choice)| {
            let d = contrast.and_then(|c| c.differences.get(i));
            (
                i,
                Distinguishing {
                    code: choice.code.clone(),
                    label: choice.label.to_string(),
                    direction: choice.direction,
                    low_share: d.and_then(|d| d.low_share),
                    high_share: d.and_then(|d| d.high_share),
                    difference: d.and_then(|d| d.difference),
                    interval: d.and_then(|d| d.interval),
                },
            )
        })
        .collect();
    rows.sort_by(|(i, a), (j, b)| {
        let size = |d: &Distinguishing| d.difference.map_or(-1.0, f64::abs);
        size(b).total_cmp(&size(a)).then(i.cmp(j))
    });
    CodedQuestion {
        question: question.id.clone(),
        grouping: contrast.map(|c| c.grouping.clone()),
        low: contrast.map(|c| c.low.clone()),
        high: contrast.map(|c| c.high.clone()),
        distinguishing: rows.into_iter().map(|(_, d)| d).collect(),
        agreement: None,
    }
}
