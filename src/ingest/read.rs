//! Reading one response file: canvass's own, matched by column name, or another tool's
//! export, mapped onto the canonical columns first; then every record becomes a
//! validated [`Row`], appended to the file's [`Table`], or a rejected one.
//!
//! A canonical text file, the one that can be large, is validated a block of records at
//! a time on every core ([`rayon`]); the blocks' tables and problems are joined in file
//! order, so the result does not depend on the number of threads.

use std::collections::HashSet;
use std::path::Path;

use super::cell::{self, Parsed, Span};
use super::mapping::{self, Mapped, Mapping};
use super::ordered::ordered;
use super::problems::{Effect, Problem};
use super::source::{
    self, Block, Body, OpenError, Overrides, RecordRef, Source, Tool, Unreadable, Utf8Check,
};
use super::table::{CellText, Layout, Part, Pick, Staged, Table};
use super::timestamp;
use crate::error::Result;
use crate::escape;
use crate::survey::{CanonicalColumn, Columns, Given, Survey, Target, did_you_mean};

/// What `show_if` conditions see of the record being read: each answer (per question,
/// per matrix row) as read, with no copy of its cell.
#[derive(Debug, Clone)]
pub struct Row {
    held: Vec<Held>,
    /// Per question, where its first answer is in `held`.
    first: Vec<usize>,
    /// The codes of multiple choices and rankings ([`Parsed::Choices`], [`Parsed::Ranked`]).
    picked: Vec<u8>,
}

/// Per question, where its first answer is among a [`Row`]'s answers (a matrix has one
/// per row, any other question one), and how many answers a row has.
fn first_slots(survey: &Survey) -> (Vec<usize>, usize) {
    let mut first = Vec::with_capacity(survey.questions.len());
    let mut slots = 0;
    for question in &survey.questions {
        first.push(slots);
        slots += question.rows().len().max(1);
    }
    (first, slots)
}

/// One answer as conditions see it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Held {
    Missing,
    Code(u8),
    Codes(Span),
    Number(f64),
    Text,
}

impl Row {
    fn new(survey: &Survey) -> Row {
        let (first, slots) = first_slots(survey);
        Row {
            held: vec![Held::Missing; slots],
            first,
            picked: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.held.fill(Held::Missing);
        self.picked.clear();
    }

    fn slots(&self, q: usize) -> std::ops::Range<usize> {
        self.first[q]..self.first.get(q + 1).copied().unwrap_or(self.held.len())
    }

    fn hold(&mut self, q: usize, slot: usize, parsed: Parsed<'_>) {
        self.held[self.first[q] + slot] = match parsed {
            Parsed::Missing => Held::Missing,
            Parsed::Choice(c) => Held::Code(c),
            Parsed::Choices(span) | Parsed::Ranked(span) => Held::Codes(span),
            Parsed::Number(n) => Held::Number(n),
            Parsed::Text(_) => Held::Text,
        };
    }

    /// Forgets question `q`'s answers (it was not asked).
    fn forget(&mut self, q: usize) {
        let slots = self.slots(q);
        self.held[slots].fill(Held::Missing);
    }

    /// The answer at a `show_if` target, as conditions see it.
    pub fn given(&self, target: Target) -> Given<'_> {
        match self.held[self.first[target.question] + target.row.unwrap_or(0)] {
            Held::Missing => Given::Missing,
            Held::Code(c) => Given::Code(usize::from(c)),
            Held::Codes(span) => Given::Codes(span.of(&self.picked)),
            Held::Number(n) => Given::Number(n),
            Held::Text => Given::Text,
        }
    }
}

/// What one file (or one block of it) gave: accepted rows, and every problem, each with
/// its line.
#[derive(Debug, Clone)]
pub struct FileRows {
    /// Records after the header.
    pub rows_read: u64,
    /// Records set aside; each has at least one `RowRejected` problem.
    pub rows_rejected: u64,
    /// The accepted rows, a part per block read, in file order.
    pub parts: Vec<Part>,
    pub problems: Vec<Problem>,
    /// Rows accepted since the last part was made.
    table: Table,
    /// Reading stopped at bytes that are not UTF-8 in a file begun as UTF-8
    /// ([`Utf8Check::AsRead`]): what was read is to be dropped and the file read again.
    not_utf8: bool,
}

impl FileRows {
    fn new(context: &Context<'_>) -> FileRows {
        FileRows::with_room(context, 0)
    }

    /// With room made for `rows` accepted rows.
    fn with_room(context: &Context<'_>, rows: usize) -> FileRows {
        FileRows {
            rows_read: 0,
            rows_rejected: 0,
            parts: Vec::new(),
            problems: Vec::new(),
            table: Table::with_room(&context.layout, rows),
            not_utf8: false,
        }
    }

    /// Makes the rows accepted so far into a part.
    fn seal(mut self, context: &Context<'_>) -> Result<FileRows> {
        let table = std::mem::replace(&mut self.table, Table::new(&context.layout));
        if !table.is_empty() {
            self.parts.push(table.finish(&context.layout)?);
        }
        Ok(self)
    }

    /// Appends what a later stretch of the same file gave (sealed).
    fn absorb(&mut self, later: FileRows) {
        self.rows_read += later.rows_read;
        self.rows_rejected += later.rows_rejected;
        self.parts.extend(later.parts);
        self.problems.extend(later.problems);
        self.not_utf8 |= later.not_utf8;
    }
}

/// The cells of one record, however it was read.
pub trait Cells {
    fn count(&self) -> usize;
    fn cell(&self, i: usize) -> &str;
}

impl Cells for [String] {
    fn count(&self) -> usize {
        self.len()
    }

    fn cell(&self, i: usize) -> &str {
        &self[i]
    }
}

impl Cells for RecordRef<'_> {
    fn count(&self) -> usize {
        self.len()
    }

    fn cell(&self, i: usize) -> &str {
        RecordRef::cell(self, i)
    }
}

/// What reading a file needs from the survey, built once for all files.
pub struct Context<'a> {
    pub survey: &'a Survey,
    pub columns: Columns,
    /// The response table's columns.
    pub layout: Layout,
    /// Each question's codes, for reading cells.
    pub codes: Vec<cell::Codes>,
    /// The panel roster's ids, when the survey has one.
    pub roster: Option<HashSet<&'a str>>,
    /// Reject a row for any bad cell (`--strict`); by default a bad answer costs only its
    /// cell, unless the question is required where it is shown.
    pub strict: bool,
    /// Keep previews, spam and unfinished responses (`--include-incomplete`, or
    /// `include_incomplete` in `[ingest]`).
    pub include_incomplete: bool,
}

impl<'a> Context<'a> {
    pub fn new(survey: &'a Survey) -> Context<'a> {
        Context {
            strict: false,
            include_incomplete: survey.ingest.include_incomplete,
            survey,
            columns: survey.columns(),
            layout: Layout::of(survey),
            codes: survey.questions.iter().map(cell::Codes::of).collect(),
            roster: survey
                .panel
                .roster
                .as_ref()
                .map(|r| r.ids.iter().map(String::as_str).collect()),
        }
    }
}

/// A problem with the header that makes every row of the file unusable.
struct FatalHeader {
    column: Option<usize>,
    field: String,
    reason: String,
}

/// Where the accepted rows of a file go, a run of [`Part`]s at a time, in file order.
pub type Sink<'s> = dyn FnMut(Vec<Part>) -> Result<()> + 's;

/// Reads a response file (any encoding, delimiter or spreadsheet, through
/// [`source::open`]).
pub fn read_file(context: &Context<'_>, path: &Path, overrides: &Overrides) -> Result<FileRows> {
    let file = path.display().to_string();
    read_again_if_not_utf8(|check| {
        keeping_parts(|sink| {
            let opened = source::open_checking(path, overrides, check);
            read_opened(context, &file, opened, sink)
        })
    })
}

/// What `read` gives with UTF-8 checked as the file is read ([`Utf8Check::AsRead`]), or,
/// for a file that turns out not to be UTF-8, checked first ([`Utf8Check::Whole`]).
///
/// For a reader that keeps what it reads, so that it can drop it: a file without a BOM
/// is then read as UTF-8 if its start is, checked block by block as it is parsed, rather
/// than after a pass over all of it (on a large file, a twentieth of the time); the
/// outcome is the same either way.
fn read_again_if_not_utf8(read: impl Fn(Utf8Check) -> Result<FileRows>) -> Result<FileRows> {
    let first = read(Utf8Check::AsRead)?;
    if !first.not_utf8 {
        return Ok(first);
    }
    drop(first); // before the second reading, not after it
    read(Utf8Check::Whole)
}

/// What a streaming `read` gives, with the parts it handed on kept in it.
pub fn keeping_parts(read: impl FnOnce(&mut Sink<'_>) -> Result<FileRows>) -> Result<FileRows> {
    let mut parts = Vec::new();
    let mut out = read(&mut |more| {
        parts.extend(more);
        Ok(())
    })?;
    out.parts = parts;
    Ok(out)
}

/// [`read_file`], handing the accepted rows to `sink` as they are read instead of keeping
/// them: a large canonical file is read a batch of blocks at a time, so memory holds one
/// batch. The result has the file's counts and problems, and no parts. UTF-8 is checked
/// before the file is read ([`Utf8Check::Whole`]): rows handed on cannot be taken back.
pub fn stream_file(
    context: &Context<'_>,
    path: &Path,
    overrides: &Overrides,
    sink: &mut Sink<'_>,
) -> Result<FileRows> {
    let opened = source::open(path, overrides);
    read_opened(context, &path.display().to_string(), opened, sink)
}

/// Reads a file as [`source::open`] (or [`source::open_bytes`]) opened it; `file` names it
/// in problems.
fn read_opened(
    context: &Context<'_>,
    file: &str,
    opened: Result<Source, OpenError>,
    sink: &mut Sink<'_>,
) -> Result<FileRows> {
    match opened {
        Ok(source) => read_source(context, source, sink),
        Err(e) if e.is_input_problem() => Ok(unopenable(context, file, &e)),
        Err(e) => Err(e.into()),
    }
}

/// Reads a file's contents; `file` names it in problems.
pub fn read_bytes(
    context: &Context<'_>,
    file: &str,
    bytes: &[u8],
    overrides: &Overrides,
) -> Result<FileRows> {
    read_again_if_not_utf8(|check| {
        keeping_parts(|sink| {
            let opened = source::open_bytes_checking(file, bytes.to_vec(), overrides, check);
            read_opened(context, file, opened, sink)
        })
    })
}

/// A file whose content cannot be read at all (a broken workbook): every row of it is lost.
fn unopenable(context: &Context<'_>, file: &str, error: &OpenError) -> FileRows {
    let reason = match &error.problem {
        source::Problem::NotASpreadsheet(reason) | source::Problem::TooLarge(reason) => {
            reason.clone()
        }
        _ => error.to_string(),
    };
    let mut out = FileRows::new(context);
    out.problems.push(Problem {
        file: file.to_string(),
        line: 1,
        column: None,
        field: None,
        value: None,
        effect: Effect::FileRejected,
        reason,
    });
    out
}

/// Reads an opened file. canvass's own format is matched by column name and validated
/// record by record as it streams; any other tool's export is first mapped onto the
/// survey's canonical columns by [`mapping`], then validated the same way.
pub fn read_source(context: &Context<'_>, source: Source, sink: &mut Sink<'_>) -> Result<FileRows> {
    // An empty file has no tool; the canonical reading says what header it expected.
    let mut out = if source.detected.tool == Tool::Canonical || source.header.is_empty() {
        read_canonical(context, source, sink)?
    } else {
        read_export(context, source).seal(context)?
    };
    sink(std::mem::take(&mut out.parts))?;
    Ok(out)
}

/// An export from another tool: headings → a column plan → canonical cells → the same
/// validation as a canonical file. Problems name the export's own columns and lines.
///
/// The records are collected before mapping because some formats are decided from a
/// file's values (fractions or percents, day/month order): exports are small, and a
/// canonical file, the one that can be large, never comes this way.
fn read_export(context: &Context<'_>, source: Source) -> FileRows {
    let file = source.file.clone();
    let mut out = FileRows::new(context);
    let (mut plan, plan_problems) = mapping::plan(
        context.survey,
        &file,
        &source.detected,
        &source.header,
        &Mapping {
            include_incomplete: context.include_incomplete,
            ..Mapping::from_rules(&context.survey.ingest)
        },
    );
    out.problems.extend(plan_problems);
    let records: Vec<_> = source.body.records().collect();
    out.problems
        .extend(plan.settle(records.iter().filter_map(|r| r.as_ref().ok())));

    // The canonical header the validation sees: the columns some export column feeds.
    let present = plan.present();
    let fed: Vec<usize> = (0..present.len()).filter(|&i| present[i]).collect();
    let canonical: Vec<String> = fed
        .iter()
        .map(|&i| plan.columns.columns[i].0.clone())
        .collect();
    let header_line = source.header.first().map_or(1, |r| r.line);
    let (columns, fatal) = map_header(context, &file, header_line, &canonical, &mut out.problems);
    let steps = steps(context, &columns);
    let mut scratch = Scratch::new(context);

    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(unreadable) => {
                if !note_unreadable(&mut out, &file, unreadable) {
                    break;
                }
                continue;
            }
        };
        out.rows_read += 1;
        let mut mapped = plan.apply(&record);
        if !context.strict {
            forgive_mapped(&mut mapped);
        }
        if mapped.is_rejected() || mapped.is_set_aside() {
            // A set-aside row (preview, spam, unfinished) is not a response either; its own
            // effect in rejects.csv says why, and it is not an input problem.
            out.rows_rejected += 1;
            out.problems.extend(mapped.problems);
            continue;
        }
        out.problems.extend(mapped.problems);
        if let Some(fatal) = &fatal {
            out.rows_rejected += 1;
            out.problems.push(Problem {
                file: file.clone(),
                line: record.line,
                column: None,
                field: Some(fatal.field.clone()),
                value: None,
                effect: Effect::RowRejected,
                reason: fatal.reason.clone(),
            });
            continue;
        }
        let cells: Vec<String> = fed
            .iter()
            .map(|&i| {
                mapped.cells[i]
                    .as_ref()
                    .map_or(String::new(), |c| c.text.clone())
            })
            .collect();
        let staged = out.table.staged();
        read_record(
            context,
            &columns,
            &steps,
            cells.as_slice(),
            &mut scratch,
            staged,
        );
        let rejected = scratch.rejected();
        if rejected {
            out.rows_rejected += 1;
        }
        for (column, effect, value, reason) in scratch.problems.drain(..) {
            // Back from the canonical cell to the export column it came from.
            let canonical = column.map(|c| fed[c]);
            let export_column = canonical.and_then(|i| plan.source_column(i));
            let field = match export_column {
                Some(c) => plan.heading(c).map(str::to_string),
                None => canonical.map(|i| plan.columns.columns[i].0.clone()),
            };
            out.problems.push(Problem {
                file: file.clone(),
                line: record.line,
                column: export_column,
                field,
                value,
                effect,
                reason,
            });
        }
        if !rejected {
            out.table.push(record.line, |i| cells[i].as_str());
        }
    }
    out
}

/// The lenient default for exports: a value the mapping cannot read (an unknown label, a
/// date it cannot parse) empties its canonical cell instead of rejecting the row. The
/// validation then rejects the row only if that answer was required where shown.
fn forgive_mapped(mapped: &mut Mapped) {
    for problem in &mut mapped.problems {
        if problem.effect != Effect::RowRejected {
            continue;
        }
        let Some(column) = problem.column else {
            continue;
        };
        let mut emptied = false;
        for cell in mapped.cells.iter_mut().flatten() {
            if cell.column == Some(column) {
                cell.text.clear();
                emptied = true;
            }
        }
        if emptied {
            problem.effect = Effect::CellDropped;
            problem
                .reason
                .push_str("; the row is kept without this cell (--strict rejects it)");
        }
    }
}

/// Counts an unreadable record; returns whether reading can go on after it.
fn note_unreadable(out: &mut FileRows, file: &str, unreadable: Unreadable) -> bool {
    if unreadable.not_utf8.is_some() {
        // Not a problem of the file: it is read again (`read_again_if_not_utf8`).
        out.not_utf8 = true;
        return false;
    }
    let effect = if unreadable.fatal {
        Effect::FileRejected
    } else {
        out.rows_read += 1;
        out.rows_rejected += 1;
        Effect::RowRejected
    };
    out.problems.push(Problem {
        file: file.to_string(),
        line: unreadable.line,
        column: None,
        field: None,
        value: None,
        effect,
        reason: unreadable.reason,
    });
    !unreadable.fatal
}

/// canvass's own format: its first heading row is matched against the survey's columns,
/// then every record is validated as it is read; text a block of records at a time, on
/// every core.
fn read_canonical(context: &Context<'_>, source: Source, sink: &mut Sink<'_>) -> Result<FileRows> {
    let file = source.file.as_str();
    let mut out = FileRows::new(context);
    let Some(header) = source.header.first() else {
        let reason = format!(
            "the file is empty; expected a header row: {}",
            context.columns.header().join(",")
        );
        out.problems
            .push(Problem::at(file, 1, Effect::FileRejected, reason));
        return Ok(out);
    };
    let (mapping, fatal) = map_header(context, file, header.line, &header.cells, &mut out.problems);
    let reading = Canonical {
        context,
        file,
        steps: steps(context, &mapping),
        mapping,
        fatal,
        names: header.cells.iter().map(|h| h.trim().to_string()).collect(),
    };
    match source.body {
        Body::Blocks { width, blocks } => {
            // Each thread takes the next block as soon as it is free, so reading and
            // cutting the file (on whichever thread asks) overlaps with checking the
            // blocks; the parts go to the sink in file order, a run at a time, and only
            // the blocks in flight are in memory besides what the sink keeps.
            ordered(
                blocks,
                |block| {
                    let (part, go_on) = reading.block(block, width);
                    Ok((part.seal(context)?, go_on))
                },
                |(part, go_on)| {
                    out.absorb(part);
                    if out.parts.len() >= SINK_PARTS {
                        sink(std::mem::take(&mut out.parts))?;
                    }
                    // Blocks after one that cannot be read past may have been checked
                    // already; what they found is not kept.
                    Ok(go_on)
                },
            )?;
        }
        Body::Records(records) => {
            let mut scratch = Scratch::new(context);
            for record in records {
                match record {
                    Ok(record) => {
                        reading.record(record.line, record.cells.as_slice(), &mut scratch, &mut out)
                    }
                    Err(unreadable) => {
                        if !note_unreadable(&mut out, file, unreadable) {
                            break;
                        }
                    }
                }
            }
        }
    }
    out.seal(context)
}

/// Blocks' parts handed to the sink at a time: the sink's own work (finding repeats across
/// files, for a report) then runs on runs of rows large enough for its threads.
const SINK_PARTS: usize = 32;

/// What reading the records of a canonical file needs, shared by the threads.
struct Canonical<'c> {
    context: &'c Context<'c>,
    file: &'c str,
    /// For each header cell, which canonical column it is.
    mapping: Vec<Option<CanonicalColumn>>,
    /// For each header cell, how it is read.
    steps: Vec<Step>,
    /// A header problem that makes every row unusable.
    fatal: Option<FatalHeader>,
    /// The header's names, trimmed, for messages.
    names: Vec<String>,
}

impl Canonical<'_> {
    /// One block's records (or why it could not be read); `false` when reading must stop
    /// after it.
    fn block(&self, block: Result<Block, Unreadable>, width: usize) -> (FileRows, bool) {
        let block = match block {
            Ok(block) => block,
            Err(unreadable) => {
                let mut out = FileRows::new(self.context);
                let go_on = note_unreadable(&mut out, self.file, unreadable);
                return (out, go_on);
            }
        };
        let mut out = FileRows::with_room(self.context, block.records_at_most());
        let mut scratch = Scratch::new(self.context);
        let mut go_on = true;
        block.for_each_record(width, |record, _| {
            match record {
                Ok(record) => self.record(record.line, &record, &mut scratch, &mut out),
                Err(unreadable) => go_on = note_unreadable(&mut out, self.file, unreadable),
            }
            go_on
        });
        (out, go_on)
    }

    /// Validates one record into `out`: a row of its table, or a rejected row.
    fn record<C: Cells + ?Sized>(
        &self,
        line: u64,
        cells: &C,
        scratch: &mut Scratch,
        out: &mut FileRows,
    ) {
        out.rows_read += 1;
        let problem = |effect: Effect, reason: String| Problem::at(self.file, line, effect, reason);
        if let Some(fatal) = &self.fatal {
            out.rows_rejected += 1;
            out.problems.push(Problem {
                column: fatal.column,
                field: Some(fatal.field.clone()),
                ..problem(Effect::RowRejected, fatal.reason.clone())
            });
            return;
        }
        let width = self.names.len();
        if cells.count() != width {
            out.rows_rejected += 1;
            out.problems.push(Problem {
                column: Some(cells.count().min(width) + 1),
                ..problem(
                    Effect::RowRejected,
                    format!(
                        "the row has {} fields; the header has {width}",
                        cells.count()
                    ),
                )
            });
            return;
        }
        let staged = out.table.staged();
        read_record(
            self.context,
            &self.mapping,
            &self.steps,
            cells,
            scratch,
            staged,
        );
        let rejected = scratch.rejected();
        if rejected {
            out.rows_rejected += 1;
        }
        for (column, effect, value, reason) in scratch.problems.drain(..) {
            out.problems.push(Problem {
                column: column.map(|c| c + 1),
                field: column.map(|c| self.names[c].clone()),
                value,
                ..problem(effect, reason)
            });
        }
        if !rejected {
            out.table.push(line, |i| cells.cell(i));
        }
    }
}

/// A problem in one cell: (0-based column, effect, raw value, reason).
type Found = (Option<usize>, Effect, Option<String>, String);

/// For each header cell, which canonical column it is (`None`: ignored). Problems with
/// the header are pushed; one that makes every row unusable is returned.
fn map_header(
    context: &Context<'_>,
    file: &str,
    line: u64,
    header: &[String],
    problems: &mut Vec<Problem>,
) -> (Vec<Option<CanonicalColumn>>, Option<FatalHeader>) {
    let (survey, columns) = (context.survey, &context.columns);
    let mut mapping = Vec::with_capacity(header.len());
    let mut fatal = None;
    let at = |column: Option<usize>, field: &str, effect: Effect, reason: String| Problem {
        file: file.to_string(),
        line,
        column,
        field: Some(field.to_string()),
        value: None,
        effect,
        reason,
    };
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        let found = columns.find(name);
        match found {
            None => {
                let mut reason = format!(
                    "column `{name}` matches no question of survey `{}`",
                    survey.id
                );
                if let Some(help) = did_you_mean(name, columns.header()) {
                    reason.push_str(&format!(" ({help})"));
                }
                problems.push(at(Some(i + 1), name, Effect::ColumnIgnored, reason));
            }
            Some(column) => {
                if let Some(first) = mapping.iter().position(|m| *m == Some(column)) {
                    let reason = format!(
                        "column `{name}` appears twice in the header (columns {} and {}), so no row can be read unambiguously",
                        first + 1,
                        i + 1
                    );
                    problems.push(at(Some(i + 1), name, Effect::FileRejected, reason.clone()));
                    fatal.get_or_insert(FatalHeader {
                        column: Some(i + 1),
                        field: name.to_string(),
                        reason,
                    });
                }
            }
        }
        mapping.push(found);
    }
    for (name, column) in &columns.columns {
        if mapping.contains(&Some(*column)) {
            continue;
        }
        if columns.is_required(survey, *column) {
            let reason = format!("the header has no `{name}` column, which every row needs");
            problems.push(at(None, name, Effect::FileRejected, reason.clone()));
            fatal.get_or_insert(FatalHeader {
                column: None,
                field: name.clone(),
                reason,
            });
        } else if matches!(
            column,
            CanonicalColumn::Answer(_) | CanonicalColumn::Row(..)
        ) {
            let reason =
                format!("the header has no `{name}` column; every row is read as not answering it");
            problems.push(at(None, name, Effect::Note, reason));
        }
    }
    (mapping, fatal)
}

/// How one cell of a record is read, worked out from the header once per file.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// A column no question has.
    Skip,
    /// A single choice, scale level or matrix row: a cell that is exactly one of the
    /// question's codes (most cells of most files) is found and put in place directly;
    /// anything else is read as `column` is.
    Choice {
        column: CanonicalColumn,
        question: usize,
        /// Where its answer is in [`Row::held`].
        held: usize,
        /// Its code column in the table ([`Layout::code_column`]).
        code: usize,
    },
    /// Any other column, read by the kind of its question.
    Read(CanonicalColumn),
}

/// The [`Step`] for each cell of records under a header mapped to `mapping`.
fn steps(context: &Context<'_>, mapping: &[Option<CanonicalColumn>]) -> Vec<Step> {
    let (first, _) = first_slots(context.survey);
    // Only a single choice, a scale level and a matrix row have a code column of their
    // own, so that is what makes a choice step.
    let choice = |column: CanonicalColumn, q: usize, slot: usize| match context
        .layout
        .code_column(q, slot)
    {
        Some(code) => Step::Choice {
            column,
            question: q,
            held: first[q] + slot,
            code,
        },
        None => Step::Read(column),
    };
    mapping
        .iter()
        .map(|column| match *column {
            None => Step::Skip,
            Some(column @ CanonicalColumn::Answer(q)) => choice(column, q, 0),
            Some(column @ CanonicalColumn::Row(q, slot)) => choice(column, q, slot),
            Some(column) => Step::Read(column),
        })
        .collect()
}

/// What validating a record needs besides the record, kept from one record to the next
/// so that a valid row allocates nothing but what the table keeps.
struct Scratch {
    /// The record's answers as conditions see them.
    row: Row,
    /// Where each answer came from: (question, 0-based column), for problems found after
    /// the cells are read.
    cells_of: Vec<(usize, usize)>,
    /// Per question, whether `cells_of` has a cell of it.
    answered: Vec<bool>,
    /// Answers refused (question, slot), so that a refused required answer is not also
    /// reported missing.
    refused: Vec<(usize, usize)>,
    /// Refused cells a lenient reading may drop instead of the row: (question and slot, or
    /// `None` for a cell no row needs: the submission time, a coder's coding; index of its
    /// problem).
    forgivable: Vec<(Option<(usize, usize)>, usize)>,
    problems: Vec<Found>,
}

impl Scratch {
    fn new(context: &Context<'_>) -> Scratch {
        Scratch {
            row: Row::new(context.survey),
            cells_of: Vec::new(),
            answered: vec![false; context.survey.questions.len()],
            refused: Vec::new(),
            forgivable: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn reset(&mut self) {
        self.row.clear();
        self.cells_of.clear();
        self.refused.clear();
        self.forgivable.clear();
        self.problems.clear();
    }

    /// Whether the record just read is rejected.
    fn rejected(&self) -> bool {
        self.problems.iter().any(|p| p.1 == Effect::RowRejected)
    }
}

/// Validates every cell of a record, then the answers against `required` and
/// `show_if`, into `staged` (the table's next row, meaningful only without `RowRejected`
/// problems) and `scratch` (the problems found).
fn read_record<C: Cells + ?Sized>(
    context: &Context<'_>,
    mapping: &[Option<CanonicalColumn>],
    steps: &[Step],
    record: &C,
    scratch: &mut Scratch,
    staged: &mut Staged,
) {
    let (survey, layout) = (context.survey, &context.layout);
    scratch.reset();
    staged.clear();
    let Scratch {
        row,
        cells_of,
        refused,
        forgivable,
        problems,
        ..
    } = &mut *scratch;
    for (i, step) in steps.iter().enumerate().take(record.count()) {
        let column = match step {
            Step::Skip => continue,
            Step::Read(column) => column,
            Step::Choice {
                column,
                question,
                held,
                code,
            } => {
                let text = record.cell(i);
                if text.is_empty() {
                    continue; // not answered: nothing to hold or stage
                }
                if let Some(c) = context.codes[*question].find_exact(text) {
                    cells_of.push((*question, i));
                    row.held[*held] = Held::Code(c);
                    staged.set_code(*code, c);
                    continue;
                }
                column
            }
        };
        let text = record.cell(i);
        let cell = escape::restore_csv_cell(text);
        let mut refuse = |reason: String| {
            problems.push((Some(i), Effect::RowRejected, Some(text.to_string()), reason))
        };
        match column {
            CanonicalColumn::RespondentId => {
                let id = cell.trim();
                if id.is_empty() {
                    refuse("the respondent_id is empty".into());
                } else if context.roster.as_ref().is_some_and(|r| !r.contains(id)) {
                    refuse(format!("respondent `{id}` is not on the panel roster"));
                } else {
                    staged.respondent_id = Some(CellText::locate(i, text, id));
                }
            }
            CanonicalColumn::SubmittedAt => match timestamp::parse(cell) {
                Ok(at) => staged.submitted_at = at,
                Err(reason) => {
                    refuse(reason);
                    forgivable.push((None, problems.len() - 1));
                }
            },
            CanonicalColumn::Weight => match cell.trim().parse::<f64>() {
                Ok(w) if w.is_finite() && w > 0.0 => staged.weight = Some(w),
                _ => refuse(format!(
                    "the weight `{}` is not a positive number",
                    cell.trim()
                )),
            },
            CanonicalColumn::Round => {
                let rounds = survey.panel.rounds.unwrap_or(1);
                match cell.trim().parse::<u32>() {
                    Ok(r) if (1..=rounds).contains(&r) => staged.round = Some(r),
                    _ => refuse(format!(
                        "the round `{}` is not a whole number from 1 to {rounds}",
                        cell.trim()
                    )),
                }
            }
            CanonicalColumn::Coded(q, c) => {
                let question = &survey.questions[*q];
                match cell::parse_with(question, &context.codes[*q], cell, &mut row.picked) {
                    Ok(parsed) => {
                        if parsed != Parsed::Missing {
                            cells_of.push((*q, i));
                        }
                        let pick = Pick::Coded {
                            question: *q,
                            coder: *c,
                        };
                        staged.set(layout, pick, parsed, &row.picked, (i, text));
                    }
                    Err(reason) => {
                        refuse(reason);
                        forgivable.push((None, problems.len() - 1));
                    }
                }
            }
            CanonicalColumn::Other(q) => {
                let other = cell.trim();
                if !other.is_empty() {
                    staged.set_other(layout, *q, (i, text), other);
                    cells_of.push((*q, i));
                }
            }
            CanonicalColumn::Answer(q) | CanonicalColumn::Row(q, _) => {
                let slot = if let CanonicalColumn::Row(_, r) = column {
                    *r
                } else {
                    0
                };
                let question = &survey.questions[*q];
                match cell::parse_with(question, &context.codes[*q], cell, &mut row.picked) {
                    Ok(parsed) => {
                        if parsed != Parsed::Missing {
                            cells_of.push((*q, i));
                        }
                        row.hold(*q, slot, parsed);
                        let pick = Pick::Answer { question: *q, slot };
                        staged.set(layout, pick, parsed, &row.picked, (i, text));
                    }
                    Err(reason) => {
                        refuse(reason);
                        refused.push((*q, slot));
                        forgivable.push((Some((*q, slot)), problems.len() - 1));
                    }
                }
            }
        }
    }
    if !context.strict {
        forgive(context, row, forgivable, problems);
    }
    apply_show_if(context, mapping, record, scratch, staged);
}

/// The lenient default: a refused cell is dropped and the row kept — unless it is the
/// answer to a required question shown to this respondent, without which the row cannot
/// stand.
fn forgive(
    context: &Context<'_>,
    row: &Row,
    forgivable: &[(Option<(usize, usize)>, usize)],
    problems: &mut [Found],
) {
    for (answer, index) in forgivable {
        if let Some((q, _)) = answer {
            let question = &context.survey.questions[*q];
            let shown = question
                .show_if
                .as_ref()
                .is_none_or(|c| c.cond.holds(&|t| row.given(t)));
            if question.required && shown {
                continue;
            }
        }
        let problem = &mut problems[*index];
        problem.1 = Effect::CellDropped;
        problem
            .3
            .push_str("; the row is kept without this cell (--strict rejects it)");
    }
}

/// A question whose `show_if` does not hold for this respondent was not asked: any
/// answer to it is dropped (and said so); one whose condition holds must be answered if
/// it is required.
fn apply_show_if<C: Cells + ?Sized>(
    context: &Context<'_>,
    mapping: &[Option<CanonicalColumn>],
    record: &C,
    scratch: &mut Scratch,
    staged: &mut Staged,
) {
    let Scratch {
        row,
        cells_of,
        refused,
        problems,
        answered,
        ..
    } = scratch;
    let rejected = problems.iter().any(|p| p.1 == Effect::RowRejected);
    answered.fill(false);
    for &(q, _) in cells_of.iter() {
        answered[q] = true;
    }
    for (q, question) in context.survey.questions.iter().enumerate() {
        let shown = question
            .show_if
            .as_ref()
            .is_none_or(|c| c.cond.holds(&|t| row.given(t)));
        if !shown {
            // On a row rejected anyway, a note about an unused cell would only be noise.
            let noted = answered[q] && !rejected;
            let given = cells_of.iter().filter(|(of, _)| noted && *of == q);
            for &(_, column) in given {
                let reason = format!(
                    "`{}` was answered although it is not asked of this respondent (show_if: {}); the answer is not used",
                    question.id,
                    question.show_if.as_ref().map_or("", |c| c.source.as_str())
                );
                problems.push((
                    Some(column),
                    Effect::CellDropped,
                    Some(record.cell(column).to_string()),
                    reason,
                ));
            }
            row.forget(q);
            staged.clear_question(&context.layout, q);
            continue;
        }
        if !question.required {
            continue;
        }
        for (slot, held) in row.held[row.slots(q)].iter().enumerate() {
            if *held != Held::Missing || refused.contains(&(q, slot)) {
                continue;
            }
            let wanted = match question.kind {
                crate::survey::QuestionKind::Matrix { .. } => CanonicalColumn::Row(q, slot),
                _ => CanonicalColumn::Answer(q),
            };
            // A required question always shown has its column (the header check saw to
            // that); one behind a show_if may lack it, and then the row cannot answer it.
            let column = mapping.iter().position(|m| *m == Some(wanted));
            let what = match question.rows().get(slot) {
                Some(r) => format!("`{}.{}`", question.id, r.code),
                None => format!("`{}`", question.id),
            };
            let reason = match column {
                Some(_) => format!("{what} is required but the cell is empty"),
                None => format!("{what} is required here, but the file has no column for it"),
            };
            problems.push((
                column,
                Effect::RowRejected,
                column.map(|_| String::new()),
                reason,
            ));
        }
    }
}
