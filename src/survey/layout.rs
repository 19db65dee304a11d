//! The canonical response file's columns, which the CSV template form writes and the
//! ingest stage reads: `respondent_id`, `submitted_at`, then one column per question.

use super::Survey;
use super::check::RESERVED_COLUMNS;

/// What a column of the canonical response file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CanonicalColumn {
    /// The respondent's identifier: unique, never empty.
    RespondentId,
    /// When the response was submitted (RFC 3339); optional.
    SubmittedAt,
    /// The answer to the question at this index of `Survey::questions`.
    Answer(usize),
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
        for (i, q) in survey.questions.iter().enumerate() {
            columns.push((q.id.clone(), CanonicalColumn::Answer(i)));
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

    /// Whether a file must have this column: the respondent id and every required
    /// question (a row cannot give a required answer without its column).
    pub fn is_required(&self, survey: &Survey, column: CanonicalColumn) -> bool {
        match column {
            CanonicalColumn::RespondentId => true,
            CanonicalColumn::SubmittedAt => false,
            CanonicalColumn::Answer(i) => survey.questions[i].required,
        }
    }
}
