//! Reading a spreadsheet (xlsx, xls, xlsb or ods, through calamine) into sheets of text
//! cells that remember where each came from, so every finding names its sheet, row and
//! column as the author sees them in a spreadsheet program.

use std::fmt;
use std::io::{self, Cursor, Read, Seek};
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};

use crate::ingest::source::Limits;
use crate::ingest::source::limits::bytes as show_bytes;

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

/// Every sheet of the workbook, within `limits`.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, Unreadable> {
    check_unpacked_size(bytes, limits)?;
    let owned = bytes.to_vec();
    let limits = *limits;
    without_panics(move || read_sheets(owned, &limits))
}

/// Refuses a zip (xlsx, xlsb, ods) whose entries unpack to more than
/// [`Limits::max_unpacked_bytes`], before calamine inflates any of it: a few kilobytes
/// can unpack to gigabytes. What the entries say they hold is checked first; then, since
/// a file can lie about that, what they do unpack to is counted, stopping at the limit.
/// A zip that cannot be read is left for calamine to report.
pub(crate) fn check_unpacked_size(bytes: &[u8], limits: &Limits) -> Result<(), Unreadable> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(());
    }
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let limit = limits.max_unpacked_bytes;
    let too_large = |what: String| {
        Unreadable(format!(
            "the workbook unpacks to {what}, more than the limit of {} (--max-unpacked-bytes)",
            show_bytes(limit)
        ))
    };
    let declared = (0..zip.len())
        .filter_map(|i| zip.by_index_raw(i).ok().map(|entry| entry.size()))
        .fold(0u64, u64::saturating_add);
    if declared > limit {
        return Err(too_large(format!("{declared} bytes")));
    }
    let mut left = limit;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else {
            continue;
        };
        let unpacked =
            io::copy(&mut entry.take(left.saturating_add(1)), &mut io::sink()).unwrap_or(0);
        if unpacked > left {
            return Err(too_large("more than its entries say".to_string()));
        }
        left -= unpacked;
    }
    Ok(())
}

/// Refuses a sheet whose used area (from its first to its last non-empty row and
/// column) has more than [`Limits::max_sheet_cells`] cells: calamine holds every cell of
/// that area, so two cells at A1 and XFD1048576 would ask for hundreds of gigabytes.
/// xlsx and xlsb are scanned cell by cell first; xls has at most 65,536 × 256 cells and
/// ods at most what calamine caps it at, so neither is scanned. A sheet that cannot be
/// scanned is left for calamine to report.
pub(crate) fn check_extent<RS: Read + Seek>(
    workbook: &mut Sheets<RS>,
    sheet: &str,
    limits: &Limits,
) -> Result<(), Unreadable> {
    let mut extent = Extent::default();
    match workbook {
        Sheets::Xlsx(xlsx) => {
            let Ok(mut cells) = xlsx.worksheet_cells_reader(sheet) else {
                return Ok(());
            };
            while let Ok(Some(cell)) = cells.next_cell() {
                if !matches!(cell.get_value(), calamine::DataRef::Empty) {
                    extent.add(cell.get_position());
                }
            }
        }
        Sheets::Xlsb(xlsb) => {
            let Ok(mut cells) = xlsb.worksheet_cells_reader(sheet) else {
                return Ok(());
            };
            while let Ok(Some(cell)) = cells.next_cell() {
                if !matches!(cell.get_value(), calamine::DataRef::Empty) {
                    extent.add(cell.get_position());
                }
            }
        }
        Sheets::Xls(_) | Sheets::Ods(_) => return Ok(()),
    }
    let cells = extent.cells();
    if cells > limits.max_sheet_cells {
        return Err(Unreadable(format!(
            "sheet `{sheet}` spans {} rows × {} columns ({cells} cells, empty ones included), more than the limit of {} cells (--max-sheet-cells)",
            extent.rows(),
            extent.columns(),
            limits.max_sheet_cells
        )));
    }
    Ok(())
}

/// The rows and columns between a sheet's first and last non-empty cell.
#[derive(Debug, Default)]
struct Extent {
    /// (first row, last row, first column, last column), once a cell is seen.
    bounds: Option<(u32, u32, u32, u32)>,
}

impl Extent {
    fn add(&mut self, (row, column): (u32, u32)) {
        self.bounds = Some(match self.bounds {
            None => (row, row, column, column),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(column), c1.max(column)),
        });
    }

    fn rows(&self) -> u64 {
        self.bounds
            .map_or(0, |(r0, r1, _, _)| u64::from(r1 - r0) + 1)
    }

    fn columns(&self) -> u64 {
        self.bounds
            .map_or(0, |(_, _, c0, c1)| u64::from(c1 - c0) + 1)
    }

    fn cells(&self) -> u64 {
        self.rows().saturating_mul(self.columns())
    }
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

fn read_sheets(bytes: Vec<u8>, limits: &Limits) -> Result<Vec<Sheet>, Unreadable> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Unreadable(format!(
            "not a spreadsheet (xlsx, xls, xlsb or ods) that can be read: {e}"
        ))
    })?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        check_extent(&mut workbook, &name, limits)?;
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
        let limits = Limits::default();
        assert!(read(b"not a spreadsheet", &limits).is_err());
        assert!(read(b"PK\x03\x04 truncated zip", &limits).is_err());
        assert!(read(&[], &limits).is_err());
    }

    fn workbook(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet().set_name("survey").unwrap();
        for &(row, column, text) in cells {
            sheet.write_string(row, column, text).unwrap();
        }
        workbook.save_to_buffer().unwrap()
    }

    #[test]
    fn a_sheet_spanning_the_whole_grid_is_refused_before_it_is_held() {
        // Two cells, a few kilobytes: read as a range, 17 billion cells.
        let bytes = workbook(&[(0, 0, "type"), (1_048_575, 16_383, "far")]);
        assert!(bytes.len() < 10_000);
        let Unreadable(reason) = read(&bytes, &Limits::default()).unwrap_err();
        assert_eq!(
            reason,
            "sheet `survey` spans 1048576 rows × 16384 columns (17179869184 cells, empty ones included), more than the limit of 20000000 cells (--max-sheet-cells)"
        );
        let limits = Limits {
            max_sheet_cells: 4,
            ..Limits::default()
        };
        let near = workbook(&[(0, 0, "type"), (1, 1, "name")]);
        assert!(read(&near, &limits).is_ok(), "2 × 2 cells is within 4");
        let wider = workbook(&[(0, 0, "type"), (1, 2, "name")]);
        assert!(
            read(&wider, &limits)
                .unwrap_err()
                .0
                .contains("2 rows × 3 columns")
        );
    }

    #[test]
    fn a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_inflated() {
        let text = "a".repeat(30_000);
        let bytes = workbook(&[(0, 0, "type"), (1, 0, &text), (2, 0, &text)]);
        assert!(bytes.len() < 20_000, "it packs small: {}", bytes.len());
        let limits = Limits {
            max_unpacked_bytes: 40_000,
            ..Limits::default()
        };
        let Unreadable(reason) = read(&bytes, &limits).unwrap_err();
        assert!(reason.starts_with("the workbook unpacks to "), "{reason}");
        assert!(
            reason.ends_with("more than the limit of 40000 bytes (--max-unpacked-bytes)"),
            "{reason}"
        );
        assert!(read(&bytes, &Limits::default()).is_ok());
    }
}
