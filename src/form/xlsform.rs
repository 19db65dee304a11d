//! The survey as an XLSForm workbook (`.xlsx`), the spreadsheet form format ODK Collect,
//! Enketo, KoboToolbox and ODK Central read (through pyxform). docs/xlsform.md describes
//! the mapping; in short:
//!
//! | canvass | XLSForm |
//! | --- | --- |
//! | single, likert | `select_one <list>` |
//! | multiple | `select_multiple <list>`, picks as `count-selected(.)` constraints |
//! | ranking | `rank <list>` (a rank widget always orders every item; `top` is kept in `canvass_top`) |
//! | numeric | `integer` or `decimal`, bounds as a constraint |
//! | probability | `decimal` constrained to 0–100 |
//! | year | `integer` with bounds |
//! | text | `text`, `string-length(.) <= N` |
//! | matrix | a `table-list` group with one `select_one` per row |
//! | section | `begin_group`/`end_group` with its title; its intro a note |
//! | other | an `other` choice and a text question relevant when it is picked |
//! | show_if | `relevant`, compiled from the resolved condition |
//!
//! What XLSForm has no column for goes in `canvass_*` survey columns and a `canvass`
//! sheet, which pyxform ignores, so `canvass import` gives back the same survey.
//!
//! The workbook is built as plain [`Table`]s first (tested without a spreadsheet), then
//! written with rust_xlsxwriter. Output is deterministic: the document's creation date
//! is fixed and the form version is a digest of the definition, not a timestamp.

pub mod relevant;
pub mod vocabulary;

use std::collections::{BTreeMap, BTreeSet};

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use crate::error::{Error, Result};
use crate::escape::odk_label;
use crate::survey::show_if::Target;
use crate::survey::{Choice, OTHER, Options, Question, QuestionKind, Survey, Text};
use vocabulary::{column, key};

/// One sheet: a header row and rows of cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The cell of `row` under the header `column`, empty when there is no such column.
    pub fn cell(&self, row: usize, column: &str) -> &str {
        self.header
            .iter()
            .position(|h| h == column)
            .and_then(|c| self.rows.get(row)?.get(c))
            .map_or("", String::as_str)
    }
}

/// The XLSForm workbook's bytes.
pub fn workbook(survey: &Survey) -> Result<Vec<u8>> {
    let tables = tables(survey);
    write_xlsx(&tables)
        .map_err(|e| Error::Usage(format!("cannot write the XLSForm of `{}`: {e}", survey.id)))
}

/// The sheets as text: `## name`, then each row with its cells separated by tabs (a tab
/// or line break inside a cell is written `\t` or `\n`).
pub fn text_view(tables: &[Table]) -> String {
    let mut out = String::new();
    for table in tables {
        out.push_str(&format!("## {}\n", table.name));
        for row in std::iter::once(&table.header).chain(&table.rows) {
            let cells: Vec<String> = row
                .iter()
                .map(|c| c.replace('\t', "\\t").replace('\n', "\\n"))
                .collect();
            out.push_str(cells.join("\t").trim_end());
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// The sheets: `survey`, `choices`, `settings` and `canvass`.
pub fn tables(survey: &Survey) -> Vec<Table> {
    let names = FieldNames::of(survey);
    let lists = Lists::of(survey);
    let mut writer = SurveySheet {
        survey,
        names: &names,
        lists: &lists,
        rows: Rows::new(survey_columns(&survey.languages)),
    };
    writer.write();
    vec![
        writer
            .rows
            .finish(vocabulary::SURVEY, &[column::TYPE, column::NAME]),
        choices_sheet(survey, &lists),
        settings_sheet(survey),
        canvass_sheet(survey, &lists),
    ]
}

fn survey_columns(languages: &[String]) -> Vec<String> {
    let per_language = |c: &str| -> Vec<String> {
        languages
            .iter()
            .map(|l| vocabulary::translated(c, l))
            .collect()
    };
    let mut columns = vec![column::TYPE.to_string(), column::NAME.to_string()];
    columns.extend(per_language(column::LABEL));
    columns.extend(per_language(column::HINT));
    columns.extend([column::REQUIRED, column::RELEVANT, column::CONSTRAINT].map(str::to_string));
    columns.extend(per_language(column::CONSTRAINT_MESSAGE));
    columns.push(column::APPEARANCE.to_string());
    columns.extend(
        [
            column::KIND,
            column::ID,
            column::LIST,
            column::SHOW_IF,
            column::TOP,
        ]
        .map(str::to_string),
    );
    columns.extend(per_language(column::UNIT));
    columns
}

/// Rows being built, as column → cell; columns no row uses are left out at the end.
struct Rows {
    columns: Vec<String>,
    rows: Vec<BTreeMap<String, String>>,
}

impl Rows {
    fn new(columns: Vec<String>) -> Rows {
        Rows {
            columns,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: BTreeMap<String, String>) {
        debug_assert!(row.keys().all(|k| self.columns.contains(k)), "{row:?}");
        self.rows.push(row);
    }

    /// The table, keeping `always` columns and every column some row fills. A translated
    /// column is kept for every language when it is kept for one: pyxform warns about a
    /// language that lacks a column the others have.
    fn finish(self, name: &'static str, always: &[&str]) -> Table {
        let used = |c: &str| {
            always.contains(&c)
                || self
                    .rows
                    .iter()
                    .any(|r| r.iter().any(|(k, v)| !v.is_empty() && base(k) == base(c)))
        };
        let header: Vec<String> = self.columns.iter().filter(|c| used(c)).cloned().collect();
        let rows = self
            .rows
            .iter()
            .map(|r| {
                header
                    .iter()
                    .map(|h| r.get(h).cloned().unwrap_or_default())
                    .collect()
            })
            .collect();
        Table { name, header, rows }
    }
}

fn base(column: &str) -> &str {
    column.split("::").next().unwrap_or(column)
}

/// A row under construction.
#[derive(Default)]
struct Row(BTreeMap<String, String>);

impl Row {
    /// Sets a cell; an empty value clears it.
    fn set(mut self, column: &str, value: impl Into<String>) -> Row {
        let value = value.into();
        if value.is_empty() {
            self.0.remove(column);
        } else {
            self.0.insert(column.to_string(), value);
        }
        self
    }

    /// A label or hint in every language: ODK shows a missing translation as `-`, so a
    /// language without its own text gets the default text, as canvass's forms show it.
    fn text(mut self, column: &str, text: &Text, languages: &[String]) -> Row {
        for language in languages {
            let value = odk_label(text.get(language));
            self = self.set(&vocabulary::translated(column, language), value);
        }
        self
    }

    /// Text pyxform does not read, in each language it is given in (empty otherwise), so
    /// that exactly the translations the survey has come back.
    fn exact_text(mut self, column: &str, text: &Text, languages: &[String]) -> Row {
        for language in languages {
            if let Some(value) = exact(text, language, &languages[0]) {
                self = self.set(&vocabulary::translated(column, language), value);
            }
        }
        self
    }
}

/// The text in `language` only if it is given in it.
fn exact<'t>(text: &'t Text, language: &str, default: &str) -> Option<&'t str> {
    if language == default {
        return Some(text.as_str());
    }
    text.translations()
        .find(|(l, _)| *l == language)
        .map(|(_, t)| t)
}

/// The field names of the XLSForm, which must be unique across the whole form (pyxform
/// refuses a `${name}` that could mean two fields). Question ids keep their names;
/// groups, notes and derived fields take the first free name.
struct FieldNames {
    intro: Option<String>,
    sections: Vec<(String, Option<String>)>,
    other: BTreeMap<usize, String>,
    rows: BTreeMap<(usize, usize), String>,
}

impl FieldNames {
    fn of(survey: &Survey) -> FieldNames {
        let mut taken: BTreeSet<String> = survey
            .questions
            .iter()
            .map(|q| q.id.to_ascii_lowercase())
            .collect();
        // pyxform adds a `meta` group of its own.
        taken.insert("meta".to_string());
        let mut claim = |preferred: String| {
            let mut name = preferred.clone();
            let mut n = 2;
            while !taken.insert(name.to_ascii_lowercase()) {
                name = format!("{preferred}_{n}");
                n += 1;
            }
            name
        };
        let intro = survey.intro.as_ref().map(|_| claim("intro".to_string()));
        let mut sections = Vec::new();
        let mut other = BTreeMap::new();
        let mut rows = BTreeMap::new();
        let grouped = has_groups(survey);
        for section in &survey.sections {
            if grouped {
                let group = claim(section.id.clone());
                let intro = section
                    .intro
                    .as_ref()
                    .map(|_| claim(format!("{}_intro", section.id)));
                sections.push((group, intro));
            }
            for i in section.questions.clone() {
                let q = &survey.questions[i];
                if q.has_other() {
                    other.insert(i, claim(format!("{}_{OTHER}", q.id)));
                }
                for (r, row) in q.rows().iter().enumerate() {
                    rows.insert((i, r), claim(format!("{}_{}", q.id, row.code)));
                }
            }
        }
        FieldNames {
            intro,
            sections,
            other,
            rows,
        }
    }

    fn target(&self, survey: &Survey, target: Target) -> String {
        match target.row {
            Some(r) => self.rows[&(target.question, r)].clone(),
            None => survey.questions[target.question].id.clone(),
        }
    }
}

/// Whether the survey's sections become groups: not for the one untitled section a
/// survey without `[[sections]]` has.
fn has_groups(survey: &Survey) -> bool {
    !(survey.sections.len() == 1 && {
        let s = &survey.sections[0];
        s.id == "questions" && s.title.is_none() && s.intro.is_none()
    })
}

/// Where a question's choices come from, which decides which questions share a list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum ListSource {
    Scale(String),
    Codebook { id: String, other: bool },
    Inline(String),
}

/// The choice lists of the form, each once, and which list each question uses.
struct Lists {
    /// (list name, where it comes from, choices), in order of first use.
    lists: Vec<(String, ListSource, Vec<Choice>)>,
    by_question: BTreeMap<usize, String>,
}

impl Lists {
    fn of(survey: &Survey) -> Lists {
        let mut lists: Vec<(String, ListSource, Vec<Choice>)> = Vec::new();
        let mut by_question = BTreeMap::new();
        let mut taken = BTreeSet::new();
        for (i, q) in survey.questions.iter().enumerate() {
            let source = match (&q.kind, options_of(q)) {
                (QuestionKind::Likert { scale } | QuestionKind::Matrix { scale, .. }, _) => {
                    ListSource::Scale(scale.id.clone())
                }
                (
                    _,
                    Some(Options {
                        codebook: Some(id),
                        other,
                        ..
                    }),
                ) => ListSource::Codebook {
                    id: id.clone(),
                    other: *other,
                },
                (_, Some(_)) => ListSource::Inline(q.id.clone()),
                (_, None) => continue,
            };
            let name = match lists.iter().find(|(_, s, _)| *s == source) {
                Some((name, _, _)) => name.clone(),
                None => {
                    let preferred = match &source {
                        ListSource::Scale(id) | ListSource::Inline(id) => id.clone(),
                        ListSource::Codebook { id, other: false } => id.clone(),
                        ListSource::Codebook { id, other: true } => format!("{id}_{OTHER}"),
                    };
                    let mut name = preferred.clone();
                    let mut n = 2;
                    while !taken.insert(name.clone()) {
                        name = format!("{preferred}_{n}");
                        n += 1;
                    }
                    lists.push((name.clone(), source, q.choices().to_vec()));
                    name
                }
            };
            by_question.insert(i, name);
        }
        Lists { lists, by_question }
    }
}

fn options_of(q: &Question) -> Option<&Options> {
    match &q.kind {
        QuestionKind::Single { options }
        | QuestionKind::Multiple { options, .. }
        | QuestionKind::Ranking { options, .. } => Some(options),
        _ => None,
    }
}

struct SurveySheet<'a> {
    survey: &'a Survey,
    names: &'a FieldNames,
    lists: &'a Lists,
    rows: Rows,
}

impl SurveySheet<'_> {
    fn languages(&self) -> &[String] {
        &self.survey.languages
    }

    fn write(&mut self) {
        let survey = self.survey;
        if let (Some(intro), Some(name)) = (&survey.intro, &self.names.intro) {
            self.note(name, intro);
        }
        let grouped = has_groups(survey);
        for (s, section) in survey.sections.iter().enumerate() {
            if grouped {
                let (group, intro_name) = &self.names.sections[s];
                let mut row = Row::default()
                    .set(column::TYPE, "begin_group")
                    .set(column::NAME, group.as_str())
                    .set(column::KIND, "section")
                    .set(column::ID, section.id.as_str());
                if let Some(title) = &section.title {
                    row = row.text(column::LABEL, title, self.languages());
                }
                self.rows.push(row.0);
                if let (Some(intro), Some(name)) = (&section.intro, intro_name) {
                    self.note(name, intro);
                }
            }
            for i in section.questions.clone() {
                self.question(i);
            }
            if grouped {
                self.rows
                    .push(Row::default().set(column::TYPE, "end_group").0);
            }
        }
    }

    fn note(&mut self, name: &str, text: &Text) {
        let row = Row::default()
            .set(column::TYPE, "note")
            .set(column::NAME, name)
            .text(column::LABEL, text, &self.survey.languages)
            .set(column::KIND, "intro");
        self.rows.push(row.0);
    }

    fn relevant(&self, q: &Question) -> String {
        q.show_if.as_ref().map_or(String::new(), |c| {
            let name = |t: Target| self.names.target(self.survey, t);
            relevant::compile(&c.cond, self.survey, &name)
        })
    }

    /// The cells every question row has: name, label, hint, required, relevant, kind.
    fn common(&self, q: &Question, xlsform_type: String) -> Row {
        let languages = self.languages();
        let mut row = Row::default()
            .set(column::TYPE, xlsform_type)
            .set(column::NAME, q.id.as_str())
            .text(column::LABEL, &q.text, languages)
            .set(column::REQUIRED, if q.required { "yes" } else { "" })
            .set(column::RELEVANT, self.relevant(q))
            .set(column::KIND, q.kind.name());
        if let Some(help) = &q.help {
            row = row.text(column::HINT, help, languages);
        }
        if let Some(show_if) = &q.show_if {
            row = row.set(column::SHOW_IF, show_if.source.as_str());
        }
        row
    }

    fn question(&mut self, i: usize) {
        let q = &self.survey.questions[i];
        let list = self.lists.by_question.get(&i).cloned().unwrap_or_default();
        let canvass_list = match &q.kind {
            QuestionKind::Likert { scale } | QuestionKind::Matrix { scale, .. } => scale.id.clone(),
            _ => options_of(q)
                .and_then(|o| o.codebook.clone())
                .unwrap_or_default(),
        };
        let row = match &q.kind {
            QuestionKind::Single { .. } | QuestionKind::Likert { .. } => {
                self.common(q, format!("select_one {list}"))
            }
            QuestionKind::Multiple { .. } => self.common(q, format!("select_multiple {list}")),
            QuestionKind::Ranking { top, .. } => self
                .common(q, format!("rank {list}"))
                .set(column::TOP, top.map(|t| t.to_string()).unwrap_or_default()),
            QuestionKind::Numeric { integer: true, .. } | QuestionKind::Year { .. } => {
                self.common(q, "integer".to_string())
            }
            // A typed number rather than a `range` slider: a slider's starting point
            // anchors a probability estimate, and ODK leaves a slider untouched until it
            // is moved, so a typed answer is what forecasters and elicitation designers
            // expect. The constraint keeps it within 0–100.
            QuestionKind::Numeric { .. } | QuestionKind::Probability => {
                self.common(q, "decimal".to_string())
            }
            QuestionKind::Text { .. } => self.common(q, "text".to_string()),
            QuestionKind::Matrix { .. } => return self.matrix(i, &list, &canvass_list),
        };
        let mut row = row.set(column::LIST, canvass_list);
        if let QuestionKind::Numeric {
            unit: Some(unit), ..
        } = &q.kind
        {
            row = row.exact_text(column::UNIT, unit, self.languages());
        }
        if let Some(constraint) = constraint(&q.kind) {
            let message = Text::new(super::instruction(q));
            row = row.set(column::CONSTRAINT, constraint).text(
                column::CONSTRAINT_MESSAGE,
                &message,
                self.languages(),
            );
        }
        self.rows.push(row.0);
        if let Some(name) = self.names.other.get(&i) {
            // The same words as the HTML form's box for it.
            let label = Text::new("If other, please specify");
            let row = Row::default()
                .set(column::TYPE, "text")
                .set(column::NAME, name.as_str())
                .text(column::LABEL, &label, self.languages())
                .set(
                    column::RELEVANT,
                    format!("selected(${{{}}}, '{OTHER}')", q.id),
                )
                .set(column::KIND, OTHER);
            self.rows.push(row.0);
        }
    }

    /// A matrix: a `table-list` group (ODK shows the scale once as column heads, then
    /// one row per item), with one required-if-the-question-is `select_one` per row.
    fn matrix(&mut self, i: usize, list: &str, scale: &str) {
        let q = &self.survey.questions[i];
        let group = self
            .common(q, "begin_group".to_string())
            .set(column::REQUIRED, "")
            .set(column::APPEARANCE, "table-list")
            .set(column::LIST, scale);
        self.rows.push(group.0);
        for (r, row) in q.rows().iter().enumerate() {
            let cells = Row::default()
                .set(column::TYPE, format!("select_one {list}"))
                .set(column::NAME, self.names.rows[&(i, r)].as_str())
                .text(column::LABEL, &row.label, self.languages())
                .set(column::REQUIRED, if q.required { "yes" } else { "" })
                .set(column::KIND, "row")
                .set(column::ID, row.code.as_str());
            self.rows.push(cells.0);
        }
        self.rows
            .push(Row::default().set(column::TYPE, "end_group").0);
    }
}

/// The XPath constraint for a kind's bounds, if it has any.
fn constraint(kind: &QuestionKind) -> Option<String> {
    let range = |what: &str, lo: Option<String>, hi: Option<String>| {
        let parts: Vec<String> = lo
            .map(|lo| format!("{what} >= {lo}"))
            .into_iter()
            .chain(hi.map(|hi| format!("{what} <= {hi}")))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" and "))
    };
    let number = |n: Option<f64>| n.map(relevant::number);
    match kind {
        QuestionKind::Multiple {
            min_picks,
            max_picks,
            ..
        } => range(
            "count-selected(.)",
            min_picks.map(|n| n.to_string()),
            max_picks.map(|n| n.to_string()),
        ),
        QuestionKind::Text {
            max_length: Some(n),
        } => Some(format!("string-length(.) <= {n}")),
        QuestionKind::Numeric { .. } | QuestionKind::Probability | QuestionKind::Year { .. } => {
            let (lo, hi) = kind.bounds();
            range(".", number(lo), number(hi))
        }
        _ => None,
    }
}

fn choices_sheet(survey: &Survey, lists: &Lists) -> Table {
    let mut columns = vec![column::LIST_NAME.to_string(), column::NAME.to_string()];
    columns.extend(
        survey
            .languages
            .iter()
            .map(|l| vocabulary::translated(column::LABEL, l)),
    );
    let mut rows = Rows::new(columns);
    for (name, _, choices) in &lists.lists {
        for choice in choices {
            let row = Row::default()
                .set(column::LIST_NAME, name.as_str())
                .set(column::NAME, choice.code.as_str())
                .text(column::LABEL, &choice.label, &survey.languages);
            rows.push(row.0);
        }
    }
    rows.finish(vocabulary::CHOICES, &[column::LIST_NAME, column::NAME])
}

fn settings_sheet(survey: &Survey) -> Table {
    Table {
        name: vocabulary::SETTINGS,
        header: [
            column::FORM_TITLE,
            column::FORM_ID,
            column::VERSION,
            column::DEFAULT_LANGUAGE,
        ]
        .map(str::to_string)
        .to_vec(),
        rows: vec![vec![
            survey.title.as_str().to_string(),
            survey.id.clone(),
            version(survey),
            vocabulary::language_name(&survey.language),
        ]],
    }
}

/// A digest of the definition: it changes when the survey changes, as ODK Central
/// requires of a new form version, and never because of when the form was written.
fn version(survey: &Survey) -> String {
    // FNV-1a, 64 bits: small, stable across platforms and Rust versions.
    let digest = crate::survey::to_toml(survey)
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{digest:016x}")
}

/// What XLSForm has no place for, one fact per row: `key`, the choice `list` it is
/// about, a `code`, a `value`, and texts per language (exact: an empty cell is a text
/// not given in that language).
fn canvass_sheet(survey: &Survey, lists: &Lists) -> Table {
    let mut columns = [
        column::KEY,
        column::LIST_COLUMN,
        column::CODE,
        column::VALUE,
    ]
    .map(str::to_string)
    .to_vec();
    columns.extend(
        survey
            .languages
            .iter()
            .map(|l| vocabulary::translated(column::LABEL, l)),
    );
    let languages = &survey.languages;
    let mut rows = Rows::new(columns);
    let fact = |key: &str, value: String| {
        Row::default()
            .set(column::KEY, key)
            .set(column::VALUE, value)
    };
    rows.push(fact(key::FORMAT, vocabulary::FORMAT.to_string()).0);
    rows.push(
        Row::default()
            .set(column::KEY, key::TITLE)
            .exact_text(column::LABEL, &survey.title, languages)
            .0,
    );
    if let Some(question) = &survey.question {
        rows.push(
            Row::default()
                .set(column::KEY, key::QUESTION)
                .exact_text(column::LABEL, question, languages)
                .0,
        );
    }
    rows.push(fact(key::POSITION, survey.position_question().id.clone()).0);
    for &s in &survey.segments {
        rows.push(fact(key::SEGMENT, survey.questions[s].id.clone()).0);
    }
    if let Some(weights) = &survey.weights {
        rows.push(fact(key::WEIGHTS, weights.clone()).0);
    }
    let panel = &survey.panel;
    match (&panel.roster, panel.invited) {
        (Some(roster), _) => rows.push(fact(key::ROSTER, roster.path.clone()).0),
        (None, Some(n)) => rows.push(fact(key::INVITED, n.to_string()).0),
        (None, None) => {}
    }
    if let Some(rounds) = panel.rounds {
        rows.push(fact(key::ROUNDS, rounds.to_string()).0);
    }
    if let Some(description) = &panel.description {
        rows.push(
            Row::default()
                .set(column::KEY, key::DESCRIPTION)
                .exact_text(column::LABEL, description, languages)
                .0,
        );
    }
    rows.push(
        fact(
            key::MIN_GROUP_SIZE,
            survey.anonymity.min_group_size.to_string(),
        )
        .0,
    );
    for (name, source, choices) in &lists.lists {
        let about = |key: &str| {
            Row::default()
                .set(column::KEY, key)
                .set(column::LIST_COLUMN, name.as_str())
        };
        if let ListSource::Scale(_) = source {
            let scale = survey
                .questions
                .iter()
                .filter_map(Question::scale)
                .find(|s| {
                    Some(&s.id)
                        == match source {
                            ListSource::Scale(id) => Some(id),
                            _ => None,
                        }
                });
            let Some(scale) = scale else { continue };
            if let Some(n) = scale.neutral {
                rows.push(
                    about(key::NEUTRAL)
                        .set(column::CODE, scale.levels[n].code.as_str())
                        .0,
                );
            }
            for level in &scale.levels[scale.ordered..] {
                rows.push(
                    about(key::NONSUBSTANTIVE)
                        .set(column::CODE, level.code.as_str())
                        .0,
                );
            }
            for side in &scale.sides {
                let codes: Vec<&str> = scale.levels[side.levels.clone()]
                    .iter()
                    .map(|l| l.code.as_str())
                    .collect();
                rows.push(
                    about(key::SIDE)
                        .set(column::CODE, codes.join(" "))
                        .set(column::VALUE, side.id.as_str())
                        .exact_text(column::LABEL, &side.label, languages)
                        .0,
                );
            }
        }
        for choice in choices {
            if let Some(direction) = choice.direction {
                rows.push(
                    about(key::DIRECTION)
                        .set(column::CODE, choice.code.as_str())
                        .set(column::VALUE, direction.as_str())
                        .0,
                );
            }
        }
    }
    rows.finish(vocabulary::CANVASS, &[column::KEY, column::VALUE])
}

/// Writes the tables as sheets: a bold, frozen header row and columns wide enough to
/// read, as a person would lay out an XLSForm by hand.
pub(crate) fn write_xlsx(tables: &[Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    // A fixed creation date keeps the bytes the same from run to run.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    for table in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table.name)?;
        for (c, header) in table.header.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            sheet.write_string_with_format(0, c, header, &bold)?;
            sheet.set_column_width(c, width(header))?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    let c = u16::try_from(c).unwrap_or(u16::MAX);
                    sheet.write_string(r, c, cell)?;
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    workbook.save_to_buffer()
}

fn width(header: &str) -> f64 {
    match base(header) {
        column::LABEL | column::HINT => 50.0,
        column::RELEVANT | column::CONSTRAINT | column::SHOW_IF => 36.0,
        column::TYPE | column::NAME | column::LIST_NAME | column::KEY => 24.0,
        column::CONSTRAINT_MESSAGE => 30.0,
        _ => 14.0,
    }
}

#[cfg(test)]
mod tests;
