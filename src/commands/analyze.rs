use std::path::{Path, PathBuf};

use crate::analyze::{self, Partial};
use crate::error::{Error, Outcome, Result};
use crate::ingest::{self, ReadOptions, Responses, partition};
use crate::output::{self, OutputFile};
use crate::report;
use crate::survey::Survey;

/// `canvass analyze SURVEY FILE [--partial] --out PATH`: the aggregates of one response
/// file (a partition `ingest --rows-per-partition` wrote, or any response file), or with
/// `--partial` its partial aggregates for `report --from-partials`.
pub fn run(
    arg: &str,
    file: &Path,
    out: &Path,
    partial: bool,
    options: &ReadOptions,
    analysis: &analyze::Options,
) -> Result<Outcome> {
    if let Some(problem) = analysis.problem() {
        return Err(Error::Usage(problem));
    }
    let loaded = super::load_survey(arg)?;
    let survey = &loaded.survey;
    let (responses, outcome) = read(survey, file, options)?;
    let bytes = if partial {
        analyze::partial(survey, &responses, analysis)?.to_json()?
    } else {
        report::aggregates_json(&analyze::analyze_with(survey, &responses, analysis)?).into_bytes()
    };
    let (dir, name) = split_path(out)?;
    output::write_all(&dir, &[OutputFile::new(name, bytes)])?;
    eprintln!(
        "wrote the {} of {} respondents to {}",
        if partial {
            "partial aggregates"
        } else {
            "aggregates"
        },
        responses.len(),
        out.display()
    );
    Ok(outcome)
}

/// One response file: a Parquet partition as it is, anything else through ingest.
fn read(survey: &Survey, file: &Path, options: &ReadOptions) -> Result<(Responses, Outcome)> {
    let bytes = std::fs::read(file).map_err(|source| Error::Read {
        path: file.to_path_buf(),
        source,
    })?;
    if partition::is_parquet(&bytes) {
        return Ok((
            partition::read_parquet(survey, file, bytes)?,
            Outcome::Clean,
        ));
    }
    let ingested = ingest::ingest_with(survey, &[file.to_path_buf()], options)?;
    super::print_ingest_summary(&ingested.rejects, &ingested.files);
    let outcome = super::ingest_outcome(&ingested.rejects);
    Ok((ingested.responses, outcome))
}

/// A file path as its folder and name, for `output::write_all`.
fn split_path(path: &Path) -> Result<(PathBuf, String)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Usage(format!("--out {}: give a file name", path.display())))?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    Ok((dir, name))
}

/// The partial aggregates files `report --from-partials` merges, each read and checked.
pub(super) fn read_partials(files: &[PathBuf]) -> Result<Vec<Partial>> {
    files
        .iter()
        .map(|file| {
            let bytes = std::fs::read(file).map_err(|source| Error::Read {
                path: file.clone(),
                source,
            })?;
            Partial::from_json(&file.display().to_string(), &bytes)
        })
        .collect()
}
