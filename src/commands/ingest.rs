use std::path::{Path, PathBuf};

use crate::error::{Outcome, Result};
use crate::ingest::{self, ReadOptions, partition};
use crate::output::{self, OutputFile};

/// `canvass ingest SURVEY FILE... --out DIR`: responses.csv, responses.parquet (the same
/// table, typed) and rejects.csv.
/// With `rows_per_partition`, the table goes to `responses/part-00000.parquet` … instead.
pub fn run(
    arg: &str,
    files: &[PathBuf],
    out: &Path,
    options: &ReadOptions,
    rows_per_partition: Option<usize>,
) -> Result<Outcome> {
    // A bad partition size is a usage error: say so before reading anything.
    if rows_per_partition == Some(0) {
        return Err(crate::error::Error::Usage(
            "--rows-per-partition must be at least 1".to_string(),
        ));
    }
    let loaded = super::load_survey(arg)?;
    let definition = super::survey_path(arg);
    let inputs: Vec<&Path> = std::iter::once(definition.as_path())
        .chain(files.iter().map(PathBuf::as_path))
        .collect();
    for name in ["responses.csv", "responses.parquet", "rejects.csv"] {
        output::refuse_overwriting_input(&out.join(name), &inputs)?;
    }
    let ingested = ingest::ingest_with(&loaded.survey, files, options)?;
    super::print_ingest_summary(&ingested.rejects, &ingested.files);
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
    let table = match rows_per_partition {
        Some(rows) => partition::partitions(&ingested.responses, rows)?
            .into_iter()
            .map(|(name, bytes)| OutputFile::new(Path::new(partition::FOLDER).join(name), bytes))
            .collect(),
        None => vec![OutputFile::new(
            "responses.parquet",
            ingested.responses.to_parquet()?,
        )],
    };
    let parquet = match rows_per_partition {
        Some(_) => format!(
            "{}/{}/ ({} partitions)",
            out.display(),
            partition::FOLDER,
            table.len()
        ),
        None => format!("{}/responses.parquet", out.display()),
    };
    let mut files = table;
    files.push(OutputFile::new("rejects.csv", ingested.rejects.to_csv()));
    output::write_all(out, &files)?;
    eprintln!(
        "wrote {0}/responses.csv, {parquet} and {0}/rejects.csv",
        out.display()
    );
    Ok(super::ingest_outcome(&ingested.rejects))
}
