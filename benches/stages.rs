//! How long each stage of the pipeline takes on small and mid-sized panels.
//!
//! `cargo bench --bench stages` times, with criterion:
//!
//! - `definition_load/<survey>`: [`canvass::survey::load`] of each shipped survey
//!   (reading, parsing, checking and building the [`canvass::survey::Survey`] tree);
//! - for the seed panel (`data/capabilities-roles/seed-panel.csv`, 11 panelists) and for
//!   a synthetic panel of 10,000 rows of `frontier-roles-2027` (`CANVASS_STAGES_ROWS` for
//!   another size), each stage alone, on what the stage before made once:
//!   `ingest` ([`canvass::ingest::ingest`]), `analyze` ([`canvass::analyze::analyze_with`],
//!   default options), `chart` ([`canvass::chart::render_all`]) and `report`
//!   ([`canvass::report::render`], every format, in memory).
//!
//! Ingest and analysis at a million rows are `benches/ingest.rs` and `benches/analyze.rs`;
//! the whole run against polars and pandas is `benches/compare.sh`.

mod common;

use std::path::{Path, PathBuf};

use canvass::analyze::{Aggregates, Options, analyze_with};
use canvass::chart::Chart;
use canvass::ingest::Ingested;
use canvass::report::{DataQuality, Formats, Inputs, Provenance};
use canvass::survey::Survey;
use common::exit;
use criterion::{BenchmarkId, Criterion};

const SURVEYS: [&str; 2] = ["capabilities-roles", "frontier-roles-2027"];
const DEFAULT_SYNTH_ROWS: u64 = 10_000;

fn manifest_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn load(id: &str) -> Survey {
    canvass::survey::load(&manifest_path(&format!("surveys/{id}.toml")))
        .unwrap_or_else(|e| exit(e))
        .survey
}

/// Rows of the synthetic panel: `CANVASS_STAGES_ROWS`, or 10,000.
fn synth_rows() -> u64 {
    match std::env::var("CANVASS_STAGES_ROWS") {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| exit(format!("CANVASS_STAGES_ROWS={text:?} is not a row count"))),
        Err(_) => DEFAULT_SYNTH_ROWS,
    }
}

fn definition_load(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("definition_load");
    for id in SURVEYS {
        let path = manifest_path(&format!("surveys/{id}.toml"));
        group.bench_function(id, |b| {
            b.iter(|| canvass::survey::load(&path).is_ok_and(|l| l.survey.id == id))
        });
    }
    group.finish();
}

/// Everything each stage needs, made once by the stages before it.
struct Panel {
    name: String,
    survey: Survey,
    file: PathBuf,
    rows: u64,
    ingested: Ingested,
    aggregates: Aggregates,
    charts: Vec<Chart>,
    provenance: Provenance,
}

impl Panel {
    fn new(name: String, survey_id: &str, survey: Survey, file: PathBuf) -> Panel {
        let definition = manifest_path(&format!("surveys/{survey_id}.toml"));
        let ingested = canvass::ingest::ingest(&survey, std::slice::from_ref(&file))
            .unwrap_or_else(|e| exit(e));
        let rows = ingested.totals().accepted;
        if rows == 0 || ingested.totals().rejected != 0 {
            exit(format!(
                "{}: ingest accepted {rows} rows and rejected {}; the stages need a clean panel",
                file.display(),
                ingested.totals().rejected
            ));
        }
        let aggregates = analyze_with(&survey, &ingested.responses, &Options::default())
            .unwrap_or_else(|e| exit(e));
        let charts = canvass::chart::render_all(&aggregates).unwrap_or_else(|e| exit(e));
        let provenance =
            Provenance::of(&definition, std::slice::from_ref(&file)).unwrap_or_else(|e| exit(e));
        Panel {
            name: format!("{name}_{rows}_rows"),
            survey,
            file,
            rows,
            ingested,
            aggregates,
            charts,
            provenance,
        }
    }

    fn inputs(&self) -> Inputs<'_> {
        Inputs {
            survey: &self.survey,
            aggregates: &self.aggregates,
            charts: &self.charts,
            quality: DataQuality {
                files: &self.ingested.files,
                rejects: &self.ingested.rejects,
            },
            provenance: &self.provenance,
        }
    }
}

fn stages(criterion: &mut Criterion, panel: &Panel) {
    let mut group = criterion.benchmark_group("stages");
    let options = Options::default();
    let id = |stage: &str| BenchmarkId::new(stage, &panel.name);
    group.bench_function(id("ingest"), |b| {
        b.iter(|| {
            canvass::ingest::ingest(&panel.survey, std::slice::from_ref(&panel.file))
                .is_ok_and(|i| i.totals().accepted == panel.rows)
        })
    });
    group.bench_function(id("analyze"), |b| {
        b.iter(|| {
            analyze_with(&panel.survey, &panel.ingested.responses, &options)
                .is_ok_and(|a| a.panel.answered == panel.rows)
        })
    });
    group.bench_function(id("chart"), |b| {
        b.iter(|| {
            canvass::chart::render_all(&panel.aggregates)
                .is_ok_and(|charts| charts.len() == panel.charts.len())
        })
    });
    group.bench_function(id("report"), |b| {
        b.iter(|| {
            canvass::report::render(panel.inputs(), Formats::ALL).is_ok_and(|f| !f.is_empty())
        })
    });
    group.finish();
}

fn main() {
    // Ten samples per benchmark: the 10,000-row analysis takes most of a second a call.
    let mut criterion = common::criterion();
    definition_load(&mut criterion);

    let seed = Panel::new(
        "seed_panel".to_owned(),
        "capabilities-roles",
        load("capabilities-roles"),
        manifest_path("data/capabilities-roles/seed-panel.csv"),
    );
    stages(&mut criterion, &seed);

    let rows = synth_rows();
    let survey = load("frontier-roles-2027");
    let (_dir, file) = common::panel(&survey, rows);
    let synth = Panel::new("synth".to_owned(), "frontier-roles-2027", survey, file);
    stages(&mut criterion, &synth);

    criterion.final_summary();
}
