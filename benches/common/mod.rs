//! What the benchmarks share: the synthetic panel they time canvass on, and criterion
//! timings kept so that two benchmarks of one run can be compared as a ratio.

// Each benchmark includes this module and uses only part of it.
#![allow(dead_code)]

use std::fs::File;
use std::hint::black_box;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use canvass::survey::Survey;
use canvass::synth::Synth;
use criterion::Criterion;
use polars::prelude::{DataFrame, PolarsResult};
use polars_io::prelude::{CsvReadOptions, SerReader};

const SURVEY: &str = "surveys/frontier-roles-2027.toml";
const DEFAULT_ROWS: u64 = 1_000_000;
const SEED: u64 = 1;

/// Rows to generate: `CANVASS_BENCH_ROWS`, or a million.
pub fn rows() -> u64 {
    match std::env::var("CANVASS_BENCH_ROWS") {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| exit(format!("CANVASS_BENCH_ROWS={text:?} is not a row count"))),
        Err(_) => DEFAULT_ROWS,
    }
}

/// Alternating pairs to time for a ratio: `CANVASS_BENCH_PAIRS`, or 5.
pub fn pairs() -> usize {
    match std::env::var("CANVASS_BENCH_PAIRS") {
        Ok(text) => text.trim().parse().unwrap_or_else(|_| {
            exit(format!(
                "CANVASS_BENCH_PAIRS={text:?} is not a number of pairs"
            ))
        }),
        Err(_) => 5,
    }
}

/// Says why the benchmark cannot run, and stops (exit 2, as canvass does).
pub fn exit(message: impl std::fmt::Display) -> ! {
    eprintln!("{message}");
    std::process::exit(2)
}

pub fn load_survey() -> Survey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SURVEY);
    canvass::survey::load(&path)
        .unwrap_or_else(|e| exit(e))
        .survey
}

/// Writes a synthetic panel of `rows` rows for `survey` into a new temporary folder,
/// saying how large it is; returns the folder (removed when dropped) and the file.
pub fn panel(survey: &Survey, rows: u64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir()
        .unwrap_or_else(|e| exit(format!("cannot make a temporary folder: {e}")));
    let path = dir.path().join("frontier-roles-2027.csv");
    let started = Instant::now();
    let written = Synth::new(survey, rows, SEED)
        .map_err(std::io::Error::other)
        .and_then(|synth| synth.write(BufWriter::with_capacity(1 << 20, File::create(&path)?)));
    if let Err(e) = written {
        exit(format!(
            "cannot write the synthetic panel to {}: {e}",
            path.display()
        ));
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "synthetic panel: {rows} rows, {:.1} MB, made in {:.1?}",
        size as f64 / 1e6,
        started.elapsed()
    );
    (dir, path)
}

/// Criterion as every benchmark here uses it: each call takes seconds, so the fewest
/// samples criterion takes, one call each, and no plots.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .without_plots()
        .configure_from_args()
}

/// The per-call times of one benchmark, and whether every call did its whole job.
#[derive(Default)]
pub struct Samples {
    times: Vec<Duration>,
    failed: bool,
}

/// Times `run` for criterion's `iter_custom`, keeping each call's time in `samples`;
/// `run` says whether the call did its whole job.
pub fn timed(samples: &Mutex<Samples>, iters: u64, mut run: impl FnMut() -> bool) -> Duration {
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

/// The median time of one benchmark, if it ran and every call did its whole job.
pub fn median(name: &str, samples: &Mutex<Samples>) -> Option<Duration> {
    let samples = samples.lock().ok()?;
    if samples.failed {
        eprintln!("{name}: a call failed or fell short: no ratio");
        return None;
    }
    let mut times = samples.times.clone();
    times.sort_unstable();
    times.get(times.len() / 2).copied()
}

/// Wall-clock and CPU time (user + system, every thread) of one call.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    pub wall: Duration,
    pub cpu: Duration,
}

/// This process's CPU time so far, from `/proc/self/stat` (Linux; in clock ticks of
/// 10 ms, fine for calls of a second or more).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start after its `)`.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Times one call; `None` if it did not do its whole job.
pub fn cost(run: impl FnOnce() -> bool) -> Option<Cost> {
    let cpu = cpu_time();
    let start = Instant::now();
    let ok = black_box(run());
    let wall = start.elapsed();
    let cpu = cpu_time().zip(cpu).map(|(b, a)| b.saturating_sub(a))?;
    ok.then_some(Cost { wall, cpu })
}

/// The ratio of `b` to `a` measured in `pairs` alternating calls (a, b, a, b, ...), so that
/// whatever else the machine is doing weighs on both alike: prints the median wall time
/// of each, the median of the per-pair wall ratios, and the ratio of the CPU time used.
pub fn paired(
    pairs: usize,
    (a_name, mut a): (&str, impl FnMut() -> bool),
    (b_name, mut b): (&str, impl FnMut() -> bool),
) {
    let mut costs = Vec::new();
    for _ in 0..pairs {
        match (cost(&mut a), cost(&mut b)) {
            (Some(x), Some(y)) => costs.push((x, y)),
            _ => {
                eprintln!("{a_name} / {b_name}: a call failed or fell short: no ratio");
                return;
            }
        }
    }
    let middle = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let wall_a = middle(costs.iter().map(|c| c.0.wall.as_secs_f64()).collect());
    let wall_b = middle(costs.iter().map(|c| c.1.wall.as_secs_f64()).collect());
    let ratios: Vec<f64> = costs
        .iter()
        .map(|c| c.1.wall.as_secs_f64() / c.0.wall.as_secs_f64())
        .collect();
    let (lowest, highest) = ratios.iter().fold((f64::INFINITY, 0f64), |(lo, hi), r| {
        (lo.min(*r), hi.max(*r))
    });
    let cpu_a: f64 = costs.iter().map(|c| c.0.cpu.as_secs_f64()).sum();
    let cpu_b: f64 = costs.iter().map(|c| c.1.cpu.as_secs_f64()).sum();
    // Other work on the machine only ever adds time: the fastest call of each is the
    // steadiest estimate of what it costs.
    let fastest = |pick: fn(&(Cost, Cost)) -> Duration| {
        costs
            .iter()
            .map(pick)
            .min()
            .unwrap_or_default()
            .as_secs_f64()
    };
    let (fastest_a, fastest_b) = (fastest(|c| c.0.wall), fastest(|c| c.1.wall));
    println!(
        "{pairs} alternating pairs: {a_name} {wall_a:.2} s, {b_name} {wall_b:.2} s (median wall); \
         {b_name}/{a_name} = {:.2} (median of pairs, range {lowest:.2}–{highest:.2}); \
         fastest {fastest_a:.2} s and {fastest_b:.2} s, ratio {:.2}; CPU time {b_name}/{a_name} = {:.2}",
        middle(ratios),
        fastest_b / fastest_a,
        cpu_b / cpu_a
    );
}

/// polars' CSV reader reading `path` into a DataFrame with every column as text: the
/// baseline of the ingest and analyze benchmarks (splitting records and fields, no typing
/// or checking).
pub fn polars_csv(path: &Path) -> PolarsResult<DataFrame> {
    CsvReadOptions::default()
        .with_has_header(true)
        // No inference: every column is read as a string.
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))?
        .finish()
}

/// Whether polars read all `rows` rows of `path`.
pub fn polars_reads_whole(path: &Path, rows: u64) -> bool {
    polars_csv(path).is_ok_and(|frame| frame.height() as u64 == rows)
}

/// Whether `canvass::ingest::ingest` accepted all `rows` rows of `path`.
pub fn ingests_whole(survey: &Survey, path: &Path, rows: u64) -> bool {
    canvass::ingest::ingest(survey, std::slice::from_ref(&path.to_path_buf()))
        .is_ok_and(|ingested| ingested.totals().accepted == rows)
}
