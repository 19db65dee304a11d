//! Reading real survey-tool exports (tests/fixtures/exports/, see SOURCES.md there) and
//! variants of them made here: each is detected as its tool, in its encoding and dialect,
//! with the record count SOURCES.md gives (Python's csv module, heading rows included)
//! and the cells where they are.

mod common;

use std::path::PathBuf;

use canvass::ingest::source::inspect::Inspection;
use canvass::ingest::source::{Overrides, Record, Source, Tool, open, open_bytes};
use encoding_rs::{UTF_16LE, WINDOWS_1252};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    common::root().join("tests/fixtures/exports").join(name)
}

/// The source and every record (an unreadable one fails the test).
fn read(name: &str) -> (Source, Vec<Record>) {
    let mut source = open(&fixture(name), &Overrides::default()).unwrap();
    let records = source
        .take_records()
        .map(|r| r.unwrap_or_else(|u| panic!("{name}:{}: {}", u.line, u.reason)))
        .collect();
    (source, records)
}

struct Expected {
    tool: Tool,
    bom: bool,
    delimiter: char,
    header_rows: usize,
    /// Records as SOURCES.md counts them: heading rows included.
    records: usize,
}

fn check(name: &str, expected: Expected) -> (Source, Vec<Record>) {
    let (source, records) = read(name);
    let d = &source.detected;
    assert_eq!(d.tool, expected.tool, "{name}");
    assert_eq!(d.format, "text");
    assert_eq!(d.encoding, Some("UTF-8"), "{name}");
    assert_eq!(d.bom, expected.bom, "{name}");
    assert_eq!(d.delimiter, Some(expected.delimiter), "{name}");
    assert_eq!(d.header_rows, expected.header_rows, "{name}");
    assert_eq!(source.header.len(), expected.header_rows, "{name}");
    assert_eq!(
        source.header.len() + records.len(),
        expected.records,
        "{name}"
    );
    (source, records)
}

/// The cell at 0-based `column` of the record starting on `line`.
fn cell(records: &[Record], line: u64, column: usize) -> &str {
    let record = records
        .iter()
        .find(|r| r.line == line)
        .unwrap_or_else(|| panic!("no record starts on line {line}"));
    &record.cells[column]
}

#[test]
fn qualtrics_current() {
    let (source, records) = check(
        "qualtrics-rpkg-sample.csv",
        Expected {
            tool: Tool::Qualtrics,
            bom: false,
            delimiter: ',',
            header_rows: 3,
            records: 4,
        },
    );
    assert_eq!(source.header[1].cells[9], "Nachname des Empfängers");
    assert!(source.header[2].cells[0].starts_with("{\"ImportId\""));
    assert_eq!(cell(&records, 4, 0), "2017-07-18 08:28:09");
    assert_eq!(cell(&records, 4, 3), "130.92.34.66");
}

#[test]
fn qualtrics_legacy() {
    let (source, records) = check(
        "qualtrics-rpkg-legacy.csv",
        Expected {
            tool: Tool::QualtricsLegacy,
            bom: true,
            delimiter: ',',
            header_rows: 2,
            records: 3,
        },
    );
    assert_eq!(
        source.header[0].cells[0], "V1",
        "the BOM is not part of the cell"
    );
    assert_eq!(
        source.header[0].cells.len(),
        16,
        "the trailing comma is kept"
    );
    assert_eq!(cell(&records, 3, 0), "R_2YPOQ602ER1jkf1");
    assert_eq!(cell(&records, 3, 11), "Hello World!");
}

#[test]
fn surveymonkey() {
    let (source, records) = check(
        "surveymonkey-538-steak.csv",
        Expected {
            tool: Tool::SurveyMonkey,
            bom: false,
            delimiter: ',',
            header_rows: 2,
            records: 552,
        },
    );
    assert!(source.header[0].cells[1].contains("<br>In Lottery A"));
    assert_eq!(source.header[1].cells[1], "Response");
    assert_eq!(cell(&records, 3, 0), "3237565956");
    assert_eq!(cell(&records, 4, 14), "East North Central");
    assert_eq!(cell(&records, 552, 0), "3234760413");
}

#[test]
fn limesurvey_vv() {
    let (source, records) = check(
        "limesurvey-vvexport-tab.csv",
        Expected {
            tool: Tool::LimeSurveyVv,
            bom: false,
            delimiter: '\t',
            header_rows: 2,
            records: 128,
        },
    );
    assert_eq!(source.header[1].cells[2], "submitdate");
    assert_eq!(cell(&records, 3, 1), "{question_not_shown}");
    // Ragged rows are kept as they are: 15 fields under a 16-field header.
    assert_eq!(records[0].cells.len(), 15);
    assert_eq!(cell(&records, 128, 0), "209");
}

#[test]
fn kobo_with_an_hxl_row() {
    let (source, records) = check(
        "kobo-kpi-testexpect-hxl.csv",
        Expected {
            tool: Tool::Kobo,
            bom: false,
            delimiter: ';',
            header_rows: 2,
            records: 5,
        },
    );
    assert_eq!(source.header[1].cells[2], "#symmetry");
    assert!(source.detected.notes.iter().any(|n| n.contains("HXL")));
    assert_eq!(cell(&records, 3, 2), "Spherical Radial Bilateral");
    assert_eq!(
        cell(&records, 5, 19),
        "3",
        "no CR left on the last cell (CRLF)"
    );
}

#[test]
fn odk_central() {
    let (source, records) = check(
        "odkcentral-ruodk-flora-main.csv",
        Expected {
            tool: Tool::OdkCentral,
            bom: false,
            delimiter: ',',
            header_rows: 1,
            records: 3,
        },
    );
    assert_eq!(source.header[0].cells.len(), 31);
    assert_eq!(records[0].cells.len(), 30, "ragged rows are kept");
    assert_eq!(cell(&records, 2, 3), "Florian Mayer");
    assert_eq!(cell(&records, 3, 0), "2019-09-18T06:20:25.780Z");
}

#[test]
fn redcap_with_newlines_in_cells() {
    let (_, records) = check(
        "redcap-redcapr-simple.csv",
        Expected {
            tool: Tool::Redcap,
            bom: false,
            delimiter: ',',
            header_rows: 1,
            records: 6,
        },
    );
    // Each address spans two lines, so records start on physical lines 2, 4, 6, …
    assert_eq!(
        cell(&records, 2, 3),
        "14 Rose Cottage St.\nKenning UK, 323232"
    );
    assert_eq!(cell(&records, 4, 1), "Tumtum");
    assert_eq!(cell(&records, 13, 1), "John Lee");
}

#[test]
fn google_forms_with_crlf() {
    let (_, records) = check(
        "googleforms-cs50-favorites.csv",
        Expected {
            tool: Tool::GoogleForms,
            bom: false,
            delimiter: ',',
            header_rows: 1,
            records: 491,
        },
    );
    assert_eq!(cell(&records, 2, 2), "Drama, Sports");
    assert_eq!(cell(&records, 4, 1), "Blindspot");
    assert_eq!(cell(&records, 491, 1), "Blacklist");
}

// Variants made from the real exports.

/// The export's rows (headings and records) written again with `delimiter` and
/// `terminator`, as another tool or a spreadsheet program would save them.
fn rewrite(rows: &[Record], delimiter: u8, crlf: bool) -> String {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(&row.cells).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

fn all_rows(name: &str) -> (Source, Vec<Record>) {
    let (source, records) = read(name);
    let mut rows = source.header.clone();
    rows.extend(records);
    (source, rows)
}

fn read_bytes(name: &str, bytes: Vec<u8>) -> (Source, Vec<Record>) {
    let mut source = open_bytes(name, bytes, &Overrides::default()).unwrap();
    let records: Vec<Record> = source
        .take_records()
        .map(|r| r.unwrap_or_else(|u| panic!("{name}:{}: {}", u.line, u.reason)))
        .collect();
    let mut rows = source.header.clone();
    rows.extend(records);
    (source, rows)
}

const VARIED: [&str; 4] = [
    "qualtrics-rpkg-sample.csv",
    "redcap-redcapr-simple.csv",
    "surveymonkey-538-steak.csv",
    "limesurvey-vvexport-tab.csv",
];

#[test]
fn utf16le_tsv_with_a_bom_like_qualtrics_writes_it() {
    for name in VARIED {
        let (original, rows) = all_rows(name);
        let text = rewrite(&rows, b'\t', true);
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let (source, again) = read_bytes(name, bytes);
        assert_eq!(source.detected.encoding, Some("UTF-16LE"), "{name}");
        assert!(source.detected.bom);
        assert_eq!(source.detected.delimiter, Some('\t'), "{name}");
        assert_eq!(source.detected.tool, original.detected.tool, "{name}");
        assert_eq!(again, rows, "{name}");
    }
}

#[test]
fn utf16le_without_a_bom() {
    let (_, rows) = all_rows("qualtrics-rpkg-sample.csv");
    let bytes: Vec<u8> = rewrite(&rows, b',', false)
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let (source, again) = read_bytes("q.csv", bytes);
    assert_eq!(source.detected.encoding, Some("UTF-16LE"));
    assert!(!source.detected.bom);
    assert_eq!(again, rows);
}

#[test]
fn windows_1252_semicolons_and_crlf_like_excel_saves_them() {
    let (_, rows) = all_rows("qualtrics-rpkg-sample.csv");
    let text = rewrite(&rows, b';', true);
    let (bytes, _, unmappable) = WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    assert!(bytes.contains(&0xE4), "ä is one byte");
    let (source, again) = read_bytes("q.csv", bytes.into_owned());
    assert_eq!(source.detected.encoding, Some("windows-1252"));
    assert_eq!(source.detected.delimiter, Some(';'));
    assert_eq!(source.detected.tool, Tool::Qualtrics);
    assert!(
        source
            .detected
            .notes
            .iter()
            .any(|n| n.contains("not UTF-8"))
    );
    assert_eq!(again, rows);
}

#[test]
fn a_utf8_bom_and_crlf() {
    for name in VARIED {
        let (_, rows) = all_rows(name);
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(rewrite(&rows, b',', true).into_bytes());
        let (source, again) = read_bytes(name, bytes);
        assert!(source.detected.bom);
        assert_eq!(source.detected.encoding, Some("UTF-8"));
        assert_eq!(again, rows, "{name}");
    }
}

#[test]
fn the_same_export_saved_as_xlsx() {
    for name in VARIED {
        let (original, rows) = all_rows(name);
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet().set_name("Export").unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.cells.iter().enumerate() {
                sheet.write(r as u32, c as u16, text.as_str()).unwrap();
            }
        }
        let (source, again) = read_bytes("export.xlsx", book.save_to_buffer().unwrap());
        assert_eq!(source.file, "export.xlsx[Export]");
        assert_eq!(source.detected.format, "xlsx");
        assert_eq!(source.detected.sheet.as_deref(), Some("Export"));
        assert_eq!(source.detected.tool, original.detected.tool, "{name}");
        assert_eq!(
            source.detected.header_rows, original.detected.header_rows,
            "{name}"
        );
        // A sheet has no ragged rows: trailing empty cells fill each row to the sheet's
        // width. Lines are sheet rows.
        let width = again.iter().map(|r| r.cells.len()).max().unwrap();
        for (i, (row, original)) in again.iter().zip(&rows).enumerate() {
            assert_eq!(row.line, i as u64 + 1, "{name}");
            let mut expected = original.cells.clone();
            expected.resize(width, String::new());
            assert_eq!(row.cells, expected, "{name} row {}", i + 1);
        }
        assert_eq!(again.len(), rows.len());
    }
}

#[test]
fn edge_files() {
    let (source, rows) = read_bytes("empty.csv", Vec::new());
    assert!(rows.is_empty() && source.header.is_empty());
    assert_eq!(source.detected.tool, Tool::Unknown);

    let (source, rows) = read_bytes("h.csv", b"respondent_id,stance\r\n".to_vec());
    assert_eq!(source.detected.tool, Tool::Canonical);
    assert_eq!(rows.len(), 1, "the header only");

    let (_, rows) = read_bytes("d.csv", b"id,q,q\n1,a,b\n".to_vec());
    assert_eq!(
        rows[0].cells,
        vec!["id", "q", "q"],
        "a duplicate heading is kept"
    );
    assert_eq!(rows[1].cells, vec!["1", "a", "b"]);

    let (_, rows) = read_bytes("r.csv", b"a,b,c\n1,2\n1,2,3,\n".to_vec());
    assert_eq!(rows[1].cells.len(), 2);
    assert_eq!(rows[2].cells, vec!["1", "2", "3", ""]);
}

#[test]
fn a_stray_quote_in_a_real_export_is_reported_and_reading_goes_on() {
    let bytes = std::fs::read(fixture("surveymonkey-538-steak.csv")).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    // A quote opened before the last cell of line 10; the next `"` is in line 11's
    // `"$50,000 - $99,999"`, so the two lines run together.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[9] = lines[9].replace(",West North Central", ",\"West North Central");
    let mut source = open_bytes(
        "s.csv",
        lines.join("\n").into_bytes(),
        &Overrides::default(),
    )
    .unwrap();
    let items: Vec<_> = source.take_records().collect();
    let bad: Vec<_> = items.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].line, 10);
    assert!(bad[0].reason.contains("lines 10–11"), "{}", bad[0].reason);
    let after = items
        .iter()
        .find_map(|r| r.as_ref().ok().filter(|r| r.line == 12))
        .expect("reading goes on after the swallowed lines");
    assert_eq!(after.cells[0], "3234951249");
    assert_eq!(after.cells.len(), 15);
    assert_eq!(
        items.len(),
        550 - 1,
        "two lines became one unreadable record"
    );
}

/// The same file read at once: decoded whole, parsed whole, by the delimiter detected.
fn read_whole(bytes: &[u8], source: &Source) -> usize {
    let encoding =
        encoding_rs::Encoding::for_label(source.detected.encoding.unwrap().as_bytes()).unwrap();
    let skip = match encoding_rs::Encoding::for_bom(bytes) {
        Some((e, n)) if e == encoding => n,
        _ => 0,
    };
    let (text, _) = encoding.decode_without_bom_handling(&bytes[skip..]);
    let mut text = text.into_owned();
    if text.contains('\r') && !text.contains('\n') {
        text = text.replace('\r', "\n");
    }
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(source.detected.delimiter.unwrap() as u8)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .filter(|r| !(r.len() == 1 && (r[0].is_empty() || &r[0] == "\r")))
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Any byte changes to a real export: reading never panics, lines only go forward,
    /// and every record the whole file holds is either yielded or reported unreadable.
    #[test]
    fn mutated_exports_are_read_whole_without_panics(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
    ) {
        let name = ["redcap-redcapr-simple.csv", "qualtrics-rpkg-legacy.csv", "kobo-kpi-testexpect-hxl.csv"][which];
        let mut bytes = std::fs::read(fixture(name)).unwrap();
        for (at, byte) in &edits {
            let i = at.index(bytes.len());
            bytes[i] = *byte;
        }
        let mut source = open_bytes(name, bytes.clone(), &Overrides::default()).unwrap();
        let mut lines: Vec<u64> = source.header.iter().map(|h| h.line).collect();
        for item in source.take_records() {
            lines.push(match item {
                Ok(record) => record.line,
                Err(unreadable) => unreadable.line,
            });
        }
        prop_assert!(lines.windows(2).all(|w| w[0] < w[1]), "{:?}", lines);
        let physical = bytes.iter().filter(|b| **b == b'\n').count() as u64 + 1;
        prop_assert!(lines.iter().all(|l| (1..=physical).contains(l)) || source.detected.encoding != Some("UTF-8"));
        prop_assert_eq!(lines.len(), read_whole(&bytes, &source));
    }

    /// Any bytes at all, also behind a spreadsheet's signature: an error or a source
    /// that `canvass inspect` can go through, never a panic.
    #[test]
    fn any_bytes_open_without_panics(
        zip in any::<bool>(),
        body in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut bytes = if zip { b"PK\x03\x04".to_vec() } else { Vec::new() };
        bytes.extend(body);
        if let Ok(source) = open_bytes("x", bytes, &Overrides::default()) {
            let inspection = Inspection::of(source);
            prop_assert!(inspection.unreadable <= inspection.records);
        }
    }
}

#[test]
fn utf16_override_reads_a_file_without_a_bom() {
    let (_, rows) = all_rows("redcap-redcapr-simple.csv");
    let bytes: Vec<u8> = rewrite(&rows, b',', false)
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let overrides = Overrides {
        encoding: Some(UTF_16LE),
        tool: Some(Tool::Unknown),
        ..Overrides::default()
    };
    let mut source = open_bytes("r.csv", bytes, &overrides).unwrap();
    assert_eq!(source.detected.tool, Tool::Unknown, "--tool wins");
    assert_eq!(source.detected.header_rows, 1);
    assert_eq!(source.take_records().count(), 5);
}
