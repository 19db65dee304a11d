//! End-to-end tests through the `canvass` binary, run from the repository root as a user
//! would, writing into temporary folders.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{canvass, root};
use serde_json::Value;

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Ran {
    run_in(&root(), args)
}

/// Runs canvass from another folder, as a user in their own project would.
fn run_in(dir: &Path, args: &[&str]) -> Ran {
    let output = canvass().current_dir(dir).args(args).output().unwrap();
    Ran {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// (read, accepted, rejected) from the last "read N rows: A accepted, R rejected" line.
fn counts(stderr: &str) -> (u64, u64, u64) {
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("read "))
        .expect("a counts line");
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    (numbers[0], numbers[1], numbers[2])
}

#[test]
fn run_writes_the_default_report_with_the_seed_panels_numbers() {
    let out = tempfile::tempdir().unwrap();
    let ran = run(&["run", "--out", out.path().to_str().unwrap()]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("read 11 rows: 11 accepted, 0 rejected"),
        "{}",
        ran.stderr
    );

    let json: Value =
        serde_json::from_slice(&fs::read(out.path().join("aggregates.json")).unwrap()).unwrap();
    assert_eq!(json["panel"]["invited"], 22);
    assert_eq!(json["panel"]["answered"], 11);
    assert_eq!(json["panel"]["response_rate"], 0.5);
    let stance = json["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "stance")
        .unwrap();
    let overall = &stance["results"][0];
    assert_eq!(
        (overall["grouping"].as_str(), overall["n"].as_u64()),
        (Some("overall"), Some(11))
    );
    let stance_counts: Vec<(String, u64)> = overall["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        stance_counts,
        [
            ("strongly_against", 2),
            ("lean_against", 2),
            ("it_depends", 2),
            ("lean_in_favour", 4),
            ("strongly_in_favour", 1)
        ]
        .map(|(c, n)| (c.to_string(), n))
    );

    // Considerations by side, counted by hand from ../shared/seed-panel/coding.csv.
    let considerations = json["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "considerations")
        .unwrap();
    let count = |group: &str, code: &str| -> u64 {
        let result = considerations["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["grouping"] == "side" && r["group"] == group)
            .unwrap();
        result["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(
        count("against", "acceleration"),
        4,
        "everyone against raised acceleration"
    );
    assert_eq!(count("against", "disclosure"), 2);
    assert_eq!(count("neutral", "acceleration"), 2);
    assert_eq!(count("in_favour", "influence_inside"), 4);
    assert_eq!(count("in_favour", "career_capital"), 3);
    assert_eq!(count("in_favour", "acceleration"), 0);

    let html = fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(
        html.contains("<title id=\"chart-stance-title\">"),
        "the stance chart is inlined"
    );
    assert!(
        html.contains("<title id=\"chart-considerations-title\">"),
        "the considerations chart is inlined"
    );
    for chart in ["stance", "considerations"] {
        let png = fs::read(out.path().join(format!("charts/{chart}.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{chart}.png");
        let svg = fs::read_to_string(out.path().join(format!("charts/{chart}.svg"))).unwrap();
        assert!(svg.starts_with("<svg"), "{chart}.svg");
    }
    for file in [
        "report.md",
        "rejects.csv",
        "forms/form.html",
        "forms/form.md",
        "forms/template.csv",
    ] {
        assert!(out.path().join(file).is_file(), "{file}");
    }
    assert_eq!(
        fs::read_to_string(out.path().join("rejects.csv")).unwrap(),
        "file,line,column,field,value,effect,reason\n"
    );
}

#[test]
fn two_runs_give_byte_identical_reports() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [&a, &b] {
        assert_eq!(run(&["run", "--out", dir.path().to_str().unwrap()]).code, 0);
    }
    let files = |dir: &Path| {
        let mut found = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in fs::read_dir(d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path)
                } else {
                    found.push(path)
                }
            }
        }
        found.sort();
        found
            .iter()
            .map(|p| {
                (
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(p).unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(
        fa.len(),
        15,
        "the run writes 15 files (aggregates.parquet, forms/form.xlsx and charts/response-panel.png among them)"
    );
    assert!(fa == fb, "reports differ between runs");
}

#[test]
fn check_summarises_a_valid_survey() {
    let ran = run(&["check", "surveys/capabilities-roles.toml"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout
            .contains("ok — survey `capabilities-roles`, 4 questions"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains(
            "position `stance` with 5 levels and 3 sides; 22 invited; groups of at least 2"
        )
    );
    // A survey id works as well as a path.
    assert_eq!(run(&["check", "capabilities-roles"]).code, 0);
}

#[test]
fn every_bad_survey_gets_its_located_diagnostic() {
    let dir = root().join("tests/fixtures/bad-surveys");
    let mut checked = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let source = fs::read_to_string(&path).unwrap();
        let expect = source
            .lines()
            .next()
            .unwrap()
            .strip_prefix("# expect: ")
            .expect("an expect line");
        let (location, parts) = expect.split_once(": ").unwrap();
        let relative = format!(
            "tests/fixtures/bad-surveys/{}",
            path.file_name().unwrap().to_str().unwrap()
        );
        let ran = run(&["check", &relative]);
        assert_eq!(ran.code, 2, "{relative}: {}", ran.stderr);
        assert!(
            ran.stderr.contains(&format!("{relative}:{location}")),
            "{relative}: expected {location} in\n{}",
            ran.stderr
        );
        for part in parts.split(" | ") {
            assert!(
                ran.stderr.contains(part),
                "{relative}: expected `{part}` in\n{}",
                ran.stderr
            );
        }
        // The source line is shown, with a caret under the mistake.
        assert!(ran.stderr.contains('^'), "{}", ran.stderr);

        // The same finding as data, at the same line and column.
        let ran = run(&["check", &relative, "--format", "json"]);
        assert_eq!(ran.code, 2, "{relative}: {}", ran.stderr);
        assert_eq!(
            ran.stderr, "",
            "{relative}: JSON mode writes nothing for people"
        );
        let json: Value = serde_json::from_str(&ran.stdout)
            .unwrap_or_else(|e| panic!("{relative}: not JSON ({e}):\n{}", ran.stdout));
        assert_eq!(json["file"], relative.as_str());
        assert_eq!(json["ok"], false);
        let (line, column) = location.split_once(':').unwrap();
        let (line, column): (u64, u64) = (line.parse().unwrap(), column.parse().unwrap());
        let found = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["line"] == line && d["column"] == column && d["severity"] == "error")
            .unwrap_or_else(|| panic!("{relative}: no error at {location} in\n{}", ran.stdout));
        let mut words = vec![found["message"].as_str().unwrap().to_string()];
        for key in ["label", "help"] {
            words.extend(found[key].as_str().map(str::to_string));
        }
        for related in found["related"].as_array().unwrap() {
            words.push(related["message"].as_str().unwrap().to_string());
        }
        for part in parts.split(" | ") {
            assert!(
                words.iter().any(|w| w.contains(part)),
                "{relative}: expected `{part}` in {found}"
            );
        }
        assert!(
            (found["end_line"].as_u64(), found["end_column"].as_u64())
                >= (Some(line), Some(column)),
            "{relative}: the end comes after the start: {found}"
        );
        checked += 1;
    }
    assert!(checked >= 25, "{checked} bad surveys");
}

/// A valid survey with one warning (no `[panel]`), written to a temporary folder.
fn survey_with_a_warning(dir: &Path) -> PathBuf {
    let path = dir.join("warned.toml");
    let source = fs::read_to_string(root().join("surveys/capabilities-roles.toml"))
        .unwrap()
        .replace("[panel]\ninvited = 22\n", "[panel]\n");
    assert!(
        source.contains("[panel]\ndescription"),
        "the panel table changed shape"
    );
    fs::write(&path, source).unwrap();
    path
}

#[test]
fn check_as_json_reports_a_valid_survey_and_keeps_the_exit_codes() {
    let ran = run(&["check", "capabilities-roles", "--format", "json"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        ran.stdout,
        "{\n  \"file\": \"surveys/capabilities-roles.toml\",\n  \"ok\": true,\n  \"diagnostics\": []\n}\n"
    );

    let dir = tempfile::tempdir().unwrap();
    let warned = survey_with_a_warning(dir.path());
    let warned = warned.to_str().unwrap();
    let ran = run(&["check", warned, "--format", "json"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stderr, "", "warnings are in the JSON only");
    let json: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(json["ok"], true);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{}", ran.stdout);
    assert_eq!(diagnostics[0]["severity"], "warning");
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("neither `invited` nor `roster`"),
        "{}",
        ran.stdout
    );

    // --deny-warnings turns the same warning into exit 1, in either format.
    assert_eq!(
        run(&["check", warned, "--format", "json", "--deny-warnings"]).code,
        1
    );
    assert_eq!(run(&["check", warned, "--deny-warnings"]).code, 1);
    assert_eq!(run(&["check", warned]).code, 0);
}

#[test]
fn check_as_json_of_an_unreadable_file_is_a_plain_error() {
    let ran = run(&["check", "surveys/no-such-survey.toml", "--format", "json"]);
    assert_eq!(ran.code, 2);
    assert_eq!(ran.stdout, "");
    assert!(
        ran.stderr
            .contains("error: cannot read surveys/no-such-survey.toml"),
        "{}",
        ran.stderr
    );
}

/// Ingests one response fixture; returns the run and the rejects.csv written.
fn ingest_fixture(name: &str) -> (Ran, String) {
    ingest_fixture_with(name, &[])
}

fn ingest_fixture_with(name: &str, flags: &[&str]) -> (Ran, String) {
    let out = tempfile::tempdir().unwrap();
    let file = format!("tests/fixtures/responses/{name}");
    let mut args = vec![
        "ingest",
        "capabilities-roles",
        &file,
        "--out",
        out.path().to_str().unwrap(),
    ];
    args.extend_from_slice(flags);
    let ran = run(&args);
    let rejects = fs::read_to_string(out.path().join("rejects.csv")).unwrap();
    (ran, rejects)
}

#[test]
fn an_unknown_choice_code_is_rejected_at_its_line_and_column() {
    // The position is required: its bad code costs the row. The considerations are
    // optional: by default their bad cell is dropped and the row kept; --strict rejects it.
    let (ran, rejects) = ingest_fixture("unknown-code.csv");
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(ran.stderr.contains("tests/fixtures/responses/unknown-code.csv:3:2: row rejected: `maybe` is not a code of `stance`; expected one of `strongly_against`"), "{}", ran.stderr);
    assert!(
        ran.stderr.contains(
            "unknown-code.csv:4:3: cell dropped: `hype` is not a code of `considerations`"
        ),
        "{}",
        ran.stderr
    );
    assert_eq!(counts(&ran.stderr), (3, 2, 1));
    assert!(
        rejects
            .contains("tests/fixtures/responses/unknown-code.csv,3,2,stance,maybe,row rejected,"),
        "{rejects}"
    );

    let (ran, _) = ingest_fixture_with("unknown-code.csv", &["--strict"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(
            "unknown-code.csv:4:3: row rejected: `hype` is not a code of `considerations`"
        ),
        "{}",
        ran.stderr
    );
    assert_eq!(counts(&ran.stderr), (3, 1, 2));
}

#[test]
fn a_missing_required_column_is_named_and_every_row_accounted_for() {
    let (ran, rejects) = ingest_fixture("missing-column.csv");
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("missing-column.csv:1: file rejected: the header has no `stance` column, which every row needs"), "{}", ran.stderr);
    assert_eq!(counts(&ran.stderr), (2, 0, 2));
    assert_eq!(
        rejects
            .lines()
            .filter(|l| l.contains(",row rejected,"))
            .count(),
        2
    );
}

#[test]
fn ragged_rows_are_rejected_with_their_line() {
    let (ran, _) = ingest_fixture("ragged-row.csv");
    assert_eq!(ran.code, 1);
    assert!(
        ran.stderr
            .contains("ragged-row.csv:3:4: row rejected: the row has 3 fields; the header has 5"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .contains("ragged-row.csv:4:6: row rejected: the row has 6 fields; the header has 5"),
        "{}",
        ran.stderr
    );
    assert_eq!(counts(&ran.stderr), (3, 1, 2));
}

#[test]
fn an_empty_file_is_reported_not_skipped_silently() {
    let (ran, _) = ingest_fixture("empty.csv");
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("empty.csv:1: file rejected: the file is empty; expected a header row: respondent_id,submitted_at,stance,considerations,answer,conditions"), "{}", ran.stderr);
    assert_eq!(counts(&ran.stderr), (0, 0, 0));
}

#[test]
fn ingest_of_several_files_counts_each_and_writes_canonical_responses() {
    let out = tempfile::tempdir().unwrap();
    let ran = run(&[
        "ingest",
        "capabilities-roles",
        "data/capabilities-roles/seed-panel.csv",
        "tests/fixtures/responses/unknown-code.csv",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 1);
    // Respondent 1 is in both files: the second is a rejected duplicate.
    assert!(ran.stderr.contains("unknown-code.csv:2: row rejected: respondent `1` already answered at data/capabilities-roles/seed-panel.csv:2"), "{}", ran.stderr);
    assert!(ran.stderr.contains(
        "tests/fixtures/responses/unknown-code.csv: read 3 rows: 0 accepted, 3 rejected"
    ));
    assert_eq!(counts(&ran.stderr), (14, 11, 3));
    let responses = fs::read_to_string(out.path().join("responses.csv")).unwrap();
    assert!(responses.starts_with("respondent_id,submitted_at,stance,considerations,answer,conditions\n1,,lean_in_favour,career_capital;influence_inside;hype_race;value_drift,"), "{responses}");
    assert_eq!(responses.lines().count(), 12);
}

#[test]
fn report_on_files_writes_the_folder() {
    let out = tempfile::tempdir().unwrap();
    let ran = run(&[
        "report",
        "surveys/capabilities-roles.toml",
        "data/capabilities-roles/seed-panel.csv",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for file in [
        "index.html",
        "report.md",
        "aggregates.json",
        "rejects.csv",
        "charts/stance.svg",
        "charts/considerations.png",
    ] {
        assert!(out.path().join(file).is_file(), "{file}");
    }
}

#[test]
fn forms_go_to_stdout_or_a_file() {
    let ran = run(&["form", "capabilities-roles", "--format", "csv"]);
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (
            0,
            "respondent_id,submitted_at,stance,considerations,answer,conditions\n"
        )
    );
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("form.html");
    let ran = run(&[
        "form",
        "capabilities-roles",
        "--format",
        "html",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 0);
    assert!(
        fs::read_to_string(path)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
}

#[test]
fn a_filled_in_form_row_ingests() {
    // What the HTML form's script produces for one respondent (CRLF, quoted, ISO time).
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("from-form.csv");
    fs::write(&file, "respondent_id,submitted_at,stance,considerations,answer,conditions\r\nr-17,2026-11-23T09:30:00.000Z,it_depends,acceleration;career_capital,\"It depends, really.\",\"'=not a formula\"\r\n").unwrap();
    let ran = run(&[
        "ingest",
        "capabilities-roles",
        file.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(counts(&ran.stderr), (1, 1, 0));
}

#[test]
fn usage_and_unreadable_input_exit_2() {
    assert_eq!(run(&["frobnicate"]).code, 2);
    assert_eq!(
        run(&["form", "capabilities-roles", "--format", "pdf"]).code,
        2
    );
    let ran = run(&["check", "surveys/no-such-survey.toml"]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr
            .contains("error: cannot read surveys/no-such-survey.toml"),
        "{}",
        ran.stderr
    );
    let ran = run(&[
        "ingest",
        "capabilities-roles",
        "data/nope.csv",
        "--out",
        "/tmp",
    ]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("cannot read data/nope.csv"),
        "{}",
        ran.stderr
    );
    let data = tempfile::tempdir().unwrap();
    let ran = run(&["run", "--data", data.path().to_str().unwrap()]);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("cannot read"), "{}", ran.stderr);
}

#[test]
fn help_explains_every_command() {
    let ran = run(&["--help"]);
    assert_eq!(ran.code, 0);
    assert!(
        ran.stdout.contains("Exit codes: 0 all good; 1 finished"),
        "{}",
        ran.stdout
    );
    for command in [
        "check", "schema", "new", "form", "import", "ingest", "report", "run", "synth", "inspect",
    ] {
        let ran = run(&[command, "--help"]);
        assert_eq!(ran.code, 0);
        assert!(
            ran.stdout.contains("Example: canvass"),
            "{command}: {}",
            ran.stdout
        );
    }
}

#[test]
fn schema_prints_the_json_schema() {
    let ran = run(&["schema"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let schema: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        ran.stdout,
        fs::read_to_string(root().join("src/survey/schema.json")).unwrap()
    );
}

#[test]
fn new_scaffolds_a_survey_that_checks_clean_and_waits_for_data() {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path().to_str().unwrap();
    let ran = run(&["new", "evals-2026", "--root", dir]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let definition = project.path().join("surveys/evals-2026.toml");
    let shown = definition.to_str().unwrap();
    for step in [
        format!("canvass check {shown}"),
        format!("canvass form {shown} --format html"),
        format!("cd {dir} && canvass run evals-2026"),
    ] {
        assert!(ran.stdout.contains(&step), "no `{step}` in\n{}", ran.stdout);
    }

    // No errors and no warnings, in either format.
    let ran = run(&["check", shown, "--deny-warnings"]);
    assert_eq!((ran.code, ran.stderr.as_str()), (0, ""));
    assert!(
        ran.stdout.contains("ok — survey `evals-2026`, 5 questions"),
        "{}",
        ran.stdout
    );
    let ran = run(&["check", shown, "--format", "json"]);
    let json: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(
        (
            json["ok"].as_bool(),
            json["diagnostics"].as_array().map(Vec::len)
        ),
        (Some(true), Some(0))
    );

    // The data folder's README gives the header the survey's CSV form gives.
    let readme = fs::read_to_string(project.path().join("data/evals-2026/README.md")).unwrap();
    let header = run(&["form", shown, "--format", "csv"]).stdout;
    assert!(readme.contains(&format!("```\n{header}```\n")), "{readme}");

    // Run in the new project says what is missing, and writes nothing.
    let ran = run_in(project.path(), &["run", "evals-2026"]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("no response files in data/evals-2026/"),
        "{}",
        ran.stderr
    );
    assert!(!project.path().join("reports").exists());
}

#[test]
fn new_in_the_current_folder_gives_paths_as_typed() {
    let project = tempfile::tempdir().unwrap();
    let ran = run_in(project.path(), &["new", "panel_b"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout.contains("created surveys/panel_b.toml:"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("       canvass run panel_b\n"),
        "{}",
        ran.stdout
    );
    assert_eq!(run_in(project.path(), &["check", "panel_b"]).code, 0);
}

#[test]
fn new_never_overwrites_and_refuses_names_that_cannot_be_ids() {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path().to_str().unwrap();
    assert_eq!(run(&["new", "s1", "--root", dir]).code, 0);
    let definition = project.path().join("surveys/s1.toml");
    fs::write(&definition, "# my edits\n").unwrap();
    let ran = run(&["new", "s1", "--root", dir]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr
            .contains("surveys/s1.toml already exists: `canvass new` never overwrites a file"),
        "{}",
        ran.stderr
    );
    assert_eq!(fs::read_to_string(&definition).unwrap(), "# my edits\n");

    // A data README alone is enough to refuse, and nothing else is written either.
    fs::remove_file(&definition).unwrap();
    let ran = run(&["new", "s1", "--root", dir]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("data/s1/README.md already exists"),
        "{}",
        ran.stderr
    );
    assert!(!definition.exists());

    for name in ["my survey", "-s", "s.toml", "../s", ""] {
        let ran = run(&["new", "--root", dir, "--", name]);
        assert_eq!(ran.code, 2, "{name}");
        assert!(
            ran.stderr.contains("cannot be a survey id"),
            "{name}: {}",
            ran.stderr
        );
    }
    assert_eq!(
        fs::read_dir(project.path().join("surveys"))
            .unwrap()
            .count(),
        0
    );
}
