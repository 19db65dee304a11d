//! Response files in; typed [`Responses`] and located [`Rejects`] out.
//!
//! Every record of every file ends up either as a row of the responses or as a rejected
//! row with its file, line, column and reason: [`Counts`] adds up by construction and is
//! checked by the tests.

mod cell;
pub mod mapping;
mod problems;
mod read;
mod responses;
pub mod source;

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

pub use cell::{Answer, CODE_SEPARATOR};
pub use problems::{Effect, Problem, Rejects};
pub use read::{Context, FileRows, Row};
pub use responses::{Responses, column};
pub use source::Overrides;

use crate::error::Result;
use crate::survey::Survey;

/// How many records were read, accepted and rejected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub rows_read: u64,
    pub accepted: u64,
    pub rejected: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.rows_read += other.rows_read;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
    }
}

/// The counts of one input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCounts {
    pub file: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// The result of ingesting a set of files.
#[derive(Debug, Clone)]
pub struct Ingested {
    pub responses: Responses,
    pub rejects: Rejects,
    /// One entry per input file, in the order given.
    pub files: Vec<FileCounts>,
}

impl Ingested {
    pub fn totals(&self) -> Counts {
        total(&self.files)
    }
}

/// The counts of several files added up.
pub fn total(files: &[FileCounts]) -> Counts {
    let mut total = Counts::default();
    for f in files {
        total += f.counts;
    }
    total
}

/// Reads the files (in parallel), validates every record against the survey, and keeps
/// the first response of each respondent id.
pub fn ingest(survey: &Survey, paths: &[PathBuf]) -> Result<Ingested> {
    ingest_with(survey, paths, &ReadOptions::default())
}

/// What the user said about reading response files; it applies to every file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// How to open the files (`--tool`, `--delimiter`, `--encoding`, `--sheet`).
    pub overrides: Overrides,
    /// Reject a row for any bad cell (`--strict`) instead of keeping it without the cell.
    pub strict: bool,
    /// Keep previews, spam and unfinished responses (`--include-incomplete`), whatever the
    /// survey's `[ingest]` says.
    pub include_incomplete: bool,
}

/// [`ingest`], with what the user said about how to read the files.
pub fn ingest_with(survey: &Survey, paths: &[PathBuf], options: &ReadOptions) -> Result<Ingested> {
    let context = context(survey, options);
    let overrides = &options.overrides;
    let read: Vec<FileRows> = paths
        .par_iter()
        .map(|path| read::read_file(&context, path, overrides))
        .collect::<Result<_>>()?;
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    merge(survey, &names, read)
}

/// Ingests file contents already in memory (tests, and callers that fetched them).
pub fn ingest_bytes(survey: &Survey, files: &[(String, Vec<u8>)]) -> Result<Ingested> {
    ingest_bytes_with(survey, files, &ReadOptions::default())
}

/// [`ingest_bytes`], with what the user said about how to read the files.
pub fn ingest_bytes_with(
    survey: &Survey,
    files: &[(String, Vec<u8>)],
    options: &ReadOptions,
) -> Result<Ingested> {
    let context = context(survey, options);
    let read: Vec<FileRows> = files
        .par_iter()
        .map(|(name, bytes)| read::read_bytes(&context, name, bytes, &options.overrides))
        .collect::<Result<_>>()?;
    let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    merge(survey, &names, read)
}

fn context<'a>(survey: &'a Survey, options: &ReadOptions) -> Context<'a> {
    Context {
        strict: options.strict,
        include_incomplete: options.include_incomplete || survey.ingest.include_incomplete,
        ..Context::new(survey)
    }
}

/// Joins the files in order: a respondent id seen before (in the same round, for a survey
/// asked in rounds) is a rejected duplicate.
fn merge(survey: &Survey, names: &[String], read: Vec<FileRows>) -> Result<Ingested> {
    let mut first_seen: HashMap<(String, Option<u32>), (usize, u64)> = HashMap::new();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for (index, file) in read.into_iter().enumerate() {
        let name = &names[index];
        let mut file_problems = file.problems;
        let mut accepted = 0;
        let mut rejected = file.rows_rejected;
        for row in file.rows {
            let key = (row.respondent_id.clone(), row.round);
            if let Some((first_file, first_line)) = first_seen.get(&key) {
                let round = row
                    .round
                    .map(|r| format!(" in round {r}"))
                    .unwrap_or_default();
                file_problems.push(Problem {
                    file: name.clone(),
                    line: row.line,
                    column: None,
                    field: Some(column::RESPONDENT_ID.to_string()),
                    value: Some(row.respondent_id.clone()),
                    effect: Effect::RowRejected,
                    reason: format!(
                        "respondent `{}` already answered{round} at {}:{first_line}; the first response is kept",
                        row.respondent_id, names[*first_file]
                    ),
                });
                rejected += 1;
                continue;
            }
            first_seen.insert(key, (index, row.line));
            accepted += 1;
            rows.push(row);
        }
        // Whole-column problems (no column number) come after those of a given column.
        file_problems.sort_by_key(|p| (p.line, p.column.unwrap_or(usize::MAX)));
        problems.extend(file_problems);
        files.push(FileCounts {
            file: name.clone(),
            counts: Counts {
                rows_read: file.rows_read,
                accepted,
                rejected,
            },
        });
    }
    Ok(Ingested {
        responses: Responses::from_rows(survey, &rows)?,
        rejects: Rejects { problems },
        files,
    })
}

#[cfg(test)]
mod tests;
