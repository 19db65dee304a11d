//! Inputs far larger than any survey (issue 9, "limits"), through the binary: each is a
//! clear message that names the file and the limit, quickly and in bounded memory, never
//! a crash or minutes of work. The limits: src/ingest/source/limits.rs.

mod common;

use std::fs;
use std::path::Path;

use common::{canvass, root};

struct Ran {
    code: Option<i32>,
    stderr: String,
}

fn run(args: &[&str], dir: &Path) -> Ran {
    let output = canvass()
        .args(args)
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    Ran {
        code: output.status.code(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn ingest(file: &Path, extra: &[&str]) -> Ran {
    let mut args = vec!["ingest", "capabilities-roles", file.to_str().unwrap()];
    args.extend(extra);
    run(&args, file.parent().unwrap())
}

#[test]
fn a_100_mb_cell_stops_reading_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big-cell.csv");
    let mut text = b"respondent_id,stance\nr1,lean_against\nr2,\"".to_vec();
    text.resize(text.len() + (100 << 20), b'a');
    text.extend_from_slice(b"\"\nr3,lean_against\n");
    fs::write(&file, text).unwrap();
    let ran = ingest(&file, &[]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "{}:3: file rejected: cannot read past this point: the row that starts here is longer than the limit of 16 MiB (--max-row-bytes)",
            file.display()
        )),
        "{}",
        ran.stderr
    );
    // The limit is the option's: a 3 MiB cell is refused under 2 MB, read under the
    // default. (Rows within the first read block, 1 MiB, are not measured: the limit
    // bounds memory, and that block is held anyway.)
    let small = dir.path().join("small.csv");
    let cell = "a".repeat(3 << 20);
    fs::write(
        &small,
        format!("respondent_id,stance,answer\nr1,lean_against,\"{cell}\"\nr2,lean_against,\n"),
    )
    .unwrap();
    let ran = ingest(&small, &["--max-row-bytes", "2000000"]);
    assert!(
        ran.stderr
            .contains("longer than the limit of 2000000 bytes (--max-row-bytes)"),
        "{}",
        ran.stderr
    );
    let ran = ingest(&small, &[]);
    assert!(!ran.stderr.contains("--max-row-bytes"), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("read 2 rows: 2 accepted"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_header_of_100000_columns_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.csv");
    let header: Vec<String> = ["respondent_id", "stance"]
        .into_iter()
        .map(String::from)
        .chain((0..100_000).map(|i| format!("extra{i}")))
        .collect();
    fs::write(&file, format!("{}\nr1,lean_against\n", header.join(","))).unwrap();
    let ran = ingest(&file, &[]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "{}:1: file rejected: the header has 100002 columns, more than the limit of 10000 (--max-columns)",
            file.display()
        )),
        "{}",
        ran.stderr
    );
    let ran = ingest(&file, &["--max-columns", "3"]);
    assert!(
        ran.stderr
            .contains("more than the limit of 3 (--max-columns)")
    );
}

#[test]
fn a_condition_10000_levels_deep_is_an_error_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let survey = fs::read_to_string(root().join("surveys/capabilities-roles.toml")).unwrap();
    let deep = [
        format!(
            "{}stance == 'lean_against'{}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        ),
        format!("{}answered(stance)", "not ".repeat(10_000)),
    ];
    for condition in deep {
        let text = survey.replacen(
            "kind = \"text\"",
            &format!("kind = \"text\"\nshow_if = \"{condition}\""),
            1,
        );
        assert_ne!(text, survey);
        let file = dir.path().join("deep.toml");
        fs::write(&file, text).unwrap();
        let output = canvass().arg("check").arg(&file).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("nests deeper than 64 levels"), "{stderr}");
    }
    // 10,000 conditions joined by `and` are flat, not deep: they check.
    let wide = vec!["answered(stance)"; 10_000].join(" and ");
    let text = survey.replacen(
        "kind = \"text\"",
        &format!("kind = \"text\"\nshow_if = \"{wide}\""),
        1,
    );
    let file = dir.path().join("wide.toml");
    fs::write(&file, text).unwrap();
    let output = canvass().arg("check").arg(&file).output().unwrap();
    assert!(
        output.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn toml_nested_10000_deep_is_an_error_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nested.toml");
    let text = format!(
        "id = \"x\"\nnested = {}1{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    fs::write(&file, text).unwrap();
    let output = canvass().arg("check").arg(&file).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nested.toml"), "{stderr}");
}

#[test]
fn a_workbook_of_two_far_apart_cells_is_refused_not_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "respondent_id").unwrap();
    sheet.write_string(1_048_575, 16_383, "far").unwrap();
    let file = dir.path().join("far.xlsx");
    workbook.save(&file).unwrap();
    let ran = ingest(&file, &[]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("(17179869184 cells, empty ones included), more than the limit of 20000000 cells (--max-sheet-cells)"),
        "{}",
        ran.stderr
    );
    let output = canvass().arg("import").arg(&file).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--max-sheet-cells"), "{stderr}");
}
