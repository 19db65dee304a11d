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
        let repeats = {
            let keys = parts
                .iter()
                .map(|part| self.keys(part))
                .collect::<Result<Vec<_>>>()?;
            self.repeats(file, &parts, &keys)
        };
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

    /// Each row's (id, round) of a part.
    fn keys<'p>(&self, part: &'p Part) -> Result<Vec<IdKey<'p>>> {
        let ids = part.frame.column(column::RESPONDENT_ID)?.str()?;
        let rounds: Vec<Option<u32>> = match self.survey.panel.rounds {
            Some(_) => part.frame.column(column::ROUND)?.u32()?.iter().collect(),
            None => vec![None; part.lines.len()],
        };
        Ok(ids
            .iter()
            .zip(rounds)
            .map(|(id, round)| (id.unwrap_or_default(), round))
            .collect())
    }

    /// The rows of `parts` whose (id, round) an earlier row has, in part and row order.
    /// The hashes are split into shards and each shard walks the rows in order on its own
    /// thread, so "earlier" means the same as in one pass.
    fn repeats(&mut self, file: usize, parts: &[Part], keys: &[Vec<IdKey<'_>>]) -> Vec<Repeat> {
        // Two 64-bit hashes with their own seeds make one of 128 bits: two different ids
        // of a panel of ten million share one with a chance of about 1 in 10^23.
        let (low, high) = (
            FixedState::with_seed(0x0005_eed0_f1d5),
            FixedState::with_seed(0x000c_a2a5_5000),
        );
        let hashes: Vec<Vec<u128>> = keys
            .par_iter()
            .map(|keys| {
                keys.iter()
                    .map(|k| u128::from(low.hash_one(k)) | u128::from(high.hash_one(k)) << 64)
                    .collect()
            })
            .collect();
        let mut repeats: Vec<Repeat> = self
            .seen
            .par_iter_mut()
            .enumerate()
            .flat_map_iter(|(shard, seen)| {
                let mut found = Vec::new();
                for (p, part) in parts.iter().enumerate() {
                    for (row, &hash) in hashes[p].iter().enumerate() {
                        if (hash >> 64) as usize % SHARDS != shard {
                            continue;
                        }
                        let here = (file, part.lines[row]);
                        let first = *seen.entry(hash).or_insert(here);
                        if first != here {
                            let (id, round) = keys[p][row];
                            found.push(Repeat {
                                part: p,
                                row,
                                id: id.to_string(),
                                round,
                                first,
                            });
                        }
                    }
                }
                found
            })
            .collect();
        repeats.sort_unstable_by_key(|r| (r.part, r.row));
        repeats
    }
}
