//! Reading a spreadsheet export (xlsx, xls, xlsb, ods) through calamine: one sheet, its
//! cells as the text a person sees, each record with its sheet row. calamine reads a
//! sheet whole; that is its model, and spreadsheets are bounded (about a million rows).

use std::io::Cursor;

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};

use super::open::{OpenError, Overrides, Problem};
use super::{Detected, Limits, Record, Source, tool};
use crate::import::workbook::{
    Unreadable as Failed, check_extent, check_unpacked_size, without_panics,
};

/// The sheet read, as rows of text with their 1-based row numbers.
struct Read {
    format: &'static str,
    sheet: String,
    rows: Vec<Record>,
}

/// Opens the sheet `--sheet` names, or the first; `path` names the file in messages.
pub fn open(path: &str, bytes: Vec<u8>, overrides: &Overrides) -> Result<Source, OpenError> {
    let wanted = overrides.sheet.clone();
    let limits = overrides.limits;
    check_unpacked_size(&bytes, &limits)
        .map_err(|Failed(reason)| OpenError::new(path, Problem::TooLarge(reason)))?;
    let read = without_panics(move || read_sheet(bytes, wanted.as_deref(), &limits))
        .map_err(|Failed(reason)| OpenError::new(path, Problem::decode_sheet_error(reason)))?;
    if let Some(header) = read.rows.first() {
        check_columns(header.cells.len(), &limits)
            .map_err(|reason| OpenError::new(path, Problem::TooLarge(reason)))?;
    }
    let mut notes = Vec::new();
    if overrides.delimiter.is_some() || overrides.encoding.is_some() {
        notes.push("--delimiter and --encoding are not used: this is a spreadsheet".into());
    }
    let signature: Vec<Vec<String>> = read
        .rows
        .iter()
        .take(tool::SIGNATURE_ROWS)
        .map(|r| r.cells.iter().map(|c| c.trim().to_string()).collect())
        .collect();
    let tool = overrides.tool.unwrap_or_else(|| tool::detect(&signature));
    let (header_rows, note) = tool::header_rows(tool, &signature);
    notes.extend(note);
    let mut rows = read.rows;
    let records = rows.split_off(header_rows.min(rows.len()));
    Ok(Source::in_memory(
        format!("{path}[{}]", read.sheet),
        Detected {
            tool,
            format: read.format,
            encoding: None,
            bom: false,
            delimiter: None,
            sheet: Some(read.sheet),
            header_rows,
            notes,
        },
        rows,
        records,
    ))
}

/// Marks the reasons that come from a sheet name that is not in the workbook.
const NO_SUCH_SHEET: &str = "no sheet named ";

/// Refuses a header wider than [`Limits::max_columns`].
pub(super) fn check_columns(width: usize, limits: &Limits) -> Result<(), String> {
    if width > limits.max_columns {
        return Err(format!(
            "the header has {width} columns, more than the limit of {} (--max-columns)",
            limits.max_columns
        ));
    }
    Ok(())
}

fn read_sheet(bytes: Vec<u8>, wanted: Option<&str>, limits: &Limits) -> Result<Read, Failed> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Failed(format!(
            "not a spreadsheet (xlsx, xls, xlsb or ods) that can be read: {e}"
        ))
    })?;
    let format = match &workbook {
        Sheets::Xls(_) => "xls",
        Sheets::Xlsx(_) => "xlsx",
        Sheets::Xlsb(_) => "xlsb",
        Sheets::Ods(_) => "ods",
    };
    let names = workbook.sheet_names();
    let sheet = match wanted {
        Some(name) if names.iter().any(|n| n == name) => name.to_string(),
        Some(name) => {
            return Err(Failed(format!(
                "{NO_SUCH_SHEET}`{name}`; the sheets are {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Failed("the workbook has no sheets".into()))?,
    };
    check_extent(&mut workbook, &sheet, limits)?;
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| Failed(format!("cannot read sheet `{sheet}`: {e}")))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    // Cells are placed from column A, so that cell i is the sheet's column i + 1 whatever
    // column the data starts in; empty rows are skipped, as a CSV reader skips blank lines.
    let lead = vec![String::new(); first_col as usize];
    let rows = range
        .rows()
        .enumerate()
        .filter_map(|(i, cells)| {
            let texts: Vec<String> = cells.iter().map(cell_text).collect();
            if texts.iter().all(String::is_empty) {
                return None;
            }
            Some(Record {
                line: u64::from(first_row) + i as u64 + 1,
                cells: lead.iter().cloned().chain(texts).collect(),
            })
        })
        .collect();
    Ok(Read {
        format,
        sheet,
        rows,
    })
}

/// A cell as the text a person sees in it: whole numbers without `.0`, booleans as
/// `true`/`false`, dates and times (stored as day counts) as ISO 8601.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (year, month, day, hour, minute, second, milli) = d.to_ymd_hms_milli();
            let mut text =
                format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
            if milli > 0 {
                text.push_str(&format!(".{milli:03}"));
            }
            text
        }
        // A duration (a time of day typed as `[h]:mm`) is a day count with no calendar date.
        Data::DateTime(d) => format!("{}", d.as_f64()),
    }
}

impl Problem {
    fn decode_sheet_error(reason: String) -> Problem {
        if reason.starts_with(NO_SUCH_SHEET) {
            Problem::NoSuchSheet(reason)
        } else {
            Problem::NotASpreadsheet(reason)
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    use super::*;
    use crate::ingest::source::Tool;

    fn workbook() -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet().set_name("Responses").unwrap();
        sheet.write(0, 0, "respondent_id").unwrap();
        sheet.write(0, 1, "submitted_at").unwrap();
        sheet.write(0, 2, "score").unwrap();
        sheet.write(0, 3, "ok").unwrap();
        sheet.write(1, 0, "a").unwrap();
        let when = ExcelDateTime::parse_from_str("2026-03-01 14:30:00").unwrap();
        let format = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
        sheet.write_with_format(1, 1, &when, &format).unwrap();
        sheet.write(1, 2, 7.0).unwrap();
        sheet.write(1, 3, true).unwrap();
        sheet.write(3, 0, "b").unwrap();
        sheet.write(3, 2, 2.5).unwrap();
        book.add_worksheet().set_name("Other").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn cells_read_as_a_person_sees_them_with_sheet_rows() {
        let source = open("r.xlsx", workbook(), &Overrides::default()).unwrap();
        assert_eq!(source.file, "r.xlsx[Responses]");
        assert_eq!(source.detected.tool, Tool::Canonical);
        assert_eq!(source.detected.format, "xlsx");
        assert_eq!(source.header[0].line, 1);
        let records: Vec<Record> = source.body.records().map(Result::unwrap).collect();
        assert_eq!(records[0].line, 2);
        assert_eq!(
            records[0].cells,
            vec!["a", "2026-03-01T14:30:00", "7", "true"]
        );
        assert_eq!(records[1].line, 4, "the empty row 3 is skipped");
        assert_eq!(records[1].cells, vec!["b", "", "2.5", ""]);
    }

    #[test]
    fn an_unknown_sheet_lists_the_sheets() {
        let overrides = Overrides {
            sheet: Some("Sheet1".into()),
            ..Overrides::default()
        };
        let error = open("r.xlsx", workbook(), &overrides).unwrap_err();
        assert_eq!(
            error.to_string(),
            "r.xlsx: no sheet named `Sheet1`; the sheets are `Responses`, `Other`"
        );
        assert!(matches!(error.problem, Problem::NoSuchSheet(_)));
        let other = Overrides {
            sheet: Some("Other".into()),
            ..Overrides::default()
        };
        let source = open("r.xlsx", workbook(), &other).unwrap();
        assert_eq!(source.file, "r.xlsx[Other]");
        assert!(source.header.is_empty());
    }

    #[test]
    fn a_broken_workbook_is_an_error_not_a_panic() {
        let mut bytes = workbook();
        bytes.truncate(bytes.len() / 2);
        let error = open("r.xlsx", bytes, &Overrides::default()).unwrap_err();
        assert!(
            matches!(error.problem, Problem::NotASpreadsheet(_)),
            "{error}"
        );
    }
}
