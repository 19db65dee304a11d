//! Survey definitions from forms made elsewhere: an XLSForm workbook (ODK, Enketo,
//! KoboToolbox, or canvass's own `form --format xlsx`) read into a checked [`Survey`] and
//! written as a definition file.
//!
//! A workbook canvass wrote carries what XLSForm has no column for (`canvass_*` columns
//! and a `canvass` sheet) and comes back as the same survey. A form made by hand or in
//! another tool is translated construct by construct; whatever cannot be translated is
//! reported with its sheet, row and column, never dropped silently. The result is written
//! with [`crate::survey::to_toml`] and checked like any definition, so what this returns
//! is exactly what `canvass check` will accept.

mod build;
pub mod conditions;
mod constraints;
mod facts;
pub(crate) mod workbook;
pub mod xpath;

use std::fmt;
use std::path::Path;

use crate::survey::Survey;
pub use workbook::Place;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something done on purpose, said so the reader knows (a `calculate` skipped).
    Note,
    /// Something in the form that the survey does not keep.
    Warning,
    /// Something that stops the import.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One thing the import found, at a place in the workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// `None` for findings about the whole file.
    pub place: Option<Place>,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Some(place) => write!(f, "{}: {place}: {}", self.severity.as_str(), self.message),
            None => write!(f, "{}: {}", self.severity.as_str(), self.message),
        }
    }
}

/// What the import needs besides the workbook.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The position question, overriding what the workbook says (`--position`).
    pub position: Option<&'a str>,
    /// The name of the definition file to be written: messages about the written
    /// definition name it, and a roster it names is read relative to its folder.
    pub definition: &'a Path,
    /// The file name of the workbook, for a survey id when the form has none.
    pub workbook: &'a Path,
    /// How large the workbook may be (`--max-unpacked-bytes`, `--max-sheet-cells`).
    pub limits: crate::ingest::source::Limits,
}

/// The definition made from a workbook.
#[derive(Debug, Clone)]
pub struct Definition {
    /// The survey as the written definition loads.
    pub survey: Survey,
    /// The definition file's text.
    pub toml: String,
}

/// What an import gives: the definition (none if an error stopped it) and every finding,
/// in workbook order.
#[derive(Debug, Clone)]
pub struct Imported {
    pub definition: Option<Definition>,
    pub findings: Vec<Finding>,
}

impl Imported {
    pub fn has(&self, severity: Severity) -> bool {
        self.findings.iter().any(|f| f.severity == severity)
    }
}

/// Reads an XLSForm workbook into a survey definition.
pub fn xlsform(bytes: &[u8], options: &Options<'_>) -> Imported {
    let sheets = match workbook::read(bytes, &options.limits) {
        Ok(sheets) => sheets,
        Err(e) => {
            return Imported {
                definition: None,
                findings: vec![Finding {
                    severity: Severity::Error,
                    place: None,
                    message: e.0,
                }],
            };
        }
    };
    build::build(&sheets, options)
}

#[cfg(test)]
mod tests;
