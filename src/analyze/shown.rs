//! Who was shown each conditional question: the survey's resolved `show_if` evaluated on
//! every row of the response table with [`Cond::holds`], the same rules the forms and
//! ingest use. The result is one boolean column per conditional question, which the cell
//! query sums, so "not shown" is counted apart from "skipped".

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::error::Result;
use crate::ingest::column;
use crate::survey::{Cond, Given, QuestionKind, Survey, Target};

/// Name of the column holding whether question `q` was shown (`#` keeps it apart from
/// every response column).
pub fn column(q: usize) -> String {
    format!("#shown{q}")
}

/// One target's answers, row by row, in the form conditions read them.
enum Answers {
    Code(Vec<Option<u8>>),
    Codes(Vec<Option<Vec<u8>>>),
    Number(Vec<Option<f64>>),
    Text(Vec<bool>),
}

impl Answers {
    fn given(&self, row: usize) -> Given<'_> {
        match self {
            Answers::Code(v) => v[row].map_or(Given::Missing, |c| Given::Code(usize::from(c))),
            Answers::Codes(v) => v[row].as_deref().map_or(Given::Missing, Given::Codes),
            Answers::Number(v) => v[row].map_or(Given::Missing, Given::Number),
            Answers::Text(v) => {
                if v[row] {
                    Given::Text
                } else {
                    Given::Missing
                }
            }
        }
    }
}

fn codes_column(frame: &DataFrame, name: &str) -> Result<Vec<Option<u8>>> {
    Ok(frame.column(name)?.u8()?.iter().collect())
}

fn read(survey: &Survey, frame: &DataFrame, target: Target) -> Result<Answers> {
    let question = &survey.questions[target.question];
    let id = question.id.as_str();
    Ok(match (&question.kind, target.row) {
        (QuestionKind::Matrix { rows, .. }, Some(r)) => {
            Answers::Code(codes_column(frame, &column::choice(id, &rows[r].code))?)
        }
        (QuestionKind::Single { .. } | QuestionKind::Likert { .. }, _) => {
            Answers::Code(codes_column(frame, id)?)
        }
        (QuestionKind::Multiple { .. }, _) => {
            let ticks: Vec<Vec<Option<bool>>> = question
                .choices()
                .iter()
                .map(|c| {
                    Ok(frame
                        .column(&column::choice(id, &c.code))?
                        .bool()?
                        .iter()
                        .collect())
                })
                .collect::<Result<_>>()?;
            Answers::Codes(
                (0..frame.height())
                    .map(|row| {
                        ticks[0][row].map(|_| {
                            (0..ticks.len())
                                .filter(|&i| ticks[i][row] == Some(true))
                                .map(|i| i as u8)
                                .collect()
                        })
                    })
                    .collect(),
            )
        }
        (QuestionKind::Ranking { .. }, _) => {
            let ranks: Vec<Vec<Option<u8>>> = question
                .choices()
                .iter()
                .map(|c| codes_column(frame, &column::choice(id, &c.code)))
                .collect::<Result<_>>()?;
            Answers::Codes(
                (0..frame.height())
                    .map(|row| {
                        let mut ranked: Vec<(u8, u8)> = (0..ranks.len())
                            .filter_map(|i| ranks[i][row].map(|rank| (rank, i as u8)))
                            .collect();
                        ranked.sort_unstable();
                        (!ranked.is_empty()).then(|| ranked.into_iter().map(|(_, i)| i).collect())
                    })
                    .collect(),
            )
        }
        (QuestionKind::Text { .. }, _) => Answers::Text(
            frame
                .column(id)?
                .is_not_null()
                .iter()
                .map(|v| v == Some(true))
                .collect(),
        ),
        _ => Answers::Number(
            frame
                .column(id)?
                .cast(&DataType::Float64)?
                .f64()?
                .iter()
                .collect(),
        ),
    })
}

/// Whether `cond` holds for each row of `frame`.
pub fn evaluate(survey: &Survey, frame: &DataFrame, cond: &Cond) -> Result<Vec<bool>> {
    let answers: BTreeMap<Target, Answers> = cond
        .targets()
        .into_iter()
        .map(|t| Ok((t, read(survey, frame, t)?)))
        .collect::<Result<_>>()?;
    Ok((0..frame.height())
        .map(|row| {
            cond.holds(&|t: Target| {
                answers
                    .get(&t)
                    .map_or(Given::Missing, |answers| answers.given(row))
            })
        })
        .collect())
}

/// `frame` with a `#shown{q}` column for every question that has a `show_if`.
pub fn with_shown_columns(survey: &Survey, frame: &DataFrame) -> Result<DataFrame> {
    let mut out = frame.clone();
    for (q, question) in survey.questions.iter().enumerate() {
        if let Some(condition) = &question.show_if {
            let shown = evaluate(survey, frame, &condition.cond)?;
            let series = BooleanChunked::from_iter_values(column(q).into(), shown.into_iter());
            out.with_column(series.into_column())?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{every_kind, ingest_csv};

    #[test]
    fn a_condition_on_the_position_is_evaluated_per_row() {
        // `note` is shown only when stance == 'yes'.
        let survey = every_kind();
        let csv = "respondent_id,submitted_at,weight,stance,role,role.other,why,grid.r1,grid.r2,hours,p,when,order,note\n\
                   1,,1,yes,a,,x,agree,agree,,,,,because\n\
                   2,,1,no,b,,,agree,agree,,,,,\n\
                   3,,1,maybe,b,,,agree,agree,,,,,\n";
        let responses = ingest_csv(&survey, csv).responses;
        let note = survey
            .questions
            .iter()
            .position(|q| q.id == "note")
            .unwrap();
        let cond = &survey.questions[note].show_if.as_ref().unwrap().cond;
        assert_eq!(
            evaluate(&survey, responses.frame(), cond).unwrap(),
            vec![true, false, false]
        );
        let frame = with_shown_columns(&survey, responses.frame()).unwrap();
        let shown: Vec<Option<bool>> = frame
            .column(&column(note))
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(shown, vec![Some(true), Some(false), Some(false)]);
    }

    #[test]
    fn contains_reads_the_ticked_codes_and_ranks_in_order() {
        let survey = crate::testing::survey_from(
            r#"id = "c"
title = "C"
position = "s"
[anonymity]
min_group_size = 1
[scales.l]
levels = [{ code = "lo", label = "Lo" }, { code = "hi", label = "Hi" }]
[[questions]]
id = "s"
kind = "likert"
scale = "l"
text = "S?"
required = true
[[questions]]
id = "m"
kind = "multiple"
text = "M?"
choices = [{ code = "a", label = "A" }, { code = "b", label = "B" }]
[[questions]]
id = "follow"
kind = "text"
text = "Why b?"
show_if = "m contains 'b'"
"#,
        );
        let csv = "respondent_id,s,m,follow\n1,lo,a;b,x\n2,hi,a,\n3,hi,,\n";
        let responses = ingest_csv(&survey, csv).responses;
        let cond = &survey.questions[2].show_if.as_ref().unwrap().cond;
        assert_eq!(
            evaluate(&survey, responses.frame(), cond).unwrap(),
            vec![true, false, false]
        );
    }
}
