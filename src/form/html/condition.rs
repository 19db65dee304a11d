//! A resolved `show_if` condition as JSON, for the form's script to evaluate.
//!
//! The form never turns survey text into code: each conditional question carries its
//! [`Cond`] (already checked and resolved against the questions) as data, and one static
//! script interprets it with the same rules as [`Cond::holds`]. Targets are named by
//! question id and matrix row code, which is how the page's inputs are named; code values
//! stay indices into the target's choices (or scale levels), since ordering compares them.
//!
//! ```json
//! {"all": [{"answered": {"question": "stance"}},
//!          {"compare": ">=", "target": {"question": "advise", "row": "lab_capabilities"}, "value": {"code": 3}}]}
//! ```

use serde_json::{Value as Json, json};

use crate::survey::Survey;
use crate::survey::show_if::{Cond, Target, Value};

/// The condition as a JSON value (see the module documentation for its shape).
pub fn to_json(survey: &Survey, cond: &Cond) -> Json {
    match cond {
        Cond::Or(parts) => {
            json!({ "any": parts.iter().map(|p| to_json(survey, p)).collect::<Vec<_>>() })
        }
        Cond::And(parts) => {
            json!({ "all": parts.iter().map(|p| to_json(survey, p)).collect::<Vec<_>>() })
        }
        Cond::Not(inner) => json!({ "not": to_json(survey, inner) }),
        Cond::Answered(target) => json!({ "answered": target_json(survey, *target) }),
        Cond::Compare { target, op, value } => json!({
            "compare": op.as_str(),
            "target": target_json(survey, *target),
            "value": value_json(*value),
        }),
        Cond::In { target, values } => json!({
            "in": values.iter().map(|v| value_json(*v)).collect::<Vec<_>>(),
            "target": target_json(survey, *target),
        }),
        Cond::Contains { target, code } => json!({
            "contains": code,
            "target": target_json(survey, *target),
        }),
    }
}

fn target_json(survey: &Survey, target: Target) -> Json {
    let question = &survey.questions[target.question];
    match target.row {
        Some(r) => json!({ "question": question.id, "row": question.rows()[r].code }),
        None => json!({ "question": question.id }),
    }
}

fn value_json(value: Value) -> Json {
    match value {
        Value::Code(i) => json!({ "code": i }),
        Value::Number(n) => json!({ "number": n }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show_if_json(source: &str, show_if: &str) -> String {
        let source = source.replace(
            "show_if = \"stance == 'yes'\"",
            &format!("show_if = \"{show_if}\""),
        );
        let survey = crate::testing::survey_from(&source);
        let cond = &survey
            .question("note")
            .unwrap()
            .show_if
            .as_ref()
            .unwrap()
            .cond;
        to_json(&survey, cond).to_string()
    }

    #[test]
    fn every_form_of_condition_has_its_shape() {
        let json = show_if_json(
            crate::testing::EVERY_KIND,
            "stance in ['no', 'yes'] and (why contains 'z' or hours >= 40.5) and not answered(p) or grid.r2 < 'agree'",
        );
        assert_eq!(
            json,
            concat!(
                r#"{"any":[{"all":[{"in":[{"code":0},{"code":2}],"target":{"question":"stance"}},"#,
                r#"{"any":[{"contains":2,"target":{"question":"why"}},"#,
                r#"{"compare":">=","target":{"question":"hours"},"value":{"number":40.5}}]},"#,
                r#"{"not":{"answered":{"question":"p"}}}]},"#,
                r#"{"in":[{"code":0}],"target":{"question":"grid","row":"r2"}}]}"#
            )
        );
    }

    #[test]
    fn ranked_codes_and_every_operator_are_kept() {
        for op in ["==", "!="] {
            let json = show_if_json(crate::testing::EVERY_KIND, &format!("stance {op} 'maybe'"));
            assert_eq!(
                json,
                format!(
                    r#"{{"compare":"{op}","target":{{"question":"stance"}},"value":{{"code":1}}}}"#
                )
            );
        }
        // Orderings on a scale arrive as the levels they admit (see survey::comparison).
        for (op, levels) in [("<", "0"), ("<=", "0,1"), (">", "2"), (">=", "1,2")] {
            let json = show_if_json(crate::testing::EVERY_KIND, &format!("stance {op} 'maybe'"));
            let codes: Vec<String> = levels
                .split(',')
                .map(|l| format!(r#"{{"code":{l}}}"#))
                .collect();
            assert_eq!(
                json,
                format!(
                    r#"{{"in":[{}],"target":{{"question":"stance"}}}}"#,
                    codes.join(",")
                )
            );
        }
        assert_eq!(
            show_if_json(crate::testing::EVERY_KIND, "order contains 'y'"),
            r#"{"contains":1,"target":{"question":"order"}}"#
        );
    }
}
