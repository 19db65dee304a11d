//! The front door of reading: a file (or bytes) and what the user said about it, to a
//! [`Source`]. Whether it is a spreadsheet is decided by its first bytes, not its name:
//! tools save HTML or TSV as `.xls`, and a `.csv` can be a renamed workbook.

use std::fmt;
use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use encoding_rs::Encoding;

use super::{Source, Tool, Utf8Check, sheet, text};

/// What the user said about a file, overriding detection (`--tool`, `--delimiter`,
/// `--encoding`, `--sheet`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub tool: Option<Tool>,
    pub delimiter: Option<char>,
    pub encoding: Option<&'static Encoding>,
    pub sheet: Option<String>,
    /// How large a file may be (`--max-row-bytes`, `--max-columns`, …).
    pub limits: super::Limits,
}

/// Why a file could not be opened, and which file.
#[derive(Debug)]
pub struct OpenError {
    pub file: String,
    pub problem: Problem,
}

#[derive(Debug)]
pub enum Problem {
    /// The file could not be read at all.
    Io(std::io::Error),
    /// `--sheet` names a sheet the workbook does not have (the reason lists those it has).
    NoSuchSheet(String),
    /// It looks like a spreadsheet (or is named like one) but cannot be read as one.
    NotASpreadsheet(String),
    /// The bytes are not in the encoding given with `--encoding`.
    Undecodable(String),
    /// The file is larger, in some way, than a [`super::Limits`] allows; the reason names
    /// the limit and its option.
    TooLarge(String),
}

impl OpenError {
    pub fn new(file: impl Into<String>, problem: Problem) -> OpenError {
        OpenError {
            file: file.into(),
            problem,
        }
    }

    /// Whether the file's content is at fault (exit 1), rather than the file system or
    /// the command line (exit 2).
    pub fn is_input_problem(&self) -> bool {
        matches!(
            self.problem,
            Problem::NotASpreadsheet(_) | Problem::TooLarge(_)
        )
    }
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            Problem::Io(e) => write!(f, "{}: cannot read: {e}", self.file),
            Problem::NoSuchSheet(reason)
            | Problem::NotASpreadsheet(reason)
            | Problem::Undecodable(reason)
            | Problem::TooLarge(reason) => write!(f, "{}: {reason}", self.file),
        }
    }
}

impl std::error::Error for OpenError {}

impl From<OpenError> for crate::error::Error {
    fn from(e: OpenError) -> crate::error::Error {
        match e.problem {
            Problem::Io(source) => crate::error::Error::Read {
                path: e.file.into(),
                source,
            },
            _ => crate::error::Error::Usage(e.to_string()),
        }
    }
}

/// Opens a response file for reading.
pub fn open(path: &Path, overrides: &Overrides) -> Result<Source, OpenError> {
    open_checking(path, overrides, Utf8Check::Whole)
}

/// [`open`], with UTF-8 checked as `check` says.
pub fn open_checking(
    path: &Path,
    overrides: &Overrides,
    check: Utf8Check,
) -> Result<Source, OpenError> {
    let name = path.display().to_string();
    let io = |e| OpenError::new(&name, Problem::Io(e));
    let mut file = File::open(path).map_err(io)?;
    let mut magic = Vec::with_capacity(8);
    file.by_ref().take(8).read_to_end(&mut magic).map_err(io)?;
    if is_spreadsheet(&magic) {
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        return sheet::open(&name, bytes, overrides);
    }
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut source = text::open(name, file, overrides, check)?;
    note_spreadsheet_name(path, &mut source);
    Ok(source)
}

/// Opens a file's contents already in memory; `name` stands for its path.
pub fn open_bytes(name: &str, bytes: Vec<u8>, overrides: &Overrides) -> Result<Source, OpenError> {
    open_bytes_checking(name, bytes, overrides, Utf8Check::Whole)
}

/// [`open_bytes`], with UTF-8 checked as `check` says.
pub fn open_bytes_checking(
    name: &str,
    bytes: Vec<u8>,
    overrides: &Overrides,
    check: Utf8Check,
) -> Result<Source, OpenError> {
    if is_spreadsheet(&bytes) {
        return sheet::open(name, bytes, overrides);
    }
    let mut source = text::open(name.to_string(), Cursor::new(bytes), overrides, check)?;
    note_spreadsheet_name(Path::new(name), &mut source);
    Ok(source)
}

/// A zip (xlsx, xlsb, ods) or an OLE compound file (xls).
fn is_spreadsheet(magic: &[u8]) -> bool {
    magic.starts_with(b"PK\x03\x04") || magic.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
}

fn note_spreadsheet_name(path: &Path, source: &mut Source) {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if let Some(ext) = extension.filter(|e| ["xlsx", "xls", "xlsb", "ods"].contains(&e.as_str())) {
        source.detected.notes.push(format!(
            "named .{ext}, but it is text, not a spreadsheet; read as text"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_names_itself() {
        let error = open(Path::new("/no/such/file.csv"), &Overrides::default()).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("/no/such/file.csv: cannot read:")
        );
        assert!(!error.is_input_problem());
    }

    #[test]
    fn text_named_like_a_spreadsheet_is_read_as_text_with_a_note() {
        let source = open_bytes(
            "export.xls",
            b"Timestamp\tQ\n1\t2\n".to_vec(),
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(source.detected.format, "text");
        assert_eq!(source.detected.delimiter, Some('\t'));
        assert!(source.detected.notes.last().unwrap().contains("named .xls"));
    }

    #[test]
    fn a_zip_that_is_no_workbook_is_an_input_problem() {
        let error = open_bytes(
            "x.csv",
            b"PK\x03\x04garbage".to_vec(),
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(error.is_input_problem());
        assert!(error.to_string().starts_with("x.csv: not a spreadsheet"));
    }
}
