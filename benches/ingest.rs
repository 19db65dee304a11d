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
//! and prints the ratio of their median times. Only the ratio means anything: absolute
//! times depend on the machine.

use std::fs::File;
use std::hint::black_box;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use canvass::survey::Survey;
use canvass::synth::Synth;
use criterion::{Criterion, SamplingMode};
use polars::prelude::*;
use polars_io::prelude::{CsvReadOptions, SerReader};

const SURVEY: &str = "surveys/frontier-roles-2027.toml";
const DEFAULT_ROWS: u64 = 1_000_000;
const SEED: u64 = 1;

/// Rows to generate: `CANVASS_BENCH_ROWS`, or a million.
fn rows() -> u64 {
    match std::env::var("CANVASS_BENCH_ROWS") {
        Ok(text) => text.trim().parse().unwrap_or_else(|_| {
            eprintln!("CANVASS_BENCH_ROWS={text:?} is not a row count");
            std::process::exit(2)
        }),
        Err(_) => DEFAULT_ROWS,
    }
}

fn load_survey() -> Survey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SURVEY);
    match canvass::survey::load(&path) {
        Ok(loaded) => loaded.survey,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2)
        }
    }
}

/// Writes the synthetic panel to `path`.
fn write_panel(survey: &Survey, rows: u64, path: &Path) -> std::io::Result<()> {
    let synth = Synth::new(survey, rows, SEED).map_err(std::io::Error::other)?;
    synth.write(BufWriter::with_capacity(1 << 20, File::create(path)?))
}

fn polars_csv(path: &Path) -> PolarsResult<DataFrame> {
    CsvReadOptions::default()
        .with_has_header(true)
        // No inference: every column is read as a string.
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))?
        .finish()
}

/// What criterion's calls of one benchmark gave: each call's time per iteration, and
/// the rows each iteration read (`None` for a failure).
#[derive(Default)]
struct Samples {
    times: Vec<Duration>,
    rows: Vec<Option<u64>>,
}

/// Times `run` for criterion, keeping what it gave in `samples`.
fn timed(samples: &Mutex<Samples>, iters: u64, mut run: impl FnMut() -> Option<u64>) -> Duration {
    let mut rows = Vec::new();
    let start = Instant::now();
    for _ in 0..iters {
        rows.push(black_box(run()));
    }
    let elapsed = start.elapsed();
    if let Ok(mut samples) = samples.lock() {
        samples.times.push(elapsed.div_f64(iters.max(1) as f64));
        samples.rows.extend(rows);
    }
    elapsed
}

/// The median time of one benchmark, if it ran and every call read all `rows`.
fn median(name: &str, samples: &Mutex<Samples>, rows: u64) -> Option<Duration> {
    let samples = samples.lock().ok()?;
    if let Some(short) = samples.rows.iter().find(|r| **r != Some(rows)) {
        eprintln!("{name}: a call read {short:?} rows, not {rows}: no ratio");
        return None;
    }
    let mut times = samples.times.clone();
    times.sort_unstable();
    times.get(times.len() / 2).copied()
}

fn main() {
    let rows = rows();
    let survey = load_survey();
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("cannot make a temporary folder: {e}");
            std::process::exit(2)
        }
    };
    let path: PathBuf = dir.path().join("frontier-roles-2027.csv");
    let started = Instant::now();
    if let Err(e) = write_panel(&survey, rows, &path) {
        eprintln!(
            "cannot write the synthetic panel to {}: {e}",
            path.display()
        );
        std::process::exit(2)
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "synthetic panel: {rows} rows, {:.1} MB, made in {:.1?}",
        size as f64 / 1e6,
        started.elapsed()
    );

    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .without_plots()
        .configure_from_args();
    let baseline = Mutex::new(Samples::default());
    let ingest = Mutex::new(Samples::default());
    {
        let mut group = criterion.benchmark_group(format!("ingest_{rows}_rows"));
        // Each call takes seconds: one call per sample, the fewest samples criterion takes.
        group.sampling_mode(SamplingMode::Flat);
        group.bench_function("polars_csv", |b| {
            b.iter_custom(|iters| {
                timed(&baseline, iters, || {
                    polars_csv(&path).ok().map(|frame| frame.height() as u64)
                })
            })
        });
        group.bench_function("canvass_ingest", |b| {
            b.iter_custom(|iters| {
                timed(&ingest, iters, || {
                    canvass::ingest::ingest(&survey, std::slice::from_ref(&path))
                        .ok()
                        .map(|ingested| ingested.totals().accepted)
                })
            })
        });
        group.finish();
    }
    criterion.final_summary();

    let polars = median("polars_csv", &baseline, rows);
    let canvass = median("canvass_ingest", &ingest, rows);
    if let (Some(a), Some(b)) = (polars, canvass) {
        println!(
            "{rows} rows: polars CSV reader {a:.2?}, canvass ingest {b:.2?} (medians); ingest/polars = {:.1}",
            b.as_secs_f64() / a.as_secs_f64()
        );
    }
}
