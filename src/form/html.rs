//! The HTML form: one self-contained page (inline CSS and script, no external requests).
//! Every question is visible and usable without script; the small script only turns the
//! answers into one canonical CSV row to download or copy, which `canvass ingest` reads.
//! All survey text goes through maud, which escapes it.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::instruction;
use crate::survey::{Question, QuestionKind, Survey};

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
    let page: Markup = html! {
        (DOCTYPE)
        html lang=(survey.language) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (survey.title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    h1 { (survey.title) }
                    @if let Some(question) = &survey.question { p.lead { (question) } }
                    @if let Some(intro) = &survey.intro { p { (intro) } }
                    p.how { "Questions marked " span.required aria-hidden="true" { "*" } " are required. "
                        "When you are done, the form gives you one line of CSV to send back; nothing is sent anywhere by this page." }
                    form #survey data-columns=(columns) {
                        div {
                            label.block for="respondent_id" { "Respondent id " span.required aria-hidden="true" { "*" } }
                            p.help #respondent_id-help { "The code from your invitation. It keeps your answer apart from others without naming you." }
                            input #respondent_id type="text" name="respondent_id" required autocomplete="off" aria-describedby="respondent_id-help";
                        }
                        @for (i, q) in survey.questions.iter().enumerate() { (question(i + 1, q)) }
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

fn question(number: usize, q: &Question) -> Markup {
    let help_id = format!("{}-help", q.id);
    html! {
        @match &q.kind {
            QuestionKind::Text { max_length } => {
                div.question {
                    label.block for=(q.id) {
                        (number) ". " (q.text)
                        @if q.required { " " span.required aria-hidden="true" { "*" } }
                    }
                    @if let Some(help) = &q.help { p.help #(help_id) { (help) } }
                    textarea #(q.id) name=(q.id) required[q.required]
                        maxlength=[max_length.map(|m| m.to_string())]
                        aria-describedby=[q.help.as_ref().map(|_| help_id.clone())] {}
                }
            }
            _ => {
                fieldset aria-describedby=[q.help.as_ref().map(|_| help_id.clone())] {
                    legend {
                        (number) ". " (q.text)
                        @if q.required { " " span.required aria-hidden="true" { "*" } }
                    }
                    @if let Some(help) = &q.help { p.help #(help_id) { (help) } }
                    p.how { (instruction(q)) }
                    @let kind = if matches!(q.kind, QuestionKind::Multiple { .. }) { "checkbox" } else { "radio" };
                    @for (i, choice) in q.choices().iter().enumerate() {
                        @let id = format!("{}-{}", q.id, choice.code);
                        div.choice {
                            // One required radio makes the whole group required.
                            input #(id) type=(kind) name=(q.id) value=(choice.code) required[q.required && kind == "radio" && i == 0];
                            label for=(id) { (choice.label) }
                        }
                    }
                }
            }
        }
    }
}
