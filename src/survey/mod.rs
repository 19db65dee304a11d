//! The survey definition: the one tree every later stage reads.
//!
//! A definition is loaded from TOML ([`load`]), checked into a [`Survey`], and never
//! re-parsed: forms, ingest, analysis and synthesis walk this tree.

mod check;
mod conditions;
mod ingest_rules;
mod layout;
mod raw;
pub mod scaffold;
pub mod schema;
pub mod show_if;
mod suggest;
mod text;
mod write;

use std::ops::Range;
use std::path::Path;

use serde::Serialize;

use crate::diagnostic::Report;
use crate::error::{Error, Result};

pub use check::{KINDS, MAX_ROUNDS, RESERVED_COLUMNS, is_survey_id};
pub(crate) use conditions::comparison;
pub use ingest_rules::{DecimalMark, IngestRules, ProbabilityScale};
pub use layout::{CanonicalColumn, Columns, coded as coded_column};
pub use show_if::{Cond, Given, Target};
pub use suggest::did_you_mean;
pub use text::Text;
pub use write::to_toml;

/// A checked survey definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    /// Short name: the file is `surveys/<id>.toml`, its data `data/<id>/`, its report
    /// `reports/<id>/`.
    pub id: String,
    pub title: Text,
    /// The headline question the study asks, as the report states it.
    pub question: Option<Text>,
    /// Text shown before the first question of a form.
    pub intro: Option<Text>,
    /// The default language of the labels, as a BCP 47 tag (e.g. `en`).
    pub language: String,
    /// Every language the labels are given in, the default first.
    pub languages: Vec<String>,
    pub panel: Panel,
    pub anonymity: Anonymity,
    /// Pages of questions, in order; a survey without sections has one, untitled.
    pub sections: Vec<Section>,
    /// Every question, in order (sections hold ranges of this list).
    pub questions: Vec<Question>,
    /// Index into `questions` of the position question, by which everything is grouped.
    pub position: usize,
    /// Indices into `questions` of further questions reports may break down by.
    pub segments: Vec<usize>,
    /// Name of a response column holding each respondent's weight, if the survey is
    /// weighted.
    pub weights: Option<String>,
    /// How other tools' exports are read (`[ingest]`).
    pub ingest: IngestRules,
}

/// Who was asked, so reports can give a response rate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Panel {
    pub invited: Option<u32>,
    /// The invitees' respondent ids, when the survey names a roster file.
    pub roster: Option<Roster>,
    pub description: Option<Text>,
    /// Delphi rounds: `Some(n)` (n >= 2) when the panel is asked `n` times; every
    /// response then says which round it answers (the `round` column).
    pub rounds: Option<u32>,
}

/// A list of invitee ids, read from a CSV file with a `respondent_id` column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    /// As written in the definition (relative to the definition's folder).
    pub path: String,
    pub ids: Vec<String>,
}

/// The smallest group any output may break results down by or attribute answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anonymity {
    pub min_group_size: u32,
}

/// A page of questions.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: Option<Text>,
    pub intro: Option<Text>,
    /// The questions of this section: a range of `Survey::questions`.
    pub questions: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Identifier: also the column name (or prefix) in the canonical response file.
    pub id: String,
    pub text: Text,
    pub help: Option<Text>,
    /// Whether a response must answer it when it is shown.
    pub required: bool,
    /// When the question is shown; `None`: always.
    pub show_if: Option<Condition>,
    pub kind: QuestionKind,
    /// Coders who each coded the answers independently (single and multiple questions):
    /// their codings are the columns `q@coder`, beside the reconciled coding in `q`, so
    /// that analysis can measure how far they agree.
    pub coders: Vec<String>,
}

/// A resolved `show_if` with the text it was written as.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub source: String,
    pub cond: Cond,
}

#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    /// Exactly one of a list of choices.
    Single { options: Options },
    /// Any number of a list of choices, optionally at least `min` and at most `max`.
    Multiple {
        options: Options,
        min_picks: Option<u32>,
        max_picks: Option<u32>,
    },
    /// One level of a named ordered scale.
    Likert { scale: Scale },
    /// Several rows, each rated on one scale.
    Matrix { rows: Vec<Choice>, scale: Scale },
    /// A number, optionally bounded and whole.
    Numeric {
        min: Option<f64>,
        max: Option<f64>,
        unit: Option<Text>,
        integer: bool,
    },
    /// A probability in percent, 0 to 100.
    Probability,
    /// A calendar year, optionally bounded.
    Year { min: Option<i32>, max: Option<i32> },
    /// Choices put in order: all of them, or the top `top`.
    Ranking { options: Options, top: Option<u32> },
    /// Free text.
    Text { max_length: Option<u32> },
}

/// The choices of a single, multiple or ranking question.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Every choice, in order; with `other`, the last is the `other` choice.
    pub choices: Vec<Choice>,
    /// The codebook list the choices come from, when they are not written inline.
    pub codebook: Option<String>,
    /// Whether the last choice is "Other, please specify", with its text in the column
    /// `<question>.other`.
    pub other: bool,
}

/// The code of the "Other, please specify" choice.
pub const OTHER: &str = "other";

/// An ordered scale, defined once and shared by the questions that use it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub id: String,
    /// Ordered levels, lowest first, then the non-substantive ones ("don't know").
    pub levels: Vec<Choice>,
    /// How many of `levels` are ordered; the rest are non-substantive.
    pub ordered: usize,
    /// Index of the neutral level, if the scale declares one.
    pub neutral: Option<usize>,
    /// Consecutive runs of ordered levels that reports can group by, in scale order.
    /// Empty when the scale declares none.
    pub sides: Vec<Side>,
}

/// A named run of consecutive scale levels, e.g. "against" = the two lowest.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    pub id: String,
    pub label: Text,
    /// Index of the first level and one past the last.
    pub levels: Range<usize>,
}

/// A code a respondent can give, with the label people read.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub code: String,
    pub label: Text,
    /// For codebook themes: which way along the position scale the theme pushes.
    pub direction: Option<Direction>,
}

/// Which end of the position scale a consideration argues for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Towards the high end of the position scale (in the default survey: in favour).
    For,
    /// Towards the low end (in the default survey: against).
    Against,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::For => "for",
            Direction::Against => "against",
        }
    }
}

impl QuestionKind {
    /// The name used for this kind in definition files.
    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::Single { .. } => "single",
            QuestionKind::Multiple { .. } => "multiple",
            QuestionKind::Likert { .. } => "likert",
            QuestionKind::Matrix { .. } => "matrix",
            QuestionKind::Numeric { .. } => "numeric",
            QuestionKind::Probability => "probability",
            QuestionKind::Year { .. } => "year",
            QuestionKind::Ranking { .. } => "ranking",
            QuestionKind::Text { .. } => "text",
        }
    }

    /// Whether answers are numbers (numeric, probability, year).
    pub fn is_number(&self) -> bool {
        matches!(
            self,
            QuestionKind::Numeric { .. } | QuestionKind::Probability | QuestionKind::Year { .. }
        )
    }

    /// The bounds a numeric answer must lie within, if any.
    pub fn bounds(&self) -> (Option<f64>, Option<f64>) {
        match self {
            QuestionKind::Numeric { min, max, .. } => (*min, *max),
            QuestionKind::Probability => (Some(0.0), Some(100.0)),
            QuestionKind::Year { min, max } => (min.map(f64::from), max.map(f64::from)),
            _ => (None, None),
        }
    }
}

impl Scale {
    /// The ordered levels (without the non-substantive ones).
    pub fn ordered_levels(&self) -> &[Choice] {
        &self.levels[..self.ordered]
    }

    /// Whether level `i` is non-substantive ("don't know", "prefer not to say").
    pub fn is_nonsubstantive(&self, i: usize) -> bool {
        i >= self.ordered
    }
}

impl Question {
    /// The codes a respondent can give, in order: choices, or scale levels (for a matrix,
    /// the scale's levels, which every row uses). Empty for numbers and free text.
    pub fn choices(&self) -> &[Choice] {
        match &self.kind {
            QuestionKind::Single { options }
            | QuestionKind::Multiple { options, .. }
            | QuestionKind::Ranking { options, .. } => &options.choices,
            QuestionKind::Likert { scale } | QuestionKind::Matrix { scale, .. } => &scale.levels,
            _ => &[],
        }
    }

    /// Index of a code among [`Question::choices`].
    pub fn choice_index(&self, code: &str) -> Option<usize> {
        // Codes of one list often differ only at the end (`probably_yes`, `probably_not`):
        // the length and last byte rule most out before a full comparison. Ingest asks
        // this for every cell.
        let (len, last) = (code.len(), code.as_bytes().last());
        self.choices()
            .iter()
            .position(|c| c.code.len() == len && c.code.as_bytes().last() == last && c.code == code)
    }

    /// The scale of a likert or matrix question.
    pub fn scale(&self) -> Option<&Scale> {
        match &self.kind {
            QuestionKind::Likert { scale } | QuestionKind::Matrix { scale, .. } => Some(scale),
            _ => None,
        }
    }

    /// The rows of a matrix question (empty for other kinds).
    pub fn rows(&self) -> &[Choice] {
        match &self.kind {
            QuestionKind::Matrix { rows, .. } => rows,
            _ => &[],
        }
    }

    /// Whether the last choice is "Other, please specify".
    pub fn has_other(&self) -> bool {
        matches!(&self.kind,
            QuestionKind::Single { options } | QuestionKind::Multiple { options, .. } if options.other)
    }
}

impl Survey {
    pub fn position_question(&self) -> &Question {
        &self.questions[self.position]
    }

    /// The scale of the position question (the checks guarantee it is ordinal).
    pub fn position_scale(&self) -> &Scale {
        match &self.position_question().kind {
            QuestionKind::Likert { scale } => scale,
            _ => unreachable!("the checks only accept a likert position question"),
        }
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The column layout of this survey's canonical response file.
    pub fn columns(&self) -> Columns {
        Columns::of(self)
    }

    /// The section a question belongs to.
    pub fn section_of(&self, question: usize) -> &Section {
        self.sections
            .iter()
            .find(|s| s.questions.contains(&question))
            .unwrap_or(&self.sections[0])
    }
}

/// A loaded survey together with the warnings its checks raised.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub survey: Survey,
    /// The source and its warnings (no errors: a definition with errors does not load).
    pub report: Report,
}

/// Reads and checks a survey definition file.
pub fn load(path: &Path) -> Result<Loaded> {
    let source = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&path.display().to_string(), &source)
}

/// Checks a definition given as text. `path` names it in messages, and files it refers
/// to (a roster) are found relative to its folder.
pub fn parse(path: &str, source: &str) -> Result<Loaded> {
    let report = check_source(path, source);
    match report.0 {
        Some(survey) if !report.1.has_errors() => Ok(Loaded {
            survey,
            report: report.1,
        }),
        _ => Err(Error::Definition(report.1)),
    }
}

/// Every finding about a definition, and the survey when it has no errors.
pub fn check_source(path: &str, source: &str) -> (Option<Survey>, Report) {
    let base = Path::new(path).parent().unwrap_or(Path::new(""));
    let (survey, diagnostics) = check::check(source, base);
    let report = Report {
        path: path.to_string(),
        source: source.to_string(),
        diagnostics,
    };
    (survey, report)
}

#[cfg(test)]
mod tests;
