//! Counting answers per position level in one polars query: a single lazy group-by on the
//! position column computes, for every question, how many answered and how many gave
//! each code. Every coarser group (merged levels, sides, overall) is a sum of these rows,
//! so the response table is scanned once whatever the number of groupings.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::ingest::{Responses, column};
use crate::survey::{QuestionKind, Survey};

/// Counts for one position level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LevelCounts {
    /// Respondents at this level.
    pub n: u64,
    /// Per question (survey order): how many answered, and per choice how many gave it.
    pub questions: Vec<QuestionCounts>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionCounts {
    pub answered: u64,
    pub choices: Vec<u64>,
}

impl QuestionCounts {
    pub fn add(&mut self, other: &QuestionCounts) {
        self.answered += other.answered;
        for (a, b) in self.choices.iter_mut().zip(&other.choices) {
            *a += b;
        }
    }
}

/// One [`LevelCounts`] per level of the position scale, in scale order.
pub fn by_position_level(survey: &Survey, responses: &Responses) -> Result<Vec<LevelCounts>> {
    let position = &survey.position_question().id;
    let mut exprs = vec![len().cast(DataType::UInt64).alias("#n")];
    for (q, question) in survey.questions.iter().enumerate() {
        let (answered, choices) = question_exprs(question);
        exprs.push(answered.cast(DataType::UInt64).alias(format!("#{q}")));
        for (c, expr) in choices.into_iter().enumerate() {
            exprs.push(expr.cast(DataType::UInt64).alias(format!("#{q}.{c}")));
        }
    }
    let table = responses
        .frame()
        .clone()
        .lazy()
        .group_by([col(position.as_str())])
        .agg(exprs)
        .collect()?;

    let levels = survey.position_scale().levels.len();
    let mut out = vec![LevelCounts::default(); levels];
    let level_column = table.column(position.as_str())?.u8()?.clone();
    let read = |name: &str| -> Result<UInt64Chunked> { Ok(table.column(name)?.u64()?.clone()) };
    let n = read("#n")?;
    let mut question_columns = Vec::new();
    for (q, question) in survey.questions.iter().enumerate() {
        let answered = read(&format!("#{q}"))?;
        let choices = (0..question.choices().len())
            .map(|c| read(&format!("#{q}.{c}")))
            .collect::<Result<Vec<_>>>()?;
        question_columns.push((answered, choices));
    }
    for row in 0..table.height() {
        // The position question is required, so ingest accepted no row without it.
        let level = level_column
            .get(row)
            .ok_or_else(|| Error::internal("a response without a position reached analysis"))?
            as usize;
        let counts = &mut out[level];
        counts.n = n.get(row).unwrap_or(0);
        counts.questions = question_columns
            .iter()
            .map(|(answered, choices)| QuestionCounts {
                answered: answered.get(row).unwrap_or(0),
                choices: choices.iter().map(|c| c.get(row).unwrap_or(0)).collect(),
            })
            .collect();
    }
    // Levels nobody chose still need a zero per question and choice.
    for counts in &mut out {
        if counts.questions.is_empty() {
            counts.questions = survey
                .questions
                .iter()
                .map(|q| QuestionCounts {
                    answered: 0,
                    choices: vec![0; q.choices().len()],
                })
                .collect();
        }
    }
    Ok(out)
}

/// The expression counting answers to a question, and one counting each of its choices.
fn question_exprs(question: &crate::survey::Question) -> (Expr, Vec<Expr>) {
    match &question.kind {
        QuestionKind::Single { .. } | QuestionKind::Likert { .. } => {
            let id = question.id.as_str();
            let choices = (0..question.choices().len())
                .map(|i| col(id).eq(lit(i as u32)).sum())
                .collect();
            (col(id).is_not_null().sum(), choices)
        }
        QuestionKind::Multiple { .. } => {
            let columns: Vec<String> = question
                .choices()
                .iter()
                .map(|c| column::choice(&question.id, &c.code))
                .collect();
            // All choice columns of a question are null together (not answered).
            let answered = col(columns[0].as_str()).is_not_null().sum();
            let choices = columns.iter().map(|c| col(c.as_str()).sum()).collect();
            (answered, choices)
        }
        QuestionKind::Text { .. } => (col(question.id.as_str()).is_not_null().sum(), Vec::new()),
    }
}
