use crate::error::{Outcome, Result};
use crate::survey::schema::SCHEMA;

/// `canvass schema`: the JSON Schema of the survey format, for editors.
pub fn run() -> Result<Outcome> {
    super::write_stdout(SCHEMA.as_bytes())?;
    Ok(Outcome::Clean)
}
