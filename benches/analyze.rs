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

use std::fs::File;
use std::hint::black_box;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use canvass::analyze::{Options, analyze_with};
use canvass::survey::Survey;
use canvass::synth::Synth;
use criterion::{Criterion, SamplingMode};

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

fn exit(message: impl std::fmt::Display) -> ! {
    eprintln!("{message}");
    std::process::exit(2)
}

fn load_survey() -> Survey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SURVEY);
    canvass::survey::load(&path)
        .unwrap_or_else(|e| exit(e))
        .survey
}

/// Writes the synthetic panel to `path`.
fn write_panel(survey: &Survey, rows: u64, path: &Path) -> std::io::Result<()> {
    let synth = Synth::new(survey, rows, SEED).map_err(std::io::Error::other)?;
    synth.write(BufWriter::with_capacity(1 << 20, File::create(path)?))
}

/// The per-call times of one benchmark, and whether every call succeeded.
#[derive(Default)]
struct Samples {
    times: Vec<Duration>,
    failed: bool,
}

fn timed(samples: &Mutex<Samples>, iters: u64, mut run: impl FnMut() -> bool) -> Duration {
    let mut ok = true;
    let start = Instant::now();
    for _ in 0..iters {
        ok &= black_box(run());
    }
    let elapsed = start.elapsed();
    if let Ok(mut samples) = samples.lock() {
        samples.times.push(elapsed.div_f64(iters.max(1) as f64));
        samples.failed |= !ok;
    }
    elapsed
}

fn median(name: &str, samples: &Mutex<Samples>) -> Option<Duration> {
    let samples = samples.lock().ok()?;
    if samples.failed {
        eprintln!("{name}: a call failed: no ratio");
        return None;
    }
    let mut times = samples.times.clone();
    times.sort_unstable();
    times.get(times.len() / 2).copied()
}

fn main() {
    let rows = rows();
    let survey = load_survey();
    let dir = tempfile::tempdir()
        .unwrap_or_else(|e| exit(format!("cannot make a temporary folder: {e}")));
    let path: PathBuf = dir.path().join("frontier-roles-2027.csv");
    let started = Instant::now();
    if let Err(e) = write_panel(&survey, rows, &path) {
        exit(format!(
            "cannot write the synthetic panel to {}: {e}",
            path.display()
        ));
    }
    eprintln!(
        "synthetic panel: {rows} rows, made in {:.1?}",
        started.elapsed()
    );
    let ingested =
        canvass::ingest::ingest(&survey, std::slice::from_ref(&path)).unwrap_or_else(|e| exit(e));
    if ingested.totals().accepted != rows {
        exit(format!(
            "ingest accepted {} of {rows} rows",
            ingested.totals().accepted
        ));
    }
    let options = Options::default();

    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .without_plots()
        .configure_from_args();
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
