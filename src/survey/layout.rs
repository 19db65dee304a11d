//! The canonical response file's columns, which the CSV template form writes and the
//! ingest stage reads: `respondent_id`, `submitted_at`, the weights column if the survey
//! has one, `round` for a survey asked in Delphi rounds, then per question one column
//! (`q`), one per matrix row (`q.row`), for an "other, please specify" choice its text
//! (`q.other`), and one per coder of a coded question (`q@coder`).

use super::check::RESERVED_COLUMNS;
use super::{OTHER, QuestionKind, Survey};

/// The column of one coder's coding of a question: `q@coder` (`@` is in no id, so it
/// cannot clash with another column).
pub fn coded(question: &str, coder: &str) -> String {
    format!("{question}@{coder}")
}

/// What a column of the canonical response file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CanonicalColumn {
    /// The respondent's identifier: unique, never empty.
    RespondentId,
    /// When the response was submitted (RFC 3339); optional.
    SubmittedAt,
    /// The respondent's weight (a positive number), for weighted surveys.
    Weight,
    /// The Delphi round the response answers (1 to the survey's `rounds`).
    Round,
    /// The answer to the question at this index of `Survey::questions`.
    Answer(usize),
    /// One row of a matrix question: (question, row).
    Row(usize, usize),
    /// The text given with the "other" choice of a question.
    Other(usize),
    /// One coder's coding of a question's answer: (question, index in its `coders`).
    Coded(usize, usize),
}

/// The canonical columns of a survey, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub columns: Vec<(String, CanonicalColumn)>,
}

impl Columns {
    pub fn of(survey: &Survey) -> Columns {
        let mut columns = vec![
            (
                RESERVED_COLUMNS[0].to_string(),
                CanonicalColumn::RespondentId,
            ),
            (
                RESERVED_COLUMNS[1].to_string(),
                CanonicalColumn::SubmittedAt,
            ),
        ];
        if let Some(weights) = &survey.weights {
            columns.push((weights.clone(), CanonicalColumn::Weight));
        }
        if survey.panel.rounds.is_some() {
            columns.push((RESERVED_COLUMNS[2].to_string(), CanonicalColumn::Round));
        }
        for (i, q) in survey.questions.iter().enumerate() {
            match &q.kind {
                QuestionKind::Matrix { rows, .. } => {
                    for (r, row) in rows.iter().enumerate() {
                        columns
                            .push((format!("{}.{}", q.id, row.code), CanonicalColumn::Row(i, r)));
                    }
                }
                _ => {
                    columns.push((q.id.clone(), CanonicalColumn::Answer(i)));
                    if q.has_other() {
                        columns.push((format!("{}.{OTHER}", q.id), CanonicalColumn::Other(i)));
                    }
                }
            }
            for (c, coder) in q.coders.iter().enumerate() {
                columns.push((coded(&q.id, coder), CanonicalColumn::Coded(i, c)));
            }
        }
        Columns { columns }
    }

    /// The header row of the canonical response file.
    pub fn header(&self) -> Vec<&str> {
        self.columns.iter().map(|(name, _)| name.as_str()).collect()
    }

    /// What a header name means, if it is one of this survey's canonical columns.
    pub fn find(&self, name: &str) -> Option<CanonicalColumn> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, column)| *column)
    }

    /// Whether a file must have this column: the respondent id, the weight of a weighted
    /// survey, and every required question that is always shown (a row cannot give a
    /// required answer without its column).
    pub fn is_required(&self, survey: &Survey, column: CanonicalColumn) -> bool {
        let always_required =
            |q: usize| survey.questions[q].required && survey.questions[q].show_if.is_none();
        match column {
            CanonicalColumn::RespondentId | CanonicalColumn::Weight | CanonicalColumn::Round => {
                true
            }
            CanonicalColumn::SubmittedAt
            | CanonicalColumn::Other(_)
            | CanonicalColumn::Coded(..) => false,
            CanonicalColumn::Answer(q) | CanonicalColumn::Row(q, _) => always_required(q),
        }
    }
}
