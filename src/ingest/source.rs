//! The seam between reading a response file and understanding it.
//!
//! Reading (`source::open`, in `source/`) turns any file a survey tool exports — CSV or TSV
//! in any encoding and dialect, or a spreadsheet — into a [`Source`]: the header rows as
//! text, the tool that made it, and the data records one at a time, each with where it
//! came from. Mapping (`mapping/`) turns a `Source` into canonical rows for a survey. Neither
//! knows how the other works: a new tool's quirks in its file format stay in reading, and
//! its naming conventions stay in mapping.

mod blocks;
mod delimiter;
mod encoding;
pub mod inspect;
pub mod limits;
mod open;
mod sheet;
mod text;
mod tool;

use std::fmt;

use serde::Serialize;

pub use blocks::{BLOCK_BYTES, Block, RecordRef};
pub use delimiter::{describe as describe_delimiter, parse as parse_delimiter};
pub use encoding::parse_label as parse_encoding;
pub use limits::Limits;
pub use open::{
    OpenError, Overrides, Problem, open, open_bytes, open_bytes_checking, open_checking,
};
pub use tool::parse as parse_tool;

/// The survey tool a file comes from, as detected (or as given with `--tool`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    /// canvass's own format: one header row of canonical column names.
    Canonical,
    /// Qualtrics, current export: 3 header rows (ids, question text, `{"ImportId":…}`).
    Qualtrics,
    /// Qualtrics legacy export: `V1…` ids, 2 header rows.
    QualtricsLegacy,
    /// SurveyMonkey: 2 header rows, blank continuation headers, one column per choice.
    #[serde(rename = "surveymonkey")]
    SurveyMonkey,
    /// LimeSurvey CSV export: `code. text` headings.
    #[serde(rename = "limesurvey")]
    LimeSurvey,
    /// LimeSurvey VV export: TAB-separated, 2 header rows.
    #[serde(rename = "limesurvey-vv")]
    LimeSurveyVv,
    /// KoboToolbox: `;`, group paths, optional HXL row, `q/choice` 0/1 columns.
    Kobo,
    /// ODK Central: `-` group paths, metadata columns, `KEY`/`PARENT_KEY`.
    OdkCentral,
    /// REDCap: `field___code` checkbox columns, `*_complete`.
    Redcap,
    /// Google Forms (Sheets CSV): `Timestamp` first, `, `-joined checkboxes, `Q [row]` grids.
    GoogleForms,
    /// Microsoft Forms (through Excel): `;`-joined multi-select.
    MicrosoftForms,
    /// Typeform: a `#` token column first.
    Typeform,
    /// None recognised: columns are matched by name only.
    Unknown,
}

impl Tool {
    pub const ALL: [Tool; 13] = [
        Tool::Canonical,
        Tool::Qualtrics,
        Tool::QualtricsLegacy,
        Tool::SurveyMonkey,
        Tool::LimeSurvey,
        Tool::LimeSurveyVv,
        Tool::Kobo,
        Tool::OdkCentral,
        Tool::Redcap,
        Tool::GoogleForms,
        Tool::MicrosoftForms,
        Tool::Typeform,
        Tool::Unknown,
    ];

    /// The name used by `--tool` and in `canvass inspect`.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Canonical => "canonical",
            Tool::Qualtrics => "qualtrics",
            Tool::QualtricsLegacy => "qualtrics-legacy",
            Tool::SurveyMonkey => "surveymonkey",
            Tool::LimeSurvey => "limesurvey",
            Tool::LimeSurveyVv => "limesurvey-vv",
            Tool::Kobo => "kobo",
            Tool::OdkCentral => "odk-central",
            Tool::Redcap => "redcap",
            Tool::GoogleForms => "google-forms",
            Tool::MicrosoftForms => "microsoft-forms",
            Tool::Typeform => "typeform",
            Tool::Unknown => "unknown",
        }
    }

    pub fn from_name(name: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|t| t.name() == name)
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the file was read: what `canvass inspect` reports, and what the messages mean by
/// "line".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detected {
    pub tool: Tool,
    /// `text` (CSV/TSV) or `xlsx`, `xls`, `ods`.
    pub format: &'static str,
    /// For text: the encoding as encoding_rs names it ("UTF-8", "UTF-16LE", "windows-1252").
    pub encoding: Option<&'static str>,
    /// For text: whether the file began with a byte order mark.
    pub bom: bool,
    /// For text: the field delimiter.
    pub delimiter: Option<char>,
    /// For spreadsheets: the sheet read.
    pub sheet: Option<String>,
    /// How many rows at the top are headings rather than responses.
    pub header_rows: usize,
    /// Facts worth telling the user about the reading (e.g. "an HXL tag row was skipped").
    pub notes: Vec<String>,
}

/// One data record, with where it starts: the physical line of a text file (1-based,
/// counting every newline, also those inside quoted cells), or the row of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub line: u64,
    pub cells: Vec<String>,
}

/// A record that could not be read; reading goes on after it where the format allows.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub line: u64,
    pub reason: String,
    /// Whether the rest of the file can still be read.
    pub fatal: bool,
    /// Set only for a file opened with [`Utf8Check::AsRead`]: the file is not UTF-8 after
    /// all, from this byte offset on, and must be read again ([`Utf8Check::Whole`]).
    pub not_utf8: Option<u64>,
}

/// When a text file without a BOM is found to be UTF-8 (else it is windows-1252).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Utf8Check {
    /// Before it is read: all of it is checked first, so what is read is final.
    #[default]
    Whole,
    /// As it is read: if its start is UTF-8 it is read as UTF-8, each block checked as
    /// it is parsed, and a block that is not ends the reading with an [`Unreadable`] that
    /// says so ([`Unreadable::not_utf8`]). For a reader that can drop what it read and
    /// read the file again: it saves a pass over the whole file before the first record.
    AsRead,
}

/// A file opened for reading: what was detected, its heading rows, and its records.
pub struct Source {
    /// How the file names itself in problems (a path, or `path[Sheet1]` for a sheet).
    pub file: String,
    pub detected: Detected,
    /// The heading rows, top first, each with the line it is on. At least one for a file
    /// with a header; empty only for an empty file.
    pub header: Vec<Record>,
    /// The data records, read as they are asked for, so that a large file is never held
    /// whole in memory.
    pub body: Body,
}

/// The data records of a file, in file order.
pub enum Body {
    /// One record at a time (spreadsheets, records already in memory).
    Records(Box<dyn Iterator<Item = Result<Record, Unreadable>> + Send>),
    /// Text in blocks of whole records, which can be parsed on several threads; `width`
    /// is the header's field count.
    Blocks {
        width: usize,
        blocks: Box<dyn Iterator<Item = Result<Block, Unreadable>> + Send>,
    },
}

impl Body {
    /// Every record, one at a time, whatever the body.
    pub fn records(self) -> Box<dyn Iterator<Item = Result<Record, Unreadable>> + Send> {
        match self {
            Body::Records(records) => records,
            Body::Blocks { width, blocks } => Box::new(blocks.flat_map(move |block| match block {
                Ok(block) => block.records(width),
                Err(unreadable) => vec![Err(unreadable)],
            })),
        }
    }
}

impl Source {
    /// A source from records already in memory: for tests of mapping, and for callers that
    /// have parsed a file some other way.
    pub fn in_memory(
        file: impl Into<String>,
        detected: Detected,
        header: Vec<Record>,
        records: Vec<Record>,
    ) -> Source {
        Source {
            file: file.into(),
            detected,
            header,
            body: Body::Records(Box::new(records.into_iter().map(Ok))),
        }
    }
}

impl Source {
    /// The records, leaving the rest of the source (its file, what was detected, its
    /// header) to look at.
    pub fn take_records(&mut self) -> Box<dyn Iterator<Item = Result<Record, Unreadable>> + Send> {
        std::mem::replace(&mut self.body, Body::Records(Box::new(std::iter::empty()))).records()
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source")
            .field("file", &self.file)
            .field("detected", &self.detected)
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names_round_trip() {
        for tool in Tool::ALL {
            assert_eq!(Tool::from_name(tool.name()), Some(tool));
            // JSON (inspect, aggregates) spells a tool as --tool takes it.
            assert_eq!(serde_json::to_value(tool).unwrap(), tool.name());
        }
        assert_eq!(Tool::from_name("spss"), None);
    }

    #[test]
    fn an_in_memory_source_yields_its_records_in_order() {
        let detected = Detected {
            tool: Tool::Canonical,
            format: "text",
            encoding: Some("UTF-8"),
            bom: false,
            delimiter: Some(','),
            sheet: None,
            header_rows: 1,
            notes: Vec::new(),
        };
        let record = |line: u64, cells: &[&str]| Record {
            line,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        };
        let source = Source::in_memory(
            "f.csv",
            detected,
            vec![record(1, &["respondent_id"])],
            vec![record(2, &["a"]), record(4, &["b"])],
        );
        let lines: Vec<u64> = source.body.records().map(|r| r.unwrap().line).collect();
        assert_eq!(lines, vec![2, 4]);
    }
}
