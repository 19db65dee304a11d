//! Polars' bare CSV read of a response file: the baseline `benches/compare.sh` times
//! `canvass report` and `canvass ingest` against, as a process of its own.
//!
//! `polars_scan FILE` reads FILE once with polars' CSV reader into a DataFrame, with
//! polars' defaults (every core, the schema inferred from the first 100 rows, as
//! `scan_csv` would), checks that it read rows, and prints the row count and the time.
//! Run through `cargo bench --bench polars_scan` (no FILE), it makes a synthetic panel
//! first (`CANVASS_BENCH_ROWS` rows, a million by default) and reads that.
//!
//! It is polars' eager reader, not `LazyCsvReader::finish().collect()`: the lazy CSV scan
//! needs polars' `csv` feature (polars-lazy, polars-plan and polars-mem-engine `csv`),
//! which canvass does not enable and which would rebuild polars (see docs/performance.md).
//! Both run the same multi-threaded CSV parser.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use polars::prelude::*;
use polars_io::prelude::{CsvReadOptions, SerReader};

fn read(path: &Path) -> PolarsResult<DataFrame> {
    CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(path.to_path_buf()))?
        .finish()
}

fn main() {
    // `cargo bench` passes `--bench`; a path is any argument that is not an option.
    let file = std::env::args().skip(1).find(|arg| !arg.starts_with("--"));
    let (_dir, path) = match file {
        Some(file) => (None, PathBuf::from(file)),
        None => {
            let (dir, path) = common::panel(&common::load_survey(), common::rows());
            (Some(dir), path)
        }
    };
    let started = Instant::now();
    let frame = read(&path).unwrap_or_else(|e| {
        common::exit(format!("polars cannot read {} as CSV: {e}", path.display()))
    });
    let elapsed = started.elapsed();
    if frame.height() == 0 {
        common::exit(format!("polars read no rows from {}", path.display()));
    }
    println!(
        "polars CSV read: {} rows, {} columns in {:.3} s",
        frame.height(),
        frame.width(),
        elapsed.as_secs_f64()
    );
}
