//! End-to-end: every real export in tests/fixtures/exports/ ingested through the binary
//! with the survey that describes it. Counts must add up (accepted + rejected = read,
//! with every rejected row in rejects.csv) and spot-checked values must be right.

mod common;

use std::collections::BTreeSet;
use std::fs;

use common::canvass;

struct Expected {
    export: &'static str,
    exit: i32,
    read: usize,
    accepted: usize,
    rejected: usize,
    /// (respondent_id, canonical column, value) in responses.csv.
    values: &'static [(&'static str, &'static str, &'static str)],
}

/// Ingests one export; returns responses.csv as rows of (header → value).
fn ingest(expected: &Expected) -> Vec<Vec<(String, String)>> {
    let dir = tempfile::tempdir().unwrap();
    let export = format!("tests/fixtures/exports/{}.csv", expected.export);
    let survey = format!("tests/fixtures/exports/surveys/{}.toml", expected.export);
    let output = canvass()
        .args(["ingest", &survey, &export, "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let summary = format!(
        "read {} rows: {} accepted, {} rejected",
        expected.read, expected.accepted, expected.rejected
    );
    assert_eq!(expected.read, expected.accepted + expected.rejected);
    assert!(
        stdout.contains(&summary) || stderr.contains(&summary),
        "{}: expected `{summary}`\n{stdout}\n{stderr}",
        expected.export
    );
    assert_eq!(output.status.code(), Some(expected.exit), "{stderr}");

    // Every rejected row is in rejects.csv, by line, with a row effect.
    let mut rejects = csv::Reader::from_path(dir.path().join("rejects.csv")).unwrap();
    let lines: BTreeSet<String> = rejects
        .records()
        .map(|r| r.unwrap())
        .filter(|r| matches!(&r[5], "row rejected" | "row set aside"))
        .map(|r| r[1].to_string())
        .collect();
    assert_eq!(lines.len(), expected.rejected, "{}", expected.export);

    let text = fs::read_to_string(dir.path().join("responses.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<(String, String)>> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), expected.accepted, "{}", expected.export);
    for (id, column, value) in expected.values {
        let row = rows
            .iter()
            .find(|r| r.iter().any(|(h, v)| h == "respondent_id" && v == id))
            .unwrap_or_else(|| panic!("{}: no respondent {id}", expected.export));
        let got = row
            .iter()
            .find(|(h, _)| h == column)
            .map(|(_, v)| v.as_str());
        assert_eq!(got, Some(*value), "{}: {id} {column}", expected.export);
    }
    rows
}

#[test]
fn every_real_export_ingests_with_counts_that_add_up() {
    let cases = [
        Expected {
            export: "qualtrics-rpkg-sample",
            exit: 0,
            read: 1,
            accepted: 1,
            rejected: 0,
            values: &[],
        },
        Expected {
            export: "qualtrics-rpkg-legacy",
            exit: 0,
            read: 1,
            accepted: 1,
            rejected: 0,
            values: &[],
        },
        Expected {
            export: "surveymonkey-538-steak",
            // 118 respondents did not answer the required steak question.
            exit: 1,
            read: 550,
            accepted: 432,
            rejected: 118,
            values: &[
                ("3234982343", "steak", "medium_rare"),
                ("3234982343", "age", "over_60"),
            ],
        },
        Expected {
            export: "limesurvey-vvexport-tab",
            exit: 0,
            read: 126,
            accepted: 126,
            rejected: 0,
            values: &[
                ("84", "submitted_at", "2022-11-21T13:36:07Z"),
                ("84", "work", "5"),
                ("84", "Q002MC.SQ002", "2"),
            ],
        },
        Expected {
            export: "kobo-kpi-testexpect-hxl",
            exit: 0,
            read: 3,
            accepted: 3,
            rejected: 0,
            values: &[],
        },
        Expected {
            export: "odkcentral-ruodk-flora-main",
            // The geopoint columns match no question: ignored, and said (exit 1).
            exit: 1,
            read: 2,
            accepted: 2,
            rejected: 0,
            values: &[],
        },
        Expected {
            export: "redcap-redcapr-simple",
            // Two records have an instrument marked Incomplete: set aside (not an error in
            // itself); the name and address columns match no question (exit 1).
            exit: 1,
            read: 5,
            accepted: 3,
            rejected: 2,
            values: &[],
        },
        Expected {
            export: "googleforms-cs50-favorites",
            // The export lacks the survey's position question: every row is refused.
            exit: 1,
            read: 490,
            accepted: 0,
            rejected: 490,
            values: &[],
        },
    ];
    for case in &cases {
        ingest(case);
    }
}

#[test]
fn include_incomplete_keeps_the_rows_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let output = canvass()
        .args([
            "ingest",
            "tests/fixtures/exports/surveys/redcap-redcapr-simple.toml",
            "tests/fixtures/exports/redcap-redcapr-simple.csv",
            "--include-incomplete",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("read 5 rows: 5 accepted, 0 rejected"),
        "{stderr}"
    );
    let rejects = fs::read_to_string(dir.path().join("rejects.csv")).unwrap();
    assert!(!rejects.contains("row set aside"), "{rejects}");
}

/// A Google Forms export of the default survey: question texts as headings, labels as
/// answers, one unknown label in the optional considerations of row 3.
const GOOGLE_FORMS: &str = "Timestamp,\"If you want to reduce AI risk, should you be open to roles that advance AI capabilities?\",Which considerations does your answer rest on?\r\n\
2026/03/01 10:00:00 AM GMT+1,Lean in favour,\"Skills, credentials and connections gained\"\r\n\
2026/03/01 11:00:00 AM GMT+1,Strongly against,Something else entirely\r\n\
2026/03/01 12:00:00 PM GMT+1,Maybe,\r\n";

fn ingest_google_forms(flags: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("responses.csv");
    fs::write(&export, GOOGLE_FORMS).unwrap();
    let out = dir.path().join("out");
    let output = canvass()
        .args(["ingest", "capabilities-roles"])
        .arg(&export)
        .args(flags)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let responses = fs::read_to_string(out.join("responses.csv")).unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        responses,
    )
}

#[test]
fn a_google_forms_export_maps_labels_and_forgives_an_optional_cell_unless_strict() {
    let (code, stderr, responses) = ingest_google_forms(&[]);
    assert_eq!(code, 1, "{stderr}");
    // Row 4's position is not a label of the scale: required, so the row goes.
    assert!(
        stderr.contains("read 3 rows: 2 accepted, 1 rejected"),
        "{stderr}"
    );
    assert!(stderr.contains(":3:3: cell dropped: "), "{stderr}");
    assert!(stderr.contains(":4:2: row rejected: "), "{stderr}");
    assert!(
        responses.contains(",2026-03-01T09:00:00Z,lean_in_favour,career_capital,"),
        "{responses}"
    );
    assert!(
        responses.contains(",2026-03-01T10:00:00Z,strongly_against,,"),
        "{responses}"
    );

    let (code, stderr, _) = ingest_google_forms(&["--strict"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("read 3 rows: 1 accepted, 2 rejected"),
        "{stderr}"
    );
    assert!(stderr.contains(":3:3: row rejected: "), "{stderr}");
}
