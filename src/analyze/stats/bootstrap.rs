//! Seeded percentile bootstrap, parallel and byte-identical whatever the thread count.
//!
//! Answers are discrete (levels of a scale, whole percents, a few weight values), so the
//! respondents are first grouped into distinct (value, weight) pairs with their counts. A
//! resample of n respondents drawn with replacement is then exactly a draw of how many
//! times each pair is picked: a multinomial over the pairs with probabilities count / n,
//! drawn as sequential conditional binomials (pair k gets Binomial(n left, count_k / count
//! left)). The statistic receives the distinct values with weight × multiplicity, which
//! for frequency-weighted statistics (everything in this module's parent) is the same as
//! the resampled respondents themselves. A resample costs O(distinct pairs), not O(n), so
//! R = 2000 resamples of a million answers take milliseconds after one O(n) grouping pass.

use std::collections::HashMap;

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Binomial, Distribution};
use rayon::prelude::*;

use super::describe::quantile;
use super::interval::Interval;
use super::sample::valid_weights;

/// Settings of a percentile bootstrap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bootstrap {
    /// Number of resamples R (2000 by default in the analysis).
    pub resamples: usize,
    /// Fixes every resample: the same seed gives the same interval, bit for bit.
    pub seed: u64,
    /// Confidence level in (0, 1), e.g. 0.95 for the 2.5 % and 97.5 % percentiles.
    pub confidence: f64,
}

/// Distinct (value, weight) pairs in a fixed order, with how many respondents gave each.
struct Groups {
    values: Vec<f64>,
    weights: Vec<f64>,
    counts: Vec<u64>,
    respondents: u64,
}

impl Bootstrap {
    /// Seeded percentile bootstrap: resample (values, weights) pairs with replacement,
    /// apply `statistic(values, weights)` to each resample, return the percentile interval
    /// (type-7 quantiles of the resampled statistics at (1 - confidence) / 2 and
    /// (1 + confidence) / 2).
    ///
    /// Runs resamples in parallel with rayon; resample r draws from an RNG seeded from
    /// (seed, r) only, so the result is byte-identical whatever the thread count.
    ///
    /// Resamples are drawn by multiplicity (see the module documentation): the statistic
    /// sees each distinct (value, weight) pair once, with weight × times drawn, so it must
    /// treat weights as frequency weights, as every statistic in this module does.
    ///
    /// None when `values` is empty, the slices differ in length, a value is NaN, a weight is
    /// negative or not finite, `resamples` is 0, the confidence is outside (0, 1), or the
    /// statistic gives None (or a non-finite number) on more than 1 % of the resamples
    /// (rounded down, so with fewer than 100 resamples it must never fail): an interval
    /// from the resamples where it happens to be defined would be biased.
    pub fn percentile<F>(&self, values: &[f64], weights: &[f64], statistic: F) -> Option<Interval>
    where
        F: Fn(&[f64], &[f64]) -> Option<f64> + Sync,
    {
        let level_ok = self.confidence > 0.0 && self.confidence < 1.0;
        if self.resamples == 0 || !level_ok {
            return None;
        }
        let groups = Groups::new(values, weights)?;
        let outcomes: Vec<Option<f64>> = (0..self.resamples as u64)
            .into_par_iter()
            .map_init(
                || (Vec::new(), Vec::new()),
                |(resampled_values, resampled_weights), r| {
                    let mut rng = resample_rng(self.seed, r);
                    groups.resample(&mut rng, resampled_values, resampled_weights)?;
                    statistic(resampled_values, resampled_weights).filter(|s| s.is_finite())
                },
            )
            .collect();
        let estimates: Vec<f64> = outcomes.into_iter().flatten().collect();
        let failures = self.resamples - estimates.len();
        if failures > self.resamples / 100 || estimates.is_empty() {
            return None;
        }
        let ones = vec![1.0; estimates.len()];
        let tail = (1.0 - self.confidence) / 2.0;
        Some(Interval {
            low: quantile(&estimates, &ones, tail)?,
            high: quantile(&estimates, &ones, 1.0 - tail)?,
        })
    }
}

impl Groups {
    /// Groups respondents by (value, weight), in ascending order of value then weight so
    /// that the draw order, and with it every resample, does not depend on input order.
    fn new(values: &[f64], weights: &[f64]) -> Option<Groups> {
        let values_ok = values.iter().all(|v| !v.is_nan());
        if values.is_empty() || values.len() != weights.len() || !values_ok {
            return None;
        }
        if !valid_weights(weights) {
            return None;
        }
        // Keyed by bit pattern (with -0.0 folded into 0.0): one hash per respondent rather
        // than a sort of all n.
        let mut counts: HashMap<(u64, u64), u64> = HashMap::new();
        for (v, w) in values.iter().zip(weights) {
            *counts
                .entry(((v + 0.0).to_bits(), (w + 0.0).to_bits()))
                .or_default() += 1;
        }
        let mut pairs: Vec<(f64, f64, u64)> = counts
            .into_iter()
            .map(|((v, w), c)| (f64::from_bits(v), f64::from_bits(w), c))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        Some(Groups {
            values: pairs.iter().map(|p| p.0).collect(),
            weights: pairs.iter().map(|p| p.1).collect(),
            counts: pairs.iter().map(|p| p.2).collect(),
            respondents: values.len() as u64,
        })
    }

    /// Draws one resample into the two buffers: the pairs drawn at least once, each with
    /// weight × multiplicity. None only if a binomial cannot be built (not expected: every
    /// probability is count / count left, within (0, 1]).
    fn resample(
        &self,
        rng: &mut Xoshiro256PlusPlus,
        values: &mut Vec<f64>,
        weights: &mut Vec<f64>,
    ) -> Option<()> {
        values.clear();
        weights.clear();
        let mut draws_left = self.respondents;
        let mut count_left = self.respondents;
        for (k, &count) in self.counts.iter().enumerate() {
            if draws_left == 0 {
                break;
            }
            let drawn = if count == count_left {
                draws_left
            } else {
                let p = count as f64 / count_left as f64;
                Binomial::new(draws_left, p).ok()?.sample(rng)
            };
            if drawn > 0 {
                values.push(self.values[k]);
                weights.push(self.weights[k] * drawn as f64);
            }
            draws_left -= drawn;
            count_left -= count;
        }
        Some(())
    }
}

/// The generator of resample `resample`: xoshiro256++ (a named algorithm with fixed output
/// on every machine), keyed by the seed and the resample index only.
fn resample_rng(seed: u64, resample: u64) -> Xoshiro256PlusPlus {
    // Mixing the seed first keeps (seed, r) and (seed + 1, r - 1) far apart.
    let key = mix(seed ^ 0xB007_57A9_B007_57A9) ^ resample.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // `seed_from_u64` expands the key with SplitMix64, as xoshiro's authors recommend.
    Xoshiro256PlusPlus::seed_from_u64(mix(key))
}

/// The SplitMix64 finaliser: a bijection on u64 that spreads every input bit.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::stats::{mean, pool, quantile};
    use rand::RngExt;

    fn median(values: &[f64], weights: &[f64]) -> Option<f64> {
        quantile(values, weights, 0.5)
    }

    /// Small discrete data: 40 answers on a 0..=4 scale with two weight values.
    fn answers() -> (Vec<f64>, Vec<f64>) {
        let values: Vec<f64> = (0..40).map(|i| f64::from((i * 7 + i / 3) % 5)).collect();
        let weights: Vec<f64> = (0..40)
            .map(|i| if i % 3 == 0 { 1.5 } else { 0.75 })
            .collect();
        (values, weights)
    }

    const SETTINGS: Bootstrap = Bootstrap {
        resamples: 2000,
        seed: 42,
        confidence: 0.95,
    };

    #[test]
    fn identical_across_thread_counts() {
        let (values, weights) = answers();
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    let interval = SETTINGS.percentile(&values, &weights, mean).unwrap();
                    (interval.low.to_bits(), interval.high.to_bits())
                })
        };
        assert_eq!(run(1), run(2));
        assert_eq!(run(1), run(3));
    }

    #[test]
    fn the_seed_fixes_the_interval_and_input_order_does_not_matter() {
        let (values, weights) = answers();
        let first = SETTINGS.percentile(&values, &weights, mean).unwrap();
        assert_eq!(first, SETTINGS.percentile(&values, &weights, mean).unwrap());
        let other_seed = Bootstrap {
            seed: 43,
            ..SETTINGS
        };
        assert_ne!(
            first,
            other_seed.percentile(&values, &weights, mean).unwrap()
        );
        let (mut rv, mut rw) = (values.clone(), weights.clone());
        rv.reverse();
        rw.reverse();
        assert_eq!(first, SETTINGS.percentile(&rv, &rw, mean).unwrap());
    }

    /// Resampling individual respondents, the textbook way, to compare with.
    fn naive(settings: &Bootstrap, values: &[f64], weights: &[f64]) -> Interval {
        let n = values.len();
        let mut rng = resample_rng(settings.seed ^ 0xFFFF, 0);
        let estimates: Vec<f64> = (0..settings.resamples)
            .map(|_| {
                let picks: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
                let v: Vec<f64> = picks.iter().map(|&i| values[i]).collect();
                let w: Vec<f64> = picks.iter().map(|&i| weights[i]).collect();
                mean(&v, &w).unwrap()
            })
            .collect();
        let ones = vec![1.0; estimates.len()];
        Interval {
            low: quantile(&estimates, &ones, 0.025).unwrap(),
            high: quantile(&estimates, &ones, 0.975).unwrap(),
        }
    }

    #[test]
    fn grouped_resampling_agrees_with_resampling_respondents() {
        // R = 20000 each. The weighted mean's bootstrap SD here is about 0.22; the Monte
        // Carlo standard error of a 2.5 % / 97.5 % percentile at R = 20000 is about
        // sqrt(.025 * .975 / 20000) / density ~ 0.005, so the difference of two independent
        // estimates has SE ~ 0.007: a tolerance of 0.03 is over four standard errors, while
        // a wrong multinomial (e.g. equal pair probabilities) moves the ends by ~0.2.
        let settings = Bootstrap {
            resamples: 20_000,
            seed: 7,
            confidence: 0.95,
        };
        let (values, weights) = answers();
        let grouped = settings.percentile(&values, &weights, mean).unwrap();
        let textbook = naive(&settings, &values, &weights);
        assert!(
            (grouped.low - textbook.low).abs() < 0.03,
            "{grouped:?} vs {textbook:?}"
        );
        assert!(
            (grouped.high - textbook.high).abs() < 0.03,
            "{grouped:?} vs {textbook:?}"
        );
    }

    #[test]
    fn resamples_keep_the_number_of_respondents() {
        // One weight per value, so weight / 2 in a resample is how often a pair was drawn.
        let (values, _) = answers();
        let weights = vec![2.0; values.len()];
        let groups = Groups::new(&values, &weights).unwrap();
        assert_eq!(groups.counts.iter().sum::<u64>(), 40);
        let (mut v, mut w) = (Vec::new(), Vec::new());
        let mut drawn_per_value = [0.0; 5];
        for r in 0..2000 {
            groups
                .resample(&mut resample_rng(1, r), &mut v, &mut w)
                .unwrap();
            assert_eq!(w.iter().sum::<f64>(), 80.0, "resample {r}");
            for (value, weight) in v.iter().zip(&w) {
                drawn_per_value[*value as usize] += weight / 2.0;
            }
        }
        // On average each value is drawn as often as it was answered (8 times in 40).
        for (value, drawn) in drawn_per_value.iter().enumerate() {
            let expected = groups.counts[value] as f64 * 2000.0;
            assert!(
                (drawn - expected).abs() < 0.03 * expected,
                "value {value}: {drawn}"
            );
        }
    }

    #[test]
    fn intervals_contain_the_estimate_for_medians_and_pools() {
        let (values, weights) = answers();
        let interval = SETTINGS.percentile(&values, &weights, median).unwrap();
        assert!(interval.contains(median(&values, &weights).unwrap()));
        let probabilities: Vec<f64> = values.iter().map(|v| 0.1 + v / 5.0).collect();
        let geometric = |p: &[f64], w: &[f64]| pool(p, w).map(|x| x.geometric_mean_of_odds);
        let pooled = SETTINGS
            .percentile(&probabilities, &weights, geometric)
            .unwrap();
        assert!(pooled.contains(geometric(&probabilities, &weights).unwrap()));
        assert!(pooled.low > 0.0 && pooled.high < 1.0 && pooled.low < pooled.high);
    }

    #[test]
    fn failing_statistics_and_bad_input_give_none() {
        let (values, weights) = answers();
        assert_eq!(SETTINGS.percentile(&[], &[], mean), None);
        assert_eq!(SETTINGS.percentile(&[1.0], &[1.0, 1.0], mean), None);
        assert_eq!(SETTINGS.percentile(&[f64::NAN], &[1.0], mean), None);
        assert_eq!(SETTINGS.percentile(&[1.0], &[-1.0], mean), None);
        let no_resamples = Bootstrap {
            resamples: 0,
            ..SETTINGS
        };
        assert_eq!(no_resamples.percentile(&values, &weights, mean), None);
        let bad_level = Bootstrap {
            confidence: 1.0,
            ..SETTINGS
        };
        assert_eq!(bad_level.percentile(&values, &weights, mean), None);
        // Undefined whenever the resample holds a 4: fails on nearly every resample.
        let fragile = |v: &[f64], w: &[f64]| {
            if v.contains(&4.0) { None } else { mean(v, w) }
        };
        assert_eq!(SETTINGS.percentile(&values, &weights, fragile), None);
        // A single respondent: every resample is that respondent.
        let one = SETTINGS.percentile(&[3.0], &[1.0], mean).unwrap();
        assert_eq!(
            one,
            Interval {
                low: 3.0,
                high: 3.0
            }
        );
    }

    /// Timing on a million answers (run with `--ignored --release` to see the figure).
    #[test]
    #[ignore]
    fn a_million_answers() {
        let n = 1_000_000u32;
        let values: Vec<f64> = (0..n)
            .map(|i| f64::from(i.wrapping_mul(2_654_435_761) % 101) / 100.0)
            .collect();
        let weights: Vec<f64> = (0..n).map(|i| [0.5, 1.0, 2.0][(i % 3) as usize]).collect();
        let start = std::time::Instant::now();
        let interval = SETTINGS.percentile(&values, &weights, median).unwrap();
        let elapsed = start.elapsed();
        eprintln!("median of 1M answers, R = 2000: {interval:?} in {elapsed:?}");
        assert!(interval.low <= interval.high);
    }
}
