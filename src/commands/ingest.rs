use std::path::{Path, PathBuf};

use crate::error::{Outcome, Result};
use crate::ingest::{self, ReadOptions};
use crate::output::{self, OutputFile};

/// `canvass ingest SURVEY FILE... --out DIR`: responses.csv, responses.parquet (the same
/// table, typed) and rejects.csv.
pub fn run(arg: &str, files: &[PathBuf], out: &Path, options: &ReadOptions) -> Result<Outcome> {
    let loaded = super::load_survey(arg)?;
    let definition = super::survey_path(arg);
    let inputs: Vec<&Path> = std::iter::once(definition.as_path())
        .chain(files.iter().map(PathBuf::as_path))
        .collect();
    for name in ["responses.csv", "responses.parquet", "rejects.csv"] {
        output::refuse_overwriting_input(&out.join(name), &inputs)?;
    }
    let ingested = ingest::ingest_with(&loaded.survey, files, options)?;
    super::print_ingest_summary(&ingested);
    // The response file can be as large as the input: it is written as it is made.
    let mut failed = None;
    output::write_streamed(&out.join("responses.csv"), |file| {
        ingested
            .responses
            .write_canonical_csv(&loaded.survey, file)
            .map_err(|e| {
                let io = std::io::Error::other(e.to_string());
                failed = Some(e);
                io
            })
    })
    .map_err(|e| failed.take().unwrap_or(e))?;
    output::write_all(
        out,
        &[
            OutputFile::new("responses.parquet", ingested.responses.to_parquet()?),
            OutputFile::new("rejects.csv", ingested.rejects.to_csv()),
        ],
    )?;
    eprintln!(
        "wrote {0}/responses.csv, {0}/responses.parquet and {0}/rejects.csv",
        out.display()
    );
    Ok(super::ingest_outcome(&ingested))
}
