//! The HTML form in a real browser: headless Chromium, driven over the DevTools protocol,
//! on forms written by the `canvass` binary.
//!
//! For both shipped surveys: `show_if` hides and shows questions as answers change, a
//! missing required answer blocks the file with a visible message, and a complete answer
//! gives a CSV row that `canvass ingest` accepts with no problem at all. A random walk over
//! `tests/fixtures/forms/every-condition.toml` checks that the page shows exactly the
//! questions `Cond::holds` says are asked. Screenshots go to `target/browser-screenshots/`.
//!
//! Without Chromium the tests are skipped with a message, except under CI (the `CI`
//! environment variable set), where a missing browser is a failure. `CHROME` names the
//! browser binary when it is not on the PATH.

#[path = "browser/asked.rs"]
mod asked;
#[path = "browser/page.rs"]
mod page;

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use canvass::survey::{self, Survey};
use common::{canvass, root};
use page::{DESKTOP, FormPage, PHONE, chromium};
use serde_json::Value;

/// Writes the HTML form of a survey (an id or a path) with the binary.
fn write_form(survey: &str, dir: &Path) -> PathBuf {
    let out = dir.join("form.html");
    canvass()
        .args(["form", survey, "--format", "html", "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

fn load_survey(path: &str) -> Survey {
    survey::load(&root().join(path)).unwrap().survey
}

/// What `canvass ingest` made of one CSV text.
struct Ingested {
    code: i32,
    stderr: String,
    rejects: String,
    responses: String,
}

fn ingest(survey: &str, csv: &str) -> Ingested {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answer.csv");
    fs::write(&file, csv).unwrap();
    let out = dir.path().join("out");
    let output = canvass()
        .args(["ingest", survey])
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    Ingested {
        code: output.status.code().unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
        rejects: fs::read_to_string(out.join("rejects.csv")).unwrap_or_default(),
        responses: fs::read_to_string(out.join("responses.csv")).unwrap_or_default(),
    }
}

/// Exit 0, one row read and accepted, and nothing in rejects.csv but its header.
fn assert_accepted_without_problems(ingested: &Ingested) {
    assert_eq!(ingested.code, 0, "{}", ingested.stderr);
    assert!(
        ingested
            .stderr
            .contains("read 1 rows: 1 accepted, 0 rejected"),
        "{}",
        ingested.stderr
    );
    assert_eq!(
        ingested.rejects.lines().count(),
        1,
        "no problem listed: {}",
        ingested.rejects
    );
}

/// The header and the one row of a CSV text, as cells.
fn csv_cells(text: &str) -> (Vec<String>, Vec<String>) {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "one row in {text:?}");
    (header, rows[0].iter().map(str::to_string).collect())
}

fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let i = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column `{column}`"));
    &row[i]
}

/// The canonical header, as `canvass form --format csv` prints it.
fn canonical_header(survey: &str) -> String {
    let out = canvass()
        .args(["form", survey, "--format", "csv"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .trim_end()
        .to_string()
}

/// An RFC 3339 time as JavaScript writes it: `2026-03-01T14:30:00.000Z`.
fn is_js_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    text.len() == 24 && b[4] == b'-' && b[10] == b'T' && b[19] == b'.' && text.ends_with('Z')
}

#[test]
fn frontier_form_follows_show_if_blocks_missing_answers_and_gives_a_row_ingest_accepts() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = FormPage::open(&chromium, &write_form("frontier-roles-2027", dir.path()));
    page.screenshot("frontier-desktop-light-blank", DESKTOP, false, true);
    page.screenshot("frontier-phone-light-blank", PHONE, false, true);

    // Nothing answered: every conditional question is hidden (a comparison with a missing
    // answer is false, `stance != 'it_depends'` too).
    let conditional = [
        "held_capabilities_role",
        "strongest_reason",
        "conditions",
        "capabilities_followup",
        "mitigations",
    ];
    let survey = load_survey("surveys/frontier-roles-2027.toml");
    let unconditional = survey.questions.iter().filter(|q| q.show_if.is_none());
    let expected: Vec<&str> = ["respondent_id"]
        .into_iter()
        .chain(unconditional.map(|q| q.id.as_str()))
        .collect();
    assert_eq!(page.shown(), expected);
    assert_eq!(
        survey.questions.len(),
        expected.len() - 1 + conditional.len()
    );

    // held_capabilities_role: only for company affiliations; its answer goes when it hides.
    page.click("affiliation=academia");
    assert!(!page.is_shown("held_capabilities_role"));
    page.click("affiliation=frontier_company");
    assert!(page.is_shown("held_capabilities_role"));
    page.click("held_capabilities_role=yes_before");
    page.click("affiliation=other_ai_company");
    assert!(page.is_shown("held_capabilities_role"));
    assert!(page.checked("held_capabilities_role=yes_before"));
    page.click("affiliation=independent");
    assert!(!page.is_shown("held_capabilities_role"));
    page.click("affiliation=frontier_company");
    assert!(page.is_shown("held_capabilities_role"));
    assert!(
        !page.checked("held_capabilities_role=yes_before"),
        "a hidden question's answer is cleared"
    );
    page.click("held_capabilities_role=yes_now");
    page.click("affiliation=academia");

    // conditions: only for it_depends; strongest_reason for every other stance;
    // mitigations for all but strongly_against.
    page.click("stance=it_depends");
    let shown = page.shown();
    let has = |q: &str| shown.iter().any(|s| s == q);
    assert!(has("conditions") && !has("strongest_reason") && has("mitigations"));
    page.click("stance=strongly_against");
    let shown = page.shown();
    let has = |q: &str| shown.iter().any(|s| s == q);
    assert!(!has("conditions") && has("strongest_reason") && !has("mitigations"));
    page.click("stance=it_depends");

    // capabilities_followup: only when advise.lab_capabilities >= probably_yes.
    page.click("advise.lab_capabilities=probably_yes");
    assert!(page.is_shown("capabilities_followup"));
    page.click("advise.lab_capabilities=unsure");
    assert!(!page.is_shown("capabilities_followup"));
    page.click("advise.lab_capabilities=definitely_yes");
    assert!(page.is_shown("capabilities_followup"));

    // Submitting now: the respondent id, seniority, `conditions` (required when shown)
    // and nine advise rows are missing. Messages show, focus goes to the summary, no row.
    page.submit();
    let errors = page.errors();
    let with_errors: Vec<&str> = errors.iter().map(|(q, _)| q.as_str()).collect();
    assert_eq!(
        with_errors,
        ["respondent_id", "seniority", "conditions", "advise"],
        "{errors:?}"
    );
    assert_eq!(errors[2].1, "Error: Write an answer.");
    assert_eq!(
        errors[3].1,
        "Error: Pick an answer in every row; 9 rows have none yet, the first: “Safety or alignment team at a frontier AI company”."
    );
    assert_eq!(
        page.focused(),
        "error-summary",
        "focus moves to the summary"
    );
    let state = page.js(
        "({ links: [...document.querySelectorAll('#error-list a')].map(a => [a.getAttribute('href'), a.textContent]), \
           title: document.getElementById('error-summary-title').textContent, \
           invalid: document.getElementById('conditions').getAttribute('aria-invalid'), \
           described: document.getElementById('conditions').getAttribute('aria-describedby'), \
           matrix: document.querySelector('[data-question=advise]').getAttribute('aria-describedby'), \
           rows: document.querySelectorAll('.matrix-row[aria-invalid=true]').length, \
           result: document.getElementById('result').hidden })",
    );
    assert_eq!(
        state["title"],
        "Please check 4 answers before making your file"
    );
    assert_eq!(state["links"][2][0], "#conditions");
    assert_eq!(state["links"][2][1], "Question 9: Write an answer.");
    assert_eq!(state["links"][3][0], "#advise.lab_safety=definitely_not");
    assert_eq!(state["invalid"], "true");
    assert_eq!(
        state["described"],
        "conditions:error conditions:help conditions:how"
    );
    assert_eq!(state["matrix"], "advise:error advise:how");
    assert_eq!(state["rows"], 9);
    assert_eq!(state["result"], true);
    assert_eq!(page.csv(), "", "no row while a required answer is missing");
    page.screenshot("frontier-desktop-light-errors", DESKTOP, false, false);
    page.screenshot("frontier-phone-dark-errors", PHONE, true, false);

    // A link in the summary takes the keyboard to the question.
    page.js("document.querySelector('#error-list li:nth-child(3) a').click()");
    assert_eq!(page.focused(), "conditions");

    // Limits: each kind's rule says what is wrong.
    page.type_text("experience", "12.5");
    page.type_text("p_marginal_engineer", "135");
    page.type_text("year_researcher_parity", "2024");
    page.type_text("p_safety_teams_net_positive", "abc");
    for code in [
        "outside_ties",
        "ready_to_quit",
        "speak_up",
        "prefer_safety_team",
    ] {
        page.click(&format!("mitigations={code}"));
    }
    page.set_value("best_roles=lab_safety", "1");
    page.set_value("best_roles=academia", "1");
    page.set_value("change_mind", &"x".repeat(1001));
    page.submit();
    let expect = [
        ("experience", "Enter a whole number from 0 to 60."),
        ("p_marginal_engineer", "Enter a percentage from 0 to 100."),
        ("year_researcher_parity", "Enter a year from 2025 to 2100."),
        (
            "p_safety_teams_net_positive",
            "“abc” is not a number: write digits, with a point for decimals, such as 12.5.",
        ),
        ("mitigations", "Tick at most 3; you ticked 4."),
        (
            "best_roles",
            "Place 1 is given to more than one item; give each place once.",
        ),
        (
            "change_mind",
            "Shorten your answer to at most 1000 characters; it has 1001.",
        ),
    ];
    let errors = page.errors();
    for (q, message) in expect {
        let shown = errors.iter().find(|(e, _)| e == q).map(|(_, m)| m.as_str());
        assert_eq!(shown, Some(format!("Error: {message}").as_str()), "{q}");
    }
    page.screenshot("frontier-desktop-light-limits", DESKTOP, false, true);
    page.set_value("best_roles=academia", "2");
    page.click("mitigations=other");
    page.click("mitigations=outside_ties");
    page.click("mitigations=ready_to_quit");
    page.submit();
    assert_eq!(
        page.error_of("best_roles").as_deref(),
        Some("Error: Rank your top 3: give places 1 to 3, each once; place 3 not given yet.")
    );
    assert_eq!(
        page.error_of("mitigations").as_deref(),
        Some("Error: Say what “other” is, or untick it.")
    );
    assert_eq!(page.csv(), "");

    // Everything valid. Cells that start like formulas, commas, quotes and line breaks
    // must come through exactly.
    page.type_text("respondent_id", "-r1");
    page.click("seniority=mid");
    page.type_text("experience", "12");
    page.click("confidence=fairly_sure");
    page.type_text("answer", "=SUM(1,2) \"quoted\", and more");
    page.set_value("conditions", "@team\nline two");
    let levels = [
        "definitely_not",
        "probably_not",
        "unsure",
        "probably_yes",
        "definitely_yes",
        "dont_know",
    ];
    let rows = [
        "lab_safety",
        "lab_security",
        "lab_governance",
        "lab_post_training",
        "lab_comms",
        "product_company",
        "academia",
        "safety_nonprofit",
        "government",
    ];
    for (i, row) in rows.iter().enumerate() {
        page.click(&format!("advise.{row}={}", levels[i % levels.len()]));
    }
    page.set_value("best_roles=government", "3");
    page.type_text("capabilities_followup", "+only with a safety team");
    page.click("importance.acceleration=decisive");
    page.click("considerations=acceleration");
    page.click("considerations=access");
    page.type_text("mitigations.other", "Keep a diary");
    page.type_text("p_marginal_engineer", "35%");
    page.type_text("p_safety_teams_net_positive", "12.5");
    page.type_text("year_researcher_parity", "2035");
    page.set_value("change_mind", "New evidence");
    page.submit();
    assert_eq!(page.errors(), Vec::<(String, String)>::new());
    assert_eq!(page.focused(), "result");
    let csv = page.csv();
    let download = page.js(
        "decodeURIComponent(document.getElementById('download').href.replace('data:text/csv;charset=utf-8,', ''))",
    );
    assert_eq!(download, csv.as_str(), "the download holds the same file");
    page.screenshot("frontier-desktop-light-done", DESKTOP, false, false);
    page.screenshot("frontier-phone-light-done", PHONE, false, true);
    page.screenshot("frontier-desktop-dark-done", DESKTOP, true, true);

    let (header, row) = csv_cells(&csv);
    assert_eq!(header.join(","), canonical_header("frontier-roles-2027"));
    let expected = [
        ("respondent_id", "'-r1"),
        ("affiliation", "academia"),
        ("held_capabilities_role", ""),
        ("stance", "it_depends"),
        ("strongest_reason", ""),
        ("answer", "'=SUM(1,2) \"quoted\", and more"),
        ("conditions", "'@team\nline two"),
        ("advise.lab_capabilities", "definitely_yes"),
        ("advise.product_company", "dont_know"),
        ("advise.government", "unsure"),
        ("best_roles", "lab_safety;academia;government"),
        ("capabilities_followup", "'+only with a safety team"),
        ("importance.acceleration", "decisive"),
        ("importance.access", ""),
        ("considerations", "access;acceleration"),
        ("mitigations", "speak_up;prefer_safety_team;other"),
        ("mitigations.other", "Keep a diary"),
        ("experience", "12"),
        ("p_marginal_engineer", "35"),
        ("p_safety_teams_net_positive", "12.5"),
        ("year_researcher_parity", "2035"),
        ("change_mind", "New evidence"),
    ];
    for (column, value) in expected {
        assert_eq!(cell(&header, &row, column), value, "{column}");
    }
    let submitted = cell(&header, &row, "submitted_at");
    assert!(is_js_timestamp(submitted), "{submitted:?}");

    let ingested = ingest("frontier-roles-2027", &csv);
    assert_accepted_without_problems(&ingested);
    assert!(
        ingested
            .responses
            .contains("\"'=SUM(1,2) \"\"quoted\"\", and more\""),
        "{}",
        ingested.responses
    );

    // Changing an answer afterwards takes the file away until it is made again.
    page.click("confidence=very_sure");
    assert_eq!(page.js("document.getElementById('result').hidden"), true);
}

#[test]
fn capabilities_form_can_be_filled_in_with_the_keyboard_alone() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = FormPage::open(&chromium, &write_form("capabilities-roles", dir.path()));
    // No question here has a show_if: all stay on screen whatever is answered.
    let all = [
        "respondent_id",
        "stance",
        "considerations",
        "answer",
        "conditions",
    ];
    assert_eq!(page.shown(), all);

    // Submitting at once: the two required answers are missing.
    page.submit();
    let errors: Vec<String> = page.errors().into_iter().map(|(q, _)| q).collect();
    assert_eq!(errors, ["respondent_id", "stance"]);
    assert_eq!(page.focused(), "error-summary");
    assert_eq!(page.csv(), "");
    page.screenshot("capabilities-desktop-light-errors", DESKTOP, false, false);
    page.screenshot("capabilities-phone-light-errors", PHONE, false, false);

    // From the summary, past its two links, to the respondent id.
    for _ in 0..3 {
        page.press("Tab");
    }
    assert_eq!(page.focused(), "respondent_id");
    page.tab.type_str("panel-7").unwrap();
    // Into the stance group at its first radio; the arrow keys move and pick.
    page.press("Tab");
    assert_eq!(page.focused(), "stance=strongly_against");
    page.press("ArrowDown");
    page.press("ArrowDown");
    assert!(page.checked("stance=it_depends"));
    assert_eq!(page.shown(), all);
    // The first checkbox: Space ticks it; two more Tabs, another.
    page.press("Tab");
    page.press(" ");
    page.press("Tab");
    page.press("Tab");
    page.press(" ");
    let ticked = page.js(
        "[...document.querySelectorAll('input[name=considerations]:checked')].map(i => i.value).join(';')",
    );
    assert_eq!(ticked.as_str().unwrap().split(';').count(), 2);
    // Shift+Tab is not needed: Tab on through the other checkboxes to the text answer.
    let mut presses = 0;
    while page.focused() != "answer" {
        page.press("Tab");
        presses += 1;
        assert!(presses < 30, "the answer field is reachable by Tab");
    }
    page.tab.type_str("Depends on the team.").unwrap();
    page.press("Tab");
    assert_eq!(page.focused(), "conditions");
    page.tab.type_str("Leave if asked to publish.").unwrap();
    page.press("Tab");
    assert_eq!(page.focused(), "make-file");
    page.press("Enter");
    assert_eq!(page.errors(), Vec::<(String, String)>::new());
    assert_eq!(page.focused(), "result");

    let csv = page.csv();
    let (header, row) = csv_cells(&csv);
    assert_eq!(header.join(","), canonical_header("capabilities-roles"));
    assert_eq!(cell(&header, &row, "respondent_id"), "panel-7");
    assert_eq!(cell(&header, &row, "stance"), "it_depends");
    assert_eq!(
        cell(&header, &row, "considerations"),
        ticked.as_str().unwrap()
    );
    assert_eq!(cell(&header, &row, "answer"), "Depends on the team.");
    assert_eq!(
        cell(&header, &row, "conditions"),
        "Leave if asked to publish."
    );
    // The copy button copies (through the clipboard API, or by selecting the text).
    page.click("copy");
    let mut status = page.js("document.getElementById('copy-status').textContent");
    for _ in 0..20 {
        if status != "" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        status = page.js("document.getElementById('copy-status').textContent");
    }
    assert_eq!(status, "Copied.");
    page.screenshot("capabilities-desktop-dark-done", DESKTOP, true, true);
    page.screenshot("capabilities-phone-light-done", PHONE, false, true);

    assert_accepted_without_problems(&ingest("capabilities-roles", &csv));
}

#[test]
fn keyboard_focus_is_visible_on_every_control_in_light_and_dark() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = FormPage::open(&chromium, &write_form("frontier-roles-2027", dir.path()));
    page.click("stance=lean_in_favour");
    // After a key press the browser shows the focus ring for focus moved by script too,
    // so one script can visit every control the keyboard can reach.
    page.js("document.getElementById('respondent_id').focus()");
    page.press("Tab");
    let visit = "[...document.querySelectorAll('input, select, textarea, button, a[href]')] \
        .filter(el => el.getClientRects().length > 0 && el.tabIndex >= 0) \
        .map(el => { el.focus(); const s = getComputedStyle(el); \
          return [el.tagName + ':' + (el.type || ''), el.matches(':focus-visible'), s.outlineStyle, s.outlineWidth, s.outlineColor]; })";
    for (dark, ring) in [(false, "rgb(179, 88, 6)"), (true, "rgb(241, 163, 64)")] {
        page.emulate(DESKTOP, dark);
        let controls = page.js(visit);
        let controls = controls.as_array().unwrap();
        assert!(controls.len() > 100, "{}", controls.len());
        let mut kinds: Vec<&str> = Vec::new();
        for control in controls {
            let expected = [
                Value::from(true),
                Value::from("solid"),
                Value::from("3px"),
                Value::from(ring),
            ];
            assert_eq!(
                control.as_array().unwrap()[1..],
                expected,
                "{control} (dark: {dark})"
            );
            let kind = control[0].as_str().unwrap();
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        kinds.sort();
        assert_eq!(
            kinds,
            [
                "BUTTON:submit",
                "INPUT:checkbox",
                "INPUT:radio",
                "INPUT:text",
                "SELECT:select-one",
                "TEXTAREA:textarea"
            ]
        );
    }
    page.js("document.getElementById('advise.lab_security=unsure').focus()");
    page.screenshot("frontier-desktop-dark-focus", DESKTOP, true, false);
}

#[test]
fn hostile_survey_text_stays_text_in_the_browser() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = "tests/fixtures/forms/hostile.toml";
    let survey = load_survey(path);
    let page = FormPage::open(&chromium, &write_form(path, dir.path()));
    let state = page.js(
        "({ pwned: typeof window.pwned, title: document.title, h1: document.querySelector('h1').textContent, \
           elements: document.querySelectorAll('img, script').length, \
           level: document.querySelector('label[for=\"stance=b\"]').textContent, \
           legend: document.querySelector('[data-question=stance] legend').textContent })",
    );
    assert_eq!(state["pwned"], "undefined", "no survey text ran");
    assert_eq!(state["title"], survey.title.as_str());
    assert_eq!(state["h1"], survey.title.as_str());
    assert_eq!(state["elements"], 1, "only the form's own script");
    assert_eq!(
        state["level"],
        survey.questions[0].choices()[1].label.as_str()
    );
    assert_eq!(
        state["legend"],
        format!("1. {} *(required)", survey.questions[0].text.as_str())
    );
    // The script still works after all that: picking the level shows the next question.
    page.click("stance=b");
    assert!(page.is_shown("why"));
    assert_eq!(page.js("typeof window.pwned"), "undefined");
}

#[test]
fn the_page_shows_exactly_the_questions_cond_holds_asks() {
    let Some(chromium) = chromium() else { return };
    let path = "tests/fixtures/forms/every-condition.toml";
    let survey = load_survey(path);
    let dir = tempfile::tempdir().unwrap();
    let page = FormPage::open(&chromium, &write_form(path, dir.path()));
    let n = survey.questions.len();
    let (mut asked, mut not_asked) = (vec![0usize; n], vec![0usize; n]);
    for round in 0..12u32 {
        page.reload();
        let start = asked::read(&page);
        assert_eq!(
            start.iter().map(|f| !f.hidden).collect::<Vec<_>>(),
            asked::expected(&survey, &start),
            "before any answer"
        );
        for (step, (changed, fields)) in asked::walk(&page, 7919 * (round + 1), 150)
            .iter()
            .enumerate()
        {
            let expected = asked::expected(&survey, fields);
            let actual: Vec<bool> = fields.iter().map(|f| !f.hidden).collect();
            assert_eq!(
                actual, expected,
                "round {round}, step {step}, after changing `{changed}`: {fields:#?}"
            );
            for (i, field) in fields.iter().enumerate() {
                if field.hidden {
                    not_asked[i] += 1;
                    assert!(
                        field.is_empty(),
                        "a hidden question keeps no answer: {field:?}"
                    );
                } else {
                    asked[i] += 1;
                }
            }
        }
    }
    // The walk must have seen every conditional question both asked and not asked.
    for (i, q) in survey.questions.iter().enumerate() {
        if q.show_if.is_some() {
            assert!(
                asked[i] > 20 && not_asked[i] > 20,
                "`{}` asked {} and not asked {} times",
                q.id,
                asked[i],
                not_asked[i]
            );
        }
    }
}

#[test]
fn without_script_every_question_shows_and_the_page_prints_without_controls() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let survey = load_survey("surveys/frontier-roles-2027.toml");
    let form = write_form("frontier-roles-2027", dir.path());

    // Progressive enhancement: without script every question is on screen, each
    // conditional one says in words when to answer it, and a notice says why no file is
    // made; the submit button, which could do nothing, stays hidden.
    let page = FormPage::open_without_script(&chromium, &form);
    let every: Vec<&str> = ["respondent_id"]
        .into_iter()
        .chain(survey.questions.iter().map(|q| q.id.as_str()))
        .collect();
    assert_eq!(page.shown(), every);
    let visible = |selector: &str| {
        page.js(&format!(
            "[...document.querySelectorAll({})].filter(el => el.getClientRects().length > 0).length",
            page::json(selector)
        ))
    };
    let conditional = survey
        .questions
        .iter()
        .filter(|q| q.show_if.is_some())
        .count();
    assert_eq!(conditional, 5);
    assert_eq!(visible(".only-if"), conditional);
    assert_eq!(
        page.js("document.querySelector('.only-if').textContent"),
        "Answer only if your answer to question 1 is “A frontier AI company” or “Another AI company”."
    );
    assert_eq!(visible(".notice"), 1, "the no-script notice shows");
    assert_eq!(visible("#make-file"), 0);
    assert_eq!(page.js("document.documentElement.className"), "");
    page.screenshot("frontier-phone-light-noscript", PHONE, false, false);

    // Matrices: a table only while every word of every column heading fits its column
    // (measured in the heading's own font), a list of labelled rows below that width.
    let words_too_wide = "[...document.querySelectorAll('.matrix-head span')].flatMap(span => { \
        const style = getComputedStyle(span); \
        const context = document.createElement('canvas').getContext('2d'); \
        context.font = style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily; \
        const room = span.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight); \
        return span.textContent.split(/\\s+/).filter(w => context.measureText(w).width > room); })";
    let matrix_layout = "getComputedStyle(document.querySelector('.matrix-head')).display";
    for width in [1280, 780] {
        page.emulate((width, 900), false);
        assert_eq!(page.js(matrix_layout), "grid", "at {width}px");
        assert_eq!(
            page.js(words_too_wide),
            Value::Array(vec![]),
            "at {width}px"
        );
    }
    for width in [760, 390] {
        page.emulate((width, 900), false);
        assert_eq!(page.js(matrix_layout), "none", "at {width}px");
        assert_eq!(
            visible(".cell .level"),
            visible(".cell input"),
            "every radio shows its level at {width}px"
        );
    }
    page.emulate(DESKTOP, false);

    // Printed after a submit with errors: the questions and the answers given, none of
    // the page's controls or messages about the file.
    let page = FormPage::open(&chromium, &form);
    page.click("affiliation=frontier_company");
    page.click("advise.lab_capabilities=definitely_yes");
    page.submit();
    assert!(!page.errors().is_empty());
    page.emulate_print();
    let printed = page.js(
        "({ summary: document.getElementById('error-summary').getClientRects().length, \
           actions: document.querySelector('.actions').getClientRects().length, \
           messages: [...document.querySelectorAll('.error-message')].filter(m => m.getClientRects().length > 0).length, \
           head: getComputedStyle(document.querySelector('.matrix-head')).position, \
           background: getComputedStyle(document.body).backgroundColor, \
           text: getComputedStyle(document.body).color, \
           ruled: getComputedStyle(document.querySelector('.matrix-row:nth-child(odd)')).backgroundColor, \
           marked: getComputedStyle(document.querySelector('.invalid-row')).boxShadow })",
    );
    assert_eq!(printed["summary"], 0, "{printed}");
    assert_eq!(printed["actions"], 0, "{printed}");
    assert_eq!(printed["messages"], 0, "{printed}");
    assert_eq!(printed["head"], "static", "{printed}");
    assert_eq!(printed["background"], "rgb(255, 255, 255)", "{printed}");
    assert_eq!(printed["text"], "rgb(0, 0, 0)", "{printed}");
    assert_eq!(printed["ruled"], "rgba(0, 0, 0, 0)", "{printed}");
    assert_eq!(printed["marked"], "none", "{printed}");
    assert!(page.is_shown("held_capabilities_role") && page.is_shown("capabilities_followup"));
    page.screenshot_print("frontier-print");
}

/// Synthetic respondents (`canvass synth`), each filled in through the HTML form by mouse
/// and field input as a person would, give a CSV file that ingests to the very answers
/// the synthetic row holds (only the submission time, which the form stamps, differs).
#[test]
fn synthetic_respondents_filled_in_through_the_form_reingest_to_the_same_answers() {
    let Some(chromium) = chromium() else { return };
    let path = "surveys/capabilities-roles.toml";
    let survey = load_survey(path);
    let mut synthetic = Vec::new();
    canvass::synth::Synth::new(&survey, 12, 2027)
        .unwrap()
        .write(&mut synthetic)
        .unwrap();
    let mut reader = csv::Reader::from_reader(synthetic.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 12);

    let dir = tempfile::tempdir().unwrap();
    let page = FormPage::open(&chromium, &write_form("capabilities-roles", dir.path()));
    for row in &rows {
        page.reload();
        for (column, value) in header.iter().zip(row) {
            if value.is_empty() || column == "submitted_at" {
                continue;
            }
            let question = survey.questions.iter().find(|q| q.id == *column);
            match question.map(|q| q.kind.name()) {
                // Choices are clicked, one click per ticked code.
                Some("likert" | "single" | "multiple") => {
                    for code in value.split(canvass::ingest::CODE_SEPARATOR) {
                        page.click(&format!("{column}={code}"));
                    }
                }
                // Texts and the respondent id are typed (set as typing would).
                _ => page.set_value(column, value),
            }
        }
        page.submit();
        let filled = page.csv();
        assert!(
            !filled.is_empty(),
            "the form made no file: {:?}",
            page.errors()
        );

        let synthetic_row = {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(&header).unwrap();
            writer.write_record(row).unwrap();
            writer.into_inner().unwrap()
        };
        let read = |name: &str, bytes: Vec<u8>| {
            let ingested =
                canvass::ingest::ingest_bytes(&survey, &[(name.to_string(), bytes)]).unwrap();
            assert_eq!(
                ingested.totals().accepted,
                1,
                "{name}: {:?}",
                ingested.rejects
            );
            ingested.responses.frame().drop("submitted_at").unwrap()
        };
        let expected = read("synthetic.csv", synthetic_row);
        let actual = read("form.csv", filled.into_bytes());
        assert!(
            actual.equals_missing(&expected),
            "row {}:\nform: {actual}\nsynthetic: {expected}",
            row[0]
        );
    }
}
