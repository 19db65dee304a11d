//! The HTML form: one self-contained page (inline CSS and script, no external requests).
//! Every question is visible and usable without script; the small script only turns the
//! answers into one canonical CSV row to download or copy, which `canvass ingest` reads.
//! All survey text goes through maud, which escapes it.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::instruction;
use crate::survey::{OTHER, Question, QuestionKind, Survey};

const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #1f2328; --muted: #57606a; --bg: #ffffff; --line: #d0d7de; --accent: #542788; --focus: #b35806; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --line: #3d444d; --accent: #c2b5f0; --focus: #f1a340; } }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
main { max-width: 44rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
h1 { font-size: 1.6rem; line-height: 1.25; }
.lead { font-size: 1.1rem; font-weight: 600; }
form > div { margin: 1.5rem 0; }
fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 1.5rem 0; padding: 1rem 1.25rem; }
legend { font-weight: 600; padding: 0 .35rem; }
.help, .how { color: var(--muted); font-size: .95rem; margin: .25rem 0 .75rem; }
.choice { display: flex; gap: .6rem; align-items: flex-start; padding: .3rem 0; }
.choice input { margin-top: .3rem; width: 1.1rem; height: 1.1rem; accent-color: var(--accent); }
label.block { display: block; font-weight: 600; margin-bottom: .25rem; }
input[type=text], textarea { width: 100%; font: inherit; color: inherit; background: transparent; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; }
textarea { min-height: 6rem; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
button { font: inherit; font-weight: 600; color: #fff; background: var(--accent); border: 0; border-radius: 6px; padding: .6rem 1.2rem; cursor: pointer; }
@media (prefers-color-scheme: dark) { button { color: #0d1117; } }
.required { color: var(--focus); }
#result[hidden] { display: none; }
section > h2 { margin-top: 2.5rem; }
table.matrix { border-collapse: collapse; width: 100%; }
table.matrix th, table.matrix td { padding: .4rem; border-bottom: 1px solid var(--line); text-align: center; }
table.matrix th[scope=row] { text-align: left; font-weight: normal; }
table.matrix input { width: 1.1rem; height: 1.1rem; accent-color: var(--accent); }
.matrix-wrap { overflow-x: auto; }
input[type=number] { width: 10rem; font: inherit; color: inherit; background: transparent; border: 1px solid var(--line); border-radius: 6px; padding: .4rem; }
.rank { display: flex; gap: .6rem; align-items: center; padding: .25rem 0; }
.rank select { font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: .25rem; }
.unit { margin-left: .4rem; }
.other input { margin-left: 1.7rem; width: calc(100% - 1.7rem); }
#result textarea { font-family: ui-monospace, monospace; font-size: .85rem; }
@media print { button, #result { display: none; } fieldset { break-inside: avoid; } body { font-size: 12pt; } }
"#;

/// Builds the canonical CSV row from the form. It reads only the page's own fields and
/// writes text into a textarea's value, so no survey text is ever run as code.
const SCRIPT: &str = r#"
(function () {
  var form = document.getElementById('survey');
  var result = document.getElementById('result');
  var output = document.getElementById('csv');
  var download = document.getElementById('download');
  function cell(value) {
    if (/^'*[=+\-@\t\r]/.test(value)) { value = "'" + value; }
    return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var columns = form.getAttribute('data-columns').split(',');
    var values = columns.map(function (name) {
      if (name === 'submitted_at') { return new Date().toISOString(); }
      var ranks = form.querySelectorAll('[data-rank-of="' + name + '"]');
      if (ranks.length > 0) {
        var ranked = [];
        ranks.forEach(function (select) {
          if (select.value !== '') { ranked.push([Number(select.value), select.getAttribute('data-code')]); }
        });
        ranked.sort(function (a, b) { return a[0] - b[0]; });
        return ranked.map(function (r) { return r[1]; }).join(';');
      }
      var picked = [];
      form.querySelectorAll('[name="' + name + '"]').forEach(function (field) {
        if (field.type === 'radio' || field.type === 'checkbox') {
          if (field.checked) { picked.push(field.value); }
        } else if (field.value.trim() !== '') {
          picked.push(field.value.trim());
        }
      });
      return picked.join(';');
    });
    var csv = columns.join(',') + '\r\n' + values.map(cell).join(',') + '\r\n';
    output.value = csv;
    download.href = 'data:text/csv;charset=utf-8,' + encodeURIComponent(csv);
    result.hidden = false;
    output.focus();
  });
})();
"#;

pub fn form(survey: &Survey) -> String {
    let columns = survey.columns().header().join(",");
    let title = survey.title.as_str();
    let page: Markup = html! {
        (DOCTYPE)
        html lang=(survey.language) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    h1 { (title) }
                    @if let Some(question) = &survey.question { p.lead { (question.as_str()) } }
                    @if let Some(intro) = &survey.intro { p { (intro.as_str()) } }
                    p.how { "Questions marked " span.required aria-hidden="true" { "*" } " are required. "
                        "When you are done, the form gives you one line of CSV to send back; nothing is sent anywhere by this page." }
                    form #survey data-columns=(columns) {
                        div {
                            label.block for="respondent_id" { "Respondent id " span.required aria-hidden="true" { "*" } }
                            p.help #respondent_id-help { "The code from your invitation. It keeps your answer apart from others without naming you." }
                            input #respondent_id type="text" name="respondent_id" required autocomplete="off" aria-describedby="respondent_id-help";
                        }
                        @for section in &survey.sections {
                            section id={ "section-" (section.id) } {
                                @if let Some(t) = &section.title { h2 { (t.as_str()) } }
                                @if let Some(intro) = &section.intro { p { (intro.as_str()) } }
                                @for q in section.questions.clone() { (question(q + 1, &survey.questions[q])) }
                            }
                        }
                        button type="submit" { "Make my answer file" }
                    }
                    section #result hidden aria-live="polite" {
                        h2 { "Your answers" }
                        p { "Send this file (or the text below) back to the survey team." }
                        p { a #download download=(format!("{}-response.csv", survey.id)) href="#" { "Download the CSV file" } }
                        label.block for="csv" { "CSV (select all and copy)" }
                        textarea #csv readonly rows="4" {}
                    }
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    page.into_string()
}

/// The visible marker of a required question (its inputs carry `required`).
fn required_mark(q: &Question) -> Markup {
    html! { @if q.required { " " span.required aria-hidden="true" { "*" } } }
}

fn question(number: usize, q: &Question) -> Markup {
    let help_id = format!("{}-help", q.id);
    let described = q.help.as_ref().map(|_| help_id.clone());
    let help = html! { @if let Some(help) = &q.help { p.help #(help_id) { (help.as_str()) } } };
    html! {
        @match &q.kind {
            QuestionKind::Text { max_length } => {
                div.question data-question=(q.id) {
                    label.block for=(q.id) { (number) ". " (q.text.as_str()) (required_mark(q)) }
                    (help)
                    textarea #(q.id) name=(q.id) required[q.required]
                        maxlength=[max_length.map(|m| m.to_string())]
                        aria-describedby=[described] {}
                }
            }
            QuestionKind::Numeric { .. } | QuestionKind::Probability | QuestionKind::Year { .. } => {
                @let (lo, hi) = q.kind.bounds();
                @let step = match &q.kind { QuestionKind::Numeric { integer: false, .. } | QuestionKind::Probability => "any", _ => "1" };
                @let unit = match &q.kind {
                    QuestionKind::Numeric { unit, .. } => unit.as_ref().map(|u| u.to_string()),
                    QuestionKind::Probability => Some("%".to_string()),
                    _ => None,
                };
                div.question data-question=(q.id) {
                    label.block for=(q.id) { (number) ". " (q.text.as_str()) (required_mark(q)) }
                    (help)
                    p.how #{ (q.id) "-how" } { (instruction(q)) }
                    input #(q.id) type="number" name=(q.id) inputmode="decimal" step=(step)
                        min=[lo.map(|v| v.to_string())] max=[hi.map(|v| v.to_string())]
                        required[q.required] aria-describedby={ @if let Some(d) = &described { (d) " " } (q.id) "-how" };
                    @if let Some(unit) = unit { span.unit { (unit) } }
                }
            }
            QuestionKind::Matrix { rows, .. } => {
                fieldset.question data-question=(q.id) aria-describedby=[described.clone()] {
                    legend { (number) ". " (q.text.as_str()) (required_mark(q)) }
                    (help)
                    p.how { (instruction(q)) }
                    div.matrix-wrap {
                        table.matrix {
                            thead { tr { td {} @for level in q.choices() { th scope="col" { (level.label.as_str()) } } } }
                            tbody {
                                @for row in rows {
                                    @let name = format!("{}.{}", q.id, row.code);
                                    tr {
                                        th scope="row" id={ (name) "-label" } { (row.label.as_str()) }
                                        @for (i, level) in q.choices().iter().enumerate() {
                                            td {
                                                input type="radio" name=(name) value=(level.code) required[q.required && i == 0]
                                                    aria-label={ (row.label.as_str()) ": " (level.label.as_str()) };
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            QuestionKind::Ranking { .. } => {
                @let places = match &q.kind { QuestionKind::Ranking { top: Some(k), .. } => *k as usize, _ => q.choices().len() };
                fieldset.question data-question=(q.id) aria-describedby=[described.clone()] {
                    legend { (number) ". " (q.text.as_str()) (required_mark(q)) }
                    (help)
                    p.how { (instruction(q)) }
                    @for choice in q.choices() {
                        @let id = format!("{}-{}", q.id, choice.code);
                        div.rank {
                            select #(id) data-rank-of=(q.id) data-code=(choice.code) {
                                option value="" { "–" }
                                @for place in 1..=places { option value=(place) { (place) } }
                            }
                            label for=(id) { (choice.label.as_str()) }
                        }
                    }
                }
            }
            _ => {
                fieldset.question data-question=(q.id) aria-describedby=[described.clone()] {
                    legend { (number) ". " (q.text.as_str()) (required_mark(q)) }
                    (help)
                    p.how { (instruction(q)) }
                    @let kind = if matches!(q.kind, QuestionKind::Multiple { .. }) { "checkbox" } else { "radio" };
                    @for (i, choice) in q.choices().iter().enumerate() {
                        @let id = format!("{}-{}", q.id, choice.code);
                        div.choice {
                            // One required radio makes the whole group required.
                            input #(id) type=(kind) name=(q.id) value=(choice.code) required[q.required && kind == "radio" && i == 0];
                            label for=(id) { (choice.label.as_str()) }
                        }
                    }
                    @if q.has_other() {
                        @let id = format!("{}.{}", q.id, OTHER);
                        div.other {
                            label.block for=(id) { "If other, please specify" }
                            input #(id) type="text" name=(id);
                        }
                    }
                }
            }
        }
    }
}
