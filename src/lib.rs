//! canvass: structured expert surveys, from definition to report.
//!
//! The pipeline, one module per stage (see `docs/design.md`):
//!
//! ```text
//! surveys/*.toml ─survey─▶ Survey ─form─▶ HTML / Markdown / CSV template
//!                            │
//! data/**/*.csv ──ingest──▶ Responses + Rejects
//!                            │
//!                         analyze ─▶ Aggregates ─chart─▶ SVG / PNG
//!                                        │
//!                                        └─report─▶ index.html, report.md, aggregates.json
//! ```
//!
//! No stage reaches back into an earlier one: a chart never re-reads a CSV, a report never
//! recomputes a statistic. Statistics live only in [`analyze`].

// No panic may be reachable from the command line (docs/hardening.md, "Errors and
// panics"): outside tests, `unwrap` is refused; an `expect` states why it cannot fail.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

/// Definition: load a survey file, check it, and hold it as the [`survey::Survey`] tree.
pub mod survey;

/// Forms people fill in, each a walk over the [`survey::Survey`] tree.
pub mod form;

/// Survey definitions from forms made elsewhere (XLSForm), written as definition files.
pub mod import;

/// Response files in, typed [`ingest::Responses`] and located [`ingest::Rejects`] out.
pub mod ingest;

/// Every number in every output: counts, shares, groupings and the anonymity rule.
pub mod analyze;

/// SVG and PNG charts drawn from [`analyze::Aggregates`] alone.
pub mod chart;

/// The report folder: HTML, Markdown, JSON and the rejects, from what earlier stages made.
pub mod report;

/// Command-line argument types (clap); no behaviour.
pub mod cli;

/// One function per command, each calling the stages in order.
pub mod commands;

/// Located diagnostics for definition files, rendered with the source line and a caret.
pub mod diagnostic;

/// Errors that stop a command, and how each maps to an exit code.
pub mod error;

/// Escaping for every place text goes: Markdown and CSV cells (HTML is escaped by maud).
pub mod escape;

/// Writing a set of generated files into an output folder.
pub mod output;

/// Synthetic responses for any survey, as a canonical response file (not a pipeline stage).
pub mod synth;

/// How numbers are written for people (percent, count with share), for charts and reports.
pub mod numbers;

#[cfg(test)]
mod testing;
