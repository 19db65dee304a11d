//! Joining what the files gave, in order: the parts of accepted rows, with every
//! response whose (respondent id, round) came before in the same or an earlier file
//! rejected as a repeat, and each file's counts and problems.
//!
//! Parts arrive a run at a time, so a caller can hand rows on as they are read (a large
//! file in bounded memory): what is remembered of the rows already joined is one 128-bit
//! hash per (id, round) with where it was first seen, not the ids themselves.

use std::collections::HashMap;
use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use polars::prelude::{BooleanChunked, DataFrame, NewChunkedArray};
use rayon::prelude::*;

use super::problems::{Effect, Problem, Rejects};
use super::read::FileRows;
use super::responses::column;
use super::table::Part;
use super::{Counts, FileCounts};
use crate::error::Result;
use crate::survey::Survey;

/// How many shards the seen hashes are split into, each checked on its own thread:
/// enough to keep every core busy.
const SHARDS: usize = 16;

/// A response's respondent id and round: a respondent answers once per round.
type IdKey<'a> = (&'a str, Option<u32>);

/// Joins the files' parts in file order.
pub struct Joiner<'a> {
    survey: &'a Survey,
    names: &'a [String],
    /// Per shard: the hash of each (id, round) seen, with the file and line it was first
    /// seen at.
    seen: Vec<HashMap<u128, (usize, u64), FixedState>>,
    /// Per file so far: repeats found, and rows accepted after them.
    repeats: Vec<Vec<Problem>>,
    accepted: Vec<u64>,
    problems: Vec<Problem>,
    files: Vec<FileCounts>,
}

/// A row whose (id, round) came before: its part and row, and the first one's file and
/// line.
struct Repeat {
    part: usize,
    row: usize,
    id: String,
    round: Option<u32>,
    first: (usize, u64),
}

impl<'a> Joiner<'a> {
    /// `names` names the files, in the order they are joined.
    pub fn new(survey: &'a Survey, names: &'a [String]) -> Joiner<'a> {
        Joiner {
            survey,
            names,
            seen: (0..SHARDS).map(|_| HashMap::default()).collect(),
            repeats: vec![Vec::new(); names.len()],
            accepted: vec![0; names.len()],
            problems: Vec::new(),
            files: Vec::new(),
        }
    }

    /// The next parts of file `file` (files are joined in order, each file's parts in its
    /// order): their rows without the repeats, one table per part.
    pub fn parts(&mut self, file: usize, parts: Vec<Part>) -> Result<Vec<DataFrame>> {
        let repeats = self.repeats(file, &parts)?;
        let mut kept_frames = Vec::with_capacity(parts.len());
        let mut repeats = repeats.into_iter().peekable();
        for (p, part) in parts.into_iter().enumerate() {
            let mut kept: Option<Vec<bool>> = None;
            while let Some(repeat) = repeats.next_if(|r| r.part == p) {
                let (id, round) = (&repeat.id, repeat.round);
                let (first_file, first_line) = repeat.first;
                let in_round = round.map(|r| format!(" in round {r}")).unwrap_or_default();
                self.repeats[file].push(Problem {
                    file: self.names[file].clone(),
                    line: part.lines[repeat.row],
                    column: None,
                    field: Some(column::RESPONDENT_ID.to_string()),
                    value: Some(id.clone()),
                    effect: Effect::RowRejected,
                    reason: format!(
                        "respondent `{id}` already answered{in_round} at {}:{first_line}; the first response is kept",
                        self.names[first_file]
                    ),
                });
                kept.get_or_insert_with(|| vec![true; part.lines.len()])[repeat.row] = false;
            }
            let frame = match kept {
                None => part.frame,
                Some(kept) => part
                    .frame
                    .filter(&BooleanChunked::from_slice("kept".into(), &kept))?,
            };
            self.accepted[file] += frame.height() as u64;
            kept_frames.push(frame);
        }
        Ok(kept_frames)
    }

    /// File `file` has been read to its end: `read` holds its counts and problems.
    pub fn end_file(&mut self, file: usize, read: FileRows) {
        let mut problems = read.problems;
        let repeats = std::mem::take(&mut self.repeats[file]);
        let rejected = read.rows_rejected + repeats.len() as u64;
        problems.extend(repeats);
        // Whole-column problems (no column number) come after those of a given column.
        problems.sort_by_key(|p| (p.line, p.column.unwrap_or(usize::MAX)));
        self.problems.extend(problems);
        self.files.push(FileCounts {
            file: self.names[file].clone(),
            counts: Counts {
                rows_read: read.rows_read,
                accepted: self.accepted[file],
                rejected,
            },
        });
    }

    /// Every file's problems, in file order, and its counts.
    pub fn finish(self) -> (Rejects, Vec<FileCounts>) {
        (
            Rejects {
                problems: self.problems,
            },
            self.files,
        )
    }

    /// The (id, round) of row `row` of a part.
    fn key(&self, part: &Part, row: usize) -> Result<(String, Option<u32>)> {
        let id = part.frame.column(column::RESPONDENT_ID)?.str()?.get(row);
        let round = match self.survey.panel.rounds {
            Some(_) => part.frame.column(column::ROUND)?.u32()?.get(row),
            None => None,
        };
        Ok((id.unwrap_or_default().to_string(), round))
    }

    /// The rows of `parts` whose (id, round) an earlier row has, in part and row order,
    /// found by the hashes each part came with ([`id_hash`]). The hashes are split into
    /// shards and each shard walks its rows in order on its own thread, so "earlier" means
    /// the same as in one pass.
    fn repeats(&mut self, file: usize, parts: &[Part]) -> Result<Vec<Repeat>> {
        let hashes: Vec<&[u128]> = parts.iter().map(|part| part.hashes.as_slice()).collect();
        // Each shard's rows, in order: one pass here, so that a shard's thread walks only
        // its own rows.
        let rows: usize = hashes.iter().map(|h| h.len()).sum();
        let mut shards: Vec<Vec<(u32, u32, u128)>> = (0..SHARDS)
            .map(|_| Vec::with_capacity(rows / SHARDS + rows / (4 * SHARDS) + 1))
            .collect();
        for (p, part) in hashes.iter().enumerate() {
            for (row, &hash) in part.iter().enumerate() {
                // A part is a block's rows, and a file has fewer than 2^32 blocks.
                shards[(hash >> 64) as usize % SHARDS].push((p as u32, row as u32, hash));
            }
        }
        let mut found: Vec<(usize, usize, (usize, u64))> = self
            .seen
            .par_iter_mut()
            .zip(shards)
            .flat_map_iter(|(seen, rows)| {
                seen.reserve(rows.len());
                let mut found = Vec::new();
                for (p, row, hash) in rows {
                    let (p, row) = (p as usize, row as usize);
                    let here = (file, parts[p].lines[row]);
                    let first = *seen.entry(hash).or_insert(here);
                    if first != here {
                        found.push((p, row, first));
                    }
                }
                found
            })
            .collect();
        found.sort_unstable();
        found
            .into_iter()
            .map(|(part, row, first)| {
                let (id, round) = self.key(&parts[part], row)?;
                Ok(Repeat {
                    part,
                    row,
                    id,
                    round,
                    first,
                })
            })
            .collect()
    }
}

/// The 128-bit hash of a response's (respondent id, round) that repeats are found by: two
/// 64-bit hashes with their own seeds, so that two different ids of a panel of ten
/// million share one with a chance of about 1 in 10^23. Made where each row is read.
pub fn id_hash(id: &str, round: Option<u32>) -> u128 {
    let (low, high) = (
        FixedState::with_seed(0x0005_eed0_f1d5),
        FixedState::with_seed(0x000c_a2a5_5000),
    );
    let key: IdKey<'_> = (id, round);
    u128::from(low.hash_one(key)) | u128::from(high.hash_one(key)) << 64
}
