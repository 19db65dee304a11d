//! Mapping real exports (tests/fixtures/exports/, byte for byte from public repositories)
//! and small inline ones, then checking the canonical cells with the validation canonical
//! files get.
//!
//! Files are read with `source::open_bytes` ([`source_of`]), as `canvass ingest` reads them.

use super::*;
use crate::ingest::problems::{Effect, Problem};
use crate::ingest::source::{Detected, Overrides, Record, Source, Tool, open_bytes};
use crate::ingest::{Ingested, cell, ingest_bytes};
use crate::survey::{self, Survey};

/// A `Source` from a file's bytes, read by `source::open_bytes` with the tool given (as
/// `--tool` would); the delimiter and heading-row count SOURCES.md gives must be what the
/// reading finds, so a test here also fails when detection drifts.
pub(super) fn source_of(
    file: &str,
    bytes: &[u8],
    tool: Tool,
    delimiter: u8,
    header_rows: usize,
) -> Source {
    let overrides = Overrides {
        tool: Some(tool),
        ..Overrides::default()
    };
    let source = open_bytes(file, bytes.to_vec(), &overrides).expect("test exports open");
    assert_eq!(source.detected.delimiter, Some(delimiter as char), "{file}");
    assert_eq!(source.detected.header_rows, header_rows, "{file}");
    source
}

/// Everything one export gave.
struct Run {
    survey: Survey,
    plan: ColumnPlan,
    /// From `plan` and `settle`.
    file_problems: Vec<Problem>,
    mapped: Vec<Mapped>,
}

fn load_survey(name: &str) -> Survey {
    let path = format!(
        "{}/tests/fixtures/exports/surveys/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    survey::load(std::path::Path::new(&path))
        .expect("fixture survey loads")
        .survey
}

fn run_export(file: &str, tool: Tool, delimiter: u8, header_rows: usize, mapping: &Mapping) -> Run {
    let name = file.trim_end_matches(".csv");
    let survey = load_survey(name);
    let path = format!(
        "{}/tests/fixtures/exports/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).expect("fixture export");
    run_source(
        survey,
        source_of(file, &bytes, tool, delimiter, header_rows),
        mapping,
    )
}

fn run_source(survey: Survey, source: Source, mapping: &Mapping) -> Run {
    let (mut plan, mut file_problems) = plan(
        &survey,
        &source.file,
        &source.detected,
        &source.header,
        mapping,
    );
    let records: Vec<Record> = source
        .body
        .records()
        .map(|r| r.expect("in-memory records"))
        .collect();
    file_problems.extend(plan.settle(&records));
    let mapped = records.iter().map(|r| plan.apply(r)).collect();
    Run {
        survey,
        plan,
        file_problems,
        mapped,
    }
}

impl Run {
    fn mapped_columns(&self) -> Vec<&str> {
        self.plan
            .columns
            .columns
            .iter()
            .zip(self.plan.present())
            .filter(|(_, present)| *present)
            .map(|((name, _), _)| name.as_str())
            .collect()
    }

    fn count(&self, effect: Effect) -> usize {
        self.file_problems
            .iter()
            .filter(|p| p.effect == effect)
            .count()
    }

    fn rows_with(&self, effect: Effect) -> usize {
        self.mapped
            .iter()
            .filter(|m| m.problems.iter().any(|p| p.effect == effect))
            .count()
    }

    /// The canonical text of `column` for the record on `line`.
    fn value(&self, line: u64, column: &str) -> String {
        let i = self
            .plan
            .columns
            .columns
            .iter()
            .position(|(n, _)| n == column)
            .expect("a canonical column");
        let m = self
            .mapped
            .iter()
            .find(|m| m.line == line)
            .expect("a record on that line");
        m.cells[i]
            .as_ref()
            .map(|c| c.text.clone())
            .expect("a fed column")
    }

    /// The rows neither rejected nor set aside, as a canonical response file.
    fn canonical_csv(&self) -> Vec<u8> {
        let present = self.plan.present();
        let mut writer = csv::Writer::from_writer(Vec::new());
        let header: Vec<&str> = self.mapped_columns();
        writer.write_record(&header).unwrap();
        for m in self
            .mapped
            .iter()
            .filter(|m| !m.is_rejected() && !m.is_set_aside())
        {
            let row: Vec<String> = m
                .cells
                .iter()
                .zip(&present)
                .filter(|(_, p)| **p)
                .map(|(c, _)| {
                    crate::escape::csv_cell(&c.as_ref().map(|c| c.text.clone()).unwrap_or_default())
                        .into_owned()
                })
                .collect();
            writer.write_record(&row).unwrap();
        }
        writer.into_inner().unwrap()
    }

    /// The canonical rows through the same validation canonical files get.
    fn validate(&self) -> Ingested {
        ingest_bytes(&self.survey, &[("mapped.csv".into(), self.canonical_csv())]).unwrap()
    }

    /// Every answer cell of the kept rows read by the canonical cell reader.
    fn cells_valid(&self) -> Result<(), String> {
        for m in self
            .mapped
            .iter()
            .filter(|m| !m.is_rejected() && !m.is_set_aside())
        {
            for ((name, column), c) in self.plan.columns.columns.iter().zip(&m.cells) {
                let (crate::survey::CanonicalColumn::Answer(q)
                | crate::survey::CanonicalColumn::Row(q, _)) = column
                else {
                    continue;
                };
                if let Some(c) = c {
                    cell::parse(&self.survey.questions[*q], &c.text)
                        .map_err(|e| format!("line {} `{name}`: {e}", m.line))?;
                }
            }
        }
        Ok(())
    }

    fn dump(&self) -> String {
        let mut out = format!("mapped: {:?}\n", self.mapped_columns());
        for p in self
            .file_problems
            .iter()
            .chain(self.mapped.iter().flat_map(|m| &m.problems))
        {
            out.push_str(&format!("{p} [{:?}]\n", p.value));
        }
        out
    }
}

fn mapping_with(overrides: &[(&str, &str)]) -> Mapping {
    Mapping {
        columns: overrides
            .iter()
            .map(|(heading, column)| ColumnOverride {
                heading: heading.to_string(),
                column: column.to_string(),
            })
            .collect(),
        ..Mapping::default()
    }
}

/// The checks every real export gets: what was mapped, what was ignored, how many rows
/// the mapping refused or set aside, and that the validation accepts the rest.
fn check(
    run: &Run,
    mapped: &[&str],
    ignored: usize,
    rejected: usize,
    set_aside: usize,
    accepted: u64,
) {
    let dump = run.dump();
    assert_eq!(run.mapped_columns(), mapped, "{dump}");
    assert_eq!(run.count(Effect::ColumnIgnored), ignored, "{dump}");
    assert_eq!(run.rows_with(Effect::RowRejected), rejected, "{dump}");
    assert_eq!(run.rows_with(Effect::RowSetAside), set_aside, "{dump}");
    assert_eq!(run.cells_valid(), Ok(()));
    let validated = run.validate();
    assert_eq!(
        validated.totals().accepted,
        accepted,
        "{:#?}",
        validated.rejects
    );
    // Every problem names its file and, when it is about a column, its heading.
    for p in run
        .file_problems
        .iter()
        .chain(run.mapped.iter().flat_map(|m| &m.problems))
    {
        assert!(!p.file.is_empty() && p.line >= 1, "{p}");
        if let Some(c) = p.column {
            assert!(c >= 1 && p.field.is_some(), "{p}");
        }
    }
}

#[test]
fn qualtrics_current_export() {
    let run = run_export(
        "qualtrics-rpkg-sample.csv",
        Tool::Qualtrics,
        b',',
        3,
        &Mapping::default(),
    );
    check(
        &run,
        &["respondent_id", "submitted_at", "Q1", "Q2"],
        0,
        0,
        0,
        1,
    );
    assert_eq!(run.value(4, "respondent_id"), "R_2YPOQ602ER1jkf1");
    assert_eq!(run.value(4, "submitted_at"), "2017-07-18T08:28:48Z");
    assert_eq!(run.value(4, "Q1"), "2");
    assert_eq!(run.value(4, "Q2"), "Hello World!");
    // Status and Finished are read for previews and unfinished rows; the rest is metadata,
    // one note per column, the Text iQ topics column included.
    let metadata = run
        .file_problems
        .iter()
        .filter(|p| p.reason.contains("metadata"))
        .count();
    assert_eq!(metadata, 14, "{}", run.dump());
    assert!(
        run.file_problems
            .iter()
            .any(|p| p.column == Some(3) && p.reason.contains("previews"))
    );
}

#[test]
fn qualtrics_legacy_export() {
    let run = run_export(
        "qualtrics-rpkg-legacy.csv",
        Tool::QualtricsLegacy,
        b',',
        2,
        &Mapping::default(),
    );
    check(
        &run,
        &["respondent_id", "submitted_at", "Q1", "Q2"],
        0,
        0,
        0,
        1,
    );
    assert_eq!(run.value(3, "respondent_id"), "R_2YPOQ602ER1jkf1");
    assert_eq!(run.value(3, "submitted_at"), "2017-07-18T08:28:48Z");
    // The trailing comma makes a column with no heading: said once.
    assert!(
        run.file_problems
            .iter()
            .any(|p| p.reason.contains("column(s) 16 have no heading"))
    );
}

#[test]
fn surveymonkey_labels_become_codes() {
    let run = run_export(
        "surveymonkey-538-steak.csv",
        Tool::SurveyMonkey,
        b',',
        2,
        &Mapping::default(),
    );
    let mapped = [
        "respondent_id",
        "lottery",
        "smoke",
        "alcohol",
        "gamble",
        "skydiving",
        "speeding",
        "cheated",
        "eats_steak",
        "steak",
        "gender",
        "age",
        "income",
        "education",
    ];
    // 118 respondents did not say how they like their steak, the required position.
    check(&run, &mapped, 1, 0, 0, 550 - 118);
    assert_eq!(run.mapped.len(), 550);
    assert_eq!(run.value(3, "lottery"), "b");
    assert_eq!(run.value(3, "steak"), "");
    assert_eq!(run.value(4, "respondent_id"), "3234982343");
    assert_eq!(run.value(4, "steak"), "medium_rare");
    assert_eq!(run.value(4, "age"), "over_60");
    assert_eq!(run.value(4, "income"), "50k_100k");
    assert_eq!(run.value(4, "education"), "some_college");
    let ignored = run
        .file_problems
        .iter()
        .find(|p| p.effect == Effect::ColumnIgnored)
        .unwrap();
    assert_eq!(
        (ignored.column, ignored.field.as_deref()),
        (Some(15), Some("Location (Census Region)"))
    );
}

#[test]
fn limesurvey_vv_codes_row_and_an_override() {
    let mapping = mapping_with(&[("Q002MC_SQ001", "work")]);
    let run = run_export(
        "limesurvey-vvexport-tab.csv",
        Tool::LimeSurveyVv,
        b'\t',
        2,
        &mapping,
    );
    let mapped = [
        "respondent_id",
        "submitted_at",
        "felt",
        "work",
        "Q002MC.SQ002",
        "Q002MC.SQ003",
        "Q003ID",
    ];
    check(&run, &mapped, 0, 0, 0, 126);
    assert_eq!(run.value(3, "respondent_id"), "84");
    assert_eq!(run.value(3, "submitted_at"), "2022-11-21T13:36:07Z");
    assert_eq!(run.value(3, "felt"), "68");
    // `5.0000000000` is the numeric code `5`.
    assert_eq!(run.value(3, "work"), "5");
    assert_eq!(run.value(3, "Q002MC.SQ002"), "2");
    assert_eq!(run.value(3, "Q003ID"), "111111");
    // Without the override, the first of three columns sharing one heading is ignored.
    let plain = run_export(
        "limesurvey-vvexport-tab.csv",
        Tool::LimeSurveyVv,
        b'\t',
        2,
        &Mapping::default(),
    );
    assert_eq!(plain.count(Effect::ColumnIgnored), 1);
}

#[test]
fn kobo_multiple_choice_from_its_per_choice_columns() {
    let run = run_export(
        "kobo-kpi-testexpect-hxl.csv",
        Tool::Kobo,
        b';',
        2,
        &Mapping::default(),
    );
    check(
        &run,
        &[
            "respondent_id",
            "submitted_at",
            "symmetry",
            "segments",
            "fluids",
            "descent",
        ],
        0,
        0,
        0,
        3,
    );
    assert_eq!(run.value(3, "symmetry"), "spherical;radial;bilateral");
    assert_eq!(run.value(4, "symmetry"), "radial");
    assert_eq!(run.value(3, "fluids"), "yes_extracellular");
    assert_eq!(run.value(5, "fluids"), "no_unsure");
    assert_eq!(
        run.value(3, "respondent_id"),
        "48583952-1892-4931-8d9c-869e7b49bafb"
    );
    assert_eq!(run.value(3, "submitted_at"), "2017-10-23T09:41:19Z");
    // Which of the two encodings was used is said once.
    let said = run
        .file_problems
        .iter()
        .filter(|p| p.reason.contains("per-choice columns are used"))
        .count();
    assert_eq!(said, 1);
}

#[test]
fn odk_central_group_paths() {
    let run = run_export(
        "odkcentral-ruodk-flora-main.csv",
        Tool::OdkCentral,
        b',',
        1,
        &Mapping::default(),
    );
    // Geopoint parts, photos and times the survey does not ask about: 22 columns.
    check(
        &run,
        &[
            "respondent_id",
            "submitted_at",
            "reporter",
            "area_name",
            "morphological_type",
        ],
        22,
        0,
        0,
        2,
    );
    assert_eq!(
        run.value(2, "respondent_id"),
        "uuid:d5e78a78-34db-483d-978f-d9c9a3bc7b69"
    );
    assert_eq!(run.value(2, "submitted_at"), "2019-09-18T08:51:07.481Z");
    assert_eq!(run.value(2, "area_name"), "Kensington Carpark 01");
    assert_eq!(run.value(2, "morphological_type"), "mid-slope");
    assert_eq!(run.value(3, "morphological_type"), "flat");
}

#[test]
fn redcap_checkboxes_and_incomplete_records() {
    let run = run_export(
        "redcap-redcapr-simple.csv",
        Tool::Redcap,
        b',',
        1,
        &Mapping::default(),
    );
    let mapped = [
        "respondent_id",
        "age",
        "sex",
        "height",
        "weight",
        "bmi",
        "comments",
        "race",
        "ethnicity",
    ];
    check(&run, &mapped, 7, 0, 2, 3);
    assert_eq!(run.value(2, "race"), "5");
    assert_eq!(run.value(6, "race"), "4;5");
    assert_eq!(run.value(8, "race"), "2;5");
    assert_eq!(run.value(2, "sex"), "0");
    assert_eq!(run.value(2, "bmi"), "204.1");
    assert_eq!(
        run.value(2, "comments"),
        "Character in a book, with some guessing"
    );
    let aside: Vec<(u64, Option<usize>)> = run
        .mapped
        .iter()
        .flat_map(|m| &m.problems)
        .filter(|p| p.effect == Effect::RowSetAside)
        .map(|p| (p.line, p.column))
        .collect();
    assert_eq!(aside, vec![(4, Some(16)), (13, Some(16))]);
    // With include_incomplete, they are kept.
    let all = Mapping {
        include_incomplete: true,
        ..Mapping::default()
    };
    let kept = run_export("redcap-redcapr-simple.csv", Tool::Redcap, b',', 1, &all);
    check(&kept, &mapped, 7, 0, 0, 5);
}

#[test]
fn google_forms_timestamps_and_checkboxes() {
    let run = run_export(
        "googleforms-cs50-favorites.csv",
        Tool::GoogleForms,
        b',',
        1,
        &Mapping::default(),
    );
    assert_eq!(
        run.mapped_columns(),
        ["respondent_id", "submitted_at", "title", "genres"]
    );
    assert_eq!(run.count(Effect::ColumnIgnored), 0);
    assert_eq!(run.rows_with(Effect::RowRejected), 0);
    assert_eq!(run.mapped.len(), 490);
    assert_eq!(run.value(2, "submitted_at"), "2019-10-28T15:03:45Z");
    assert_eq!(
        run.value(2, "respondent_id"),
        "googleforms-cs50-favorites:2"
    );
    assert_eq!(run.value(2, "genres"), "drama;sports");
    let line = run
        .mapped
        .iter()
        .find(|m| m.cells[3].as_ref().unwrap().text == "CS50 with David Malan")
        .unwrap()
        .line;
    assert_eq!(
        run.value(line, "genres"),
        "comedy;documentary;drama;game_show;horror"
    );
    assert!(
        run.file_problems
            .iter()
            .any(|p| p.reason.contains("read as month/day/year"))
    );
    assert_eq!(run.cells_valid(), Ok(()));
    // The export has no ordinal question to group by: the validation says so, and only so.
    let validated = run.validate();
    let reasons: std::collections::BTreeSet<&str> = validated
        .rejects
        .problems
        .iter()
        .map(|p| p.reason.as_str())
        .collect();
    assert_eq!(
        reasons.into_iter().collect::<Vec<_>>(),
        ["the header has no `liking` column, which every row needs"]
    );
}

/// A survey with a matrix, a multiple choice with "other", a probability, a ranking and a
/// number, for the conventions the real exports do not show.
const INLINE: &str = r#"id = "inline"
title = "Inline"
position = "stance"
[anonymity]
min_group_size = 1
[scales.agree]
levels = [{ code = "no", label = "No" }, { code = "maybe", label = "Maybe" }, { code = "yes", label = "Yes" }]
[[questions]]
id = "stance"
required = true
kind = "likert"
scale = "agree"
text = "Where do you stand?"
[[questions]]
id = "rate"
kind = "matrix"
scale = "agree"
text = "Rate each"
rows = [{ code = "cost", label = "Cost" }, { code = "speed", label = "Speed" }]
[[questions]]
id = "tools"
kind = "multiple"
text = "Which tools?"
choices = [{ code = "apple", label = "Apple" }, { code = "banana", label = "Banana, ripe" }]
other = true
[[questions]]
id = "chance"
kind = "probability"
text = "How likely?"
[[questions]]
id = "order"
kind = "ranking"
text = "Rank these"
choices = [{ code = "x", label = "Ex" }, { code = "y", label = "Why" }, { code = "z", label = "Zed" }]
[[questions]]
id = "count"
kind = "numeric"
text = "How many?"
"#;

fn inline(tool: Tool, header_rows: usize, csv_text: &str, mapping: &Mapping) -> Run {
    let survey = crate::testing::survey_from(INLINE);
    run_source(
        survey,
        source_of("inline.csv", csv_text.as_bytes(), tool, b',', header_rows),
        mapping,
    )
}

fn problems_of(run: &Run, line: u64) -> Vec<&Problem> {
    run.mapped
        .iter()
        .filter(|m| m.line == line)
        .flat_map(|m| &m.problems)
        .collect()
}

#[test]
fn qualtrics_text_row_parts_and_rows_set_aside() {
    let csv = "ResponseId,Status,Finished,Q1,Q2_1,Q2_2,Q3,Q3_3_TEXT,Q4\n\
Response ID,Response Type,Finished,Where do you stand?,Rate each - Cost,Rate each - Speed,Which tools? - Selected Choice,Which tools? - Other - Text,How likely?\n\
{\"\"ImportId\"\":\"\"_recordId\"\"},x,x,x,x,x,x,x,x\n\
R_1,IP Address,True,Yes,No,Maybe,\"Apple,Banana, ripe\",,35\n\
R_2,Survey Preview,True,Yes,,,,,\n\
R_3,IP Address,False,No,,,,,\n\
R_4,Spam,True,No,,,,,\n";
    let run = inline(Tool::Qualtrics, 3, csv, &Mapping::default());
    let mapped = [
        "respondent_id",
        "stance",
        "rate.cost",
        "rate.speed",
        "tools",
        "tools.other",
        "chance",
    ];
    check(&run, &mapped, 0, 0, 3, 1);
    assert_eq!(run.value(4, "tools"), "apple;banana");
    assert_eq!(run.value(4, "rate.cost"), "no");
    assert_eq!(run.value(4, "chance"), "35");
    let reasons: Vec<&str> = run
        .mapped
        .iter()
        .flat_map(|m| &m.problems)
        .map(|p| p.reason.as_str())
        .collect();
    assert!(
        reasons[0].starts_with("a Qualtrics survey preview"),
        "{reasons:?}"
    );
    assert!(reasons[1].starts_with("not finished"), "{reasons:?}");
    assert!(reasons[2].starts_with("marked as spam"), "{reasons:?}");
    let all = Mapping {
        include_incomplete: true,
        ..Mapping::default()
    };
    check(&inline(Tool::Qualtrics, 3, csv, &all), &mapped, 0, 0, 0, 4);
}

#[test]
fn surveymonkey_one_column_per_choice_and_other_text() {
    let csv = "Respondent ID,Where do you stand?,Which tools?,,,Rate each,\n\
,Response,Apple,\"Banana, ripe\",Other (please specify),Cost,Speed\n\
1,Yes,Apple,,Kiwi,No,Yes\n\
2,Maybe,,\"Banana, ripe\",,Yes,\n\
3,No,Pear,,,,\n";
    let run = inline(Tool::SurveyMonkey, 2, csv, &Mapping::default());
    let mapped = [
        "respondent_id",
        "stance",
        "rate.cost",
        "rate.speed",
        "tools",
        "tools.other",
    ];
    check(&run, &mapped, 0, 1, 0, 2);
    assert_eq!(run.value(3, "tools"), "apple;other");
    assert_eq!(run.value(3, "tools.other"), "Kiwi");
    assert_eq!(run.value(3, "rate.speed"), "yes");
    assert_eq!(run.value(4, "tools"), "banana");
    let refused = problems_of(&run, 5);
    assert_eq!(refused.len(), 1);
    let p = refused[0];
    assert_eq!(
        (p.line, p.column, p.field.as_deref(), p.value.as_deref()),
        (5, Some(3), Some("Which tools?"), Some("Pear"))
    );
    assert_eq!(p.effect, Effect::RowRejected);
    assert!(p.reason.contains("neither a tick"), "{}", p.reason);
}

#[test]
fn microsoft_forms_grid_headings_and_day_first_dates() {
    let csv = "ID,Start time,Completion time,Where do you stand?,Rate each [Cost],Rate each [Speed],Which tools?\n\
1,13/8/2019 12:00:00,13/8/2019 12:34:56,Yes,No,Yes,\"Apple;Banana, ripe;\"\n\
2,5/8/2019 08:00:00,5/8/2019 09:00:00,No,,,\n";
    let run = inline(Tool::MicrosoftForms, 1, csv, &Mapping::default());
    let mapped = [
        "respondent_id",
        "submitted_at",
        "stance",
        "rate.cost",
        "rate.speed",
        "tools",
    ];
    check(&run, &mapped, 0, 0, 0, 2);
    assert_eq!(run.value(2, "submitted_at"), "2019-08-13T12:34:56Z");
    assert_eq!(run.value(3, "submitted_at"), "2019-08-05T09:00:00Z");
    assert_eq!(run.value(2, "rate.cost"), "no");
    assert_eq!(run.value(2, "tools"), "apple;banana");
    assert!(
        run.file_problems
            .iter()
            .any(|p| p.reason.contains("read as day/month/year"))
    );
    // Without a day above 12 the order is unknown, and such a date is refused.
    let unsure =
        "ID,Completion time,Where do you stand?\n1,5/8/2019 09:00:00,Yes\n2,5/5/2019 09:00:00,No\n";
    let run = inline(Tool::MicrosoftForms, 1, unsure, &Mapping::default());
    assert_eq!(run.rows_with(Effect::RowRejected), 1);
    assert!(
        problems_of(&run, 2)[0]
            .reason
            .contains("could be day/month or month/day")
    );
    assert_eq!(run.value(3, "submitted_at"), "2019-05-05T09:00:00Z");
}

#[test]
fn typeform_token_markup_and_duplicate_headings() {
    let csv = "#,<b>Where</b> do you stand?,How many?,How many?,Submit Date (UTC)\n\
tok1,Yes,3,4,2019-05-08 12:34:56\n";
    let run = inline(Tool::Typeform, 1, csv, &Mapping::default());
    check(
        &run,
        &["respondent_id", "submitted_at", "stance"],
        2,
        0,
        0,
        1,
    );
    assert_eq!(run.value(2, "respondent_id"), "tok1");
    let duplicate: Vec<Option<usize>> = run
        .file_problems
        .iter()
        .filter(|p| p.effect == Effect::ColumnIgnored)
        .map(|p| p.column)
        .collect();
    assert_eq!(duplicate, vec![Some(3), Some(4)]);
    assert!(
        run.file_problems
            .iter()
            .any(|p| p.reason.starts_with("columns 3, 4 all name `count`"))
    );
}

#[test]
fn values_that_cannot_be_decoded_are_located_problems() {
    let csv = "respondent_id,stance,chance,count,order\n\
a,Yes,0.35,\"1,500\",Ex;Zed;Why\n\
b,Perhaps,0.5,2,\n\
c,maybe!,,\"3,5\",Zed\n";
    let run = inline(Tool::Unknown, 1, csv, &Mapping::default());
    assert_eq!(run.rows_with(Effect::RowRejected), 2);
    let count = problems_of(&run, 2);
    assert_eq!(
        (count[0].column, count[0].value.as_deref()),
        (Some(4), Some("1,500"))
    );
    assert!(
        count[0].reason.contains("decimal_comma"),
        "{}",
        count[0].reason
    );
    let stance = problems_of(&run, 3);
    assert_eq!(
        (stance[0].column, stance[0].value.as_deref()),
        (Some(2), Some("Perhaps"))
    );
    assert!(
        stance[0]
            .reason
            .contains("`Perhaps` is not a choice of `stance`"),
        "{}",
        stance[0].reason
    );
    assert_eq!(run.value(4, "stance"), "maybe");
    assert_eq!(run.value(4, "count"), "3.5");
    assert_eq!(run.value(2, "order"), "x;z;y");
    // Every probability at most 1: fractions, said once.
    assert_eq!(run.value(2, "chance"), "35");
    let said = run
        .file_problems
        .iter()
        .filter(|p| p.reason.contains("read as fractions"))
        .count();
    assert_eq!(said, 1);
    // Stated explicitly, the thousands separator is read as such.
    let stated = Mapping {
        decimal_comma: DecimalComma::Off,
        ..Mapping::default()
    };
    assert_eq!(
        inline(Tool::Unknown, 1, csv, &stated).value(2, "count"),
        "1500"
    );
}

#[test]
fn mixed_probability_scales_refuse_only_what_is_unclear() {
    let csv = "respondent_id,stance,chance\na,Yes,35\nb,No,0.5\nc,No,0\n";
    let run = inline(Tool::Unknown, 1, csv, &Mapping::default());
    assert!(
        run.file_problems
            .iter()
            .any(|p| p.reason.contains("both as fractions"))
    );
    assert_eq!(run.value(2, "chance"), "35");
    assert_eq!(run.value(4, "chance"), "0");
    assert_eq!(run.rows_with(Effect::RowRejected), 1);
    assert_eq!(problems_of(&run, 3)[0].value.as_deref(), Some("0.5"));
    let percent = Mapping {
        probability: ProbabilityFormat::Percent,
        ..Mapping::default()
    };
    assert_eq!(
        inline(Tool::Unknown, 1, csv, &percent).value(3, "chance"),
        "0.5"
    );
}

#[test]
fn rankings_by_item_or_by_rank() {
    let by_item = "respondent_id,stance,order_x,order_y,order_z\na,Yes,2,3,1\nb,No,1,1,2\n";
    let run = inline(Tool::Unknown, 1, by_item, &Mapping::default());
    assert_eq!(run.value(2, "order"), "z;x;y");
    assert!(
        problems_of(&run, 3)[0]
            .reason
            .contains("rank 1 is given twice")
    );
    let by_rank = "respondent_id,stance,order_1,order_2,order_3\na,Yes,Zed,Ex,Why\n";
    let run = inline(Tool::Unknown, 1, by_rank, &Mapping::default());
    check(&run, &["respondent_id", "stance", "order"], 0, 0, 0, 1);
    assert_eq!(run.value(2, "order"), "z;x;y");
}

#[test]
fn a_heading_two_questions_share_is_not_guessed() {
    let survey = crate::testing::survey_from(
        &INLINE.replace("text = \"How many?\"", "text = \"Where do you stand?\""),
    );
    let csv = "respondent_id,Where do you stand?\na,Yes\n";
    let run = run_source(
        survey,
        source_of("t.csv", csv.as_bytes(), Tool::Unknown, b',', 1),
        &Mapping::default(),
    );
    let p = run
        .file_problems
        .iter()
        .find(|p| p.effect == Effect::ColumnIgnored)
        .unwrap();
    assert_eq!(p.column, Some(2));
    assert!(
        p.reason.contains("could be any of `stance`, `count`"),
        "{}",
        p.reason
    );
    // An override settles it.
    let survey = crate::testing::survey_from(
        &INLINE.replace("text = \"How many?\"", "text = \"Where do you stand?\""),
    );
    let named = mapping_with(&[("Where do you stand?", "stance"), ("Nowhere", "nothing")]);
    let run = run_source(
        survey,
        source_of("t.csv", csv.as_bytes(), Tool::Unknown, b',', 1),
        &named,
    );
    assert_eq!(run.mapped_columns(), ["respondent_id", "stance"]);
    let notes: Vec<&str> = run
        .file_problems
        .iter()
        .map(|p| p.reason.as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|r| r.contains("`Nowhere` → `nothing` names no canonical column")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|r| r.contains("`Nowhere` matches no heading")),
        "{notes:?}"
    );
}

#[test]
fn cells_beyond_the_header_are_reported() {
    let csv = "respondent_id,stance\na,Yes,surplus\nb,No,\n";
    let run = inline(Tool::Unknown, 1, csv, &Mapping::default());
    let dropped: Vec<(u64, Option<usize>)> = run
        .mapped
        .iter()
        .flat_map(|m| &m.problems)
        .filter(|p| p.effect == Effect::CellDropped)
        .map(|p| (p.line, p.column))
        .collect();
    assert_eq!(dropped, vec![(2, Some(3))]);
}

#[test]
fn limesurvey_code_dot_text_headings() {
    let csv = "Response ID,Date submitted,stance. Where do you stand?,rate[cost]. Rate each,Q9. How many?\n\
7,2024-01-02 10:00:00,Yes,Maybe,\"3,5\"\n\
8,,No,,\n";
    let run = inline(Tool::LimeSurvey, 1, csv, &Mapping::default());
    // The third column by its code, the fourth by code and row, the fifth by its text.
    check(
        &run,
        &[
            "respondent_id",
            "submitted_at",
            "stance",
            "rate.cost",
            "count",
        ],
        0,
        0,
        1,
        1,
    );
    assert_eq!(run.value(2, "rate.cost"), "maybe");
    assert_eq!(run.value(2, "count"), "3.5");
    assert!(
        problems_of(&run, 3)[0]
            .reason
            .starts_with("never submitted")
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// Headings and cells drawn from the words the rules look for, and anything else.
    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("Where do you stand?".to_string()),
            Just("Rate each [Cost]".to_string()),
            Just("tools/apple".to_string()),
            Just("order___x".to_string()),
            Just("Status".to_string()),
            Just("Finished".to_string()),
            Just("#".to_string()),
            Just("chance".to_string()),
            Just("0.5".to_string()),
            Just("5/8/2019 12:00".to_string()),
            "\\PC{0,12}",
        ]
    }

    proptest! {
        #[test]
        fn plan_settle_and_apply_never_panic(
            tool in proptest::sample::select(Tool::ALL.to_vec()),
            header in proptest::collection::vec(proptest::collection::vec(word(), 0..7), 0..3),
            rows in proptest::collection::vec(proptest::collection::vec(word(), 0..9), 0..4),
        ) {
            let survey = crate::testing::survey_from(INLINE);
            let record = |i: usize, cells: &Vec<String>| Record { line: i as u64 + 1, cells: cells.clone() };
            let header: Vec<Record> = header.iter().enumerate().map(|(i, c)| record(i, c)).collect();
            let rows: Vec<Record> = rows.iter().enumerate().map(|(i, c)| record(i + 3, c)).collect();
            let detected = Detected {
                tool,
                format: "text",
                encoding: None,
                bom: false,
                delimiter: Some(','),
                sheet: None,
                header_rows: header.len(),
                notes: Vec::new(),
            };
            let (mut plan, _) = plan(&survey, "f.csv", &detected, &header, &Mapping::default());
            let _ = plan.settle(&rows);
            for row in &rows {
                let mapped = plan.apply(row);
                prop_assert_eq!(mapped.cells.len(), survey.columns().columns.len());
                // A refused cell always says where and what.
                for p in mapped.problems.iter().filter(|p| p.effect == Effect::RowRejected) {
                    prop_assert!(p.column.is_some() && p.value.is_some());
                }
            }
        }
    }
}
