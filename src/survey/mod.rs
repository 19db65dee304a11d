//! The survey definition: the one tree every later stage reads.
//!
//! A definition is loaded from TOML ([`load`]), checked ([`check`]) into a [`Survey`],
//! and never re-parsed: forms, ingest and analysis walk this tree.

mod check;
mod layout;
mod raw;
mod suggest;

use std::path::Path;

use serde::Serialize;

use crate::diagnostic::Report;
use crate::error::{Error, Result};

pub use layout::{CanonicalColumn, Columns};
pub use suggest::did_you_mean;

/// A checked survey definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    /// Short name: the file is `surveys/<id>.toml`, its data `data/<id>/`, its report
    /// `reports/<id>/`.
    pub id: String,
    pub title: String,
    /// The headline question the study asks, as the report states it.
    pub question: Option<String>,
    /// Text shown before the first question of a form.
    pub intro: Option<String>,
    /// Language of the labels, as a BCP 47 tag (e.g. `en`).
    pub language: String,
    pub panel: Panel,
    pub anonymity: Anonymity,
    pub questions: Vec<Question>,
    /// Index into `questions` of the position question, by which everything is grouped.
    pub position: usize,
    /// Indices into `questions` of further questions reports may break down by.
    pub segments: Vec<usize>,
}

/// Who was asked, so reports can give a response rate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Panel {
    pub invited: Option<u32>,
    pub description: Option<String>,
}

/// The smallest group any output may break results down by or attribute answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anonymity {
    pub min_group_size: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Identifier: also the column name in the canonical response file.
    pub id: String,
    pub text: String,
    pub help: Option<String>,
    pub required: bool,
    pub kind: QuestionKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    /// Exactly one of a list of choices.
    Single { options: Options },
    /// Any number of a list of choices.
    Multiple { options: Options },
    /// One level of a named ordered scale.
    Likert { scale: Scale },
    /// Free text.
    Text { max_length: Option<u32> },
}

/// The choices of a single or multiple choice question.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub choices: Vec<Choice>,
    /// The codebook list the choices come from, when they are not written inline.
    pub codebook: Option<String>,
}

/// An ordered scale, defined once and shared by the questions that use it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub id: String,
    /// Levels from the lowest (first) to the highest (last).
    pub levels: Vec<Choice>,
    /// Consecutive runs of levels that reports can group by, in scale order. Empty when
    /// the scale declares none.
    pub sides: Vec<Side>,
}

/// A named run of consecutive scale levels, e.g. "against" = the two lowest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub id: String,
    pub label: String,
    /// Index of the first level and one past the last.
    pub levels: std::ops::Range<usize>,
}

/// A code a respondent can give, with the label people read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub code: String,
    pub label: String,
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
            QuestionKind::Text { .. } => "text",
        }
    }
}

impl Question {
    /// The codes a respondent can give, in order; empty for free text.
    pub fn choices(&self) -> &[Choice] {
        match &self.kind {
            QuestionKind::Single { options } | QuestionKind::Multiple { options } => {
                &options.choices
            }
            QuestionKind::Likert { scale } => &scale.levels,
            QuestionKind::Text { .. } => &[],
        }
    }

    /// Index of a code among [`Question::choices`].
    pub fn choice_index(&self, code: &str) -> Option<usize> {
        self.choices().iter().position(|c| c.code == code)
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

    /// The column layout of this survey's responses (canonical CSV and response table).
    pub fn columns(&self) -> Columns {
        Columns::of(self)
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

/// Checks a definition given as text; `path` is used only in messages.
pub fn parse(path: &str, source: &str) -> Result<Loaded> {
    let (survey, diagnostics) = check::check(source);
    let report = Report {
        path: path.to_string(),
        source: source.to_string(),
        diagnostics,
    };
    match survey {
        Some(survey) if !report.has_errors() => Ok(Loaded { survey, report }),
        _ => Err(Error::Definition(report)),
    }
}
