use std::path::Path;

use crate::error::{Error, Outcome, Result};
use crate::import::{self, Severity};
use crate::ingest::source::Limits;
use crate::output;

/// `canvass import FORM [--out PATH] [--position QUESTION]`.
pub fn run(
    form: &Path,
    out: Option<&Path>,
    position: Option<&str>,
    limits: Limits,
) -> Result<Outcome> {
    if let Some(path) = out {
        output::refuse_overwriting_input(path, &[form])?;
    }
    let bytes = std::fs::read(form).map_err(|source| Error::Read {
        path: form.to_path_buf(),
        source,
    })?;
    let stem = form
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("imported");
    let default_definition = format!("{stem}.toml");
    let definition = out.unwrap_or(Path::new(&default_definition));
    let imported = import::xlsform(
        &bytes,
        &import::Options {
            position,
            definition,
            workbook: form,
            limits,
        },
    );
    for finding in &imported.findings {
        eprintln!("{}: {finding}", form.display());
    }
    let warned = imported.has(Severity::Warning);
    let Some(made) = imported.definition else {
        let errors = imported
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        return Err(Error::Usage(format!(
            "{}: no definition made ({errors} error{} above)",
            form.display(),
            if errors == 1 { "" } else { "s" }
        )));
    };
    match out {
        Some(path) => {
            output::write_file(path, made.toml.as_bytes())?;
            eprintln!(
                "wrote {} (survey `{}`, {} questions)",
                path.display(),
                made.survey.id,
                made.survey.questions.len()
            );
        }
        None => super::write_stdout(made.toml.as_bytes())?,
    }
    Ok(if warned {
        Outcome::InputProblems
    } else {
        Outcome::Clean
    })
}
