use super::*;
use crate::testing;

fn shipped(id: &str) -> Survey {
    let path = format!("{}/surveys/{id}.toml", env!("CARGO_MANIFEST_DIR"));
    crate::survey::load(std::path::Path::new(&path))
        .unwrap()
        .survey
}

fn sheet<'t>(tables: &'t [Table], name: &str) -> &'t Table {
    tables.iter().find(|t| t.name == name).unwrap()
}

/// The rows of the survey sheet as (type, name) pairs.
fn types_and_names(table: &Table) -> Vec<(String, String)> {
    (0..table.rows.len())
        .map(|r| {
            (
                table.cell(r, column::TYPE).to_string(),
                table.cell(r, column::NAME).to_string(),
            )
        })
        .collect()
}

#[test]
fn every_kind_maps_to_its_xlsform_type() {
    let tables = tables(&testing::every_kind());
    let survey = sheet(&tables, "survey");
    let pairs: Vec<(String, String)> = types_and_names(survey);
    let expected = [
        ("select_one s", "stance"),
        ("select_one role", "role"),
        ("text", "role_other"),
        ("select_multiple why", "why"),
        ("begin_group", "grid"),
        ("select_one agree", "grid_r1"),
        ("select_one agree", "grid_r2"),
        ("end_group", ""),
        ("integer", "hours"),
        ("decimal", "p"),
        ("integer", "when"),
        ("rank order", "order"),
        ("text", "note"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(t, n)| (t.to_string(), n.to_string()))
        .collect();
    assert_eq!(pairs, expected);
    let row = |name: &str| pairs.iter().position(|(_, n)| n == name).unwrap();
    assert_eq!(
        survey.cell(row("role_other"), column::RELEVANT),
        "selected(${role}, 'other')"
    );
    assert_eq!(
        survey.cell(row("why"), column::CONSTRAINT),
        "count-selected(.) <= 2"
    );
    assert_eq!(
        survey.cell(row("hours"), column::CONSTRAINT),
        ". >= 0 and . <= 80"
    );
    assert_eq!(
        survey.cell(row("p"), column::CONSTRAINT),
        ". >= 0 and . <= 100"
    );
    assert_eq!(survey.cell(row("p"), column::KIND), "probability");
    assert_eq!(
        survey.cell(row("when"), column::CONSTRAINT),
        ". >= 2025 and . <= 2100"
    );
    assert_eq!(survey.cell(row("order"), column::TOP), "2");
    assert_eq!(survey.cell(row("grid"), column::APPEARANCE), "table-list");
    assert_eq!(survey.cell(row("grid"), column::REQUIRED), "");
    assert_eq!(survey.cell(row("grid_r1"), column::REQUIRED), "yes");
    assert_eq!(survey.cell(row("grid_r2"), column::ID), "r2");
    assert_eq!(
        survey.cell(row("note"), column::RELEVANT),
        "${stance} = 'yes'"
    );
    assert_eq!(survey.cell(row("note"), column::SHOW_IF), "stance == 'yes'");
    assert_eq!(
        survey.cell(row("hours"), "constraint_message::English (en)"),
        "Write a whole number from 0 to 80."
    );
}

#[test]
fn choices_are_listed_once_per_list_with_other_last() {
    let tables = tables(&testing::every_kind());
    let choices = sheet(&tables, "choices");
    let lists: Vec<String> = (0..choices.rows.len())
        .map(|r| {
            format!(
                "{}.{}",
                choices.cell(r, "list_name"),
                choices.cell(r, "name")
            )
        })
        .collect();
    assert_eq!(
        lists,
        [
            "s.no",
            "s.maybe",
            "s.yes",
            "role.a",
            "role.b",
            "role.other",
            "why.x",
            "why.y",
            "why.z",
            "agree.disagree",
            "agree.agree",
            "agree.dk",
            "order.x",
            "order.y",
            "order.z"
        ]
    );
}

#[test]
fn settings_and_canvass_sheets_carry_what_xlsform_cannot() {
    let survey = shipped("frontier-roles-2027");
    let tables = tables(&survey);
    let settings = sheet(&tables, "settings");
    assert_eq!(settings.cell(0, "form_id"), "frontier-roles-2027");
    assert_eq!(settings.cell(0, "default_language"), "English (en)");
    assert_eq!(settings.cell(0, "version"), version(&survey));
    assert_eq!(settings.cell(0, "version").len(), 16);
    let canvass = sheet(&tables, "canvass");
    let facts: Vec<String> = (0..canvass.rows.len())
        .map(|r| {
            format!(
                "{} {} {} {}",
                canvass.cell(r, "key"),
                canvass.cell(r, "list"),
                canvass.cell(r, "code"),
                canvass.cell(r, "value")
            )
        })
        .collect();
    for expected in [
        "format   canvass-xlsform 1",
        "position   stance",
        "segment   affiliation",
        "segment   seniority",
        "panel.invited   400",
        "anonymity.min_group_size   5",
        "neutral stance it_depends ",
        "side stance strongly_against lean_against against",
        "nonsubstantive advise dont_know ",
        "direction considerations career_capital for",
    ] {
        assert!(
            facts.iter().any(|f| f == expected),
            "{expected:?} not in {facts:#?}"
        );
    }
}

#[test]
fn section_groups_never_reuse_a_question_name() {
    // frontier-roles-2027 has a section and a question both called `considerations`;
    // pyxform refuses `${considerations}` when two fields share the name.
    let tables = tables(&shipped("frontier-roles-2027"));
    let survey = sheet(&tables, "survey");
    let names: Vec<String> = (0..survey.rows.len())
        .map(|r| survey.cell(r, column::NAME).to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    let group = (0..survey.rows.len())
        .find(|&r| survey.cell(r, column::ID) == "considerations")
        .unwrap();
    assert_eq!(survey.cell(group, column::NAME), "considerations_2");
    assert_eq!(survey.cell(group, "label::English (en)"), "Considerations");
}

#[test]
fn labels_are_escaped_and_translations_fall_back_to_the_default() {
    let source = testing::EVERY_KIND
        .replace(
            "text = \"Your role?\"",
            "text.en = \"Your *main* role?\"\ntext.fr = \"Votre rôle ?\"",
        )
        .replace("text = \"Why?\"", "text = \"Why_not?\"");
    let tables = tables(&testing::survey_from(&source));
    let survey = sheet(&tables, "survey");
    assert!(survey.header.contains(&"label::French (fr)".to_string()));
    let role = (0..survey.rows.len())
        .find(|&r| survey.cell(r, "name") == "role")
        .unwrap();
    assert_eq!(
        survey.cell(role, "label::English (en)"),
        "Your \\*main\\* role?"
    );
    assert_eq!(survey.cell(role, "label::French (fr)"), "Votre rôle ?");
    let why = (0..survey.rows.len())
        .find(|&r| survey.cell(r, "name") == "why")
        .unwrap();
    assert_eq!(survey.cell(why, "label::French (fr)"), "Why\\_not?");
}

#[test]
fn the_workbook_is_deterministic_and_readable_as_xlsx() {
    let survey = shipped("frontier-roles-2027");
    let first = workbook(&survey).unwrap();
    assert_eq!(first, workbook(&survey).unwrap());
    assert_eq!(&first[..2], b"PK", "an xlsx file is a zip archive");
}

#[test]
fn the_frontier_survey_reads_like_a_hand_made_xlsform() {
    insta::assert_snapshot!(
        "frontier-roles-2027.xlsform",
        text_view(&tables(&shipped("frontier-roles-2027")))
    );
}
