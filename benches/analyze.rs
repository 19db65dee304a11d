//! How long `canvass::analyze::analyze_with` takes on a large panel, against reading and
//! ingesting the same file, in the same run.
//!
//! `cargo bench --bench analyze` makes a synthetic panel of 1,000,000 rows for
//! `surveys/frontier-roles-2027.toml` (`CANVASS_BENCH_ROWS=N` for another size), writes
//! it once to a temporary file, ingests it once for the analysis, then times:
//!
//! - `polars_csv`: polars' CSV reader reading the file, every column as text (the reader
//!   settings of `benches/ingest.rs`): the time the analysis must stay well under (issue 6:
//!   at most half);
//! - `canvass_ingest`: [`canvass::ingest::ingest`] of the file (reading, validating and
//!   typing every cell);
//! - `canvass_analyze`: [`canvass::analyze::analyze_with`] of the ingested responses with
//!   the default options (every group's counts in one polars query, Wilson and Newcombe
//!   intervals, agreement measures, pooling, and 2000 bootstrap resamples per median and
//!   pooled probability);
//!
//! and prints the ratios of their median times. Only the ratios mean anything: absolute
//! times depend on the machine.

mod common;

use std::sync::Mutex;

use canvass::analyze::{Options, analyze_with};
use common::{Samples, exit, ingests_whole, load_survey, median, polars_reads_whole, rows, timed};
use criterion::SamplingMode;

/// The baseline of `benches/ingest.rs`, with the same settings.
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
    let read = Mutex::new(Samples::default());
    let ingest = Mutex::new(Samples::default());
    let analyze = Mutex::new(Samples::default());
    {
        let mut group = criterion.benchmark_group(format!("analyze_{rows}_rows"));
        // Each call takes seconds: one call per sample, the fewest samples criterion takes.
        group.sampling_mode(SamplingMode::Flat);
        group.bench_function("polars_csv", |b| {
            b.iter_custom(|iters| timed(&read, iters, || polars_reads_whole(&path, rows)))
        });
        group.bench_function("canvass_ingest", |b| {
            b.iter_custom(|iters| timed(&ingest, iters, || ingests_whole(&survey, &path, rows)))
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

    let read = median("polars_csv", &read);
    let ingest = median("canvass_ingest", &ingest);
    let analyze = median("canvass_analyze", &analyze);
    if let (Some(r), Some(i), Some(a)) = (read, ingest, analyze) {
        println!(
            "{rows} rows: polars CSV reader {r:.2?}, canvass ingest {i:.2?}, canvass analyze {a:.2?} (medians); analyze/polars = {:.2}, analyze/ingest = {:.2}",
            a.as_secs_f64() / r.as_secs_f64(),
            a.as_secs_f64() / i.as_secs_f64()
        );
    }
}
