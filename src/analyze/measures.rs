//! One question's result in one group, from the group's summed counts: the n
//! bookkeeping, shares with Wilson intervals, the ordinal summary and agreement measures,
//! number summaries with a bootstrap interval of the median, and pooled probabilities.
//! Every formula is in [`super::stats`]; this module decides what goes into each.

use super::aggregates::{
    Agreement, BoxShare, ChoiceCount, GroupResult, LevelInterval, NumberSummary, Ordinal,
    PooledResult, RankResult, RowResult, WeightedBase,
};
use super::cells::{Point, QuestionCounts, Tally};
use super::options::Options;
use super::stats::{self, Bootstrap, Interval};
use crate::survey::{Choice, Question, QuestionKind, Scale};

/// What every group result of one analysis shares.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub options: &'a Options,
    pub weighted: bool,
}

impl Context<'_> {
    /// A bootstrap seeded from the options' seed and what is being resampled, so that
    /// each interval has its own stream and the same inputs give the same interval.
    pub fn bootstrap(&self, what: &[&str]) -> Option<Bootstrap> {
        (self.options.resamples > 0).then(|| Bootstrap {
            resamples: self.options.resamples,
            seed: seed_for(self.options.seed, what),
            confidence: self.options.confidence,
        })
    }

    /// Kish's effective n of a tally: `(Σw)² / Σw²`; the count when unweighted.
    fn effective_n(&self, tally: &Tally) -> f64 {
        if !self.weighted {
            tally.count as f64
        } else if tally.weight_sq > 0.0 {
            tally.weight * tally.weight / tally.weight_sq
        } else {
            0.0
        }
    }

    fn size(&self, tally: &Tally) -> f64 {
        if self.weighted {
            tally.weight
        } else {
            tally.count as f64
        }
    }

    fn weighted_base(&self, base: &Tally) -> Option<WeightedBase> {
        self.weighted.then(|| WeightedBase {
            base: base.weight,
            effective_n: self.effective_n(base),
        })
    }

    /// The share `part / base` and its Wilson interval on the base's effective n.
    pub fn share(&self, part: &Tally, base: &Tally) -> (Option<f64>, Option<Interval>) {
        let of = self.size(base);
        if of <= 0.0 {
            return (None, None);
        }
        let share = (self.size(part) / of).clamp(0.0, 1.0);
        let n = self.effective_n(base);
        (
            Some(share),
            stats::wilson(share * n, n, self.options.confidence),
        )
    }

    /// Successes and n for Newcombe's interval: the share times the effective n.
    pub fn effective(&self, part: &Tally, base: &Tally) -> Option<(f64, f64)> {
        let (share, _) = self.share(part, base);
        let n = self.effective_n(base);
        share.map(|s| (s * n, n))
    }
}

/// FNV-1a over the seed and the names of what is resampled.
fn seed_for(seed: u64, what: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(&seed.to_le_bytes());
    for part in what {
        eat(part.as_bytes());
        eat(&[0xff]);
    }
    hash
}

/// Where a question's result goes: its ids, for seeding.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub question: &'a str,
    pub grouping: &'a str,
    pub group: &'a str,
}

/// How many of `n` were shown the question but left it (or a row of it) blank, split by
/// whether an answer was required.
fn blanks(question: &Question, shown: u64, answered: u64) -> (u64, u64) {
    let blank = shown.saturating_sub(answered);
    if question.required {
        (0, blank)
    } else {
        (blank, 0)
    }
}

/// Per level tallies of a scale question (or matrix row): the counts, the base and the
/// ordinal summary.
struct ScaleAnswers {
    counts: Vec<ChoiceCount>,
    nonsubstantive: u64,
    base: Tally,
    ordinal: Option<Ordinal>,
}

fn scale_answers(
    ctx: &Context<'_>,
    place: Place<'_>,
    row: Option<&str>,
    scale: &Scale,
    levels: &[Tally],
) -> ScaleAnswers {
    let include = ctx.options.include_nonsubstantive;
    let counted = |i: usize| include || !scale.is_nonsubstantive(i);
    let base = Tally::sum(
        levels
            .iter()
            .enumerate()
            .filter(|(i, _)| counted(*i))
            .map(|(_, t)| t),
    );
    let nonsubstantive = levels[scale.ordered..].iter().map(|t| t.count).sum();
    let counts = scale
        .levels
        .iter()
        .zip(levels)
        .enumerate()
        .map(|(i, (level, tally))| {
            let (share, interval) = if counted(i) {
                ctx.share(tally, &base)
            } else {
                (None, None)
            };
            choice_count(ctx, level, tally, share, interval)
        })
        .collect();
    ScaleAnswers {
        counts,
        nonsubstantive,
        base,
        ordinal: ordinal(ctx, place, row, scale, &levels[..scale.ordered]),
    }
}

fn choice_count(
    ctx: &Context<'_>,
    choice: &Choice,
    tally: &Tally,
    share: Option<f64>,
    interval: Option<Interval>,
) -> ChoiceCount {
    ChoiceCount {
        code: choice.code.clone(),
        count: tally.count,
        weighted_count: ctx.weighted.then_some(tally.weight),
        share,
        interval,
    }
}

/// The first level at which the cumulative weight reaches `p` of the total: the lower
/// median for `p = 0.5`, the quartile levels for 0.25 and 0.75. `weights` are per level,
/// in scale order. A relative tolerance keeps float sums of weights from moving a level.
pub fn level_quantile(weights: &[f64], p: f64) -> Option<usize> {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let target = p * total * (1.0 - 1e-12);
    let mut cumulative = 0.0;
    for (i, w) in weights.iter().enumerate() {
        cumulative += w;
        if *w > 0.0 && cumulative >= target {
            return Some(i);
        }
    }
    weights.iter().rposition(|w| *w > 0.0)
}

/// The 0-based rank of the respondent whose level is the lower median of `n` unit-weight
/// respondents, as [`level_quantile`] finds it: the first level whose cumulative count
/// reaches n / 2, which holds the ⌈n / 2⌉-th smallest answer. None for n = 0.
fn lower_median_rank(n: u64) -> Option<u64> {
    n.div_ceil(2).checked_sub(1)
}

/// The two 0-based ranks whose answers make the type-7 median of `n` unit-weight answers,
/// with the weight of the upper one: `x(lo) (1 - f) + x(hi) f` with `(n - 1) / 2 = lo + f`.
fn median_ranks(n: u64) -> Option<((u64, u64), f64)> {
    let low = n.checked_sub(1)? / 2;
    let high = n / 2;
    Some(((low, high), if low == high { 0.0 } else { 0.5 }))
}

/// [`level_quantile`] for a resample given as level indices with weights.
fn resampled_level_quantile(values: &[f64], weights: &[f64], levels: usize, p: f64) -> Option<f64> {
    let mut per_level = vec![0.0; levels];
    for (v, w) in values.iter().zip(weights) {
        let i = *v as usize;
        if i < levels {
            per_level[i] += w;
        }
    }
    level_quantile(&per_level, p).map(|i| i as f64)
}

fn ordinal(
    ctx: &Context<'_>,
    place: Place<'_>,
    row: Option<&str>,
    scale: &Scale,
    ordered: &[Tally],
) -> Option<Ordinal> {
    let weights: Vec<f64> = ordered.iter().map(|t| ctx.size(t)).collect();
    let base = Tally::sum(ordered);
    let code = |i: usize| scale.levels[i].code.clone();
    let median = level_quantile(&weights, 0.5)?;
    let scores: Vec<f64> = (1..=ordered.len()).map(|i| i as f64).collect();
    let median_interval = ctx
        .bootstrap(&[
            place.question,
            row.unwrap_or(""),
            place.grouping,
            place.group,
            "median",
        ])
        .and_then(|b| {
            if !ctx.weighted {
                // Unweighted, the median level is the level at one rank of the resample:
                // the rank descent draws only the part of each resample that decides it.
                let counts: Vec<u64> = ordered.iter().map(|t| t.count).collect();
                let rank = lower_median_rank(counts.iter().sum())?;
                return b.percentile_of_ranks(&counts, (rank, rank), |level, _| level as f64);
            }
            // Weighted, each level's respondents carry the level's mean weight (cells
            // keep weight sums per level, not each weight).
            let points: Vec<Point> = ordered
                .iter()
                .enumerate()
                .filter(|(_, t)| t.count > 0)
                .map(|(i, t)| Point {
                    value: i as f64,
                    weight: if ctx.weighted {
                        t.weight / t.count as f64
                    } else {
                        1.0
                    },
                    count: t.count,
                })
                .collect();
            let (v, w, c) = grouped(&points, 1.0);
            let k = ordered.len();
            b.percentile_grouped(&v, &w, &c, move |v, w| {
                resampled_level_quantile(v, w, k, 0.5)
            })
        })
        .map(|i| LevelInterval {
            low: code((i.low.floor().max(0.0) as usize).min(ordered.len() - 1)),
            high: code((i.high.ceil().max(0.0) as usize).min(ordered.len() - 1)),
        });
    let width = if ordered.len() >= 5 { 2 } else { 1 };
    let boxed = |range: std::ops::Range<usize>| {
        let part = Tally::sum(&ordered[range.clone()]);
        let (share, interval) = ctx.share(&part, &base);
        BoxShare {
            levels: range.map(code).collect(),
            share: share.unwrap_or(0.0),
            interval,
        }
    };
    Some(Ordinal {
        n: base.count,
        median: code(median),
        median_interval,
        q1: code(level_quantile(&weights, 0.25)?),
        q3: code(level_quantile(&weights, 0.75)?),
        mean_score: stats::mean(&scores, &weights)?,
        top_box: boxed(ordered.len() - width..ordered.len()),
        bottom_box: boxed(0..width),
        agreement: Agreement {
            tastle_wierman: stats::tastle_wierman(&weights),
            leik: stats::leik(&weights),
            van_der_eijk: stats::van_der_eijk(&weights),
            polarisation: stats::polarisation(&weights),
        },
    })
}

/// The answers as the bootstrap takes them: distinct (value, weight) pairs with how many
/// respondents gave each.
fn grouped(points: &[Point], scale: f64) -> (Vec<f64>, Vec<f64>, Vec<u64>) {
    let values = points.iter().map(|p| p.value / scale).collect();
    let weights = points.iter().map(|p| p.weight).collect();
    let counts = points.iter().map(|p| p.count).collect();
    (values, weights, counts)
}

/// Distinct values with their total weights (frequency weights), for the statistics.
fn frequencies(points: &[Point], scale: f64) -> (Vec<f64>, Vec<f64>) {
    points
        .iter()
        .map(|p| (p.value / scale, p.weight * p.count as f64))
        .unzip()
}

fn number_summary(ctx: &Context<'_>, place: Place<'_>, points: &[Point]) -> Option<NumberSummary> {
    let (values, weights) = frequencies(points, 1.0);
    let quantile = |p: f64| stats::quantile(&values, &weights, p);
    Some(NumberSummary {
        n: points.iter().map(|p| p.count).sum(),
        mean: stats::mean(&values, &weights)?,
        sd: stats::standard_deviation(&values, &weights),
        min: values.first().copied()?,
        q1: quantile(0.25)?,
        median: quantile(0.5)?,
        median_interval: ctx
            .bootstrap(&[place.question, place.grouping, place.group, "median"])
            .and_then(|b| median_interval(ctx, b, points)),
        q3: quantile(0.75)?,
        max: values.last().copied()?,
    })
}

/// The bootstrap interval of the median of `points` (ascending by value). Unweighted, the
/// median is the type-7 average of the answers at two ranks, drawn by rank descent; the
/// window average of [`stats::quantile`] gives the same number bit for bit (halves of the
/// two answers). Weighted, every resample is drawn in full and measured by
/// [`stats::quantile`].
fn median_interval(ctx: &Context<'_>, b: Bootstrap, points: &[Point]) -> Option<Interval> {
    if ctx.weighted {
        let (v, w, c) = grouped(points, 1.0);
        return b.percentile_grouped(&v, &w, &c, |v, w| stats::quantile(v, w, 0.5));
    }
    let counts: Vec<u64> = points.iter().map(|p| p.count).collect();
    let (ranks, upper) = median_ranks(counts.iter().sum())?;
    b.percentile_of_ranks(&counts, ranks, |i, j| {
        if upper == 0.0 {
            points[i].value
        } else {
            points[i].value * (1.0 - upper) + points[j].value * upper
        }
    })
}

fn pooled(ctx: &Context<'_>, place: Place<'_>, points: &[Point]) -> Option<PooledResult> {
    let (probabilities, weights) = frequencies(points, 100.0);
    let mut pooled = stats::pool(&probabilities, &weights)?;
    // The pool saw distinct answers with their counts as weights: count respondents.
    pooled.n = points.iter().map(|p| p.count as usize).sum();
    pooled.clamped = points
        .iter()
        .filter(|p| p.value / 100.0 < stats::CLAMP || p.value / 100.0 > 1.0 - stats::CLAMP)
        .map(|p| p.count as usize)
        .sum();
    // Both pools' intervals come from the same resamples: one draw of every answer's
    // multiplicity serves the two statistics.
    let intervals = ctx
        .bootstrap(&[place.question, place.grouping, place.group, "pooled"])
        .map(|b| {
            let (v, w, c) = grouped(points, 100.0);
            b.percentiles_grouped(&v, &w, &c, &[&stats::mean, &stats::geometric_mean_of_odds])
        });
    let (mean_interval, geometric_mean_of_odds_interval) = match intervals.as_deref() {
        Some(&[mean, odds]) => (mean, odds),
        _ => (None, None),
    };
    Some(PooledResult {
        mean_interval,
        geometric_mean_of_odds_interval,
        pooled,
    })
}

/// One question's result for one group whose respondents number `n`.
pub fn group_result(
    ctx: &Context<'_>,
    place: Place<'_>,
    question: &Question,
    counts: &QuestionCounts,
    n: u64,
) -> GroupResult {
    let answered = counts.answered.count;
    let (skipped, missing) = blanks(question, counts.shown, answered);
    let mut result = GroupResult {
        grouping: place.grouping.to_string(),
        group: place.group.to_string(),
        n,
        answered,
        not_shown: n.saturating_sub(counts.shown),
        skipped,
        missing,
        nonsubstantive: 0,
        base: answered,
        weighted: ctx.weighted_base(&counts.answered),
        counts: Vec::new(),
        ordinal: None,
        rows: Vec::new(),
        ranks: Vec::new(),
        summary: None,
        pooled: None,
        answers: None,
    };
    match &question.kind {
        QuestionKind::Likert { scale } => {
            let s = scale_answers(ctx, place, None, scale, &counts.choices);
            result.nonsubstantive = s.nonsubstantive;
            result.base = s.base.count;
            result.weighted = ctx.weighted_base(&s.base);
            result.counts = s.counts;
            result.ordinal = s.ordinal;
        }
        QuestionKind::Single { .. } | QuestionKind::Multiple { .. } => {
            result.counts = question
                .choices()
                .iter()
                .zip(&counts.choices)
                .map(|(choice, tally)| {
                    let (share, interval) = ctx.share(tally, &counts.answered);
                    choice_count(ctx, choice, tally, share, interval)
                })
                .collect();
        }
        QuestionKind::Matrix { rows, scale } => {
            result.rows = rows
                .iter()
                .zip(&counts.rows)
                .map(|(row, row_counts)| {
                    let s = scale_answers(ctx, place, Some(&row.code), scale, &row_counts.levels);
                    let (skipped, missing) = blanks(question, counts.shown, row_counts.answered);
                    RowResult {
                        row: row.code.clone(),
                        answered: row_counts.answered,
                        skipped,
                        missing,
                        nonsubstantive: s.nonsubstantive,
                        base: s.base.count,
                        weighted: ctx.weighted_base(&s.base),
                        counts: s.counts,
                        ordinal: s.ordinal,
                    }
                })
                .collect();
        }
        QuestionKind::Ranking { .. } => {
            result.ranks = question
                .choices()
                .iter()
                .zip(&counts.ranks)
                .map(|(choice, &(ranked, first, rank_sum))| RankResult {
                    code: choice.code.clone(),
                    ranked,
                    first,
                    first_share: (answered > 0).then(|| first as f64 / answered as f64),
                    mean_rank: (ranked > 0).then(|| rank_sum as f64 / ranked as f64),
                })
                .collect();
        }
        QuestionKind::Numeric { .. } | QuestionKind::Year { .. } => {
            result.summary = number_summary(ctx, place, &counts.values);
        }
        QuestionKind::Probability => {
            result.summary = number_summary(ctx, place, &counts.values);
            result.pooled = pooled(ctx, place, &counts.values);
        }
        QuestionKind::Text { .. } => {}
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lower_median_and_quartile_levels_follow_the_cumulative_share() {
        // 2, 2, 2, 4, 1 over five levels (the seed panel's stance): 11 in all; the
        // cumulative counts 2, 4, 6, 10, 11 first reach 5.5 at level 2, 2.75 at level 1
        // and 8.25 at level 3.
        let w = [2.0, 2.0, 2.0, 4.0, 1.0];
        assert_eq!(level_quantile(&w, 0.5), Some(2));
        assert_eq!(level_quantile(&w, 0.25), Some(1));
        assert_eq!(level_quantile(&w, 0.75), Some(3));
        // An even split: half at or below the lower level, so that one is the median.
        assert_eq!(level_quantile(&[1.0, 0.0, 1.0], 0.5), Some(0));
        assert_eq!(level_quantile(&[0.0, 0.0], 0.5), None);
        assert_eq!(level_quantile(&[0.0, 3.0, 0.0], 1.0), Some(1));
    }

    #[test]
    fn median_ranks_pick_what_the_point_estimates_pick() {
        for n in 1..=300u64 {
            // One respondent per level: a level's index is its respondent's rank.
            let ones = vec![1.0; n as usize];
            assert_eq!(
                level_quantile(&ones, 0.5).map(|l| l as u64),
                lower_median_rank(n),
                "n {n}"
            );
            // Answers 0, 1, ..., n - 1: the type-7 median from the two ranks.
            let values: Vec<f64> = (0..n).map(|v| v as f64 * 1.5).collect();
            let ((low, high), upper) = median_ranks(n).unwrap();
            let from_ranks = values[low as usize] * (1.0 - upper) + values[high as usize] * upper;
            assert_eq!(
                Some(from_ranks),
                stats::quantile(&values, &ones, 0.5),
                "n {n}"
            );
        }
        assert_eq!(lower_median_rank(0), None);
        assert_eq!(median_ranks(0), None);
    }

    #[test]
    fn seeds_differ_by_what_is_resampled_and_not_by_run() {
        let a = seed_for(1, &["q", "position", "a", "median"]);
        assert_eq!(a, seed_for(1, &["q", "position", "a", "median"]));
        assert_ne!(a, seed_for(2, &["q", "position", "a", "median"]));
        assert_ne!(a, seed_for(1, &["q", "position", "b", "median"]));
        // The separator keeps ("ab", "c") apart from ("a", "bc").
        assert_ne!(seed_for(1, &["ab", "c"]), seed_for(1, &["a", "bc"]));
    }
}
