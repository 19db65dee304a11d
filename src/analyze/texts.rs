//! Free-text answers grouped by position group, for the "answers by position" section.

use polars::prelude::*;

use super::aggregates::{QuestionText, RespondentTexts, TextGroup};
use super::groups::LevelGroup;
use crate::error::Result;
use crate::survey::{QuestionKind, Survey};

/// Each position group's respondents with the free text they gave. Within a group,
/// respondents are sorted by their text, so the order reveals nothing about who answered
/// first or in which file.
pub fn by_position(
    survey: &Survey,
    frame: &DataFrame,
    groups: &[LevelGroup],
) -> Result<Vec<TextGroup>> {
    let text_questions: Vec<&str> = survey
        .questions
        .iter()
        .filter(|q| matches!(q.kind, QuestionKind::Text { .. }))
        .map(|q| q.id.as_str())
        .collect();
    let mut out: Vec<TextGroup> = groups
        .iter()
        .map(|g| TextGroup {
            group: g.key.clone(),
            label: g.label.clone(),
            n: g.n,
            respondents: Vec::new(),
        })
        .collect();
    if text_questions.is_empty() || groups.is_empty() {
        return Ok(out);
    }
    let position = frame.column(&survey.position_question().id)?.u8()?.clone();
    let columns: Vec<StringChunked> = text_questions
        .iter()
        .map(|q| Ok(frame.column(q)?.str()?.clone()))
        .collect::<Result<_>>()?;
    for row in 0..frame.height() {
        let Some(level) = position.get(row) else {
            continue;
        };
        let Some(group) = groups
            .iter()
            .position(|g| g.levels.contains(&(level as usize)))
        else {
            continue;
        };
        let texts: Vec<QuestionText> = text_questions
            .iter()
            .zip(&columns)
            .filter_map(|(q, column)| {
                column.get(row).map(|text| QuestionText {
                    question: q.to_string(),
                    text: text.to_string(),
                })
            })
            .collect();
        if !texts.is_empty() {
            out[group].respondents.push(RespondentTexts { texts });
        }
    }
    for group in &mut out {
        // Compared by reference: a key of owned strings per comparison would clone every
        // text n log n times.
        group.respondents.sort_by(|a, b| {
            a.texts
                .iter()
                .map(|t| (t.question.as_str(), t.text.as_str()))
                .cmp(
                    b.texts
                        .iter()
                        .map(|t| (t.question.as_str(), t.text.as_str())),
                )
        });
    }
    Ok(out)
}
