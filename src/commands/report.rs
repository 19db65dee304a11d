use std::path::{Path, PathBuf};

use crate::error::{Outcome, Result};
use crate::ingest::ReadOptions;
use crate::output::{self, OutputFile};
use crate::report::{DataQuality, Inputs};
use crate::survey::Survey;
use crate::{analyze, chart, ingest, report};

/// `canvass report SURVEY FILE... --out DIR`.
pub fn run(
    arg: &str,
    files: &[PathBuf],
    out: &Path,
    options: &ReadOptions,
    analysis: &analyze::Options,
) -> Result<Outcome> {
    let loaded = super::load_survey(arg)?;
    let (outcome, written) = build(&loaded.survey, files, options, analysis, Vec::new())?;
    output::write_all(out, &written)?;
    eprintln!(
        "wrote the report to {}/ ({} files; open index.html)",
        out.display(),
        written.len()
    );
    Ok(outcome)
}

/// Ingest → analyze → chart → report; `extra` files (e.g. forms) are added to the set.
pub(super) fn build(
    survey: &Survey,
    files: &[PathBuf],
    options: &ReadOptions,
    analysis: &analyze::Options,
    extra: Vec<OutputFile>,
) -> Result<(Outcome, Vec<OutputFile>)> {
    let ingested = ingest::ingest_with(survey, files, options)?;
    super::print_ingest_summary(&ingested);
    let aggregates = analyze::analyze_with(survey, &ingested.responses, analysis)?;
    let charts = chart::render_all(&aggregates)?;
    let mut written = report::render(Inputs {
        survey,
        aggregates: &aggregates,
        charts: &charts,
        quality: DataQuality {
            files: &ingested.files,
            rejects: &ingested.rejects,
        },
    });
    written.extend(extra);
    Ok((super::ingest_outcome(&ingested), written))
}
