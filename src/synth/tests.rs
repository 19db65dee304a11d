//! Synthetic files must be accepted whole by ingest, be fixed by their seed whatever the
//! thread count, and carry the structure reports show: answers that follow the position.

use std::collections::HashMap;

use proptest::prelude::*;

use super::*;
use crate::survey;
use crate::testing;

fn shipped(id: &str) -> Survey {
    let path = format!("{}/surveys/{id}.toml", env!("CARGO_MANIFEST_DIR"));
    survey::load(std::path::Path::new(&path))
        .unwrap_or_else(|e| panic!("{id} does not load: {e}"))
        .survey
}

fn synth(survey: &Survey, rows: u64, seed: u64) -> Vec<u8> {
    Synth::new(survey, rows, seed).unwrap().to_vec().unwrap()
}

/// Ingests the file and checks that every row is accepted with no problem at all (not
/// even a dropped cell or a note).
fn assert_ingests_whole(survey: &Survey, csv: &[u8], rows: u64) {
    let text = String::from_utf8(csv.to_vec()).unwrap();
    let ingested = testing::ingest_csv(survey, &text);
    let totals = ingested.totals();
    let problems: Vec<String> = ingested
        .rejects
        .problems
        .iter()
        .take(5)
        .map(ToString::to_string)
        .collect();
    assert!(
        ingested.rejects.problems.is_empty(),
        "{} problems, first: {problems:#?}",
        ingested.rejects.problems.len()
    );
    assert_eq!((totals.rows_read, totals.accepted), (rows, rows));
    assert_eq!(ingested.responses.len(), rows as usize);
}

/// The file as a header and rows of cells.
fn table(csv: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(csv);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn every_row_of_every_survey_is_accepted() {
    let surveys = [
        shipped("capabilities-roles"),
        shipped("frontier-roles-2027"),
        testing::every_kind(),
        testing::survey(),
    ];
    for survey in &surveys {
        for (seed, rows) in [(1, 600), (2, 250), (99, 31), (u64::MAX, 7)] {
            assert_ingests_whole(survey, &synth(survey, rows, seed), rows);
        }
    }
}

#[test]
fn the_header_is_the_canonical_one_and_ids_count_up() {
    let survey = testing::every_kind();
    let csv = synth(&survey, 3, 1);
    let text = String::from_utf8(csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "respondent_id,submitted_at,weight,stance,role,role.other,why,grid.r1,grid.r2,hours,p,when,order,note"
        )
    );
    let ids: Vec<&str> = lines.map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(ids, ["synth-0000001", "synth-0000002", "synth-0000003"]);
    // No rows: just the header.
    assert_eq!(
        synth(&survey, 0, 1).iter().filter(|b| **b == b'\n').count(),
        1
    );
}

#[test]
fn the_seed_fixes_the_bytes_and_batching_does_not_matter() {
    // The batch size is what the thread count changes (tests/synth.rs runs the binary
    // with several RAYON_NUM_THREADS).
    let survey = shipped("frontier-roles-2027");
    let rows = 5 * CHUNK_ROWS + 17;
    let batched = |in_flight: u64, seed: u64| {
        let mut out = Vec::new();
        Synth::new(&survey, rows, seed)
            .unwrap()
            .write_batched(&mut out, in_flight)
            .unwrap();
        out
    };
    let one = batched(1, 5);
    assert_eq!(one, batched(2, 5));
    assert_eq!(one, batched(4, 5));
    assert_eq!(one, batched(64, 5));
    assert_eq!(one, synth(&survey, rows, 5));
    assert_ne!(one, batched(2, 6));
    // A shorter file is a prefix of a longer one with the same seed.
    let short = synth(&survey, 100, 5);
    assert!(one.starts_with(&short));
}

#[test]
fn the_kinds_rules_and_rarities_all_show_up() {
    let survey = testing::every_kind();
    let (header, rows) = table(&synth(&survey, 3000, 8));
    let col = |name: &str| column(&header, name);
    let count =
        |name: &str, f: &dyn Fn(&str) -> bool| rows.iter().filter(|r| f(&r[col(name)])).count();
    // Weights: positive numbers with three decimals, spread around 1.
    assert_eq!(
        count("weight", &|w| w.parse::<f64>().is_ok_and(|w| w > 0.0)),
        3000
    );
    assert!(count("weight", &|w| w.parse::<f64>().unwrap() < 0.8) > 300);
    // Optional questions are skipped sometimes; required ones never.
    assert!((100..500).contains(&count("hours", &str::is_empty)));
    assert_eq!(count("grid.r1", &str::is_empty), 0);
    // "other" comes with a specification most of the time, never without the choice.
    let others = count("role", &|c| c == "other");
    let specified = count("role.other", &|c| !c.is_empty());
    assert!(
        others > 20 && specified > others / 2 && specified <= others,
        "{others} {specified}"
    );
    // Non-substantive levels now and then.
    assert!((30..300).contains(&count("grid.r2", &|c| c == "dk")));
    // Pick limits and rankings.
    assert_eq!(count("why", &|c| c.split(';').count() > 2), 0);
    assert_eq!(
        count("order", &|c| {
            let items: Vec<&str> = c.split(';').collect();
            c.is_empty() || (items.len() == 2 && items[0] != items[1])
        }),
        3000
    );
    // Whole numbers within bounds, probabilities 0–100, years within bounds.
    let numbers = |name: &str| -> Vec<f64> {
        rows.iter()
            .filter_map(|r| r[col(name)].parse().ok())
            .collect()
    };
    assert!(
        numbers("hours")
            .iter()
            .all(|h| (0.0..=80.0).contains(h) && h.fract() == 0.0)
    );
    assert!(numbers("p").iter().all(|p| (0.0..=100.0).contains(p)));
    assert!(
        numbers("when")
            .iter()
            .all(|y| (2025.0..=2100.0).contains(y) && y.fract() == 0.0)
    );
    // show_if: `note` is answered exactly when stance is yes (it is required then).
    assert!(
        rows.iter()
            .all(|r| (r[col("stance")] == "yes") != r[col("note")].is_empty())
    );
    // Submission times lie in the fielding window.
    assert!(rows.iter().all(|r| {
        let t = &r[col("submitted_at")];
        t.starts_with("2026-03-") && ("2026-03-02".."2026-03-30").contains(&&t[..10])
    }));
}

/// A writer that takes `room` bytes and then fails, like a full disk.
struct FullAfter {
    room: usize,
}

impl std::io::Write for FullAfter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if bytes.len() > self.room {
            return Err(std::io::Error::other("disk full"));
        }
        self.room -= bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_writer_stops_the_run_with_its_error() {
    let survey = testing::every_kind();
    let synth = Synth::new(&survey, 40 * CHUNK_ROWS, 1).unwrap();
    for room in [0, 10, 300_000] {
        let error = synth.write(FullAfter { room }).unwrap_err();
        assert_eq!(error.to_string(), "disk full", "room {room}");
    }
}

/// Share of `rows` (cells of one column) meeting `f`.
fn share(cells: &[&str], f: impl Fn(&str) -> bool) -> f64 {
    cells.iter().filter(|c| f(c)).count() as f64 / cells.len() as f64
}

#[test]
fn answers_follow_the_position() {
    let survey = shipped("frontier-roles-2027");
    let rows_wanted = 4000;
    let synth = Synth::new(&survey, rows_wanted, 11).unwrap();
    let (header, rows) = table(&synth.to_vec().unwrap());
    let stance = column(&header, "stance");
    let side = |code: &str| match code {
        "strongly_against" | "lean_against" => "against",
        "strongly_in_favour" | "lean_in_favour" => "in_favour",
        _ => "neutral",
    };
    let cells = |name: &str, wanted: &str| -> Vec<&str> {
        let c = column(&header, name);
        rows.iter()
            .filter(|r| side(&r[stance]) == wanted)
            .map(|r| r[c].as_str())
            .collect()
    };

    // The position is spread unevenly, with every level held.
    let mut levels: HashMap<&str, usize> = HashMap::new();
    for r in &rows {
        *levels.entry(r[stance].as_str()).or_default() += 1;
    }
    assert_eq!(levels.len(), 5, "{levels:?}");
    let (most, least) = (
        levels.values().max().unwrap(),
        levels.values().min().unwrap(),
    );
    assert!(*most > 2 * least, "{levels:?}");

    // Every row of the advice matrix: those in favour advise taking the role more often
    // than those against when its loading is positive, less often when negative.
    let advise = survey
        .questions
        .iter()
        .position(|q| q.id == "advise")
        .unwrap();
    let yes = |c: &str| c == "probably_yes" || c == "definitely_yes";
    for (r, row) in survey.questions[advise].rows().iter().enumerate() {
        let name = format!("advise.{}", row.code);
        let gap = share(&cells(&name, "in_favour"), yes) - share(&cells(&name, "against"), yes);
        let loading = synth.model.row_loading(advise, r).unwrap();
        assert!(
            gap * loading.signum() > 0.15,
            "{name}: loading {loading:.2}, in favour minus against {gap:.2}"
        );
    }

    // Considerations with a direction are ticked more by the side they argue for.
    let ticked = |code: &'static str| move |c: &str| c.split(';').any(|x| x == code);
    for (code, direction) in [("career_capital", 1.0), ("acceleration", -1.0)] {
        let gap = share(&cells("considerations", "in_favour"), ticked(code))
            - share(&cells("considerations", "against"), ticked(code));
        assert!(gap * direction > 0.15, "{code}: {gap:.2}");
    }

    // Segments are spread unevenly.
    let affiliation = column(&header, "affiliation");
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for r in &rows {
        *counts.entry(r[affiliation].as_str()).or_default() += 1;
    }
    let (most, least) = (
        counts.values().max().unwrap(),
        counts.values().min().unwrap(),
    );
    assert!(counts.len() == 6 && *most > 2 * least, "{counts:?}");
}

/// The seed of data/frontier-roles-2027/synthetic.csv (see its README).
const SHIPPED_SEED: u64 = 20;

#[test]
fn the_shipped_seed_leans_the_plausible_way() {
    // Matrix rows and probabilities carry no direction, so which way they lean is the
    // seed's choice; the shipped panel's seed was picked for a report that reads sensibly.
    let survey = shipped("frontier-roles-2027");
    let (header, rows) = table(&synth(&survey, 4000, SHIPPED_SEED));
    let stance = column(&header, "stance");
    let side = |r: &Vec<String>| match r[stance].as_str() {
        "strongly_against" | "lean_against" => -1,
        "strongly_in_favour" | "lean_in_favour" => 1,
        _ => 0,
    };
    let answered = |name: &str, wanted: i32| -> Vec<String> {
        let c = column(&header, name);
        rows.iter()
            .filter(|r| side(r) == wanted && !r[c].is_empty())
            .map(|r| r[c].clone())
            .collect()
    };
    let yes = |c: &str| c == "probably_yes" || c == "definitely_yes";
    let advise_gap = |row: &str| {
        let name = format!("advise.{row}");
        let cells = |side| answered(&name, side);
        let (favour, against) = (cells(1), cells(-1));
        let favour: Vec<&str> = favour.iter().map(String::as_str).collect();
        let against: Vec<&str> = against.iter().map(String::as_str).collect();
        share(&favour, yes) - share(&against, yes)
    };
    // Those in favour advise capabilities research more than those against.
    for (row, sign) in [
        ("lab_capabilities", 1.0),
        ("lab_post_training", 1.0),
        ("safety_nonprofit", -1.0),
        ("academia", -1.0),
    ] {
        let gap = advise_gap(row);
        assert!(gap * sign > 0.2, "{row}: in favour minus against {gap:.2}");
    }
    let mean = |name: &str, side| {
        let cells = answered(name, side);
        cells.iter().map(|c| c.parse::<f64>().unwrap()).sum::<f64>() / cells.len() as f64
    };
    for name in ["p_marginal_engineer", "p_safety_teams_net_positive"] {
        let gap = mean(name, 1) - mean(name, -1);
        assert!(
            gap > 10.0,
            "{name}: in favour minus against {gap:.1} points"
        );
    }
}

#[test]
fn a_roster_gives_the_ids_and_bounds_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("roster.csv"),
        "respondent_id\nana\n=bo\ncy\n",
    )
    .unwrap();
    let source = testing::SURVEY.replace("invited = 10", "roster = \"roster.csv\"");
    let path = dir.path().join("t.toml");
    let survey = survey::parse(path.to_str().unwrap(), &source)
        .unwrap()
        .survey;
    let csv = synth(&survey, 3, 4);
    let (_, rows) = table(&csv);
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    // A roster id that looks like a formula is protected, and ingest reads it back.
    assert_eq!(ids, ["ana", "'=bo", "cy"]);
    assert_ingests_whole(&survey, &csv, 3);
    let error = Synth::new(&survey, 4, 4).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("has a roster of 3 respondents (roster.csv), and ingest accepts only them; ask for at most 3 rows"),
        "{error}"
    );
}

#[test]
fn a_delphi_survey_gets_every_respondent_in_every_round() {
    let source = testing::SURVEY
        .replace("invited = 10", "invited = 10\nrounds = 2")
        .replace(
            "codebook = \"themes\"",
            "codebook = \"themes\"\ncoders = [\"ana\"]",
        );
    let survey = testing::survey_from(&source);
    let csv = synth(&survey, 6, 9);
    let (header, rows) = table(&csv);
    assert_eq!(&header[..3], ["respondent_id", "submitted_at", "round"]);
    let id_round: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        id_round,
        [
            ("synth-0000001", "1"),
            ("synth-0000001", "2"),
            ("synth-0000002", "1"),
            ("synth-0000002", "2"),
            ("synth-0000003", "1"),
            ("synth-0000003", "2"),
        ]
    );
    // The made-up coder agrees with the reconciled coding.
    let themes = header.iter().position(|h| h == "themes").unwrap();
    let coded = header.iter().position(|h| h == "themes@ana").unwrap();
    assert!(rows.iter().all(|r| r[themes] == r[coded]));
    assert_ingests_whole(&survey, &csv, 6);
}

#[test]
fn negative_numbers_are_protected_and_read_back() {
    let source =
        testing::EVERY_KIND.replace("min = 0\nmax = 80\ninteger = true", "min = -40\nmax = -2");
    let survey = testing::survey_from(&source);
    let csv = synth(&survey, 300, 2);
    let (header, rows) = table(&csv);
    let hours = column(&header, "hours");
    assert!(rows.iter().any(|r| r[hours].starts_with("'-")));
    assert_ingests_whole(&survey, &csv, 300);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_seed_and_row_count_ingests_whole(seed in any::<u64>(), rows in 0u64..80) {
        let survey = testing::every_kind();
        let csv = synth(&survey, rows, seed);
        let ingested = testing::ingest_csv(&survey, &String::from_utf8(csv).unwrap());
        prop_assert!(ingested.rejects.problems.is_empty(), "{:?}", ingested.rejects.problems.first());
        prop_assert_eq!(ingested.totals().accepted, rows);
    }
}
