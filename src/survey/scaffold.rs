//! What `canvass new` writes: a commented survey definition that works as it is, and a
//! README for the folder its response files go into.

use super::Survey;

/// The commented template; `{{id}}` stands for the new survey's id.
const TEMPLATE: &str = include_str!("template.toml");

/// The starting definition of a survey called `id` (which must be a valid survey id).
pub fn survey_template(id: &str) -> String {
    TEMPLATE.replace("{{id}}", id)
}

/// The README of `data/<id>/`: what goes there, in what form, with the survey's
/// canonical header.
pub fn data_readme(survey: &Survey) -> String {
    let id = &survey.id;
    let header = survey.columns().header().join(",");
    format!(
        "# Responses for `{id}`

Put the response files of the survey `{id}` (surveys/{id}.toml) in this folder: CSV
files in the canonical format, one row per respondent, as many files as you like.
`canvass run {id}` reads every `*.csv` here, in name order, accounts for every row
(accepted, or rejected with its file, line, column and reason) and writes the report
to reports/{id}/.

The canonical header of the survey as `canvass new` wrote it:

```
{header}
```

After you change the questions, `canvass form {id} --format csv` prints the current
header, and `canvass form {id} --format html` writes a form that gives each respondent
one row to send back.

- `respondent_id`: who answered; unique across all files, never empty.
- `submitted_at` (optional): when, in RFC 3339, e.g. `2026-03-01T14:30:00Z`.
- one column per question, named by its id:
  - single and likert: one code;
  - multiple: codes joined by `;`; ranking: codes in rank order, best first, joined by `;`;
  - matrix: one column per row, `question.row`, each one level code;
  - numeric, probability and year: a number;
  - text: the text;
  - `question.other`: the text given with an \"other\" choice.

An empty cell means not answered. A column may be left out when its question is optional.
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::{QuestionKind, check_source};

    #[test]
    fn the_template_checks_without_errors_or_warnings() {
        let source = survey_template("evals-2026");
        let (survey, report) = check_source("surveys/evals-2026.toml", &source);
        assert!(report.diagnostics.is_empty(), "{report}");
        let survey = survey.expect("the template is a valid survey");
        assert_eq!(survey.id, "evals-2026");
        assert!(!source.contains("{{id}}"), "every placeholder is filled in");
    }

    #[test]
    fn the_template_shows_a_few_kinds_and_a_condition() {
        let (survey, _) = check_source("t.toml", &survey_template("t"));
        let survey = survey.unwrap();
        let kinds: Vec<&str> = survey.questions.iter().map(|q| q.kind.name()).collect();
        assert_eq!(kinds, ["likert", "single", "multiple", "numeric", "text"]);
        assert_eq!(survey.position_question().id, "stance");
        assert_eq!(survey.position_scale().sides.len(), 3);
        let conditional: Vec<&str> = survey
            .questions
            .iter()
            .filter(|q| q.show_if.is_some())
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(conditional, ["conditions"]);
        assert!(matches!(
            &survey.question("reasons").unwrap().kind,
            QuestionKind::Multiple { options, .. } if options.codebook.as_deref() == Some("reasons")
        ));
    }

    /// Every kind the template only describes is also given as a commented example that
    /// checks once uncommented, so the examples cannot rot.
    #[test]
    fn the_commented_examples_of_the_other_kinds_check_when_uncommented() {
        let source = survey_template("t");
        let (_, examples) = source
            .split_once("# More kinds, to copy from:\n")
            .expect("the examples section");
        let uncommented: String = examples
            .lines()
            .map(|l| l.strip_prefix("# ").or(l.strip_prefix('#')).unwrap_or(l))
            .map(|l| format!("{l}\n"))
            .collect();
        let (survey, report) = check_source("t.toml", &format!("{source}{uncommented}"));
        assert!(!report.has_errors(), "{report}");
        let kinds: Vec<&str> = survey
            .unwrap()
            .questions
            .iter()
            .map(|q| q.kind.name())
            .collect();
        for kind in crate::survey::KINDS {
            assert!(kinds.contains(&kind), "no example of `{kind}`");
        }
    }

    #[test]
    fn the_data_readme_gives_the_canonical_header() {
        let (survey, _) = check_source("t.toml", &survey_template("evals"));
        let readme = data_readme(&survey.unwrap());
        assert!(readme.starts_with("# Responses for `evals`\n"), "{readme}");
        assert!(
            readme.contains(
                "\n```\nrespondent_id,submitted_at,stance,role,role.other,reasons,years_in_field,conditions\n```\n"
            ),
            "{readme}"
        );
        assert!(readme.contains("`canvass run evals`"), "{readme}");
    }
}
