//! Summaries of numeric answers: n, mean, standard deviation, minimum, quartiles,
//! median, maximum.

use super::aggregates::NumberSummary;

/// The summary of some values, or `None` when there are none. Values are sorted first,
/// so the result does not depend on the order answers arrived in (the mean is summed in
/// sorted order, too, so it is the same to the last bit however the values were split).
pub fn summarize(values: &[f64]) -> Option<NumberSummary> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let mean = sorted.iter().sum::<f64>() / n as f64;
    let sd = (n > 1)
        .then(|| (sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt());
    Some(NumberSummary {
        n: n as u64,
        mean,
        sd,
        min: sorted[0],
        q1: quantile(&sorted, 0.25),
        median: quantile(&sorted, 0.5),
        q3: quantile(&sorted, 0.75),
        max: sorted[n - 1],
    })
}

/// The `p` quantile of sorted values by linear interpolation between order statistics
/// (Hyndman and Fan's type 7, the default of R and NumPy).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_a_small_sample_by_hand() {
        // 1, 2, 4, 7, 10: mean 24/5 = 4.8; deviations² 14.44, 7.84, 0.64, 4.84, 27.04
        // = 54.8, / 4 = 13.7, sd = 3.70135; type-7 quartiles at positions 1 and 3 → 2 and 7.
        let s = summarize(&[10.0, 2.0, 7.0, 1.0, 4.0]).unwrap();
        assert_eq!(
            (s.n, s.min, s.q1, s.median, s.q3, s.max),
            (5, 1.0, 2.0, 4.0, 7.0, 10.0)
        );
        assert!((s.mean - 4.8).abs() < 1e-12);
        assert!((s.sd.unwrap() - 13.7f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn quantiles_interpolate_like_r_type_7() {
        // R: quantile(c(1, 2, 3, 4), c(.25, .5, .75)) → 1.75 2.50 3.25
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(
            (quantile(&v, 0.25), quantile(&v, 0.5), quantile(&v, 0.75)),
            (1.75, 2.5, 3.25)
        );
    }

    #[test]
    fn one_value_has_no_sd_and_none_has_no_summary() {
        let s = summarize(&[3.0]).unwrap();
        assert_eq!((s.sd, s.median), (None, 3.0));
        assert_eq!(summarize(&[]), None);
    }

    #[test]
    fn the_order_of_values_does_not_change_a_bit() {
        let a: Vec<f64> = (0..1000)
            .map(|i| (i as f64 * 0.1).sin() * 1e6 + 0.1)
            .collect();
        let mut b = a.clone();
        b.reverse();
        assert_eq!(summarize(&a), summarize(&b));
    }
}
