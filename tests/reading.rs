//! End-to-end tests of reading any export: `canvass inspect` on real exports, and
//! `canvass ingest` of a canonical file saved in other encodings and as a workbook.

mod common;

use std::path::Path;

use common::{canvass, root};
use serde_json::Value;

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Ran {
    let output = canvass().args(args).output().unwrap();
    Ran {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

const QUALTRICS: &str = "tests/fixtures/exports/qualtrics-rpkg-sample.csv";
const LIMESURVEY: &str = "tests/fixtures/exports/limesurvey-vvexport-tab.csv";

#[test]
fn inspect_says_how_a_qualtrics_export_is_read() {
    let ran = run(&["inspect", QUALTRICS]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for expected in [
        "tool:        qualtrics\n",
        "encoding:    UTF-8\n",
        "delimiter:   `,`\n",
        "header rows: 3\n",
        "records:     1 (0 unreadable)\n",
        "columns (20):\n",
        "    10 J   `RecipientLastName` | `Nachname des Empfängers` | `{\"ImportId\":\"recipientLastName\"}`\n",
    ] {
        assert!(ran.stdout.contains(expected), "{expected}\n{}", ran.stdout);
    }
}

#[test]
fn inspect_as_json_lists_ragged_records_of_a_limesurvey_export() {
    let ran = run(&["inspect", LIMESURVEY, "--format", "json"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let json: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(json["detected"]["tool"], "limesurvey-vv");
    assert_eq!(json["detected"]["delimiter"], "\t");
    assert_eq!(json["detected"]["header_rows"], 2);
    assert_eq!(json["detected"]["bom"], false);
    assert_eq!(json["records"], 126);
    assert_eq!(json["unreadable"], 0);
    assert_eq!(json["columns"][2]["headings"][1], "submitdate");
    assert_eq!(json["columns"][2]["letter"], "C");
    assert_eq!(json["ragged"], 126, "15 fields under a 16-field header");
    let first = &json["ragged_first"];
    assert_eq!(first.as_array().unwrap().len(), 10);
    assert_eq!(first[0]["line"], 3);
    assert_eq!(first[0]["fields"], 15);
}

#[test]
fn inspect_overrides_and_bad_values() {
    let ran = run(&[
        "inspect",
        QUALTRICS,
        "--tool",
        "unknown",
        "--delimiter",
        ";",
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("tool:        unknown\n"));
    assert!(ran.stdout.contains("delimiter:   `;`\n"));
    assert!(ran.stdout.contains("header rows: 1\n"));

    let ran = run(&["inspect", QUALTRICS, "--encoding", "klingon"]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("unknown encoding `klingon`"),
        "{}",
        ran.stderr
    );
    let ran = run(&["inspect", QUALTRICS, "--tool", "spss"]);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("unknown tool `spss`"), "{}", ran.stderr);
    let ran = run(&["inspect", "no/such/file.csv"]);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("no/such/file.csv"), "{}", ran.stderr);
}

#[test]
fn inspect_exits_1_on_unreadable_records_and_names_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stray.csv");
    std::fs::write(&file, "respondent_id,stance,note\na,yes,\"fine\nb,no,ok\n").unwrap();
    let ran = run(&["inspect", file.to_str().unwrap()]);
    assert_eq!(ran.code, 1);
    assert!(
        ran.stdout.contains(&format!(
            "{}:2: a quote (\") opens the last cell on line 2 and is never closed: lines 2–3",
            file.display()
        )),
        "{}",
        ran.stdout
    );
}

/// `canvass ingest` of the seed panel from `file`: (exit code, responses.csv, stderr).
fn ingest(file: &Path, extra: &[&str]) -> (i32, String, String) {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec![
        "ingest",
        "capabilities-roles",
        file.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ];
    args.extend(extra);
    let ran = run(&args);
    let responses = std::fs::read_to_string(out.path().join("responses.csv")).unwrap_or_default();
    (ran.code, responses, ran.stderr)
}

#[test]
fn a_canonical_file_in_utf16_or_as_xlsx_ingests_like_the_original() {
    let original = root().join("data/capabilities-roles/seed-panel.csv");
    let (code, expected, stderr) = ingest(&original, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("read 11 rows: 11 accepted, 0 rejected"),
        "{stderr}"
    );

    let text = std::fs::read_to_string(&original).unwrap();
    let dir = tempfile::tempdir().unwrap();

    // UTF-16LE with a BOM, TAB-separated, as Qualtrics and Excel ("Unicode text") save it.
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_bytes())
        .into_records()
        .map(Result::unwrap)
        .collect();
    let header = csv::Reader::from_reader(text.as_bytes())
        .headers()
        .unwrap()
        .clone();
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for row in &rows {
        writer.write_record(row).unwrap();
    }
    let tsv = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(tsv.encode_utf16().flat_map(u16::to_le_bytes));
    let utf16_file = dir.path().join("seed-utf16.csv");
    std::fs::write(&utf16_file, utf16).unwrap();
    let (code, responses, stderr) = ingest(&utf16_file, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(responses, expected);

    // The same as a workbook, on a second sheet chosen with --sheet.
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("Notes").unwrap();
    let sheet = book.add_worksheet().set_name("Responses").unwrap();
    for (c, name) in header.iter().enumerate() {
        sheet.write(0, c as u16, name).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write(r as u32 + 1, c as u16, cell).unwrap();
        }
    }
    let xlsx_file = dir.path().join("seed.xlsx");
    book.save(&xlsx_file).unwrap();
    let (code, responses, stderr) = ingest(&xlsx_file, &["--sheet", "Responses"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(responses, expected);

    // A sheet the workbook does not have: the command cannot run, and says which it has.
    let (code, _, stderr) = ingest(&xlsx_file, &["--sheet", "Sheet1"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no sheet named `Sheet1`; the sheets are `Notes`, `Responses`"),
        "{stderr}"
    );
}

#[test]
fn inspect_with_a_survey_says_what_each_column_feeds() {
    const KOBO: &str = "tests/fixtures/exports/kobo-kpi-testexpect-hxl.csv";
    const SURVEY: &str = "tests/fixtures/exports/surveys/kobo-kpi-testexpect-hxl.toml";
    let ran = run(&["inspect", KOBO, "--survey", SURVEY]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for expected in [
        "     4 D   `What kind of symmetry do you have?/Spherical` | ``  → symmetry (one column per choice)\n",
        "     7 G   `How many segments does your body have?` | `#segments`  → segments (a number)\n",
        "    11 K   `_uuid` | ``  → respondent_id\n",
        "    10 J   `_id` | ``  → (nothing)\n",
        "kobo-kpi-testexpect-hxl.csv:1:10: note: `_id` is kobo metadata, not a question; not read\n",
    ] {
        assert!(ran.stdout.contains(expected), "{expected}\n{}", ran.stdout);
    }

    let ran = run(&["inspect", KOBO, "--survey", SURVEY, "--format", "json"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let json: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(json["columns"][6]["maps_to"][0], "segments (a number)");
    assert_eq!(json["columns"][0]["maps_to"], serde_json::json!([]));
    assert!(json["mapping"].as_array().unwrap().len() >= 10);

    // Without a survey there is no mapping in the answer at all.
    let ran = run(&["inspect", KOBO, "--format", "json"]);
    let json: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert!(json.get("mapping").is_none());
    assert!(json["columns"][0].get("maps_to").is_none());
}
