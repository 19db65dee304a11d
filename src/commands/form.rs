use std::path::Path;

use crate::error::{Outcome, Result};
use crate::form::{self, Format};
use crate::output;

/// `canvass form SURVEY --format F [--out PATH]`.
pub fn run(arg: &str, format: Format, out: Option<&Path>) -> Result<Outcome> {
    let loaded = super::load_survey(arg)?;
    let text = form::emit(&loaded.survey, format);
    match out {
        Some(path) => {
            output::write_file(path, text.as_bytes())?;
            eprintln!("wrote {}", path.display());
        }
        None => super::write_stdout(text.as_bytes())?,
    }
    Ok(Outcome::Clean)
}
