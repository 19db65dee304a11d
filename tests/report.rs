//! The report folder through the binary: both shipped surveys' reports are byte-identical
//! from run to run and match their snapshots, and the report options (`--format`,
//! `--lang`, `--group-by`, `--segment`) do what they say or fail with a usage error.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::canvass;

struct Ran {
    code: i32,
    stderr: String,
}

fn run(args: &[&str]) -> Ran {
    let output = canvass().args(args).output().unwrap();
    Ran {
        code: output.status.code().unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Every file under `dir`, as (relative path, bytes), sorted.
fn folder(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = fs::read(&path).unwrap();
                found.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    found.sort();
    found
}

fn names(dir: &Path) -> Vec<String> {
    folder(dir)
        .into_iter()
        .map(|(p, _)| p.display().to_string())
        .collect()
}

/// `canvass run SURVEY --out DIR`, which must succeed.
fn run_survey(survey: &str, dir: &Path, extra: &[&str]) {
    let mut args = vec!["run", survey, "--out", dir.to_str().unwrap()];
    args.extend(extra);
    let ran = run(&args);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
}

#[test]
fn both_shipped_reports_are_byte_identical_across_runs_and_match_their_snapshots() {
    for survey in ["capabilities-roles", "frontier-roles-2027"] {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        run_survey(survey, a.path(), &[]);
        run_survey(survey, b.path(), &[]);
        let (fa, fb) = (folder(a.path()), folder(b.path()));
        for file in [
            "index.html",
            "report.md",
            "aggregates.json",
            "aggregates.parquet",
            "rejects.csv",
            "forms/form.html",
        ] {
            assert!(
                fa.iter().any(|(p, _)| p == Path::new(file)),
                "{survey}: {file} is written"
            );
        }
        assert_eq!(
            fa.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            fb.iter().map(|(p, _)| p).collect::<Vec<_>>()
        );
        for ((path, x), (_, y)) in fa.iter().zip(&fb) {
            assert!(x == y, "{survey}: {} differs between runs", path.display());
        }
        let md = fs::read_to_string(a.path().join("report.md")).unwrap();
        insta::assert_snapshot!(format!("{survey}-report.md"), md);
    }
}

#[test]
fn format_writes_only_the_files_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    run_survey(
        "capabilities-roles",
        dir.path(),
        &["--format", "json,parquet"],
    );
    let written = names(dir.path());
    assert!(written.contains(&"aggregates.json".to_string()));
    assert!(written.contains(&"aggregates.parquet".to_string()));
    assert!(
        written.contains(&"rejects.csv".to_string()),
        "always written"
    );
    for absent in ["index.html", "report.md", "charts/stance.svg"] {
        assert!(
            !written.contains(&absent.to_string()),
            "{absent}: {written:?}"
        );
    }

    let ran = run(&[
        "run",
        "--out",
        dir.path().to_str().unwrap(),
        "--format",
        "pdf",
    ]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("invalid value 'pdf'") && ran.stderr.contains("parquet"),
        "{}",
        ran.stderr
    );
}

#[test]
fn an_unknown_language_is_a_usage_error_listing_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let ran = run(&["run", "--out", dir.path().to_str().unwrap(), "--lang", "fr"]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(
            "--lang fr: the survey `capabilities-roles` is not translated into `fr`; its languages are `en`"
        ),
        "{}",
        ran.stderr
    );
    assert!(!dir.path().join("index.html").exists());
}

#[test]
fn a_translated_survey_reports_in_the_language_asked_for() {
    let project = tempfile::tempdir().unwrap();
    let survey = project.path().join("t.toml");
    fs::write(
        &survey,
        r#"id = "t"
title.en = "Roles"
title.fr = "Rôles"
position = "stance"
[anonymity]
min_group_size = 2
[scales.s]
levels = [{ code = "no", label.en = "No", label.fr = "Non" }, { code = "yes", label.en = "Yes", label.fr = "Oui" }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text.en = "Where do you stand?"
text.fr = "Quelle est votre position ?"
required = true
"#,
    )
    .unwrap();
    let data = project.path().join("r.csv");
    fs::write(&data, "respondent_id,stance\n1,no\n2,no\n3,yes\n4,yes\n").unwrap();
    let out = project.path().join("out");
    let ran = run(&[
        "report",
        survey.to_str().unwrap(),
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "fr",
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        html.contains("<html lang=\"fr\">"),
        "the page says its language"
    );
    assert!(html.contains("<h1>Rôles</h1>"));
    assert!(html.contains("Quelle est votre position ?"));
    assert!(html.contains("Oui"));
}

#[test]
fn group_by_and_segment_regroup_the_report_or_name_the_valid_questions() {
    let dir = tempfile::tempdir().unwrap();
    run_survey(
        "frontier-roles-2027",
        dir.path(),
        &[
            "--group-by",
            "affiliation",
            "--segment",
            "stance",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("aggregates.json")).unwrap()).unwrap();
    assert_eq!(json["survey"]["position"], "affiliation");
    assert_eq!(json["options"]["group_by"], "affiliation");
    let groupings: Vec<&str> = json["groupings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert!(groupings.contains(&"segment:stance"), "{groupings:?}");
    assert!(
        !groupings.contains(&"side"),
        "a nominal question has no sides"
    );

    let ran = run(&[
        "run",
        "frontier-roles-2027",
        "--out",
        dir.path().to_str().unwrap(),
        "--group-by",
        "best_roles",
    ]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("--group-by best_roles: `best_roles` is a ranking question; results can be grouped only by a single-choice or likert question: `affiliation`, `seniority`, `held_capabilities_role`, `stance`, `confidence`"),
        "{}",
        ran.stderr
    );
    let ran = run(&[
        "run",
        "--out",
        dir.path().to_str().unwrap(),
        "--segment",
        "nope",
    ]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(
            "--segment nope: the survey has no question `nope`; results can be grouped by `stance`"
        ),
        "{}",
        ran.stderr
    );
}
