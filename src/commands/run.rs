use std::path::{Path, PathBuf};

use crate::error::{Error, Outcome, Result};
use crate::output::{self, OutputFile};
use crate::report::ReportOptions;
use crate::survey;
use crate::{analyze, form};

pub struct Paths<'a> {
    pub id: &'a str,
    pub surveys: &'a Path,
    pub data: &'a Path,
    pub out: Option<&'a Path>,
    pub deny_warnings: bool,
}

/// `canvass run [SURVEY_ID]`: check, forms, ingest and report for one survey.
pub fn run(
    paths: Paths<'_>,
    analysis: &analyze::Options,
    presentation: &ReportOptions,
) -> Result<Outcome> {
    let definition = paths.surveys.join(format!("{}.toml", paths.id));
    let loaded = survey::load(&definition)?;
    super::print_warnings(&loaded.report);
    let survey = &loaded.survey;
    if survey.id != paths.id {
        return Err(Error::Usage(format!(
            "{} defines survey `{}`, not `{}`: a survey's id must match its file name",
            definition.display(),
            survey.id,
            paths.id
        )));
    }
    let data_dir = paths.data.join(paths.id);
    let files = response_files(&data_dir)?;
    let forms = form::all(survey)?
        .into_iter()
        .map(|f| OutputFile::new(Path::new("forms").join(&f.path), f.bytes))
        .collect();
    let source = super::report::Source {
        survey,
        definition: &definition,
        files: &files,
    };
    let out = paths
        .out
        .map_or_else(|| Path::new("reports").join(paths.id), Path::to_path_buf);
    let inputs = source.inputs();
    output::refuse_inputs_within(&out, &inputs)?;
    let (outcome, written) =
        super::report::build(source, &Default::default(), analysis, presentation, forms)?;
    output::replace_dir(&out, &written, &inputs)?;
    eprintln!(
        "wrote the report to {}/ ({} files; open index.html)",
        out.display(),
        written.len()
    );
    let warned = paths.deny_warnings && !loaded.report.diagnostics.is_empty();
    Ok(outcome.and(if warned {
        Outcome::InputProblems
    } else {
        Outcome::Clean
    }))
}

/// Every `.csv` file directly in `dir`, sorted by name so the order (and so the output)
/// never depends on the file system.
fn response_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| Error::Read {
                path: dir.to_path_buf(),
                source,
            })?
            .path();
        if path.is_file()
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "no response files in {}/: put the survey's response CSVs there (canonical header: `canvass form {} --format csv`)",
            dir.display(),
            dir.file_name().and_then(|n| n.to_str()).unwrap_or("SURVEY")
        )));
    }
    Ok(files)
}
