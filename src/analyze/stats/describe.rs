//! Weighted descriptive statistics: mean, standard deviation, quantiles, and Kish's
//! effective sample size. Weights are frequency weights (see the module above); pass
//! weights of 1.0 for an unweighted sample.

use super::sample::{Sample, valid_weights};

/// Weighted quantile of `values` (any order) at `p` in [0, 1].
///
/// Definition: sort the values and lay them out over "weight positions" (a value of weight
/// w covers w positions); with total weight W, the quantile is the average of the values
/// over the window of one unit of weight `[p (W - 1), p (W - 1) + 1]`. For unit weights
/// this is exactly the linear-interpolation quantile, Hyndman & Fan's type 7 (R's default,
/// `quantile(x, p)`), and for whole-number weights it equals type 7 on the expanded
/// sample. When W < 1 the window is the whole sample and the result is the mean.
///
/// None when `p` is outside [0, 1] or NaN, or the sample is unusable (see [`mean`]).
pub fn quantile(values: &[f64], weights: &[f64], p: f64) -> Option<f64> {
    if !(0.0..=1.0).contains(&p) {
        return None;
    }
    let sample = Sample::new(values, weights)?;
    let total = sample.total();
    let (from, to) = if total >= 1.0 {
        let from = p * (total - 1.0);
        (from, from + 1.0)
    } else {
        (0.0, total)
    };
    Some(sample.average_between(from, to))
}

/// Weighted arithmetic mean `sum(w x) / sum(w)`.
///
/// None when the slices differ in length, are empty, a value is not finite, a weight is
/// negative or not finite, or the weights sum to zero.
pub fn mean(values: &[f64], weights: &[f64]) -> Option<f64> {
    Sample::new(values, weights).map(|s| s.mean())
}

/// Sample standard deviation with frequency weights:
/// `sqrt(sum(w (x - mean)^2) / (sum(w) - 1))`, which for unit weights is the usual n - 1
/// form (R's `sd`). None when the total weight is 1 or less (a single respondent has no
/// spread to estimate) or the sample is unusable (see [`mean`]).
pub fn standard_deviation(values: &[f64], weights: &[f64]) -> Option<f64> {
    let sample = Sample::new(values, weights)?;
    let total = sample.total();
    if total <= 1.0 {
        return None;
    }
    let mean = sample.mean();
    let squares: f64 = sample
        .points()
        .iter()
        .map(|(v, w)| w * (v - mean) * (v - mean))
        .sum();
    Some((squares / (total - 1.0)).sqrt())
}

/// Kish's effective sample size `(sum w)^2 / sum(w^2)`: the number of equally weighted
/// respondents that would give an estimate as precise as these weighted ones. It does not
/// change when all weights are scaled, and equals n for equal weights.
///
/// 0.0 when there is no positive weight (including an empty slice); NaN when a weight is
/// negative or not finite, so that invalid weights cannot pass for a plausible n.
pub fn kish_effective_n(weights: &[f64]) -> f64 {
    if !valid_weights(weights) {
        return f64::NAN;
    }
    let sum: f64 = weights.iter().sum();
    let squares: f64 = weights.iter().map(|w| w * w).sum();
    if sum > 0.0 { sum * sum / squares } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ones(n: usize) -> Vec<f64> {
        vec![1.0; n]
    }

    /// Hyndman & Fan type 7, written the textbook way, to check [`quantile`] against.
    fn type7(values: &[f64], p: f64) -> f64 {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let h = (sorted.len() - 1) as f64 * p;
        let low = h.floor() as usize;
        let high = (low + 1).min(sorted.len() - 1);
        sorted[low] + (h - low as f64) * (sorted[high] - sorted[low])
    }

    #[test]
    fn unit_weight_quantiles_match_r_type_7() {
        // R 4.x: quantile(c(1, 3, 4, 8, 10), c(0, .1, .25, .5, .9, 1))
        //   -> 1.0 1.8 3.0 4.0 9.2 10.0
        let x = [8.0, 1.0, 10.0, 4.0, 3.0];
        let cases = [
            (0.0, 1.0),
            (0.1, 1.8),
            (0.25, 3.0),
            (0.5, 4.0),
            (0.9, 9.2),
            (1.0, 10.0),
        ];
        for (p, want) in cases {
            let got = quantile(&x, &ones(5), p).unwrap();
            assert!((got - want).abs() < 1e-12, "p {p}: {got} vs {want}");
        }
        // Even n: the median is the midpoint.
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], &ones(4), 0.5), Some(2.5));
    }

    #[test]
    fn counts_as_weights_equal_the_expanded_sample() {
        // Levels 0..3 answered 2, 1, 0, 3 times.
        let expanded = [0.0, 0.0, 1.0, 3.0, 3.0, 3.0];
        for p in [0.0, 0.2, 0.35, 0.5, 0.8, 1.0] {
            let grouped = quantile(&[0.0, 1.0, 2.0, 3.0], &[2.0, 1.0, 0.0, 3.0], p).unwrap();
            assert!((grouped - type7(&expanded, p)).abs() < 1e-12, "p {p}");
        }
        let sd = standard_deviation(&[0.0, 1.0, 3.0], &[2.0, 1.0, 3.0]).unwrap();
        let sd_expanded = standard_deviation(&expanded, &ones(6)).unwrap();
        assert!((sd - sd_expanded).abs() < 1e-12);
    }

    #[test]
    fn mean_and_sd_match_hand_values() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squares 32, sd = sqrt(32 / 7).
        let x = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&x, &ones(8)), Some(5.0));
        let sd = standard_deviation(&x, &ones(8)).unwrap();
        assert!((sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        // Weighted: (1 * 1 + 3 * 5) / 4 = 4.
        assert_eq!(mean(&[1.0, 5.0], &[1.0, 3.0]), Some(4.0));
    }

    #[test]
    fn degenerate_input_gives_none() {
        assert_eq!(mean(&[], &[]), None);
        assert_eq!(mean(&[1.0, f64::NAN], &[1.0, 1.0]), None);
        assert_eq!(mean(&[1.0], &[0.0]), None);
        assert_eq!(standard_deviation(&[4.0], &[1.0]), None);
        assert_eq!(quantile(&[1.0], &[1.0], 1.5), None);
        assert_eq!(quantile(&[1.0], &[1.0], f64::NAN), None);
        assert_eq!(quantile(&[1.0, 2.0], &[1.0], 0.5), None);
        // Total weight below one unit: the window is the whole sample.
        assert_eq!(quantile(&[1.0, 3.0], &[0.25, 0.25], 0.0), Some(2.0));
    }

    #[test]
    fn kish_effective_n_by_hand() {
        assert_eq!(kish_effective_n(&ones(7)), 7.0);
        // (1 + 1 + 2)^2 / (1 + 1 + 4) = 16 / 6.
        assert!((kish_effective_n(&[1.0, 1.0, 2.0]) - 16.0 / 6.0).abs() < 1e-12);
        assert_eq!(kish_effective_n(&[2.0, 2.0]), 2.0);
        assert_eq!(kish_effective_n(&[]), 0.0);
        assert_eq!(kish_effective_n(&[0.0, 0.0]), 0.0);
        assert!(kish_effective_n(&[1.0, -1.0]).is_nan());
    }

    proptest! {
        #[test]
        fn quantile_is_type_7_for_unit_weights(
            x in prop::collection::vec(-1e3f64..1e3, 1..40),
            p in 0.0f64..=1.0,
        ) {
            let got = quantile(&x, &ones(x.len()), p).unwrap();
            prop_assert!((got - type7(&x, p)).abs() <= 1e-9 * (1.0 + got.abs()));
        }

        #[test]
        fn quantiles_are_ordered_and_within_range(
            x in prop::collection::vec(-1e3f64..1e3, 1..40),
            w in prop::collection::vec(0.1f64..5.0, 40),
            p in 0.0f64..=1.0,
            q in 0.0f64..=1.0,
        ) {
            let w = &w[..x.len()];
            let (lo, hi) = (p.min(q), p.max(q));
            let a = quantile(&x, w, lo).unwrap();
            let b = quantile(&x, w, hi).unwrap();
            let min = x.iter().copied().fold(f64::INFINITY, f64::min);
            let max = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(a <= b + 1e-9);
            prop_assert!(a >= min - 1e-9 && b <= max + 1e-9);
        }

        #[test]
        fn kish_n_is_between_one_and_n(w in prop::collection::vec(0.01f64..100.0, 1..50)) {
            let n = kish_effective_n(&w);
            prop_assert!(n >= 1.0 - 1e-9 && n <= w.len() as f64 + 1e-9);
        }
    }
}
