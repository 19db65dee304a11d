use proptest::prelude::*;

use super::*;
use crate::testing::{ingest_csv, survey};

fn counts(rows_read: u64, accepted: u64, rejected: u64) -> Counts {
    Counts {
        rows_read,
        accepted,
        rejected,
    }
}

fn ingest_one(csv: &str) -> Ingested {
    ingest_csv(&survey(), csv)
}

/// (line, column, effect, reason) of every problem, notes included.
fn all_problems(ingested: &Ingested) -> Vec<(u64, Option<usize>, Effect, String)> {
    ingested
        .rejects
        .problems
        .iter()
        .map(|p| (p.line, p.column, p.effect, p.reason.clone()))
        .collect()
}

/// The same without notes (most test files leave out optional columns).
fn problems(ingested: &Ingested) -> Vec<(u64, Option<usize>, Effect, String)> {
    let mut found = all_problems(ingested);
    found.retain(|p| p.2 != Effect::Note);
    found
}

/// Accepted rows are counted from the response table, rejected ones where each is set
/// aside, read ones as records come in: a row lost on any path breaks the sum.
fn assert_adds_up(ingested: &Ingested) {
    let t = ingested.totals();
    assert_eq!(t.accepted + t.rejected, t.rows_read, "{t:?}");
    assert_eq!(t.accepted as usize, ingested.responses.len());
    let rejected_rows_with_a_reason = ingested
        .rejects
        .problems
        .iter()
        .filter(|p| p.effect == Effect::RowRejected)
        .count();
    assert!(
        rejected_rows_with_a_reason as u64 >= t.rejected,
        "every rejected row has a reason"
    );
}

#[test]
fn valid_rows_become_typed_columns() {
    let ingested = ingest_one(
        "respondent_id,stance,themes,note\n\
         a,yes,gain;cost,\"fine, really\"\n\
         b,no,,\n",
    );
    assert_eq!(problems(&ingested), vec![]);
    assert_adds_up(&ingested);
    let frame = ingested.responses.frame();
    let stance: Vec<Option<u8>> = frame
        .column("stance")
        .unwrap()
        .u8()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(stance, vec![Some(2), Some(0)]);
    let gain: Vec<Option<bool>> = frame
        .column("themes.gain")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(gain, vec![Some(true), None]);
    let note: Vec<Option<&str>> = frame
        .column("note")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(note, vec![Some("fine, really"), None]);
}

#[test]
fn an_unknown_code_rejects_the_row_with_line_column_and_reason() {
    let ingested =
        ingest_one("respondent_id,stance,themes\na,yes,\nb,perhaps,gain\nc,maybe,gian\n");
    assert_eq!(
        problems(&ingested),
        vec![
            (3, Some(2), Effect::RowRejected, "`perhaps` is not a code of `stance`; expected one of `no`, `maybe`, `yes`".into()),
            (4, Some(3), Effect::RowRejected, "`gian` is not a code of `themes`; expected one of `cost`, `gain` (did you mean `gain`?)".into()),
        ]
    );
    let p = ingested
        .rejects
        .problems
        .iter()
        .find(|p| p.effect == Effect::RowRejected)
        .unwrap();
    assert_eq!(
        (p.field.as_deref(), p.value.as_deref()),
        (Some("stance"), Some("perhaps"))
    );
    assert_eq!(ingested.totals(), counts(3, 1, 2));
    assert_adds_up(&ingested);
}

#[test]
fn a_row_with_several_bad_cells_lists_each_and_counts_once() {
    let ingested = ingest_one("respondent_id,stance,themes\n,perhaps,x\n");
    assert_eq!(problems(&ingested).len(), 3);
    assert_eq!(ingested.totals(), counts(1, 0, 1));
}

#[test]
fn a_ragged_row_is_rejected_at_its_line() {
    let ingested = ingest_one("respondent_id,stance,note\na,yes\nb,no,x,extra\nc,no,ok\n");
    assert_eq!(
        problems(&ingested),
        vec![
            (
                2,
                Some(3),
                Effect::RowRejected,
                "the row has 2 fields; the header has 3".into()
            ),
            (
                3,
                Some(4),
                Effect::RowRejected,
                "the row has 4 fields; the header has 3".into()
            ),
        ]
    );
    assert_eq!(ingested.totals(), counts(3, 1, 2));
}

#[test]
fn a_missing_required_column_rejects_every_row_and_an_optional_one_is_noted() {
    let ingested = ingest_one("respondent_id,themes\na,gain\nb,cost\n");
    assert_eq!(
        all_problems(&ingested),
        vec![
            (
                1,
                None,
                Effect::FileRejected,
                "the header has no `stance` column, which every row needs".into()
            ),
            (
                1,
                None,
                Effect::Note,
                "the header has no `note` column; every row is read as not answering it".into()
            ),
            (
                2,
                None,
                Effect::RowRejected,
                "the header has no `stance` column, which every row needs".into()
            ),
            (
                3,
                None,
                Effect::RowRejected,
                "the header has no `stance` column, which every row needs".into()
            ),
        ]
    );
    assert_eq!(ingested.totals(), counts(2, 0, 2));
}

#[test]
fn an_unknown_column_is_ignored_loudly_with_a_suggestion() {
    let ingested = ingest_one("respondent_id,stance,theme\na,yes,gain\n");
    assert_eq!(
        problems(&ingested)[0],
        (
            1,
            Some(3),
            Effect::ColumnIgnored,
            "column `theme` matches no question of survey `t` (did you mean `themes`?)".into()
        )
    );
    assert!(ingested.rejects.has_problems());
    assert_eq!(ingested.totals().accepted, 1);
}

#[test]
fn a_duplicate_column_makes_the_file_unusable() {
    let ingested = ingest_one("respondent_id,stance,stance\na,yes,no\n");
    let found = problems(&ingested);
    assert_eq!(found[0].2, Effect::FileRejected);
    assert!(
        found[0]
            .3
            .contains("appears twice in the header (columns 2 and 3)"),
        "{}",
        found[0].3
    );
    assert_eq!(ingested.totals(), counts(1, 0, 1));
}

#[test]
fn empty_and_header_only_files() {
    let empty = ingest_one("");
    assert_eq!(empty.totals(), Counts::default());
    let (line, column, effect, reason) = problems(&empty).remove(0);
    assert_eq!((line, column, effect), (1, None, Effect::FileRejected));
    assert!(reason.starts_with("the file is empty; expected a header row: respondent_id,submitted_at,stance,themes,note"), "{reason}");

    let header_only = ingest_one("respondent_id,stance,themes,note\n");
    assert_eq!(header_only.totals(), Counts::default());
    assert!(!header_only.rejects.has_problems());
}

#[test]
fn missing_required_answers_and_bad_timestamps_are_rejected() {
    let ingested = ingest_one(
        "respondent_id,submitted_at,stance\n\
         a,2026-03-01T14:30:00+02:00,yes\n\
         b,,\n\
         c,yesterday,no\n",
    );
    let found = problems(&ingested);
    assert_eq!(
        found[0],
        (
            3,
            Some(3),
            Effect::RowRejected,
            "`stance` is required but the cell is empty".into()
        )
    );
    assert_eq!((found[1].0, found[1].1), (4, Some(2)));
    assert!(
        found[1]
            .3
            .starts_with("`yesterday` is not an RFC 3339 timestamp"),
        "{}",
        found[1].3
    );
    let at = ingested
        .responses
        .frame()
        .column("submitted_at")
        .unwrap()
        .cast(&polars::prelude::DataType::Int64)
        .unwrap();
    assert_eq!(at.i64().unwrap().get(0), Some(1_772_368_200_000));
}

#[test]
fn line_numbers_follow_the_file_even_with_newlines_in_cells_and_a_bom() {
    let ingested =
        ingest_one("\u{feff}respondent_id,stance,note\na,yes,\"two\nlines\"\nb,nope,x\n");
    assert_eq!(problems(&ingested)[0].0, 4);
    assert_eq!(ingested.totals(), counts(2, 1, 1));
}

#[test]
fn the_same_respondent_in_two_files_keeps_the_first() {
    let s = survey();
    let files = vec![
        (
            "one.csv".to_string(),
            b"respondent_id,stance\na,yes\nb,no\n".to_vec(),
        ),
        (
            "two.csv".to_string(),
            b"respondent_id,stance\nb,yes\nc,no\n".to_vec(),
        ),
    ];
    let ingested = ingest_bytes(&s, &files).unwrap();
    let p = ingested
        .rejects
        .problems
        .iter()
        .find(|p| p.effect == Effect::RowRejected)
        .unwrap();
    assert_eq!((p.file.as_str(), p.line), ("two.csv", 2));
    assert_eq!(
        p.reason,
        "respondent `b` already answered at one.csv:3; the first response is kept"
    );
    assert_eq!(ingested.files[1].counts, counts(2, 1, 1));
    assert_eq!(ingested.totals(), counts(4, 3, 1));
}

#[test]
fn invalid_utf8_is_rejected_not_mangled() {
    let ingested = ingest_bytes(
        &survey(),
        &[(
            "in.csv".into(),
            b"respondent_id,stance,note\na,yes,caf\xe9\n".to_vec(),
        )],
    )
    .unwrap();
    assert_eq!(problems(&ingested)[0].3, "the cell is not valid UTF-8 text");
}

#[test]
fn canonical_csv_round_trips_including_formula_like_text() {
    let csv = "respondent_id,submitted_at,stance,themes,note\n\
               a,2026-03-01T12:30:00Z,yes,cost;gain,=1+1\n\
               b,,no,,\"- a list?\"\n";
    let s = survey();
    let first = ingest_one(csv);
    let written = first.responses.to_canonical_csv(&s).unwrap();
    let text = String::from_utf8(written.clone()).unwrap();
    assert!(text.contains(",'=1+1\n"), "{text}");
    let second = ingest_bytes(&s, &[("again.csv".into(), written.clone())]).unwrap();
    assert!(
        first
            .responses
            .frame()
            .equals_missing(second.responses.frame())
    );
    assert_eq!(second.responses.to_canonical_csv(&s).unwrap(), written);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the bytes, nothing panics and every record is accounted for.
    #[test]
    fn any_mutation_of_a_valid_file_adds_up(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = b"respondent_id,stance,themes,note\na,yes,gain,\"x, y\"\nb,no,cost;gain,\nc,maybe,,z\n".to_vec();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        let ingested = ingest_bytes(&survey(), &[("fuzz.csv".into(), bytes)]).unwrap();
        assert_adds_up(&ingested);
    }
}
