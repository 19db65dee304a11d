//! The HTML form: one self-contained page (inline CSS and script, no external requests).
//!
//! Without script every question is visible and readable, and the page prints. With it,
//! one static script (`html/script.js`, the same for every survey) shows a question only
//! while its `show_if` holds, checks the answers, and turns them into one canonical CSV
//! row to download or copy, which `canvass ingest` reads. Everything survey-specific is
//! data on the page: kinds and limits in `data-*` attributes, each condition as JSON
//! (`html/condition.rs`). All survey text goes through maud, which escapes it.
//!
//! Element ids are built so that no two can clash: question ids are letters, digits and
//! `_`, codes add `.` and `-`, so `q=code` (a choice), `q.row=level` (a matrix cell) and
//! `q:help` (a part of the question) never meet.

mod condition;
#[cfg(test)]
mod palette;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::{instruction, words};
use crate::survey::{Choice, OTHER, Question, QuestionKind, Survey};

/// The page's style sheet: light and dark palettes, phone layout, print.
pub(super) const STYLE: &str = include_str!("html/style.css");

/// The page's script. It reads only the page's own fields and data attributes and writes
/// text with `textContent`, so no survey text is ever run as code.
pub(super) const SCRIPT: &str = include_str!("html/script.js");

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
                    p.how {
                        "Questions marked " span.required aria-hidden="true" { "*" } " are required. "
                        "When you are done, the form gives you a small CSV file to send back; nothing is sent anywhere by this page."
                    }
                    noscript {
                        p.notice {
                            "This page needs JavaScript to make your answer file. Without it you can still read "
                            "and print every question; questions that apply only to some people say so."
                        }
                    }
                    div #error-summary .error-summary tabindex="-1" hidden aria-labelledby="error-summary-title" {
                        div role="alert" {
                            h2 #error-summary-title { "Please check your answers" }
                            ul #error-list {}
                        }
                    }
                    form #survey novalidate data-columns=(columns) {
                        (respondent_field())
                        @if let Some(rounds) = survey.panel.rounds { (round_field(rounds)) }
                        @for section in &survey.sections {
                            @let heading = format!("section:{}", section.id);
                            section id={ "section-" (section.id) } aria-labelledby=[section.title.as_ref().map(|_| heading.clone())] {
                                @if let Some(t) = &section.title { h2 #(heading) { (t.as_str()) } }
                                @if let Some(intro) = &section.intro { p { (intro.as_str()) } }
                                @for q in section.questions.clone() { (question(survey, q)) }
                            }
                        }
                        // Shown by the script: without it, submitting could do nothing useful.
                        div.actions hidden { button #make-file type="submit" { "Make my answer file" } }
                    }
                    section #result hidden tabindex="-1" aria-labelledby="result-title" {
                        h2 #result-title { "Your answer file" }
                        p { "Send this file, or the text below, back to the survey team. Nothing has been sent yet." }
                        div.buttons {
                            a #download .button download=(format!("{}-response.csv", survey.id)) href="#" { "Download the CSV file" }
                            button #copy .secondary type="button" { "Copy the text" }
                            span #copy-status role="status" {}
                        }
                        p { label for="csv" { "The file: a header line, then your answers" } }
                        textarea #csv readonly rows="4" wrap="off" spellcheck="false" {}
                    }
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    // No bidi control is canvass's own, so this reaches every survey text on the page.
    crate::escape::without_bidi_controls(&page.into_string()).into_owned()
}

fn respondent_field() -> Markup {
    html! {
        div.question data-question="respondent_id" data-kind="respondent" data-required {
            label.title for="respondent_id" { "Respondent id" (required_mark()) }
            p.help id="respondent_id:help" { "The code from your invitation. It keeps your answer apart from others without naming you." }
            (error_box("respondent_id"))
            input #respondent_id type="text" name="respondent_id" autocomplete="off" spellcheck="false" aria-describedby="respondent_id:help";
        }
    }
}

/// Which Delphi round this answer is for: the survey team says so in the invitation.
fn round_field(rounds: u32) -> Markup {
    html! {
        div.question data-question="round" data-kind="round" data-required {
            label.title for="round" { "Round" (required_mark()) }
            p.help id="round:help" { "This survey is asked in " (rounds) " rounds; your invitation says which one this is." }
            (error_box("round"))
            select #round name="round" aria-describedby="round:help" {
                option value="" { "Choose the round" }
                @for r in 1..=rounds { option value=(r) { "Round " (r) } }
            }
        }
    }
}

/// The visible `*` for sight, the word for screen readers (inputs carry no `required`:
/// the script decides, since a question hidden by its `show_if` is not required).
fn required_mark() -> Markup {
    html! { " " span.required { span aria-hidden="true" { "*" } span.visually-hidden { "(required)" } } }
}

fn error_box(id: &str) -> Markup {
    html! { p.error-message id={ (id) ":error" } hidden {} }
}

/// The attributes every question wrapper carries, and the parts under its title.
struct Parts {
    id: String,
    number: usize,
    show_if: Option<String>,
    only_if: Option<String>,
}

fn question(survey: &Survey, index: usize) -> Markup {
    let q = &survey.questions[index];
    let parts = Parts {
        id: q.id.clone(),
        number: index + 1,
        show_if: q
            .show_if
            .as_ref()
            .map(|c| condition::to_json(survey, &c.cond).to_string()),
        only_if: q
            .show_if
            .as_ref()
            .map(|c| format!("Answer only if {}.", words::describe(survey, &c.cond))),
    };
    match &q.kind {
        QuestionKind::Text { max_length } => text_question(q, &parts, *max_length),
        QuestionKind::Numeric { .. } | QuestionKind::Probability | QuestionKind::Year { .. } => {
            number_question(q, &parts)
        }
        QuestionKind::Matrix { rows, .. } => matrix_question(q, &parts, rows),
        QuestionKind::Ranking { top, .. } => {
            let places = top.map_or(q.choices().len(), |k| k as usize);
            ranking_question(q, &parts, places)
        }
        QuestionKind::Single { .. }
        | QuestionKind::Likert { .. }
        | QuestionKind::Multiple { .. } => choice_question(q, &parts),
    }
}

/// The title, as a label (`for` the field) or a legend.
fn title(q: &Question, parts: &Parts) -> Markup {
    html! {
        span.number { (parts.number) "." } " " (q.text.as_str())
        @if q.required { (required_mark()) }
    }
}

/// Under the title: the condition in words (shown without script), help, how to
/// answer, and the place for an error message.
fn guidance(q: &Question, parts: &Parts, how: Option<String>) -> Markup {
    html! {
        @if let Some(only_if) = &parts.only_if { p.only-if { (only_if) } }
        @if let Some(help) = &q.help { p.help id={ (parts.id) ":help" } { (help.as_str()) } }
        @if let Some(how) = how { p.how id={ (parts.id) ":how" } { (how) } }
        (error_box(&parts.id))
    }
}

/// The ids that describe the question's field: its help and instruction.
fn described_by(q: &Question, parts: &Parts, has_how: bool, extra: Option<&str>) -> Option<String> {
    let mut ids = Vec::new();
    if q.help.is_some() {
        ids.push(format!("{}:help", parts.id));
    }
    if has_how {
        ids.push(format!("{}:how", parts.id));
    }
    ids.extend(extra.map(str::to_string));
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn text_question(q: &Question, parts: &Parts, max_length: Option<u32>) -> Markup {
    let how = max_length.map(|m| format!("At most {m} characters."));
    let described = described_by(q, parts, how.is_some(), None);
    html! {
        div.question data-question=(parts.id) data-kind="text" data-number=(parts.number)
            data-required[q.required] data-show-if=[&parts.show_if] data-max-length=[max_length] {
            label.title for=(parts.id) { (title(q, parts)) }
            (guidance(q, parts, how))
            textarea #(parts.id) name=(parts.id) rows="4" aria-describedby=[described] {}
            @if max_length.is_some() { p.counter id={ (parts.id) ":count" } hidden {} }
        }
    }
}

fn number_question(q: &Question, parts: &Parts) -> Markup {
    let (lo, hi) = q.kind.bounds();
    let whole = matches!(
        q.kind,
        QuestionKind::Numeric { integer: true, .. } | QuestionKind::Year { .. }
    );
    let unit = match &q.kind {
        QuestionKind::Numeric { unit, .. } => unit.as_ref().map(|u| u.as_str().to_string()),
        QuestionKind::Probability => Some("%".to_string()),
        _ => None,
    };
    let unit_id = format!("{}:unit", parts.id);
    let described = described_by(q, parts, true, unit.as_ref().map(|_| unit_id.as_str()));
    html! {
        div.question data-question=(parts.id) data-kind=(q.kind.name()) data-number=(parts.number)
            data-required[q.required] data-show-if=[&parts.show_if]
            data-min=[lo] data-max=[hi] data-integer[whole] {
            label.title for=(parts.id) { (title(q, parts)) }
            (guidance(q, parts, Some(instruction(q))))
            div.number-field {
                // Text, not type=number: the script can then say what is wrong with what
                // was typed, and no scroll wheel changes an answer by accident.
                input.number #(parts.id) type="text" name=(parts.id)
                    inputmode=(if whole { "numeric" } else { "decimal" })
                    autocomplete="off" spellcheck="false" aria-describedby=[described];
                @if let Some(unit) = unit { span.unit #(unit_id) { (unit) } }
            }
        }
    }
}

fn choice_question(q: &Question, parts: &Parts) -> Markup {
    let multiple = match &q.kind {
        QuestionKind::Multiple {
            min_picks,
            max_picks,
            ..
        } => Some((*min_picks, *max_picks)),
        _ => None,
    };
    let (input_type, role) = match multiple {
        Some(_) => ("checkbox", None),
        None => ("radio", Some("radiogroup")),
    };
    let (min_picks, max_picks) = multiple.unwrap_or_default();
    let other = q.has_other().then(|| format!("{}.{OTHER}", parts.id));
    html! {
        fieldset.question data-question=(parts.id) data-kind=(q.kind.name()) data-number=(parts.number)
            data-required[q.required] data-show-if=[&parts.show_if]
            data-min-picks=[min_picks] data-max-picks=[max_picks]
            role=[role] aria-describedby=[described_by(q, parts, true, None)] {
            legend { (title(q, parts)) }
            (guidance(q, parts, Some(instruction(q))))
            div.choices {
                @for (i, choice) in q.choices().iter().enumerate() {
                    @let id = format!("{}={}", parts.id, choice.code);
                    @let is_other = other.is_some() && i + 1 == q.choices().len();
                    div.choice {
                        input #(id) type=(input_type) name=(parts.id) value=(choice.code) data-other[is_other];
                        label for=(id) { (choice.label.as_str()) }
                    }
                }
            }
            @if let Some(id) = &other {
                div.other {
                    label for=(id) { "If other, please say what" }
                    input #(id) type="text" name=(id) autocomplete="off" data-other-text;
                }
            }
        }
    }
}

fn matrix_question(q: &Question, parts: &Parts, rows: &[Choice]) -> Markup {
    let levels = q.choices();
    html! {
        fieldset.question data-question=(parts.id) data-kind="matrix" data-number=(parts.number)
            data-required[q.required] data-show-if=[&parts.show_if]
            aria-describedby=[described_by(q, parts, true, None)] {
            legend { (title(q, parts)) }
            (guidance(q, parts, Some(instruction(q))))
            div.matrix style={ "--levels: " (levels.len()) } {
                div.matrix-head aria-hidden="true" {
                    span {}
                    @for level in levels { span { (level.label.as_str()) } }
                }
                @for row in rows {
                    @let name = format!("{}.{}", parts.id, row.code);
                    @let label_id = format!("{name}:label");
                    div.matrix-row role="radiogroup" data-row=(row.code) aria-labelledby=(label_id) {
                        span.row-label #(label_id) { (row.label.as_str()) }
                        @for level in levels {
                            label.cell {
                                input id={ (name) "=" (level.code) } type="radio" name=(name) value=(level.code);
                                span.level { (level.label.as_str()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How to rank with the page's place pickers (the paper form says "write 1 next to …").
fn ranking_how(places: usize, items: usize) -> String {
    if places < items {
        format!(
            "Give places 1 to {places} to your top {places}: place 1 to your first choice, and so on."
        )
    } else {
        "Give every item a place: place 1 to your first choice, and so on.".to_string()
    }
}

fn ranking_question(q: &Question, parts: &Parts, places: usize) -> Markup {
    html! {
        fieldset.question data-question=(parts.id) data-kind="ranking" data-number=(parts.number)
            data-required[q.required] data-show-if=[&parts.show_if] data-places=(places)
            aria-describedby=[described_by(q, parts, true, None)] {
            legend { (title(q, parts)) }
            (guidance(q, parts, Some(ranking_how(places, q.choices().len()))))
            @for choice in q.choices() {
                @let id = format!("{}={}", parts.id, choice.code);
                div.rank {
                    select #(id) data-code=(choice.code) {
                        option value="" { "Not ranked" }
                        @for place in 1..=places { option value=(place) { "Place " (place) } }
                    }
                    label for=(id) { (choice.label.as_str()) }
                }
            }
        }
    }
}
