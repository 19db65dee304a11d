//! End-to-end tests of `canvass synth` through the binary: its files ingest whole, the
//! shipped synthetic panel is exactly what its documented command makes, and mistakes
//! get clear messages with exit code 2.

mod common;

use std::fs;
use std::io::Read;
use std::process::Stdio;

use common::{canvass, root};

struct Ran {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

fn run(args: &[&str]) -> Ran {
    let output = canvass().args(args).output().unwrap();
    Ran {
        code: output.status.code().unwrap(),
        stdout: output.stdout,
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// The command written in data/frontier-roles-2027/README.md, with `out` for its file.
fn shipped_command(out: &str) -> Vec<&str> {
    vec![
        "synth",
        "frontier-roles-2027",
        "--rows",
        "300",
        "--seed",
        "20",
        "--out",
        out,
    ]
}

#[test]
fn the_shipped_synthetic_panel_is_what_its_readme_command_makes() {
    let readme = fs::read_to_string(root().join("data/frontier-roles-2027/README.md")).unwrap();
    let documented = shipped_command("data/frontier-roles-2027/synthetic.csv").join(" ");
    assert!(
        readme.contains(&format!("canvass {documented}")),
        "the README must show the command this test runs: canvass {documented}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("synthetic.csv");
    let ran = run(&shipped_command(out.to_str().unwrap()));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains(": 300 synthetic responses to `frontier-roles-2027`, seed 20"),
        "{}",
        ran.stderr
    );
    let shipped = fs::read(root().join("data/frontier-roles-2027/synthetic.csv")).unwrap();
    assert!(
        fs::read(&out).unwrap() == shipped,
        "data/frontier-roles-2027/synthetic.csv is stale: run the command in its README"
    );
}

#[test]
fn synthetic_files_ingest_whole_and_stdout_matches_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for (survey, seed) in [("capabilities-roles", "3"), ("frontier-roles-2027", "4")] {
        let file = dir.path().join(format!("{survey}.csv"));
        let file = file.to_str().unwrap();
        let args = ["synth", survey, "--rows", "700", "--seed", seed];
        let written = run(&[&args[..], &["--out", file]].concat());
        assert_eq!(written.code, 0, "{}", written.stderr);
        let printed = run(&args);
        assert_eq!(printed.code, 0, "{}", printed.stderr);
        assert!(printed.stdout == fs::read(file).unwrap(), "{survey}");

        let out = dir.path().join(format!("{survey}-ingested"));
        let ingested = run(&["ingest", survey, file, "--out", out.to_str().unwrap()]);
        assert_eq!(ingested.code, 0, "{}", ingested.stderr);
        assert!(
            ingested
                .stderr
                .contains("read 700 rows: 700 accepted, 0 rejected"),
            "{}",
            ingested.stderr
        );
        // rejects.csv holds its header only.
        let rejects = fs::read_to_string(out.join("rejects.csv")).unwrap();
        assert_eq!(rejects.lines().count(), 1, "{rejects}");
    }
    // Another seed gives another file.
    let one = run(&["synth", "capabilities-roles", "--rows", "50", "--seed", "1"]);
    let two = run(&["synth", "capabilities-roles", "--rows", "50", "--seed", "2"]);
    assert!(one.stdout != two.stdout);
}

#[test]
fn the_thread_count_does_not_change_the_bytes() {
    let args = [
        "synth",
        "frontier-roles-2027",
        "--rows",
        "30000",
        "--seed",
        "9",
    ];
    let on = |threads: &str| {
        let output = canvass()
            .env("RAYON_NUM_THREADS", threads)
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success());
        output.stdout
    };
    let one = on("1");
    assert_eq!(one.iter().filter(|b| **b == b'\n').count(), 30_001);
    assert!(one == on("2"));
    assert!(one == on("5"));
}

#[test]
fn the_synthetic_panel_runs_through_to_a_report() {
    let out = tempfile::tempdir().unwrap();
    let ran = run(&[
        "run",
        "frontier-roles-2027",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("read 300 rows: 300 accepted, 0 rejected"),
        "{}",
        ran.stderr
    );
    assert!(out.path().join("index.html").is_file());
}

#[test]
fn a_reader_that_stops_early_is_a_normal_end() {
    // `canvass synth … | head`: the pipe closes long before the rows run out.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("canvass"))
        .args([
            "synth",
            "capabilities-roles",
            "--rows",
            "5000000",
            "--seed",
            "1",
        ])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut start = [0u8; 13];
    child.stdout.take().unwrap().read_exact(&mut start).unwrap();
    assert_eq!(&start, b"respondent_id");
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stderr.is_empty());
}

#[test]
fn mistakes_exit_2_with_a_message() {
    let ran = run(&["synth", "no-such-survey", "--rows", "5", "--seed", "1"]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("error: cannot read no-such-survey"),
        "{}",
        ran.stderr
    );
    for args in [
        &["synth", "capabilities-roles", "--seed", "1"][..],
        &["synth", "capabilities-roles", "--rows", "5"],
        &["synth", "capabilities-roles", "--rows", "-5", "--seed", "1"],
        &["synth", "capabilities-roles", "--rows", "5", "--seed", "x"],
    ] {
        let ran = run(args);
        assert_eq!(ran.code, 2, "{args:?}");
        assert!(ran.stderr.contains("error:"), "{args:?}: {}", ran.stderr);
        assert!(ran.stdout.is_empty(), "{args:?}");
    }

    // A survey with a roster: only its respondents can answer.
    let dir = tempfile::tempdir().unwrap();
    let definition = fs::read_to_string(root().join("surveys/capabilities-roles.toml"))
        .unwrap()
        .replace("invited = 22", "roster = \"roster.csv\"");
    fs::write(dir.path().join("roles.toml"), definition).unwrap();
    fs::write(dir.path().join("roster.csv"), "respondent_id\nana\nbo\n").unwrap();
    let survey = dir.path().join("roles.toml");
    let survey = survey.to_str().unwrap();
    let ran = run(&["synth", survey, "--rows", "3", "--seed", "1"]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains(
            "error: survey `capabilities-roles` has a roster of 2 respondents (roster.csv), and ingest accepts only them; ask for at most 2 rows"
        ),
        "{}",
        ran.stderr
    );
    let ran = run(&["synth", survey, "--rows", "2", "--seed", "1"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let text = String::from_utf8(ran.stdout).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| &l[..l.find(',').unwrap()])
        .collect();
    assert_eq!(ids, ["ana", "bo"]);
}
