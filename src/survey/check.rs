//! From the file as written ([`RawSurvey`]) to a checked [`Survey`], collecting every
//! mistake as a located [`Diagnostic`] rather than stopping at the first.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::conditions;
use super::raw::{
    RawChoice, RawCodeList, RawDirection, RawQuestion, RawScale, RawSection, RawSurvey, S,
};
use super::suggest::did_you_mean;
use super::text::{RawText, Text};
use super::{
    Anonymity, Choice, Direction, IngestRules, OTHER, Options, Panel, Question, QuestionKind,
    Roster, Scale, Section, Side, Survey,
};
use crate::diagnostic::Diagnostic;

/// The question kinds a definition can use.
pub const KINDS: [&str; 9] = [
    "single",
    "multiple",
    "likert",
    "matrix",
    "numeric",
    "probability",
    "year",
    "ranking",
    "text",
];

/// Codes are stored as one byte per answer (see the ingest stage's response table).
pub const MAX_CHOICES: usize = 255;

/// Column names the canonical response file uses for itself.
pub const RESERVED_COLUMNS: [&str; 3] = ["respondent_id", "submitted_at", "round"];

/// The most Delphi rounds a survey may declare (a round is stored in one byte's range).
pub const MAX_ROUNDS: u32 = 255;

/// Which kinds each kind-specific key applies to.
pub(super) const KEYS_BY_KIND: [(&str, &[&str]); 14] = [
    ("choices", &["single", "multiple", "ranking"]),
    ("codebook", &["single", "multiple", "ranking"]),
    ("other", &["single", "multiple"]),
    ("min_picks", &["multiple"]),
    ("max_picks", &["multiple"]),
    ("scale", &["likert", "matrix"]),
    ("rows", &["matrix"]),
    ("min", &["numeric", "year"]),
    ("max", &["numeric", "year"]),
    ("unit", &["numeric"]),
    ("integer", &["numeric"]),
    ("top", &["ranking"]),
    ("max_length", &["text"]),
    ("coders", &["single", "multiple"]),
];

/// Checks a definition; returns the survey when it could be built, and every finding.
/// Any error-severity finding means the survey must not be used. `base` is the folder
/// files named in the definition (a roster) are read from.
pub fn check(source: &str, base: &Path) -> (Option<Survey>, Vec<Diagnostic>) {
    let raw: RawSurvey = match toml::from_str(source) {
        Ok(raw) => raw,
        Err(e) => return (None, vec![from_toml_error(&e, source)]),
    };
    let default_language = raw
        .language
        .as_ref()
        .map_or("en".to_string(), |l| l.get_ref().clone());
    let mut checker = Checker {
        diagnostics: Vec::new(),
        source,
        language: default_language,
        translations: BTreeMap::new(),
        texts: 0,
    };
    let survey = checker.survey(&raw, base);
    let mut diagnostics = checker.diagnostics;
    diagnostics.sort_by_key(|d| d.span.as_ref().map_or((0, 0), |s| (s.start, s.end)));
    (survey, diagnostics)
}

/// A TOML or shape error from the parser, with "did you mean" for misspelt keys and
/// values (serde names the expected ones in its message).
fn from_toml_error(e: &toml::de::Error, source: &str) -> Diagnostic {
    let message = e.message().trim().to_string();
    let help = misspelling_help(&message);
    let (message, label) = match message.split_once(", expected ") {
        Some((what, expected)) => (
            what.to_string(),
            Some(format!("expected {}", in_toml_words(expected))),
        ),
        None => (message, None),
    };
    if let Some(key) = missing_key(&message) {
        return missing_key_diagnostic(message.clone(), key, e.span(), source);
    }
    let mut d = Diagnostic::error(message, e.span());
    d.with_help(help).label = label;
    d
}

/// serde names Rust types in "expected …"; a survey author needs the TOML word.
fn in_toml_words(expected: &str) -> &str {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "an integer" => {
            "a whole number, e.g. `5`"
        }
        "f32" | "f64" => "a number, e.g. `2.5`",
        "a sequence" => "an array, e.g. `[\"a\", \"b\"]`",
        "a map" => "a table",
        struct_name if struct_name.starts_with("struct ") => "a table",
        other => other,
    }
}

/// The key serde's "missing field `x`" names.
fn missing_key(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

/// A required key that is absent. The parser gives the span of the table that lacks it,
/// and an empty span at the start for the top level, which would put the caret on a
/// leading comment: point at the first line of content instead.
fn missing_key_diagnostic(
    message: String,
    key: &str,
    span: Option<Range<usize>>,
    source: &str,
) -> Diagnostic {
    let (span, label) = match span {
        Some(table) if !table.is_empty() => (table, format!("this table needs `{key}`")),
        _ => (
            first_content_line(source),
            format!("the survey needs `{key}` at its top level"),
        ),
    };
    let mut d = Diagnostic::error(message, Some(span));
    d.with_label(label).with_help(Some(format!(
        "add `{key}`; docs/survey-format.md says what it takes"
    )));
    d
}

/// The span of the first line that is neither blank nor a comment (or the start of an
/// empty file).
fn first_content_line(source: &str) -> Range<usize> {
    let mut start = 0;
    for line in source.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            let indent = content.len() - trimmed.len();
            return start + indent..start + content.len();
        }
        start += line.len();
    }
    0..0
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" (and "unknown variant"),
/// the expected name nearest to `x`.
fn misspelling_help(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field ")
        .or_else(|| message.strip_prefix("unknown variant "))?;
    let mut names = rest.split('`').skip(1).step_by(2);
    let given = names.next()?;
    did_you_mean(given, names)
}

pub(super) struct Checker<'s> {
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) source: &'s str,
    /// The default language.
    language: String,
    /// Other languages seen in labels → how many labels give them.
    translations: BTreeMap<String, usize>,
    /// How many labels were read.
    texts: usize,
}

/// A section as written (none for top-level questions) and its questions.
type SectionQuestions<'r> = (Option<&'r RawSection>, &'r S<Vec<S<RawQuestion>>>);

/// A scale or codebook list as checked, with where it was defined.
struct Named<T> {
    value: T,
    used: bool,
    span: Range<usize>,
}

impl Checker<'_> {
    pub(super) fn error(
        &mut self,
        message: impl Into<String>,
        span: Range<usize>,
    ) -> &mut Diagnostic {
        self.push(Diagnostic::error(message, Some(span)))
    }

    pub(super) fn warning(
        &mut self,
        message: impl Into<String>,
        span: Option<Range<usize>>,
    ) -> &mut Diagnostic {
        self.push(Diagnostic::warning(message, span))
    }

    fn push(&mut self, d: Diagnostic) -> &mut Diagnostic {
        self.diagnostics.push(d);
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    fn survey(&mut self, raw: &RawSurvey, base: &Path) -> Option<Survey> {
        self.survey_id(&raw.id);
        self.language_tag(raw.language.as_ref());
        let title = self.text(&raw.title, "title");
        let question = raw.question.as_ref().map(|q| self.text(q, "question"));
        let intro = raw.intro.as_ref().map(|s| self.text(s, "intro"));
        let panel = self.panel(raw, base);
        let anonymity = self.anonymity(raw);

        // A scale with errors is kept as `None`, so that questions using it do not add
        // an "unknown scale" error on top of the real one.
        let mut scales: BTreeMap<String, Named<Option<Scale>>> = BTreeMap::new();
        for (id, scale) in &raw.scales {
            let named = Named {
                value: self.scale(id, scale),
                used: false,
                span: id.span(),
            };
            scales.insert(id.get_ref().clone(), named);
        }
        let mut codebook: BTreeMap<String, Named<Vec<Choice>>> = BTreeMap::new();
        for (id, list) in &raw.codebook {
            let named = Named {
                value: self.code_list(id, list),
                used: false,
                span: id.span(),
            };
            codebook.insert(id.get_ref().clone(), named);
        }

        let raw_sections = self.sections(raw);
        let mut sections = Vec::new();
        let mut questions = Vec::new();
        let mut raw_questions: Vec<&RawQuestion> = Vec::new();
        let mut seen: BTreeMap<String, Range<usize>> = BTreeMap::new();
        let mut section_ids: BTreeMap<String, Range<usize>> = BTreeMap::new();
        let mut complete = true;
        for (section, list) in &raw_sections {
            let start = raw_questions.len();
            if let Some(s) = section {
                self.identifier(&s.id, "section id");
                if let Some(first) = section_ids.get(s.id.get_ref()).cloned() {
                    self.error(
                        format!("duplicate section id `{}`", s.id.get_ref()),
                        s.id.span(),
                    )
                    .with_related(first, "first defined here");
                }
                section_ids.insert(s.id.get_ref().clone(), s.id.span());
                if list.get_ref().is_empty() {
                    self.error(
                        format!("section `{}` has no questions", s.id.get_ref()),
                        list.span(),
                    );
                }
            }
            for q in list.get_ref() {
                let q = q.get_ref();
                let id = q.id.get_ref();
                if let Some(first) = seen.get(id).cloned() {
                    self.error(format!("duplicate question id `{id}`"), q.id.span())
                        .with_related(first, "first defined here")
                        .label = Some("question ids must be unique".into());
                } else {
                    seen.insert(id.clone(), q.id.span());
                }
                match self.question(q, &mut scales, &mut codebook) {
                    Some(question) => questions.push(question),
                    None => complete = false,
                }
                raw_questions.push(q);
            }
            sections.push(Section {
                id: section.map_or("questions".to_string(), |s| s.id.get_ref().clone()),
                title: section
                    .and_then(|s| s.title.as_ref())
                    .map(|t| self.text(t, "title")),
                intro: section
                    .and_then(|s| s.intro.as_ref())
                    .map(|t| self.text(t, "intro")),
                questions: start..raw_questions.len(),
            });
        }

        // Unused definitions are often only the echo of a broken reference: report them
        // once the errors are fixed.
        if !self.has_errors() {
            for (id, scale) in scales.iter().filter(|(_, s)| !s.used) {
                let span = Some(scale.span.clone());
                self.warning(format!("scale `{id}` is not used by any question"), span);
            }
            for (id, list) in codebook.iter().filter(|(_, l)| !l.used) {
                let span = Some(list.span.clone());
                self.warning(
                    format!("codebook list `{id}` is not used by any question"),
                    span,
                );
            }
        }

        let position = self.position(
            &raw.position,
            &raw_questions,
            complete.then_some(&questions[..]),
        );
        let segments = if complete {
            self.segments(&raw.segments, &raw_questions, &questions, position)
        } else {
            Vec::new()
        };
        let weights = self.weights(raw, &raw_questions);
        if complete {
            conditions::resolve_all(self, &raw_questions, &mut questions);
        }
        self.translation_coverage();
        if self.has_errors() || !complete {
            return None;
        }
        let languages = std::iter::once(self.language.clone())
            .chain(self.translations.keys().cloned())
            .collect();
        let mut survey = Survey {
            id: raw.id.get_ref().clone(),
            title,
            question,
            intro,
            language: self.language.clone(),
            languages,
            panel,
            anonymity,
            sections,
            questions,
            position: position?,
            segments,
            weights,
            ingest: IngestRules::default(),
        };
        survey.ingest = self.ingest_rules(raw.ingest.as_ref(), &survey);
        (!self.has_errors()).then_some(survey)
    }

    /// The questions as (section, list): `[[sections]]`, or one unnamed section for
    /// top-level `[[questions]]`.
    fn sections<'r>(&mut self, raw: &'r RawSurvey) -> Vec<SectionQuestions<'r>> {
        match (&raw.sections, &raw.questions) {
            (Some(sections), None) => {
                if sections.get_ref().is_empty() {
                    self.error("the survey has no sections", sections.span());
                }
                sections
                    .get_ref()
                    .iter()
                    .map(|s| (Some(s.get_ref()), &s.get_ref().questions))
                    .collect()
            }
            (None, Some(questions)) => {
                if questions.get_ref().is_empty() {
                    self.error("the survey has no questions", questions.span())
                        .label = Some("add at least the position question".into());
                }
                vec![(None, questions)]
            }
            (Some(sections), Some(_)) => {
                // Go on with the sections, so that this is the only error reported.
                self.error("give the questions either in [[sections]] or as top-level [[questions]], not both", sections.span())
                    .label = Some("move the top-level questions into a section".into());
                sections
                    .get_ref()
                    .iter()
                    .map(|s| (Some(s.get_ref()), &s.get_ref().questions))
                    .collect()
            }
            (None, None) => {
                self.error("the survey has no questions", 0..0).label =
                    Some("add [[questions]] (or [[sections]] with [[sections.questions]])".into());
                Vec::new()
            }
        }
    }

    fn survey_id(&mut self, id: &S<String>) {
        let text = id.get_ref();
        if !is_survey_id(text) {
            self.error(format!("invalid survey id `{text}`"), id.span()).label =
                Some("expected letters, digits, `-` and `_`, e.g. `capabilities-roles` (it names files and folders)".into());
        }
    }

    fn language_tag(&mut self, language: Option<&S<String>>) {
        let Some(language) = language else { return };
        if !is_language_tag(language.get_ref()) {
            self.error(
                format!("invalid language tag `{}`", language.get_ref()),
                language.span(),
            )
            .label = Some("expected a BCP 47 tag such as `en`, `fr` or `pt-BR`".into());
        }
    }

    /// A label: a string in the default language, or a table of language → string that
    /// must include the default language.
    pub(super) fn text(&mut self, raw: &S<RawText>, what: &str) -> Text {
        self.texts += 1;
        match raw.get_ref() {
            RawText::Plain(s) => {
                if s.trim().is_empty() {
                    self.error(format!("`{what}` is empty"), raw.span()).label =
                        Some("expected some text".into());
                }
                Text::new(s.trim())
            }
            RawText::ByLanguage(map) => {
                let mut text = match map.get(&self.language) {
                    Some(default) if !default.trim().is_empty() => Text::new(default.trim()),
                    Some(_) => {
                        self.error(
                            format!("`{what}` is empty in `{}`", self.language),
                            raw.span(),
                        );
                        Text::default()
                    }
                    None => {
                        let language = self.language.clone();
                        self.error(format!("`{what}` has no `{language}` text, the survey's default language"), raw.span())
                            .with_help(Some(format!("add {what}.{language} = \"…\", or set `language` to one of the languages given")));
                        Text::default()
                    }
                };
                let default = self.language.clone();
                for (language, value) in map.iter().filter(|(l, _)| **l != default) {
                    if !is_language_tag(language) {
                        self.error(
                            format!("invalid language tag `{language}` in `{what}`"),
                            raw.span(),
                        )
                        .label = Some("expected a BCP 47 tag such as `fr` or `pt-BR`".into());
                        continue;
                    }
                    *self.translations.entry(language.clone()).or_default() += 1;
                    text = text.with_translation(language, value.trim());
                }
                text
            }
        }
    }

    /// One warning per language that some labels lack: forms in it fall back.
    fn translation_coverage(&mut self) {
        let missing: Vec<(String, usize)> = self
            .translations
            .iter()
            .filter(|(_, n)| **n < self.texts)
            .map(|(l, n)| (l.clone(), self.texts - n))
            .collect();
        for (language, n) in missing {
            self.warning(
                format!("{n} of {} labels have no `{language}` text; forms in `{language}` show the `{}` text for them", self.texts, self.language),
                None,
            );
        }
    }

    fn panel(&mut self, raw: &RawSurvey, base: &Path) -> Panel {
        let Some(panel) = &raw.panel else {
            self.warning("no [panel] section: reports cannot state how many were invited or the response rate", None);
            return Panel::default();
        };
        let p = panel.get_ref();
        let mut invited = p
            .invited
            .as_ref()
            .and_then(|n| self.positive(n, "panel.invited"));
        let roster = p.roster.as_ref().and_then(|path| self.roster(path, base));
        if let (Some(roster), Some(n)) = (&roster, invited) {
            if roster.ids.len() != n as usize {
                let span = p.invited.as_ref().map_or(panel.span(), Spanned::span);
                self.error(
                    format!(
                        "`invited` is {n} but the roster lists {} ids",
                        roster.ids.len()
                    ),
                    span,
                )
                .label =
                    Some("leave `invited` out when a roster is given, or make them agree".into());
            }
        }
        if let Some(roster) = &roster {
            invited = u32::try_from(roster.ids.len()).ok();
        }
        if invited.is_none() && roster.is_none() {
            self.warning("[panel] has neither `invited` nor `roster`: reports cannot state the response rate", Some(panel.span()));
        }
        Panel {
            invited,
            roster,
            description: p.description.as_ref().map(|d| self.text(d, "description")),
            rounds: p.rounds.as_ref().and_then(|n| self.rounds(n)),
        }
    }

    /// Delphi rounds: two or more (one round is every survey, and needs no `round` column).
    fn rounds(&mut self, rounds: &S<i64>) -> Option<u32> {
        match u32::try_from(*rounds.get_ref()) {
            Ok(n) if (2..=MAX_ROUNDS).contains(&n) => Some(n),
            _ => {
                self.error(format!("`rounds` is {}", rounds.get_ref()), rounds.span())
                    .label = Some(format!(
                    "expected a whole number from 2 to {MAX_ROUNDS} (leave `rounds` out for a survey asked once)"
                ));
                None
            }
        }
    }

    /// The coders of a question: valid, distinct identifiers (each names a column `q@coder`).
    fn coders(&mut self, q: &RawQuestion) -> Vec<String> {
        let Some(coders) = &q.coders else {
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        for coder in coders.get_ref() {
            if !self.identifier(coder, "coder id") {
                continue;
            }
            if out.contains(coder.get_ref()) {
                self.error(
                    format!("coder `{}` is listed twice", coder.get_ref()),
                    coder.span(),
                )
                .label = Some("each coder codes the answers once".into());
                continue;
            }
            out.push(coder.get_ref().clone());
        }
        if out.len() == 1 {
            self.warning(
                format!(
                    "question `{}` names one coder: agreement needs two or more",
                    q.id.get_ref()
                ),
                Some(coders.span()),
            );
        }
        out
    }

    /// Reads a roster: a CSV file with a `respondent_id` column, one invitee per row.
    fn roster(&mut self, path: &S<String>, base: &Path) -> Option<Roster> {
        let file = base.join(path.get_ref());
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) => {
                self.error(
                    format!("cannot read the roster {}: {e}", file.display()),
                    path.span(),
                )
                .label = Some("the path is relative to the survey file's folder".into());
                return None;
            }
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let column = reader
            .headers()
            .ok()
            .and_then(|h| h.iter().position(|c| c.trim() == "respondent_id"));
        let Some(column) = column else {
            self.error(
                format!(
                    "the roster {} has no `respondent_id` column",
                    file.display()
                ),
                path.span(),
            );
            return None;
        };
        let mut ids: Vec<String> = Vec::new();
        let mut seen = BTreeSet::new();
        for record in reader.records() {
            let Ok(record) = record else {
                self.error(
                    format!("the roster {} is not readable CSV", file.display()),
                    path.span(),
                );
                return None;
            };
            let line = record.position().map_or(0, |p| p.line());
            let id = record.get(column).unwrap_or("").trim().to_string();
            if id.is_empty() {
                self.error(
                    format!(
                        "{}:{line}: the roster has an empty respondent_id",
                        file.display()
                    ),
                    path.span(),
                );
            } else if !seen.insert(id.clone()) {
                self.error(
                    format!("{}:{line}: the roster lists `{id}` twice", file.display()),
                    path.span(),
                );
            } else {
                ids.push(id);
            }
        }
        if ids.is_empty() {
            self.error(
                format!("the roster {} lists nobody", file.display()),
                path.span(),
            );
            return None;
        }
        Some(Roster {
            path: path.get_ref().clone(),
            ids,
        })
    }

    fn anonymity(&mut self, raw: &RawSurvey) -> Anonymity {
        let size = &raw.anonymity.get_ref().min_group_size;
        let min_group_size = self.positive(size, "anonymity.min_group_size").unwrap_or(1);
        Anonymity { min_group_size }
    }

    /// A whole number from 1 up to `u32::MAX`, or an error at its span.
    pub(super) fn positive(&mut self, value: &S<i64>, what: &str) -> Option<u32> {
        match u32::try_from(*value.get_ref()) {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                self.error(format!("`{what}` is {}", value.get_ref()), value.span())
                    .label = Some("expected a whole number of at least 1".into());
                None
            }
        }
    }

    pub(super) fn identifier(&mut self, id: &S<String>, what: &str) -> bool {
        let text = id.get_ref();
        let valid = text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            self.error(format!("invalid {what} `{text}`"), id.span())
                .label = Some(
                "expected a letter, then letters, digits or `_` (e.g. `career_capital`)".into(),
            );
        }
        valid
    }

    fn code(&mut self, code: &S<String>) {
        let text = code.get_ref();
        let valid = text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !valid {
            self.error(format!("invalid code `{text}`"), code.span()).label = Some(
                "expected letters, digits, `_`, `-` or `.`, starting with a letter or digit (codes are written into CSV cells and joined with `;`)".into(),
            );
        }
    }

    /// Checks codes and labels of a list of choices, each code once.
    fn choices(&mut self, raw: &[S<RawChoice>], allow_direction: bool) -> Vec<Choice> {
        let mut seen: BTreeMap<String, Range<usize>> = BTreeMap::new();
        let mut out = Vec::new();
        for choice in raw {
            let c = choice.get_ref();
            self.code(&c.code);
            if let Some(first) = seen.get(c.code.get_ref()).cloned() {
                self.error(
                    format!("duplicate code `{}`", c.code.get_ref()),
                    c.code.span(),
                )
                .with_related(first, "first used here");
            } else {
                seen.insert(c.code.get_ref().clone(), c.code.span());
            }
            let label = self.text(&c.label, "label");
            let direction = c.direction.as_ref().map(|d| match d.get_ref() {
                RawDirection::For => Direction::For,
                RawDirection::Against => Direction::Against,
            });
            if let (false, Some(d)) = (allow_direction, &c.direction) {
                self.error(
                    "`direction` belongs to codebook themes and choices",
                    d.span(),
                )
                .label = Some("scale levels and matrix rows have no direction".into());
            }
            out.push(Choice {
                code: c.code.get_ref().clone(),
                label,
                direction,
            });
        }
        if let Some(extra) = raw.get(MAX_CHOICES) {
            self.error(format!("more than {MAX_CHOICES} choices"), extra.span())
                .label = Some("a question or scale holds at most 255 codes".into());
        }
        out
    }

    fn levels(&mut self, raw: &[S<super::raw::RawLevel>]) -> Vec<S<RawChoice>> {
        raw.iter()
            .map(|l| {
                let span = l.span();
                let l = l.get_ref();
                Spanned::new(
                    span,
                    RawChoice {
                        code: l.code.clone(),
                        label: l.label.clone(),
                        direction: None,
                    },
                )
            })
            .collect()
    }

    fn scale(&mut self, id: &S<String>, raw: &S<RawScale>) -> Option<Scale> {
        self.identifier(id, "scale id");
        let scale = raw.get_ref();
        let mut all = self.levels(scale.levels.get_ref());
        let ordered = all.len();
        all.extend(self.levels(&scale.nonsubstantive));
        let levels = self.choices(&all, false);
        if ordered < 2 {
            self.error(
                format!("scale `{}` has fewer than two levels", id.get_ref()),
                scale.levels.span(),
            )
            .label = Some("expected at least two ordered levels, lowest first".into());
            return None;
        }
        let neutral = match &scale.neutral {
            None => None,
            Some(code) => match levels[..ordered]
                .iter()
                .position(|l| &l.code == code.get_ref())
            {
                Some(i) => Some(i),
                None => {
                    let codes: Vec<&str> =
                        levels[..ordered].iter().map(|l| l.code.as_str()).collect();
                    let help = did_you_mean(code.get_ref(), codes.iter().copied());
                    self.error(
                        format!(
                            "the neutral level `{}` is not an ordered level of scale `{}`",
                            code.get_ref(),
                            id.get_ref()
                        ),
                        code.span(),
                    )
                    .with_help(help)
                    .label = Some(format!("expected one of {}", list(&codes)));
                    return None;
                }
            },
        };
        let sides = self.sides(id, scale, &levels, ordered)?;
        Some(Scale {
            id: id.get_ref().clone(),
            levels,
            ordered,
            neutral,
            sides,
        })
    }

    /// Sides must cover every ordered level once, each a consecutive run, in scale order,
    /// so that merging small groups along the scale never crosses a side.
    fn sides(
        &mut self,
        id: &S<String>,
        scale: &RawScale,
        levels: &[Choice],
        ordered: usize,
    ) -> Option<Vec<Side>> {
        if scale.sides.is_empty() {
            return Some(Vec::new());
        }
        let codes: Vec<&str> = levels[..ordered].iter().map(|l| l.code.as_str()).collect();
        let mut owner: Vec<Option<usize>> = vec![None; ordered];
        let mut sides = Vec::new();
        let mut ok = true;
        let mut side_ids: BTreeSet<String> = BTreeSet::new();
        for (side_index, side) in scale.sides.iter().enumerate() {
            let side = side.get_ref();
            ok &= self.identifier(&side.id, "side id");
            if !side_ids.insert(side.id.get_ref().clone()) {
                self.error(
                    format!("duplicate side `{}`", side.id.get_ref()),
                    side.id.span(),
                );
                ok = false;
            }
            let label = self.text(&side.label, "label");
            let mut indices = Vec::new();
            for level in side.levels.get_ref() {
                let Some(i) = codes.iter().position(|c| c == level.get_ref()) else {
                    let nonsubstantive =
                        levels[ordered..].iter().any(|l| &l.code == level.get_ref());
                    if nonsubstantive {
                        self.error(
                            format!(
                                "level `{}` is non-substantive and cannot be in a side",
                                level.get_ref()
                            ),
                            level.span(),
                        );
                    } else {
                        let help = did_you_mean(level.get_ref(), codes.iter().copied());
                        self.error(
                            format!(
                                "side `{}` names `{}`, which is not a level of scale `{}`",
                                side.id.get_ref(),
                                level.get_ref(),
                                id.get_ref()
                            ),
                            level.span(),
                        )
                        .with_help(help)
                        .label = Some(format!("expected one of {}", list(&codes)));
                    }
                    ok = false;
                    continue;
                };
                if let Some(other) = owner[i] {
                    let other_id = scale.sides[other].get_ref().id.get_ref().clone();
                    self.error(
                        format!(
                            "level `{}` is in two sides, `{other_id}` and `{}`",
                            level.get_ref(),
                            side.id.get_ref()
                        ),
                        level.span(),
                    );
                    ok = false;
                }
                owner[i] = Some(side_index);
                indices.push(i);
            }
            indices.sort_unstable();
            let consecutive = indices.windows(2).all(|w| w[1] == w[0] + 1);
            if indices.is_empty() || !consecutive {
                self.error(
                    format!(
                        "side `{}` must be a run of consecutive levels",
                        side.id.get_ref()
                    ),
                    side.levels.span(),
                )
                .label =
                    Some("expected neighbouring levels of the scale, e.g. the two lowest".into());
                ok = false;
                continue;
            }
            sides.push(Side {
                id: side.id.get_ref().clone(),
                label,
                levels: indices[0]..indices[indices.len() - 1] + 1,
            });
        }
        let uncovered: Vec<&str> = owner
            .iter()
            .zip(&codes)
            .filter(|(o, _)| o.is_none())
            .map(|(_, c)| *c)
            .collect();
        let all_sides = scale.sides[0].span().start..scale.sides[scale.sides.len() - 1].span().end;
        if !uncovered.is_empty() {
            self.error(
                format!(
                    "the sides of scale `{}` leave out {}",
                    id.get_ref(),
                    list(&uncovered)
                ),
                all_sides.clone(),
            )
            .label = Some("every ordered level must belong to exactly one side".into());
            ok = false;
        }
        if ok
            && sides
                .windows(2)
                .any(|w| w[0].levels.start > w[1].levels.start)
        {
            self.error(
                format!(
                    "the sides of scale `{}` are not in scale order",
                    id.get_ref()
                ),
                all_sides,
            )
            .label = Some("list the side of the lowest levels first".into());
            ok = false;
        }
        ok.then_some(sides)
    }

    fn code_list(&mut self, id: &S<String>, raw: &S<RawCodeList>) -> Vec<Choice> {
        self.identifier(id, "codebook list id");
        let list = raw.get_ref();
        if list.codes.get_ref().is_empty() {
            self.error(
                format!("codebook list `{}` has no codes", id.get_ref()),
                list.codes.span(),
            );
        }
        self.choices(list.codes.get_ref(), true)
    }

    fn question(
        &mut self,
        q: &RawQuestion,
        scales: &mut BTreeMap<String, Named<Option<Scale>>>,
        codebook: &mut BTreeMap<String, Named<Vec<Choice>>>,
    ) -> Option<Question> {
        let id_ok = self.identifier(&q.id, "question id");
        if RESERVED_COLUMNS.contains(&q.id.get_ref().as_str()) {
            self.error(format!("`{}` is reserved", q.id.get_ref()), q.id.span())
                .label =
                Some("the response file uses this column name itself; choose another id".into());
        }
        let text = self.text(&q.text, "text");
        let help = q.help.as_ref().map(|h| self.text(h, "help"));
        let kind_name = q.kind.get_ref().as_str();
        if !KINDS.contains(&kind_name) {
            let help = did_you_mean(kind_name, KINDS);
            self.error(
                format!("unknown question kind `{kind_name}`"),
                q.kind.span(),
            )
            .with_help(help)
            .label = Some(format!("expected one of {}", list(&KINDS)));
            return None;
        }
        self.keys_for_kind(q, kind_name);
        let kind = self.kind(q, kind_name, scales, codebook)?;
        let coders = self.coders(q);
        id_ok.then(|| Question {
            id: q.id.get_ref().clone(),
            text,
            help,
            required: q.required.as_ref().is_some_and(|r| *r.get_ref()),
            show_if: None,
            kind,
            coders,
        })
    }

    fn kind(
        &mut self,
        q: &RawQuestion,
        kind: &str,
        scales: &mut BTreeMap<String, Named<Option<Scale>>>,
        codebook: &mut BTreeMap<String, Named<Vec<Choice>>>,
    ) -> Option<QuestionKind> {
        Some(match kind {
            "single" => QuestionKind::Single {
                options: self.options(q, kind, 2, codebook)?,
            },
            "multiple" => {
                let options = self.options(q, kind, 1, codebook)?;
                let min_picks = q
                    .min_picks
                    .as_ref()
                    .and_then(|n| self.positive(n, "min_picks"));
                let max_picks = q
                    .max_picks
                    .as_ref()
                    .and_then(|n| self.positive(n, "max_picks"));
                if let (Some(min), Some(max), Some(span)) = (
                    min_picks,
                    max_picks,
                    q.max_picks.as_ref().map(Spanned::span),
                ) {
                    if max < min {
                        self.error(
                            format!("`max_picks` ({max}) is below `min_picks` ({min})"),
                            span,
                        )
                        .label = Some("the bounds are inverted".into());
                    }
                }
                if let (Some(max), Some(span)) = (
                    max_picks.or(min_picks),
                    q.max_picks
                        .as_ref()
                        .or(q.min_picks.as_ref())
                        .map(Spanned::span),
                ) {
                    if max as usize > options.choices.len() {
                        self.error(
                            format!(
                                "{max} picks asked for, but there are only {} choices",
                                options.choices.len()
                            ),
                            span,
                        );
                    }
                }
                QuestionKind::Multiple {
                    options,
                    min_picks,
                    max_picks,
                }
            }
            "ranking" => {
                let options = self.options(q, kind, 2, codebook)?;
                let top = q.top.as_ref().and_then(|n| self.positive(n, "top"));
                if let (Some(top), Some(span)) = (top, q.top.as_ref().map(Spanned::span)) {
                    if top as usize > options.choices.len() {
                        self.error(
                            format!(
                                "`top` is {top}, but there are only {} choices to rank",
                                options.choices.len()
                            ),
                            span,
                        );
                    }
                }
                QuestionKind::Ranking { options, top }
            }
            "likert" | "matrix" => {
                let scale = self.scale_ref(q, scales)?;
                if kind == "likert" {
                    QuestionKind::Likert { scale }
                } else {
                    let Some(rows) = &q.rows else {
                        self.error(
                            format!("matrix question `{}` has no rows", q.id.get_ref()),
                            q.kind.span(),
                        )
                        .label = Some("add `rows = [{ code = \"…\", label = \"…\" }, …]`".into());
                        return None;
                    };
                    let rows_checked = self.choices(rows.get_ref(), false);
                    if rows_checked.is_empty() {
                        self.error(
                            format!("matrix question `{}` has no rows", q.id.get_ref()),
                            rows.span(),
                        );
                    }
                    for (row, raw_row) in rows_checked.iter().zip(rows.get_ref()) {
                        if row.code.contains('.') || row.code.contains('-') {
                            self.error(format!("matrix row code `{}` must be an identifier", row.code), raw_row.get_ref().code.span())
                                .label = Some("rows name columns `question.row` and are used in show_if: letters, digits and `_`".into());
                        }
                    }
                    QuestionKind::Matrix {
                        rows: rows_checked,
                        scale,
                    }
                }
            }
            "numeric" => {
                let (min, max) = self.bounds(q, false)?;
                QuestionKind::Numeric {
                    min,
                    max,
                    unit: q.unit.as_ref().map(|u| self.text(u, "unit")),
                    integer: q.integer.as_ref().is_some_and(|i| *i.get_ref()),
                }
            }
            "probability" => QuestionKind::Probability,
            "year" => {
                let (min, max) = self.bounds(q, true)?;
                QuestionKind::Year {
                    min: min.map(|v| v as i32),
                    max: max.map(|v| v as i32),
                }
            }
            _ => QuestionKind::Text {
                max_length: match &q.max_length {
                    Some(n) => Some(self.positive(n, "max_length")?),
                    None => None,
                },
            },
        })
    }

    /// `min` and `max` of a numeric or year question: finite, whole for years, in order.
    fn bounds(&mut self, q: &RawQuestion, whole: bool) -> Option<(Option<f64>, Option<f64>)> {
        let mut ok = true;
        for (key, bound) in [("min", &q.min), ("max", &q.max)] {
            let Some(bound) = bound else { continue };
            let v = *bound.get_ref();
            if !v.is_finite() || (whole && (v.fract() != 0.0 || v.abs() > 1e6)) {
                let what = if whole {
                    "a whole year"
                } else {
                    "a finite number"
                };
                self.error(format!("`{key}` is {v}"), bound.span()).label =
                    Some(format!("expected {what}"));
                ok = false;
            }
        }
        let (min, max) = (
            q.min.as_ref().map(|m| *m.get_ref()),
            q.max.as_ref().map(|m| *m.get_ref()),
        );
        if let (Some(lo), Some(hi), Some(span)) = (min, max, q.max.as_ref().map(Spanned::span)) {
            if hi < lo {
                self.error(format!("`max` ({hi}) is below `min` ({lo})"), span)
                    .label = Some("the bounds are inverted".into());
                ok = false;
            }
        }
        ok.then_some((min, max))
    }

    fn scale_ref(
        &mut self,
        q: &RawQuestion,
        scales: &mut BTreeMap<String, Named<Option<Scale>>>,
    ) -> Option<Scale> {
        let Some(scale_ref) = &q.scale else {
            self.error(
                format!(
                    "{} question `{}` names no scale",
                    q.kind.get_ref(),
                    q.id.get_ref()
                ),
                q.kind.span(),
            )
            .label = Some("add `scale = \"<id>\"`, naming a [scales.<id>] table".into());
            return None;
        };
        let Some(scale) = scales.get_mut(scale_ref.get_ref()) else {
            let known: Vec<String> = scales.keys().cloned().collect();
            let help = did_you_mean(scale_ref.get_ref(), known.iter().map(String::as_str));
            self.error(
                format!("unknown scale `{}`", scale_ref.get_ref()),
                scale_ref.span(),
            )
            .with_help(help)
            .label = Some(if known.is_empty() {
                "no [scales.<id>] table is defined".to_string()
            } else {
                format!(
                    "expected one of {}",
                    list(&known.iter().map(String::as_str).collect::<Vec<_>>())
                )
            });
            return None;
        };
        scale.used = true;
        scale.value.clone()
    }

    /// Refuses keys that mean nothing for the question's kind, naming the kind.
    fn keys_for_kind(&mut self, q: &RawQuestion, kind: &str) {
        let spans: [Option<Range<usize>>; 14] = [
            q.choices.as_ref().map(Spanned::span),
            q.codebook.as_ref().map(Spanned::span),
            q.other.as_ref().map(Spanned::span),
            q.min_picks.as_ref().map(Spanned::span),
            q.max_picks.as_ref().map(Spanned::span),
            q.scale.as_ref().map(Spanned::span),
            q.rows.as_ref().map(Spanned::span),
            q.min.as_ref().map(Spanned::span),
            q.max.as_ref().map(Spanned::span),
            q.unit.as_ref().map(Spanned::span),
            q.integer.as_ref().map(Spanned::span),
            q.top.as_ref().map(Spanned::span),
            q.max_length.as_ref().map(Spanned::span),
            q.coders.as_ref().map(Spanned::span),
        ];
        for ((key, kinds), span) in KEYS_BY_KIND.iter().zip(spans) {
            if let (Some(span), false) = (span, kinds.contains(&kind)) {
                self.error(
                    format!("`{key}` does not apply to a `{kind}` question"),
                    span,
                )
                .label = Some(format!("`{key}` is for {} questions", list(kinds)));
            }
        }
    }

    fn options(
        &mut self,
        q: &RawQuestion,
        kind: &str,
        minimum: usize,
        codebook: &mut BTreeMap<String, Named<Vec<Choice>>>,
    ) -> Option<Options> {
        let mut options = match (&q.choices, &q.codebook) {
            (Some(choices), None) => Options {
                choices: self.choices(choices.get_ref(), true),
                codebook: None,
                other: false,
            },
            (None, Some(name)) => {
                let Some(list) = codebook.get_mut(name.get_ref()) else {
                    let known: Vec<String> = codebook.keys().cloned().collect();
                    let help = did_you_mean(name.get_ref(), known.iter().map(String::as_str));
                    self.error(
                        format!("unknown codebook list `{}`", name.get_ref()),
                        name.span(),
                    )
                    .with_help(help)
                    .label = Some(if known.is_empty() {
                        "no [codebook.<id>] table is defined".to_string()
                    } else {
                        format!(
                            "expected one of {}",
                            list(&known.iter().map(String::as_str).collect::<Vec<_>>())
                        )
                    });
                    return None;
                };
                list.used = true;
                Options {
                    choices: list.value.clone(),
                    codebook: Some(name.get_ref().clone()),
                    other: false,
                }
            }
            (Some(_), Some(name)) => {
                self.error("give either `choices` or `codebook`, not both", name.span());
                return None;
            }
            (None, None) => {
                self.error(
                    format!("{kind} question `{}` has no choices", q.id.get_ref()),
                    q.kind.span(),
                )
                .label = Some("add `choices = [...]` or `codebook = \"<list>\"`".into());
                return None;
            }
        };
        if let Some(other) = q.other.as_ref().filter(|o| *o.get_ref()) {
            if options.choices.iter().any(|c| c.code == OTHER) {
                self.error(
                    format!("`other = true` adds the code `{OTHER}`, which is already a choice"),
                    other.span(),
                );
            }
            options.choices.push(Choice {
                code: OTHER.to_string(),
                label: Text::new("Other (please specify)"),
                direction: None,
            });
            options.other = true;
        }
        if options.choices.len() < minimum {
            let span = q.choices.as_ref().map_or(q.kind.span(), Spanned::span);
            self.error(
                format!(
                    "{kind} question `{}` needs at least {minimum} choices",
                    q.id.get_ref()
                ),
                span,
            );
        }
        Some(options)
    }

    fn position(
        &mut self,
        name: &S<String>,
        raw: &[&RawQuestion],
        questions: Option<&[Question]>,
    ) -> Option<usize> {
        let Some(index) = raw.iter().position(|q| q.id.get_ref() == name.get_ref()) else {
            let help = did_you_mean(name.get_ref(), raw.iter().map(|q| q.id.get_ref().as_str()));
            self.error(
                format!("the position question `{}` is not defined", name.get_ref()),
                name.span(),
            )
            .with_help(help)
            .label = Some("expected the id of a question of the survey".into());
            return None;
        };
        let question = &questions?[index];
        let raw_q = raw[index];
        let QuestionKind::Likert { scale } = &question.kind else {
            self.error(
                format!("the position question `{}` is not ordinal", name.get_ref()),
                name.span(),
            )
            .label = Some(format!(
                "`{}` is a `{}` question; the position must be a `likert` question on an ordered scale",
                question.id,
                question.kind.name()
            ));
            return None;
        };
        if !question.required {
            self.error(format!("the position question `{}` is not required", question.id), raw_q.id.span())
                .with_help(Some("add `required = true`: every result is broken down by the position, so every response must give one".into()));
            return None;
        }
        if let Some(show_if) = &raw_q.show_if {
            self.error(
                "the position question is asked of everyone; it cannot have `show_if`",
                show_if.span(),
            );
            return None;
        }
        if scale.levels.len() > scale.ordered {
            let span = raw_q.scale.as_ref().map_or(raw_q.id.span(), Spanned::span);
            self.error(format!("the position scale `{}` has non-substantive levels", scale.id), span)
                .label = Some("every respondent must be placed on the scale; use a scale without `nonsubstantive` levels".into());
            return None;
        }
        Some(index)
    }

    fn segments(
        &mut self,
        raw: &[S<String>],
        raw_questions: &[&RawQuestion],
        questions: &[Question],
        position: Option<usize>,
    ) -> Vec<usize> {
        let mut out = Vec::new();
        for name in raw {
            let Some(index) = questions.iter().position(|q| &q.id == name.get_ref()) else {
                let help = did_you_mean(name.get_ref(), questions.iter().map(|q| q.id.as_str()));
                self.error(
                    format!("unknown segment question `{}`", name.get_ref()),
                    name.span(),
                )
                .with_help(help);
                continue;
            };
            let question = &questions[index];
            if Some(index) == position {
                self.error(
                    "the position question cannot also be a segment",
                    name.span(),
                );
            } else if !matches!(
                question.kind,
                QuestionKind::Single { .. } | QuestionKind::Likert { .. }
            ) {
                self.error(
                    format!(
                        "segment `{}` is a `{}` question",
                        question.id,
                        question.kind.name()
                    ),
                    name.span(),
                )
                .label = Some("a segment must be a single choice or likert question".into());
            } else if out.contains(&index) {
                self.error(
                    format!("segment `{}` is listed twice", question.id),
                    name.span(),
                );
            } else {
                if raw_questions[index].show_if.is_some() {
                    self.warning(format!("segment `{}` has a show_if: respondents it is not shown to belong to no segment", question.id), Some(name.span()));
                }
                out.push(index);
            }
        }
        out
    }

    fn weights(&mut self, raw: &RawSurvey, questions: &[&RawQuestion]) -> Option<String> {
        let name = raw.weights.as_ref()?;
        if !self.identifier(name, "weights column") {
            return None;
        }
        let taken = RESERVED_COLUMNS.contains(&name.get_ref().as_str())
            || questions.iter().any(|q| q.id.get_ref() == name.get_ref());
        if taken {
            self.error(
                format!(
                    "the weights column `{}` is already a column of the response file",
                    name.get_ref()
                ),
                name.span(),
            )
            .label = Some("name a column of its own, e.g. `weight`".into());
            return None;
        }
        Some(name.get_ref().clone())
    }
}

/// Whether `text` can be a survey id: letters, digits, `-` and `_`, starting with a letter
/// or digit, since it names a file and two folders.
pub fn is_survey_id(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    primary_ok
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `a`, `b` and `c`, for messages.
pub(super) fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.len() {
        0 => "nothing".to_string(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}
#[cfg(test)]
mod tests {
    use crate::diagnostic::{Report, Severity};

    /// A small valid survey; each test appends or replaces lines to make one mistake.
    const BASE: &str = r#"id = "t"
title = "T"
position = "stance"
[panel]
invited = 5
[anonymity]
min_group_size = 1
[scales.s]
levels = [{ code = "lo", label = "Low" }, { code = "mid", label = "Mid" }, { code = "hi", label = "High" }]
sides = [
  { id = "low", label = "Low", levels = ["lo"] },
  { id = "middle", label = "Middle", levels = ["mid"] },
  { id = "high", label = "High", levels = ["hi"] },
]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "Where do you stand?"
required = true
"#;

    /// Each finding as (severity, line, column, message, help).
    fn findings(source: &str) -> Vec<(Severity, usize, usize, String, Option<String>)> {
        let (_, diagnostics) = super::check(source, std::path::Path::new(""));
        let report = Report {
            path: "t.toml".into(),
            source: source.into(),
            diagnostics,
        };
        report
            .diagnostics
            .iter()
            .map(|d| {
                let at = report.location(d);
                (
                    d.severity,
                    at.line,
                    at.column,
                    d.message.clone(),
                    d.help.clone(),
                )
            })
            .collect()
    }

    fn only_error(source: &str) -> (usize, usize, String, Option<String>) {
        let errors: Vec<_> = findings(source)
            .into_iter()
            .filter(|f| f.0 == Severity::Error)
            .collect();
        assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
        let (_, line, column, message, help) = errors.into_iter().next().unwrap();
        (line, column, message, help)
    }

    #[test]
    fn the_base_survey_is_valid_and_builds_the_tree() {
        let (survey, diagnostics) = super::check(BASE, std::path::Path::new(""));
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let survey = survey.unwrap();
        assert_eq!(survey.position_question().id, "stance");
        let scale = survey.position_scale();
        assert_eq!(scale.sides.len(), 3);
        assert_eq!(scale.sides[2].levels, 2..3);
    }

    #[test]
    fn misspelt_key_is_located_with_a_suggestion() {
        let source = BASE.replace("title = \"T\"", "titel = \"T\"");
        let (line, column, message, help) = only_error(&source);
        assert_eq!((line, column), (2, 1));
        assert_eq!(message, "unknown field `titel`");
        assert_eq!(help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn misspelt_question_key_points_at_the_key() {
        let source = BASE.replace("required = true", "requird = true");
        let (line, column, message, help) = only_error(&source);
        assert_eq!((line, column), (20, 1));
        assert_eq!(message, "unknown field `requird`");
        assert_eq!(help.as_deref(), Some("did you mean `required`?"));
    }

    #[test]
    fn wrong_type_is_located_at_the_value() {
        let source = BASE.replace("invited = 5", "invited = \"five\"");
        let (line, column, message, _) = only_error(&source);
        assert_eq!((line, column), (5, 11));
        assert!(
            message.contains("invalid type: string \"five\""),
            "{message}"
        );
    }

    #[test]
    fn wrong_types_are_named_in_toml_words_not_rust_types() {
        let label = |source: &str| {
            let (_, diagnostics) = super::check(source, std::path::Path::new(""));
            diagnostics[0].label.clone().unwrap()
        };
        let source = BASE.replace("min_group_size = 1", "min_group_size = 1.5");
        assert_eq!(label(&source), "expected a whole number, e.g. `5`");
        let source = BASE.replace("[panel]\ninvited = 5", "panel = 5");
        assert_eq!(label(&source), "expected a table");
        let source = BASE.replace(
            "position = \"stance\"",
            "position = \"stance\"\nsegments = \"x\"",
        );
        assert_eq!(label(&source), "expected an array, e.g. `[\"a\", \"b\"]`");
    }

    #[test]
    fn a_missing_top_level_key_points_at_the_first_line_of_content() {
        let source = format!(
            "# A comment first.\n\n{}",
            BASE.replace("[anonymity]\nmin_group_size = 1\n", "")
        );
        let (_, diagnostics) = super::check(&source, std::path::Path::new(""));
        let report = Report {
            path: "t.toml".into(),
            source: source.clone(),
            diagnostics,
        };
        let d = &report.diagnostics[0];
        assert_eq!(d.message, "missing field `anonymity`");
        let at = report.location(d);
        assert_eq!((at.line, at.column), (3, 1));
        assert_eq!(
            d.label.as_deref(),
            Some("the survey needs `anonymity` at its top level")
        );
    }

    #[test]
    fn a_missing_nested_key_points_at_its_table() {
        let source = BASE.replace("text = \"Where do you stand?\"\n", "");
        let (line, column, message, _) = only_error(&source);
        assert_eq!((line, column), (15, 1));
        assert_eq!(message, "missing field `text`");
    }

    #[test]
    fn toml_syntax_error_is_located() {
        let source = BASE.replace("[[questions]]", "[[questions]");
        let (line, _, message, _) = only_error(&source);
        assert_eq!(line, 15);
        assert!(message.contains("unclosed array table"), "{message}");
    }

    #[test]
    fn duplicate_question_id_points_at_the_second() {
        let source =
            format!("{BASE}[[questions]]\nid = \"stance\"\nkind = \"text\"\ntext = \"Again\"\n");
        let (line, column, message, _) = only_error(&source);
        assert_eq!((line, column), (22, 6));
        assert_eq!(message, "duplicate question id `stance`");
    }

    #[test]
    fn unknown_kind_suggests_the_nearest() {
        let source = format!("{BASE}[[questions]]\nid = \"q\"\nkind = \"singel\"\ntext = \"Q\"\n");
        let (line, column, message, help) = only_error(&source);
        assert_eq!((line, column), (23, 8));
        assert_eq!(message, "unknown question kind `singel`");
        assert_eq!(help.as_deref(), Some("did you mean `single`?"));
    }

    #[test]
    fn unknown_scale_and_codebook_references_are_located() {
        let source = BASE.replace("scale = \"s\"", "scale = \"ss\"");
        let (line, column, message, help) = only_error(&source);
        assert_eq!((line, column), (18, 9));
        assert_eq!(message, "unknown scale `ss`");
        assert_eq!(help.as_deref(), Some("did you mean `s`?"));

        let source = format!(
            "{BASE}[[questions]]\nid = \"q\"\nkind = \"multiple\"\ncodebook = \"themes\"\ntext = \"Q\"\n"
        );
        let (line, column, message, _) = only_error(&source);
        assert_eq!((line, column), (24, 12));
        assert_eq!(message, "unknown codebook list `themes`");
    }

    #[test]
    fn position_must_exist_be_ordinal_and_required() {
        let source = BASE.replace("position = \"stance\"", "position = \"stanse\"");
        let (line, column, message, help) = only_error(&source);
        assert_eq!((line, column), (3, 12));
        assert_eq!(message, "the position question `stanse` is not defined");
        assert_eq!(help.as_deref(), Some("did you mean `stance`?"));

        let source = format!(
            "{}[[questions]]\nid = \"free\"\nkind = \"text\"\ntext = \"Q\"\n",
            BASE.replace("position = \"stance\"", "position = \"free\"")
        );
        let (line, column, message, _) = only_error(&source);
        assert_eq!((line, column), (3, 12));
        assert_eq!(message, "the position question `free` is not ordinal");

        let source = BASE.replace("required = true", "required = false");
        let (line, column, message, _) = only_error(&source);
        assert_eq!((line, column), (16, 6));
        assert_eq!(message, "the position question `stance` is not required");
    }

    #[test]
    fn sides_must_cover_the_scale_in_runs() {
        let source = BASE.replace(
            "  { id = \"middle\", label = \"Middle\", levels = [\"mid\"] },\n",
            "",
        );
        let (line, column, message, _) = only_error(&source);
        assert_eq!((line, column), (11, 3));
        assert_eq!(message, "the sides of scale `s` leave out `mid`");

        let source = BASE.replace("levels = [\"hi\"]", "levels = [\"hi\", \"mid\"]");
        let (line, column, message, _) = only_error(&source);
        assert_eq!((line, column), (13, 50));
        assert_eq!(message, "level `mid` is in two sides, `middle` and `high`");

        let source = BASE
            .replace("levels = [\"lo\"]", "levels = [\"lo\", \"hi\"]")
            .replace(
                "  { id = \"high\", label = \"High\", levels = [\"hi\"] },\n",
                "",
            );
        let (line, column, message, _) = only_error(&source);
        assert_eq!((line, column), (11, 41));
        assert_eq!(message, "side `low` must be a run of consecutive levels");
    }

    #[test]
    fn keys_that_do_not_fit_the_kind_are_refused() {
        let source = format!(
            "{BASE}[[questions]]\nid = \"q\"\nkind = \"text\"\nscale = \"s\"\ntext = \"Q\"\n"
        );
        let (line, column, message, _) = only_error(&source);
        assert_eq!((line, column), (24, 9));
        assert_eq!(message, "`scale` does not apply to a `text` question");
    }

    #[test]
    fn duplicate_and_malformed_codes_are_located() {
        let source = format!(
            "{BASE}[[questions]]\nid = \"q\"\nkind = \"single\"\ntext = \"Q\"\nchoices = [{{ code = \"a\", label = \"A\" }}, {{ code = \"a\", label = \"B\" }}, {{ code = \"c d\", label = \"C\" }}]\n"
        );
        let errors: Vec<_> = findings(&source)
            .into_iter()
            .map(|(_, line, column, message, _)| (line, column, message))
            .collect();
        assert_eq!(
            errors,
            vec![
                (25, 50, "duplicate code `a`".to_string()),
                (25, 79, "invalid code `c d`".to_string()),
            ]
        );
    }

    #[test]
    fn bad_numbers_and_identifiers_are_located() {
        let source = BASE.replace("min_group_size = 1", "min_group_size = 0");
        let (line, column, message, _) = only_error(&source);
        assert_eq!((line, column), (7, 18));
        assert_eq!(message, "`anonymity.min_group_size` is 0");

        let source = format!("{BASE}[[questions]]\nid = \"2nd\"\nkind = \"text\"\ntext = \"Q\"\n");
        let (line, column, message, _) = only_error(&source);
        assert_eq!((line, column), (22, 6));
        assert_eq!(message, "invalid question id `2nd`");

        let source =
            format!("{BASE}[[questions]]\nid = \"respondent_id\"\nkind = \"text\"\ntext = \"Q\"\n");
        let (line, column, message, _) = only_error(&source);
        assert_eq!((line, column), (22, 6));
        assert_eq!(message, "`respondent_id` is reserved");
    }

    #[test]
    fn unused_definitions_and_missing_panel_are_warnings() {
        let source = BASE.replace("[panel]\ninvited = 5\n", "")
            + "[codebook.themes]\ncodes = [{ code = \"x\", label = \"X\" }]\n";
        let (survey, _) = super::check(&source, std::path::Path::new(""));
        assert!(
            survey.is_some(),
            "warnings do not stop a survey from loading"
        );
        let warnings: Vec<_> = findings(&source)
            .into_iter()
            .map(|(severity, line, _, message, _)| (severity, line, message))
            .collect();
        assert_eq!(
            warnings,
            vec![
                (
                    Severity::Warning,
                    1,
                    "no [panel] section: reports cannot state how many were invited or the response rate".to_string()
                ),
                (
                    Severity::Warning,
                    19,
                    "codebook list `themes` is not used by any question".to_string()
                ),
            ]
        );
    }

    #[test]
    fn several_mistakes_are_all_reported_in_file_order() {
        let source = BASE
            .replace("scale = \"s\"", "scale = \"nope\"")
            .replace("min_group_size = 1", "min_group_size = -3");
        let lines: Vec<usize> = findings(&source).iter().map(|f| f.1).collect();
        assert_eq!(lines, vec![7, 18]);
    }
}
