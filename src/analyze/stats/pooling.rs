//! Pooling a group's probability answers into one forecast, five ways side by side: the
//! linear pools (mean, median, trimmed mean) and the logarithmic pools (geometric mean of
//! odds, and the same extremized as Neyman & Roughgarden derive).

use super::describe::quantile;
use super::sample::Sample;

/// Share of the total weight trimmed from each end for [`Pooled::trimmed_mean`].
pub const TRIM: f64 = 0.10;

/// Odds-based pools read every answer as at least `CLAMP` and at most `1 - CLAMP`.
///
/// Log odds of 0 and 1 are infinite, so one answer of 0 % would fix the geometric mean of
/// odds at 0 whatever everyone else said. The rule: answers below 1 % or above 99 % are
/// read as 1 % or 99 % for the odds-based pools only. These are the bounds of the 1–99 %
/// range in which Metaculus took binary forecasts, whose data Sevilla (2021) used to compare
/// these pools, and 1 % is the smallest non-zero answer a form in whole percents takes, so
/// "0 %" is read as "the lowest answer on the form". The linear pools use the answers as
/// given.
pub const CLAMP: f64 = 0.01;

/// A group's probability answers pooled five ways; every pool is a probability in [0, 1].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Pooled {
    /// Answers pooled (those with a positive weight).
    pub n: usize,
    pub mean: f64,
    pub median: f64,
    /// Mean of the middle 80 %: [`TRIM`] (10 %) of the weight cut from each end, an answer
    /// cut in part where the boundary falls inside it; for unit weights and n a multiple of
    /// 10 this is R's `mean(x, trim = 0.1)`.
    pub trimmed_mean: f64,
    /// `expit(sum(w logit p) / sum(w))`, answers clamped by [`CLAMP`].
    pub geometric_mean_of_odds: f64,
    /// `expit(d * sum(w logit p) / sum(w))` with d = [`extremizing_factor`] of the total
    /// weight (the number of answers for unit weights).
    pub extremized_geometric_mean_of_odds: f64,
    /// How many answers the [`CLAMP`] rule moved (answers below 1 % or above 99 %).
    pub clamped: usize,
}

/// Neyman & Roughgarden's extremizing factor for n forecasters,
/// `d = n (sqrt(3n^2 - 3n + 1) - 2) / (n^2 - n - 1)`, computed in the equal form
/// `3n / (sqrt(3n^2 - 3n + 1) + 2)` (multiply through by the conjugate), which has no 0/0 at
/// n = (1 + sqrt 5) / 2 when n is a non-integer total weight. d(1) = 1, d(2) = 1.29, and d
/// tends to sqrt 3 = 1.73 as n grows. The factor comes from their optimal extremization of
/// an average of n forecasts under projective substitutes; applied to the mean log odds with
/// a prior of 1/2 as in Sevilla (2021). Neyman, E., & Roughgarden, T. (2022). Are you
/// smarter than a random expert? The robust aggregation of substitutable signals. Proc.
/// 23rd ACM Conference on Economics and Computation (EC '22), 990–1012 (arXiv 2111.03153).
/// NaN for n < 1 or NaN.
pub fn extremizing_factor(n: f64) -> f64 {
    if n.is_nan() || n < 1.0 {
        return f64::NAN;
    }
    3.0 * n / ((3.0 * n * n - 3.0 * n + 1.0).sqrt() + 2.0)
}

/// Pools probabilities in [0, 1] with frequency weights (1.0 each for unweighted). Answers
/// of exactly 0 or 1 (and any below 1 % or above 99 %) are handled by the [`CLAMP`] rule for
/// the odds-based pools only, and counted in `clamped`.
///
/// None when there is nothing to pool: the slices are empty or differ in length, a
/// probability is outside [0, 1] or NaN, a weight is negative or not finite, or the
/// weights sum to zero.
pub fn pool(probabilities: &[f64], weights: &[f64]) -> Option<Pooled> {
    if probabilities.iter().any(|p| !(0.0..=1.0).contains(p)) {
        return None;
    }
    let sample = Sample::new(probabilities, weights)?;
    let total = sample.total();
    let answers = || probabilities.iter().zip(weights).filter(|(_, w)| **w > 0.0);
    let clamped = answers()
        .filter(|(p, _)| **p < CLAMP || **p > 1.0 - CLAMP)
        .count();
    let mean_log_odds = mean_log_odds(&sample);
    let extremizing = extremizing_factor(total.max(1.0));
    Some(Pooled {
        n: answers().count(),
        mean: sample.mean(),
        median: quantile(probabilities, weights, 0.5)?,
        trimmed_mean: sample.average_between(TRIM * total, (1.0 - TRIM) * total),
        geometric_mean_of_odds: expit(mean_log_odds),
        extremized_geometric_mean_of_odds: expit(extremizing * mean_log_odds),
        clamped,
    })
}

/// [`Pooled::geometric_mean_of_odds`] alone, bit for bit: what the bootstrap recomputes on
/// every resample, without the other pools' work. None under the conditions of [`pool`].
pub fn geometric_mean_of_odds(probabilities: &[f64], weights: &[f64]) -> Option<f64> {
    if probabilities.iter().any(|p| !(0.0..=1.0).contains(p)) {
        return None;
    }
    Some(expit(mean_log_odds(&Sample::new(probabilities, weights)?)))
}

/// The weighted mean of the clamped answers' log odds.
fn mean_log_odds(sample: &Sample) -> f64 {
    sample
        .points()
        .iter()
        .map(|(p, w)| w * logit(p.clamp(CLAMP, 1.0 - CLAMP)))
        .sum::<f64>()
        / sample.total()
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn expit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ones(n: usize) -> Vec<f64> {
        vec![1.0; n]
    }

    #[test]
    fn reference_values_of_issue_6() {
        // Issue 6: pooling 0.7, 0.2, 0.1 -> mean 0.333333, geometric mean of odds 0.286576.
        let pooled = pool(&[0.7, 0.2, 0.1], &ones(3)).unwrap();
        assert!((pooled.mean - 0.333_333).abs() < 1e-6);
        assert!((pooled.geometric_mean_of_odds - 0.286_576).abs() < 1e-6);
        assert_eq!(pooled.n, 3);
        assert_eq!(pooled.clamped, 0);
        assert!((pooled.median - 0.2).abs() < 1e-15);
    }

    #[test]
    fn the_geometric_mean_of_odds_alone_is_the_pools_own() {
        let (p, w) = ([0.7, 0.2, 0.1, 0.0, 1.0], [1.0, 2.5, 0.5, 1.0, 3.0]);
        assert_eq!(
            geometric_mean_of_odds(&p, &w),
            pool(&p, &w).map(|x| x.geometric_mean_of_odds)
        );
        assert_eq!(geometric_mean_of_odds(&[1.5], &[1.0]), None);
        assert_eq!(geometric_mean_of_odds(&[0.5], &[0.0]), None);
    }

    #[test]
    fn geometric_mean_of_odds_by_hand() {
        // Odds 7/3, 1/4, 1/9 multiply to 7/108; cube root, then back to a probability.
        let odds = (7.0f64 / 108.0).cbrt();
        let pooled = pool(&[0.7, 0.2, 0.1], &ones(3)).unwrap();
        assert!((pooled.geometric_mean_of_odds - odds / (1.0 + odds)).abs() < 1e-12);
        // Extremized with d(3) = 9 / (sqrt(19) + 2): odds^d.
        let d = 9.0 / (19.0f64.sqrt() + 2.0);
        let extreme = odds.powf(d) / (1.0 + odds.powf(d));
        assert!((pooled.extremized_geometric_mean_of_odds - extreme).abs() < 1e-12);
    }

    #[test]
    fn extremizing_factor_matches_the_published_form() {
        // Sevilla (2021) states d = n (sqrt(3n^2 - 3n + 1) - 2) / (n^2 - n - 1), ~ 1.73 for
        // large n. Check the conjugate form used here against it away from the 0/0 point.
        for n in [1.0, 2.0, 3.0, 5.0, 11.0, 22.0, 100.0] {
            let published = n * ((3.0 * n * n - 3.0 * n + 1.0f64).sqrt() - 2.0) / (n * n - n - 1.0);
            assert!((extremizing_factor(n) - published).abs() < 1e-12, "n {n}");
        }
        assert_eq!(extremizing_factor(1.0), 1.0);
        assert!((extremizing_factor(1e9) - 3.0f64.sqrt()).abs() < 1e-6);
        assert!(extremizing_factor(0.5).is_nan());
    }

    #[test]
    fn answers_of_zero_and_one_are_clamped_for_odds_only() {
        let pooled = pool(&[0.0, 1.0, 0.5, 0.004], &ones(4)).unwrap();
        assert_eq!(pooled.clamped, 3);
        assert!((pooled.mean - 1.504 / 4.0).abs() < 1e-15);
        // logit(0.01) + logit(0.99) + 0 + logit(0.01) over 4 = logit(0.01) / 4.
        let expected = expit(logit(0.01) / 4.0);
        assert!((pooled.geometric_mean_of_odds - expected).abs() < 1e-12);
    }

    #[test]
    fn trimmed_mean_cuts_ten_percent_of_the_weight_each_side() {
        // 1..=10: trimming one answer each side, as R's mean(1:10, trim = 0.1) = 5.5.
        let x: Vec<f64> = (1..=10).map(|i| f64::from(i) / 100.0).collect();
        let pooled = pool(&x, &ones(10)).unwrap();
        assert!((pooled.trimmed_mean - 0.055).abs() < 1e-12);
        // An outlier among 20 answers is cut away entirely.
        let mut y = vec![0.2; 19];
        y.push(1.0);
        assert!((pool(&y, &ones(20)).unwrap().trimmed_mean - 0.2).abs() < 1e-12);
        // Three answers: 0.3 of an answer is cut from each end.
        // (0.7 * 0.1 + 1 * 0.2 + 0.7 * 0.7) / 2.4
        let three = pool(&[0.1, 0.2, 0.7], &ones(3)).unwrap();
        assert!((three.trimmed_mean - (0.07 + 0.2 + 0.49) / 2.4).abs() < 1e-12);
    }

    #[test]
    fn weights_count_as_repeated_answers() {
        let weighted = pool(&[0.7, 0.2], &[2.0, 1.0]).unwrap();
        let repeated = pool(&[0.7, 0.7, 0.2], &ones(3)).unwrap();
        assert_eq!(weighted.n, 2);
        let fields = |p: &Pooled| {
            [
                p.mean,
                p.median,
                p.trimmed_mean,
                p.geometric_mean_of_odds,
                p.extremized_geometric_mean_of_odds,
            ]
        };
        for (a, b) in fields(&weighted).iter().zip(fields(&repeated)) {
            assert!((a - b).abs() < 1e-12);
        }
    }

    #[test]
    fn nothing_to_pool_gives_none() {
        assert_eq!(pool(&[], &[]), None);
        assert_eq!(pool(&[0.5, 1.2], &ones(2)), None);
        assert_eq!(pool(&[-0.1], &ones(1)), None);
        assert_eq!(pool(&[f64::NAN], &ones(1)), None);
        assert_eq!(pool(&[0.5], &[0.0]), None);
        assert_eq!(pool(&[0.5], &ones(2)), None);
    }

    proptest! {
        #[test]
        fn pools_are_probabilities_within_the_answers(
            p in prop::collection::vec(0.0f64..=1.0, 1..30),
            w in prop::collection::vec(0.1f64..3.0, 30),
        ) {
            let pooled = pool(&p, &w[..p.len()]).unwrap();
            let low = p.iter().copied().fold(1.0, f64::min);
            let high = p.iter().copied().fold(0.0, f64::max);
            for linear in [pooled.mean, pooled.median, pooled.trimmed_mean] {
                prop_assert!(low - 1e-12 <= linear && linear <= high + 1e-12);
            }
            let (clow, chigh) = (low.clamp(CLAMP, 1.0 - CLAMP), high.clamp(CLAMP, 1.0 - CLAMP));
            let g = pooled.geometric_mean_of_odds;
            prop_assert!(clow - 1e-12 <= g && g <= chigh + 1e-12);
            // Extremizing moves the pool away from 1/2, never across it.
            let e = pooled.extremized_geometric_mean_of_odds;
            prop_assert!((0.0..=1.0).contains(&e));
            prop_assert!((e - 0.5).abs() >= (g - 0.5).abs() - 1e-12);
            prop_assert!((e - 0.5) * (g - 0.5) >= 0.0);
        }

        #[test]
        fn odds_pools_are_symmetric_under_complement(p in prop::collection::vec(0.0f64..=1.0, 1..30)) {
            let q: Vec<f64> = p.iter().map(|x| 1.0 - x).collect();
            let (a, b) = (pool(&p, &ones(p.len())).unwrap(), pool(&q, &ones(q.len())).unwrap());
            prop_assert!((a.geometric_mean_of_odds + b.geometric_mean_of_odds - 1.0).abs() < 1e-9);
            prop_assert!((a.extremized_geometric_mean_of_odds
                + b.extremized_geometric_mean_of_odds - 1.0).abs() < 1e-9);
        }
    }
}
