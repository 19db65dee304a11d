//! How long `canvass::ingest::ingest` takes on a large canonical file, against polars'
//! own CSV reader on the same file.
//!
//! `cargo bench --bench ingest` makes a synthetic panel of 1,000,000 rows for
//! `surveys/frontier-roles-2027.toml` (`CANVASS_BENCH_ROWS=N` for another size), writes
//! it once to a temporary file, then times, in the same run:
//!
//! - `polars_csv`: polars' CSV reader reading the file into a DataFrame, every column as
//!   text (the baseline: splitting records and fields, no typing or checking);
//! - `canvass_ingest`: [`canvass::ingest::ingest`] of the file (reading, validating every
//!   cell against the survey, building the typed response table).
//!
//! and prints the ratio of their median times; then alternates the two for
//! `CANVASS_BENCH_PAIRS` pairs (5 by default) and prints the median ratio of the pairs and
//! the ratio of CPU time, which other work on the machine skews far less. Only ratios mean
//! anything: absolute times depend on the machine.

mod common;

use std::sync::Mutex;

use common::{Samples, ingests_whole, load_survey, median, pairs, polars_reads_whole, rows, timed};
use criterion::SamplingMode;

fn main() {
    let rows = rows();
    let survey = load_survey();
    let (_dir, path) = common::panel(&survey, rows);
    let mut criterion = common::criterion();
    let baseline = Mutex::new(Samples::default());
    let ingest = Mutex::new(Samples::default());
    {
        let mut group = criterion.benchmark_group(format!("ingest_{rows}_rows"));
        // Each call takes seconds: one call per sample, the fewest samples criterion takes.
        group.sampling_mode(SamplingMode::Flat);
        group.bench_function("polars_csv", |b| {
            b.iter_custom(|iters| timed(&baseline, iters, || polars_reads_whole(&path, rows)))
        });
        group.bench_function("canvass_ingest", |b| {
            b.iter_custom(|iters| timed(&ingest, iters, || ingests_whole(&survey, &path, rows)))
        });
        group.finish();
    }
    criterion.final_summary();

    let polars = median("polars_csv", &baseline);
    let canvass = median("canvass_ingest", &ingest);
    if let (Some(a), Some(b)) = (polars, canvass) {
        println!(
            "{rows} rows: polars CSV reader {a:.2?}, canvass ingest {b:.2?} (criterion medians); ingest/polars = {:.1}",
            b.as_secs_f64() / a.as_secs_f64()
        );
    }
    // The ratio that means something on a busy machine: calls alternated.
    common::paired(
        pairs(),
        ("polars_csv", || polars_reads_whole(&path, rows)),
        ("canvass_ingest", || ingests_whole(&survey, &path, rows)),
    );
}
