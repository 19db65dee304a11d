//! A printable form: every question with its help, boxes to tick, lines to write on.

use std::fmt::Write;

use super::instruction;
use crate::escape::markdown as md;
use crate::survey::{QuestionKind, Survey};

pub fn form(survey: &Survey) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# {}\n", md(&survey.title));
    if let Some(question) = &survey.question {
        let _ = writeln!(out, "**{}**\n", md(question));
    }
    if let Some(intro) = &survey.intro {
        let _ = writeln!(out, "{}\n", md(intro));
    }
    let _ = writeln!(
        out,
        "Respondent id (from your invitation): {}\n",
        "\\_".repeat(20)
    );
    for (i, q) in survey.questions.iter().enumerate() {
        let required = if q.required { " *(required)*" } else { "" };
        let _ = writeln!(out, "## {}. {}{required}\n", i + 1, md(&q.text));
        if let Some(help) = &q.help {
            let _ = writeln!(out, "*{}*\n", md(help));
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
                    let _ = writeln!(out, "- {bullet} {}", md(&choice.label));
                }
                out.push('\n');
            }
            QuestionKind::Text { max_length } => {
                if let Some(max) = max_length {
                    let _ = writeln!(out, "At most {max} characters.\n");
                }
                // Escaped underscores: a writing line, not emphasis.
                let line = "\\_".repeat(48);
                for _ in 0..4 {
                    let _ = writeln!(out, "{line}\n");
                }
            }
        }
    }
    out
}
