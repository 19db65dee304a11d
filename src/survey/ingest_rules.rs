//! `[ingest]`: what a survey file says about reading other tools' exports — what the
//! reading rules cannot know by themselves (a heading that names no question, a label the
//! export writes differently, the scale of its probabilities).

use std::collections::BTreeMap;

use super::Survey;
use super::check::Checker;
use super::raw::{RawIngest, S};
use super::suggest::did_you_mean;

/// The checked `[ingest]` section; the default reads by the rules alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngestRules {
    /// Export heading (or column id) → canonical column name (`q`, `q.row`, `q.other`,
    /// `respondent_id`, `submitted_at`).
    pub columns: BTreeMap<String, String>,
    /// Per question id: what an export writes → the code it means.
    pub aliases: BTreeMap<String, BTreeMap<String, String>>,
    pub probability: ProbabilityScale,
    pub decimal_mark: DecimalMark,
    /// Keep previews, spam and unfinished responses instead of setting them aside.
    pub include_incomplete: bool,
}

/// How an export writes probabilities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProbabilityScale {
    /// Decided per file from its values (stated in a note).
    #[default]
    Auto,
    /// 0–100.
    Percent,
    /// 0–1.
    Fraction,
}

/// How an export writes the decimal separator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DecimalMark {
    /// Decided per value where the value shows it; `1,500` is refused as ambiguous.
    #[default]
    Auto,
    Point,
    Comma,
}

impl ProbabilityScale {
    pub const NAMES: [&'static str; 3] = ["auto", "percent", "fraction"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

impl DecimalMark {
    pub const NAMES: [&'static str; 3] = ["auto", "point", "comma"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

impl Checker<'_> {
    /// Checks `[ingest]` against the finished survey: every column it names must be a
    /// canonical column, every alias must name a question and one of its codes.
    pub(super) fn ingest_rules(
        &mut self,
        raw: Option<&S<RawIngest>>,
        survey: &Survey,
    ) -> IngestRules {
        let Some(raw) = raw.map(S::get_ref) else {
            return IngestRules::default();
        };
        let mut rules = IngestRules::default();
        let columns = survey.columns();
        let names: Vec<&str> = columns.columns.iter().map(|(n, _)| n.as_str()).collect();
        for (heading, column) in &raw.columns {
            if names.contains(&column.get_ref().as_str()) {
                rules
                    .columns
                    .insert(heading.get_ref().clone(), column.get_ref().clone());
            } else {
                let help = did_you_mean(column.get_ref(), names.iter().copied());
                self.error(
                    format!(
                        "`{}` is not a column of survey `{}`",
                        column.get_ref(),
                        survey.id
                    ),
                    column.span(),
                )
                .with_help(help)
                .label = Some(
                    "expected a question id, `q.row`, `q.other`, `respondent_id` or `submitted_at`"
                        .into(),
                );
            }
        }
        for (question, aliases) in &raw.aliases {
            let Some(q) = survey.question(question.get_ref()) else {
                let help = did_you_mean(
                    question.get_ref(),
                    survey.questions.iter().map(|q| q.id.as_str()),
                );
                self.error(
                    format!("unknown question `{}`", question.get_ref()),
                    question.span(),
                )
                .with_help(help);
                continue;
            };
            let codes: Vec<&str> = q.choices().iter().map(|c| c.code.as_str()).collect();
            if codes.is_empty() {
                self.error(
                    format!(
                        "`{}` is a `{}` question, which has no codes to alias",
                        q.id,
                        q.kind.name()
                    ),
                    question.span(),
                );
                continue;
            }
            let mut checked = BTreeMap::new();
            for (written, code) in aliases {
                if codes.contains(&code.get_ref().as_str()) {
                    checked.insert(written.get_ref().clone(), code.get_ref().clone());
                } else {
                    let help = did_you_mean(code.get_ref(), codes.iter().copied());
                    self.error(
                        format!("'{}' is not a code of `{}`", code.get_ref(), q.id),
                        code.span(),
                    )
                    .with_help(help);
                }
            }
            rules.aliases.insert(q.id.clone(), checked);
        }
        if let Some(scale) = &raw.probability {
            match scale.get_ref().as_str() {
                "auto" => {}
                "percent" => rules.probability = ProbabilityScale::Percent,
                "fraction" => rules.probability = ProbabilityScale::Fraction,
                other => {
                    self.error(format!("unknown probability scale `{other}`"), scale.span())
                        .label = Some("expected `auto`, `percent` or `fraction`".into());
                }
            }
        }
        if let Some(mark) = &raw.decimal_mark {
            match mark.get_ref().as_str() {
                "auto" => {}
                "point" => rules.decimal_mark = DecimalMark::Point,
                "comma" => rules.decimal_mark = DecimalMark::Comma,
                other => {
                    self.error(format!("unknown decimal mark `{other}`"), mark.span())
                        .label = Some("expected `auto`, `point` or `comma`".into());
                }
            }
        }
        if let Some(include) = &raw.include_incomplete {
            rules.include_incomplete = *include.get_ref();
        }
        rules
    }
}
