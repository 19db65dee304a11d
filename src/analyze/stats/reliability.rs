//! Agreement between coders of the same answers: Krippendorff's alpha (any number of
//! coders, missing codings allowed), Cohen's kappa (two coders) and Fleiss' kappa (a fixed
//! number of raters per subject). Each is 1 for perfect agreement, 0 for agreement at the
//! level of chance, and negative for systematic disagreement. Each is None when chance
//! agreement is already perfect (everyone used one category), as the ratio is then 0/0.

/// How far apart two values are for Krippendorff's alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Codes: equal or not.
    Nominal,
    /// Ranks: distance grows with how many values lie between the two.
    Ordinal,
    /// Numbers: squared difference.
    Interval,
}

/// Krippendorff's alpha `1 - D_o / D_e` from the coincidence matrix; `units[u][c]` is coder
/// c's value for unit u (None = missing). Ordinal values are ranks (0, 1, 2, ...); any
/// ordered numbers work, as only their order is used. Units with fewer than two values are
/// not pairable and are left out.
///
/// None when a value is not finite, fewer than two values are pairable, or every pairable
/// value is the same (no expected disagreement). Krippendorff, K. (2011). Computing
/// Krippendorff's alpha-reliability. Departmental Papers (ASC), University of Pennsylvania,
/// 43; Krippendorff, K. (2004). Content Analysis (2nd ed.), ch. 11. Sage.
pub fn krippendorff_alpha(units: &[Vec<Option<f64>>], metric: Metric) -> Option<f64> {
    let coded = units.iter().flatten().flatten();
    if coded.clone().any(|v| !v.is_finite()) {
        return None;
    }
    let mut values: Vec<f64> = coded.map(|v| v + 0.0).collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    let k = values.len();
    let index = |v: f64| values.binary_search_by(|x| x.total_cmp(&(v + 0.0))).ok();

    // o[c][d]: coincidences of values c and d within units, each unit adding m_u pairable
    // values in all (each ordered pair weighted 1 / (m_u - 1)).
    let mut coincidences = vec![vec![0.0; k]; k];
    for unit in units {
        let mut counts = vec![0.0; k];
        let mut m = 0.0;
        for value in unit.iter().flatten() {
            counts[index(*value)?] += 1.0;
            m += 1.0;
        }
        if m < 2.0 {
            continue;
        }
        for c in 0..k {
            for d in 0..k {
                let pairs = if c == d {
                    counts[c] * (counts[c] - 1.0)
                } else {
                    counts[c] * counts[d]
                };
                coincidences[c][d] += pairs / (m - 1.0);
            }
        }
    }
    let marginals: Vec<f64> = coincidences.iter().map(|row| row.iter().sum()).collect();
    let n: f64 = marginals.iter().sum();
    if n < 2.0 {
        return None;
    }
    let distance = |c: usize, d: usize| -> f64 {
        match metric {
            Metric::Nominal => f64::from(u8::from(c != d)),
            Metric::Interval => (values[c] - values[d]).powi(2),
            Metric::Ordinal => {
                let (low, high) = (c.min(d), c.max(d));
                let between: f64 = marginals[low..=high].iter().sum();
                (between - (marginals[low] + marginals[high]) / 2.0).powi(2)
            }
        }
    };
    let mut observed = 0.0;
    let mut expected = 0.0;
    for c in 0..k {
        for d in 0..k {
            let delta = distance(c, d);
            observed += coincidences[c][d] * delta;
            expected += marginals[c] * marginals[d] * delta;
        }
    }
    (expected > 0.0).then(|| 1.0 - (n - 1.0) * observed / expected)
}

/// Cohen's kappa `(p_o - p_e) / (1 - p_e)` from a square contingency table (rows coder A,
/// columns coder B), with observed agreement p_o (the diagonal) and chance agreement p_e
/// from the margins. None when the table is not square, empty, has a negative or
/// non-finite cell, sums to zero, or p_e = 1. Cohen, J. (1960). A coefficient of agreement
/// for nominal scales. Educational and Psychological Measurement, 20(1), 37–46.
pub fn cohen_kappa(table: &[Vec<f64>]) -> Option<f64> {
    let k = table.len();
    let cells_valid = table.iter().flatten().all(|c| c.is_finite() && *c >= 0.0);
    if k == 0 || table.iter().any(|row| row.len() != k) || !cells_valid {
        return None;
    }
    let total: f64 = table.iter().flatten().sum();
    if total <= 0.0 {
        return None;
    }
    let observed = (0..k).map(|i| table[i][i]).sum::<f64>() / total;
    let chance: f64 = (0..k)
        .map(|i| {
            let row: f64 = table[i].iter().sum();
            let column: f64 = table.iter().map(|r| r[i]).sum();
            row / total * (column / total)
        })
        .sum();
    (chance < 1.0).then(|| (observed - chance) / (1.0 - chance))
}

/// Fleiss' kappa `(P - P_e) / (1 - P_e)`; `counts[subject][category]` = raters putting the
/// subject in the category. P is the mean over subjects of the share of agreeing rater
/// pairs, P_e the sum of squared category shares. Every subject must have the same number
/// of raters, at least two (else None); None also for an empty or ragged table, a negative
/// or non-finite count, or P_e = 1. Fleiss, J. L. (1971). Measuring nominal scale agreement
/// among many raters. Psychological Bulletin, 76(5), 378–382.
pub fn fleiss_kappa(counts: &[Vec<f64>]) -> Option<f64> {
    let categories = counts.first()?.len();
    let cells_valid = counts.iter().flatten().all(|c| c.is_finite() && *c >= 0.0);
    if categories == 0 || counts.iter().any(|row| row.len() != categories) || !cells_valid {
        return None;
    }
    let raters: f64 = counts[0].iter().sum();
    let same_raters = counts
        .iter()
        .all(|row| (row.iter().sum::<f64>() - raters).abs() <= 1e-9 * raters);
    if raters < 2.0 || !same_raters {
        return None;
    }
    let subjects = counts.len() as f64;
    let agreement: f64 = counts
        .iter()
        .map(|row| {
            let squares: f64 = row.iter().map(|c| c * c).sum();
            (squares - raters) / (raters * (raters - 1.0))
        })
        .sum::<f64>()
        / subjects;
    let chance: f64 = (0..categories)
        .map(|j| {
            let share = counts.iter().map(|row| row[j]).sum::<f64>() / (subjects * raters);
            share * share
        })
        .sum();
    (chance < 1.0).then(|| (agreement - chance) / (1.0 - chance))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
    /// observers (rows) code twelve units (columns), with missing values.
    const OBSERVERS: [[Option<f64>; 12]; 4] = {
        const N: Option<f64> = None;
        const fn s(v: f64) -> Option<f64> {
            Some(v)
        }
        [
            [
                s(1.),
                s(2.),
                s(3.),
                s(3.),
                s(2.),
                s(1.),
                s(4.),
                s(1.),
                s(2.),
                N,
                N,
                N,
            ],
            [
                s(1.),
                s(2.),
                s(3.),
                s(3.),
                s(2.),
                s(2.),
                s(4.),
                s(1.),
                s(2.),
                s(5.),
                N,
                s(3.),
            ],
            [
                N,
                s(3.),
                s(3.),
                s(3.),
                s(2.),
                s(3.),
                s(4.),
                s(2.),
                s(2.),
                s(5.),
                s(1.),
                N,
            ],
            [
                s(1.),
                s(2.),
                s(3.),
                s(3.),
                s(2.),
                s(4.),
                s(4.),
                s(1.),
                s(2.),
                s(5.),
                s(1.),
                N,
            ],
        ]
    };

    fn units() -> Vec<Vec<Option<f64>>> {
        (0..12)
            .map(|u| OBSERVERS.iter().map(|o| o[u]).collect())
            .collect()
    }

    fn near(got: Option<f64>, want: f64, tolerance: f64) -> bool {
        got.is_some_and(|g| (g - want).abs() <= tolerance)
    }

    #[test]
    fn krippendorff_reference_example() {
        // Issue 6 and Krippendorff (2011): nominal alpha = 0.743 (0.743421 to 6 places).
        assert!(near(
            krippendorff_alpha(&units(), Metric::Nominal),
            0.743_421,
            1e-6
        ));
        // The same paper: ordinal alpha = 0.815, interval alpha = 0.849 (3 decimals). To
        // six places, 0.815388 and 0.849107 as the Python package `krippendorff` 0.9.0 (an
        // independent implementation) gives for these data.
        let ordinal = krippendorff_alpha(&units(), Metric::Ordinal);
        let interval = krippendorff_alpha(&units(), Metric::Interval);
        assert!(near(ordinal, 0.815, 5e-4) && near(ordinal, 0.815_387_5, 1e-6));
        assert!(near(interval, 0.849, 5e-4) && near(interval, 0.849_107_1, 1e-6));
    }

    #[test]
    fn krippendorff_undefined_cases() {
        // Nothing pairable: one value per unit.
        let lonely = vec![vec![Some(1.0), None], vec![None, Some(2.0)]];
        assert_eq!(krippendorff_alpha(&lonely, Metric::Nominal), None);
        // No variation at all: expected disagreement is zero.
        let same = vec![vec![Some(1.0), Some(1.0)], vec![Some(1.0), Some(1.0)]];
        assert_eq!(krippendorff_alpha(&same, Metric::Interval), None);
        let nan = vec![vec![Some(1.0), Some(f64::NAN)]];
        assert_eq!(krippendorff_alpha(&nan, Metric::Nominal), None);
        assert_eq!(krippendorff_alpha(&[], Metric::Ordinal), None);
    }

    #[test]
    fn cohen_kappa_reference_and_worked_examples() {
        // Issue 6: (20, 5 / 10, 15) -> 0.4.
        assert!(near(
            cohen_kappa(&[vec![20.0, 5.0], vec![10.0, 15.0]]),
            0.4,
            1e-12
        ));
        // Wikipedia, "Cohen's kappa", same percentages but different numbers: p_o = 0.6 in
        // both; (45, 15 / 25, 15): p_e = 0.54 -> 0.1304; (25, 35 / 5, 35): p_e = 0.46 -> 0.2593.
        assert!(near(
            cohen_kappa(&[vec![45.0, 15.0], vec![25.0, 15.0]]),
            0.06 / 0.46,
            1e-12
        ));
        assert!(near(
            cohen_kappa(&[vec![25.0, 35.0], vec![5.0, 35.0]]),
            0.14 / 0.54,
            1e-12
        ));
        assert_eq!(cohen_kappa(&[vec![5.0]]), None);
        assert_eq!(cohen_kappa(&[vec![1.0, 2.0]]), None);
        assert_eq!(cohen_kappa(&[vec![0.0, 0.0], vec![0.0, 0.0]]), None);
    }

    /// Fleiss (1971), Table 1: 30 patients, each diagnosed by 6 psychiatrists into
    /// depression, personality disorder, schizophrenia, neurosis, other. Typed from the
    /// `diagnoses` data of R's irr package (as shipped in its Python port pyirr 0.84.1.2,
    /// data/diagnoses.csv), counted per patient.
    const DIAGNOSES: [[f64; 5]; 30] = [
        [0., 0., 0., 6., 0.],
        [0., 3., 0., 0., 3.],
        [0., 1., 4., 0., 1.],
        [0., 0., 0., 0., 6.],
        [0., 3., 0., 3., 0.],
        [2., 0., 4., 0., 0.],
        [0., 0., 4., 0., 2.],
        [2., 0., 3., 1., 0.],
        [2., 0., 0., 4., 0.],
        [0., 0., 0., 0., 6.],
        [1., 0., 0., 5., 0.],
        [1., 1., 0., 4., 0.],
        [0., 3., 3., 0., 0.],
        [1., 0., 0., 5., 0.],
        [0., 2., 0., 3., 1.],
        [0., 0., 5., 0., 1.],
        [3., 0., 0., 1., 2.],
        [5., 1., 0., 0., 0.],
        [0., 2., 0., 4., 0.],
        [1., 0., 2., 0., 3.],
        [0., 0., 0., 0., 6.],
        [0., 1., 0., 5., 0.],
        [0., 2., 0., 1., 3.],
        [2., 0., 0., 4., 0.],
        [1., 0., 0., 4., 1.],
        [0., 5., 0., 1., 0.],
        [4., 0., 0., 0., 2.],
        [0., 2., 0., 4., 0.],
        [1., 0., 5., 0., 0.],
        [0., 0., 0., 0., 6.],
    ];

    #[test]
    fn fleiss_kappa_reference_and_worked_examples() {
        // Issue 6 / Fleiss (1971): kappa = 0.430 (irr::kappam.fleiss: 0.430245).
        let diagnoses: Vec<Vec<f64>> = DIAGNOSES.iter().map(|r| r.to_vec()).collect();
        assert!(near(fleiss_kappa(&diagnoses), 0.430_245, 1e-6));
        // Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories;
        // P = 0.378, P_e = 0.213, kappa = 0.210.
        let wikipedia: Vec<Vec<f64>> = [
            [0., 0., 0., 0., 14.],
            [0., 2., 6., 4., 2.],
            [0., 0., 3., 5., 6.],
            [0., 3., 9., 2., 0.],
            [2., 2., 8., 1., 1.],
            [7., 7., 0., 0., 0.],
            [3., 2., 6., 3., 0.],
            [2., 5., 3., 2., 2.],
            [6., 5., 2., 1., 0.],
            [0., 2., 2., 3., 7.],
        ]
        .iter()
        .map(|r| r.to_vec())
        .collect();
        assert!(near(fleiss_kappa(&wikipedia), 0.210, 5e-4));
    }

    #[test]
    fn fleiss_kappa_needs_equal_raters() {
        assert_eq!(fleiss_kappa(&[vec![2.0, 1.0], vec![1.0, 1.0]]), None);
        assert_eq!(fleiss_kappa(&[vec![1.0, 0.0]]), None);
        assert_eq!(fleiss_kappa(&[]), None);
        assert_eq!(fleiss_kappa(&[vec![3.0, 0.0], vec![3.0, 0.0]]), None);
        assert_eq!(fleiss_kappa(&[vec![3.0, 0.0], vec![3.0]]), None);
    }

    /// Units coded identically by every coder, with at least two distinct values overall.
    fn perfect_units() -> impl Strategy<Value = (Vec<Vec<Option<f64>>>, usize)> {
        (2usize..6, prop::collection::vec(0u8..5, 2..20))
            .prop_filter("two values", |(_, v)| v.iter().any(|x| *x != v[0]))
            .prop_map(|(coders, values)| {
                let units = values
                    .iter()
                    .map(|v| vec![Some(f64::from(*v)); coders])
                    .collect();
                (units, coders)
            })
    }

    proptest! {
        #[test]
        fn perfect_agreement_is_one((units, coders) in perfect_units()) {
            for metric in [Metric::Nominal, Metric::Ordinal, Metric::Interval] {
                prop_assert!(near(krippendorff_alpha(&units, metric), 1.0, 1e-12));
            }
            // The same data as a Fleiss table and, for two coders, a Cohen table.
            let table: Vec<Vec<f64>> = units
                .iter()
                .map(|u| (0..5).map(|c| if u[0] == Some(f64::from(c)) { coders as f64 } else { 0.0 }).collect())
                .collect();
            prop_assert!(near(fleiss_kappa(&table), 1.0, 1e-12));
            let mut square = vec![vec![0.0; 5]; 5];
            for u in &units {
                let c = u[0].unwrap() as usize;
                square[c][c] += 1.0;
            }
            prop_assert!(near(cohen_kappa(&square), 1.0, 1e-12));
        }

        #[test]
        fn alpha_ignores_the_order_of_units_and_coders(
            raw in prop::collection::vec(prop::collection::vec(prop::option::of(0u8..4), 3), 2..15),
        ) {
            let units: Vec<Vec<Option<f64>>> =
                raw.iter().map(|u| u.iter().map(|v| v.map(f64::from)).collect()).collect();
            let mut shuffled: Vec<Vec<Option<f64>>> =
                units.iter().rev().map(|u| u.iter().rev().copied().collect()).collect();
            shuffled.rotate_left(1);
            for metric in [Metric::Nominal, Metric::Ordinal, Metric::Interval] {
                let (a, b) = (krippendorff_alpha(&units, metric), krippendorff_alpha(&shuffled, metric));
                prop_assert_eq!(a.is_some(), b.is_some());
                if let (Some(a), Some(b)) = (a, b) {
                    prop_assert!((a - b).abs() < 1e-9);
                }
            }
        }

        #[test]
        fn nominal_alpha_ignores_relabelling(
            raw in prop::collection::vec(prop::collection::vec(prop::option::of(0u8..4), 3), 2..15),
        ) {
            let units: Vec<Vec<Option<f64>>> =
                raw.iter().map(|u| u.iter().map(|v| v.map(f64::from)).collect()).collect();
            let relabelled: Vec<Vec<Option<f64>>> = units
                .iter()
                .map(|u| u.iter().map(|v| v.map(|x| [7.0, -2.0, 30.0, 1.5][x as usize])).collect())
                .collect();
            let (a, b) = (
                krippendorff_alpha(&units, Metric::Nominal),
                krippendorff_alpha(&relabelled, Metric::Nominal),
            );
            prop_assert_eq!(a.is_some(), b.is_some());
            if let (Some(a), Some(b)) = (a, b) {
                prop_assert!((a - b).abs() < 1e-9);
            }
        }
    }
}
