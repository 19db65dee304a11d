//! What analysis produces: plain serde structs, serialised as `aggregates.json` (schema in
//! `docs/aggregates.md`). Charts and reports read only these. Field order is the JSON key
//! order, and every list is in a fixed order, so the same input gives the same bytes.

use serde::Serialize;

use crate::survey::Direction;

/// Bumped whenever a field changes meaning or is removed.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregates {
    pub schema_version: u32,
    pub survey: SurveyInfo,
    pub panel: PanelInfo,
    pub anonymity: AnonymityInfo,
    /// The ways respondents are grouped: `overall`, `position` (levels of the position
    /// question, small ones merged) and `side` (when the scale declares sides).
    pub groupings: Vec<Grouping>,
    pub questions: Vec<QuestionResult>,
    /// Free-text answers, grouped by position group (never by a group below the
    /// anonymity threshold), sorted within each group.
    pub answers_by_position: Vec<TextGroup>,
    /// Caveats a reader of the numbers should know, in plain sentences.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurveyInfo {
    pub id: String,
    pub title: String,
    pub question: Option<String>,
    pub language: String,
    /// Id of the position question.
    pub position: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelInfo {
    pub invited: Option<u32>,
    /// Accepted responses.
    pub answered: u64,
    /// `answered / invited`, when the panel size is known.
    pub response_rate: Option<f64>,
    /// Earliest and latest `submitted_at` (RFC 3339, UTC), when responses carry one.
    pub first_submitted: Option<String>,
    pub last_submitted: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnonymityInfo {
    pub min_group_size: u32,
    /// The rule applied, in words, for the method section of reports.
    pub rule: String,
    /// Groups formed by merging levels or sides that were too small on their own.
    pub merged: Vec<MergedGroup>,
    /// Whether all results are withheld because fewer than `min_group_size` answered.
    pub all_suppressed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergedGroup {
    pub grouping: String,
    pub group: String,
    /// The level codes (for `position`) or side ids (for `side`) it joins.
    pub members: Vec<String>,
    /// Their labels, in the same order.
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grouping {
    /// `overall`, `position` or `side`.
    pub id: String,
    pub label: String,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Stable key: `all`, a level code, a side id, or merged members joined with `+`.
    pub key: String,
    pub label: String,
    /// Position level codes in this group, lowest first.
    pub levels: Vec<String>,
    /// Respondents in the group.
    pub n: u64,
    /// `n` as a share of all respondents (`null` when there are none).
    pub share: Option<f64>,
    /// Whether this group joins several levels or sides to reach the threshold.
    pub merged: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionResult {
    pub id: String,
    pub kind: String,
    pub text: String,
    /// Whether this is the position question (its results are given overall only).
    pub is_position: bool,
    /// The unit of a numeric question (`%` for probabilities).
    pub unit: Option<String>,
    /// The codes answers are counted in, in survey order: choices, or scale levels
    /// (empty for numbers and free text).
    pub choices: Vec<ChoiceInfo>,
    /// The rows of a matrix question (empty otherwise).
    pub rows: Vec<ChoiceInfo>,
    /// One result per group of every grouping, in grouping then group order.
    pub results: Vec<GroupResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceInfo {
    pub code: String,
    pub label: String,
    pub direction: Option<Direction>,
    /// For levels of a scale with sides: the side the level belongs to.
    pub side: Option<String>,
    /// For levels of a scale: whether the level is non-substantive ("don't know").
    pub nonsubstantive: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupResult {
    pub grouping: String,
    pub group: String,
    /// Respondents in the group.
    pub n: u64,
    /// Of those, how many answered this question.
    pub answered: u64,
    /// `n - answered`: left blank.
    pub missing: u64,
    /// One per choice, in choice order. A share is `count / answered` (for multiple
    /// choice: the share of those who answered who ticked it); `null` if none answered.
    /// Empty for matrix, ranking, numeric and text questions.
    pub counts: Vec<ChoiceCount>,
    /// Matrix: one per row, each with its counts over the scale's levels.
    pub rows: Vec<RowResult>,
    /// Ranking: one per item.
    pub ranks: Vec<RankResult>,
    /// Numeric, probability and year questions: the summary of the answers given.
    pub summary: Option<NumberSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowResult {
    pub row: String,
    pub answered: u64,
    /// One per scale level; shares are of those who answered this row.
    pub counts: Vec<ChoiceCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankResult {
    pub code: String,
    /// How many of those who answered ranked this item.
    pub ranked: u64,
    /// How many ranked it first.
    pub first: u64,
    /// `first / answered`.
    pub first_share: Option<f64>,
    /// The mean rank among those who ranked it (1 = first).
    pub mean_rank: Option<f64>,
}

/// A summary of numeric answers. Quartiles interpolate between order statistics as R's
/// default (type 7) does; `sd` is the sample standard deviation (`null` below 2 values).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NumberSummary {
    pub n: u64,
    pub mean: f64,
    pub sd: Option<f64>,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceCount {
    pub code: String,
    pub count: u64,
    pub share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextGroup {
    /// Key of a group of the `position` grouping.
    pub group: String,
    pub label: String,
    pub n: u64,
    pub respondents: Vec<RespondentTexts>,
}

/// One respondent's free-text answers (only those given), in survey order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RespondentTexts {
    pub texts: Vec<QuestionText>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionText {
    pub question: String,
    pub text: String,
}

impl Aggregates {
    pub fn grouping(&self, id: &str) -> Option<&Grouping> {
        self.groupings.iter().find(|g| g.id == id)
    }

    pub fn question(&self, id: &str) -> Option<&QuestionResult> {
        self.questions.iter().find(|q| q.id == id)
    }
}

impl QuestionResult {
    pub fn result(&self, grouping: &str, group: &str) -> Option<&GroupResult> {
        self.results
            .iter()
            .find(|r| r.grouping == grouping && r.group == group)
    }
}
