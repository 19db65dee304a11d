//! From the file as written ([`RawSurvey`]) to a checked [`Survey`], collecting every
//! mistake as a located [`Diagnostic`] rather than stopping at the first.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use toml::Spanned;

use super::raw::{RawChoice, RawCodeList, RawDirection, RawQuestion, RawScale, RawSurvey};
use super::suggest::did_you_mean;
use super::{
    Anonymity, Choice, Direction, Options, Panel, Question, QuestionKind, Scale, Side, Survey,
};
use crate::diagnostic::Diagnostic;

/// The question kinds a definition can use.
pub const KINDS: [&str; 4] = ["single", "multiple", "likert", "text"];

/// Codes are stored as one byte per answer (see the ingest stage's response table).
pub const MAX_CHOICES: usize = 255;

/// Column names the canonical response file uses for itself.
pub const RESERVED_COLUMNS: [&str; 2] = ["respondent_id", "submitted_at"];

/// Checks a definition; returns the survey when it could be built, and every finding.
/// The caller decides: any error-severity finding means the survey must not be used.
pub fn check(source: &str) -> (Option<Survey>, Vec<Diagnostic>) {
    let raw: RawSurvey = match toml::from_str(source) {
        Ok(raw) => raw,
        Err(e) => return (None, vec![from_toml_error(&e)]),
    };
    let mut checker = Checker::default();
    let survey = checker.survey(&raw);
    let mut diagnostics = checker.diagnostics;
    diagnostics.sort_by_key(|d| d.span.as_ref().map_or((0, 0), |s| (s.start, s.end)));
    (survey, diagnostics)
}

/// A TOML or shape error from the parser, with "did you mean" for misspelt keys and
/// values (serde names the expected ones in its message).
fn from_toml_error(e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim().to_string();
    let help = misspelling_help(&message);
    let (message, label) = match message.split_once(", expected ") {
        Some((what, expected)) => (what.to_string(), Some(format!("expected {expected}"))),
        None => (message, None),
    };
    let mut d = Diagnostic::error(message, e.span());
    d.with_help(help).label = label;
    d
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

#[derive(Default)]
struct Checker {
    diagnostics: Vec<Diagnostic>,
}

/// A scale or codebook list as checked, with where it was defined.
struct Named<T> {
    value: T,
    used: bool,
    span: Range<usize>,
}

impl Checker {
    fn error(&mut self, message: impl Into<String>, span: Range<usize>) -> &mut Diagnostic {
        self.push(Diagnostic::error(message, Some(span)))
    }

    fn warning(&mut self, message: impl Into<String>, span: Option<Range<usize>>) {
        self.push(Diagnostic::warning(message, span));
    }

    fn push(&mut self, d: Diagnostic) -> &mut Diagnostic {
        self.diagnostics.push(d);
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn survey(&mut self, raw: &RawSurvey) -> Option<Survey> {
        self.survey_id(&raw.id);
        let title = self.non_empty(&raw.title, "title");
        let question = raw.question.as_ref().map(|q| self.non_empty(q, "question"));
        let intro = raw.intro.as_ref().map(|s| s.get_ref().trim().to_string());
        let language = self.language(raw.language.as_ref());
        let panel = self.panel(raw);
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
            let choices = self.code_list(id, list);
            let named = Named {
                value: choices,
                used: false,
                span: id.span(),
            };
            codebook.insert(id.get_ref().clone(), named);
        }

        let mut questions = Vec::new();
        let mut seen: BTreeMap<String, Range<usize>> = BTreeMap::new();
        for q in raw.questions.get_ref() {
            let q = q.get_ref();
            let id = q.id.get_ref();
            if let Some(first) = seen.get(id) {
                let first = first.clone();
                self.error(format!("duplicate question id `{id}`"), q.id.span())
                    .with_related(first, "first defined here")
                    .label = Some("question ids must be unique".into());
            } else {
                seen.insert(id.clone(), q.id.span());
            }
            if let Some(question) = self.question(q, &mut scales, &mut codebook) {
                questions.push(question);
            }
        }
        if raw.questions.get_ref().is_empty() {
            self.error("the survey has no questions", raw.questions.span())
                .label = Some("add at least the position question".into());
        }

        // Unused definitions are often only the echo of a broken reference: report them
        // once the errors are fixed.
        let has_errors = self.diagnostics.iter().any(Diagnostic::is_error);
        for (id, scale) in scales.iter().filter(|_| !has_errors) {
            if !scale.used {
                let span = Some(scale.span.clone());
                self.warning(format!("scale `{id}` is not used by any question"), span);
            }
        }
        for (id, list) in codebook.iter().filter(|_| !has_errors) {
            if !list.used {
                let span = Some(list.span.clone());
                self.warning(
                    format!("codebook list `{id}` is not used by any question"),
                    span,
                );
            }
        }

        let position = self.position(&raw.position, raw, &questions);
        let segments = self.segments(&raw.segments, &questions, position);
        let has_errors = self.diagnostics.iter().any(Diagnostic::is_error);
        if has_errors || questions.len() != raw.questions.get_ref().len() {
            return None;
        }
        Some(Survey {
            id: raw.id.get_ref().clone(),
            title,
            question,
            intro: intro.filter(|s| !s.is_empty()),
            language,
            panel,
            anonymity,
            questions,
            position: position?,
            segments,
        })
    }

    fn survey_id(&mut self, id: &Spanned<String>) {
        let valid = id
            .get_ref()
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && id
                .get_ref()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            self.error(format!("invalid survey id `{}`", id.get_ref()), id.span())
                .label = Some("expected letters, digits, `-` and `_`, e.g. `capabilities-roles` (it names files and folders)".into());
        }
    }

    fn non_empty(&mut self, value: &Spanned<String>, what: &str) -> String {
        let text = value.get_ref().trim();
        if text.is_empty() {
            self.error(format!("`{what}` is empty"), value.span()).label =
                Some("expected some text".into());
        }
        text.to_string()
    }

    fn language(&mut self, language: Option<&Spanned<String>>) -> String {
        let Some(language) = language else {
            // Documented default: definitions without `language` are English.
            return "en".to_string();
        };
        let tag = language.get_ref();
        let mut parts = tag.split('-');
        let primary_ok = parts.next().is_some_and(|p| {
            (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
        });
        let rest_ok = parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()));
        if !(primary_ok && rest_ok) {
            self.error(format!("invalid language tag `{tag}`"), language.span())
                .label = Some("expected a BCP 47 tag such as `en`, `fr` or `pt-BR`".into());
        }
        tag.clone()
    }

    fn panel(&mut self, raw: &RawSurvey) -> Panel {
        let Some(panel) = &raw.panel else {
            self.warning(
                "no [panel] section: reports cannot state how many were invited or the response rate",
                None,
            );
            return Panel::default();
        };
        let panel = panel.get_ref();
        let invited = panel.invited.as_ref().and_then(|n| {
            let value = self.positive(n, "panel.invited")?;
            Some(value)
        });
        if panel.invited.is_none() {
            self.warning(
                "[panel] has no `invited` count: reports cannot state the response rate",
                raw.panel.as_ref().map(|p| p.span()),
            );
        }
        Panel {
            invited,
            description: panel
                .description
                .as_ref()
                .map(|d| d.get_ref().trim().to_string()),
        }
    }

    fn anonymity(&mut self, raw: &RawSurvey) -> Anonymity {
        let size = &raw.anonymity.get_ref().min_group_size;
        let min_group_size = self.positive(size, "anonymity.min_group_size").unwrap_or(1);
        Anonymity { min_group_size }
    }

    /// A whole number from 1 up to `u32::MAX`, or an error at its span.
    fn positive(&mut self, value: &Spanned<i64>, what: &str) -> Option<u32> {
        match u32::try_from(*value.get_ref()) {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                self.error(format!("`{what}` is {}", value.get_ref()), value.span())
                    .label = Some("expected a whole number of at least 1".into());
                None
            }
        }
    }

    fn identifier(&mut self, id: &Spanned<String>, what: &str) -> bool {
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

    fn code(&mut self, code: &Spanned<String>) {
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
    fn choices(&mut self, raw: &[Spanned<RawChoice>], allow_direction: bool) -> Vec<Choice> {
        let mut seen: BTreeMap<&str, Range<usize>> = BTreeMap::new();
        let mut out = Vec::new();
        for choice in raw {
            let c = choice.get_ref();
            self.code(&c.code);
            if let Some(first) = seen.get(c.code.get_ref().as_str()) {
                let first = first.clone();
                self.error(
                    format!("duplicate code `{}`", c.code.get_ref()),
                    c.code.span(),
                )
                .with_related(first, "first used here");
            } else {
                seen.insert(c.code.get_ref(), c.code.span());
            }
            let label = self.non_empty(&c.label, "label");
            let direction = c.direction.as_ref().map(|d| match d.get_ref() {
                RawDirection::For => Direction::For,
                RawDirection::Against => Direction::Against,
            });
            if let (false, Some(d)) = (allow_direction, &c.direction) {
                self.error("`direction` belongs to codebook themes", d.span())
                    .label = Some("a level of a scale has no direction".into());
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

    fn scale(&mut self, id: &Spanned<String>, raw: &Spanned<RawScale>) -> Option<Scale> {
        self.identifier(id, "scale id");
        let scale = raw.get_ref();
        let levels_raw: Vec<Spanned<RawChoice>> = scale
            .levels
            .get_ref()
            .iter()
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
            .collect();
        let levels = self.choices(&levels_raw, false);
        if levels.len() < 2 {
            self.error(
                format!("scale `{}` has fewer than two levels", id.get_ref()),
                scale.levels.span(),
            )
            .label = Some("expected at least two levels, lowest first".into());
            return None;
        }
        let sides = self.sides(id, scale, &levels)?;
        Some(Scale {
            id: id.get_ref().clone(),
            levels,
            sides,
        })
    }

    /// Sides must cover every level once, each a consecutive run, in scale order, so that
    /// merging small groups along the scale never crosses a side.
    fn sides(
        &mut self,
        id: &Spanned<String>,
        scale: &RawScale,
        levels: &[Choice],
    ) -> Option<Vec<Side>> {
        if scale.sides.is_empty() {
            return Some(Vec::new());
        }
        let codes: Vec<&str> = levels.iter().map(|l| l.code.as_str()).collect();
        let mut owner: Vec<Option<usize>> = vec![None; levels.len()];
        let mut sides = Vec::new();
        let mut ok = true;
        let mut side_ids: BTreeSet<&str> = BTreeSet::new();
        for (side_index, side) in scale.sides.iter().enumerate() {
            let side = side.get_ref();
            ok &= self.identifier(&side.id, "side id");
            if !side_ids.insert(side.id.get_ref()) {
                self.error(
                    format!("duplicate side `{}`", side.id.get_ref()),
                    side.id.span(),
                );
                ok = false;
            }
            let label = self.non_empty(&side.label, "label");
            let mut indices = Vec::new();
            for level in side.levels.get_ref() {
                let Some(i) = codes.iter().position(|c| c == level.get_ref()) else {
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
        if !uncovered.is_empty() {
            let span = scale.sides[0].span().start..scale.sides[scale.sides.len() - 1].span().end;
            self.error(
                format!(
                    "the sides of scale `{}` leave out {}",
                    id.get_ref(),
                    list(&uncovered)
                ),
                span,
            )
            .label = Some("every level must belong to exactly one side".into());
            ok = false;
        }
        if ok
            && sides
                .windows(2)
                .any(|w| w[0].levels.start > w[1].levels.start)
        {
            let span = scale.sides[0].span().start..scale.sides[scale.sides.len() - 1].span().end;
            self.error(
                format!(
                    "the sides of scale `{}` are not in scale order",
                    id.get_ref()
                ),
                span,
            )
            .label = Some("list the side of the lowest levels first".into());
            ok = false;
        }
        ok.then_some(sides)
    }

    fn code_list(&mut self, id: &Spanned<String>, raw: &Spanned<RawCodeList>) -> Vec<Choice> {
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
        let text = self.non_empty(&q.text, "text");
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
        let kind = match kind_name {
            "single" | "multiple" => {
                let options = self.options(q, kind_name, codebook)?;
                if kind_name == "single" {
                    QuestionKind::Single { options }
                } else {
                    QuestionKind::Multiple { options }
                }
            }
            "likert" => {
                let Some(scale_ref) = &q.scale else {
                    self.error(
                        format!("likert question `{}` names no scale", q.id.get_ref()),
                        q.kind.span(),
                    )
                    .label = Some("add `scale = \"<id>\"`, naming a [scales.<id>] table".into());
                    return None;
                };
                let Some(scale) = scales.get_mut(scale_ref.get_ref()) else {
                    let help = did_you_mean(scale_ref.get_ref(), scales.keys().map(String::as_str));
                    let known: Vec<&str> = scales.keys().map(String::as_str).collect();
                    self.error(
                        format!("unknown scale `{}`", scale_ref.get_ref()),
                        scale_ref.span(),
                    )
                    .with_help(help)
                    .label = Some(if known.is_empty() {
                        "no [scales.<id>] table is defined".to_string()
                    } else {
                        format!("expected one of {}", list(&known))
                    });
                    return None;
                };
                scale.used = true;
                QuestionKind::Likert {
                    scale: scale.value.clone()?,
                }
            }
            _ => {
                let max_length = match &q.max_length {
                    Some(n) => Some(self.positive(n, "max_length")?),
                    None => None,
                };
                QuestionKind::Text { max_length }
            }
        };
        id_ok.then(|| Question {
            id: q.id.get_ref().clone(),
            text,
            help: q
                .help
                .as_ref()
                .map(|h| h.get_ref().trim().to_string())
                .filter(|h| !h.is_empty()),
            required: q.required.as_ref().is_some_and(|r| *r.get_ref()),
            kind,
        })
    }

    /// Refuses keys that mean nothing for the question's kind, naming the kind.
    fn keys_for_kind(&mut self, q: &RawQuestion, kind: &str) {
        let present: [KeyForKinds; 4] = [
            (
                "choices",
                q.choices.as_ref().map(Spanned::span),
                &["single", "multiple"],
            ),
            (
                "codebook",
                q.codebook.as_ref().map(Spanned::span),
                &["single", "multiple"],
            ),
            ("scale", q.scale.as_ref().map(Spanned::span), &["likert"]),
            (
                "max_length",
                q.max_length.as_ref().map(Spanned::span),
                &["text"],
            ),
        ];
        for (key, span, kinds) in present {
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
        codebook: &mut BTreeMap<String, Named<Vec<Choice>>>,
    ) -> Option<Options> {
        let options = match (&q.choices, &q.codebook) {
            (Some(choices), None) => Options {
                choices: self.choices(choices.get_ref(), true),
                codebook: None,
            },
            (None, Some(name)) => {
                let Some(list) = codebook.get_mut(name.get_ref()) else {
                    let help = did_you_mean(name.get_ref(), codebook.keys().map(String::as_str));
                    let known: Vec<&str> = codebook.keys().map(String::as_str).collect();
                    self.error(
                        format!("unknown codebook list `{}`", name.get_ref()),
                        name.span(),
                    )
                    .with_help(help)
                    .label = Some(if known.is_empty() {
                        "no [codebook.<id>] table is defined".to_string()
                    } else {
                        format!("expected one of {}", list(&known))
                    });
                    return None;
                };
                list.used = true;
                Options {
                    choices: list.value.clone(),
                    codebook: Some(name.get_ref().clone()),
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
        let minimum = if kind == "single" { 2 } else { 1 };
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
        name: &Spanned<String>,
        raw: &RawSurvey,
        questions: &[Question],
    ) -> Option<usize> {
        let Some(index) = questions.iter().position(|q| &q.id == name.get_ref()) else {
            let ids: Vec<&str> = raw
                .questions
                .get_ref()
                .iter()
                .map(|q| q.get_ref().id.get_ref().as_str())
                .collect();
            if !ids.contains(&name.get_ref().as_str()) {
                let help = did_you_mean(name.get_ref(), ids.iter().copied());
                self.error(
                    format!("the position question `{}` is not defined", name.get_ref()),
                    name.span(),
                )
                .with_help(help)
                .label = Some("expected the id of a question of the survey".into());
            }
            return None;
        };
        let question = &questions[index];
        if !matches!(question.kind, QuestionKind::Likert { .. }) {
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
        }
        if !question.required {
            let span = raw.questions.get_ref()[index].get_ref().id.span();
            self.error(format!("the position question `{}` is not required", question.id), span)
                .with_help(Some("add `required = true`: every result is broken down by the position, so every response must give one".into()));
            return None;
        }
        Some(index)
    }

    fn segments(
        &mut self,
        raw: &[Spanned<String>],
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
                out.push(index);
            }
        }
        out
    }
}

/// A kind-specific key: its name, where it was written (if it was), and the kinds it
/// applies to.
type KeyForKinds<'a> = (&'a str, Option<Range<usize>>, &'a [&'a str]);

/// `a`, `b` and `c`, for messages.
fn list(items: &[&str]) -> String {
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
        let (_, diagnostics) = super::check(source);
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
        let (survey, diagnostics) = super::check(BASE);
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
        let (survey, _) = super::check(&source);
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
