//! From the workbook's sheets to a survey: a walk over the survey sheet's rows (groups
//! become sections or matrices), then the position, then the conditions, then the
//! definition written and checked.

use std::collections::BTreeMap;
use std::ops::Range;

use super::conditions::{self, Fields};
use super::constraints::{bounds, max_length, picks};
use super::facts::{Facts, Languages, List, Log, is_code};
use super::workbook::{Place, Row, Sheet};
use super::{Definition, Imported, Options, Severity, xpath};
use crate::form::xlsform::relevant;
use crate::form::xlsform::vocabulary::{self, column};
use crate::survey::show_if::Target;
use crate::survey::{
    self, Anonymity, Choice, Condition, OTHER, Options as ChoiceOptions, Panel, Question,
    QuestionKind, Roster, Scale, Section, Side, Survey, Text,
};

/// Types that compute or record something rather than ask: skipped with a note.
const NOT_ASKED: [&str; 17] = [
    "calculate",
    "start",
    "end",
    "today",
    "deviceid",
    "phonenumber",
    "username",
    "email",
    "simserial",
    "subscriberid",
    "audit",
    "hidden",
    "start-geopoint",
    "background-audio",
    "background-geopoint",
    "xml-external",
    "csv-external",
];

/// Columns that only change how a form looks.
const PRESENTATION: [&str; 8] = [
    "appearance",
    "constraint_message",
    "required_message",
    "guidance_hint",
    "image",
    "audio",
    "video",
    "media",
];

/// The default anonymity threshold of an imported form that does not give one.
const DEFAULT_MIN_GROUP_SIZE: u32 = 5;

pub fn build(sheets: &[Sheet], options: &Options<'_>) -> Imported {
    let find = |name: &str| {
        sheets
            .iter()
            .find(|s| s.name.trim().eq_ignore_ascii_case(name))
    };
    let mut log = Log::default();
    let Some(survey_sheet) = find(vocabulary::SURVEY) else {
        let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
        log.error(
            None,
            format!(
                "the workbook has no `survey` sheet (its sheets: {}); an XLSForm lists its questions there",
                names.join(", ")
            ),
        );
        return finish(log, None);
    };
    for sheet in sheets {
        let known = [
            vocabulary::SURVEY,
            vocabulary::CHOICES,
            vocabulary::SETTINGS,
            vocabulary::CANVASS,
        ];
        if !known
            .iter()
            .any(|k| sheet.name.trim().eq_ignore_ascii_case(k))
            && !sheet.rows.is_empty()
        {
            log.warn(
                Place::sheet(&sheet.name),
                "canvass does not read this sheet",
            );
        }
    }
    let choices = find(vocabulary::CHOICES);
    let settings = find(vocabulary::SETTINGS);
    let canvass = find(vocabulary::CANVASS);
    let settings_row = settings.and_then(|s| s.rows.first().map(|r| (s, r)));
    let translated: Vec<&Sheet> = [Some(survey_sheet), choices, canvass]
        .into_iter()
        .flatten()
        .collect();
    let languages = Languages::of(&translated, settings_row, &mut log);
    let lists = super::facts::lists(choices, &languages, &mut log);
    let facts = Facts::read(canvass, &languages, &mut log);

    let mut builder = Builder {
        sheet: survey_sheet,
        languages: &languages,
        lists: &lists,
        facts: &facts,
        log,
        questions: Vec::new(),
        pending: Vec::new(),
        fields: Vec::new(),
        list_of: BTreeMap::new(),
        sections: Vec::new(),
        intro: None,
        ids: BTreeMap::new(),
        scales: BTreeMap::new(),
        ends: BTreeMap::new(),
    };
    builder.match_groups();
    builder.items(0..survey_sheet.rows.len(), &[], None);
    builder.log.unread_columns(survey_sheet, &PRESENTATION);
    if let Some(choices) = choices {
        builder.log.unread_columns(choices, &PRESENTATION);
    }
    if let Some((sheet, row)) = settings_row {
        for c in [column::FORM_TITLE, column::FORM_ID, column::VERSION] {
            builder.log.mark(sheet, row, c);
        }
        builder
            .log
            .unread_columns(sheet, &["style", "instance_name"]);
    }
    let survey = builder.survey(settings_row, options);
    let log = builder.log;
    finish(log, survey.map(|s| (s, options)))
}

/// Writes the survey, checks what was written, and returns it with every finding.
fn finish(mut log: Log, survey: Option<(Survey, &Options<'_>)>) -> Imported {
    let has_errors = log.findings.iter().any(|f| f.severity == Severity::Error);
    let definition = match survey {
        Some((survey, options)) if !has_errors => {
            let toml = survey::to_toml(&survey);
            let path = options.definition.display().to_string();
            match survey::parse(&path, &toml) {
                Ok(loaded) => {
                    for d in &loaded.report.diagnostics {
                        log.add(
                            Severity::Note,
                            None,
                            format!("the written definition: {}", d.message),
                        );
                    }
                    Some(Definition {
                        survey: loaded.survey,
                        toml,
                    })
                }
                Err(crate::error::Error::Definition(report)) => {
                    log.error(
                        None,
                        format!(
                            "the definition made from the form does not pass the checks:\n{}",
                            report.render(false)
                        ),
                    );
                    None
                }
                Err(e) => {
                    log.error(None, e.to_string());
                    None
                }
            }
        }
        _ => None,
    };
    super::Imported {
        definition,
        findings: log.findings,
    }
}

/// A condition to resolve once every question exists.
struct Pending {
    question: usize,
    relevant: Option<(String, Place)>,
    source: Option<(String, Place)>,
    /// Conditions of the groups the question is in.
    groups: Vec<(String, Place)>,
}

struct SectionDraft {
    id: String,
    title: Option<Text>,
    intro: Option<Text>,
    questions: Vec<usize>,
    /// Made up for questions outside any group, in a form that has groups.
    loose: bool,
    place: Place,
}

/// What an XLSForm `type` cell says.
#[derive(Debug, Clone, PartialEq)]
enum Type {
    BeginGroup,
    EndGroup,
    BeginRepeat,
    EndRepeat,
    SelectOne { list: String, or_other: bool },
    SelectMultiple { list: String, or_other: bool },
    Rank(String),
    Integer,
    Decimal,
    Range,
    Text,
    Note,
    NotAsked(String),
    Other(String),
    Empty,
}

fn parse_type(cell: &str) -> Type {
    let lower = cell.trim().to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let joined = words.join("_");
    let select = |rest: &[&str]| -> Option<(String, bool)> {
        match rest {
            [list] => Some((list.to_string(), false)),
            [list, "or_other"] => Some((list.to_string(), true)),
            _ => None,
        }
    };
    match words.as_slice() {
        [] => Type::Empty,
        ["begin", "group"] | ["begin_group"] => Type::BeginGroup,
        ["end", "group"] | ["end_group"] => Type::EndGroup,
        ["begin", "repeat"] | ["begin_repeat"] => Type::BeginRepeat,
        ["end", "repeat"] | ["end_repeat"] => Type::EndRepeat,
        ["select_one" | "select1", rest @ ..] | ["select", "one", rest @ ..] => {
            match select(rest) {
                Some((list, or_other)) => Type::SelectOne { list, or_other },
                None => Type::Other(joined),
            }
        }
        ["select_multiple", rest @ ..] | ["select", "multiple", rest @ ..] => match select(rest) {
            Some((list, or_other)) => Type::SelectMultiple { list, or_other },
            None => Type::Other(joined),
        },
        ["rank", list] => Type::Rank(list.to_string()),
        ["integer" | "int"] => Type::Integer,
        ["decimal"] => Type::Decimal,
        ["range"] => Type::Range,
        ["text" | "string"] => Type::Text,
        ["note"] => Type::Note,
        [word] if NOT_ASKED.contains(word) => Type::NotAsked(word.to_string()),
        _ => Type::Other(joined),
    }
}

struct Builder<'a> {
    sheet: &'a Sheet,
    languages: &'a Languages,
    lists: &'a BTreeMap<String, List>,
    facts: &'a Facts,
    log: Log,
    questions: Vec<Question>,
    pending: Vec<Pending>,
    /// XLSForm field name → what it holds, in form order.
    fields: Vec<(String, Target)>,
    /// The choice list each select question uses.
    list_of: BTreeMap<usize, String>,
    sections: Vec<SectionDraft>,
    intro: Option<Text>,
    /// Question id → XLSForm name, for ids that had to change.
    ids: BTreeMap<String, String>,
    /// Scales built, by (list, scale id).
    scales: BTreeMap<(String, String), Option<Scale>>,
    /// Row index of each `begin` → its `end`.
    ends: BTreeMap<usize, usize>,
}

impl Builder<'_> {
    fn row(&self, i: usize) -> &Row {
        &self.sheet.rows[i]
    }

    fn place(&self, i: usize, column: &str) -> Place {
        self.sheet.place(self.row(i), Some(column))
    }

    fn take(&mut self, i: usize, column: &str) -> String {
        let sheet = self.sheet;
        self.log.take(sheet, &sheet.rows[i], column).to_string()
    }

    fn text(&mut self, i: usize, column: &str) -> Option<Text> {
        let sheet = self.sheet;
        self.languages
            .text(sheet, &sheet.rows[i], column, false, &mut self.log)
    }

    fn type_of(&mut self, i: usize) -> Type {
        let cell = self.take(i, column::TYPE);
        parse_type(&cell)
    }

    /// Pairs every `begin` with its `end`; unpaired ones are errors, as in pyxform.
    fn match_groups(&mut self) {
        let mut open: Vec<(usize, bool)> = Vec::new();
        for i in 0..self.sheet.rows.len() {
            let cell = self.sheet.get(self.row(i), column::TYPE).to_string();
            match parse_type(&cell) {
                Type::BeginGroup => open.push((i, false)),
                Type::BeginRepeat => open.push((i, true)),
                t @ (Type::EndGroup | Type::EndRepeat) => match open.pop() {
                    Some((begin, repeat)) if repeat == (t == Type::EndRepeat) => {
                        self.ends.insert(begin, i);
                    }
                    Some((begin, _)) => {
                        self.log.error(
                            Some(self.place(i, column::TYPE)),
                            format!("`{cell}` closes the group or repeat begun on row {}, which is of the other kind", self.row(begin).number),
                        );
                        self.ends.insert(begin, i);
                    }
                    None => self.log.error(
                        Some(self.place(i, column::TYPE)),
                        format!("`{cell}` without a group or repeat to close"),
                    ),
                },
                _ => {}
            }
        }
        for (begin, _) in open {
            self.log.error(
                Some(self.place(begin, column::TYPE)),
                "this group or repeat is never closed",
            );
        }
    }

    /// Reads the rows `rows`: inside a section (`section`) or at the top.
    fn items(&mut self, rows: Range<usize>, groups: &[(String, Place)], section: Option<usize>) {
        let mut i = rows.start;
        let mut first = true;
        while i < rows.end {
            let t = self.type_of(i);
            let end = self.ends.get(&i).copied().unwrap_or(rows.end);
            // Metadata (`start`, `end`, …) and blank rows show nothing, so a note after
            // them is still the first thing a respondent reads: the introduction.
            let shows_nothing = matches!(t, Type::NotAsked(_) | Type::Empty);
            match t {
                Type::Empty => {
                    let sheet = self.sheet;
                    self.log.mark_row(sheet, &sheet.rows[i]);
                    self.log.warn(
                        self.place(i, column::TYPE),
                        "a row without a type is not read",
                    );
                }
                Type::BeginGroup => {
                    let relevant = self.take(i, column::RELEVANT);
                    let mut inner = groups.to_vec();
                    if self.is_matrix(i, end) {
                        self.matrix(i, end, groups, section);
                    } else {
                        if !relevant.is_empty() {
                            inner.push((relevant, self.place(i, column::RELEVANT)));
                        }
                        match section {
                            None => {
                                let s = self.section(i);
                                self.items(i + 1..end, &inner, Some(s));
                            }
                            Some(s) => {
                                let name = self.take(i, column::NAME);
                                if self.text(i, column::LABEL).is_some() {
                                    self.log.warn(self.place(i, column::LABEL), format!("group `{name}` is inside another group; canvass sections do not nest, so its questions join the outer section and its label is not kept"));
                                }
                                self.items(i + 1..end, &inner, Some(s));
                            }
                        }
                    }
                    if let Some(&closing) = self.ends.get(&i) {
                        // The `end group` row says nothing beyond closing the group.
                        let sheet = self.sheet;
                        self.log.mark(sheet, &sheet.rows[closing], column::TYPE);
                        self.log.mark(sheet, &sheet.rows[closing], column::NAME);
                    }
                    i = end + 1;
                    first = false;
                    continue;
                }
                Type::BeginRepeat => {
                    let sheet = self.sheet;
                    for r in i..=end.min(rows.end.saturating_sub(1)) {
                        self.log.mark_row(sheet, &sheet.rows[r]);
                    }
                    self.log.warn(
                        self.place(i, column::TYPE),
                        format!("a repeat asks its questions any number of times, which a canvass survey cannot; rows {} to {} are not imported", self.row(i).number, self.row(end.min(rows.end - 1)).number),
                    );
                    i = end + 1;
                    continue;
                }
                Type::EndGroup | Type::EndRepeat => {}
                Type::Note => self.note(i, section, first),
                Type::NotAsked(word) => {
                    let sheet = self.sheet;
                    self.log.mark_row(sheet, &sheet.rows[i]);
                    self.log.note(
                        self.place(i, column::TYPE),
                        format!("`{word}` records or computes a value rather than asking a question; skipped"),
                    );
                }
                Type::Other(word) => {
                    let sheet = self.sheet;
                    self.log.mark_row(sheet, &sheet.rows[i]);
                    let name = sheet.get(&sheet.rows[i], column::NAME);
                    self.log.warn(
                        self.place(i, column::TYPE),
                        format!(
                            "`{word}` questions have no canvass kind; `{name}` is not imported"
                        ),
                    );
                }
                t => self.question(i, t, groups, section),
            }
            first = first && shows_nothing;
            i += 1;
        }
    }

    /// A top-level group: a new section.
    fn section(&mut self, i: usize) -> usize {
        let name = self.take(i, column::NAME);
        let canvass_id = self.take(i, column::ID);
        self.take(i, column::KIND);
        let id = self.identifier(
            if canvass_id.is_empty() {
                &name
            } else {
                &canvass_id
            },
            self.place(i, column::NAME),
            "section id",
            |b, id| b.sections.iter().any(|s| s.id == id),
        );
        let title = self.text(i, column::LABEL);
        self.sections.push(SectionDraft {
            id,
            title,
            intro: None,
            questions: Vec::new(),
            loose: false,
            place: self.place(i, column::NAME),
        });
        self.sections.len() - 1
    }

    /// A note: the survey's intro (first at the top), a section's intro (first in it),
    /// or, anywhere else, text canvass has no place for.
    fn note(&mut self, i: usize, section: Option<usize>, first: bool) {
        let kind = self.take(i, column::KIND);
        let name = self.take(i, column::NAME);
        self.take(i, column::RELEVANT);
        let text = self.text(i, column::LABEL);
        let as_intro = first || kind == "intro";
        match (section, as_intro) {
            (None, true) if self.intro.is_none() && self.sections.is_empty() => self.intro = text,
            (Some(s), true) if self.sections[s].intro.is_none() && self.sections[s].questions.is_empty() => {
                self.sections[s].intro = text;
            }
            _ => self.log.warn(
                self.place(i, column::TYPE),
                format!("note `{name}`: canvass forms show text only as the survey's or a section's introduction; this note is not kept"),
            ),
        }
    }

    /// Whether the group from `begin` to `end` is a matrix: canvass wrote it as one, or
    /// it is a `table-list` whose questions are all `select_one` from one list.
    fn is_matrix(&mut self, begin: usize, end: usize) -> bool {
        let kind = self.sheet.get(self.row(begin), column::KIND);
        let appearance = self
            .sheet
            .get(self.row(begin), column::APPEARANCE)
            .to_ascii_lowercase();
        if kind != "matrix" && !appearance.split_whitespace().any(|a| a == "table-list") {
            return false;
        }
        let rows = self.matrix_rows(begin, end);
        let mut lists = rows
            .iter()
            .map(|&r| parse_type(self.sheet.get(self.row(r), column::TYPE)));
        let Some(Type::SelectOne {
            list,
            or_other: false,
        }) = lists.next()
        else {
            return false;
        };
        let same = lists.all(|t| {
            t == Type::SelectOne {
                list: list.clone(),
                or_other: false,
            }
        });
        if !same && kind == "matrix" {
            self.log.warn(
                self.place(begin, column::KIND),
                "marked as a matrix, but its rows are not all `select_one` from one list; read as a group",
            );
        }
        same
    }

    /// The rows of a matrix group, without the `label`-appearance header row of the
    /// hand-written table pattern.
    fn matrix_rows(&self, begin: usize, end: usize) -> Vec<usize> {
        (begin + 1..end)
            .filter(|&r| {
                let appearance = self.sheet.get(self.row(r), column::APPEARANCE);
                !(r == begin + 1 && appearance.trim() == "label")
            })
            .collect()
    }

    fn matrix(
        &mut self,
        begin: usize,
        end: usize,
        groups: &[(String, Place)],
        section: Option<usize>,
    ) {
        let rows = self.matrix_rows(begin, end);
        for r in begin + 1..end {
            if !rows.contains(&r) {
                let sheet = self.sheet;
                self.log.mark_row(sheet, &sheet.rows[r]);
            }
        }
        self.take(begin, column::APPEARANCE);
        self.take(begin, column::KIND);
        self.take(end, column::TYPE);
        let name = self.take(begin, column::NAME);
        let Some(id) = self.question_id(&name, begin) else {
            return;
        };
        let text = self.label_or_name(begin, &format!("matrix `{name}`"), &name);
        let help = self.text(begin, column::HINT);
        let Type::SelectOne { list, .. } =
            parse_type(self.sheet.get(self.row(rows[0]), column::TYPE))
        else {
            return;
        };
        let scale_id = self.take(begin, column::LIST);
        let Some(scale) = self.scale(
            &list,
            if scale_id.is_empty() {
                &list
            } else {
                &scale_id
            },
            begin,
        ) else {
            return;
        };
        let mut choices = Vec::new();
        let mut required = Vec::new();
        for &r in &rows {
            self.take(r, column::TYPE);
            self.take(r, column::KIND);
            let field = self.take(r, column::NAME);
            let code_cell = self.take(r, column::ID);
            let code = if code_cell.is_empty() {
                field
                    .strip_prefix(&format!("{name}_"))
                    .unwrap_or(&field)
                    .to_string()
            } else {
                code_cell
            };
            let valid = is_code(&code) && !code.contains(['.', '-']);
            if !valid || choices.iter().any(|c: &(Choice, String)| c.0.code == code) {
                self.log.warn(self.place(r, column::NAME), format!("`{code}` cannot be a row code of matrix `{id}` (letters, digits and `_`, once each); the row is not imported"));
                continue;
            }
            let label = self
                .text(r, column::LABEL)
                .unwrap_or_else(|| Text::new(code.as_str()));
            required.push(self.required(r));
            self.take(r, column::RELEVANT);
            choices.push((
                Choice {
                    code,
                    label,
                    direction: None,
                },
                field,
            ));
        }
        if choices.is_empty() {
            self.log.warn(
                self.place(begin, column::NAME),
                format!("matrix `{id}` has no rows that can be imported"),
            );
            return;
        }
        let all_required = required.iter().all(|r| *r);
        if !all_required && required.iter().any(|r| *r) {
            self.log.warn(self.place(begin, column::NAME), format!("matrix `{id}`: some rows are required and some not; canvass requires all rows or none, so none are"));
        }
        let index = self.questions.len();
        let relevant = self.take(begin, column::RELEVANT);
        let source = self.take(begin, column::SHOW_IF);
        self.push_pending(index, begin, relevant, source, groups);
        for (r, (_, field)) in choices.iter().enumerate() {
            self.fields.push((
                field.clone(),
                Target {
                    question: index,
                    row: Some(r),
                },
            ));
        }
        self.list_of.insert(index, list);
        self.push_question(
            Question {
                id,
                text,
                help,
                required: all_required,
                show_if: None,
                kind: QuestionKind::Matrix {
                    rows: choices.into_iter().map(|(c, _)| c).collect(),
                    scale,
                },
                coders: Vec::new(),
            },
            section,
        );
    }

    fn push_pending(
        &mut self,
        question: usize,
        i: usize,
        relevant: String,
        source: String,
        groups: &[(String, Place)],
    ) {
        self.pending.push(Pending {
            question,
            relevant: (!relevant.is_empty()).then(|| (relevant, self.place(i, column::RELEVANT))),
            source: (!source.is_empty()).then(|| (source, self.place(i, column::SHOW_IF))),
            groups: groups.to_vec(),
        });
    }

    /// Adds a question to its section (or, outside any group, to a section of loose
    /// questions).
    fn push_question(&mut self, question: Question, section: Option<usize>) {
        let index = self.questions.len();
        self.questions.push(question);
        let s = match section {
            Some(s) => s,
            None => match self.sections.last() {
                Some(last) if last.loose && self.loose_run(index) => self.sections.len() - 1,
                _ => {
                    self.sections.push(SectionDraft {
                        id: String::new(),
                        title: None,
                        intro: None,
                        questions: Vec::new(),
                        loose: true,
                        place: Place::sheet(&self.sheet.name),
                    });
                    self.sections.len() - 1
                }
            },
        };
        self.sections[s].questions.push(index);
    }

    /// Whether the loose section last made ends with the question just before `index`.
    fn loose_run(&self, index: usize) -> bool {
        self.sections
            .last()
            .and_then(|s| s.questions.last())
            .is_some_and(|&q| q + 1 == index)
    }

    /// A question id from an XLSForm name: kept if it is one, else made one (reported).
    fn question_id(&mut self, name: &str, i: usize) -> Option<String> {
        if name.is_empty() {
            self.log.warn(
                self.place(i, column::NAME),
                "a question without a name is not imported",
            );
            let sheet = self.sheet;
            self.log.mark_row(sheet, &sheet.rows[i]);
            return None;
        }
        let id = self.identifier(name, self.place(i, column::NAME), "question id", |b, id| {
            b.questions.iter().any(|q| q.id == id) || survey::RESERVED_COLUMNS.contains(&id)
        });
        if id != name {
            self.ids.insert(id.clone(), name.to_string());
        }
        Some(id)
    }

    /// `name` as a definition identifier (a letter, then letters, digits, `_`), unique by
    /// `taken`: changed where needed, and reported.
    fn identifier(
        &mut self,
        name: &str,
        place: Place,
        what: &str,
        taken: impl Fn(&Self, &str) -> bool,
    ) -> String {
        let mut id: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
            id.insert(0, 'x');
        }
        let base = id.clone();
        let mut n = 2;
        while taken(self, &id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        if id != name {
            self.log.warn(place, format!("`{name}` cannot be a {what} (a letter, then letters, digits or `_`, each used once); it is `{id}` in the definition"));
        }
        id
    }

    fn required(&mut self, i: usize) -> bool {
        let cell = self.take(i, column::REQUIRED).to_ascii_lowercase();
        match cell.as_str() {
            "yes" | "true" | "true()" | "1" => true,
            "" | "no" | "false" | "false()" | "0" => false,
            other => {
                self.log.warn(self.place(i, column::REQUIRED), format!("`{other}`: canvass questions are required or not, never on a condition; this one is not required"));
                false
            }
        }
    }

    /// The row's label; without one, the name stands in, with a warning at the label cell.
    fn label_or_name(&mut self, i: usize, what: &str, name: &str) -> Text {
        self.text(i, column::LABEL).unwrap_or_else(|| {
            self.log.warn(
                self.place(i, column::LABEL),
                format!("{what} has no label; its name is used"),
            );
            Text::new(name)
        })
    }

    fn question(&mut self, i: usize, t: Type, groups: &[(String, Place)], section: Option<usize>) {
        let name = self.take(i, column::NAME);
        let kind_cell = self.take(i, column::KIND);
        if t == Type::Text && self.attach_other(i, &kind_cell, &name) {
            return;
        }
        let Some(id) = self.question_id(&name, i) else {
            return;
        };
        let text = self.label_or_name(i, &format!("`{name}`"), &name);
        let help = self.text(i, column::HINT);
        let required = self.required(i);
        let Some(kind) = self.kind(i, &t, &kind_cell, &id) else {
            let sheet = self.sheet;
            self.log.mark_row(sheet, &sheet.rows[i]);
            return;
        };
        let index = self.questions.len();
        let relevant = self.take(i, column::RELEVANT);
        let source = self.take(i, column::SHOW_IF);
        self.push_pending(index, i, relevant, source, groups);
        self.fields.push((
            name.clone(),
            Target {
                question: index,
                row: None,
            },
        ));
        self.push_question(
            Question {
                id,
                text,
                help,
                required,
                show_if: None,
                kind,
                coders: Vec::new(),
            },
            section,
        );
    }

    /// An "other, please specify" text: the question before it offers `other`, and the
    /// text is asked when `other` is picked (or canvass marked it so).
    fn attach_other(&mut self, i: usize, kind: &str, name: &str) -> bool {
        let Some(last) = self.questions.len().checked_sub(1) else {
            return false;
        };
        let q = &self.questions[last];
        let Some(code) = q.choice_index(OTHER) else {
            return false;
        };
        let relevant = self
            .sheet
            .get(self.row(i), column::RELEVANT)
            .replace(' ', "");
        let asked_on_other = [
            format!("selected(${{{}}},'{OTHER}')", self.field_name(last)),
            format!("${{{}}}='{OTHER}'", self.field_name(last)),
        ]
        .contains(&relevant);
        let fits = matches!(
            q.kind,
            QuestionKind::Single { .. } | QuestionKind::Multiple { .. }
        ) && !q.has_other();
        if !(fits && (asked_on_other || kind == OTHER)) {
            if kind == OTHER {
                self.log.warn(self.place(i, column::KIND), format!("`{name}` is marked as an \"other\" text, but the question before it has no `other` choice; read as a text question"));
            }
            return false;
        }
        for c in [
            column::RELEVANT,
            column::LABEL,
            column::HINT,
            column::REQUIRED,
            column::CONSTRAINT,
        ] {
            self.take(i, c);
        }
        let place = self.place(i, column::NAME);
        let q = &mut self.questions[last];
        let (QuestionKind::Single { options } | QuestionKind::Multiple { options, .. }) =
            &mut q.kind
        else {
            return false;
        };
        let mut other = options.choices.remove(code);
        if code != options.choices.len() {
            self.log.note(place.clone(), format!("the `{OTHER}` choice of `{}` is moved to the end of its choices, where canvass keeps it", q.id));
        }
        let canvass_label = "Other (please specify)";
        if other.label.as_str() != canvass_label || other.label.translations().next().is_some() {
            self.log.note(place, format!("the `{OTHER}` choice of `{}` is labelled \"{canvass_label}\", as in every canvass form", q.id));
        }
        other.label = Text::new(canvass_label);
        options.choices.push(other);
        options.other = true;
        true
    }

    /// The XLSForm name of the field question `q` answers in.
    fn field_name(&self, q: usize) -> String {
        self.fields
            .iter()
            .find(|(_, t)| t.question == q && t.row.is_none())
            .map_or_else(|| self.questions[q].id.clone(), |(n, _)| n.clone())
    }

    /// The question kind of a row, or `None` (reported) when it cannot be imported.
    fn kind(&mut self, i: usize, t: &Type, kind: &str, id: &str) -> Option<QuestionKind> {
        let constraint = self.take(i, column::CONSTRAINT);
        let canvass_list = self.take(i, column::LIST);
        let expr = if constraint.is_empty() {
            None
        } else {
            match xpath::parse(&constraint) {
                Ok(e) => Some(e),
                Err(why) => {
                    self.log.warn(
                        self.place(i, column::CONSTRAINT),
                        format!("the constraint is not kept: {why}"),
                    );
                    None
                }
            }
        };
        let bounds = |b: &mut Self, integer: bool| -> (Option<f64>, Option<f64>) {
            match &expr {
                None => (None, None),
                Some(e) => match bounds(e, integer) {
                    Ok(bounds) => bounds,
                    Err(why) => {
                        b.log.warn(
                            b.place(i, column::CONSTRAINT),
                            format!("the constraint is not kept: {why}"),
                        );
                        (None, None)
                    }
                },
            }
        };
        Some(match t {
            Type::SelectOne { list, or_other } => {
                self.list_of.insert(self.questions.len(), list.clone());
                if kind == "likert" {
                    let scale_id = if canvass_list.is_empty() {
                        list.clone()
                    } else {
                        canvass_list
                    };
                    QuestionKind::Likert {
                        scale: self.scale(list, &scale_id, i)?,
                    }
                } else {
                    QuestionKind::Single {
                        options: self.options(list, *or_other, &canvass_list, i)?,
                    }
                }
            }
            Type::SelectMultiple { list, or_other } => {
                let options = self.options(list, *or_other, &canvass_list, i)?;
                let (min, max) = match &expr {
                    None => (None, None),
                    Some(e) => picks(e).unwrap_or_else(|why| {
                        self.log.warn(
                            self.place(i, column::CONSTRAINT),
                            format!("the constraint is not kept: {why}"),
                        );
                        (None, None)
                    }),
                };
                QuestionKind::Multiple {
                    options,
                    min_picks: min,
                    max_picks: max,
                }
            }
            Type::Rank(list) => {
                let options = self.options(list, false, &canvass_list, i)?;
                let top = self.take(i, column::TOP);
                let top = match top.parse::<u32>() {
                    Ok(n) if n >= 1 => Some(n),
                    _ if top.is_empty() => None,
                    _ => {
                        self.log.warn(
                            self.place(i, column::TOP),
                            format!("`{top}` is not a number of items to rank"),
                        );
                        None
                    }
                };
                QuestionKind::Ranking { options, top }
            }
            Type::Integer | Type::Decimal | Type::Range => self.number(i, t, kind, id, bounds),
            Type::Text => {
                let max_length = match &expr {
                    None => None,
                    Some(e) => max_length(e).map_or_else(
                        |why| {
                            self.log.warn(
                                self.place(i, column::CONSTRAINT),
                                format!("the constraint is not kept: {why}"),
                            );
                            None
                        },
                        Some,
                    ),
                };
                QuestionKind::Text { max_length }
            }
            _ => return None,
        })
    }

    fn number(
        &mut self,
        i: usize,
        t: &Type,
        kind: &str,
        id: &str,
        bounds: impl Fn(&mut Self, bool) -> (Option<f64>, Option<f64>),
    ) -> QuestionKind {
        let integer = *t == Type::Integer;
        match (kind, t) {
            ("probability", Type::Decimal) => {
                let b = bounds(self, false);
                if b != (Some(0.0), Some(100.0)) {
                    self.log.warn(self.place(i, column::CONSTRAINT), format!("`{id}` is a probability, which is always 0 to 100; the constraint is not kept"));
                }
                QuestionKind::Probability
            }
            ("year", Type::Integer) => {
                let (min, max) = bounds(self, true);
                let year = |v: Option<f64>| {
                    v.filter(|v| v.fract() == 0.0 && v.abs() <= 1e6)
                        .map(|v| v as i32)
                };
                QuestionKind::Year {
                    min: year(min),
                    max: year(max),
                }
            }
            (_, Type::Range) => {
                let parameters = self.take(i, "parameters");
                let mut values = BTreeMap::new();
                for pair in parameters.split_whitespace() {
                    if let Some((k, v)) = pair.split_once('=') {
                        if let Ok(v) = v.trim().parse::<f64>() {
                            values.insert(k.trim().to_ascii_lowercase(), v);
                        }
                    }
                }
                // ODK's defaults when a parameter is left out.
                let start = values.get("start").copied().unwrap_or(1.0);
                let end = values.get("end").copied().unwrap_or(10.0);
                let step = values.get("step").copied().unwrap_or(1.0);
                self.log.note(
                    self.place(i, column::TYPE),
                    format!(
                        "the `range` slider `{id}` becomes a number from {start} to {end} typed in"
                    ),
                );
                QuestionKind::Numeric {
                    min: Some(start.min(end)),
                    max: Some(start.max(end)),
                    unit: None,
                    integer: step.fract() == 0.0 && start.fract() == 0.0,
                }
            }
            _ => {
                let (min, max) = bounds(self, integer);
                let sheet = self.sheet;
                let unit =
                    self.languages
                        .text(sheet, &sheet.rows[i], column::UNIT, true, &mut self.log);
                QuestionKind::Numeric {
                    min,
                    max,
                    unit,
                    integer,
                }
            }
        }
    }

    /// The choices of a select or rank question: from list `list`, as a codebook list
    /// when canvass wrote it as one (`canvass_list`).
    fn options(
        &mut self,
        list: &str,
        or_other: bool,
        codebook: &str,
        i: usize,
    ) -> Option<ChoiceOptions> {
        let mut choices = self.list(list, i)?;
        for choice in &mut choices {
            if let Some((direction, _)) = self
                .facts
                .directions
                .get(&(list.to_string(), choice.code.clone()))
            {
                choice.direction = Some(*direction);
            }
        }
        let mut other = false;
        if or_other {
            if choices.iter().any(|c| c.code == OTHER) {
                self.log.warn(self.place(i, column::TYPE), format!("`or_other` adds the code `{OTHER}`, which list `{list}` already has; not added"));
            } else {
                choices.push(Choice {
                    code: OTHER.to_string(),
                    label: Text::new("Other (please specify)"),
                    direction: None,
                });
                other = true;
            }
        }
        Some(ChoiceOptions {
            choices,
            codebook: (!codebook.is_empty()).then(|| codebook.to_string()),
            other,
        })
    }

    fn list(&mut self, list: &str, i: usize) -> Option<Vec<Choice>> {
        match self.lists.get(list) {
            Some(l) if l.valid && !l.choices.is_empty() => Some(l.choices.clone()),
            Some(_) => {
                self.log.warn(
                    self.place(i, column::TYPE),
                    format!("list `{list}` has no usable choices; the question is not imported"),
                );
                None
            }
            None => {
                self.log.warn(
                    self.place(i, column::TYPE),
                    format!(
                        "list `{list}` is not on the choices sheet; the question is not imported"
                    ),
                );
                None
            }
        }
    }

    /// The scale `scale_id` made from list `list` and what the `canvass` sheet says of it.
    fn scale(&mut self, list: &str, scale_id: &str, i: usize) -> Option<Scale> {
        let key = (list.to_string(), scale_id.to_string());
        if let Some(scale) = self.scales.get(&key) {
            return scale.clone();
        }
        let scale = self.make_scale(list, scale_id, i);
        self.scales.insert(key, scale.clone());
        scale
    }

    fn make_scale(&mut self, list: &str, scale_id: &str, i: usize) -> Option<Scale> {
        let levels = self.list(list, i)?;
        let id = self.identifier(
            scale_id,
            self.place(i, column::TYPE),
            "scale id",
            |b, id| b.scales.keys().any(|(l, s)| s == id && l != list),
        );
        let code_index = |code: &str| levels.iter().position(|l| l.code == code);
        let facts = self.facts;
        let mut ordered = levels.len();
        if let Some(codes) = facts.nonsubstantive.get(list) {
            let indices: Option<Vec<usize>> = codes.iter().map(|(c, _)| code_index(c)).collect();
            match indices {
                Some(mut indices) => {
                    indices.sort_unstable();
                    let first = levels.len() - indices.len();
                    if indices.iter().copied().eq(first..levels.len()) {
                        ordered = first;
                    } else if let Some((_, place)) = codes.first() {
                        self.log.warn(place.clone(), format!("the non-substantive levels of `{list}` must come last in the list; they are read as ordered levels"));
                    }
                }
                None => {
                    if let Some((_, place)) = codes.first() {
                        self.log.warn(
                            place.clone(),
                            format!("a non-substantive level is not a choice of `{list}`; ignored"),
                        );
                    }
                }
            }
        }
        let neutral = facts.neutral.get(list).and_then(|(code, place)| {
            let found = code_index(code).filter(|&n| n < ordered);
            if found.is_none() {
                self.log.warn(
                    place.clone(),
                    format!(
                        "`{code}` is not an ordered level of `{list}`; no neutral level is kept"
                    ),
                );
            }
            found
        });
        let mut sides = Vec::new();
        if let Some(facts_sides) = facts.sides.get(list) {
            let mut next = 0;
            for side in facts_sides {
                let indices: Option<Vec<usize>> =
                    side.codes.iter().map(|c| code_index(c)).collect();
                let run = indices
                    .filter(|ix| !ix.is_empty() && ix.iter().copied().eq(next..next + ix.len()));
                match (run, &side.label) {
                    (Some(ix), Some(label)) => {
                        next += ix.len();
                        sides.push(Side {
                            id: side.id.clone(),
                            label: label.clone(),
                            levels: ix[0]..next,
                        });
                    }
                    _ => {
                        self.log.warn(side.place.clone(), format!("side `{}` of `{list}` is not the next run of levels with a label; the scale's sides are not kept", side.id));
                        sides.clear();
                        break;
                    }
                }
            }
            if !sides.is_empty() && next != ordered {
                if let Some(side) = facts_sides.first() {
                    self.log.warn(side.place.clone(), format!("the sides of `{list}` do not cover every ordered level; they are not kept"));
                }
                sides.clear();
            }
        }
        Some(Scale {
            id,
            levels: levels
                .into_iter()
                .map(|l| Choice {
                    direction: None,
                    ..l
                })
                .collect(),
            ordered,
            neutral,
            sides,
        })
    }

    /// The survey, once every row is read: sections, position, conditions.
    fn survey(
        &mut self,
        settings: Option<(&Sheet, &Row)>,
        options: &Options<'_>,
    ) -> Option<Survey> {
        let setting = |c: &str| settings.map_or(String::new(), |(s, r)| s.get(r, c).to_string());
        let form_id = setting(column::FORM_ID);
        let fallback = options
            .workbook
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("imported")
            .to_string();
        let place = settings.map_or(Place::sheet(vocabulary::SETTINGS), |(s, r)| {
            s.place(r, Some(column::FORM_ID))
        });
        if form_id.is_empty() {
            self.log.note(place.clone(), format!("the form has no `form_id`; the survey id comes from the file name: `{fallback}`"));
        }
        let id = survey_id(if form_id.is_empty() {
            &fallback
        } else {
            &form_id
        });
        if !form_id.is_empty() && id != form_id {
            self.log.warn(
                place,
                format!(
                    "`{form_id}` cannot be a survey id (letters, digits, `-`, `_`); it is `{id}`"
                ),
            );
        }
        let title = self.facts.title.clone().or_else(|| {
            let t = setting(column::FORM_TITLE);
            (!t.is_empty()).then(|| Text::new(t))
        });
        let title = title.unwrap_or_else(|| Text::new(id.as_str()));
        if self.questions.is_empty() {
            self.log.error(
                Some(Place::sheet(&self.sheet.name)),
                "the form has no question canvass can import",
            );
            return None;
        }
        let position = self.position(options)?;
        let sections = self.sections();
        let segments = self
            .facts
            .segments
            .iter()
            .filter_map(|(name, place)| {
                let found = self.find_question(name);
                if found.is_none() {
                    self.log.warn(
                        place.clone(),
                        format!("segment `{name}` is not an imported question"),
                    );
                }
                found
            })
            .collect();
        let panel = self.panel();
        let anonymity = self.anonymity();
        let mut survey = Survey {
            id,
            title,
            question: self.facts.question.clone(),
            intro: self.intro.clone(),
            language: self.languages.default.clone(),
            languages: vec![self.languages.default.clone()],
            panel,
            anonymity,
            sections,
            questions: std::mem::take(&mut self.questions),
            position,
            segments,
            weights: self.facts.weights.as_ref().map(|(w, _)| w.clone()),
            // An XLSForm has no place for how other tools' exports are read.
            ingest: Default::default(),
        };
        self.conditions(&mut survey);
        Some(survey)
    }

    fn find_question(&self, name: &str) -> Option<usize> {
        self.questions
            .iter()
            .position(|q| q.id == name || self.ids.get(&q.id).is_some_and(|n| n == name))
    }

    /// The position question: `--position`, else the `canvass` sheet's; made a required
    /// likert question if it was a single choice.
    fn position(&mut self, options: &Options<'_>) -> Option<usize> {
        let candidates: Vec<String> = self
            .questions
            .iter()
            .filter(|q| {
                matches!(
                    q.kind,
                    QuestionKind::Single { .. } | QuestionKind::Likert { .. }
                )
            })
            .map(|q| format!("`{}`", q.id))
            .collect();
        let listed = if candidates.is_empty() {
            "the form has no select_one question, which a position must be".to_string()
        } else {
            format!(
                "ordinal candidates (select_one questions): {}",
                candidates.join(", ")
            )
        };
        let (name, place) = match (options.position, &self.facts.position) {
            (Some(name), _) => (name.to_string(), None),
            (None, Some((name, place))) => (name.clone(), Some(place.clone())),
            (None, None) => {
                self.log.error(None, format!("the form does not say which question is the position, by which every result is grouped: give --position QUESTION; {listed}"));
                return None;
            }
        };
        let Some(index) = self.find_question(&name) else {
            self.log.error(
                place,
                format!("the position question `{name}` is not an imported question; {listed}"),
            );
            return None;
        };
        let list = self.list_of.get(&index).cloned().unwrap_or_default();
        let q = &self.questions[index];
        let scale = match &q.kind {
            QuestionKind::Likert { scale } => scale.clone(),
            QuestionKind::Single { options } => {
                if options.choices.iter().any(|c| c.direction.is_some()) || options.other {
                    self.log.warn(Place::sheet(&self.sheet.name), format!("`{name}` becomes a likert question: its choices become the levels of scale `{list}`, lowest first, without directions or `other`"));
                }
                let levels = options
                    .choices
                    .iter()
                    .filter(|c| !(options.other && c.code == OTHER))
                    .map(|c| Choice {
                        direction: None,
                        ..c.clone()
                    })
                    .collect::<Vec<_>>();
                let ordered = levels.len();
                let id = survey_id(&list).replace('-', "_");
                Scale {
                    id,
                    levels,
                    ordered,
                    neutral: None,
                    sides: Vec::new(),
                }
            }
            other => {
                self.log.error(
                    place,
                    format!(
                        "the position question `{name}` is a `{}` question, not ordinal; {listed}",
                        other.name()
                    ),
                );
                return None;
            }
        };
        let q = &mut self.questions[index];
        q.kind = QuestionKind::Likert { scale };
        if !q.required {
            self.log.note(Place::sheet(&self.sheet.name), format!("the position question `{name}` is made required: every response must give a position"));
            q.required = true;
        }
        if let Some(p) = self.pending.iter_mut().find(|p| p.question == index) {
            if p.relevant.is_some() || !p.groups.is_empty() {
                let at = p
                    .relevant
                    .clone()
                    .or_else(|| p.groups.first().cloned())
                    .map(|(_, place)| place);
                self.log.add(Severity::Warning, at, format!("the position question `{name}` is asked of everyone: its condition is not kept"));
                p.relevant = None;
                p.source = None;
                p.groups.clear();
            }
        }
        Some(index)
    }

    fn sections(&mut self) -> Vec<Section> {
        let all_loose = self.sections.iter().all(|s| s.loose);
        if all_loose {
            return vec![Section {
                id: "questions".to_string(),
                title: None,
                intro: None,
                questions: 0..self.questions.len(),
            }];
        }
        let mut n = 1;
        for s in 0..self.sections.len() {
            if self.sections[s].loose {
                let mut id = format!("part_{n}");
                while self.sections.iter().any(|x| x.id == id) {
                    n += 1;
                    id = format!("part_{n}");
                }
                n += 1;
                let first = self.sections[s]
                    .questions
                    .first()
                    .map_or(String::new(), |&q| self.questions[q].id.clone());
                self.log.note(
                    self.sections[s].place.clone(),
                    format!("questions outside any group (from `{first}`) make up section `{id}`"),
                );
                self.sections[s].id = id;
            }
        }
        for s in &self.sections {
            if s.questions.is_empty() {
                self.log.warn(
                    s.place.clone(),
                    format!(
                        "group `{}` has no question canvass can import; the section is left out",
                        s.id
                    ),
                );
            }
        }
        self.sections
            .iter()
            .filter(|s| !s.questions.is_empty())
            .map(|s| Section {
                id: s.id.clone(),
                title: s.title.clone(),
                intro: s.intro.clone(),
                questions: s.questions[0]..s.questions[s.questions.len() - 1] + 1,
            })
            .collect()
    }

    fn panel(&mut self) -> Panel {
        let invited = self
            .facts
            .invited
            .as_ref()
            .and_then(|(v, place)| match v.parse::<u32>() {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    self.log.warn(
                        place.clone(),
                        format!("`{v}` is not a number of people invited"),
                    );
                    None
                }
            });
        let rounds = self
            .facts
            .rounds
            .as_ref()
            .and_then(|(v, place)| match v.parse::<u32>() {
                Ok(n) if (2..=crate::survey::MAX_ROUNDS).contains(&n) => Some(n),
                _ => {
                    self.log.warn(
                        place.clone(),
                        format!("`{v}` is not a number of Delphi rounds (2 to {}); the survey is read as asked once", crate::survey::MAX_ROUNDS),
                    );
                    None
                }
            });
        Panel {
            invited,
            // The ids are read from the file when the written definition is checked.
            roster: self.facts.roster.as_ref().map(|(path, _)| Roster {
                path: path.clone(),
                ids: Vec::new(),
            }),
            description: self.facts.description.clone(),
            rounds,
        }
    }

    fn anonymity(&mut self) -> Anonymity {
        let size =
            self.facts
                .min_group_size
                .as_ref()
                .and_then(|(v, place)| match v.parse::<u32>() {
                    Ok(n) if n >= 1 => Some(n),
                    _ => {
                        self.log.warn(
                            place.clone(),
                            format!("`{v}` is not an anonymity threshold"),
                        );
                        None
                    }
                });
        let min_group_size = size.unwrap_or_else(|| {
            self.log.note(Place::sheet(&self.sheet.name), format!("the form sets no anonymity threshold; it is {DEFAULT_MIN_GROUP_SIZE} (no result for a smaller group): change `[anonymity] min_group_size` in the definition if the study needs another"));
            DEFAULT_MIN_GROUP_SIZE
        });
        Anonymity { min_group_size }
    }

    /// Resolves every question's condition, in order.
    fn conditions(&mut self, survey: &mut Survey) {
        let pending = std::mem::take(&mut self.pending);
        for p in pending {
            let fields: Fields = self
                .fields
                .iter()
                .filter(|(_, t)| t.question < p.question)
                .cloned()
                .collect();
            let translate = |text: &str| -> Result<crate::survey::Cond, String> {
                let expr = xpath::parse(text)?;
                conditions::from_xpath(&expr, &fields, &survey.questions)
            };
            let mut parts = Vec::new();
            for (text, place) in &p.groups {
                match translate(text) {
                    Ok(c) => {
                        self.log.note(
                            place.clone(),
                            format!(
                                "the group's condition is given to `{}`",
                                survey.questions[p.question].id
                            ),
                        );
                        parts.push(c);
                    }
                    Err(why) => self.log.warn(
                        place.clone(),
                        format!(
                            "the group's condition is not kept for `{}`: {why}",
                            survey.questions[p.question].id
                        ),
                    ),
                }
            }
            let mut source_text = None;
            if let Some((text, place)) = &p.relevant {
                let own = match &p.source {
                    Some((source, source_place)) => {
                        self.canvass_source(survey, p.question, source, source_place, text, place)
                    }
                    None => None,
                };
                match own {
                    Some((source, cond)) => {
                        source_text = Some(source);
                        parts.push(cond);
                    }
                    None => match translate(text) {
                        Ok(c) => parts.push(c),
                        Err(why) => self.log.warn(
                            place.clone(),
                            format!(
                                "the condition is not kept, so `{}` is always asked: {why}",
                                survey.questions[p.question].id
                            ),
                        ),
                    },
                }
            }
            // canvass's own text is kept when it is the whole condition.
            let source = match (&source_text, parts.len()) {
                (_, 0) => continue,
                (Some(text), 1) => text.clone(),
                _ => String::new(),
            };
            let cond = if parts.len() == 1 {
                parts.remove(0)
            } else {
                crate::survey::Cond::And(parts)
            };
            let source = if source.is_empty() {
                conditions::to_source(&cond, &survey.questions)
            } else {
                source
            };
            survey.questions[p.question].show_if = Some(Condition { source, cond });
        }
    }

    /// The `show_if` canvass wrote, if it still says what the `relevant` cell says (the
    /// cell may have been edited since).
    fn canvass_source(
        &mut self,
        survey: &Survey,
        question: usize,
        source: &str,
        source_place: &Place,
        relevant_text: &str,
        relevant_place: &Place,
    ) -> Option<(String, crate::survey::Cond)> {
        let cond = match conditions::from_source(source, &survey.questions, question) {
            Ok(c) => c,
            Err(why) => {
                self.log.warn(
                    source_place.clone(),
                    format!("not read ({why}); the `relevant` is translated instead"),
                );
                return None;
            }
        };
        let names: BTreeMap<Target, String> =
            self.fields.iter().map(|(n, t)| (*t, n.clone())).collect();
        let name = |t: Target| names.get(&t).cloned().unwrap_or_default();
        let compiled = relevant::compile(&cond, survey, &name);
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        if squeeze(&compiled) == squeeze(relevant_text) {
            Some((source.to_string(), cond))
        } else {
            self.log.note(relevant_place.clone(), "the `relevant` no longer says what `canvass_show_if` does (edited since canvass wrote it); the `relevant` is translated");
            None
        }
    }
}

/// A survey id: letters, digits, `-` and `_`, starting with a letter or digit.
fn survey_id(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let id = id.trim_start_matches(['-', '_']).to_string();
    if id.is_empty() {
        "imported".to_string()
    } else {
        id
    }
}
