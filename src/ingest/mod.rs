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
mod table;

use std::collections::HashMap;
use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use polars::prelude::{BooleanChunked, NewChunkedArray};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

pub use cell::CODE_SEPARATOR;
pub use problems::{Effect, Problem, Rejects};
pub use read::{Cells, Context, FileRows};
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
        let ids = Ids::of(survey, &read)?;
        let mut repeats = ids.repeats().into_iter().peekable();
        for (index, file) in read.iter().enumerate() {
            let name = &names[index];
            let mut file_problems = std::mem::take(&mut found[index]);
            let mut rejected = file.rows_rejected;
            let mut accepted = 0;
            let mut file_keep = Vec::with_capacity(file.parts.len());
            for (p, part) in file.parts.iter().enumerate() {
                let mut kept: Option<Vec<bool>> = None;
                while let Some(repeat) = repeats.next_if(|r| (r.file, r.part) == (index, p)) {
                    let (id, round) = ids.key(index, p, repeat.row);
                    let line = part.lines[repeat.row];
                    let (first_file, first_line) = repeat.first;
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
                    kept.get_or_insert_with(|| vec![true; part.lines.len()])[repeat.row] = false;
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

/// A response whose (id, round) came before: where it is, and where the first was.
#[derive(Debug, Clone, Copy)]
struct Repeat {
    file: usize,
    part: usize,
    row: usize,
    /// The first response's file and line.
    first: (usize, u64),
}

/// A response's respondent id and round: a respondent answers once per round.
type IdKey<'a> = (&'a str, Option<u32>);

/// Every accepted row's [`IdKey`], part by part, for finding repeats.
struct Ids<'a> {
    /// Per file, per part: the keys, and the lines the rows start on.
    parts: Vec<Vec<(Vec<IdKey<'a>>, &'a [u64])>>,
}

/// How many shards the ids are split into, by hash, so that each is checked for repeats
/// on its own thread: enough to keep every core busy.
const ID_SHARDS: u64 = 16;

impl<'a> Ids<'a> {
    fn of(survey: &Survey, read: &'a [FileRows]) -> Result<Ids<'a>> {
        let parts = read
            .iter()
            .map(|file| {
                file.parts
                    .iter()
                    .map(|part| {
                        let ids = part.frame.column(column::RESPONDENT_ID)?.str()?;
                        let rounds: Vec<Option<u32>> = match survey.panel.rounds {
                            Some(_) => part.frame.column(column::ROUND)?.u32()?.iter().collect(),
                            None => vec![None; part.lines.len()],
                        };
                        let keys = ids
                            .iter()
                            .zip(rounds)
                            .map(|(id, round)| (id.unwrap_or_default(), round))
                            .collect();
                        Ok((keys, part.lines.as_slice()))
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<_>>()?;
        Ok(Ids { parts })
    }

    fn key(&self, file: usize, part: usize, row: usize) -> IdKey<'a> {
        self.parts[file][part].0[row]
    }

    /// Every row whose (id, round) an earlier row of the same or an earlier file has, in
    /// file and row order. The ids are split into shards by hash and each shard is
    /// walked in file order on its own thread, so "earlier" is the same as in one pass.
    fn repeats(&self) -> Vec<Repeat> {
        // Its own seed: the maps' hashes within a shard must not share bits.
        let hasher = FixedState::with_seed(0x0005_eed0_f1d5);
        let hashes: Vec<Vec<Vec<u64>>> = self
            .parts
            .par_iter()
            .map(|file| {
                file.iter()
                    .map(|(keys, _)| keys.iter().map(|k| hasher.hash_one(k)).collect())
                    .collect()
            })
            .collect();
        let rows: usize = self.parts.iter().flatten().map(|(k, _)| k.len()).sum();
        let mut repeats: Vec<Repeat> = (0..ID_SHARDS)
            .into_par_iter()
            .flat_map_iter(|shard| {
                // Sized once: growing a map of a million ids rehashes it twenty times.
                let mut first_seen: HashMap<IdKey<'_>, (usize, u64), FixedState> =
                    HashMap::with_capacity_and_hasher(
                        rows / ID_SHARDS as usize + 1,
                        FixedState::default(),
                    );
                let mut found = Vec::new();
                for (f, file) in self.parts.iter().enumerate() {
                    for (p, (keys, lines)) in file.iter().enumerate() {
                        for (row, hash) in hashes[f][p].iter().enumerate() {
                            if hash % ID_SHARDS != shard {
                                continue;
                            }
                            let here = (f, lines[row]);
                            let first = *first_seen.entry(keys[row]).or_insert(here);
                            if first != here {
                                found.push(Repeat {
                                    file: f,
                                    part: p,
                                    row,
                                    first,
                                });
                            }
                        }
                    }
                }
                found
            })
            .collect();
        repeats.sort_unstable_by_key(|r| (r.file, r.part, r.row));
        repeats
    }
}

#[cfg(test)]
mod tests;
