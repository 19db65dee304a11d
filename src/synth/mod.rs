//! Synthetic responses for any survey, as a canonical response file: for trying a survey's
//! report before it is fielded, for tests, and for benchmarks of millions of rows.
//!
//! Not a stage of the pipeline: it reads the [`Survey`] tree and writes canonical CSV,
//! which the ingest stage then reads like any other response file. Every row is one that
//! ingest accepts: codes of the question, bounds, whole numbers, pick limits, rankings of
//! exactly the asked number of distinct items, required questions answered whenever
//! shown, and questions whose `show_if` does not hold left empty.
//!
//! The answers have structure for a report to show (see [`model`]): each respondent's
//! position level is drawn first, a lean follows from it, and answers move with the lean.
//!
//! Output depends only on the survey, the seed and the row count, never on the number of
//! threads: rows are made in fixed-size chunks, each with its own generator seeded from
//! (seed, chunk index), a few chunks at a time in parallel, and written in order. Memory
//! stays flat however many rows are asked for.

mod answers;
mod cells;
mod model;
mod respondent;
mod seed;
mod text;

use std::io;
use std::sync::mpsc;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::survey::{Columns, Survey};
use cells::CellWriter;
use model::Model;
use respondent::Respondent;

/// Rows per chunk: each chunk has its own generator, so this fixes the output for a seed
/// and must not change with the machine (changing it changes every synthetic file).
pub const CHUNK_ROWS: u64 = 4096;

/// Chunks made in parallel before they are written: enough to keep every thread busy,
/// few enough that memory does not grow with the row count.
const CHUNKS_IN_FLIGHT_PER_THREAD: usize = 2;

/// A synthetic panel for one survey: how many rows, and the seed that fixes them.
#[derive(Debug)]
pub struct Synth<'a> {
    survey: &'a Survey,
    rows: u64,
    seed: u64,
    model: Model,
    columns: Columns,
}

impl<'a> Synth<'a> {
    /// Plans `rows` synthetic responses to `survey`. Fails when the survey has a roster
    /// with fewer ids than `rows` (every respondent must be on it), or a required question
    /// no answer can satisfy.
    pub fn new(survey: &'a Survey, rows: u64, seed: u64) -> Result<Synth<'a>> {
        if let Some(roster) = &survey.panel.roster {
            // A respondent answers once per round.
            let most = roster.ids.len() as u64 * u64::from(survey.panel.rounds.unwrap_or(1));
            if rows > most {
                return Err(Error::Usage(format!(
                    "survey `{}` has a roster of {} respondents ({}), and ingest accepts only them; ask for at most {most} rows",
                    survey.id,
                    roster.ids.len(),
                    roster.path,
                )));
            }
        }
        Ok(Synth {
            survey,
            rows,
            seed,
            model: Model::new(survey, seed)?,
            columns: survey.columns(),
        })
    }

    /// Writes the header and every row to `out`, in order, as the chunks are made.
    ///
    /// Chunks are made a batch at a time on rayon's threads, in a producer thread, while
    /// this thread writes the batch before: writing does not leave the cores idle, and
    /// (the channel holds nothing: a batch is handed over when the writer is ready) no
    /// more than two batches exist at once, so memory stays flat.
    ///
    /// The chunks are made on rayon's global pool (`RAYON_NUM_THREADS` sets its size).
    pub fn write<W: io::Write>(&self, out: W) -> io::Result<()> {
        let in_flight = rayon::current_num_threads() * CHUNKS_IN_FLIGHT_PER_THREAD;
        self.write_batched(out, in_flight.max(1) as u64)
    }

    /// [`Synth::write`] with `in_flight` chunks per batch: the bytes must not depend on it.
    fn write_batched<W: io::Write>(&self, mut out: W, in_flight: u64) -> io::Result<()> {
        let mut header = csv::Writer::from_writer(Vec::new());
        CellWriter::new(self.survey, &self.columns).header(&mut header)?;
        out.write_all(&header.into_inner().map_err(|e| e.into_error())?)?;
        let chunks = self.rows.div_ceil(CHUNK_ROWS);
        let (batches, made) = mpsc::sync_channel::<io::Result<Vec<Vec<u8>>>>(0);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut next = 0;
                while next < chunks {
                    let batch = next..(next + in_flight).min(chunks);
                    next = batch.end;
                    let result: io::Result<Vec<Vec<u8>>> = batch
                        .into_par_iter()
                        .map(|chunk| self.chunk(chunk))
                        .collect();
                    let failed = result.is_err();
                    // A closed channel means the writer stopped (its error is reported
                    // there); a failed chunk ends the run.
                    if batches.send(result).is_err() || failed {
                        return;
                    }
                }
            });
            // Dropping `made` on an error stops the producer at its next batch.
            for batch in made {
                for bytes in batch? {
                    out.write_all(&bytes)?;
                }
            }
            out.flush()
        })
    }

    /// The whole file in memory (for tests and small panels).
    pub fn to_vec(&self) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.write(&mut out)?;
        Ok(out)
    }

    /// The records of one chunk of rows.
    fn chunk(&self, chunk: u64) -> io::Result<Vec<u8>> {
        let first = chunk * CHUNK_ROWS;
        let rows = first..(first + CHUNK_ROWS).min(self.rows);
        let mut rng = seed::chunk_rng(self.seed, chunk);
        let mut respondent = Respondent::new(self.survey, &self.model);
        let mut cells = CellWriter::new(self.survey, &self.columns);
        let mut out = csv::Writer::from_writer(Vec::with_capacity(256 * CHUNK_ROWS as usize));
        for index in rows {
            respondent.draw(&mut rng);
            cells.record(&mut out, index, &respondent)?;
        }
        out.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests;
