//! Anonymity that holds (issue 9): no output reveals a group smaller than the survey's
//! `[anonymity] min_group_size`, directly or by differencing.
//!
//! The panel of tests/fixtures/anonymity/ (threshold 3) has a position level of one at
//! each end, a segment answer of one, cross cells of one, and a segment answer
//! (`gov`, 3) lying inside a side of 4, so that side minus that segment group is one
//! respondent: the differencing hole `analyze::groups` now closes. A round of a Delphi
//! variant has a level of one too. Every free-text answer, "other" text and number is
//! unique to its respondent, so the tests can tell where each ends up.
//!
//! The differencing check is exact: each shown group is a set of respondents (from the
//! responses the test wrote), and no set of 1 to min − 1 respondents may lie in the
//! linear span of the shown groups' indicator vectors, since every count, share and
//! listed answer of a group is a sum over its respondents.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use common::{canvass, root};
use polars::prelude::*;
use serde_json::Value;

const SURVEY: &str = "tests/fixtures/anonymity/survey.toml";
const RESPONSES: &str = "tests/fixtures/anonymity/responses.csv";
const MIN: usize = 3;

/// A respondent as the tests know them: the answers groups are made of, and what they
/// wrote, ticked and gave as numbers.
#[derive(Debug, Clone)]
struct Respondent {
    id: String,
    cells: BTreeMap<String, String>,
}

impl Respondent {
    fn get(&self, column: &str) -> &str {
        self.cells.get(column).map_or("", String::as_str)
    }
}

fn respondents(csv_text: &str) -> Vec<Respondent> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let cells: BTreeMap<String, String> = header
                .iter()
                .zip(r.iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect();
            Respondent {
                id: cells["respondent_id"].clone(),
                cells,
            }
        })
        .collect()
}

/// Writes the report of `survey` on `responses` into `out`; the parsed aggregates.
fn report(survey: &Path, responses: &Path, out: &Path, formats: &str) -> Value {
    let ran = canvass()
        .args(["report", "--format", formats, "--out"])
        .arg(out)
        .arg(survey)
        .arg(responses)
        .output()
        .unwrap();
    assert!(
        ran.status.code() == Some(0),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    serde_json::from_str(&fs::read_to_string(out.join("aggregates.json")).unwrap()).unwrap()
}

/// Who is in a shown group: position groups name their levels; segment groups are the
/// answers joined by `+`; crosses are `position|segment`.
fn members(grouping: &str, group: &Value, people: &[Respondent]) -> BTreeSet<usize> {
    let key = group["key"].as_str().unwrap();
    let levels: Vec<String> = group["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    let (segment, codes) = match grouping.split_once(':') {
        Some(("segment", q)) => (Some(q), Some(key)),
        Some((_, q)) => (Some(q), key.split_once('|').map(|(_, s)| s)),
        None => (None, None),
    };
    let codes: Option<Vec<&str>> = codes.map(|c| c.split('+').collect());
    people
        .iter()
        .enumerate()
        .filter(|(_, p)| levels.is_empty() || levels.iter().any(|l| l == p.get("stance")))
        .filter(|(_, p)| match (segment, &codes) {
            (Some(q), Some(codes)) => {
                let answer = p.get(q);
                let answer = if answer.is_empty() {
                    "(unanswered)"
                } else {
                    answer
                };
                codes.contains(&answer)
            }
            _ => true,
        })
        .map(|(i, _)| i)
        .collect()
}

/// Every set of 1 to `min` − 1 of `n` respondents that sums and differences of `groups`
/// isolate (Gaussian elimination over the rationals, in f64: entries are small).
fn isolated_sets(groups: &[BTreeSet<usize>], n: usize, min: usize) -> Vec<BTreeSet<usize>> {
    let mut rows: Vec<(usize, Vec<f64>)> = Vec::new();
    let reduce = |rows: &[(usize, Vec<f64>)], mut v: Vec<f64>| {
        for (pivot, row) in rows {
            let f = v[*pivot];
            v.iter_mut().zip(row).for_each(|(x, r)| *x -= f * r);
        }
        v
    };
    for g in groups {
        let v: Vec<f64> = (0..n)
            .map(|i| f64::from(u8::from(g.contains(&i))))
            .collect();
        let mut v = reduce(&rows, v);
        if let Some(pivot) = v.iter().position(|x| x.abs() > 1e-9) {
            let lead = v[pivot];
            v.iter_mut().for_each(|x| *x /= lead);
            for (_, row) in &mut rows {
                let f = row[pivot];
                row.iter_mut().zip(&v).for_each(|(x, r)| *x -= f * r);
            }
            rows.push((pivot, v));
        }
    }
    let mut found = Vec::new();
    let mut subsets: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    for _size in 1..min {
        let mut next = Vec::new();
        for s in &subsets {
            let v: Vec<f64> = (0..n)
                .map(|i| f64::from(u8::from(s.contains(&i))))
                .collect();
            if reduce(&rows, v).iter().all(|x| x.abs() <= 1e-9) {
                found.push(s.iter().copied().collect());
            }
            for j in s.last().unwrap() + 1..n {
                let mut t = s.clone();
                t.push(j);
                next.push(t);
            }
        }
        subsets = next;
    }
    found
}

/// Problems with the groupings of one analysis (the main one or a round) of `people`.
fn grouping_problems(groupings: &Value, people: &[Respondent], what: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut sets = Vec::new();
    for grouping in groupings.as_array().unwrap() {
        let id = grouping["id"].as_str().unwrap();
        for group in grouping["groups"].as_array().unwrap() {
            let set = members(id, group, people);
            let n = group["n"].as_u64().unwrap() as usize;
            if set.len() != n {
                problems.push(format!(
                    "{what}: {id} {} has n {n} but {} members",
                    group["key"],
                    set.len()
                ));
            }
            if n < MIN {
                problems.push(format!("{what}: {id} {} shown with n {n}", group["key"]));
            }
            sets.push(set);
        }
    }
    for set in isolated_sets(&sets, people.len(), MIN) {
        let ids: Vec<&str> = set.iter().map(|&i| people[i].id.as_str()).collect();
        problems.push(format!(
            "{what}: {ids:?} follow by differencing the shown groups"
        ));
    }
    problems
}

/// Problems in the whole of an aggregates value: the main groupings, each round's, every
/// result's group, the quotes and the listed numbers.
fn aggregates_problems(a: &Value, people: &[Respondent]) -> Vec<String> {
    let rounds: Vec<&Value> = a["rounds"]["rounds"]
        .as_array()
        .map(|r| r.iter().collect())
        .unwrap_or_default();
    let last_round = rounds.last().map(|r| r["round"].to_string());
    let in_round = |round: Option<&String>| -> Vec<Respondent> {
        people
            .iter()
            .filter(|p| round.is_none_or(|r| p.get("round") == r.as_str()))
            .cloned()
            .collect()
    };
    let main = in_round(last_round.as_ref());
    let mut problems = grouping_problems(&a["groupings"], &main, "main");
    for r in &rounds {
        let round = r["round"].to_string();
        problems.extend(grouping_problems(
            &r["groupings"],
            &in_round(Some(&round)),
            &format!("round {round}"),
        ));
    }
    let shown: BTreeSet<(String, String)> = a["groupings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| {
            g["groups"].as_array().unwrap().iter().map(move |x| {
                (
                    g["id"].as_str().unwrap().to_string(),
                    x["key"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    for q in a["questions"].as_array().unwrap() {
        for r in q["results"].as_array().unwrap() {
            let key = (
                r["grouping"].as_str().unwrap().to_string(),
                r["group"].as_str().unwrap().to_string(),
            );
            if !shown.contains(&key) {
                problems.push(format!(
                    "{}: a result for {key:?}, not a shown group",
                    q["id"]
                ));
            }
            // Listed numbers are exactly the members' (so they come from no one else).
            if let Some(values) = r["answers"]["values"].as_array() {
                let grouping = a["groupings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|g| g["id"] == r["grouping"])
                    .unwrap();
                let group = grouping["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|g| g["key"] == r["group"])
                    .unwrap();
                let set = members(&key.0, group, &main);
                let mut expected: Vec<f64> = set
                    .iter()
                    .filter_map(|&i| main[i].get(q["id"].as_str().unwrap()).parse().ok())
                    .collect();
                expected.sort_by(f64::total_cmp);
                let listed: Vec<f64> = values.iter().map(|v| v.as_f64().unwrap()).collect();
                if listed != expected {
                    problems.push(format!(
                        "{} {key:?}: lists {listed:?}, its members gave {expected:?}",
                        q["id"]
                    ));
                }
            }
        }
    }
    for group in a["answers_by_position"].as_array().unwrap() {
        if (group["n"].as_u64().unwrap() as usize) < MIN {
            problems.push(format!(
                "quotes attributed to {} of n {}",
                group["group"], group["n"]
            ));
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------
// The checker catches what it looks for

#[test]
fn the_differencing_check_finds_a_group_hidden_in_plain_sight() {
    // Respondents 0–3 are one side; 0–2 one segment answer; 4–7 the rest.
    let all: BTreeSet<usize> = (0..8).collect();
    let side: BTreeSet<usize> = (0..4).collect();
    let segment: BTreeSet<usize> = (0..3).collect();
    let rest: BTreeSet<usize> = (3..8).collect();
    assert_eq!(
        isolated_sets(&[all.clone(), side.clone(), segment, rest], 8, 3),
        vec![BTreeSet::from([3])]
    );
    let other_side: BTreeSet<usize> = (4..8).collect();
    assert!(isolated_sets(&[all, side, other_side], 8, 3).is_empty());
}

#[test]
fn the_aggregates_check_catches_a_hand_made_leak() {
    let people = respondents(&fs::read_to_string(root().join(RESPONSES)).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let mut a = report(
        &root().join(SURVEY),
        &root().join(RESPONSES),
        dir.path(),
        "json",
    );
    assert_eq!(aggregates_problems(&a, &people), Vec::<String>::new());
    // The segment grouping as it was before complementary suppression: `gov` (3) inside
    // the side `against` (4).
    let leaked = serde_json::json!({"id": "segment:affiliation", "label": "", "groups": [
        {"key": "lab", "levels": [], "n": 5},
        {"key": "academia", "levels": [], "n": 4},
        {"key": "gov", "levels": [], "n": 3}]});
    a["groupings"].as_array_mut().unwrap().push(leaked);
    let problems = aggregates_problems(&a, &people);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("[\"r04\"] follow by differencing")),
        "{problems:?}"
    );
    // A quote attributed to a group of one, and a number listed for the wrong group.
    a["answers_by_position"][0]["n"] = 1.into();
    let hours = a["questions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|q| q["id"] == "hours")
        .unwrap();
    let result = hours["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["grouping"] == "side")
        .unwrap();
    result["answers"]["values"][0] = 99.0.into();
    let problems = aggregates_problems(&a, &people);
    assert!(
        problems.iter().any(|p| p.starts_with("quotes attributed")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("lists [99.0")),
        "{problems:?}"
    );
}

// ---------------------------------------------------------------------------------------
// The fixture, its rounds, and random small panels

#[test]
fn the_fixture_reveals_no_small_group_in_any_output() {
    let text = fs::read_to_string(root().join(RESPONSES)).unwrap();
    let people = respondents(&text);
    let dir = tempfile::tempdir().unwrap();
    let a = report(
        &root().join(SURVEY),
        &root().join(RESPONSES),
        dir.path(),
        "html,md,json,parquet",
    );
    assert_eq!(aggregates_problems(&a, &people), Vec::<String>::new());
    let withheld = a["anonymity"]["withheld"].to_string();
    assert!(withheld.contains("\"segment:affiliation\""), "{withheld}");

    // Quotes: each listed under a group of at least 3 that holds its author.
    for group in a["answers_by_position"].as_array().unwrap() {
        let levels: Vec<&str> = group["group"].as_str().unwrap().split('+').collect();
        for r in group["respondents"].as_array().unwrap() {
            let text = r["texts"][0]["text"].as_str().unwrap();
            let author = people.iter().find(|p| p.get("why") == text).unwrap();
            assert!(
                levels.contains(&author.get("stance")),
                "{text} under {}",
                group["group"]
            );
        }
    }
    // "Other" texts are in no report output; the withheld breakdown names no group in
    // the charts; charts are named after questions only.
    let mut every_text = String::new();
    for file in ["index.html", "report.md", "aggregates.json"] {
        every_text.push_str(&fs::read_to_string(dir.path().join(file)).unwrap());
    }
    for entry in fs::read_dir(dir.path().join("charts")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        assert!(
            [
                "response-panel",
                "affiliation",
                "seniority",
                "stance",
                "considerations",
                "hours",
                "p"
            ]
            .contains(&stem.as_str()),
            "{stem}"
        );
        if path.extension().is_some_and(|e| e == "svg") {
            every_text.push_str(&fs::read_to_string(&path).unwrap());
        }
    }
    assert!(!every_text.contains("OTHER-r"));
    let panel = fs::read_to_string(dir.path().join("charts/response-panel.svg")).unwrap();
    assert!(
        !panel.contains("Government") && !panel.contains("Academia"),
        "the withheld breakdown is not drawn"
    );
    assert!(
        parquet_strings(&dir.path().join("aggregates.parquet"))
            .iter()
            .all(|s| !s.contains("OTHER-r"))
    );
}

#[test]
fn a_delphi_round_with_a_small_level_reveals_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let survey = fs::read_to_string(root().join(SURVEY))
        .unwrap()
        .replace("invited = 20", "invited = 20\nrounds = 2");
    let text = fs::read_to_string(root().join(RESPONSES)).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let mut csv_text = format!("{header},round\n");
    let rows: Vec<&str> = lines.collect();
    for row in &rows {
        csv_text.push_str(&format!("{row},1\n"));
    }
    // Round 2: eight come back, one of them moved; `lf` is then one respondent.
    for row in rows.iter().take(8) {
        csv_text.push_str(&format!("{},2\n", row.replace(",2026-03-0", ",2026-04-0")));
    }
    let (survey_path, csv_path) = (
        dir.path().join("survey.toml"),
        dir.path().join("rounds.csv"),
    );
    fs::write(&survey_path, survey).unwrap();
    fs::write(&csv_path, &csv_text).unwrap();
    let a = report(&survey_path, &csv_path, &dir.path().join("out"), "json,md");
    assert_eq!(a["rounds"]["rounds"].as_array().unwrap().len(), 2);
    assert_eq!(
        aggregates_problems(&a, &respondents(&csv_text)),
        Vec::<String>::new()
    );
}

#[test]
fn random_small_panels_reveal_no_small_group() {
    let dir = tempfile::tempdir().unwrap();
    let header = fs::read_to_string(root().join(RESPONSES))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let (stances, affiliations, seniorities) = (
        ["sa", "la", "id", "lf", "sf"],
        ["lab", "academia", "gov", ""],
        ["early", "mid", "senior", ""],
    );
    for panel in 0..12 {
        let size = 6 + next(10);
        let mut csv_text = format!("{header}\n");
        for i in 0..size {
            csv_text.push_str(&format!(
                "p{i},,{},,{},{},speed,,{},{},QUOTE-p{i}\n",
                affiliations[next(4) as usize],
                seniorities[next(4) as usize],
                stances[next(5) as usize],
                i,
                next(101)
            ));
        }
        let csv_path = dir.path().join(format!("panel{panel}.csv"));
        fs::write(&csv_path, &csv_text).unwrap();
        let a = report(
            &root().join(SURVEY),
            &csv_path,
            &dir.path().join(format!("out{panel}")),
            "json",
        );
        assert_eq!(
            aggregates_problems(&a, &respondents(&csv_text)),
            Vec::<String>::new(),
            "{csv_text}"
        );
    }
}

#[test]
fn below_the_threshold_in_all_no_answer_appears_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(root().join(RESPONSES)).unwrap();
    let two: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    let csv_path = dir.path().join("two.csv");
    fs::write(&csv_path, &two).unwrap();
    let out = dir.path().join("out");
    let a = report(
        &root().join(SURVEY),
        &csv_path,
        &out,
        "html,md,json,parquet",
    );
    assert_eq!(a["anonymity"]["all_suppressed"], true);
    let mut every_text = String::new();
    for file in ["index.html", "report.md", "aggregates.json"] {
        every_text.push_str(&fs::read_to_string(out.join(file)).unwrap());
    }
    if let Ok(charts) = fs::read_dir(out.join("charts")) {
        for entry in charts {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "svg") {
                every_text.push_str(&fs::read_to_string(&path).unwrap());
            }
        }
    }
    every_text.extend(parquet_strings(&out.join("aggregates.parquet")));
    for marker in ["QUOTE-r01", "QUOTE-r02", "11.25", "12.5"] {
        assert!(!every_text.contains(marker), "{marker} appears");
    }
}

/// Every string cell of a Parquet file, and its column names.
fn parquet_strings(path: &Path) -> Vec<String> {
    let file = fs::File::open(path).unwrap();
    let frame = polars_io::prelude::ParquetReader::new(file)
        .finish()
        .unwrap();
    let mut out: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    for column in frame.columns() {
        if let Ok(cast) = column.cast(&DataType::String) {
            let strings = cast.str().unwrap();
            out.extend(strings.iter().flatten().map(str::to_string));
        }
    }
    out
}
