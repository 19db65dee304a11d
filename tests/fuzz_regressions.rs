//! Every input that once crashed canvass (found by the fuzz targets in fuzz/, or by hand
//! while hardening: docs/hardening.md), run through the code of every fuzz target with
//! the targets' checks. A new crashing input needs only to be copied into
//! tests/fixtures/fuzz-regressions/ (named `<target>-<what>.<ext>`) to be tested here.

mod common;

use std::path::Path;

use canvass::import::{self, Severity};
use canvass::survey;

/// The `survey` and `show_if` targets: text in, a result or a located error out.
fn as_text(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let (_survey, report) = survey::check_source("regression.toml", source);
    let _ = report.to_string();
    if let Err(e) = survey::show_if::parse(source) {
        assert!(e.span.start <= e.span.end && e.span.end <= source.len());
    }
}

/// The `ingest` target: one file against the frontier survey; nothing is lost.
fn as_responses(data: &[u8], survey: &survey::Survey) {
    let files = [("regression.csv".to_string(), data.to_vec())];
    let ingested = canvass::ingest::ingest_bytes(survey, &files).unwrap();
    let counts = ingested.totals();
    assert_eq!(counts.accepted + counts.rejected, counts.rows_read);
    assert_eq!(ingested.responses.len() as u64, counts.accepted);
}

/// The `xlsform` target: a definition, or an error that says why not.
fn as_workbook(data: &[u8]) -> import::Imported {
    let imported = import::xlsform(
        data,
        &import::Options {
            position: None,
            definition: Path::new("regression.toml"),
            workbook: Path::new("regression.xlsx"),
            limits: Default::default(),
        },
    );
    assert!(imported.definition.is_some() || imported.has(Severity::Error));
    imported
}

#[test]
fn every_input_that_once_crashed_runs_through_every_target() {
    let dir = common::root().join("tests/fixtures/fuzz-regressions");
    let survey = survey::load(&common::root().join("surveys/frontier-roles-2027.toml"))
        .unwrap()
        .survey;
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    for path in inputs {
        let data = std::fs::read(&path).unwrap();
        eprintln!("{}", path.display());
        as_text(&data);
        as_responses(&data, &survey);
        as_workbook(&data);
    }
}

/// Found by hand while bounding workbooks: two cells, at A1 and XFD1048576, in a 9.6 KB
/// xlsx made calamine allocate 512 GiB, and canvass aborted (not even a panic).
#[test]
fn a_workbook_whose_sheet_spans_the_grid_is_refused() {
    let path =
        common::root().join("tests/fixtures/fuzz-regressions/xlsform-sheet-spans-the-grid.xlsx");
    let data = std::fs::read(path).unwrap();
    let imported = as_workbook(&data);
    assert!(
        imported.findings[0]
            .message
            .contains("more than the limit of 20000000 cells (--max-sheet-cells)"),
        "{:?}",
        imported.findings
    );
}

/// Found by the `xlsform` target: a cell reference whose row number overflows a `u32`
/// multiplication in calamine 0.35 (xlsx/mod.rs:1881, reached from the sheet-extent scan).
/// calamine panics (in builds with overflow checks); canvass catches it and reports the
/// file as unreadable.
#[test]
fn a_calamine_panic_on_a_row_number_is_an_unreadable_file() {
    let path = common::root()
        .join("tests/fixtures/fuzz-regressions/xlsform-calamine-row-number-overflow.xlsx");
    let data = std::fs::read(path).unwrap();
    let imported = as_workbook(&data);
    assert!(imported.definition.is_none());
    assert!(imported.has(Severity::Error), "{:?}", imported.findings);
}
