//! `--group-by` and `--segment`: the survey as the analysis should group it. Another
//! question takes the position's place (a single-choice question becomes a scale of its
//! choices, without sides), or other questions replace the segments. The rest of the
//! analysis is unchanged: it only ever reads `survey.position` and `survey.segments`.

use std::borrow::Cow;

use polars::prelude::DataFrame;

use super::Options;
use crate::error::{Error, Result};
use crate::survey::{Question, QuestionKind, Scale, Survey};

/// The survey with the grouping the options ask for (borrowed when they ask for none).
pub(super) fn survey<'a>(survey: &'a Survey, options: &Options) -> Result<Cow<'a, Survey>> {
    if options.group_by.is_none() && options.segments.is_none() {
        return Ok(Cow::Borrowed(survey));
    }
    let mut out = survey.clone();
    if let Some(id) = &options.group_by {
        let index = groupable(survey, id, "--group-by")?;
        if let QuestionKind::Single { options } = &survey.questions[index].kind {
            // The choices in survey order stand in for a scale's levels; a nominal
            // question has no sides and no ordinal summary is read from it.
            out.questions[index].kind = QuestionKind::Likert {
                scale: Scale {
                    id: id.clone(),
                    levels: options.choices.clone(),
                    ordered: options.choices.len(),
                    neutral: None,
                    sides: Vec::new(),
                },
            };
        }
        out.position = index;
        out.segments.retain(|&s| s != index);
    }
    if let Some(segments) = &options.segments {
        let mut indices = Vec::new();
        for id in segments {
            let index = groupable(survey, id, "--segment")?;
            if index == out.position {
                return Err(Error::Usage(format!(
                    "--segment {id}: `{id}` is what results are grouped by already; a segment must be another question"
                )));
            }
            if !indices.contains(&index) {
                indices.push(index);
            }
        }
        out.segments = indices;
    }
    Ok(Cow::Owned(out))
}

/// Every respondent must have answered the question results are grouped by: analysis
/// places each one in a group of it.
pub(super) fn check_answered(survey: &Survey, frame: &DataFrame, options: &Options) -> Result<()> {
    let Some(id) = &options.group_by else {
        return Ok(());
    };
    let missing = unanswered(frame, id)?;
    if missing > 0 {
        return Err(ungroupable(survey, options, missing, frame.height()));
    }
    Ok(())
}

/// How many respondents of `frame` did not answer question `id`.
pub(super) fn unanswered(frame: &DataFrame, id: &str) -> Result<usize> {
    Ok(frame.column(id)?.null_count())
}

/// Why results cannot be grouped by `--group-by`: `missing` of `respondents` did not
/// answer it.
pub(super) fn ungroupable(
    survey: &Survey,
    options: &Options,
    missing: usize,
    respondents: usize,
) -> Error {
    let id = options.group_by.as_deref().unwrap_or_default();
    Error::Usage(format!(
        "--group-by {id}: {missing} of {respondents} respondents did not answer `{id}`, so they cannot be grouped by it; group by a question everyone answered ({})",
        candidates(survey).join(", ")
    ))
}

/// The index of a question results can be grouped by, or a usage error naming those
/// that can.
fn groupable(survey: &Survey, id: &str, option: &str) -> Result<usize> {
    let valid = candidates(survey).join(", ");
    match survey.questions.iter().position(|q| q.id == id) {
        Some(index) if can_group(&survey.questions[index]) => Ok(index),
        Some(index) => Err(Error::Usage(format!(
            "{option} {id}: `{id}` is a {} question; results can be grouped only by a single-choice or likert question: {valid}",
            survey.questions[index].kind.name()
        ))),
        None => Err(Error::Usage(format!(
            "{option} {id}: the survey has no question `{id}`; results can be grouped by {valid}"
        ))),
    }
}

fn can_group(question: &Question) -> bool {
    matches!(
        question.kind,
        QuestionKind::Single { .. } | QuestionKind::Likert { .. }
    )
}

/// The ids of the questions results can be grouped by, in survey order.
fn candidates(survey: &Survey) -> Vec<String> {
    survey
        .questions
        .iter()
        .filter(|q| can_group(q))
        .map(|q| format!("`{}`", q.id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{POSITION, SIDE, analyze_with};
    use crate::testing::{ingest_csv, survey_from};

    const SURVEY: &str = r#"id = "t"
title = "T"
position = "stance"
[anonymity]
min_group_size = 2
[scales.s]
levels = [{ code = "no", label = "No" }, { code = "yes", label = "Yes" }]
sides = [{ id = "against", label = "Against", levels = ["no"] }, { id = "favour", label = "Favour", levels = ["yes"] }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "Where do you stand?"
required = true
[[questions]]
id = "org"
kind = "single"
choices = [{ code = "lab", label = "Lab" }, { code = "uni", label = "University" }]
text = "Where do you work?"
[[questions]]
id = "why"
kind = "text"
text = "Why?"
"#;

    const CSV: &str = "respondent_id,stance,org,why\n1,no,lab,a\n2,no,uni,b\n3,yes,lab,c\n4,yes,uni,d\n5,yes,lab,e\n";

    fn options(group_by: Option<&str>, segments: Option<&[&str]>) -> Options {
        Options {
            group_by: group_by.map(String::from),
            segments: segments.map(|s| s.iter().map(|x| x.to_string()).collect()),
            ..Options::default()
        }
    }

    #[test]
    fn a_single_choice_question_takes_the_positions_place() {
        let survey = survey_from(SURVEY);
        let responses = ingest_csv(&survey, CSV).responses;
        let a = analyze_with(&survey, &responses, &options(Some("org"), None)).unwrap();
        assert_eq!(a.survey.position, "org");
        let groups: Vec<(String, u64)> = a
            .grouping(POSITION)
            .unwrap()
            .groups
            .iter()
            .map(|g| (g.key.clone(), g.n))
            .collect();
        assert_eq!(groups, [("lab".to_string(), 3), ("uni".to_string(), 2)]);
        assert!(
            a.grouping(SIDE).is_none(),
            "a nominal question has no sides"
        );
        let stance = a.question("stance").unwrap();
        assert!(!stance.is_position);
        assert_eq!(stance.result(POSITION, "lab").unwrap().counts[1].count, 2);
    }

    #[test]
    fn segments_replace_the_surveys_own() {
        let survey = survey_from(SURVEY);
        let responses = ingest_csv(&survey, CSV).responses;
        let a = analyze_with(&survey, &responses, &options(None, Some(&["org"]))).unwrap();
        assert!(a.grouping("segment:org").is_some());
    }

    #[test]
    fn a_bad_question_is_a_usage_error_naming_the_valid_ones() {
        let survey = survey_from(SURVEY);
        for (o, expected) in [
            (
                options(Some("nope"), None),
                "--group-by nope: the survey has no question `nope`; results can be grouped by `stance`, `org`",
            ),
            (
                options(Some("why"), None),
                "--group-by why: `why` is a text question; results can be grouped only by a single-choice or likert question: `stance`, `org`",
            ),
            (
                options(None, Some(&["stance"])),
                "--segment stance: `stance` is what results are grouped by already; a segment must be another question",
            ),
        ] {
            match super::survey(&survey, &o) {
                Err(Error::Usage(message)) => assert_eq!(message, expected),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn grouping_by_a_question_someone_skipped_is_refused() {
        let survey = survey_from(SURVEY);
        let csv = "respondent_id,stance,org,why\n1,no,lab,a\n2,yes,,b\n";
        let responses = ingest_csv(&survey, csv).responses;
        match analyze_with(&survey, &responses, &options(Some("org"), None)) {
            Err(Error::Usage(message)) => {
                assert!(
                    message.contains("1 of 2 respondents did not answer `org`"),
                    "{message}"
                )
            }
            other => panic!("{other:?}"),
        }
    }
}
