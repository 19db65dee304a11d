//! `canvass ingest` writes `responses.parquet` beside `responses.csv`: the response table
//! with its types, read back here with polars' own reader, and the same bytes every run.

mod common;

use std::fs;
use std::io::Cursor;
use std::path::Path;

use common::{canvass, root};
use polars::prelude::*;
use polars_io::SerReader;
use polars_io::prelude::ParquetReader;

/// Runs `canvass ingest SURVEY FILE --out DIR` and returns the parquet file's bytes.
fn ingest_to(survey: &str, file: &str, out: &Path) -> Vec<u8> {
    let output = canvass()
        .args(["ingest", survey, file, "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("responses.parquet"), "{stderr}");
    assert!(out.join("responses.csv").is_file());
    fs::read(out.join("responses.parquet")).unwrap()
}

/// The response table the library makes of the same file.
fn library_frame(survey: &str, file: &str) -> DataFrame {
    let path = root().join(format!("surveys/{survey}.toml"));
    let survey = canvass::survey::load(&path).unwrap().survey;
    let ingested = canvass::ingest::ingest(&survey, &[root().join(file)]).unwrap();
    ingested.responses.frame().clone()
}

fn assert_parquet_is_the_table(survey: &str, file: &str, rows: usize) {
    let dir = tempfile::tempdir().unwrap();
    let first = ingest_to(survey, file, &dir.path().join("first"));
    let second = ingest_to(survey, file, &dir.path().join("second"));
    assert!(
        first == second,
        "{survey}: two runs wrote different parquet bytes"
    );

    let read = ParquetReader::new(Cursor::new(first)).finish().unwrap();
    let expected = library_frame(survey, file);
    assert_eq!(read.height(), rows);
    assert_eq!(read.schema(), expected.schema());
    assert!(
        read.equals_missing(&expected),
        "{survey}: parquet\n{read}\nlibrary\n{expected}"
    );
}

#[test]
fn the_seed_panel_reads_back_from_parquet_as_ingested() {
    assert_parquet_is_the_table(
        "capabilities-roles",
        "data/capabilities-roles/seed-panel.csv",
        11,
    );
}

#[test]
fn the_synthetic_panel_reads_back_from_parquet_as_ingested() {
    assert_parquet_is_the_table(
        "frontier-roles-2027",
        "data/frontier-roles-2027/synthetic.csv",
        300,
    );
}
