//! What analysis produces: plain serde structs, serialised as `aggregates.json` (schema in
//! `docs/aggregates.md`). Charts and reports read only these. Field order is the JSON key
//! order, and every list is in a fixed order, so the same input gives the same bytes.

use serde::Serialize;

pub use super::options::Options;
pub use super::stats::{Interval, Pooled};
use crate::survey::Direction;

/// Bumped whenever a field changes meaning or is removed. 2: `missing` counts only
/// required questions left blank (see `not_shown` and `skipped`); every share carries
/// an interval; ordinal, pooled, contrast, coded-text, coder and round results.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregates {
    pub schema_version: u32,
    pub survey: SurveyInfo,
    pub panel: PanelInfo,
    /// The options the analysis ran with.
    pub options: Options,
    pub anonymity: AnonymityInfo,
    /// The ways respondents are grouped: `overall`, `position` (levels of the position
    /// question, small ones merged), `side` (when the scale declares sides), each segment
    /// (`segment:<question>`) and the crosses of position or side with a segment that
    /// the anonymity rule allows (`position:<question>`, `side:<question>`).
    pub groupings: Vec<Grouping>,
    pub questions: Vec<QuestionResult>,
    /// Coded free text: per codebook question, the considerations that most distinguish
    /// the two outer sides, and the coders' agreement when several coded the answers.
    pub coded: Vec<CodedQuestion>,
    /// Delphi rounds, when the responses carry a `round` column; every other result is
    /// then of the last round.
    pub rounds: Option<Rounds>,
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
    /// The weights, when the survey is weighted.
    pub weights: Option<WeightInfo>,
}

/// How respondents were weighted. Weights are scaled to a mean of 1 over all respondents,
/// so that weighted counts read like counts; Kish's effective n says how many equally
/// weighted respondents they are worth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightInfo {
    /// The response column the weights come from.
    pub column: String,
    /// Kish's effective n of all respondents.
    pub effective_n: f64,
    /// The smallest and largest scaled weight.
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnonymityInfo {
    pub min_group_size: u32,
    /// The rule applied, in words, for the method section of reports.
    pub rule: String,
    /// Groups formed by merging levels, sides or segment answers too small on their own.
    pub merged: Vec<MergedGroup>,
    /// Groups and crosses that no output shows, and why.
    pub withheld: Vec<Withheld>,
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

/// Groups, or a whole cross of groupings, that no output shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withheld {
    pub grouping: String,
    /// The level codes, side ids or segment answers withheld on their own (empty when the
    /// whole grouping is withheld).
    pub groups: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grouping {
    /// `overall`, `position`, `side`, `segment:<question>`, `position:<question>` or
    /// `side:<question>`.
    pub id: String,
    pub label: String,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Stable key: `all`, a level code, a side id, a segment answer, merged members
    /// joined with `+`, or for a cross the two keys joined with `|`.
    pub key: String,
    pub label: String,
    /// Position level codes in this group, lowest first (empty for a segment group).
    pub levels: Vec<String>,
    /// Respondents in the group.
    pub n: u64,
    /// `n` as a share of all respondents (`null` when there are none).
    pub share: Option<f64>,
    /// Wilson score interval of that share.
    pub interval: Option<Interval>,
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
    /// Whether an answer is required where the question is shown.
    pub required: bool,
    /// The `show_if` condition as written, if any.
    pub show_if: Option<String>,
    /// The unit of a numeric question (`%` for probabilities).
    pub unit: Option<String>,
    /// The codes answers are counted in, in survey order: choices, or scale levels
    /// (empty for numbers and free text).
    pub choices: Vec<ChoiceInfo>,
    /// The rows of a matrix question (empty otherwise).
    pub rows: Vec<ChoiceInfo>,
    /// One result per group of every grouping, in grouping then group order.
    pub results: Vec<GroupResult>,
    /// Single, multiple and likert questions: each share's difference between the two
    /// outer sides (or outer position groups when the scale has no sides).
    pub contrast: Option<Contrast>,
}

/// The difference of each share between two groups, `high - low`, with Newcombe's
/// hybrid score interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contrast {
    pub grouping: String,
    /// Group keys: the lower end of the scale, and the upper.
    pub low: String,
    pub high: String,
    pub differences: Vec<Difference>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    pub code: String,
    pub low_share: Option<f64>,
    pub high_share: Option<f64>,
    /// `high_share - low_share`.
    pub difference: Option<f64>,
    pub interval: Option<Interval>,
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
    /// For levels of a scale: whether the scale declares this level its neutral middle.
    pub neutral: bool,
}

/// One question's answers in one group. `n = answered + not_shown + skipped + missing`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupResult {
    pub grouping: String,
    pub group: String,
    /// Respondents in the group.
    pub n: u64,
    /// Of those, how many answered this question (any row or item of it).
    pub answered: u64,
    /// How many were not shown it (its `show_if` did not hold).
    pub not_shown: u64,
    /// Shown, optional, and left blank.
    pub skipped: u64,
    /// Shown, required, and left blank (kept with `--include-incomplete`, or lenient
    /// reading).
    pub missing: u64,
    /// Of the answers, how many were non-substantive ("don't know"; likert only).
    pub nonsubstantive: u64,
    /// The denominator of every share: `answered`, less the non-substantive answers
    /// unless `options.include_nonsubstantive`.
    pub base: u64,
    /// Weighted surveys: the weighted base and its Kish effective n.
    pub weighted: Option<WeightedBase>,
    /// One per choice, in choice order; a share is `count / base` (weighted: weighted
    /// count / weighted base), with its Wilson interval (on the effective n). For
    /// multiple choice, the share of those who answered who ticked it. A non-substantive
    /// level has a count but no share unless included. Empty for matrix, ranking,
    /// numeric and text questions.
    pub counts: Vec<ChoiceCount>,
    /// Likert questions: median, quartiles, mean score, boxes and agreement.
    pub ordinal: Option<Ordinal>,
    /// Matrix: one per row, each with its counts over the scale's levels.
    pub rows: Vec<RowResult>,
    /// Ranking: one per item.
    pub ranks: Vec<RankResult>,
    /// Numeric, probability and year questions: the summary of the answers given.
    pub summary: Option<NumberSummary>,
    /// Probability questions: the answers pooled into one probability, several ways.
    pub pooled: Option<PooledResult>,
    /// Numeric, probability and year questions, outside crosses: the answers themselves
    /// (sorted) or, above a cap, their histogram (`analyze::points`).
    pub answers: Option<super::points::Answers>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightedBase {
    /// Sum of the (scaled) weights of the base.
    pub base: f64,
    /// Kish's effective n of the base: what intervals are computed on.
    pub effective_n: f64,
}

/// An ordinal answer's summary over the ordered levels (non-substantive ones left out
/// unless included, in which case they count as missing from the scale: an ordinal
/// summary needs an order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ordinal {
    /// Answers on the ordered levels.
    pub n: u64,
    /// The level at which half the answers are at or below (the lower median).
    pub median: String,
    /// Percentile-bootstrap interval of the median, as levels.
    pub median_interval: Option<LevelInterval>,
    /// The lower and upper quartile levels (same rule as the median).
    pub q1: String,
    pub q3: String,
    /// Mean of level scores (1 = lowest level).
    pub mean_score: f64,
    /// The share in the top levels and in the bottom levels (the top and bottom two of a
    /// scale of 5 or more levels, else one), with Wilson intervals.
    pub top_box: BoxShare,
    pub bottom_box: BoxShare,
    pub agreement: Agreement,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelInterval {
    pub low: String,
    pub high: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoxShare {
    pub levels: Vec<String>,
    pub share: f64,
    pub interval: Option<Interval>,
}

/// Agreement within a group on an ordinal question; `docs/statistics.md` defines each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// Tastle and Wierman's consensus, 0 (split between the ends) to 1 (all agree).
    pub tastle_wierman: Option<f64>,
    /// Leik's ordinal dispersion, 0 (all agree) to 1 (split between the ends).
    pub leik: Option<f64>,
    /// Van der Eijk's agreement A, -1 (polarised) to 1 (all agree).
    pub van_der_eijk: Option<f64>,
    /// Polarisation, 0 (all agree) to 1 (split between the ends).
    pub polarisation: Option<f64>,
}

/// Probability answers (as fractions) pooled into one, with percentile-bootstrap
/// intervals of the arithmetic mean and of the geometric mean of odds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PooledResult {
    #[serde(flatten)]
    pub pooled: Pooled,
    pub mean_interval: Option<Interval>,
    pub geometric_mean_of_odds_interval: Option<Interval>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowResult {
    pub row: String,
    pub answered: u64,
    /// Shown the question but left this row blank.
    pub skipped: u64,
    pub missing: u64,
    pub nonsubstantive: u64,
    pub base: u64,
    pub weighted: Option<WeightedBase>,
    /// One per scale level; shares are of the row's base.
    pub counts: Vec<ChoiceCount>,
    pub ordinal: Option<Ordinal>,
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

/// A summary of numeric answers (weighted when the survey is). Quartiles interpolate
/// between order statistics as R's default (type 7) does; `sd` is the sample standard
/// deviation (`null` below 2 values).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NumberSummary {
    pub n: u64,
    pub mean: f64,
    pub sd: Option<f64>,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    /// Percentile-bootstrap interval of the median.
    pub median_interval: Option<Interval>,
    pub q3: f64,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceCount {
    pub code: String,
    pub count: u64,
    /// Sum of the scaled weights of those who gave it (weighted surveys).
    pub weighted_count: Option<f64>,
    pub share: Option<f64>,
    /// Wilson score interval of the share.
    pub interval: Option<Interval>,
}

/// A question whose choices come from a codebook with directions: coded free text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodedQuestion {
    pub question: String,
    /// The two groups compared, as in the question's `contrast`.
    pub grouping: Option<String>,
    pub low: Option<String>,
    pub high: Option<String>,
    /// Every code, by `|difference|` (largest first), ties in codebook order.
    pub distinguishing: Vec<Distinguishing>,
    /// Agreement between the coders, when the question declares two or more.
    pub agreement: Option<CoderAgreement>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distinguishing {
    pub code: String,
    pub label: String,
    pub direction: Option<Direction>,
    pub low_share: Option<f64>,
    pub high_share: Option<f64>,
    pub difference: Option<f64>,
    pub interval: Option<Interval>,
}

/// How far independent coders agree. A multiple-choice coding is read as one binary
/// unit per (answer, code): did the coder tick the code for that answer. Per code, the
/// units are the answers; overall, every (answer, code) pair. A single-choice coding is
/// one nominal unit per answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoderAgreement {
    pub coders: Vec<String>,
    /// Answers coded by at least two coders (α's units) and by all of them (κ's).
    pub answers: u64,
    pub answers_all_coders: u64,
    /// `cohen` (two coders) or `fleiss` (more).
    pub kappa_kind: String,
    pub overall: AgreementValues,
    /// Multiple choice: one per code, in codebook order (empty for single choice).
    pub codes: Vec<CodeAgreement>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementValues {
    /// Krippendorff's α, nominal.
    pub alpha: Option<f64>,
    pub kappa: Option<f64>,
    /// Share of units on which every coder gave the same value.
    pub percent_agreement: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeAgreement {
    pub code: String,
    /// Per coder, in `coders` order: how many answers they gave this code.
    pub ticked: Vec<u64>,
    #[serde(flatten)]
    pub values: AgreementValues,
}

/// Delphi rounds: each round's results, and what changed between consecutive rounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rounds {
    pub rounds: Vec<RoundResult>,
    pub shifts: Vec<Shift>,
}

/// One round, analysed like the last: its own groups, decided by the same rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundResult {
    pub round: u32,
    pub respondents: u64,
    pub groupings: Vec<Grouping>,
    pub questions: Vec<QuestionResult>,
}

/// From one round to the next.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shift {
    pub from: u32,
    pub to: u32,
    /// Per group present in both rounds (same key), per question: the change in each
    /// share and in the median.
    pub groups: Vec<GroupShift>,
    /// Per respondent who answered in both rounds: who moved up, down or stayed on the
    /// position and on each ordinal question (matrix rows one by one).
    pub respondents: Vec<Movement>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupShift {
    pub question: String,
    /// A matrix row, when the question is a matrix.
    pub row: Option<String>,
    pub grouping: String,
    pub group: String,
    pub n_from: u64,
    pub n_to: u64,
    /// Per choice: `share(to) - share(from)`.
    pub share_changes: Vec<ShareChange>,
    /// Ordinal answers: the median level in each round; numbers: the median.
    pub median_from: Option<String>,
    pub median_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareChange {
    pub code: String,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub change: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Movement {
    pub question: String,
    pub row: Option<String>,
    /// Respondents with a substantive answer in both rounds.
    pub both: u64,
    pub up: u64,
    pub down: u64,
    pub same: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextGroup {
    /// Key of a group of the `position` grouping.
    pub group: String,
    pub label: String,
    pub n: u64,
    /// Respondents of the group who gave at least one free-text answer.
    pub answered: u64,
    /// Of those, how many are not listed in `respondents`: a group lists at most
    /// [`TEXTS_PER_GROUP`] respondents, chosen by a seeded hash of their answers.
    pub left_out: u64,
    pub respondents: Vec<RespondentTexts>,
}

/// The most respondents whose free-text answers one group lists. Far above any panel
/// canvass is made for; a larger group lists a sample of this size (see `docs/aggregates.md`).
pub const TEXTS_PER_GROUP: usize = 1000;

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
