//! The checked [`Survey`] tree written back as a definition file: readable, canonical
//! TOML (one layout whatever the source looked like) that loads back to an equal survey.
//! `canvass import` uses it to turn a form made elsewhere into a definition.
//!
//! Scales and codebook lists are not stored on their own in the tree: each question holds
//! a copy of the one it uses. They are written once each, in the order questions first
//! use them; a list no question uses was never part of the checked survey.

use std::fmt::Write as _;

use super::{
    Choice, DecimalMark, IngestRules, Options, ProbabilityScale, Question, QuestionKind, Scale,
    Survey, Text,
};

/// The survey as a definition file.
pub fn to_toml(survey: &Survey) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# canvass survey definition: {}", survey.id);
    let _ = writeln!(out, "# Format: docs/survey-format.md.\n");
    top_level(&mut out, survey);
    panel(&mut out, survey);
    let _ = writeln!(
        out,
        "\n[anonymity]\nmin_group_size = {}",
        survey.anonymity.min_group_size
    );
    for scale in scales(survey) {
        write_scale(&mut out, scale, &survey.language);
    }
    for (name, codes) in codebook_lists(survey) {
        let _ = writeln!(out, "\n[codebook.{name}]\ncodes = [");
        for code in codes {
            let _ = writeln!(out, "  {},", choice(code, &survey.language));
        }
        out.push_str("]\n");
    }
    questions(&mut out, survey);
    ingest(&mut out, &survey.ingest);
    out
}

/// `[ingest]`, when it says anything beyond the defaults.
fn ingest(out: &mut String, rules: &IngestRules) {
    if *rules == IngestRules::default() {
        return;
    }
    out.push_str("\n[ingest]\n");
    if rules.probability != ProbabilityScale::Auto {
        let _ = writeln!(out, "probability = {}", string(rules.probability.name()));
    }
    if rules.decimal_mark != DecimalMark::Auto {
        let _ = writeln!(out, "decimal_mark = {}", string(rules.decimal_mark.name()));
    }
    if rules.include_incomplete {
        out.push_str("include_incomplete = true\n");
    }
    if !rules.columns.is_empty() {
        out.push_str("\n[ingest.columns]\n");
        for (heading, column) in &rules.columns {
            let _ = writeln!(out, "{} = {}", string(heading), string(column));
        }
    }
    for (question, aliases) in &rules.aliases {
        let _ = writeln!(out, "\n[ingest.aliases.{}]", bare_key(question));
        for (written, code) in aliases {
            let _ = writeln!(out, "{} = {}", string(written), string(code));
        }
    }
}

fn top_level(out: &mut String, survey: &Survey) {
    let lang = &survey.language;
    let _ = writeln!(out, "id = {}", string(&survey.id));
    key_text(out, "title", &survey.title, lang);
    if let Some(question) = &survey.question {
        key_text(out, "question", question, lang);
    }
    if let Some(intro) = &survey.intro {
        key_text(out, "intro", intro, lang);
    }
    let _ = writeln!(out, "language = {}", string(lang));
    let _ = writeln!(out, "position = {}", string(&survey.position_question().id));
    if !survey.segments.is_empty() {
        let ids: Vec<String> = survey
            .segments
            .iter()
            .map(|&i| string(&survey.questions[i].id))
            .collect();
        let _ = writeln!(out, "segments = [{}]", ids.join(", "));
    }
    if let Some(weights) = &survey.weights {
        let _ = writeln!(out, "weights = {}", string(weights));
    }
}

fn panel(out: &mut String, survey: &Survey) {
    let panel = &survey.panel;
    if panel.invited.is_none()
        && panel.roster.is_none()
        && panel.description.is_none()
        && panel.rounds.is_none()
    {
        return;
    }
    out.push_str("\n[panel]\n");
    // With a roster, `invited` is its length; writing both would only risk disagreeing.
    match (&panel.roster, panel.invited) {
        (Some(roster), _) => {
            let _ = writeln!(out, "roster = {}", string(&roster.path));
        }
        (None, Some(n)) => {
            let _ = writeln!(out, "invited = {n}");
        }
        (None, None) => {}
    }
    if let Some(description) = &panel.description {
        key_text(out, "description", description, &survey.language);
    }
    if let Some(rounds) = panel.rounds {
        let _ = writeln!(out, "rounds = {rounds}");
    }
}

/// Every scale questions use, each once, in order of first use.
fn scales(survey: &Survey) -> Vec<&Scale> {
    let mut out: Vec<&Scale> = Vec::new();
    for q in &survey.questions {
        if let Some(scale) = q.scale() {
            if !out.iter().any(|s| s.id == scale.id) {
                out.push(scale);
            }
        }
    }
    out
}

fn write_scale(out: &mut String, scale: &Scale, lang: &str) {
    let _ = writeln!(out, "\n[scales.{}]\nlevels = [", scale.id);
    for level in scale.ordered_levels() {
        let _ = writeln!(out, "  {},", choice(level, lang));
    }
    out.push_str("]\n");
    let nonsubstantive = &scale.levels[scale.ordered..];
    if !nonsubstantive.is_empty() {
        let items: Vec<String> = nonsubstantive.iter().map(|l| choice(l, lang)).collect();
        let _ = writeln!(out, "nonsubstantive = [{}]", items.join(", "));
    }
    if let Some(neutral) = scale.neutral {
        let _ = writeln!(out, "neutral = {}", string(&scale.levels[neutral].code));
    }
    if !scale.sides.is_empty() {
        out.push_str("sides = [\n");
        for side in &scale.sides {
            let levels: Vec<String> = scale.levels[side.levels.clone()]
                .iter()
                .map(|l| string(&l.code))
                .collect();
            let _ = writeln!(
                out,
                "  {{ id = {}, label = {}, levels = [{}] }},",
                string(&side.id),
                inline_text(&side.label, lang),
                levels.join(", ")
            );
        }
        out.push_str("]\n");
    }
}

/// Every codebook list questions use, each once, in order of first use, without the
/// "other" choice a question may add to it.
fn codebook_lists(survey: &Survey) -> Vec<(&str, &[Choice])> {
    let mut out: Vec<(&str, &[Choice])> = Vec::new();
    for q in &survey.questions {
        if let Some(options) = options(q) {
            if let Some(name) = &options.codebook {
                if !out.iter().any(|(n, _)| n == name) {
                    out.push((name, own_choices(options)));
                }
            }
        }
    }
    out
}

fn options(q: &Question) -> Option<&Options> {
    match &q.kind {
        QuestionKind::Single { options }
        | QuestionKind::Multiple { options, .. }
        | QuestionKind::Ranking { options, .. } => Some(options),
        _ => None,
    }
}

/// The choices as written in the definition: without the one `other = true` adds.
fn own_choices(options: &Options) -> &[Choice] {
    let n = options.choices.len() - usize::from(options.other);
    &options.choices[..n]
}

fn questions(out: &mut String, survey: &Survey) {
    let default_section = survey.sections.len() == 1 && {
        let s = &survey.sections[0];
        s.id == "questions" && s.title.is_none() && s.intro.is_none()
    };
    if default_section {
        for q in &survey.questions {
            out.push_str("\n[[questions]]\n");
            question(out, q, &survey.language);
        }
        return;
    }
    for section in &survey.sections {
        let _ = writeln!(out, "\n[[sections]]\nid = {}", string(&section.id));
        if let Some(title) = &section.title {
            key_text(out, "title", title, &survey.language);
        }
        if let Some(intro) = &section.intro {
            key_text(out, "intro", intro, &survey.language);
        }
        for q in &survey.questions[section.questions.clone()] {
            out.push_str("\n[[sections.questions]]\n");
            question(out, q, &survey.language);
        }
    }
}

fn question(out: &mut String, q: &Question, lang: &str) {
    let _ = writeln!(out, "id = {}", string(&q.id));
    let _ = writeln!(out, "kind = {}", string(q.kind.name()));
    key_text(out, "text", &q.text, lang);
    if let Some(help) = &q.help {
        key_text(out, "help", help, lang);
    }
    if q.required {
        out.push_str("required = true\n");
    }
    if let Some(show_if) = &q.show_if {
        let _ = writeln!(out, "show_if = {}", string(&show_if.source));
    }
    match &q.kind {
        QuestionKind::Single { options } => write_options(out, options, lang),
        QuestionKind::Multiple {
            options,
            min_picks,
            max_picks,
        } => {
            write_options(out, options, lang);
            optional_number(out, "min_picks", *min_picks);
            optional_number(out, "max_picks", *max_picks);
        }
        QuestionKind::Ranking { options, top } => {
            write_options(out, options, lang);
            optional_number(out, "top", *top);
        }
        QuestionKind::Likert { scale } => {
            let _ = writeln!(out, "scale = {}", string(&scale.id));
        }
        QuestionKind::Matrix { rows, scale } => {
            let _ = writeln!(out, "scale = {}", string(&scale.id));
            choice_list(out, "rows", rows, lang);
        }
        QuestionKind::Numeric {
            min,
            max,
            unit,
            integer,
        } => {
            if let Some(min) = min {
                let _ = writeln!(out, "min = {}", number(*min));
            }
            if let Some(max) = max {
                let _ = writeln!(out, "max = {}", number(*max));
            }
            if *integer {
                out.push_str("integer = true\n");
            }
            if let Some(unit) = unit {
                key_text(out, "unit", unit, lang);
            }
        }
        QuestionKind::Probability => {}
        QuestionKind::Year { min, max } => {
            optional_number(out, "min", *min);
            optional_number(out, "max", *max);
        }
        QuestionKind::Text { max_length } => optional_number(out, "max_length", *max_length),
    }
    if !q.coders.is_empty() {
        let coders: Vec<String> = q.coders.iter().map(|c| string(c)).collect();
        let _ = writeln!(out, "coders = [{}]", coders.join(", "));
    }
}

fn write_options(out: &mut String, options: &Options, lang: &str) {
    match &options.codebook {
        Some(name) => {
            let _ = writeln!(out, "codebook = {}", string(name));
        }
        None => choice_list(out, "choices", own_choices(options), lang),
    }
    if options.other {
        out.push_str("other = true\n");
    }
}

fn choice_list(out: &mut String, key: &str, choices: &[Choice], lang: &str) {
    let _ = writeln!(out, "{key} = [");
    for c in choices {
        let _ = writeln!(out, "  {},", choice(c, lang));
    }
    out.push_str("]\n");
}

fn optional_number(out: &mut String, key: &str, value: Option<impl std::fmt::Display>) {
    if let Some(value) = value {
        let _ = writeln!(out, "{key} = {value}");
    }
}

/// `{ code = "…", label = "…", direction = "…" }`.
fn choice(c: &Choice, lang: &str) -> String {
    let direction = c
        .direction
        .map(|d| format!(", direction = {}", string(d.as_str())))
        .unwrap_or_default();
    format!(
        "{{ code = {}, label = {}{direction} }}",
        string(&c.code),
        inline_text(&c.label, lang)
    )
}

/// `key = "…"`, or one dotted key per language when the text is translated.
fn key_text(out: &mut String, key: &str, text: &Text, lang: &str) {
    let translations: Vec<(&str, &str)> = text.translations().collect();
    if translations.is_empty() {
        let _ = writeln!(out, "{key} = {}", string(text.as_str()));
        return;
    }
    let _ = writeln!(out, "{key}.{} = {}", bare_key(lang), string(text.as_str()));
    for (language, value) in translations {
        let _ = writeln!(out, "{key}.{} = {}", bare_key(language), string(value));
    }
}

/// A text inside an inline table: a string, or `{ en = "…", fr = "…" }`.
fn inline_text(text: &Text, lang: &str) -> String {
    let translations: Vec<(&str, &str)> = text.translations().collect();
    if translations.is_empty() {
        return string(text.as_str());
    }
    let mut parts = vec![format!("{} = {}", bare_key(lang), string(text.as_str()))];
    parts.extend(
        translations
            .into_iter()
            .map(|(l, t)| format!("{} = {}", bare_key(l), string(t))),
    );
    format!("{{ {} }}", parts.join(", "))
}

/// Language tags are letters, digits and `-`, which TOML allows in bare keys; anything
/// else is quoted so the file stays valid whatever the tree holds.
fn bare_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare { key.to_string() } else { string(key) }
}

/// A TOML number that reads back as the same `f64`: whole numbers without a fraction
/// (as authors write bounds), others in Rust's shortest round-trip form.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:?}")
    }
}

/// A TOML basic string; text with line breaks becomes a multi-line string, which reads
/// as the text does.
fn string(value: &str) -> String {
    let multiline = value.contains('\n');
    let mut out = String::with_capacity(value.len() + 2);
    out.push_str(if multiline { "\"\"\"\n" } else { "\"" });
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if multiline => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push_str(if multiline { "\"\"\"" } else { "\"" });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey;
    use crate::testing;

    fn shipped(id: &str) -> Survey {
        let path = format!("{}/surveys/{id}.toml", env!("CARGO_MANIFEST_DIR"));
        survey::load(std::path::Path::new(&path)).unwrap().survey
    }

    /// Writes, parses the result, and requires the same tree.
    fn round_trip(original: &Survey) -> String {
        let written = to_toml(original);
        let loaded = match survey::parse("written.toml", &written) {
            Ok(loaded) => loaded,
            Err(e) => panic!("the written definition does not load:\n{e}\n{written}"),
        };
        assert_eq!(&loaded.survey, original, "{written}");
        written
    }

    #[test]
    fn shipped_surveys_and_every_kind_survive_writing() {
        round_trip(&shipped("capabilities-roles"));
        round_trip(&shipped("frontier-roles-2027"));
        let written = round_trip(&testing::every_kind());
        // Canonical: writing the reloaded tree gives the same text.
        let reloaded = survey::parse("w.toml", &written).unwrap().survey;
        assert_eq!(to_toml(&reloaded), written);
    }

    #[test]
    fn ingest_rules_survive() {
        let source = testing::EVERY_KIND.to_string()
            + "\n[ingest]\nprobability = \"fraction\"\ndecimal_mark = \"comma\"\ninclude_incomplete = true\n\
               [ingest.columns]\n\"Q1. Where \\\"exactly\\\"?\" = \"stance\"\n\
               [ingest.aliases.stance]\n\"Go for it\" = \"yes\"\n";
        let original = testing::survey_from(&source);
        assert_eq!(original.ingest.columns.len(), 1);
        assert_eq!(original.ingest.aliases["stance"]["Go for it"], "yes");
        let written = round_trip(&original);
        assert!(written.contains("[ingest.aliases.stance]"), "{written}");
    }

    #[test]
    fn rounds_and_coders_survive() {
        let source = testing::SURVEY
            .replace("invited = 10", "invited = 10\nrounds = 3")
            .replace(
                "codebook = \"themes\"",
                "codebook = \"themes\"\ncoders = [\"ana\", \"ben\"]",
            );
        let original = testing::survey_from(&source);
        assert_eq!(original.panel.rounds, Some(3));
        assert_eq!(original.questions[1].coders, ["ana", "ben"]);
        let written = round_trip(&original);
        assert!(written.contains("rounds = 3\n"), "{written}");
        assert!(
            written.contains("coders = [\"ana\", \"ben\"]\n"),
            "{written}"
        );
    }

    #[test]
    fn translations_quotes_and_line_breaks_survive() {
        let source = r#"id = "t"
title.en = "A \"quoted\" title \\ with a backslash"
title.fr = "Un titre"
intro = "First line\nsecond line\twith a tab"
language = "en"
position = "stance"
[anonymity]
min_group_size = 1
[scales.s]
levels = [{ code = "lo", label = { en = "Low", fr = "Bas" } }, { code = "hi", label = "High" }]
sides = [{ id = "low", label = { en = "Low side", fr = "Côté bas" }, levels = ["lo"] }, { id = "high", label = "High", levels = ["hi"] }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "Where?"
required = true
[[questions]]
id = "n"
kind = "numeric"
text = "How much?"
min = -0.5
max = 1e20
unit.en = "kg"
unit.fr = "kilo"
show_if = "stance >= 'lo' or not answered(stance)"
"#;
        let survey = testing::survey_from(source);
        let written = round_trip(&survey);
        assert!(written.contains("title.fr = \"Un titre\""), "{written}");
        assert!(
            written.contains("intro = \"\"\"\nFirst line\nsecond line\\twith a tab\"\"\""),
            "{written}"
        );
        assert!(written.contains("min = -0.5\nmax = 1e20"), "{written}");
    }

    #[test]
    fn strings_escape_what_toml_requires() {
        assert_eq!(string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(string("bell\u{7}"), r#""bell\u0007""#);
        assert_eq!(string("x\ny"), "\"\"\"\nx\ny\"\"\"");
        assert_eq!(number(2025.0), "2025");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(bare_key("pt-BR"), "pt-BR");
    }
}
