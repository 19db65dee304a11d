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
//!
//! Several statistics of the same answers can share their resamples
//! ([`Bootstrap::percentiles_grouped`]): each still gets a percentile interval of its own,
//! from one draw instead of one each.
//!
//! A statistic that depends only on one or two order statistics of unit-weight answers (a
//! median) needs even less: [`Bootstrap::percentile_of_ranks`] draws the same multinomial
//! as a binary tree over the distinct answers (the left half of a node gets
//! Binomial(draws at the node, its share of the node's count)) and descends only into the
//! halves that hold the wanted ranks, so a resample costs O(log distinct answers).

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
        self.run(&Groups::new(values, weights)?, &[&statistic])
            .pop()
            .flatten()
    }

    /// [`Bootstrap::percentile`] for answers already grouped: `counts[i]` respondents gave
    /// `values[i]`, each with weight `weights[i]` (pairs may repeat). The groups, and so
    /// every resample and the interval, are exactly those of passing each respondent on
    /// their own, but the work is O(distinct pairs) instead of O(respondents): the analysis
    /// bootstraps a median in each of dozens of groups of a million respondents.
    ///
    /// None under the conditions of [`Bootstrap::percentile`], or when the slices differ in
    /// length or no count is positive.
    pub fn percentile_grouped<F>(
        &self,
        values: &[f64],
        weights: &[f64],
        counts: &[u64],
        statistic: F,
    ) -> Option<Interval>
    where
        F: Fn(&[f64], &[f64]) -> Option<f64> + Sync,
    {
        self.percentiles_grouped(values, weights, counts, &[&statistic])
            .pop()
            .flatten()
    }

    /// [`Bootstrap::percentile_grouped`] for several statistics of the same answers, which
    /// share every resample: one multinomial draw per resample instead of one per
    /// statistic. Each interval is exactly what `percentile_grouped` with this seed would
    /// give for that statistic alone; the intervals of one call are correlated (they come
    /// from the same resamples), as any statistics of one bootstrap are.
    ///
    /// One entry per statistic, in order; all None under the conditions of
    /// [`Bootstrap::percentile_grouped`], and one None for a statistic that fails on more
    /// than 1 % of the resamples.
    pub fn percentiles_grouped(
        &self,
        values: &[f64],
        weights: &[f64],
        counts: &[u64],
        statistics: &[&Statistic<'_>],
    ) -> Vec<Option<Interval>> {
        let level_ok = self.confidence > 0.0 && self.confidence < 1.0;
        let groups = Groups::from_counts(values, weights, counts);
        match groups {
            Some(groups) if self.resamples > 0 && level_ok => self.run(&groups, statistics),
            _ => vec![None; statistics.len()],
        }
    }

    /// Percentile interval of a statistic that depends only on the order statistics at two
    /// 0-based ranks `low_rank <= high_rank` of a resample of unit-weight answers: for
    /// instance a type-7 median, `x(⌊(n-1)/2⌋)` and `x(⌈(n-1)/2⌉)`. `counts[i]` is how many
    /// gave the i-th distinct answer, in ascending order of answer (zeros allowed), and
    /// `statistic(i, j)` gets the indices of the answers at the two ranks. Each resample is
    /// the multinomial draw of [`Bootstrap::percentile_grouped`], drawn lazily as a binary
    /// tree (see the module documentation), so the intervals follow the same distribution
    /// but not the same stream.
    ///
    /// None when `resamples` is 0, the confidence is outside (0, 1), no count is positive,
    /// a rank is not below the number of answers, or the ranks are out of order.
    pub fn percentile_of_ranks<F>(
        &self,
        counts: &[u64],
        (low_rank, high_rank): (u64, u64),
        statistic: F,
    ) -> Option<Interval>
    where
        F: Fn(usize, usize) -> f64 + Sync,
    {
        let level_ok = self.confidence > 0.0 && self.confidence < 1.0;
        let tree = RankTree::new(counts);
        let n = tree.respondents();
        if self.resamples == 0 || !level_ok || n == 0 || low_rank > high_rank || high_rank >= n {
            return None;
        }
        let outcomes: Vec<Option<f64>> = (0..self.resamples as u64)
            .into_par_iter()
            .map(|r| {
                let mut rng = resample_rng(self.seed, r);
                let mut found = [0usize; 2];
                tree.locate(
                    &mut rng,
                    (0, counts.len()),
                    n,
                    &[(low_rank, 0), (high_rank, 1)],
                    &mut found,
                )?;
                Some(statistic(found[0], found[1])).filter(|s| s.is_finite())
            })
            .collect();
        self.interval(outcomes)
    }

    fn run(&self, groups: &Groups, statistics: &[&Statistic<'_>]) -> Vec<Option<Interval>> {
        // Per resample, one outcome per statistic.
        let outcomes: Vec<Vec<Option<f64>>> = (0..self.resamples as u64)
            .into_par_iter()
            .map_init(
                || (Vec::new(), Vec::new()),
                |(resampled_values, resampled_weights), r| {
                    let mut rng = resample_rng(self.seed, r);
                    match groups.resample(&mut rng, resampled_values, resampled_weights) {
                        Some(()) => statistics
                            .iter()
                            .map(|statistic| {
                                statistic(resampled_values, resampled_weights)
                                    .filter(|s| s.is_finite())
                            })
                            .collect(),
                        None => vec![None; statistics.len()],
                    }
                },
            )
            .collect();
        (0..statistics.len())
            .map(|s| self.interval(outcomes.iter().map(|o| o[s]).collect()))
            .collect()
    }

    /// The percentile interval of the resamples' estimates; None when the statistic failed
    /// on more than 1 % of them.
    fn interval(&self, outcomes: Vec<Option<f64>>) -> Option<Interval> {
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

/// A statistic of a resample given as distinct values with their (frequency) weights.
pub type Statistic<'a> = dyn Fn(&[f64], &[f64]) -> Option<f64> + Sync + 'a;

/// Counts of distinct answers as cumulative sums, for drawing a resample as a binary tree.
struct RankTree {
    /// `prefix[i]`: respondents who gave one of the first i answers.
    prefix: Vec<u64>,
}

impl RankTree {
    fn new(counts: &[u64]) -> RankTree {
        let mut prefix = Vec::with_capacity(counts.len() + 1);
        let mut sum = 0u64;
        prefix.push(0);
        for &c in counts {
            sum = sum.saturating_add(c);
            prefix.push(sum);
        }
        RankTree { prefix }
    }

    fn respondents(&self) -> u64 {
        self.prefix.last().copied().unwrap_or(0)
    }

    /// Finds which answer holds each wanted rank among the `draws` resampled respondents
    /// who gave one of the answers `lo..hi`: splits the draws between the two halves with
    /// one binomial, then descends only into halves that hold a wanted rank (left before
    /// right, so the draw order is fixed). `ranks` pairs a rank (relative to this node,
    /// below `draws`) with the slot of `found` it fills. None only if a binomial cannot be
    /// built (not expected: every probability is within [0, 1]).
    fn locate(
        &self,
        rng: &mut Xoshiro256PlusPlus,
        (lo, hi): (usize, usize),
        draws: u64,
        ranks: &[(u64, usize)],
        found: &mut [usize; 2],
    ) -> Option<()> {
        if hi - lo <= 1 {
            for &(_, slot) in ranks {
                found[slot] = lo;
            }
            return Some(());
        }
        let mid = lo + (hi - lo) / 2;
        let total = self.prefix[hi] - self.prefix[lo];
        let left_total = self.prefix[mid] - self.prefix[lo];
        let left = if left_total == 0 {
            0
        } else if left_total == total {
            draws
        } else {
            Binomial::new(draws, left_total as f64 / total as f64)
                .ok()?
                .sample(rng)
        };
        let (mut left_ranks, mut right_ranks) = ([(0, 0); 2], [(0, 0); 2]);
        let (mut in_left, mut in_right) = (0, 0);
        for &(rank, slot) in ranks {
            if rank < left {
                left_ranks[in_left] = (rank, slot);
                in_left += 1;
            } else {
                right_ranks[in_right] = (rank - left, slot);
                in_right += 1;
            }
        }
        if in_left > 0 {
            self.locate(rng, (lo, mid), left, &left_ranks[..in_left], found)?;
        }
        if in_right > 0 {
            self.locate(
                rng,
                (mid, hi),
                draws - left,
                &right_ranks[..in_right],
                found,
            )?;
        }
        Some(())
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

    /// Groups given as distinct answers with counts, in the same order and with the same
    /// merging as [`Groups::new`] gives for the respondents they stand for.
    fn from_counts(values: &[f64], weights: &[f64], counts: &[u64]) -> Option<Groups> {
        let lengths_ok = values.len() == weights.len() && values.len() == counts.len();
        if !lengths_ok || values.iter().any(|v| v.is_nan()) || !valid_weights(weights) {
            return None;
        }
        let mut pairs: Vec<(f64, f64, u64)> = values
            .iter()
            .zip(weights)
            .zip(counts)
            .filter(|(_, c)| **c > 0)
            .map(|((v, w), c)| (v + 0.0, w + 0.0, *c))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut merged: Vec<(f64, f64, u64)> = Vec::with_capacity(pairs.len());
        for (v, w, c) in pairs {
            match merged.last_mut() {
                Some(last)
                    if last.0.to_bits() == v.to_bits() && last.1.to_bits() == w.to_bits() =>
                {
                    last.2 += c
                }
                _ => merged.push((v, w, c)),
            }
        }
        let respondents: u64 = merged.iter().map(|p| p.2).sum();
        (respondents > 0).then(|| Groups {
            values: merged.iter().map(|p| p.0).collect(),
            weights: merged.iter().map(|p| p.1).collect(),
            counts: merged.iter().map(|p| p.2).collect(),
            respondents,
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
    fn grouped_input_gives_the_interval_of_every_respondent_bit_for_bit() {
        let (values, weights) = answers();
        let each = SETTINGS.percentile(&values, &weights, median).unwrap();
        // The same respondents as distinct (value, weight) pairs with counts, in another
        // order and with one pair split in two.
        let mut pairs: Vec<(f64, f64, u64)> = Vec::new();
        for (v, w) in values.iter().zip(&weights) {
            match pairs.iter_mut().find(|p| p.0 == *v && p.1 == *w) {
                Some(p) => p.2 += 1,
                None => pairs.push((*v, *w, 1)),
            }
        }
        pairs.reverse();
        let (v, w, c) = pairs[0];
        assert!(c >= 2, "the first pair can be split");
        pairs[0].2 = 1;
        pairs.push((v, w, c - 1));
        pairs.push((9.0, 1.0, 0));
        let grouped = SETTINGS
            .percentile_grouped(
                &pairs.iter().map(|p| p.0).collect::<Vec<_>>(),
                &pairs.iter().map(|p| p.1).collect::<Vec<_>>(),
                &pairs.iter().map(|p| p.2).collect::<Vec<_>>(),
                median,
            )
            .unwrap();
        assert_eq!(each, grouped);
        assert_eq!(
            SETTINGS.percentile_grouped(&[1.0], &[1.0], &[0], median),
            None
        );
        assert_eq!(
            SETTINGS.percentile_grouped(&[1.0], &[1.0], &[1, 2], median),
            None
        );
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

    /// Type-7 median of unit-weight answers through the rank descent: the two middle ranks.
    fn median_of_ranks(settings: &Bootstrap, values: &[f64], counts: &[u64]) -> Option<Interval> {
        let n: u64 = counts.iter().sum();
        let from = 0.5 * (n - 1) as f64;
        let (low, high) = (from.floor() as u64, from.ceil() as u64);
        let frac = from - from.floor();
        settings.percentile_of_ranks(counts, (low, high), |i, j| {
            values[i] * (1.0 - frac) + values[j] * frac
        })
    }

    #[test]
    fn shared_resamples_give_each_statistic_its_own_interval() {
        let (values, weights) = answers();
        let counts = vec![1; values.len()];
        let both = SETTINGS.percentiles_grouped(&values, &weights, &counts, &[&mean, &median]);
        assert_eq!(
            both,
            vec![
                SETTINGS.percentile(&values, &weights, mean),
                SETTINGS.percentile(&values, &weights, median)
            ]
        );
        assert!(both.iter().all(Option::is_some));
        let fragile = |v: &[f64], w: &[f64]| {
            if v.contains(&4.0) { None } else { mean(v, w) }
        };
        let some_fail =
            SETTINGS.percentiles_grouped(&values, &weights, &counts, &[&fragile, &mean]);
        assert_eq!(some_fail[0], None);
        assert_eq!(some_fail[1], both[0]);
        let none = Bootstrap {
            resamples: 0,
            ..SETTINGS
        };
        assert_eq!(
            none.percentiles_grouped(&values, &weights, &counts, &[&mean, &median]),
            vec![None, None]
        );
    }

    #[test]
    fn rank_descent_is_identical_across_thread_counts_and_fixed_by_the_seed() {
        let values: Vec<f64> = (0..101).map(f64::from).collect();
        // 15 scattered answers (0, 7, ..., 98): a wide interval that moves with the seed.
        let counts: Vec<u64> = (0..101u64).map(|i| u64::from(i % 7 == 0)).collect();
        let run = |threads: usize, seed: u64| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    let settings = Bootstrap { seed, ..SETTINGS };
                    let interval = median_of_ranks(&settings, &values, &counts).unwrap();
                    (interval.low.to_bits(), interval.high.to_bits())
                })
        };
        assert_eq!(run(1, 42), run(2, 42));
        assert_eq!(run(1, 42), run(3, 42));
        // Ends are answers (or midpoints), so two seeds may agree; six cannot all.
        let ends: std::collections::BTreeSet<_> = (42..48).map(|seed| run(2, seed)).collect();
        assert!(ends.len() > 1, "{ends:?}");
    }

    #[test]
    fn rank_descent_agrees_with_resampling_respondents() {
        // Unit weights; the median of 40 answers on 0..=4 and of 300 answers over 60 values.
        // R = 20000 each: as in `grouped_resampling_agrees_with_resampling_respondents`, the
        // percentile ends of two independent bootstraps differ by a few Monte Carlo errors,
        // while a wrong split probability moves them by whole values.
        let settings = Bootstrap {
            resamples: 20_000,
            seed: 11,
            confidence: 0.9,
        };
        let small: Vec<f64> = answers().0;
        let wide: Vec<f64> = (0..300u32)
            .map(|i| f64::from((i * i + 7 * i) % 60))
            .collect();
        for values in [small, wide] {
            let ones = vec![1.0; values.len()];
            let mut distinct = values.clone();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            let counts: Vec<u64> = distinct
                .iter()
                .map(|d| values.iter().filter(|v| *v == d).count() as u64)
                .collect();
            let tree = median_of_ranks(&settings, &distinct, &counts).unwrap();
            let full = settings
                .percentile_grouped(&distinct, &vec![1.0; distinct.len()], &counts, median)
                .unwrap();
            let textbook = {
                let mut rng = resample_rng(settings.seed ^ 0xFFFF, 0);
                let n = values.len();
                let estimates: Vec<f64> = (0..settings.resamples)
                    .map(|_| {
                        let v: Vec<f64> = (0..n).map(|_| values[rng.random_range(0..n)]).collect();
                        median(&v, &ones[..n]).unwrap()
                    })
                    .collect();
                let ones = vec![1.0; estimates.len()];
                Interval {
                    low: quantile(&estimates, &ones, 0.05).unwrap(),
                    high: quantile(&estimates, &ones, 0.95).unwrap(),
                }
            };
            for other in [full, textbook] {
                assert!((tree.low - other.low).abs() <= 1.0, "{tree:?} vs {other:?}");
                assert!(
                    (tree.high - other.high).abs() <= 1.0,
                    "{tree:?} vs {other:?}"
                );
            }
            assert!(tree.low < tree.high, "{tree:?}");
        }
    }

    #[test]
    fn rank_descent_refuses_bad_ranks_and_handles_one_answer() {
        let counts = [0, 3, 0];
        assert_eq!(
            SETTINGS.percentile_of_ranks(&counts, (3, 3), |i, _| i as f64),
            None
        );
        assert_eq!(
            SETTINGS.percentile_of_ranks(&counts, (2, 1), |i, _| i as f64),
            None
        );
        assert_eq!(
            SETTINGS.percentile_of_ranks(&[0, 0], (0, 0), |i, _| i as f64),
            None
        );
        assert_eq!(
            SETTINGS.percentile_of_ranks(&[], (0, 0), |i, _| i as f64),
            None
        );
        // Everyone gave answer 1: every resample's ranks fall there.
        assert_eq!(
            SETTINGS.percentile_of_ranks(&counts, (0, 2), |i, j| (i + j) as f64),
            Some(Interval {
                low: 2.0,
                high: 2.0
            })
        );
    }

    #[test]
    fn the_drawn_ranks_follow_the_multinomial() {
        // 40 answers, 8 on each of 5 values. In a resample of 40 the 0-based rank 19 lies at
        // or below answer i exactly when at least 20 of the 40 draws fall on answers 0..=i:
        // P = P(Binomial(40, (i + 1) / 5) >= 20). The frequencies over 20000 resamples must
        // match to within 0.015 (over four binomial standard errors).
        let counts = [8u64; 5];
        let tree = RankTree::new(&counts);
        let mut at_or_below = [0u32; 5];
        for r in 0..20_000 {
            let mut found = [0usize; 2];
            tree.locate(
                &mut resample_rng(3, r),
                (0, 5),
                40,
                &[(19, 0), (20, 1)],
                &mut found,
            )
            .unwrap();
            assert!(found[0] <= found[1]);
            for slot in &mut at_or_below[found[0]..] {
                *slot += 1;
            }
        }
        let at_least_20 = |p: f64| -> f64 {
            if p >= 1.0 {
                return 1.0;
            }
            (20..=40)
                .map(|k| {
                    let ln_choose: f64 = (1..=k)
                        .map(|j| f64::from(40 - k + j).ln() - f64::from(j).ln())
                        .sum();
                    (ln_choose + f64::from(k) * p.ln() + f64::from(40 - k) * (1.0 - p).ln()).exp()
                })
                .sum()
        };
        for (i, count) in at_or_below.iter().enumerate() {
            let expected = at_least_20((i + 1) as f64 / 5.0);
            let observed = f64::from(*count) / 20_000.0;
            assert!(
                (observed - expected).abs() < 0.015,
                "answer {i}: {observed} vs {expected}"
            );
        }
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
