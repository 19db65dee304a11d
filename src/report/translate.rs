//! `--lang`: the aggregates with the survey's own texts (title, questions, choices,
//! levels, sides, rows) in one of its translations, so that charts and the report read
//! in that language. Codes, numbers and the report's own wording are unchanged.

use std::collections::HashMap;

use crate::analyze::Aggregates;
use crate::error::{Error, Result};
use crate::survey::{Survey, Text};

/// The aggregates relabelled in `language`; the default language leaves them as they are.
pub fn translate(a: &Aggregates, survey: &Survey, language: &str) -> Result<Aggregates> {
    check_language(survey, language)?;
    let mut out = a.clone();
    if language == survey.language {
        return Ok(out);
    }
    let words = Dictionary::of(survey, language);
    out.survey.language = language.to_string();
    relabel(&mut out, &words);
    Ok(out)
}

/// Whether the survey is written in `language`; a usage error listing its languages if not.
pub fn check_language(survey: &Survey, language: &str) -> Result<()> {
    if !survey.languages.iter().any(|l| l == language) {
        return Err(Error::Usage(format!(
            "--lang {language}: the survey `{}` is not translated into `{language}`; its languages are {}",
            survey.id,
            survey
                .languages
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(())
}

fn relabel(out: &mut Aggregates, words: &Dictionary) {
    out.survey.title = words.get(&out.survey.title);
    out.survey.question = out.survey.question.as_deref().map(|q| words.get(q));
    for grouping in &mut out.groupings {
        for group in &mut grouping.groups {
            group.label = words.get_merged(&group.label);
        }
    }
    for q in &mut out.questions {
        q.text = words.get(&q.text);
        for c in q.choices.iter_mut().chain(q.rows.iter_mut()) {
            c.label = words.get(&c.label);
        }
    }
    for coded in &mut out.coded {
        for d in &mut coded.distinguishing {
            d.label = words.get(&d.label);
        }
    }
    for group in &mut out.answers_by_position {
        group.label = words.get_merged(&group.label);
    }
}

/// Every text of the survey: default-language wording → its translation.
struct Dictionary(HashMap<String, String>);

impl Dictionary {
    fn of(survey: &Survey, language: &str) -> Dictionary {
        let mut words = HashMap::new();
        let mut add = |text: &Text| {
            words
                .entry(text.as_str().to_string())
                .or_insert_with(|| text.get(language).to_string());
        };
        add(&survey.title);
        if let Some(q) = &survey.question {
            add(q);
        }
        for q in &survey.questions {
            add(&q.text);
            for c in q.choices().iter().chain(q.rows()) {
                add(&c.label);
            }
            if let Some(scale) = q.scale() {
                for side in &scale.sides {
                    add(&side.label);
                }
            }
        }
        Dictionary(words)
    }

    fn get(&self, text: &str) -> String {
        self.0
            .get(text)
            .cloned()
            .unwrap_or_else(|| text.to_string())
    }

    /// A group label that may join several levels or sides with ` + `.
    fn get_merged(&self, label: &str) -> String {
        if self.0.contains_key(label) {
            return self.get(label);
        }
        label
            .split(" + ")
            .map(|part| self.get(part))
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{POSITION, SIDE, analyze};
    use crate::testing::{ingest_csv, survey_from};

    const SURVEY: &str = r#"id = "t"
title.en = "Roles"
title.fr = "Rôles"
position = "stance"
language = "en"
[anonymity]
min_group_size = 2
[scales.s]
levels = [{ code = "no", label.en = "No", label.fr = "Non" }, { code = "maybe", label.en = "Maybe", label.fr = "Peut-être" }, { code = "yes", label.en = "Yes", label.fr = "Oui" }]
sides = [{ id = "against", label.en = "Against", label.fr = "Contre", levels = ["no"] }, { id = "favour", label.en = "Favour", label.fr = "Pour", levels = ["maybe", "yes"] }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text.en = "Where do you stand?"
text.fr = "Quelle est votre position ?"
required = true
"#;

    fn aggregates() -> (Survey, Aggregates) {
        let survey = survey_from(SURVEY);
        let csv = "respondent_id,stance\n1,no\n2,no\n3,maybe\n4,yes\n";
        let a = analyze(&survey, &ingest_csv(&survey, csv).responses).unwrap();
        (survey, a)
    }

    #[test]
    fn texts_levels_sides_and_merged_groups_are_translated() {
        let (survey, a) = aggregates();
        let fr = translate(&a, &survey, "fr").unwrap();
        assert_eq!(fr.survey.title, "Rôles");
        assert_eq!(fr.survey.language, "fr");
        assert_eq!(fr.questions[0].text, "Quelle est votre position ?");
        assert_eq!(fr.questions[0].choices[1].label, "Peut-être");
        let labels = |id: &str| -> Vec<String> {
            fr.grouping(id)
                .unwrap()
                .groups
                .iter()
                .map(|g| g.label.clone())
                .collect()
        };
        assert_eq!(labels(POSITION), ["Non", "Peut-être + Oui"]);
        assert_eq!(labels(SIDE), ["Contre", "Pour"]);
        assert_eq!(translate(&a, &survey, "en").unwrap(), a);
    }

    #[test]
    fn an_unknown_language_is_a_usage_error_listing_the_known_ones() {
        let (survey, a) = aggregates();
        match translate(&a, &survey, "de") {
            Err(Error::Usage(message)) => assert_eq!(
                message,
                "--lang de: the survey `t` is not translated into `de`; its languages are `en`, `fr`"
            ),
            other => panic!("{other:?}"),
        }
    }
}
