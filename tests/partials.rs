//! Aggregates that merge (issue 8): the partial aggregates of any split of the rows,
//! merged, give byte for byte the `aggregates.json` of one pass over all of them. Random
//! synthetic panels of both shipped surveys and of the weighted, coded and Delphi
//! fixtures, split at random into one to five partitions, each ingested on its own, each
//! partial written to JSON and read back, merged in a shuffled order.

use std::path::Path;

use canvass::analyze::{self, Options, Partial};
use canvass::ingest::ingest_bytes;
use canvass::report::aggregates_json;
use canvass::survey::{self, Survey};
use canvass::synth::Synth;
use proptest::prelude::*;

fn load(path: &str) -> Survey {
    survey::load(Path::new(path)).unwrap().survey
}

/// Fewer resamples than the default keeps the debug build quick; the bootstrap still
/// draws from the merged counts.
fn options(seed: u64) -> Options {
    Options {
        resamples: 50,
        seed,
        ..Options::default()
    }
}

/// The header and the rows of a canonical CSV (synth writes no quoted line breaks).
fn rows(csv: &[u8]) -> (String, Vec<String>) {
    let text = String::from_utf8(csv.to_vec()).unwrap();
    let mut lines = text.lines().map(str::to_string);
    let header = lines.next().unwrap();
    (header, lines.collect())
}

fn one_pass(survey: &Survey, header: &str, rows: &[String], options: &Options) -> String {
    let csv = format!(
        "{header}\n{}",
        rows.iter().map(|r| format!("{r}\n")).collect::<String>()
    );
    let ingested = ingest_bytes(survey, &[("all.csv".into(), csv.into_bytes())]).unwrap();
    assert_eq!(ingested.responses.len(), rows.len(), "every row is valid");
    aggregates_json(&analyze::analyze_with(survey, &ingested.responses, options).unwrap())
}

/// Each partition ingested and analysed on its own, through the partial's JSON file.
fn merged(
    survey: &Survey,
    header: &str,
    rows: &[String],
    part_of: &[usize],
    parts: usize,
    order: &[usize],
    options: &Options,
) -> String {
    let mut partials: Vec<Partial> = (0..parts)
        .map(|p| {
            let body: String = rows
                .iter()
                .zip(part_of)
                .filter(|(_, q)| **q == p)
                .map(|(r, _)| format!("{r}\n"))
                .collect();
            let csv = format!("{header}\n{body}");
            let ingested =
                ingest_bytes(survey, &[(format!("part-{p}.csv"), csv.into_bytes())]).unwrap();
            let partial = analyze::partial(survey, &ingested.responses, options).unwrap();
            let file = partial.to_json().unwrap();
            let back = Partial::from_json("part.json", &file).unwrap();
            assert_eq!(
                back, partial,
                "a partial reads back from its JSON unchanged"
            );
            back
        })
        .collect();
    // Merge in another order than the partitions were made in.
    let mut slots: Vec<Option<Partial>> = partials.drain(..).map(Some).collect();
    let shuffled: Vec<Partial> = order.iter().filter_map(|&i| slots[i].take()).collect();
    aggregates_json(&analyze::merge(survey, shuffled, options).unwrap())
}

/// A split of `n` rows into 1–5 partitions (some may be empty) and an order to merge in.
fn split(n: usize) -> impl Strategy<Value = (usize, Vec<usize>, Vec<usize>)> {
    (1usize..=5).prop_flat_map(move |parts| {
        (
            Just(parts),
            prop::collection::vec(0..parts, n),
            Just((0..parts).collect::<Vec<_>>()).prop_shuffle(),
        )
    })
}

/// The rows of a synthetic panel split as `split` says (the first rows' partitions of
/// a longer draw), merged, against one pass over all of them.
fn check_synth(
    path: &str,
    rows_wanted: u64,
    seed: u64,
    (parts, part_of, order): (usize, Vec<usize>, Vec<usize>),
) -> Result<(), TestCaseError> {
    let survey = load(path);
    let csv = Synth::new(&survey, rows_wanted, seed)
        .unwrap()
        .to_vec()
        .unwrap();
    let (header, rows) = rows(&csv);
    let options = options(seed);
    let whole = one_pass(&survey, &header, &rows, &options);
    let part_of = &part_of[..rows.len()];
    let merged = merged(&survey, &header, &rows, part_of, parts, &order, &options);
    prop_assert!(
        merged == whole,
        "{path}: {} rows split into {parts}: the merged aggregates.json differs from one pass",
        rows.len()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn any_split_of_a_capabilities_panel_merges_to_one_pass(
        rows in 0u64..60, seed in 0u64..1000, split in split(60),
    ) {
        check_synth("surveys/capabilities-roles.toml", rows, seed, split)?;
    }

    #[test]
    fn any_split_of_a_frontier_panel_merges_to_one_pass(
        rows in 0u64..120, seed in 0u64..1000, split in split(120),
    ) {
        check_synth("surveys/frontier-roles-2027.toml", rows, seed, split)?;
    }

    /// Weights (three decimals each, so sums depend on their order), several coders and
    /// Delphi rounds: synthetic panels of the analysis fixtures' surveys.
    #[test]
    fn any_split_of_a_weighted_coded_or_delphi_panel_merges_to_one_pass(
        which in 0usize..3, rows in 0u64..80, seed in 0u64..1000, split in split(80),
    ) {
        let path = [
            "tests/fixtures/analysis/weights.toml",
            "tests/fixtures/analysis/coders.toml",
            "tests/fixtures/analysis/rounds.toml",
        ][which];
        check_synth(path, rows, seed, split)?;
    }
}
