//! Tests of the definition language beyond the basics in `check.rs`: every kind,
//! sections, languages, `show_if`, panel rosters and weights.

use std::path::Path;

use super::*;
use crate::diagnostic::Severity;

/// A survey with a three-level position; `extra` is appended (more questions).
fn with(extra: &str) -> String {
    format!(
        r#"id = "t"
title = "T"
position = "stance"
[panel]
invited = 5
[anonymity]
min_group_size = 1
[scales.s]
levels = [{{ code = "lo", label = "Low" }}, {{ code = "mid", label = "Mid" }}, {{ code = "hi", label = "High" }}]
[scales.agree]
levels = [{{ code = "no", label = "No" }}, {{ code = "yes", label = "Yes" }}]
nonsubstantive = [{{ code = "dk", label = "Don't know" }}]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "Where do you stand?"
required = true
{extra}"#
    )
}

/// The line of `with("")`'s first appended line.
const FIRST: usize = 19;

fn findings(source: &str) -> Vec<(Severity, usize, usize, String)> {
    let (_, report) = check_source("t.toml", source);
    report
        .diagnostics
        .iter()
        .map(|d| {
            let at = report.location(d);
            (d.severity, at.line, at.column, d.message.clone())
        })
        .collect()
}

fn errors(source: &str) -> Vec<(usize, usize, String)> {
    findings(source)
        .into_iter()
        .filter(|f| f.0 == Severity::Error)
        .map(|(_, l, c, m)| (l, c, m))
        .collect()
}

fn survey(source: &str) -> Survey {
    match parse("t.toml", source) {
        Ok(loaded) => loaded.survey,
        Err(e) => panic!("{e}"),
    }
}

const EVERY_KIND: &str = r#"[[questions]]
id = "role"
kind = "single"
text = "Role?"
choices = [{ code = "a", label = "A" }, { code = "b", label = "B" }]
other = true
[[questions]]
id = "why"
kind = "multiple"
text = "Why?"
choices = [{ code = "x", label = "X" }, { code = "y", label = "Y" }, { code = "z", label = "Z" }]
min_picks = 1
max_picks = 2
[[questions]]
id = "grid"
kind = "matrix"
scale = "agree"
text = "Do you agree?"
rows = [{ code = "r1", label = "First" }, { code = "r2", label = "Second" }]
[[questions]]
id = "hours"
kind = "numeric"
text = "Hours?"
min = 0
max = 80.5
unit = "hours"
[[questions]]
id = "p"
kind = "probability"
text = "Chance?"
[[questions]]
id = "when"
kind = "year"
text = "When?"
min = 2025
max = 2100
[[questions]]
id = "order"
kind = "ranking"
text = "Rank"
choices = [{ code = "x", label = "X" }, { code = "y", label = "Y" }, { code = "z", label = "Z" }]
top = 2
[[questions]]
id = "note"
kind = "text"
text = "Note"
max_length = 500
"#;

#[test]
fn every_kind_builds() {
    let s = survey(&with(EVERY_KIND));
    let kinds: Vec<&str> = s.questions.iter().map(|q| q.kind.name()).collect();
    assert_eq!(
        kinds,
        [
            "likert",
            "single",
            "multiple",
            "matrix",
            "numeric",
            "probability",
            "year",
            "ranking",
            "text"
        ]
    );
    let role = s.question("role").unwrap();
    assert!(role.has_other());
    assert_eq!(role.choices().last().unwrap().code, OTHER);
    assert!(matches!(
        s.question("why").unwrap().kind,
        QuestionKind::Multiple {
            min_picks: Some(1),
            max_picks: Some(2),
            ..
        }
    ));
    let grid = s.question("grid").unwrap();
    assert_eq!(grid.rows().len(), 2);
    let scale = grid.scale().unwrap();
    assert_eq!(
        (
            scale.ordered,
            scale.levels.len(),
            scale.is_nonsubstantive(2)
        ),
        (2, 3, true)
    );
    assert_eq!(
        s.question("hours").unwrap().kind.bounds(),
        (Some(0.0), Some(80.5))
    );
    assert_eq!(
        s.question("when").unwrap().kind.bounds(),
        (Some(2025.0), Some(2100.0))
    );
    assert!(matches!(
        s.question("order").unwrap().kind,
        QuestionKind::Ranking { top: Some(2), .. }
    ));
    let header = s.columns().header().join(",");
    assert_eq!(
        header,
        "respondent_id,submitted_at,stance,role,role.other,why,grid.r1,grid.r2,hours,p,when,order,note"
    );
}

#[test]
fn inverted_and_impossible_bounds_are_located() {
    let e = errors(&with(
        "[[questions]]\nid = \"h\"\nkind = \"numeric\"\ntext = \"H\"\nmin = 10\nmax = 2\n",
    ));
    assert_eq!(
        e,
        vec![(FIRST + 5, 7, "`max` (2) is below `min` (10)".to_string())]
    );
    let e = errors(&with(
        "[[questions]]\nid = \"y\"\nkind = \"year\"\ntext = \"Y\"\nmin = 2030.5\n",
    ));
    assert_eq!(e, vec![(FIRST + 4, 7, "`min` is 2030.5".to_string())]);
    let e = errors(&with(
        "[[questions]]\nid = \"m\"\nkind = \"multiple\"\ntext = \"M\"\nchoices = [{ code = \"a\", label = \"A\" }, { code = \"b\", label = \"B\" }]\nmin_picks = 2\nmax_picks = 1\n",
    ));
    assert_eq!(
        e,
        vec![(
            FIRST + 6,
            13,
            "`max_picks` (1) is below `min_picks` (2)".to_string()
        )]
    );
    let e = errors(&with(
        "[[questions]]\nid = \"r\"\nkind = \"ranking\"\ntext = \"R\"\nchoices = [{ code = \"a\", label = \"A\" }, { code = \"b\", label = \"B\" }]\ntop = 3\n",
    ));
    assert_eq!(
        e,
        vec![(
            FIRST + 5,
            7,
            "`top` is 3, but there are only 2 choices to rank".to_string()
        )]
    );
}

#[test]
fn sections_hold_ranges_of_questions() {
    let source = r#"id = "t"
title = "T"
position = "stance"
[anonymity]
min_group_size = 1
[scales.s]
levels = [{ code = "lo", label = "Low" }, { code = "hi", label = "High" }]
[[sections]]
id = "views"
title = "Your views"
intro = "First, where you stand."
[[sections.questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "Where?"
required = true
[[sections]]
id = "more"
[[sections.questions]]
id = "why"
kind = "text"
text = "Why?"
show_if = "stance == 'hi'"
"#;
    let s = survey(source);
    assert_eq!(s.sections.len(), 2);
    assert_eq!(
        (
            s.sections[0].questions.clone(),
            s.sections[1].questions.clone()
        ),
        (0..1, 1..2)
    );
    assert_eq!(s.sections[0].title.as_ref().unwrap().as_str(), "Your views");
    assert_eq!(s.section_of(1).id, "more");
    let both = format!("{source}[[questions]]\nid = \"x\"\nkind = \"text\"\ntext = \"X\"\n");
    let e = errors(&both);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(
        e[0].2,
        "give the questions either in [[sections]] or as top-level [[questions]], not both"
    );
}

#[test]
fn labels_in_several_languages() {
    let source = with(
        "[[questions]]\nid = \"q\"\nkind = \"text\"\ntext.en = \"Why?\"\ntext.fr = \"Pourquoi ?\"\n",
    );
    let s = survey(&source);
    let q = s.question("q").unwrap();
    assert_eq!(
        (q.text.as_str(), q.text.get("fr"), q.text.get("de")),
        ("Why?", "Pourquoi ?", "Why?")
    );
    assert_eq!(s.languages, ["en", "fr"]);
    let warnings: Vec<String> = findings(&source)
        .into_iter()
        .filter(|f| f.0 == Severity::Warning)
        .map(|f| f.3)
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("labels have no `fr` text")),
        "{warnings:?}"
    );

    let e = errors(&with(
        "[[questions]]\nid = \"q\"\nkind = \"text\"\ntext.fr = \"Pourquoi ?\"\n",
    ));
    // A dotted-key table starts at its first key.
    assert_eq!(
        e,
        vec![(
            FIRST + 3,
            1,
            "`text` has no `en` text, the survey's default language".to_string()
        )]
    );
}

#[test]
fn show_if_resolves_against_earlier_questions() {
    let s = survey(&with(&format!(
        "{EVERY_KIND}[[questions]]\nid = \"later\"\nkind = \"text\"\ntext = \"L\"\nshow_if = \"stance >= 'mid' and (why contains 'y' or grid.r2 == 'dk') and hours < 40 and answered(note)\"\n"
    )));
    let later = s.question("later").unwrap();
    let cond = &later.show_if.as_ref().unwrap().cond;
    assert_eq!(cond.targets().len(), 5);
    let picks = [1u8];
    let answers = |t: Target| match (t.question, t.row) {
        (0, None) => Given::Code(2),
        (2, None) => Given::Codes(&picks),
        (3, Some(1)) => Given::Missing,
        (4, None) => Given::Number(20.0),
        (8, None) => Given::Text,
        _ => Given::Missing,
    };
    assert!(cond.holds(&answers));
}

#[test]
fn an_ordering_admits_no_nonsubstantive_answer() {
    // `dk` comes after `yes` in the scale's list, but "don't know" is not above "no".
    let s = survey(&with(&format!(
        "{EVERY_KIND}[[questions]]\nid = \"later\"\nkind = \"text\"\ntext = \"L\"\nshow_if = \"grid.r1 > 'no'\"\n"
    )));
    let cond = &s.question("later").unwrap().show_if.as_ref().unwrap().cond;
    let answer = |level: usize| move |_: Target| Given::Code(level);
    let (no, yes, dk) = (0, 1, 2);
    assert!(!cond.holds(&answer(no)));
    assert!(cond.holds(&answer(yes)));
    assert!(!cond.holds(&answer(dk)));
    assert!(!cond.holds(&|_| Given::Missing));
}

/// (line, column, message) of the one error a show_if gives, written on line FIRST + 3.
fn show_if_error(condition: &str) -> (usize, usize, String) {
    let source = with(&format!(
        "{EVERY_KIND}[[questions]]\nid = \"later\"\nkind = \"text\"\ntext = \"L\"\nshow_if = \"{condition}\"\n"
    ));
    let mut e = errors(&source);
    assert_eq!(e.len(), 1, "{e:#?}");
    let (line, column, message) = e.remove(0);
    let expected_line = source
        .lines()
        .position(|l| l.starts_with("show_if"))
        .unwrap()
        + 1;
    assert_eq!(line, expected_line);
    // Columns are reported from the start of the line: `show_if = "` is 11 characters.
    (line, column - 11, message)
}

#[test]
fn show_if_mistakes_point_into_the_expression() {
    assert_eq!(show_if_error("stance == 'middle'").1, 11);
    assert_eq!(
        show_if_error("stance == 'middle'").2,
        "'middle' is not a code of `stance`, so the condition can never hold"
    );
    assert_eq!(
        show_if_error("stanse == 'mid'").2,
        "`stanse` is not a question of the survey"
    );
    assert_eq!(
        show_if_error("later == 'x'").2,
        "the show_if of `later` refers to `later` itself"
    );
    assert_eq!(
        show_if_error("role < 'b'").2,
        "`<` compares places on a scale, but `role` is a `single` question without an order"
    );
    assert_eq!(
        show_if_error("why == 'x'").2,
        "`why` can have several answers; test one of them with `contains`"
    );
    assert_eq!(
        show_if_error("stance contains 'lo'").2,
        "`contains` looks inside multiple-choice and ranking answers, but `stance` is a `likert` question"
    );
    assert_eq!(
        show_if_error("note == 'x'").2,
        "`note` is free text; a condition can only ask whether it was answered"
    );
    assert_eq!(
        show_if_error("hours == 'x'").2,
        "`hours` is a number; compare it with a number, not 'x'"
    );
    assert_eq!(
        show_if_error("grid == 'yes'").2,
        "`grid` is a matrix; name one of its rows"
    );
    assert_eq!(
        show_if_error("grid.r3 == 'yes'").2,
        "`r3` is not a row of the matrix `grid`"
    );
    assert_eq!(
        show_if_error("grid.r1 > 'dk'").2,
        "'dk' is a non-substantive level and has no place on the scale"
    );
    let (_, column, message) = show_if_error("stance = 'lo'");
    assert_eq!(
        (column, message.as_str()),
        (8, "invalid show_if: `=` is not an operator")
    );
}

#[test]
fn conditions_that_can_never_hold_are_refused() {
    assert_eq!(
        show_if_error("stance == 'lo' and stance == 'hi'").2,
        "the show_if of `later` can never hold, so the question is never shown"
    );
    assert_eq!(
        show_if_error("p > 100").2,
        "the show_if of `later` can never hold, so the question is never shown"
    );
    assert_eq!(
        show_if_error("when < 2025").2,
        "the show_if of `later` can never hold, so the question is never shown"
    );
    // Possible conditions pass: a threshold inside the bounds, an `or` with one good side.
    let ok = with(&format!(
        "{EVERY_KIND}[[questions]]\nid = \"later\"\nkind = \"text\"\ntext = \"L\"\nshow_if = \"p > 99.5 or (why contains 'x' and not why contains 'x')\"\n"
    ));
    assert_eq!(errors(&ok), vec![]);
}

#[test]
fn a_question_that_refers_to_a_never_shown_one_is_refused() {
    let source = with(
        "[[questions]]\nid = \"a\"\nkind = \"text\"\ntext = \"A\"\nshow_if = \"stance == 'lo' and stance == 'hi'\"\n[[questions]]\nid = \"b\"\nkind = \"text\"\ntext = \"B\"\nshow_if = \"answered(a)\"\n",
    );
    let e = errors(&source);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_eq!(
        e[1],
        (
            FIRST + 9,
            21,
            "`a` is never shown, so this condition looks at an answer that never exists"
                .to_string()
        )
    );
}

#[test]
fn a_condition_on_a_later_question_is_refused() {
    let source = with(
        "[[questions]]\nid = \"a\"\nkind = \"text\"\ntext = \"A\"\nshow_if = \"answered(b)\"\n[[questions]]\nid = \"b\"\nkind = \"text\"\ntext = \"B\"\n",
    );
    assert_eq!(
        errors(&source),
        vec![(
            FIRST + 4,
            21,
            "`b` comes after `a`; a condition can only look at earlier answers".to_string()
        )]
    );
}

#[test]
fn escaped_show_if_strings_point_at_the_whole_string() {
    let source = with(
        "[[questions]]\nid = \"a\"\nkind = \"text\"\ntext = \"A\"\nshow_if = \"stance == \\\"nope\\\"\"\n",
    );
    assert_eq!(
        errors(&source),
        vec![(
            FIRST + 4,
            11,
            "'nope' is not a code of `stance`, so the condition can never hold".to_string()
        )]
    );
}

#[test]
fn the_position_is_asked_of_everyone_on_a_fully_ordered_scale() {
    let e = errors(&with("").replace("required = true", "required = true\nshow_if = \"1 == 1\""));
    assert_eq!(
        e[0].2,
        "the position question is asked of everyone; it cannot have `show_if`"
    );
    let e = errors(&with("").replace("scale = \"s\"", "scale = \"agree\""));
    assert_eq!(
        e,
        vec![(
            16,
            9,
            "the position scale `agree` has non-substantive levels".to_string()
        )]
    );
}

#[test]
fn rosters_give_the_panel() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("roster.csv"),
        "respondent_id,email\nr1,a@x\nr2,b@x\nr3,c@x\n",
    )
    .unwrap();
    let path = dir.path().join("t.toml");
    let source = with("").replace("invited = 5", "roster = \"roster.csv\"");
    std::fs::write(&path, &source).unwrap();
    let loaded = load(&path).unwrap();
    assert_eq!(loaded.survey.panel.invited, Some(3));
    assert_eq!(
        loaded.survey.panel.roster.as_ref().unwrap().ids,
        ["r1", "r2", "r3"]
    );

    std::fs::write(
        &path,
        with("").replace("invited = 5", "invited = 5\nroster = \"roster.csv\""),
    )
    .unwrap();
    let Err(crate::error::Error::Definition(report)) = load(&path) else {
        panic!()
    };
    assert!(
        report
            .errors()
            .next()
            .unwrap()
            .message
            .contains("`invited` is 5 but the roster lists 3 ids")
    );

    std::fs::write(
        &path,
        with("").replace("invited = 5", "roster = \"nope.csv\""),
    )
    .unwrap();
    let Err(crate::error::Error::Definition(report)) = load(&path) else {
        panic!()
    };
    assert!(
        report
            .errors()
            .next()
            .unwrap()
            .message
            .starts_with("cannot read the roster")
    );
    let _ = Path::new("");
}

#[test]
fn weights_need_a_column_of_their_own() {
    let s = survey(&with("").replace(
        "position = \"stance\"",
        "position = \"stance\"\nweights = \"weight\"",
    ));
    assert_eq!(s.weights.as_deref(), Some("weight"));
    assert_eq!(s.columns().header()[2], "weight");
    let e = errors(&with("").replace(
        "position = \"stance\"",
        "position = \"stance\"\nweights = \"stance\"",
    ));
    assert_eq!(
        e,
        vec![(
            4,
            11,
            "the weights column `stance` is already a column of the response file".to_string()
        )]
    );
}

#[test]
fn ingest_rules_name_real_columns_and_codes() {
    let source = with(
        "[ingest]\nprobability = \"percent\"\n[ingest.columns]\n\"Q1\" = \"stance\"\n\"Q2\" = \"stanse\"\n[ingest.aliases.stance]\n\"Go for it\" = \"hi\"\n\"Nope\" = \"lo_\"\n",
    );
    let e = errors(&source);
    assert_eq!(
        e,
        vec![
            (
                FIRST + 4,
                8,
                "`stanse` is not a column of survey `t`".to_string()
            ),
            (FIRST + 7, 10, "'lo_' is not a code of `stance`".to_string()),
        ]
    );
    let fixed = source.replace("stanse", "stance").replace("lo_", "lo");
    let s = survey(&fixed);
    assert_eq!(s.ingest.probability, ProbabilityScale::Percent);
    assert_eq!(s.ingest.columns["Q2"], "stance");
    assert_eq!(s.ingest.aliases["stance"]["Nope"], "lo");
}
