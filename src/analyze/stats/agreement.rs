//! How much a group agrees on an ordinal question, from its counts per level in scale
//! order (f64, so weighted counts work). Non-substantive levels ("don't know") are not
//! levels of the scale: leave them out of `counts`.
//!
//! Every function returns None when there are fewer than two levels (three for
//! [`van_der_eijk`]), a count is negative or not finite, or all counts are zero. Each is
//! unchanged when the scale is reversed, and depends only on the shares, not on n.

/// Shares per level, or None when the counts cannot be read as a distribution.
fn shares(counts: &[f64], min_levels: usize) -> Option<Vec<f64>> {
    if counts.len() < min_levels || counts.iter().any(|c| !c.is_finite() || *c < 0.0) {
        return None;
    }
    let total: f64 = counts.iter().sum();
    (total > 0.0).then(|| counts.iter().map(|c| c / total).collect())
}

/// Cumulative shares F_1 .. F_{k-1} (the last, always 1, is left out).
fn cumulative(shares: &[f64]) -> Vec<f64> {
    shares[..shares.len() - 1]
        .iter()
        .scan(0.0, |sum, p| {
            *sum += p;
            Some(*sum)
        })
        .collect()
}

/// Tastle–Wierman consensus `Cns = 1 + sum_i p_i log2(1 - |X_i - mu| / d_X)`, with levels
/// X_i = 1..k, mean mu and width d_X = k - 1. 1 when everyone gives the same level, 0 when
/// half give each extreme. Tastle, W. J., & Wierman, M. J. (2007). Consensus and
/// dissention: A measure of ordinal dispersion. International Journal of Approximate
/// Reasoning, 45(3), 531–545.
pub fn tastle_wierman(counts: &[f64]) -> Option<f64> {
    let shares = shares(counts, 2)?;
    let width = (shares.len() - 1) as f64;
    let mean: f64 = shares.iter().enumerate().map(|(i, p)| p * i as f64).sum();
    let sum: f64 = shares
        .iter()
        .enumerate()
        // An empty level adds nothing (0 log 0 = 0), even where the log is -infinity.
        .filter(|(_, p)| **p > 0.0)
        .map(|(i, p)| p * (1.0 - (i as f64 - mean).abs() / width).log2())
        .sum();
    Some((1.0 + sum).clamp(0.0, 1.0))
}

/// Leik's ordinal dispersion `D = 2 / (k - 1) * sum_{i<k} min(F_i, 1 - F_i)` over the
/// cumulative shares F_i. 0 when everyone gives the same level, 1 when half give each
/// extreme. Leik, R. K. (1966). A measure of ordinal consensus. Pacific Sociological
/// Review, 9(2), 85–90.
pub fn leik(counts: &[f64]) -> Option<f64> {
    let shares = shares(counts, 2)?;
    let k = shares.len() as f64;
    let sum: f64 = cumulative(&shares).iter().map(|f| f.min(1.0 - f)).sum();
    Some((2.0 * sum / (k - 1.0)).clamp(0.0, 1.0))
}

/// Van der Eijk's agreement A in [-1, 1]: 1 when everyone gives the same level, 0 for a
/// uniform spread, -1 when half give each extreme.
///
/// The distribution is peeled into layers: each layer takes the smallest non-zero count
/// from every level still non-zero; its pattern is which levels it covers. A pattern with
/// S of K levels covered has agreement `U (1 - (S - 1) / (K - 1))`, where, over all triples
/// of levels i < j < m, TU counts those with two covered levels side by side (110, 011) and
/// TDU those with a gap (101): `U = ((K - 2) TU - (K - 1) TDU) / ((K - 2) (TU + TDU))`, or 1
/// when the pattern has neither. A is the layers' agreement weighted by their share of the
/// respondents. Needs at least three levels (U is undefined for two).
/// van der Eijk, C. (2001). Measuring agreement in ordered rating scales. Quality &
/// Quantity, 35(3), 325–341.
pub fn van_der_eijk(counts: &[f64]) -> Option<f64> {
    let shares = shares(counts, 3)?;
    let mut left = shares;
    let mut agreement = 0.0;
    while let Some(layer) = left
        .iter()
        .copied()
        .filter(|c| *c > 0.0)
        .min_by(f64::total_cmp)
    {
        let pattern: Vec<bool> = left.iter().map(|c| *c > 0.0).collect();
        let covered = pattern.iter().filter(|b| **b).count();
        agreement += layer * covered as f64 * pattern_agreement(&pattern);
        // The smallest counts become exactly zero (x - x == 0), so every pass empties at
        // least one level and the loop runs at most K times.
        for c in left.iter_mut().filter(|c| **c > 0.0) {
            *c -= layer;
        }
    }
    Some(agreement.clamp(-1.0, 1.0))
}

/// Agreement of one layer pattern (see [`van_der_eijk`]), counting triples in O(K).
fn pattern_agreement(pattern: &[bool]) -> f64 {
    let k = pattern.len() as f64;
    let covered = pattern.iter().filter(|b| **b).count() as f64;
    // Triples with exactly two covered levels; those with the uncovered one in the middle
    // (101) deviate from unimodality, the others (110, 011) agree with it.
    let two_covered = covered * (covered - 1.0) / 2.0 * (k - covered);
    let mut covered_before = 0.0;
    let mut deviating = 0.0;
    for &is_covered in pattern {
        if is_covered {
            covered_before += 1.0;
        } else {
            deviating += covered_before * (covered - covered_before);
        }
    }
    let unimodal = two_covered - deviating;
    let u = if unimodal + deviating == 0.0 {
        1.0
    } else {
        ((k - 2.0) * unimodal - (k - 1.0) * deviating) / ((k - 2.0) * (unimodal + deviating))
    };
    u * (1.0 - (covered - 1.0) / (k - 1.0))
}

/// Apouey's polarisation index P2(alpha) with alpha = 2:
/// `P = 1 - 4 / (k - 1) * sum_{i<k} (F_i - 1/2)^2` over the cumulative shares F_i. 0 when
/// everyone gives the same level, 1 when half give each extreme. With alpha = 1 it would
/// equal Leik's D; alpha = 2 weighs a split near the median less than a split into camps.
/// Apouey, B. (2007). Measuring health polarization with self-assessed health data.
/// Health Economics, 16(9), 875–894.
pub fn polarisation(counts: &[f64]) -> Option<f64> {
    let shares = shares(counts, 2)?;
    let k = shares.len() as f64;
    let sum: f64 = cumulative(&shares).iter().map(|f| (f - 0.5).powi(2)).sum();
    Some((1.0 - 4.0 * sum / (k - 1.0)).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// van der Eijk (2001), p. 331: a 7-point scale answered by 1000 people; also the
    /// example of Ruedin's R package agrmt (`consensus`, `Leik`, `agreement`).
    const EXAMPLE: [f64; 7] = [30.0, 40.0, 210.0, 130.0, 530.0, 50.0, 10.0];

    fn near(got: Option<f64>, want: f64, tolerance: f64) -> bool {
        got.is_some_and(|g| (g - want).abs() <= tolerance)
    }

    #[test]
    fn reference_values_of_issue_6() {
        // Issue 6, and the documented examples of R package agrmt: consensus(V) = 0.7256876,
        // Leik(V) = 0.2866667.
        assert!(near(tastle_wierman(&EXAMPLE), 0.725_687_6, 1e-6));
        assert!(near(leik(&EXAMPLE), 0.286_666_7, 1e-6));
    }

    #[test]
    fn van_der_eijk_worked_examples() {
        // van der Eijk (2001), p. 331, layer table: A = 0.6113333 (agrmt's documented
        // value for agreement(V)).
        assert!(near(van_der_eijk(&EXAMPLE), 0.611_333_3, 1e-6));
        // Two of its layer patterns, K = 7: 0011100 -> 0.667 and 0010100 -> 0.467.
        let pattern = |bits: [u8; 7]| pattern_agreement(&bits.map(|b| b == 1));
        assert!((pattern([0, 0, 1, 1, 1, 0, 0]) - 2.0 / 3.0).abs() < 1e-12);
        assert!((pattern([0, 0, 1, 0, 1, 0, 0]) - 0.56 * 5.0 / 6.0).abs() < 1e-12);
        // van der Eijk (2001), placements of PvdA and D66 on a 7-point scale, given in
        // percent; A = 0.61 and 0.48 to two decimals (also agrmt's vignette).
        let pvda = [2.4, 2.8, 3.2, 6.2, 13.5, 30.4, 41.6];
        let d66 = [1.6, 2.6, 8.2, 21.0, 29.3, 27.0, 10.3];
        assert!(near(van_der_eijk(&pvda), 0.61, 0.005));
        assert!(near(van_der_eijk(&d66), 0.48, 0.005));
        // The three ideal types of the article: unimodal, uniform, bimodal.
        assert_eq!(van_der_eijk(&[0.0, 0.0, 5.0, 0.0, 0.0]), Some(1.0));
        assert!(near(van_der_eijk(&[3.0; 5]), 0.0, 1e-12));
        assert!(near(van_der_eijk(&[4.0, 0.0, 0.0, 0.0, 4.0]), -1.0, 1e-12));
    }

    #[test]
    fn tastle_wierman_by_hand() {
        // Tastle & Wierman (2007): Cns = 0 for half at each extreme, 1 for one level.
        assert_eq!(tastle_wierman(&[1.0, 0.0, 0.0, 0.0, 1.0]), Some(0.0));
        assert_eq!(tastle_wierman(&[0.0, 0.0, 7.0, 0.0, 0.0]), Some(1.0));
        // Uniform on 5 levels: mu = 3, distances 2, 1, 0, 1, 2 over d = 4, so
        // Cns = 1 + (2 log2(1/2) + 2 log2(3/4)) / 5 = 1 - (2 + 2 log2(4/3)) / 5.
        let uniform = 1.0 - (2.0 + 2.0 * (4.0f64 / 3.0).log2()) / 5.0;
        assert!(near(tastle_wierman(&[1.0; 5]), uniform, 1e-12));
    }

    #[test]
    fn leik_and_polarisation_by_hand() {
        // EXAMPLE's cumulative shares: .03 .07 .28 .41 .94 .99; sum of (F - 1/2)^2 = 0.896,
        // so P2(2) = 1 - 4 * 0.896 / 6.
        assert!(near(polarisation(&EXAMPLE), 1.0 - 4.0 * 0.896 / 6.0, 1e-12));
        assert_eq!(polarisation(&[2.0, 0.0, 0.0, 2.0]), Some(1.0));
        assert_eq!(polarisation(&[0.0, 9.0, 0.0]), Some(0.0));
        assert_eq!(leik(&[2.0, 0.0, 0.0, 2.0]), Some(1.0));
        assert_eq!(leik(&[0.0, 9.0, 0.0]), Some(0.0));
        // Uniform over 3 levels: F = 1/3, 2/3; D = 2/2 * (1/3 + 1/3).
        assert!(near(leik(&[1.0, 1.0, 1.0]), 2.0 / 3.0, 1e-12));
        // P2(2) differs from Leik: 1 - 4/2 * (1/36 + 1/36) = 8/9.
        assert!(near(polarisation(&[1.0, 1.0, 1.0]), 8.0 / 9.0, 1e-12));
    }

    #[test]
    fn unusable_counts_give_none() {
        for f in [tastle_wierman, leik, van_der_eijk, polarisation] {
            assert_eq!(f(&[]), None);
            assert_eq!(f(&[3.0]), None);
            assert_eq!(f(&[0.0, 0.0, 0.0]), None);
            assert_eq!(f(&[1.0, -1.0, 2.0]), None);
            assert_eq!(f(&[1.0, f64::NAN, 2.0]), None);
        }
        assert_eq!(van_der_eijk(&[1.0, 2.0]), None);
        assert!(leik(&[1.0, 2.0]).is_some());
    }

    fn distribution() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(0.0f64..100.0, 3..12)
            .prop_filter("someone answered", |c| c.iter().sum::<f64>() > 0.0)
    }

    proptest! {
        #[test]
        fn measures_stay_in_range_and_ignore_reversal(counts in distribution()) {
            let reversed: Vec<f64> = counts.iter().rev().copied().collect();
            for (f, low) in [
                (tastle_wierman as fn(&[f64]) -> Option<f64>, 0.0),
                (leik, 0.0),
                (van_der_eijk, -1.0),
                (polarisation, 0.0),
            ] {
                let value = f(&counts).unwrap();
                prop_assert!((low..=1.0).contains(&value));
                prop_assert!((value - f(&reversed).unwrap()).abs() < 1e-9);
            }
        }

        #[test]
        fn scaling_the_counts_changes_nothing(counts in distribution(), scale in 0.01f64..100.0) {
            let scaled: Vec<f64> = counts.iter().map(|c| c * scale).collect();
            for f in [tastle_wierman, leik, van_der_eijk, polarisation] {
                prop_assert!((f(&counts).unwrap() - f(&scaled).unwrap()).abs() < 1e-9);
            }
        }

        #[test]
        fn all_in_one_level_is_full_agreement(k in 3usize..12, level in 0usize..12, n in 1.0f64..1e6) {
            let mut counts = vec![0.0; k];
            counts[level % k] = n;
            prop_assert_eq!(tastle_wierman(&counts), Some(1.0));
            prop_assert_eq!(van_der_eijk(&counts), Some(1.0));
            prop_assert_eq!(leik(&counts), Some(0.0));
            prop_assert_eq!(polarisation(&counts), Some(0.0));
        }
    }
}
