//! The analysis through the binary: the anonymity rule in every output file, weights,
//! Delphi rounds, several coders, and the analysis options, each on a fixture under
//! `tests/fixtures/analysis/` whose numbers are worked out by hand in the comments.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::canvass;
use serde_json::Value;

fn report(survey: &str, data: &str, out: &Path, extra: &[&str]) -> Value {
    canvass()
        .args(["report", survey, data, "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
    serde_json::from_str(&std::fs::read_to_string(out.join("aggregates.json")).unwrap()).unwrap()
}

fn close(a: &Value, b: f64) -> bool {
    (a.as_f64().unwrap() - b).abs() < 1e-9
}

/// Every text file of a report folder, by path (PNG charts are images: nothing to read;
/// aggregates.parquet is binary, and holds exactly the groups of aggregates.json).
fn text_files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e != "png" && e != "parquet")
            {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                out.insert(name, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

/// Reads a whole report folder and checks that no group the aggregates record as
/// withheld appears in any file, and that every result is of a published group of at
/// least the threshold.
fn assert_nothing_withheld_appears(dir: &Path, a: &Value) {
    let min = a["anonymity"]["min_group_size"].as_u64().unwrap();
    let published: BTreeMap<String, BTreeSet<String>> = a["groupings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            for group in g["groups"].as_array().unwrap() {
                assert!(group["n"].as_u64().unwrap() >= min, "{group}");
            }
            (
                g["id"].as_str().unwrap().to_string(),
                g["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x["key"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    for q in a["questions"].as_array().unwrap() {
        for r in q["results"].as_array().unwrap() {
            let (grouping, group) = (
                r["grouping"].as_str().unwrap(),
                r["group"].as_str().unwrap(),
            );
            assert!(
                published.get(grouping).is_some_and(|g| g.contains(group)),
                "{}: a result for {grouping}/{group}, which is not published",
                q["id"]
            );
        }
    }
    for g in a["answers_by_position"].as_array().unwrap() {
        assert!(published["position"].contains(g["group"].as_str().unwrap()));
    }
    let withheld = a["anonymity"]["withheld"].as_array().unwrap();
    assert!(
        !withheld.is_empty(),
        "the fixture should withhold something"
    );
    let mut files = text_files(dir);
    // The record of what is withheld (and the notes saying so) may name it; nothing else.
    let mut results = a.clone();
    results["anonymity"]["withheld"] = Value::Null;
    results["notes"] = Value::Null;
    files.insert(
        "aggregates.json".into(),
        serde_json::to_string_pretty(&results).unwrap(),
    );
    assert!(files.contains_key("report.md") && files.contains_key("index.html"));
    for w in withheld {
        let grouping = w["grouping"].as_str().unwrap();
        let groups = w["groups"].as_array().unwrap();
        if groups.is_empty() {
            // A whole cross is withheld: its id is nowhere.
            for (name, text) in &files {
                assert!(
                    !text.contains(&format!("\"{grouping}\"")),
                    "{name} names {grouping}"
                );
            }
            continue;
        }
        for key in groups.iter().map(|k| k.as_str().unwrap()) {
            let label = label_of(a, grouping, key);
            for (name, text) in &files {
                for shown_as_group in [
                    format!("\"group\": \"{key}\""),
                    format!("\"key\": \"{key}\""),
                    format!("{label} (n = "),
                    format!("{label} ("),
                ] {
                    // The overall distribution of levels is published only as table
                    // rows; a merged group's label ends with its members' labels
                    // ("Lean in favour + Strongly in favour (n = 5)"), which is allowed.
                    for (at, _) in text.match_indices(&shown_as_group) {
                        assert!(
                            text[..at].ends_with("+ "),
                            "{name} shows the withheld group {grouping}/{key} as `{shown_as_group}`"
                        );
                    }
                }
            }
        }
    }
}

/// The label of a level (position) or answer (segment) code, from the aggregates.
fn label_of(a: &Value, grouping: &str, key: &str) -> String {
    let question = match grouping {
        "position" | "side" => a["survey"]["position"].as_str().unwrap().to_string(),
        other => other.trim_start_matches("segment:").to_string(),
    };
    let q = a["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == question.as_str())
        .unwrap();
    q["choices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == key)
        .map_or(key.to_string(), |c| {
            c["label"].as_str().unwrap().to_string()
        })
}

#[test]
fn the_seed_panel_withholds_the_lone_strong_favour_in_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = report(
        "capabilities-roles",
        "data/capabilities-roles/seed-panel.csv",
        dir.path(),
        &[],
    );
    assert_eq!(a["schema_version"], 2);
    assert_eq!(
        a["anonymity"]["withheld"][0]["groups"][0],
        "strongly_in_favour"
    );
    assert_nothing_withheld_appears(dir.path(), &a);
}

#[test]
fn withheld_crosses_appear_in_no_file_of_the_frontier_report() {
    let dir = tempfile::tempdir().unwrap();
    let a = report(
        "frontier-roles-2027",
        "data/frontier-roles-2027/synthetic.csv",
        dir.path(),
        &["--resamples", "100"],
    );
    let withheld: Vec<&str> = a["anonymity"]["withheld"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["grouping"].as_str().unwrap())
        .collect();
    assert!(withheld.contains(&"position:affiliation"), "{withheld:?}");
    assert_nothing_withheld_appears(dir.path(), &a);
    // Segments are grouped, and a `show_if` question counts who was not shown it.
    let conditions = a["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "conditions")
        .unwrap();
    let overall = &conditions["results"][0];
    let n = overall["n"].as_u64().unwrap();
    let parts: u64 = ["answered", "not_shown", "skipped", "missing"]
        .iter()
        .map(|k| overall[k].as_u64().unwrap())
        .sum();
    assert_eq!(parts, n);
    assert!(overall["not_shown"].as_u64().unwrap() > 0);
}

/// Weights 1, 1, 1, 1, 2, 2 scale to 0.75 ×4 and 1.5 ×2; Kish n = 6² / (4 · 0.5625 +
/// 2 · 2.25) = 5.333. `cost` is ticked by respondents 1 (0.75) and 5 (1.5): 2.25 of 6.
#[test]
fn a_weighted_panel_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let a = report(
        "tests/fixtures/analysis/weights.toml",
        "tests/fixtures/analysis/weights.csv",
        dir.path(),
        &[],
    );
    assert!(close(&a["panel"]["weights"]["effective_n"], 36.0 / 6.75));
    let themes = &a["questions"][1]["results"][0];
    assert!(close(&themes["weighted"]["effective_n"], 36.0 / 6.75));
    let cost = &themes["counts"][0];
    assert_eq!(cost["count"], 2);
    assert!(close(&cost["weighted_count"], 2.25));
    assert!(close(&cost["share"], 0.375));
    // Wilson on 0.375 · 5.333 = 2 successes of 5.333.
    let (z, n, p) = (1.959_963_984_540_054_f64, 36.0 / 6.75, 0.375);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    assert!(close(&cost["interval"]["low"], centre - half));
    assert!(close(&cost["interval"]["high"], centre + half));
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(md.contains("weighted by the column “weight”"), "{md}");
}

/// Round 1 → 2: respondent 1 no → maybe (up), 5 yes → maybe (down), the rest stay;
/// confidence: 1 and 2 unsure → sure (up).
#[test]
fn delphi_rounds_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let a = report(
        "tests/fixtures/analysis/rounds.toml",
        "tests/fixtures/analysis/rounds.csv",
        dir.path(),
        &[],
    );
    assert_eq!(a["panel"]["answered"], 6, "results are of the last round");
    let shift = &a["rounds"]["shifts"][0];
    let moved: Vec<(String, u64, u64, u64, u64)> = shift["respondents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["question"].as_str().unwrap().to_string(),
                m["both"].as_u64().unwrap(),
                m["up"].as_u64().unwrap(),
                m["down"].as_u64().unwrap(),
                m["same"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        moved,
        vec![
            ("stance".to_string(), 6, 1, 1, 4),
            ("confidence".to_string(), 6, 2, 0, 4)
        ]
    );
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(md.contains("From round 1 to round 2"), "{md}");
}

/// Three coders on four answers: (risk ×3), (risk, risk, skill), (skill ×3) twice.
/// Fleiss: P̄ = (1 + 1/3 + 1 + 1) / 4 = 5/6, p = 5/12 and 7/12, P_e = 74/144, κ = 23/35.
/// Krippendorff (nominal): coincidences aa 4, ab = ba 1, bb 6; α = 1 - 11 · 2 / (2 · 5 · 7)
/// = 24/35.
#[test]
fn three_coders_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let a = report(
        "tests/fixtures/analysis/coders.toml",
        "tests/fixtures/analysis/coders.csv",
        dir.path(),
        &[],
    );
    let agreement = &a["coded"][0]["agreement"];
    assert_eq!(agreement["kappa_kind"], "fleiss");
    assert_eq!(agreement["answers"], 4);
    assert!(close(&agreement["overall"]["kappa"], 23.0 / 35.0));
    assert!(close(&agreement["overall"]["alpha"], 24.0 / 35.0));
    assert!(close(&agreement["overall"]["percent_agreement"], 0.75));
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(md.contains("Fleiss' κ"), "{md}");
}

#[test]
fn the_options_used_are_recorded_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let a = report(
        "capabilities-roles",
        "data/capabilities-roles/seed-panel.csv",
        dir.path(),
        &[
            "--confidence",
            "0.9",
            "--resamples",
            "300",
            "--seed",
            "7",
            "--include-nonsubstantive",
        ],
    );
    assert_eq!(a["options"]["confidence"], 0.9);
    assert_eq!(a["options"]["resamples"], 300);
    assert_eq!(a["options"]["seed"], 7);
    assert_eq!(a["options"]["include_nonsubstantive"], true);
    for file in ["report.md", "index.html"] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert!(text.contains("90% intervals"), "{file}");
        assert!(text.contains("300 resamples and seed 7"), "{file}");
    }
    // The same seed gives the same bytes; another seed other bootstrap intervals.
    let again = tempfile::tempdir().unwrap();
    report(
        "capabilities-roles",
        "data/capabilities-roles/seed-panel.csv",
        again.path(),
        &[
            "--confidence",
            "0.9",
            "--resamples",
            "300",
            "--seed",
            "7",
            "--include-nonsubstantive",
        ],
    );
    assert_eq!(text_files(dir.path()), text_files(again.path()));
}

#[test]
fn bad_analysis_options_are_usage_errors() {
    for (flag, value, message) in [
        ("--confidence", "1.5", "strictly between 0 and 1"),
        ("--confidence", "95%", "is not a number"),
        ("--resamples", "many", "invalid value"),
    ] {
        let out = canvass()
            .args([
                "report",
                "capabilities-roles",
                "data/capabilities-roles/seed-panel.csv",
                "--out",
                "/nonexistent/never-written",
                flag,
                value,
            ])
            .assert()
            .code(2);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(stderr.contains(message), "{flag} {value}: {stderr}");
    }
}
