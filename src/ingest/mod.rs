//! Response files in; typed [`Responses`] and located [`Rejects`] out.
//!
//! Every record of every file ends up either as a row of the responses or as a rejected
//! row with its file, line, column and reason: [`Counts`] adds up by construction and is
//! checked by the tests.

mod cell;
pub mod mapping;
/// The response table in Parquet partitions (`ingest --rows-per-partition`, `analyze --partial`).
pub mod partition;
mod problems;
mod read;
mod responses;
pub mod source;
mod table;

use std::collections::HashMap;

use foldhash::fast::FixedState;
use polars::prelude::{BooleanChunked, NewChunkedArray};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

pub use cell::{Answer, CODE_SEPARATOR};
pub use problems::{Effect, Problem, Rejects};
pub use read::{Cells, Context, FileRows, Row};
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
fn merge(survey: &Survey, names: &[String], mut read: Vec<FileRows>) -> Result<Ingested> {
    let layout = table::Layout::of(survey);
    let mut found: Vec<Vec<Problem>> = read
        .iter_mut()
        .map(|file| std::mem::take(&mut file.problems))
        .collect();
    // Per file, per part: which rows are kept (`None`: all of them).
    let mut keep: Vec<Vec<Option<Vec<bool>>>> = Vec::with_capacity(read.len());
    let mut problems = Vec::new();
    let mut files = Vec::new();
    {
        // The first response of each (id, round): its file and line.
        let rows: usize = read
            .iter()
            .flat_map(|file| &file.parts)
            .map(|part| part.lines.len())
            .sum();
        // Sized once: growing a map of a million ids rehashes it twenty times.
        let mut first_seen: HashMap<(&str, Option<u32>), (usize, u64), FixedState> =
            HashMap::with_capacity_and_hasher(rows, FixedState::default());
        for (index, file) in read.iter().enumerate() {
            let name = &names[index];
            let mut file_problems = std::mem::take(&mut found[index]);
            let mut rejected = file.rows_rejected;
            let mut accepted = 0;
            let mut file_keep = Vec::with_capacity(file.parts.len());
            for part in &file.parts {
                let ids = part.frame.column(column::RESPONDENT_ID)?.str()?;
                let rounds: Vec<Option<u32>> = match survey.panel.rounds {
                    Some(_) => part.frame.column(column::ROUND)?.u32()?.iter().collect(),
                    None => vec![None; part.lines.len()],
                };
                let mut kept: Option<Vec<bool>> = None;
                for (row, (id, line)) in ids.iter().zip(&part.lines).enumerate() {
                    let (id, round, line) = (id.unwrap_or_default(), rounds[row], *line);
                    let first = *first_seen.entry((id, round)).or_insert((index, line));
                    if first == (index, line) {
                        continue;
                    }
                    let (first_file, first_line) = first;
                    let in_round = round.map(|r| format!(" in round {r}")).unwrap_or_default();
                    file_problems.push(Problem {
                        file: name.clone(),
                        line,
                        column: None,
                        field: Some(column::RESPONDENT_ID.to_string()),
                        value: Some(id.to_string()),
                        effect: Effect::RowRejected,
                        reason: format!(
                            "respondent `{id}` already answered{in_round} at {}:{first_line}; the first response is kept",
                            names[first_file]
                        ),
                    });
                    kept.get_or_insert_with(|| vec![true; part.lines.len()])[row] = false;
                    rejected += 1;
                }
                accepted += kept
                    .as_ref()
                    .map_or(part.lines.len(), |k| k.iter().filter(|k| **k).count())
                    as u64;
                file_keep.push(kept);
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
            keep.push(file_keep);
        }
    }
    let mut frame = table::Table::new(&layout).finish(&layout)?.frame;
    for (file, file_keep) in read.into_iter().zip(keep) {
        for (part, kept) in file.parts.into_iter().zip(file_keep) {
            let part = match kept {
                None => part.frame,
                Some(kept) => part
                    .frame
                    .filter(&BooleanChunked::from_slice("kept".into(), &kept))?,
            };
            frame.vstack_mut_owned(part)?;
        }
    }
    Ok(Ingested {
        responses: Responses::from_frame(frame),
        rejects: Rejects { problems },
        files,
    })
}

#[cfg(test)]
mod tests;
