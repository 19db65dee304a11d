//! The answers themselves of a numeric, probability or year question in one group, for
//! charts that draw every answer as a point. A summary (quartiles, pooled estimates) says
//! where the answers lie; only the answers show how they spread and cluster.
//!
//! A group gets its sorted answers when it has at least the anonymity threshold of
//! respondents and at most [`MAX_VALUES`] answers; a larger group gets a histogram of
//! [`BINS`] equal bins instead, so `aggregates.json` stays small on a large panel. Withheld
//! groups have no result at all, so they never get either. Crosses of position or side
//! with a segment get neither: they are many and small, and no chart draws them.

use serde::Serialize;

use super::cells::Point;
use crate::survey::{Question, QuestionKind, Survey};

/// The most answers a group lists one by one.
pub const MAX_VALUES: u64 = 1_000;

/// How many equal bins a larger group's answers are counted in.
pub const BINS: usize = 20;

/// A group's answers to a number question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answers {
    /// Every answer, ascending (a value given by several respondents appears that many
    /// times; weights are not applied).
    Values(Vec<f64>),
    /// How many answers fall in each of [`BINS`] equal bins, lowest first.
    Bins(Vec<Bin>),
}

/// A bin of a histogram: answers `low <= x < high` (the last bin includes `high`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bin {
    pub low: f64,
    pub high: f64,
    pub count: u64,
}

/// The answers of a group of `n` respondents whose distinct answers are `points`
/// (ascending, as [`super::cells::compress`] leaves them); `None` for other kinds, for a
/// group below the anonymity threshold and for a group with no answers.
pub fn answers(survey: &Survey, question: &Question, points: &[Point], n: u64) -> Option<Answers> {
    let bounds = match &question.kind {
        QuestionKind::Numeric { min, max, .. } => (*min, *max),
        QuestionKind::Probability => (Some(0.0), Some(100.0)),
        QuestionKind::Year { min, max } => (min.map(f64::from), max.map(f64::from)),
        _ => return None,
    };
    let answered: u64 = points.iter().map(|p| p.count).sum();
    if answered == 0 || n < u64::from(survey.anonymity.min_group_size) {
        return None;
    }
    if answered <= MAX_VALUES {
        let values = points
            .iter()
            .flat_map(|p| std::iter::repeat_n(p.value, p.count as usize))
            .collect();
        return Some(Answers::Values(values));
    }
    Some(Answers::Bins(histogram(points, bounds)))
}

/// [`BINS`] equal bins over the question's bounds where it declares them, else over the
/// answers' own range (one bin when every answer is the same).
fn histogram(points: &[Point], (min, max): (Option<f64>, Option<f64>)) -> Vec<Bin> {
    let first = points.first().map_or(0.0, |p| p.value);
    let last = points.last().map_or(0.0, |p| p.value);
    let low = min.unwrap_or(first).min(first);
    let high = max.unwrap_or(last).max(last);
    if high <= low {
        let count = points.iter().map(|p| p.count).sum();
        return vec![Bin { low, high, count }];
    }
    let width = (high - low) / BINS as f64;
    let mut bins: Vec<Bin> = (0..BINS)
        .map(|i| Bin {
            low: low + width * i as f64,
            high: if i + 1 == BINS {
                high
            } else {
                low + width * (i + 1) as f64
            },
            count: 0,
        })
        .collect();
    for p in points {
        let i = (((p.value - low) / width).floor() as usize).min(BINS - 1);
        bins[i].count += p.count;
    }
    bins
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    fn point(value: f64, count: u64) -> Point {
        Point {
            value,
            weight: 1.0,
            count,
        }
    }

    #[test]
    fn a_small_group_lists_every_answer_and_a_large_one_is_binned() {
        let survey = testing::every_kind();
        let p = survey.questions.iter().find(|q| q.id == "p").unwrap();
        let few = [point(5.0, 2), point(40.0, 1)];
        assert_eq!(
            answers(&survey, p, &few, 3),
            Some(Answers::Values(vec![5.0, 5.0, 40.0]))
        );
        let many = [point(0.0, 600), point(99.0, 400), point(100.0, 1)];
        let Some(Answers::Bins(bins)) = answers(&survey, p, &many, 1001) else {
            panic!("a group over the cap is binned");
        };
        assert_eq!(bins.len(), BINS);
        assert_eq!((bins[0].low, bins[0].high, bins[0].count), (0.0, 5.0, 600));
        assert_eq!(bins[BINS - 1].count, 401, "100 falls in the last bin");
        assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 1001);
    }

    #[test]
    fn no_answers_below_the_threshold_or_for_other_kinds() {
        let mut survey = testing::every_kind();
        survey.anonymity.min_group_size = 3;
        let p = survey.questions.iter().find(|q| q.id == "p").unwrap();
        assert_eq!(answers(&survey, p, &[point(5.0, 2)], 2), None);
        let stance = &survey.questions[survey.position];
        assert_eq!(answers(&survey, stance, &[point(1.0, 5)], 5), None);
    }

    #[test]
    fn unbounded_answers_are_binned_over_their_own_range() {
        let bins = histogram(&[point(10.0, 1), point(30.0, 1)], (None, None));
        assert_eq!((bins[0].low, bins[BINS - 1].high), (10.0, 30.0));
        assert_eq!((bins[0].count, bins[BINS - 1].count), (1, 1));
        let same = histogram(&[point(7.0, 3)], (None, None));
        assert_eq!(
            same,
            vec![Bin {
                low: 7.0,
                high: 7.0,
                count: 3
            }]
        );
    }
}
