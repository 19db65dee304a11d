//! A checked weighted sample, sorted by value with tied values merged. Every statistic that
//! depends on order (quantiles, trimmed means) reads the sample as a step function over
//! "weight positions": the k-th smallest value occupies the positions from the cumulative
//! weight before it to the cumulative weight after it. Because only the total weight at
//! each distinct value matters, splitting or merging respondents with the same answer never
//! changes a result, which is what lets the bootstrap pass grouped answers.

/// Distinct values in ascending order, each with its total (positive) weight.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Sample {
    points: Vec<(f64, f64)>,
    total: f64,
}

impl Sample {
    /// None when the slices differ in length, a value is not finite, a weight is negative
    /// or not finite, or no weight is positive. Answers of weight 0 are left out.
    pub(super) fn new(values: &[f64], weights: &[f64]) -> Option<Sample> {
        if values.len() != weights.len() || !valid_weights(weights) {
            return None;
        }
        if values.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let mut pairs: Vec<(f64, f64)> = values
            .iter()
            .zip(weights)
            .filter(|(_, w)| **w > 0.0)
            // Adding 0.0 turns -0.0 into 0.0, so the two zeros merge.
            .map(|(v, w)| (v + 0.0, *w))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut points: Vec<(f64, f64)> = Vec::with_capacity(pairs.len());
        for (value, weight) in pairs {
            match points.last_mut() {
                Some(last) if last.0 == value => last.1 += weight,
                _ => points.push((value, weight)),
            }
        }
        let total: f64 = points.iter().map(|p| p.1).sum();
        (total > 0.0).then_some(Sample { points, total })
    }

    pub(super) fn total(&self) -> f64 {
        self.total
    }

    pub(super) fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    pub(super) fn mean(&self) -> f64 {
        self.points.iter().map(|(v, w)| v * w).sum::<f64>() / self.total
    }

    /// The average value over the weight positions `[from, to]`, `0 <= from < to <= total`:
    /// each distinct value counts with the length of its positions inside the window.
    pub(super) fn average_between(&self, from: f64, to: f64) -> f64 {
        let mut start = 0.0;
        let mut sum = 0.0;
        for &(value, weight) in &self.points {
            let end = start + weight;
            let overlap = end.min(to) - start.max(from);
            if overlap > 0.0 {
                sum += value * overlap;
            }
            if end >= to {
                break;
            }
            start = end;
        }
        sum / (to - from)
    }
}

/// Weights are usable when every one is finite and not negative.
pub(super) fn valid_weights(weights: &[f64]) -> bool {
    weights.iter().all(|w| w.is_finite() && *w >= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_merge_and_zero_weights_drop() {
        let sample = Sample::new(
            &[3.0, 1.0, 3.0, -0.0, 0.0, 9.0],
            &[1.0, 2.0, 0.5, 1.0, 1.0, 0.0],
        )
        .unwrap();
        assert_eq!(sample.points(), &[(0.0, 2.0), (1.0, 2.0), (3.0, 1.5)]);
        assert_eq!(sample.total(), 5.5);
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(Sample::new(&[], &[]), None);
        assert_eq!(Sample::new(&[1.0], &[1.0, 1.0]), None);
        assert_eq!(Sample::new(&[f64::NAN], &[1.0]), None);
        assert_eq!(Sample::new(&[1.0], &[-1.0]), None);
        assert_eq!(Sample::new(&[1.0], &[f64::INFINITY]), None);
        assert_eq!(Sample::new(&[1.0, 2.0], &[0.0, 0.0]), None);
    }

    #[test]
    fn windows_average_the_step_function() {
        // Positions: 1.0 on [0, 2), 5.0 on [2, 3).
        let sample = Sample::new(&[1.0, 5.0], &[2.0, 1.0]).unwrap();
        assert_eq!(sample.average_between(0.0, 1.0), 1.0);
        assert_eq!(sample.average_between(1.5, 2.5), 3.0);
        assert_eq!(sample.average_between(0.0, 3.0), sample.mean());
    }
}
