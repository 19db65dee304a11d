//! How an analysis is run: the interval confidence, the bootstrap's resamples and seed,
//! and whether non-substantive answers count. Every output records the options it was
//! made with (`aggregates.json` → `options`, and the report's method section).

use serde::Serialize;

/// The options of one analysis. [`Options::default`] is what `canvass run` uses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Options {
    /// Coverage of every interval (Wilson, Newcombe, bootstrap), strictly between 0 and 1.
    pub confidence: f64,
    /// Bootstrap resamples for medians and pooled probabilities; 0 gives no bootstrap
    /// intervals.
    pub resamples: usize,
    /// Seed of the bootstrap: the same seed gives the same intervals, byte for byte,
    /// whatever the number of threads.
    pub seed: u64,
    /// Keep "don't know" and "prefer not to say" answers in shares, medians and agreement
    /// measures (by default they are counted and shown, but left out of those).
    pub include_nonsubstantive: bool,
    /// A single-choice or likert question that takes the position's place for grouping
    /// (`--group-by`); `None`: the survey's position.
    pub group_by: Option<String>,
    /// Questions to break results down by instead of the survey's segments (`--segment`);
    /// `None`: the survey's own.
    pub segments: Option<Vec<String>>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            confidence: 0.95,
            resamples: 2000,
            seed: 1,
            include_nonsubstantive: false,
            group_by: None,
            segments: None,
        }
    }
}

impl Options {
    /// Why these options cannot be used, if they cannot.
    pub fn problem(&self) -> Option<String> {
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Some(format!(
                "the confidence must be strictly between 0 and 1 (e.g. 0.95), not {}",
                self.confidence
            ));
        }
        None
    }

    /// The options in words, for the method section of reports.
    pub fn describe(&self) -> String {
        format!(
            "{}% intervals (Wilson for shares, Newcombe for differences{}); {}; {}.",
            trim_percent(self.confidence * 100.0),
            if self.resamples > 0 {
                format!(
                    ", percentile bootstrap with {} resamples and seed {} for medians and pooled probabilities (not for position × segment cells)",
                    self.resamples, self.seed
                )
            } else {
                ", no bootstrap intervals (0 resamples)".to_string()
            },
            if self.include_nonsubstantive {
                "non-substantive answers (\"don't know\") are included in shares, medians and agreement measures"
            } else {
                "non-substantive answers (\"don't know\") are counted but left out of shares, medians and agreement measures"
            },
            "options: --confidence, --resamples, --seed, --include-nonsubstantive"
        )
    }
}

/// `95`, `99.5`: a percentage without needless decimals.
fn trim_percent(p: f64) -> String {
    let text = format!("{p:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_documented_ones_and_usable() {
        let o = Options::default();
        assert_eq!((o.confidence, o.resamples, o.seed), (0.95, 2000, 1));
        assert!(!o.include_nonsubstantive);
        assert_eq!(o.problem(), None);
        assert!(
            o.describe().starts_with("95% intervals"),
            "{}",
            o.describe()
        );
    }

    #[test]
    fn a_confidence_outside_the_open_unit_interval_is_refused() {
        for bad in [0.0, 1.0, 95.0, -0.5, f64::NAN] {
            let o = Options {
                confidence: bad,
                ..Options::default()
            };
            assert!(o.problem().is_some(), "{bad}");
        }
        let ok = Options {
            confidence: 0.995,
            resamples: 0,
            ..Options::default()
        };
        assert_eq!(ok.problem(), None);
        assert!(ok.describe().starts_with("99.5% intervals"));
        assert!(ok.describe().contains("no bootstrap"));
    }
}
