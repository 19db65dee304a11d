use std::path::Path;

use crate::error::{Error, Outcome, Result};
use crate::form::{self, Format};
use crate::output;

/// `canvass form SURVEY --format F [--out PATH]`.
pub fn run(arg: &str, format: Format, out: Option<&Path>) -> Result<Outcome> {
    if format.is_binary() && out.is_none() {
        return Err(Error::Usage(format!(
            "the {} form is a binary file: give --out PATH, e.g. --out {}",
            format.file_name().rsplit('.').next().unwrap_or("binary"),
            format.file_name()
        )));
    }
    let loaded = super::load_survey(arg)?;
    let bytes = form::bytes(&loaded.survey, format)?;
    match out {
        Some(path) => {
            output::refuse_overwriting_input(path, &[&super::survey_path(arg)])?;
            output::write_file(path, &bytes)?;
            eprintln!("wrote {}", path.display());
        }
        None => super::write_stdout(&bytes)?,
    }
    Ok(Outcome::Clean)
}
