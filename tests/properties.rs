//! Properties that must hold for any input (issue 9, "property tests"), on random
//! synthetic panels of both shipped surveys and on random byte changes to real files.
//! tests/exports.rs checks the reading layer (records and lines) under byte changes; here
//! the whole ingest is checked: nothing is lost, whatever the bytes.

mod common;

use std::sync::LazyLock;

use canvass::analyze::{self, Aggregates};
use canvass::ingest::{self, Ingested};
use canvass::survey::{self, Survey};
use canvass::synth::Synth;
use proptest::prelude::*;

use common::root;

fn load(path: &str) -> Survey {
    survey::load(&root().join(path)).unwrap().survey
}

static SMALL: LazyLock<Survey> = LazyLock::new(|| load("surveys/capabilities-roles.toml"));
static FRONTIER: LazyLock<Survey> = LazyLock::new(|| load("surveys/frontier-roles-2027.toml"));

fn shipped(which: bool) -> &'static Survey {
    if which { &FRONTIER } else { &SMALL }
}

fn ingest_one(survey: &Survey, name: &str, bytes: Vec<u8>) -> Ingested {
    ingest::ingest_bytes(survey, &[(name.to_string(), bytes)]).unwrap()
}

/// Every record read is accepted or rejected, per file and in total.
fn assert_nothing_lost(ingested: &Ingested) -> Result<(), TestCaseError> {
    for file in &ingested.files {
        let c = file.counts;
        prop_assert_eq!(c.accepted + c.rejected, c.rows_read, "{}", file.file);
    }
    let total = ingested.totals();
    prop_assert_eq!(total.accepted + total.rejected, total.rows_read);
    prop_assert_eq!(ingested.responses.len() as u64, total.accepted);
    Ok(())
}

/// The files the mutation property starts from: canonical files of both shipped surveys,
/// and exports of several tools, each with the survey it is read against.
static VALID_FILES: LazyLock<Vec<(Survey, String, Vec<u8>)>> = LazyLock::new(|| {
    let mut files = vec![
        (
            SMALL.clone(),
            "seed-panel.csv".to_string(),
            std::fs::read(root().join("data/capabilities-roles/seed-panel.csv")).unwrap(),
        ),
        (
            FRONTIER.clone(),
            "synthetic.csv".to_string(),
            Synth::new(&FRONTIER, 25, 9).unwrap().to_vec().unwrap(),
        ),
    ];
    for export in [
        "qualtrics-rpkg-legacy",
        "redcap-redcapr-simple",
        "kobo-kpi-testexpect-hxl",
        "googleforms-cs50-favorites",
        "limesurvey-vvexport-tab",
        "surveymonkey-538-steak",
        "odkcentral-ruodk-flora-main",
    ] {
        let dir = root().join("tests/fixtures/exports");
        files.push((
            survey::load(&dir.join(format!("surveys/{export}.toml")))
                .unwrap()
                .survey,
            format!("{export}.csv"),
            std::fs::read(dir.join(format!("{export}.csv"))).unwrap(),
        ));
    }
    files
});

/// Each question's counts add up to its respondents, and its shares to 1.
fn assert_adds_up(aggregates: &Aggregates) -> Result<(), TestCaseError> {
    for question in &aggregates.questions {
        let exclusive = matches!(question.kind.as_str(), "single" | "likert");
        for result in &question.results {
            let at = format!("{} in {}/{}", question.id, result.grouping, result.group);
            prop_assert_eq!(
                result.n,
                result.answered + result.not_shown + result.skipped + result.missing,
                "{}",
                at
            );
            prop_assert!(result.base <= result.answered, "{}", at);
            if exclusive {
                let counted: u64 = result.counts.iter().map(|c| c.count).sum();
                prop_assert_eq!(counted, result.answered, "{}", at);
                check_shares(&result.counts, result.base, &at)?;
            }
            for row in &result.rows {
                let counted: u64 = row.counts.iter().map(|c| c.count).sum();
                prop_assert_eq!(counted, row.answered, "{} row {}", at, row.row);
                prop_assert_eq!(
                    result.n - result.not_shown,
                    row.answered + row.skipped + row.missing,
                    "{} row {}",
                    at,
                    row.row
                );
                check_shares(&row.counts, row.base, &at)?;
            }
        }
    }
    Ok(())
}

/// Shares are of the base (don't-know levels, which have no share unless included, are
/// outside it): with any base they sum to 1, without one there are none.
fn check_shares(
    counts: &[canvass::analyze::ChoiceCount],
    base: u64,
    at: &str,
) -> Result<(), TestCaseError> {
    let shares: Vec<f64> = counts.iter().filter_map(|c| c.share).collect();
    if base == 0 {
        prop_assert!(shares.is_empty(), "{}: shares without a base", at);
    } else {
        let sum: f64 = shares.iter().sum();
        prop_assert!((sum - 1.0).abs() < 1e-9, "{}: shares sum to {}", at, sum);
        for share in shares {
            prop_assert!((0.0..=1.0).contains(&share), "{}: share {}", at, share);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any byte changes to a valid file: ingest never fails or panics on content, and
    /// every record read is accepted or rejected.
    #[test]
    fn nothing_is_lost_whatever_the_bytes(
        which in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let (survey, name, bytes) = &VALID_FILES[which.index(VALID_FILES.len())];
        let mut bytes = bytes.clone();
        for (at, byte) in &edits {
            let i = at.index(bytes.len());
            bytes[i] = *byte;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        assert_nothing_lost(&ingest_one(survey, name, bytes))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Random synthetic respondents, written canonically and read back: the same answers
    /// (the same typed table), and written again, the same bytes.
    #[test]
    fn canonical_csv_write_then_read_is_the_identity(
        frontier in any::<bool>(),
        rows in 1u64..80,
        seed in any::<u64>(),
    ) {
        let survey = shipped(frontier);
        let synthetic = Synth::new(survey, rows, seed).unwrap().to_vec().unwrap();
        let first = ingest_one(survey, "synthetic.csv", synthetic);
        assert_nothing_lost(&first)?;
        prop_assert_eq!(first.totals().accepted, rows, "{:?}", first.rejects.problems);
        let written = first.responses.to_canonical_csv(survey).unwrap();
        let second = ingest_one(survey, "written.csv", written.clone());
        prop_assert_eq!(second.totals().rejected, 0, "{:?}", second.rejects.problems);
        prop_assert!(
            first.responses.frame().equals_missing(second.responses.frame()),
            "read back:\n{}\nfirst read:\n{}",
            second.responses.frame(),
            first.responses.frame()
        );
        prop_assert_eq!(second.responses.to_canonical_csv(survey).unwrap(), written);
    }

    /// Random synthetic panels: in every question and group, counts add up to the
    /// respondents and shares to 1.
    #[test]
    fn counts_add_up_and_shares_sum_to_one(
        frontier in any::<bool>(),
        rows in 1u64..150,
        seed in any::<u64>(),
    ) {
        let survey = shipped(frontier);
        let synthetic = Synth::new(survey, rows, seed).unwrap().to_vec().unwrap();
        let ingested = ingest_one(survey, "synthetic.csv", synthetic);
        let aggregates = analyze::analyze(survey, &ingested.responses).unwrap();
        prop_assert_eq!(aggregates.panel.answered, rows);
        assert_adds_up(&aggregates)?;
    }
}

#[test]
fn the_invariants_can_fail() {
    // The checks above are not vacuous: a broken aggregate is caught.
    let survey = shipped(false);
    let synthetic = Synth::new(survey, 30, 1).unwrap().to_vec().unwrap();
    let ingested = ingest_one(survey, "s.csv", synthetic);
    let mut aggregates = analyze::analyze(survey, &ingested.responses).unwrap();
    assert!(assert_adds_up(&aggregates).is_ok());
    let result = aggregates
        .questions
        .iter_mut()
        .find(|q| q.kind == "likert")
        .and_then(|q| q.results.first_mut())
        .unwrap();
    result.counts[0].count += 1;
    assert!(assert_adds_up(&aggregates).is_err());
}
