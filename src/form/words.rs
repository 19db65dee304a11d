//! A `show_if` condition in plain words, for paper forms: "Answer only if your answer
//! to question 1 is “Lean against” or “Strongly against”."

use crate::survey::show_if::{Cond, Op, Target, Value};
use crate::survey::{QuestionKind, Survey};

/// The condition as a clause that completes "Answer only if …".
pub fn describe(survey: &Survey, cond: &Cond) -> String {
    clause(survey, cond, false)
}

/// `nested`: the clause sits inside a larger `and`/`or`, so a compound one is bracketed.
fn clause(survey: &Survey, cond: &Cond, nested: bool) -> String {
    let joined = |parts: &[Cond], word: &str| {
        let text = parts
            .iter()
            .map(|p| clause(survey, p, true))
            .collect::<Vec<_>>()
            .join(&format!(" {word} "));
        if nested { format!("({text})") } else { text }
    };
    match cond {
        Cond::Or(parts) => joined(parts, "or"),
        Cond::And(parts) => joined(parts, "and"),
        Cond::Not(inner) => match inner.as_ref() {
            Cond::Answered(t) => format!("you did not answer {}", name(survey, *t)),
            other => format!("it is not the case that {}", clause(survey, other, true)),
        },
        Cond::Answered(t) => format!("you answered {}", name(survey, *t)),
        Cond::Compare { target, op, value } => {
            let relation = match op {
                Op::Eq => "is",
                Op::Ne => "is not",
                Op::Lt => "is below",
                Op::Le => "is at or below",
                Op::Gt => "is above",
                Op::Ge => "is at or above",
            };
            format!(
                "your answer to {} {relation} {}",
                name(survey, *target),
                value_words(survey, *target, *value)
            )
        }
        Cond::In { target, values } => {
            let options: Vec<String> = values
                .iter()
                .map(|v| value_words(survey, *target, *v))
                .collect();
            format!(
                "your answer to {} is {}",
                name(survey, *target),
                options.join(" or ")
            )
        }
        Cond::Contains { target, code } => {
            let q = &survey.questions[target.question];
            let verb = if matches!(q.kind, QuestionKind::Ranking { .. }) {
                "ranked"
            } else {
                "ticked"
            };
            format!(
                "you {verb} “{}” in question {}",
                q.choices()[*code].label,
                target.question + 1
            )
        }
    }
}

fn name(survey: &Survey, target: Target) -> String {
    let q = &survey.questions[target.question];
    match target.row {
        Some(r) => format!(
            "row “{}” of question {}",
            q.rows()[r].label,
            target.question + 1
        ),
        None => format!("question {}", target.question + 1),
    }
}

fn value_words(survey: &Survey, target: Target, value: Value) -> String {
    match value {
        Value::Code(i) => format!("“{}”", survey.questions[target.question].choices()[i].label),
        Value::Number(n) => format!("{n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_read_as_sentences() {
        let source = crate::testing::EVERY_KIND.replace(
            "show_if = \"stance == 'yes'\"",
            "show_if = \"stance in ['no', 'yes'] and (why contains 'x' or hours >= 40) and not answered(p) and grid.r1 != 'agree'\"",
        );
        let survey = crate::testing::survey_from(&source);
        let cond = &survey
            .question("note")
            .unwrap()
            .show_if
            .as_ref()
            .unwrap()
            .cond;
        assert_eq!(
            describe(&survey, cond),
            "your answer to question 1 is “No” or “Yes” and (you ticked “X” in question 3 or your answer to question 5 is at or above 40) \
             and you did not answer question 6 and your answer to row “First” of question 4 is not “Agree”"
        );
    }
}
