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
    const CSV: &str = "respondent_id,stance,themes\na,yes,\nb,perhaps,gain\nc,maybe,gian\n";
    // By default a bad optional answer costs only its cell; the required position's
    // bad answer costs the row.
    let lenient = ingest_one(CSV);
    assert_eq!(
        problems(&lenient),
        vec![
            (3, Some(2), Effect::RowRejected, "`perhaps` is not a code of `stance`; expected one of `no`, `maybe`, `yes`".into()),
            (4, Some(3), Effect::CellDropped, "`gian` is not a code of `themes`; expected one of `cost`, `gain` (did you mean `gain`?); the row is kept without this cell (--strict rejects it)".into()),
        ]
    );
    assert_eq!(lenient.totals(), counts(3, 2, 1));
    assert_adds_up(&lenient);

    let strict = ReadOptions {
        strict: true,
        ..ReadOptions::default()
    };
    let ingested = ingest_bytes_with(
        &survey(),
        &[("t.csv".into(), CSV.as_bytes().to_vec())],
        &strict,
    )
    .unwrap();
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

/// Repeats are found shard by shard; whichever shard an id falls in, the first response
/// in file order is the one kept, and every later one names it.
#[test]
fn many_repeated_ids_keep_each_first_response_across_files() {
    let s = survey();
    let file = |name: &str, ids: std::ops::Range<usize>| {
        let mut text = String::from("respondent_id,stance\n");
        for i in ids {
            text.push_str(&format!("r{},yes\n", i % 70));
        }
        (name.to_string(), text.into_bytes())
    };
    let files = vec![file("one.csv", 0..120), file("two.csv", 120..200)];
    let ingested = ingest_bytes(&s, &files).unwrap();
    assert_eq!(ingested.totals(), counts(200, 70, 130));
    assert_eq!(ingested.files[1].counts, counts(80, 0, 80));
    let repeats: Vec<_> = ingested
        .rejects
        .problems
        .iter()
        .filter(|p| p.effect == Effect::RowRejected)
        .collect();
    assert_eq!(repeats.len(), 130);
    for p in repeats {
        // Row i of the files is on line i + 2 of one.csv, or i - 118 of two.csv; its id's
        // first response is row i % 70 of one.csv.
        let i = match p.file.as_str() {
            "one.csv" => p.line as usize - 2,
            _ => p.line as usize + 118,
        };
        let first = i % 70 + 2;
        assert_eq!(
            p.reason,
            format!(
                "respondent `r{}` already answered at one.csv:{first}; the first response is kept",
                i % 70
            )
        );
    }
}

/// Bytes that are not UTF-8 are Windows-1252 (Excel's "CSV" on Windows): decoded, not
/// mangled. (Before reading went through `source`, such a cell was rejected.)
#[test]
fn text_that_is_not_utf8_is_read_as_windows_1252_not_mangled() {
    let ingested = ingest_bytes(
        &survey(),
        &[(
            "in.csv".into(),
            b"respondent_id,stance,note\na,yes,caf\xe9 \x93ok\x94\n".to_vec(),
        )],
    )
    .unwrap();
    assert_eq!(problems(&ingested), vec![]);
    let csv = ingested.responses.to_canonical_csv(&survey()).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("caf\u{e9} \u{201c}ok\u{201d}"), "{csv}");
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

/// The small survey asked in two Delphi rounds, its themes coded by two coders.
fn delphi_survey() -> crate::survey::Survey {
    let source = crate::testing::SURVEY
        .replace("invited = 10", "invited = 10\nrounds = 2")
        .replace(
            "codebook = \"themes\"",
            "codebook = \"themes\"\ncoders = [\"ana\", \"ben\"]",
        );
    crate::testing::survey_from(&source)
}

#[test]
fn rounds_allow_one_response_per_respondent_and_round() {
    let s = delphi_survey();
    let ingested = ingest_csv(
        &s,
        "respondent_id,round,stance\n\
         a,1,no\n\
         a,2,yes\n\
         a,2,maybe\n\
         b,3,no\n\
         c,,no\n",
    );
    assert_adds_up(&ingested);
    assert_eq!(ingested.totals(), counts(5, 2, 3));
    let found = problems(&ingested);
    assert_eq!(
        found,
        vec![
            (
                4,
                None,
                Effect::RowRejected,
                "respondent `a` already answered in round 2 at t.csv:3; the first response is kept"
                    .to_string()
            ),
            (
                5,
                Some(2),
                Effect::RowRejected,
                "the round `3` is not a whole number from 1 to 2".to_string()
            ),
            (
                6,
                Some(2),
                Effect::RowRejected,
                "the round `` is not a whole number from 1 to 2".to_string()
            ),
        ]
    );
    let frame = ingested.responses.frame();
    let rounds: Vec<Option<u32>> = frame
        .column(column::ROUND)
        .unwrap()
        .u32()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(rounds, vec![Some(1), Some(2)]);
    let stances: Vec<Option<u8>> = frame
        .column("stance")
        .unwrap()
        .u8()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(stances, vec![Some(0), Some(2)]);
}

#[test]
fn a_file_without_the_round_column_of_a_delphi_survey_is_refused() {
    let ingested = ingest_csv(&delphi_survey(), "respondent_id,stance\na,no\n");
    assert_eq!(ingested.totals(), counts(1, 0, 1));
    assert!(
        problems(&ingested)
            .iter()
            .any(|p| p.3 == "the header has no `round` column, which every row needs"),
        "{:?}",
        problems(&ingested)
    );
}

#[test]
fn coders_codings_become_their_own_columns_and_round_trip() {
    let s = delphi_survey();
    let csv = "respondent_id,submitted_at,round,stance,themes,themes@ana,themes@ben,note\n\
               a,,1,yes,gain,gain,cost;gain,\n\
               b,,1,no,,,,\n";
    let ingested = ingest_csv(&s, csv);
    assert_eq!(problems(&ingested), vec![]);
    let frame = ingested.responses.frame();
    let ticks = |name: &str| -> Vec<Option<bool>> {
        frame.column(name).unwrap().bool().unwrap().iter().collect()
    };
    assert_eq!(ticks("themes@ana.gain"), vec![Some(true), None]);
    assert_eq!(ticks("themes@ana.cost"), vec![Some(false), None]);
    assert_eq!(ticks("themes@ben.cost"), vec![Some(true), None]);
    let written = ingested.responses.to_canonical_csv(&s).unwrap();
    assert_eq!(String::from_utf8(written).unwrap(), csv);
}

#[test]
fn a_coders_unknown_code_costs_only_that_cell() {
    let ingested = ingest_csv(
        &delphi_survey(),
        "respondent_id,round,stance,themes@ana\na,1,yes,gian\n",
    );
    assert_eq!(ingested.totals(), counts(1, 1, 0));
    let found = problems(&ingested);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].1, found[0].2), (Some(4), Effect::CellDropped));
    assert!(
        found[0].3.starts_with("`gian` is not a code of `themes`"),
        "{}",
        found[0].3
    );
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

mod every_kind {
    use super::*;
    use crate::testing::every_kind;

    const HEADER: &str = "respondent_id,submitted_at,weight,stance,role,role.other,why,grid.r1,grid.r2,hours,p,when,order,note\n";

    fn ingest(rows: &str) -> Ingested {
        ingest_csv(&every_kind(), &format!("{HEADER}{rows}"))
    }

    #[test]
    fn every_kind_round_trips_through_the_canonical_file() {
        let csv = format!(
            "{HEADER}1,2026-01-02T03:04:05Z,1.5,yes,other,a consultant,x;z,agree,dk,40,35.5,2031,z;x,because\n\
             2,,0.75,no,b,,,disagree,agree,,0,2025,,\n"
        );
        let s = every_kind();
        let first = ingest_csv(&s, &csv);
        assert_eq!(problems(&first), vec![]);
        let written = String::from_utf8(first.responses.to_canonical_csv(&s).unwrap()).unwrap();
        assert_eq!(written, csv);
        let frame = first.responses.frame();
        let rank_z: Vec<Option<u8>> = frame
            .column("order.z")
            .unwrap()
            .u8()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(rank_z, vec![Some(1), None]);
        let year: Vec<Option<i32>> = frame
            .column("when")
            .unwrap()
            .i32()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(year, vec![Some(2031), Some(2025)]);
        let weight: Vec<Option<f64>> = frame
            .column("weight")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(weight, vec![Some(1.5), Some(0.75)]);
    }

    #[test]
    fn a_question_not_shown_has_its_answer_dropped_and_said_so() {
        let ingested = ingest("1,,1,no,a,,,agree,agree,,,,,but I answered\n");
        assert_eq!(
            problems(&ingested),
            vec![(2, Some(14), Effect::CellDropped, "`note` was answered although it is not asked of this respondent (show_if: stance == 'yes'); the answer is not used".into())]
        );
        assert_eq!(ingested.totals(), counts(1, 1, 0));
        let note = ingested
            .responses
            .frame()
            .column("note")
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .map(str::to_string);
        assert_eq!(note, None);
        assert!(ingested.rejects.has_problems());
    }

    #[test]
    fn required_answers_are_required_only_when_shown() {
        let ingested = ingest(
            "1,,1,yes,a,,,agree,agree,,,,,\n2,,1,no,a,,,agree,agree,,,,,\n3,,1,no,a,,,agree,,,,,,\n",
        );
        assert_eq!(
            problems(&ingested),
            vec![
                (
                    2,
                    Some(14),
                    Effect::RowRejected,
                    "`note` is required but the cell is empty".into()
                ),
                (
                    4,
                    Some(9),
                    Effect::RowRejected,
                    "`grid.r2` is required but the cell is empty".into()
                ),
            ]
        );
        assert_eq!(ingested.totals(), counts(3, 1, 2));
    }

    #[test]
    fn weights_must_be_positive_numbers() {
        let ingested = ingest(
            "1,,0,no,a,,,agree,agree,,,,,\n2,,,no,a,,,agree,agree,,,,,\n3,,x,no,a,,,agree,agree,,,,,\n",
        );
        let reasons: Vec<String> = problems(&ingested).into_iter().map(|p| p.3).collect();
        assert_eq!(
            reasons,
            [
                "the weight `0` is not a positive number",
                "the weight `` is not a positive number",
                "the weight `x` is not a positive number"
            ]
        );
        assert_eq!(ingested.totals(), counts(3, 0, 3));
    }

    #[test]
    fn out_of_range_numbers_and_bad_rankings_are_rejected_with_their_column() {
        const ROW: &str = "1,,1,no,a,,x;y;z,agree,agree,81,,2024,x;x,\n";
        // By default the optional answers' bad cells are dropped and the row kept.
        let lenient = ingest(ROW);
        assert_eq!(lenient.totals(), counts(1, 1, 0));
        let effects: Vec<(Option<usize>, Effect)> =
            problems(&lenient).into_iter().map(|p| (p.1, p.2)).collect();
        assert_eq!(
            effects,
            [7, 10, 12, 13].map(|c| (Some(c), Effect::CellDropped))
        );

        let strict = ReadOptions {
            strict: true,
            ..ReadOptions::default()
        };
        let ingested = ingest_bytes_with(
            &every_kind(),
            &[("t.csv".into(), format!("{HEADER}{ROW}").into_bytes())],
            &strict,
        )
        .unwrap();
        assert_eq!(ingested.totals(), counts(1, 0, 1));
        let found: Vec<(Option<usize>, String)> = problems(&ingested)
            .into_iter()
            .map(|p| (p.1, p.3))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    Some(7),
                    "`why` has 3 choices ticked; it allows at most 2".to_string()
                ),
                (
                    Some(10),
                    "81 is out of range for `hours`, which takes numbers from 0 to 80".to_string()
                ),
                (
                    Some(12),
                    "2024 is out of range for `when`, which takes numbers from 2025 to 2100"
                        .to_string()
                ),
                (Some(13), "`x` is ranked twice in `order`".to_string()),
            ]
        );
    }

    #[test]
    fn respondents_off_the_roster_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("roster.csv"), "respondent_id\n1\n2\n").unwrap();
        let source = crate::testing::EVERY_KIND.replace("invited = 20", "roster = \"roster.csv\"");
        let path = dir.path().join("k.toml");
        std::fs::write(&path, source).unwrap();
        let s = crate::survey::load(&path).unwrap().survey;
        let ingested = ingest_csv(
            &s,
            &format!("{HEADER}1,,1,no,a,,,agree,agree,,,,,\n7,,1,no,a,,,agree,agree,,,,,\n"),
        );
        assert_eq!(
            problems(&ingested)[0].3,
            "respondent `7` is not on the panel roster"
        );
        assert_eq!(ingested.totals(), counts(2, 1, 1));
    }

    #[test]
    fn a_ticked_other_and_its_text_stay_apart() {
        let source =
            crate::testing::EVERY_KIND.replace("max_picks = 2", "max_picks = 2\nother = true");
        let s = crate::testing::survey_from(&source);
        let header = HEADER.replace(",why,", ",why,why.other,");
        let csv = format!("{header}1,,1,no,a,,x;other,my own reason,agree,agree,,,,,\n");
        let first = ingest_csv(&s, &csv);
        assert_eq!(problems(&first), vec![]);
        let frame = first.responses.frame();
        assert_eq!(
            frame.column("why.other").unwrap().bool().unwrap().get(0),
            Some(true)
        );
        assert_eq!(
            frame.column("why:other").unwrap().str().unwrap().get(0),
            Some("my own reason")
        );
        assert_eq!(
            String::from_utf8(first.responses.to_canonical_csv(&s).unwrap()).unwrap(),
            csv
        );
    }
}

/// A large canonical file is read in blocks on every core: the result must not depend on
/// the number of threads, and must be what reading it record by record gives.
#[test]
fn blocks_read_in_parallel_give_what_one_record_at_a_time_gives() {
    let survey = frontier_survey();
    let mut csv = synthetic_panel(&survey, 9000, 5);
    assert!(
        csv.len() > 2 * source::BLOCK_BYTES,
        "several blocks: {}",
        csv.len()
    );
    // Bad rows near the start, the middle and the end, and a repeated respondent.
    let text = String::from_utf8(csv.clone()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let copy = lines[10].to_string();
    lines[3] = "synth-bad,2026-03-01T00:00:00Z,nowhere";
    lines[4500] = &copy;
    let last = lines.len() - 2;
    lines[last] = "";
    csv = (lines.join("\n") + "\n").into_bytes();
    let files = [("big.csv".to_string(), csv.clone())];

    let with_threads = |n: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
            .install(|| ingest_bytes(&survey, &files).unwrap())
    };
    let one = with_threads(1);
    let two = with_threads(2);
    assert_adds_up(&two);
    assert_same_reading(&one, &two);
    assert_eq!(one.files, two.files);
    assert_eq!(two.totals(), counts(8999, 8997, 2));

    // The same records, one at a time (the path spreadsheets take).
    let mut opened = source::open_bytes("big.csv", csv, &Overrides::default()).unwrap();
    let records: Vec<_> = opened.take_records().map(Result::unwrap).collect();
    let in_memory = source::Source::in_memory(
        "big.csv",
        opened.detected.clone(),
        opened.header.clone(),
        records,
    );
    let sequential = read_opened(&survey, in_memory);
    assert_same_reading(&sequential, &two);
    // Read in blocks or at once, the files written are the same bytes.
    assert!(sequential.responses.to_parquet().unwrap() == two.responses.to_parquet().unwrap());
    assert!(
        sequential.responses.to_canonical_csv(&survey).unwrap()
            == two.responses.to_canonical_csv(&survey).unwrap()
    );
}

/// A file is read as UTF-8 when its start is, each block checked as it is parsed; a
/// byte further on that is not UTF-8 has the file read again, as windows-1252, so the
/// outcome is that of checking the whole file before reading it, wherever the byte is.
#[test]
fn a_file_found_not_utf8_after_its_start_reads_as_if_checked_first() {
    let survey = frontier_survey();
    let panel = synthetic_panel(&survey, 9000, 7);
    assert!(panel.len() > 4 * source::BLOCK_BYTES, "{}", panel.len());
    // In the first 64 KiB (decided at once), past them in the first block, in a later
    // block: an `a` of a free-text answer becomes windows-1252's `é`.
    for from in [1000, 100_000, 3 * source::BLOCK_BYTES] {
        let at = from + memchr::memmem::find(&panel[from..], b"harm").unwrap() + 1;
        let mut bytes = panel.clone();
        bytes[at] = 0xE9;
        let files = [("late.csv".to_string(), bytes.clone())];
        let as_read = ingest_bytes(&survey, &files).unwrap();

        let opened = source::open_bytes("late.csv", bytes, &Overrides::default()).unwrap();
        assert_eq!(opened.detected.encoding, Some("windows-1252"));
        let checked_first = read_opened(&survey, opened);

        assert_eq!(as_read.totals(), counts(9000, 9000, 0), "byte {at}");
        assert_same_reading(&as_read, &checked_first);
        let csv = as_read.responses.to_canonical_csv(&survey).unwrap();
        assert!(
            String::from_utf8(csv).unwrap().contains("h\u{e9}rm"),
            "byte {at}"
        );
    }
}

#[test]
fn cells_read_the_quick_way_give_what_the_careful_way_gives() {
    // A choice cell that is exactly a code is found in one step; padded with spaces, the
    // same cell goes the careful way (trimmed, then parsed by its question's kind). Every
    // cell of a synthetic panel padded must give the same table and problems.
    let survey = frontier_survey();
    let plain = synthetic_panel(&survey, 400, 11);
    let mut reader = csv::Reader::from_reader(plain.as_slice());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(reader.headers().unwrap()).unwrap();
    for record in reader.records() {
        let padded: Vec<String> = record.unwrap().iter().map(|c| format!(" {c}\t")).collect();
        writer.write_record(&padded).unwrap();
    }
    let padded = writer.into_inner().unwrap();
    assert_ne!(plain, padded);

    let quick = ingest_bytes(&survey, &[("panel.csv".to_string(), plain)]).unwrap();
    let careful = ingest_bytes(&survey, &[("panel.csv".to_string(), padded)]).unwrap();
    assert_eq!(quick.totals(), counts(400, 400, 0));
    assert_eq!(careful.totals(), quick.totals());
    assert_same_reading(&quick, &careful);
}

/// A synthetic panel of `rows` rows for `survey`, as a canonical file.
fn synthetic_panel(survey: &crate::survey::Survey, rows: u64, seed: u64) -> Vec<u8> {
    crate::synth::Synth::new(survey, rows, seed)
        .unwrap()
        .to_vec()
        .unwrap()
}

/// What ingesting `source`, opened already, gives.
fn read_opened(survey: &crate::survey::Survey, source: source::Source) -> Ingested {
    let name = source.file.clone();
    let context = Context::new(survey);
    let file = read::keeping_parts(|sink| read::read_source(&context, source, sink)).unwrap();
    merge(survey, &[name], vec![file]).unwrap()
}

/// The shipped survey the synthetic panels are made for.
fn frontier_survey() -> crate::survey::Survey {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys/frontier-roles-2027.toml");
    crate::survey::load(&path).unwrap().survey
}

/// Two readings gave the same response table and the same problems.
fn assert_same_reading(a: &Ingested, b: &Ingested) {
    assert!(a.responses.frame().equals_missing(b.responses.frame()));
    assert_eq!(a.rejects.problems, b.rejects.problems);
}

#[test]
fn every_code_of_the_bundled_surveys_sits_in_the_slot_it_hashes_to() {
    // Not a matter of right answers (a displaced code is still found) but of speed: the
    // lookup of every cell is then one read and one comparison.
    for entry in
        std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys")).unwrap()
    {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let survey = crate::survey::load(&path).unwrap().survey;
        for question in &survey.questions {
            let codes = super::cell::Codes::of(question);
            assert_eq!(codes.displaced(), 0, "{}: {}", path.display(), question.id);
        }
    }
}
