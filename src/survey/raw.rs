//! The definition file as written: serde shapes with the source span of every value, so
//! that the checks can point at the exact place of a mistake. Unknown keys are refused
//! here (serde's `deny_unknown_fields`), with the span of the key.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::text::RawText;

pub type S<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSurvey {
    pub id: S<String>,
    pub title: S<RawText>,
    pub question: Option<S<RawText>>,
    pub intro: Option<S<RawText>>,
    pub language: Option<S<String>>,
    pub position: S<String>,
    #[serde(default)]
    pub segments: Vec<S<String>>,
    pub weights: Option<S<String>>,
    pub panel: Option<S<RawPanel>>,
    pub anonymity: S<RawAnonymity>,
    #[serde(default)]
    pub scales: BTreeMap<S<String>, S<RawScale>>,
    #[serde(default)]
    pub codebook: BTreeMap<S<String>, S<RawCodeList>>,
    pub sections: Option<S<Vec<S<RawSection>>>>,
    pub questions: Option<S<Vec<S<RawQuestion>>>>,
    pub ingest: Option<S<RawIngest>>,
}

/// `[ingest]`: how other tools' exports are read (`ingest_rules.rs`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIngest {
    #[serde(default)]
    pub columns: BTreeMap<S<String>, S<String>>,
    #[serde(default)]
    pub aliases: BTreeMap<S<String>, BTreeMap<S<String>, S<String>>>,
    pub probability: Option<S<String>>,
    pub decimal_mark: Option<S<String>>,
    pub include_incomplete: Option<S<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPanel {
    pub invited: Option<S<i64>>,
    pub roster: Option<S<String>>,
    pub description: Option<S<RawText>>,
    pub rounds: Option<S<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnonymity {
    pub min_group_size: S<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScale {
    pub levels: S<Vec<S<RawLevel>>>,
    #[serde(default)]
    pub nonsubstantive: Vec<S<RawLevel>>,
    pub neutral: Option<S<String>>,
    #[serde(default)]
    pub sides: Vec<S<RawSide>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLevel {
    pub code: S<String>,
    pub label: S<RawText>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSide {
    pub id: S<String>,
    pub label: S<RawText>,
    pub levels: S<Vec<S<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCodeList {
    pub codes: S<Vec<S<RawChoice>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub code: S<String>,
    pub label: S<RawText>,
    pub direction: Option<S<RawDirection>>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawDirection {
    For,
    Against,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub id: S<String>,
    pub title: Option<S<RawText>>,
    pub intro: Option<S<RawText>>,
    pub questions: S<Vec<S<RawQuestion>>>,
}

/// Every key any question kind takes; which keys a kind accepts is checked afterwards,
/// so that a misplaced key gets a message naming the kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub id: S<String>,
    pub kind: S<String>,
    pub text: S<RawText>,
    pub help: Option<S<RawText>>,
    pub required: Option<S<bool>>,
    pub show_if: Option<S<String>>,
    pub choices: Option<S<Vec<S<RawChoice>>>>,
    pub codebook: Option<S<String>>,
    pub other: Option<S<bool>>,
    pub min_picks: Option<S<i64>>,
    pub max_picks: Option<S<i64>>,
    pub scale: Option<S<String>>,
    pub rows: Option<S<Vec<S<RawChoice>>>>,
    pub min: Option<S<f64>>,
    pub max: Option<S<f64>>,
    pub unit: Option<S<RawText>>,
    pub integer: Option<S<bool>>,
    pub top: Option<S<i64>>,
    pub max_length: Option<S<i64>>,
    pub coders: Option<S<Vec<S<String>>>>,
}
