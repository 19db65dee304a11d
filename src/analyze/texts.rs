//! Free-text answers grouped by position group, for the "answers by position" section.

use polars::prelude::*;
use rayon::prelude::*;

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
    // Which group each position level belongs to, looked up once per level.
    let levels = survey.position_scale().levels.len();
    let group_of: Vec<Option<usize>> = (0..levels)
        .map(|level| groups.iter().position(|g| g.levels.contains(&level)))
        .collect();
    let position: Vec<Option<u8>> = frame
        .column(&survey.position_question().id)?
        .u8()?
        .iter()
        .collect();
    let columns: Vec<Vec<Option<&str>>> = text_questions
        .iter()
        .map(|q| Ok(frame.column(q)?.str()?.iter().collect()))
        .collect::<Result<_>>()?;
    // Rows are gathered on every core; the order they arrive in does not matter, since
    // each group is sorted afterwards and equal entries are identical.
    let gathered: Vec<Vec<RespondentTexts>> = (0..frame.height())
        .into_par_iter()
        .fold(
            || vec![Vec::new(); groups.len()],
            |mut acc: Vec<Vec<RespondentTexts>>, row| {
                let group = position[row].and_then(|level| group_of[usize::from(level)]);
                if let Some(group) = group {
                    let texts: Vec<QuestionText> = text_questions
                        .iter()
                        .zip(&columns)
                        .filter_map(|(q, column)| {
                            column[row].map(|text| QuestionText {
                                question: q.to_string(),
                                text: text.to_string(),
                            })
                        })
                        .collect();
                    if !texts.is_empty() {
                        acc[group].push(RespondentTexts { texts });
                    }
                }
                acc
            },
        )
        .reduce(
            || vec![Vec::new(); groups.len()],
            |mut a, b| {
                for (into, from) in a.iter_mut().zip(b) {
                    into.extend(from);
                }
                a
            },
        );
    for (group, mut respondents) in out.iter_mut().zip(gathered) {
        // Compared by reference: a key of owned strings per comparison would clone every
        // text n log n times.
        respondents.par_sort_unstable_by(|a, b| {
            a.texts
                .iter()
                .map(|t| (t.question.as_str(), t.text.as_str()))
                .cmp(
                    b.texts
                        .iter()
                        .map(|t| (t.question.as_str(), t.text.as_str())),
                )
        });
        group.respondents = respondents;
    }
    Ok(out)
}
