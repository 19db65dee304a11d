//! Confidence intervals for shares: Wilson's score interval for one share and Newcombe's
//! hybrid score interval for the difference of two, with the normal quantile they need.

/// A confidence interval, `low <= high`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    /// Whether `value` lies in the interval (ends included).
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

/// Two-sided standard-normal quantile for a confidence level in (0, 1): 0.95 -> 1.959964,
/// i.e. the z with P(-z < Z < z) = confidence. NaN when the level is outside (0, 1).
pub fn z_for(confidence: f64) -> f64 {
    if !(confidence > 0.0 && confidence < 1.0) {
        return f64::NAN;
    }
    normal_quantile(0.5 + confidence / 2.0)
}

/// Wilson score interval of a share; `successes` and `n` are f64 so that weighted counts on
/// a Kish effective n work (pass `share * n_effective` as successes). None when n <= 0,
/// successes is outside [0, n], a number is not finite, or the level is outside (0, 1).
/// Clamped to [0, 1]; the end at an observed share of 0 or 1 is exactly 0 or 1.
///
/// Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
/// inference. Journal of the American Statistical Association, 22(158), 209–212.
pub fn wilson(successes: f64, n: f64, confidence: f64) -> Option<Interval> {
    let z = z_for(confidence);
    let counts_ok = n > 0.0 && n.is_finite() && (0.0..=n).contains(&successes);
    if !counts_ok || z.is_nan() {
        return None;
    }
    let p = successes / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let low = if successes == 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if successes == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Some(Interval { low, high })
}

/// Newcombe's hybrid score interval (method 10, Newcombe 1998) for p1 - p2, from the two
/// Wilson intervals (l1, u1) and (l2, u2):
/// `[d - sqrt((p1 - l1)^2 + (u2 - p2)^2), d + sqrt((u1 - p1)^2 + (p2 - l2)^2)]`.
/// None under the same conditions as [`wilson`] for either share. Clamped to [-1, 1].
///
/// Newcombe, R. G. (1998). Interval estimation for the difference between independent
/// proportions: comparison of eleven methods. Statistics in Medicine, 17(8), 873–890.
pub fn newcombe(x1: f64, n1: f64, x2: f64, n2: f64, confidence: f64) -> Option<Interval> {
    let first = wilson(x1, n1, confidence)?;
    let second = wilson(x2, n2, confidence)?;
    let (p1, p2) = (x1 / n1, x2 / n2);
    let d = p1 - p2;
    let below = ((p1 - first.low).powi(2) + (second.high - p2).powi(2)).sqrt();
    let above = ((first.high - p1).powi(2) + (p2 - second.low).powi(2)).sqrt();
    Some(Interval {
        low: (d - below).max(-1.0),
        high: (d + above).min(1.0),
    })
}

/// Standard-normal quantile for a lower-tail probability in (0, 1): Wichura's algorithm
/// AS 241 (PPND16), accurate to about 1 part in 10^16. Wichura, M. J. (1988). Algorithm
/// AS 241: The percentage points of the normal distribution. Applied Statistics, 37(3),
/// 477–484. Coefficients in ascending powers; each denominator starts with 1.
// The coefficients are kept to the digits Wichura published, so they can be checked
// against the paper, though f64 holds only about 17 of them.
#[allow(clippy::excessive_precision)]
fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 8] = [
        3.387_132_872_796_366_608e0,
        1.331_416_678_917_843_774_5e2,
        1.971_590_950_306_551_442_7e3,
        1.373_169_376_550_946_112_5e4,
        4.592_195_393_154_987_145_7e4,
        6.726_577_092_700_870_085_3e4,
        3.343_057_558_358_812_810_5e4,
        2.509_080_928_730_122_672_7e3,
    ];
    const B: [f64; 8] = [
        1.0,
        4.231_333_070_160_091_125_2e1,
        6.871_870_074_920_579_083e2,
        5.394_196_021_424_751_107_7e3,
        2.121_379_430_158_659_586_7e4,
        3.930_789_580_009_271_061e4,
        2.872_908_573_572_194_267_4e4,
        5.226_495_278_852_854_561e3,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34e0,
        4.630_337_846_156_545_295_9e0,
        5.769_497_221_460_691_405_5e0,
        3.647_848_324_763_204_605_04e0,
        1.270_458_252_452_368_382_58e0,
        2.417_807_251_774_506_117_7e-1,
        2.272_384_498_926_918_458_33e-2,
        7.745_450_142_783_414_076_4e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87e0,
        1.676_384_830_183_803_849_4e0,
        6.897_673_349_851_000_045_5e-1,
        1.481_039_764_274_800_745_9e-1,
        1.519_866_656_361_645_719_66e-2,
        5.475_938_084_995_344_946e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_2e0,
        5.463_784_911_164_114_369_9e0,
        1.784_826_539_917_291_335_8e0,
        2.965_605_718_285_048_912_3e-1,
        2.653_218_952_657_612_309_3e-2,
        1.242_660_947_388_078_438_6e-3,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        5.998_322_065_558_879_376_9e-1,
        1.369_298_809_227_358_053_1e-1,
        1.487_536_129_085_061_485_25e-2,
        7.868_691_311_456_132_591e-4,
        1.846_318_317_510_054_681_8e-5,
        1.421_511_758_316_445_888_7e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
    let ratio = |num: &[f64; 8], den: &[f64; 8], x: f64| polynomial(num, x) / polynomial(den, x);

    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * ratio(&A, &B, r);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let r = (-tail.ln()).sqrt();
    let z = if r <= 5.0 {
        ratio(&C, &D, r - 1.6)
    } else {
        ratio(&E, &F, r - 5.0)
    };
    if q < 0.0 { -z } else { z }
}

/// Horner's rule for coefficients in ascending powers.
fn polynomial(coefficients: &[f64; 8], x: f64) -> f64 {
    coefficients.iter().rev().fold(0.0, |sum, c| sum * x + c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(got: Interval, low: f64, high: f64, tolerance: f64) -> bool {
        (got.low - low).abs() <= tolerance && (got.high - high).abs() <= tolerance
    }

    #[test]
    fn z_matches_the_normal_quantile() {
        // scipy.stats.norm.ppf(1 - (1 - c) / 2), SciPy 1.x (Cephes ndtri).
        let cases = [
            (0.95, 1.959_963_984_540_054),
            (0.90, 1.644_853_626_951_472_2),
            (0.99, 2.575_829_303_548_900_4),
            (0.50, 0.674_489_750_196_081_7),
            (0.999_999, 4.891_638_475_671_085),
        ];
        for (confidence, want) in cases {
            let z = z_for(confidence);
            assert!((z - want).abs() < 1e-12, "{confidence}: {z}");
        }
        // Deep tail (the third branch of AS 241): scipy norm.ppf(1e-300).
        assert!((normal_quantile(1e-300) + 37.047_096_299_361_2).abs() < 1e-9);
        assert!(z_for(1.0).is_nan() && z_for(0.0).is_nan() && z_for(f64::NAN).is_nan());
    }

    #[test]
    fn wilson_reference_values_of_issue_6() {
        // Newcombe (1998a), "Two-sided confidence intervals for the single proportion:
        // comparison of seven methods", Statistics in Medicine 17, 857–872, Table I, and
        // issue 6: 81/263 -> [0.255289, 0.366210]; 0/20 -> [0, 0.161125].
        assert!(close(
            wilson(81.0, 263.0, 0.95).unwrap(),
            0.255_289,
            0.366_210,
            1e-6
        ));
        assert!(close(
            wilson(0.0, 20.0, 0.95).unwrap(),
            0.0,
            0.161_125,
            1e-6
        ));
    }

    #[test]
    fn wilson_second_published_examples() {
        // Newcombe (1998a), Table I, method 3 (score, no continuity correction), 4 decimals:
        // 15/148 -> 0.0624, 0.1605; 1/29 -> 0.0061, 0.1718.
        assert!(close(
            wilson(15.0, 148.0, 0.95).unwrap(),
            0.0624,
            0.1605,
            5e-5
        ));
        assert!(close(
            wilson(1.0, 29.0, 0.95).unwrap(),
            0.0061,
            0.1718,
            5e-5
        ));
        // All successes: the upper end is exactly 1 (mirror of 0/29).
        let all = wilson(29.0, 29.0, 0.95).unwrap();
        assert_eq!(all.high, 1.0);
        assert!((all.low - 0.883_030_201_500_259_2).abs() < 1e-9);
    }

    #[test]
    fn newcombe_method_10_table_ii() {
        // Newcombe (1998), Statistics in Medicine 17, 873–890, Table II, method 10,
        // examples (a)–(h), printed to 4 decimals.
        let cases = [
            ((56.0, 70.0, 48.0, 80.0), (0.0524, 0.3339)),
            ((9.0, 10.0, 3.0, 10.0), (0.1705, 0.8090)),
            ((6.0, 7.0, 2.0, 7.0), (0.0582, 0.8062)),
            ((5.0, 56.0, 0.0, 29.0), (-0.0381, 0.1926)),
            ((0.0, 10.0, 0.0, 20.0), (-0.1611, 0.2775)),
            ((0.0, 10.0, 0.0, 10.0), (-0.2775, 0.2775)),
            ((10.0, 10.0, 0.0, 20.0), (0.6791, 1.0000)),
            ((10.0, 10.0, 0.0, 10.0), (0.6075, 1.0000)),
        ];
        for ((x1, n1, x2, n2), (low, high)) in cases {
            let got = newcombe(x1, n1, x2, n2, 0.95).unwrap();
            assert!(
                close(got, low, high, 5e-5),
                "{x1}/{n1} - {x2}/{n2}: {got:?}"
            );
        }
    }

    #[test]
    fn invalid_input_gives_none() {
        assert_eq!(wilson(1.0, 0.0, 0.95), None);
        assert_eq!(wilson(1.0, -3.0, 0.95), None);
        assert_eq!(wilson(4.0, 3.0, 0.95), None);
        assert_eq!(wilson(-1.0, 3.0, 0.95), None);
        assert_eq!(wilson(f64::NAN, 3.0, 0.95), None);
        assert_eq!(wilson(1.0, f64::INFINITY, 0.95), None);
        assert_eq!(wilson(1.0, 3.0, 1.0), None);
        assert_eq!(newcombe(1.0, 3.0, 1.0, 0.0, 0.95), None);
    }

    proptest! {
        #[test]
        fn wilson_contains_the_share_inside_the_unit_interval(
            n in 0.01f64..1e6, share in 0.0f64..=1.0, confidence in 0.5f64..0.999,
        ) {
            let interval = wilson(share * n, n, confidence).unwrap();
            prop_assert!(0.0 <= interval.low && interval.high <= 1.0);
            prop_assert!(interval.contains(share * n / n));
        }

        #[test]
        fn newcombe_contains_the_difference_inside_minus_one_one(
            n1 in 1.0f64..1e4, s1 in 0.0f64..=1.0, n2 in 1.0f64..1e4, s2 in 0.0f64..=1.0,
        ) {
            let interval = newcombe(s1 * n1, n1, s2 * n2, n2, 0.95).unwrap();
            prop_assert!(-1.0 <= interval.low && interval.high <= 1.0);
            prop_assert!(interval.contains(s1 * n1 / n1 - s2 * n2 / n2));
        }

        #[test]
        fn wider_confidence_gives_wider_intervals(n in 1.0f64..1e4, share in 0.0f64..=1.0) {
            let narrow = wilson(share * n, n, 0.8).unwrap();
            let wide = wilson(share * n, n, 0.99).unwrap();
            prop_assert!(wide.low <= narrow.low && narrow.high <= wide.high);
        }
    }
}
