//! Response files in; typed [`Responses`] and located [`Rejects`] out.
//!
//! Every record of every file ends up either as a row of the responses or as a rejected
//! row with its file, line, column and reason: [`Counts`] adds up by construction and is
//! checked by the tests.

mod cell;
mod join;
pub mod mapping;
mod ordered;
/// The response table in Parquet partitions (`ingest --rows-per-partition`, `analyze --partial`).
pub mod partition;
mod problems;
mod read;
mod responses;
pub mod source;
mod table;
mod timestamp;

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
use join::Joiner;

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
    let layout = table::Layout::of(survey);
    let mut joiner = Joiner::new(survey, names);
    let mut frames = Vec::new();
    for (index, mut file) in read.into_iter().enumerate() {
        frames.extend(joiner.parts(index, std::mem::take(&mut file.parts))?);
        joiner.end_file(index, file);
    }
    let (rejects, files) = joiner.finish();
    Ok(Ingested {
        responses: stacked(&layout, frames)?,
        rejects,
        files,
    })
}

/// The response table of `frames` one after another (the empty table of the layout's
/// columns when there are none): their columns linked, not copied.
fn stacked(layout: &table::Layout, frames: Vec<polars::prelude::DataFrame>) -> Result<Responses> {
    let mut frame = table::Table::new(layout).finish(layout)?.frame;
    for part in frames {
        frame.vstack_mut_owned(part)?;
    }
    Ok(Responses::from_frame(frame))
}

/// What ingesting accounted for besides the accepted rows: the rejects and each file's
/// counts.
#[derive(Debug, Clone)]
pub struct Accounted {
    pub rejects: Rejects,
    /// One entry per input file, in the order given.
    pub files: Vec<FileCounts>,
}

impl Accounted {
    pub fn totals(&self) -> Counts {
        total(&self.files)
    }
}

/// [`ingest_with`], handing the accepted rows to `each` a chunk of at least `chunk_rows`
/// rows at a time (the last may be smaller; at least one chunk, maybe empty, is handed),
/// in file order with repeats removed, instead of keeping them: memory holds one chunk,
/// the blocks being read and a hash per respondent seen. Files are read one after
/// another, each on every core.
pub fn ingest_in_chunks(
    survey: &Survey,
    paths: &[PathBuf],
    options: &ReadOptions,
    chunk_rows: usize,
    each: &mut dyn FnMut(Responses) -> Result<()>,
) -> Result<Accounted> {
    let context = context(survey, options);
    let layout = table::Layout::of(survey);
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let mut joiner = Joiner::new(survey, &names);
    let mut chunk: Vec<polars::prelude::DataFrame> = Vec::new();
    let mut chunk_height = 0;
    let mut handed = false;
    let mut hand =
        |frames: Vec<polars::prelude::DataFrame>| -> Result<()> { each(stacked(&layout, frames)?) };
    for (index, path) in paths.iter().enumerate() {
        let file = read::stream_file(&context, path, &options.overrides, &mut |parts| {
            for frame in joiner.parts(index, parts)? {
                chunk_height += frame.height();
                chunk.push(frame);
            }
            if chunk_height >= chunk_rows {
                chunk_height = 0;
                handed = true;
                hand(std::mem::take(&mut chunk))?;
            }
            Ok(())
        })?;
        joiner.end_file(index, file);
    }
    if !chunk.is_empty() || !handed {
        hand(chunk)?;
    }
    let (rejects, files) = joiner.finish();
    Ok(Accounted { rejects, files })
}

#[cfg(test)]
mod tests;
