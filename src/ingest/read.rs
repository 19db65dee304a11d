//! Reading one canonical response file: the header is matched against the survey's
//! columns, then every record becomes a validated [`Row`] or a rejected one.

use std::path::Path;

use chrono::DateTime;

use super::cell::{self, Answer};
use super::problems::{Effect, Problem};
use crate::error::{Error, Result};
use crate::escape;
use crate::survey::{CanonicalColumn, Columns, Survey, did_you_mean};

/// A record that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    pub respondent_id: String,
    /// Milliseconds since the Unix epoch, UTC.
    pub submitted_at: Option<i64>,
    /// One answer per survey question, in survey order.
    pub answers: Vec<Answer>,
}

/// What one file gave: accepted rows, and every problem, each with its line.
#[derive(Debug, Clone, Default)]
pub struct FileRows {
    /// Records after the header.
    pub rows_read: u64,
    /// Records set aside; each has at least one `RowRejected` problem.
    pub rows_rejected: u64,
    pub rows: Vec<Row>,
    pub problems: Vec<Problem>,
}

/// A problem with the header that makes every row of the file unusable.
struct FatalHeader {
    column: Option<usize>,
    field: String,
    reason: String,
}

pub fn read_file(survey: &Survey, columns: &Columns, path: &Path) -> Result<FileRows> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(read_bytes(
        survey,
        columns,
        &path.display().to_string(),
        &bytes,
    ))
}

/// Reads a file's contents; `file` names it in problems.
pub fn read_bytes(survey: &Survey, columns: &Columns, file: &str, bytes: &[u8]) -> FileRows {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut out = FileRows::default();
    let problem = |line: u64, effect: Effect, reason: String| Problem {
        file: file.to_string(),
        line,
        column: None,
        field: None,
        value: None,
        effect,
        reason,
    };

    let mut records = reader.byte_records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(e)) => {
            out.problems.push(problem(
                1,
                Effect::FileRejected,
                format!("cannot read the header: {e}"),
            ));
            return out;
        }
        None => {
            let reason = format!(
                "the file is empty; expected a header row: {}",
                columns.header().join(",")
            );
            out.problems.push(problem(1, Effect::FileRejected, reason));
            return out;
        }
    };
    let header_line = header.position().map_or(1, |p| p.line());
    let (mapping, fatal) = map_header(
        survey,
        columns,
        file,
        header_line,
        &header,
        &mut out.problems,
    );

    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                // Reading from memory with flexible rows has no failure mode the csv crate
                // documents; if one appears, say so rather than drop the rest silently.
                let line = e.position().map_or(header_line, |p| p.line());
                out.problems.push(problem(
                    line,
                    Effect::FileRejected,
                    format!("cannot read past this point: {e}"),
                ));
                break;
            }
        };
        out.rows_read += 1;
        let line = record.position().map_or(0, |p| p.line());
        if let Some(fatal) = &fatal {
            out.rows_rejected += 1;
            out.problems.push(Problem {
                column: fatal.column,
                field: Some(fatal.field.clone()),
                ..problem(line, Effect::RowRejected, fatal.reason.clone())
            });
            continue;
        }
        if record.len() != header.len() {
            out.rows_rejected += 1;
            out.problems.push(Problem {
                column: Some(record.len().min(header.len()) + 1),
                ..problem(
                    line,
                    Effect::RowRejected,
                    format!(
                        "the row has {} fields; the header has {}",
                        record.len(),
                        header.len()
                    ),
                )
            });
            continue;
        }
        match read_record(survey, &mapping, &record) {
            Ok(mut row) => {
                row.line = line;
                out.rows.push(row);
            }
            Err(cell_problems) => {
                out.rows_rejected += 1;
                for (column, value, reason) in cell_problems {
                    out.problems.push(Problem {
                        column: Some(column + 1),
                        field: Some(String::from_utf8_lossy(&header[column]).trim().to_string()),
                        value: Some(value),
                        ..problem(line, Effect::RowRejected, reason)
                    });
                }
            }
        }
    }
    out
}

/// For each header cell, which canonical column it is (`None`: ignored). Problems with
/// the header are pushed; one that makes every row unusable is returned.
fn map_header(
    survey: &Survey,
    columns: &Columns,
    file: &str,
    line: u64,
    header: &csv::ByteRecord,
    problems: &mut Vec<Problem>,
) -> (Vec<Option<CanonicalColumn>>, Option<FatalHeader>) {
    let mut mapping = Vec::with_capacity(header.len());
    let mut fatal = None;
    let at = |column: Option<usize>, field: &str, effect: Effect, reason: String| Problem {
        file: file.to_string(),
        line,
        column,
        field: Some(field.to_string()),
        value: None,
        effect,
        reason,
    };
    for (i, raw) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(raw);
        let name = name.trim();
        let found = columns.find(name);
        match found {
            None => {
                let mut reason = format!(
                    "column `{name}` matches no question of survey `{}`",
                    survey.id
                );
                if let Some(help) = did_you_mean(name, columns.header()) {
                    reason.push_str(&format!(" ({help})"));
                }
                problems.push(at(Some(i + 1), name, Effect::ColumnIgnored, reason));
            }
            Some(column) => {
                if let Some(first) = mapping.iter().position(|m| *m == Some(column)) {
                    let reason = format!(
                        "column `{name}` appears twice in the header (columns {} and {}), so no row can be read unambiguously",
                        first + 1,
                        i + 1
                    );
                    problems.push(at(Some(i + 1), name, Effect::FileRejected, reason.clone()));
                    fatal.get_or_insert(FatalHeader {
                        column: Some(i + 1),
                        field: name.to_string(),
                        reason,
                    });
                }
            }
        }
        mapping.push(found);
    }
    for (name, column) in &columns.columns {
        if mapping.contains(&Some(*column)) {
            continue;
        }
        if columns.is_required(survey, *column) {
            let reason = format!("the header has no `{name}` column, which every row needs");
            problems.push(at(None, name, Effect::FileRejected, reason.clone()));
            fatal.get_or_insert(FatalHeader {
                column: None,
                field: name.clone(),
                reason,
            });
        } else if matches!(column, CanonicalColumn::Answer(_)) {
            let reason =
                format!("the header has no `{name}` column; every row is read as not answering it");
            problems.push(at(None, name, Effect::Note, reason));
        }
    }
    (mapping, fatal)
}

/// Validates every cell of a record; `Err` lists each refused cell as
/// (0-based column, raw value, reason).
fn read_record(
    survey: &Survey,
    mapping: &[Option<CanonicalColumn>],
    record: &csv::ByteRecord,
) -> Result<Row, Vec<(usize, String, String)>> {
    let mut row = Row {
        line: 0,
        respondent_id: String::new(),
        submitted_at: None,
        answers: vec![Answer::Missing; survey.questions.len()],
    };
    let mut problems = Vec::new();
    for (i, (raw, column)) in record.iter().zip(mapping).enumerate() {
        let Some(column) = column else { continue };
        let Ok(text) = std::str::from_utf8(raw) else {
            let value = String::from_utf8_lossy(raw).into_owned();
            problems.push((i, value, "the cell is not valid UTF-8 text".to_string()));
            continue;
        };
        let cell = escape::restore_csv_cell(text);
        let refused = |reason: String| (i, text.to_string(), reason);
        match column {
            CanonicalColumn::RespondentId => {
                row.respondent_id = cell.trim().to_string();
                if row.respondent_id.is_empty() {
                    problems.push(refused("the respondent_id is empty".into()));
                }
            }
            CanonicalColumn::SubmittedAt => match parse_timestamp(cell) {
                Ok(at) => row.submitted_at = at,
                Err(reason) => problems.push(refused(reason)),
            },
            CanonicalColumn::Answer(q) => {
                let question = &survey.questions[*q];
                match cell::parse(question, cell) {
                    Ok(Answer::Missing) if question.required => problems.push(refused(format!(
                        "`{}` is required but the cell is empty",
                        question.id
                    ))),
                    Ok(answer) => row.answers[*q] = answer,
                    Err(reason) => problems.push(refused(reason)),
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(row)
    } else {
        Err(problems)
    }
}

/// RFC 3339 (e.g. `2026-03-01T14:30:00Z`) to milliseconds since the epoch, UTC.
fn parse_timestamp(cell: &str) -> Result<Option<i64>, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    DateTime::parse_from_rfc3339(cell)
        .map(|t| Some(t.timestamp_millis()))
        .map_err(|e| {
            format!("`{cell}` is not an RFC 3339 timestamp such as 2026-03-01T14:30:00Z ({e})")
        })
}
