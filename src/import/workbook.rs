//! Reading a spreadsheet (xlsx, xls, xlsb or ods, through calamine) into sheets of text
//! cells that remember where each came from, so every finding names its sheet, row and
//! column as the author sees them in a spreadsheet program.

use std::fmt;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use crate::form::xlsform::vocabulary::split_header;

/// One sheet: its header and its non-empty rows.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<Header>,
    pub rows: Vec<Row>,
    /// The sheet's row number of the header (1-based).
    pub header_row: u32,
}

/// A column header: `label::English (en)` is column `label`, language `English (en)`.
#[derive(Debug, Clone)]
pub struct Header {
    pub column: String,
    pub language: Option<String>,
    /// 0-based column index in the sheet.
    pub index: u32,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based row number in the sheet.
    pub number: u32,
    /// One cell per header, trimmed.
    pub cells: Vec<String>,
}

/// A place in the workbook that a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub sheet: String,
    pub row: Option<u32>,
    /// Column letter(s) and the header text.
    pub column: Option<(String, String)>,
}

impl Place {
    pub fn sheet(name: &str) -> Place {
        Place {
            sheet: name.to_string(),
            row: None,
            column: None,
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sheet `{}`", self.sheet)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some((letters, header)) = &self.column {
            write!(f, ", column {letters} (`{header}`)")?;
        }
        Ok(())
    }
}

/// `A`, `B`, … `Z`, `AA` for a 0-based column index.
pub fn column_letters(index: u32) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

impl Sheet {
    /// The place of a row, optionally at the first column named `column`.
    pub fn place(&self, row: &Row, column: Option<&str>) -> Place {
        Place {
            sheet: self.name.clone(),
            row: Some(row.number),
            column: column.and_then(|c| self.find(c)).map(|h| {
                let header = &self.header[h];
                (column_letters(header.index), header.text.clone())
            }),
        }
    }

    /// The place of the header cell `h`.
    pub fn header_place(&self, h: usize) -> Place {
        let header = &self.header[h];
        Place {
            sheet: self.name.clone(),
            row: Some(self.header_row),
            column: Some((column_letters(header.index), header.text.clone())),
        }
    }

    /// Index of the untranslated column `column` (`type`, `name`, …).
    pub fn find(&self, column: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| h.column == column && h.language.is_none())
            .or_else(|| self.header.iter().position(|h| h.column == column))
    }

    /// The cell of `row` in the untranslated column `column`, or "".
    pub fn get<'r>(&self, row: &'r Row, column: &str) -> &'r str {
        self.header
            .iter()
            .position(|h| h.column == column && h.language.is_none())
            .and_then(|i| row.cells.get(i))
            .map_or("", String::as_str)
    }

    /// Every `column` cell of a row with its language part (`None` for the plain column).
    pub fn texts<'s, 'r>(
        &'s self,
        row: &'r Row,
        column: &'s str,
    ) -> impl Iterator<Item = (Option<&'s str>, &'r str)> + use<'s, 'r> {
        self.header
            .iter()
            .zip(&row.cells)
            .filter(move |(h, _)| h.column == column)
            .map(|(h, cell)| (h.language.as_deref(), cell.as_str()))
    }
}

/// Why a file could not be read as a spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// Every sheet of the workbook.
pub fn read(bytes: &[u8]) -> Result<Vec<Sheet>, Unreadable> {
    let owned = bytes.to_vec();
    without_panics(move || read_sheets(owned))
}

/// Runs `read`, which drives calamine. calamine parses untrusted zip and XML; a bug there
/// must not take canvass down with a panic, so a panic is turned into "could not read"
/// like any other failure. Every use of calamine goes through here.
pub(crate) fn without_panics<T>(
    read: impl FnOnce() -> Result<T, Unreadable>,
) -> Result<T, Unreadable> {
    match catch_unwind(AssertUnwindSafe(read)) {
        Ok(result) => result,
        Err(_) => Err(Unreadable(
            "the spreadsheet reader failed on this file".to_string(),
        )),
    }
}

fn read_sheets(bytes: Vec<u8>) -> Result<Vec<Sheet>, Unreadable> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Unreadable(format!(
            "not a spreadsheet (xlsx, xls, xlsb or ods) that can be read: {e}"
        ))
    })?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| Unreadable(format!("cannot read sheet `{name}`: {e}")))?;
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let mut rows = range.rows().enumerate().map(|(i, cells)| {
            let number = first_row.saturating_add(u32::try_from(i).unwrap_or(u32::MAX)) + 1;
            (number, cells.iter().map(cell_text).collect::<Vec<String>>())
        });
        let mut sheet = Sheet {
            name: name.clone(),
            ..Sheet::default()
        };
        // The header is the first row with any text in it.
        for (number, cells) in rows.by_ref() {
            if cells.iter().all(String::is_empty) {
                continue;
            }
            sheet.header_row = number;
            sheet.header = cells
                .iter()
                .enumerate()
                .filter(|(_, text)| !text.is_empty())
                .map(|(i, text)| {
                    let (column, language) = split_header(text);
                    Header {
                        column,
                        language: language.map(str::to_string),
                        index: first_col.saturating_add(u32::try_from(i).unwrap_or(u32::MAX)),
                        text: text.clone(),
                    }
                })
                .collect();
            break;
        }
        let offsets: Vec<usize> = sheet
            .header
            .iter()
            .map(|h| (h.index - first_col) as usize)
            .collect();
        for (number, cells) in rows {
            let cells: Vec<String> = offsets
                .iter()
                .map(|&i| cells.get(i).cloned().unwrap_or_default())
                .collect();
            if cells.iter().any(|c| !c.is_empty()) {
                sheet.rows.push(Row { number, cells });
            }
        }
        sheets.push(sheet);
    }
    Ok(sheets)
}

/// A cell as the text an XLSForm author means: numbers without a needless `.0`, booleans
/// as `true`/`false` (which pyxform accepts for `required`).
fn cell_text(cell: &Data) -> String {
    let text = match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => format!("{}", d.as_f64()),
    };
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_count_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        assert!(read(b"not a spreadsheet").is_err());
        assert!(read(b"PK\x03\x04 truncated zip").is_err());
        assert!(read(&[]).is_err());
    }
}
