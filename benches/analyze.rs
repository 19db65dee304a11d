//! How long `canvass::analyze::analyze_with` takes on a large panel, against ingest of
//! the same file, in the same run.
//!
//! `cargo bench --bench analyze` makes a synthetic panel of 1,000,000 rows for
//! `surveys/frontier-roles-2027.toml` (`CANVASS_BENCH_ROWS=N` for another size), writes
//! it once to a temporary file, ingests it once for the analysis, then times:
//!
//! - `canvass_ingest`: [`canvass::ingest::ingest`] of the file (reading, validating and
//!   typing every cell), the time the analysis must stay well under;
//! - `canvass_analyze`: [`canvass::analyze::analyze_with`] of the ingested responses with
//!   the default options (every group's counts in one polars query, Wilson and Newcombe
//!   intervals, agreement measures, pooling, and 2000 bootstrap resamples per median and
//!   pooled probability);
//!
//! and prints the ratio of their median times. Only the ratio means anything: absolute
//! times depend on the machine.

mod common;

use std::sync::Mutex;

use canvass::analyze::{Options, analyze_with};
use common::{Samples, exit, load_survey, median, rows, timed};
use criterion::SamplingMode;

fn main() {
    let rows = rows();
    let survey = load_survey();
    let (_dir, path) = common::panel(&survey, rows);
    let ingested =
        canvass::ingest::ingest(&survey, std::slice::from_ref(&path)).unwrap_or_else(|e| exit(e));
    if ingested.totals().accepted != rows {
        exit(format!(
            "ingest accepted {} of {rows} rows",
            ingested.totals().accepted
        ));
    }
    let options = Options::default();

    let mut criterion = common::criterion();
    let ingest = Mutex::new(Samples::default());
    let analyze = Mutex::new(Samples::default());
    {
        let mut group = criterion.benchmark_group(format!("analyze_{rows}_rows"));
        // Each call takes seconds: one call per sample, the fewest samples criterion takes.
        group.sampling_mode(SamplingMode::Flat);
        group.bench_function("canvass_ingest", |b| {
            b.iter_custom(|iters| {
                timed(&ingest, iters, || {
                    canvass::ingest::ingest(&survey, std::slice::from_ref(&path))
                        .is_ok_and(|i| i.totals().accepted == rows)
                })
            })
        });
        group.bench_function("canvass_analyze", |b| {
            b.iter_custom(|iters| {
                timed(&analyze, iters, || {
                    analyze_with(&survey, &ingested.responses, &options)
                        .is_ok_and(|a| a.panel.answered == rows)
                })
            })
        });
        group.finish();
    }
    criterion.final_summary();

    if let (Some(i), Some(a)) = (
        median("canvass_ingest", &ingest),
        median("canvass_analyze", &analyze),
    ) {
        println!(
            "{rows} rows: canvass ingest {i:.2?}, canvass analyze {a:.2?} (medians); analyze/ingest = {:.2}",
            a.as_secs_f64() / i.as_secs_f64()
        );
    }
}
