//! The pure statistics of the analysis: plain slices in, plain values out, no polars and no
//! survey types, so that every function can be checked by hand against a published example.
//! `docs/statistics.md` gives each measure's formula, range, treatment of missing and
//! zero-n cases, weighted form and reference.
//!
//! Conventions shared by every module:
//! - Weights are *frequency* weights: a respondent of weight 2 counts as two respondents.
//!   Passing the distinct answers with their counts as weights therefore gives exactly the
//!   result of passing every answer with weight 1 (the bootstrap relies on this). Survey
//!   weights should be scaled to mean 1 so that their sum is the number of respondents.
//! - Bad input (NaN, negative weights, mismatched lengths, nothing to measure) gives `None`,
//!   never a panic and never a silently made-up number.

mod agreement;
mod bootstrap;
mod describe;
mod interval;
mod pooling;
mod reliability;
mod sample;

pub use agreement::{leik, polarisation, tastle_wierman, van_der_eijk};
pub use bootstrap::{Bootstrap, Statistic};
pub use describe::{kish_effective_n, mean, quantile, standard_deviation};
pub use interval::{Interval, newcombe, wilson, z_for};
pub use pooling::{CLAMP, Pooled, TRIM, extremizing_factor, geometric_mean_of_odds, pool};
pub use reliability::{Metric, cohen_kappa, fleiss_kappa, krippendorff_alpha};
