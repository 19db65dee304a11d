//! The definition file as written: serde shapes with the source span of every value, so
//! that the checks can point at the exact place of a mistake. Unknown keys are refused
//! here (serde's `deny_unknown_fields`), with the span of the key.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSurvey {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub question: Option<Spanned<String>>,
    pub intro: Option<Spanned<String>>,
    pub language: Option<Spanned<String>>,
    pub position: Spanned<String>,
    #[serde(default)]
    pub segments: Vec<Spanned<String>>,
    pub panel: Option<Spanned<RawPanel>>,
    pub anonymity: Spanned<RawAnonymity>,
    #[serde(default)]
    pub scales: BTreeMap<Spanned<String>, Spanned<RawScale>>,
    #[serde(default)]
    pub codebook: BTreeMap<Spanned<String>, Spanned<RawCodeList>>,
    pub questions: Spanned<Vec<Spanned<RawQuestion>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPanel {
    pub invited: Option<Spanned<i64>>,
    pub description: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnonymity {
    pub min_group_size: Spanned<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScale {
    pub levels: Spanned<Vec<Spanned<RawLevel>>>,
    #[serde(default)]
    pub sides: Vec<Spanned<RawSide>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLevel {
    pub code: Spanned<String>,
    pub label: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSide {
    pub id: Spanned<String>,
    pub label: Spanned<String>,
    pub levels: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCodeList {
    pub codes: Spanned<Vec<Spanned<RawChoice>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub code: Spanned<String>,
    pub label: Spanned<String>,
    pub direction: Option<Spanned<RawDirection>>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawDirection {
    For,
    Against,
}

/// Every key any question kind takes; which keys a kind accepts is checked afterwards,
/// so that a misplaced key gets a message naming the kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub text: Spanned<String>,
    pub help: Option<Spanned<String>>,
    pub required: Option<Spanned<bool>>,
    pub choices: Option<Spanned<Vec<Spanned<RawChoice>>>>,
    pub codebook: Option<Spanned<String>>,
    pub scale: Option<Spanned<String>>,
    pub max_length: Option<Spanned<i64>>,
}
