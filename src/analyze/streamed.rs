//! The analysis of a response table that arrives a chunk at a time (a large file read in
//! bounded memory): each chunk becomes a [`Partial`], added to a running sum, so memory
//! holds one chunk and the sum. The result is byte for byte [`super::analyze_with`] of
//! the whole table, as merging partials of any split is.

use super::partial::{self, Partial};
use super::{Aggregates, Options, merge, regroup};
use crate::error::{Error, Result};
use crate::ingest::Responses;
use crate::survey::Survey;

/// The running sum of the chunks' partials.
pub struct Streamed<'a> {
    survey: &'a Survey,
    options: &'a Options,
    total: Option<Partial>,
    /// Respondents so far, and those of them who did not answer the `--group-by`
    /// question: the whole table's counts, for the message that refuses it.
    respondents: usize,
    ungrouped: usize,
}

impl<'a> Streamed<'a> {
    /// Refuses options that cannot apply to `survey` (a `--group-by` question it does not
    /// have) before any row is read.
    pub fn new(survey: &'a Survey, options: &'a Options) -> Result<Streamed<'a>> {
        if let Some(problem) = options.problem() {
            return Err(Error::Usage(problem));
        }
        regroup::survey(survey, options)?;
        Ok(Streamed {
            survey,
            options,
            total: None,
            respondents: 0,
            ungrouped: 0,
        })
    }

    /// Adds a chunk of the response table (the chunks in table order).
    pub fn add(&mut self, chunk: &Responses) -> Result<()> {
        self.respondents += chunk.len();
        if let Some(id) = &self.options.group_by {
            let missing = regroup::unanswered(chunk.frame(), id)?;
            if missing > 0 || self.ungrouped > 0 {
                // The table cannot be grouped by it; only the count is still needed.
                self.ungrouped += missing;
                return Ok(());
            }
        }
        let part = partial::partial(self.survey, chunk, self.options)?;
        self.total = match self.total.take() {
            None => Some(part),
            Some(total) => partial::sum(vec![total, part]),
        };
        Ok(())
    }

    /// The analysis of every chunk added.
    pub fn finish(self) -> Result<Aggregates> {
        if self.ungrouped > 0 {
            return Err(regroup::ungroupable(
                self.survey,
                self.options,
                self.ungrouped,
                self.respondents,
            ));
        }
        let total = self
            .total
            .ok_or_else(|| Error::internal("no chunk of responses was analysed"))?;
        merge(self.survey, vec![total], self.options)
    }
}
