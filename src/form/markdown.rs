//! A printable form: every question with its help, boxes to tick, lines to write on, and
//! skip instructions in words where a question is only asked of some respondents.

use std::fmt::Write;

use super::{instruction, words};
use crate::escape::markdown as md;
use crate::survey::{Question, QuestionKind, Survey};

pub fn form(survey: &Survey) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# {}\n", md(survey.title.as_str()));
    if let Some(question) = &survey.question {
        let _ = writeln!(out, "**{}**\n", md(question.as_str()));
    }
    if let Some(intro) = &survey.intro {
        let _ = writeln!(out, "{}\n", md(intro.as_str()));
    }
    let _ = writeln!(out, "Respondent id (from your invitation): {}\n", blank(20));
    if let Some(rounds) = survey.panel.rounds {
        let _ = writeln!(
            out,
            "Round (1 to {rounds}, from your invitation): {}\n",
            blank(4)
        );
    }
    for section in &survey.sections {
        if let Some(title) = &section.title {
            let _ = writeln!(out, "## {}\n", md(title.as_str()));
        }
        if let Some(intro) = &section.intro {
            let _ = writeln!(out, "{}\n", md(intro.as_str()));
        }
        for q in section.questions.clone() {
            question(&mut out, survey, q, &survey.questions[q]);
        }
    }
    out
}

/// Escaped underscores: a line to write on, not emphasis.
fn blank(width: usize) -> String {
    "\\_".repeat(width)
}

fn question(out: &mut String, survey: &Survey, number: usize, q: &Question) {
    let required = if q.required { " *(required)*" } else { "" };
    let _ = writeln!(
        out,
        "### {}. {}{required}\n",
        number + 1,
        md(q.text.as_str())
    );
    if let Some(condition) = &q.show_if {
        let _ = writeln!(
            out,
            "> Answer only if {}. Otherwise go on to the next question.\n",
            md(&words::describe(survey, &condition.cond))
        );
    }
    if let Some(help) = &q.help {
        let _ = writeln!(out, "*{}*\n", md(help.as_str()));
    }
    let _ = writeln!(out, "{}\n", instruction(q));
    match &q.kind {
        QuestionKind::Single { .. }
        | QuestionKind::Likert { .. }
        | QuestionKind::Multiple { .. } => {
            let bullet = if matches!(q.kind, QuestionKind::Multiple { .. }) {
                "☐"
            } else {
                "○"
            };
            for choice in q.choices() {
                let _ = writeln!(out, "- {bullet} {}", md(choice.label.as_str()));
            }
            if q.has_other() {
                let _ = writeln!(out, "\nIf other, please specify: {}", blank(30));
            }
            out.push('\n');
        }
        QuestionKind::Matrix { rows, .. } => {
            let levels: Vec<String> = q.choices().iter().map(|l| md(l.label.as_str())).collect();
            let _ = writeln!(out, "| | {} |", levels.join(" | "));
            let _ = writeln!(out, "| --- |{}", " :---: |".repeat(levels.len()));
            for row in rows {
                let _ = writeln!(
                    out,
                    "| {} |{}",
                    md(row.label.as_str()),
                    " ○ |".repeat(levels.len())
                );
            }
            out.push('\n');
        }
        QuestionKind::Ranking { .. } => {
            for choice in q.choices() {
                let _ = writeln!(out, "- {} {}", blank(3), md(choice.label.as_str()));
            }
            out.push('\n');
        }
        QuestionKind::Numeric { unit, .. } => {
            let unit = unit
                .as_ref()
                .map_or(String::new(), |u| format!(" {}", md(u.as_str())));
            let _ = writeln!(out, "Answer: {}{unit}\n", blank(12));
        }
        QuestionKind::Probability => {
            let _ = writeln!(out, "Answer: {} %\n", blank(6));
        }
        QuestionKind::Year { .. } => {
            let _ = writeln!(out, "Year: {}\n", blank(8));
        }
        QuestionKind::Text { max_length } => {
            if let Some(max) = max_length {
                let _ = writeln!(out, "At most {max} characters.\n");
            }
            for _ in 0..4 {
                let _ = writeln!(out, "{}\n", blank(48));
            }
        }
    }
}
