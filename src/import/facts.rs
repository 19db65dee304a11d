//! Reading cells: which languages the columns are in, texts per language, choice lists,
//! and the `canvass` sheet's facts. Every cell read is marked as used, so that cells no
//! one read can be reported as not translated.

use std::collections::{BTreeMap, BTreeSet};

use super::workbook::{Place, Row, Sheet};
use super::{Finding, Severity};
use crate::escape::restore_odk_label;
use crate::form::xlsform::vocabulary::{self, column, key};
use crate::survey::{Choice, Direction, Text};

/// Findings and the cells that were read.
#[derive(Default)]
pub struct Log {
    pub findings: Vec<Finding>,
    /// (sheet, row number, column) of every cell read.
    used: BTreeSet<(String, u32, String)>,
}

impl Log {
    pub fn add(&mut self, severity: Severity, place: Option<Place>, message: impl Into<String>) {
        self.findings.push(Finding {
            severity,
            place,
            message: message.into(),
        });
    }

    pub fn note(&mut self, place: Place, message: impl Into<String>) {
        self.add(Severity::Note, Some(place), message);
    }

    pub fn warn(&mut self, place: Place, message: impl Into<String>) {
        self.add(Severity::Warning, Some(place), message);
    }

    pub fn error(&mut self, place: Option<Place>, message: impl Into<String>) {
        self.add(Severity::Error, place, message);
    }

    /// The cell of `row` in the untranslated `column`, marked as read.
    pub fn take<'r>(&mut self, sheet: &Sheet, row: &'r Row, column: &str) -> &'r str {
        self.mark(sheet, row, column);
        sheet.get(row, column)
    }

    pub fn mark(&mut self, sheet: &Sheet, row: &Row, column: &str) {
        self.used
            .insert((sheet.name.clone(), row.number, column.to_string()));
    }

    /// Marks every cell of a row as read (a row reported as a whole).
    pub fn mark_row(&mut self, sheet: &Sheet, row: &Row) {
        for h in &sheet.header {
            self.mark(sheet, row, &h.column);
        }
    }

    /// One finding per column with cells nobody read: `presentation` columns only change
    /// how a form looks (a note), anything else changes what it asks (a warning).
    pub fn unread_columns(&mut self, sheet: &Sheet, presentation: &[&str]) {
        let mut unread: BTreeMap<usize, (usize, u32)> = BTreeMap::new();
        for row in &sheet.rows {
            for (h, cell) in sheet.header.iter().zip(&row.cells) {
                let key = (sheet.name.clone(), row.number, h.column.clone());
                if !cell.is_empty() && !self.used.contains(&key) {
                    let i = sheet
                        .header
                        .iter()
                        .position(|x| x.index == h.index)
                        .unwrap_or(0);
                    let entry = unread.entry(i).or_insert((0, row.number));
                    entry.0 += 1;
                }
            }
        }
        for (h, (count, first)) in unread {
            let header = &sheet.header[h];
            let rows = if count == 1 {
                format!("row {first}")
            } else {
                format!("{count} rows, the first row {first}")
            };
            if presentation.contains(&header.column.as_str()) {
                let why = match header.column.as_str() {
                    "constraint_message" | "required_message" => {
                        "canvass forms word their own messages for bounds and required answers"
                    }
                    "image" | "audio" | "video" | "media" => "canvass forms show no media",
                    _ => "canvass forms lay questions out themselves",
                };
                self.note(
                    sheet.header_place(h),
                    format!("not translated ({rows}): {why}"),
                );
            } else {
                self.warn(
                    sheet.header_place(h),
                    format!(
                        "canvass has no equivalent of this column; its values are not kept ({rows})"
                    ),
                );
            }
        }
    }
}

/// The languages of the workbook's columns.
pub struct Languages {
    pub default: String,
    /// Header language part (`English (en)`) → tag; unreadable parts are absent.
    tags: BTreeMap<String, String>,
}

impl Languages {
    /// Works out the languages from every translated header and `default_language`.
    pub fn of(sheets: &[&Sheet], settings: Option<(&Sheet, &Row)>, log: &mut Log) -> Languages {
        let mut tags = BTreeMap::new();
        let mut order = Vec::new();
        let mut plain = false;
        for sheet in sheets {
            for (h, header) in sheet.header.iter().enumerate() {
                let Some(part) = &header.language else {
                    plain |= matches!(header.column.as_str(), column::LABEL | column::HINT);
                    continue;
                };
                if tags.contains_key(part) {
                    continue;
                }
                match vocabulary::language_tag(part) {
                    Some(tag) => {
                        if !order.contains(&tag) {
                            order.push(tag.clone());
                        }
                        tags.insert(part.clone(), tag);
                    }
                    None => log.warn(
                        sheet.header_place(h),
                        format!("cannot tell which language `{part}` is, so its columns are not read; write headers as `label::English (en)`"),
                    ),
                }
            }
        }
        let setting = settings.map(|(sheet, row)| {
            let value = log.take(sheet, row, column::DEFAULT_LANGUAGE).to_string();
            (sheet.place(row, Some(column::DEFAULT_LANGUAGE)), value)
        });
        let named = setting
            .as_ref()
            .filter(|(_, v)| !v.is_empty())
            .and_then(|(place, value)| {
                let tag = vocabulary::language_tag(value);
                if tag.is_none() {
                    log.warn(
                        place.clone(),
                        format!("cannot tell which language `{value}` is"),
                    );
                }
                tag
            });
        let default = match (named, plain, order.first()) {
            (Some(tag), _, _) => tag,
            (None, true, _) => {
                if let Some(sheet) = sheets.first() {
                    log.note(
                        Place::sheet(&sheet.name),
                        "the labels without a language are taken to be English (`en`); set `default_language` in the settings sheet to say otherwise",
                    );
                }
                "en".to_string()
            }
            (None, false, Some(first)) => first.clone(),
            (None, false, None) => "en".to_string(),
        };
        Languages { default, tags }
    }

    /// The tag a header's language part stands for (`None`: the default language).
    fn tag<'a>(&'a self, part: Option<&str>) -> Option<&'a str> {
        match part {
            None => Some(self.default.as_str()),
            Some(part) => self.tags.get(part).map(String::as_str),
        }
    }

    /// A text from the `column` cells of a row, in every language given.
    ///
    /// `exact`: an empty cell is a missing translation and every filled one is kept (the
    /// `canvass` sheet and `canvass_unit`). Otherwise (labels and hints, which canvass
    /// fills with the default text where a translation is missing, as ODK would show
    /// `-`), a translation equal to the default text is no translation; and the text is
    /// unescaped as ODK shows it.
    pub fn text(
        &self,
        sheet: &Sheet,
        row: &Row,
        column: &str,
        exact: bool,
        log: &mut Log,
    ) -> Option<Text> {
        log.mark(sheet, row, column);
        let mut default: Option<String> = None;
        let mut others: BTreeMap<&str, String> = BTreeMap::new();
        for (part, cell) in sheet.texts(row, column) {
            if cell.is_empty() {
                continue;
            }
            let cell = if exact {
                cell.to_string()
            } else {
                restore_odk_label(cell)
            };
            match self.tag(part) {
                Some(tag) if tag == self.default => {
                    default.get_or_insert(cell);
                }
                Some(tag) => {
                    others.entry(tag).or_insert(cell);
                }
                None => {}
            }
        }
        let default = match default {
            Some(text) => text,
            None => {
                let (tag, text) = others.iter().next()?;
                log.warn(
                    sheet.place(row, Some(column)),
                    format!("no `{}` text: the `{tag}` text is used", self.default),
                );
                text.clone()
            }
        };
        let mut text = Text::new(default.trim());
        for (tag, value) in others {
            if exact || value.trim() != text.as_str() {
                text = text.with_translation(tag, value.trim());
            }
        }
        Some(text)
    }
}

/// The code rules of definitions: letters, digits, `_`, `-`, `.`, starting with a letter
/// or digit.
pub fn is_code(code: &str) -> bool {
    code.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A choice list of the choices sheet.
pub struct List {
    pub choices: Vec<Choice>,
    /// Whether every code was usable.
    pub valid: bool,
}

/// Every list of the choices sheet, by name.
pub fn lists(
    sheet: Option<&Sheet>,
    languages: &Languages,
    log: &mut Log,
) -> BTreeMap<String, List> {
    let mut lists: BTreeMap<String, List> = BTreeMap::new();
    let Some(sheet) = sheet else { return lists };
    let list_column = if sheet.find(column::LIST_NAME).is_some() {
        column::LIST_NAME
    } else {
        "list name"
    };
    for row in &sheet.rows {
        let name = log.take(sheet, row, list_column).to_string();
        let code = log.take(sheet, row, column::NAME).to_string();
        if name.is_empty() {
            log.warn(
                sheet.place(row, Some(list_column)),
                "a choice without a list name is not read",
            );
            log.mark_row(sheet, row);
            continue;
        }
        let list = lists.entry(name.clone()).or_insert_with(|| List {
            choices: Vec::new(),
            valid: true,
        });
        if !is_code(&code) {
            log.warn(
                sheet.place(row, Some(column::NAME)),
                format!("`{code}` cannot be a canvass code (letters, digits, `_`, `-`, `.`, starting with a letter or digit); questions using list `{name}` are not imported"),
            );
            list.valid = false;
            continue;
        }
        if list.choices.iter().any(|c| c.code == code) {
            log.warn(
                sheet.place(row, Some(column::NAME)),
                format!("`{code}` is listed twice in `{name}`; the second is not read"),
            );
            continue;
        }
        let label = languages
            .text(sheet, row, column::LABEL, false, log)
            .unwrap_or_else(|| {
                log.warn(
                    sheet.place(row, Some(column::NAME)),
                    format!("choice `{code}` has no label; its code is used"),
                );
                Text::new(code.as_str())
            });
        list.choices.push(Choice {
            code,
            label,
            direction: None,
        });
    }
    lists
}

/// A value with where it was read.
pub type At<T> = (T, Place);

/// A side of a scale as the `canvass` sheet gives it.
pub struct SideFact {
    pub id: String,
    pub codes: Vec<String>,
    pub label: Option<Text>,
    pub place: Place,
}

/// What the `canvass` sheet says; empty for a form canvass did not write.
#[derive(Default)]
pub struct Facts {
    pub present: bool,
    pub title: Option<Text>,
    pub question: Option<Text>,
    pub position: Option<At<String>>,
    pub segments: Vec<At<String>>,
    pub weights: Option<At<String>>,
    pub invited: Option<At<String>>,
    pub rounds: Option<At<String>>,
    pub roster: Option<At<String>>,
    pub description: Option<Text>,
    pub min_group_size: Option<At<String>>,
    pub neutral: BTreeMap<String, At<String>>,
    pub nonsubstantive: BTreeMap<String, Vec<At<String>>>,
    pub sides: BTreeMap<String, Vec<SideFact>>,
    pub directions: BTreeMap<(String, String), At<Direction>>,
}

impl Facts {
    pub fn read(sheet: Option<&Sheet>, languages: &Languages, log: &mut Log) -> Facts {
        let mut facts = Facts::default();
        let Some(sheet) = sheet else { return facts };
        facts.present = true;
        for row in &sheet.rows {
            let key = log.take(sheet, row, column::KEY).to_string();
            let list = log.take(sheet, row, column::LIST_COLUMN).to_string();
            let code = log.take(sheet, row, column::CODE).to_string();
            let value = log.take(sheet, row, column::VALUE).to_string();
            let place = sheet.place(row, Some(column::VALUE));
            let mut text = || languages.text(sheet, row, column::LABEL, true, log);
            match key.as_str() {
                key::FORMAT => {
                    if value != vocabulary::FORMAT {
                        log.warn(
                            place,
                            format!(
                                "written by another version of canvass (`{value}`); read as `{}`",
                                vocabulary::FORMAT
                            ),
                        );
                    }
                }
                key::TITLE => facts.title = text(),
                key::QUESTION => facts.question = text(),
                key::DESCRIPTION => facts.description = text(),
                key::POSITION => facts.position = Some((value, place)),
                key::SEGMENT => facts.segments.push((value, place)),
                key::WEIGHTS => facts.weights = Some((value, place)),
                key::INVITED => facts.invited = Some((value, place)),
                key::ROUNDS => facts.rounds = Some((value, place)),
                key::ROSTER => facts.roster = Some((value, place)),
                key::MIN_GROUP_SIZE => facts.min_group_size = Some((value, place)),
                key::NEUTRAL => {
                    facts.neutral.insert(list, (code, place));
                }
                key::NONSUBSTANTIVE => facts
                    .nonsubstantive
                    .entry(list)
                    .or_default()
                    .push((code, place)),
                key::SIDE => {
                    let label = text();
                    facts.sides.entry(list).or_default().push(SideFact {
                        id: value,
                        codes: code.split_whitespace().map(str::to_string).collect(),
                        label,
                        place,
                    });
                }
                key::DIRECTION => {
                    let direction = match value.as_str() {
                        "for" => Direction::For,
                        "against" => Direction::Against,
                        other => {
                            log.warn(
                                place,
                                format!(
                                    "`{other}` is not a direction; expected `for` or `against`"
                                ),
                            );
                            continue;
                        }
                    };
                    facts.directions.insert((list, code), (direction, place));
                }
                other => log.warn(
                    sheet.place(row, Some(column::KEY)),
                    format!("`{other}` is not a key canvass writes; the row is not read"),
                ),
            }
        }
        facts
    }
}
