//! Mapping an export onto a survey: a [`Source`](super::source::Source)'s headings and
//! records in, canonical cells (the text a canonical response file would hold) and
//! located problems out. Validation of that text stays where it is for canonical files.
//!
//! Two steps, so that the headings are understood once per file:
//!
//! 1. [`plan`] reads the heading rows and decides which export column(s) feed which
//!    canonical column and how to decode them ([`ColumnPlan`]); [`ColumnPlan::settle`]
//!    then looks at the values once for what is decided per file (fraction or percent,
//!    day/month order);
//! 2. [`ColumnPlan::apply`] turns each data record into [`Mapped`] cells.
//!
//! See `docs/ingest-mapping.md` for the rules.

mod apply;
mod decode;
mod headings;
mod labels;
mod plan;
mod text;
mod tools;

use std::collections::BTreeMap;

use crate::survey::{DecimalMark, IngestRules, ProbabilityScale};
pub use apply::{Cell, Mapped};
pub use decode::{DecimalComma, ProbabilityFormat};
pub use plan::{ColumnPlan, Feed, plan};

/// What the researcher says about an export (later the `[ingest]` section of a survey
/// file). The default reads by the rules alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapping {
    /// Export heading or id → canonical column, tried right after canonical names.
    pub columns: Vec<ColumnOverride>,
    /// Per question id: (what the export writes, the code it means).
    pub aliases: BTreeMap<String, Vec<(String, String)>>,
    pub probability: ProbabilityFormat,
    pub decimal_comma: DecimalComma,
    /// Keep previews, spam, unfinished and review-rejected rows instead of setting them
    /// aside.
    pub include_incomplete: bool,
}

/// One export column named explicitly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnOverride {
    /// A heading as any heading row writes it (compared exactly, then ignoring case,
    /// spacing and punctuation).
    pub heading: String,
    /// A canonical column name: `respondent_id`, `submitted_at`, `q`, `q.row`, `q.other`.
    pub column: String,
}

impl Mapping {
    /// What the survey file's `[ingest]` section says.
    pub fn from_rules(rules: &IngestRules) -> Mapping {
        Mapping {
            columns: rules
                .columns
                .iter()
                .map(|(heading, column)| ColumnOverride {
                    heading: heading.clone(),
                    column: column.clone(),
                })
                .collect(),
            aliases: rules
                .aliases
                .iter()
                .map(|(q, pairs)| {
                    let pairs = pairs.iter().map(|(w, c)| (w.clone(), c.clone())).collect();
                    (q.clone(), pairs)
                })
                .collect(),
            probability: match rules.probability {
                ProbabilityScale::Auto => ProbabilityFormat::Auto,
                ProbabilityScale::Percent => ProbabilityFormat::Percent,
                ProbabilityScale::Fraction => ProbabilityFormat::Fraction,
            },
            decimal_comma: match rules.decimal_mark {
                DecimalMark::Auto => DecimalComma::Auto,
                DecimalMark::Point => DecimalComma::Off,
                DecimalMark::Comma => DecimalComma::On,
            },
            include_incomplete: rules.include_incomplete,
        }
    }

    fn aliases_of(&self, question: &str) -> &[(String, String)] {
        self.aliases.get(question).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests;
