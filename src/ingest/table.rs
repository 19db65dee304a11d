//! The response table as it is built: one typed vector per column, appended to as rows
//! are accepted, so that accepted rows cost only their typed values. Each block of a file
//! becomes a polars table on the thread that read it; joining them in file order only
//! links their columns.

use polars::prelude::*;
use polars_arrow::array::{BooleanArray, MutableBinaryViewArray};
use polars_arrow::bitmap::MutableBitmap;
use polars_arrow::datatypes::ArrowDataType;

use super::cell::Parsed;
use super::responses::column;
use crate::error::Result;
use crate::survey::{QuestionKind, Survey};

/// The response table's answer columns, and where a record's answers go among them.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The weights column's name, for weighted surveys.
    weights: Option<String>,
    rounds: bool,
    /// Each answer column's name and where its values are kept.
    columns: Vec<(String, Place)>,
    /// How many columns of each [`Kind`].
    widths: [usize; KINDS],
    /// Per question, per slot (matrix row, or 0): where its answer goes.
    answers: Vec<Vec<Dest>>,
    /// Per question, per coder: where the coding goes.
    coded: Vec<Vec<Dest>>,
    /// Per question: the column of the text given with its "other" choice.
    others: Vec<Option<Place>>,
}

/// The kinds of answer column, each kept in its own array of a [`Staged`] row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A choice or scale level's index, or a rank (1 = first).
    Code,
    /// Whether one choice of a multiple-choice answer is ticked.
    Tick,
    Number,
    Year,
    Text,
}

const KINDS: usize = 5;

/// A column: its kind, and its index among the columns of that kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    kind: Kind,
    index: usize,
}

/// Where one answer goes: one column, or a run of columns, one per choice.
#[derive(Debug, Clone, Copy)]
enum Dest {
    Code(usize),
    /// The tick columns `first..first + n`, one per choice.
    Ticks {
        first: usize,
        n: usize,
    },
    /// The rank columns `first..first + n` (code columns), one per choice.
    Ranks {
        first: usize,
        n: usize,
    },
    Number(usize),
    Year(usize),
    Text(usize),
}

impl Layout {
    /// The response table's columns for `survey`, in the order documented in
    /// [`super::responses`].
    pub fn of(survey: &Survey) -> Layout {
        let mut layout = Layout {
            weights: survey.weights.clone(),
            rounds: survey.panel.rounds.is_some(),
            columns: Vec::new(),
            widths: [0; KINDS],
            answers: Vec::new(),
            coded: Vec::new(),
            others: Vec::new(),
        };
        for question in &survey.questions {
            let id = question.id.as_str();
            let answers = match &question.kind {
                QuestionKind::Matrix { rows, .. } => rows
                    .iter()
                    .map(|row| Dest::Code(layout.add(column::choice(id, &row.code), Kind::Code)))
                    .collect(),
                kind => vec![layout.answer(id, kind)],
            };
            layout.answers.push(answers);
            let other = question
                .has_other()
                .then(|| layout.place(column::other(id), Kind::Text));
            layout.others.push(other);
            let coded = question
                .coders
                .iter()
                .map(|coder| layout.answer(&column::coded(id, coder), &question.kind))
                .collect();
            layout.coded.push(coded);
        }
        layout
    }

    /// Adds a column of `kind`; its index among that kind's columns.
    fn add(&mut self, name: String, kind: Kind) -> usize {
        self.place(name, kind).index
    }

    fn place(&mut self, name: String, kind: Kind) -> Place {
        let place = Place {
            kind,
            index: self.widths[kind as usize],
        };
        self.widths[kind as usize] += 1;
        self.columns.push((name, place));
        place
    }

    /// The column(s) of one answer that is not a matrix row: `name`, or `name.code` per
    /// choice.
    fn answer(&mut self, name: &str, kind: &QuestionKind) -> Dest {
        let per_choice = |layout: &mut Layout, column_kind: Kind| {
            let choices = match kind {
                QuestionKind::Multiple { options, .. } | QuestionKind::Ranking { options, .. } => {
                    &options.choices[..]
                }
                _ => &[],
            };
            let first = layout.widths[column_kind as usize];
            for choice in choices {
                layout.add(column::choice(name, &choice.code), column_kind);
            }
            (first, choices.len())
        };
        match kind {
            QuestionKind::Single { .. }
            | QuestionKind::Likert { .. }
            | QuestionKind::Matrix { .. } => Dest::Code(self.add(name.to_string(), Kind::Code)),
            QuestionKind::Multiple { .. } => {
                let (first, n) = per_choice(self, Kind::Tick);
                Dest::Ticks { first, n }
            }
            QuestionKind::Ranking { .. } => {
                let (first, n) = per_choice(self, Kind::Code);
                Dest::Ranks { first, n }
            }
            QuestionKind::Numeric { .. } | QuestionKind::Probability => {
                Dest::Number(self.add(name.to_string(), Kind::Number))
            }
            QuestionKind::Year { .. } => Dest::Year(self.add(name.to_string(), Kind::Year)),
            QuestionKind::Text { .. } => Dest::Text(self.add(name.to_string(), Kind::Text)),
        }
    }
}

/// Where a text is in the record it came from: cell `cell`, bytes `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellText {
    pub cell: u32,
    pub start: u32,
    pub end: u32,
}

impl CellText {
    /// Where `part` (a slice of `cell`, e.g. it trimmed) is in cell number `index`.
    pub fn locate(index: usize, cell: &str, part: &str) -> CellText {
        let start = part.as_ptr() as usize - cell.as_ptr() as usize;
        debug_assert!(
            start + part.len() <= cell.len(),
            "the part lies in the cell"
        );
        CellText {
            cell: index as u32,
            start: start as u32,
            end: (start + part.len()) as u32,
        }
    }

    pub fn of<'a>(self, cell: impl Fn(usize) -> &'a str) -> &'a str {
        &cell(self.cell as usize)[self.start as usize..self.end as usize]
    }
}

/// The record being read, laid out as a row of the table: each kind of column in its
/// own array, empty (a sentinel) until a cell fills it, so that appending an accepted row
/// is one copy per kind of column with no decisions, and rejecting one costs nothing.
#[derive(Debug, Clone)]
pub struct Staged {
    pub respondent_id: Option<CellText>,
    /// Milliseconds since the Unix epoch, UTC.
    pub submitted_at: Option<i64>,
    pub weight: Option<f64>,
    pub round: Option<u32>,
    /// Code indices and ranks ([`NO_CODE`]: empty); wider than the `u8` the column keeps,
    /// so that no code or rank can be mistaken for the sentinel.
    codes: Vec<u16>,
    /// 0 or 1 ([`NO_TICK`]: empty).
    ticks: Vec<u8>,
    /// Always finite when given ([`NO_NUMBER`], a NaN: empty).
    numbers: Vec<f64>,
    /// A year as the `i32` kept ([`NO_YEAR`]: empty).
    years: Vec<i64>,
    texts: Vec<Option<CellText>>,
}

/// The empty value of each kind of staged column (see [`Staged`]).
const NO_CODE: u16 = u16::MAX;
const NO_TICK: u8 = 2;
const NO_NUMBER: f64 = f64::NAN;
const NO_YEAR: i64 = i64::MIN;

/// Which answer of a record: a question's own (`slot`: its matrix row, or 0), or a
/// coder's coding of it.
#[derive(Debug, Clone, Copy)]
pub enum Pick {
    Answer { question: usize, slot: usize },
    Coded { question: usize, coder: usize },
}

impl Staged {
    pub fn new(layout: &Layout) -> Staged {
        let [codes, ticks, numbers, years, texts] = layout.widths;
        Staged {
            respondent_id: None,
            submitted_at: None,
            weight: None,
            round: None,
            codes: vec![NO_CODE; codes],
            ticks: vec![NO_TICK; ticks],
            numbers: vec![NO_NUMBER; numbers],
            years: vec![NO_YEAR; years],
            texts: vec![None; texts],
        }
    }

    /// Empties every column, for the next record.
    pub fn clear(&mut self) {
        self.respondent_id = None;
        self.submitted_at = None;
        self.weight = None;
        self.round = None;
        self.codes.fill(NO_CODE);
        self.ticks.fill(NO_TICK);
        self.numbers.fill(NO_NUMBER);
        self.years.fill(NO_YEAR);
        self.texts.fill(None);
    }

    /// Puts an answer read from cell `index` (whose text is `cell`) in its columns;
    /// `picked` holds the codes of a multiple choice or ranking.
    pub fn set(
        &mut self,
        layout: &Layout,
        pick: Pick,
        parsed: Parsed<'_>,
        picked: &[u8],
        (index, cell): (usize, &str),
    ) {
        let dest = layout.dest(pick);
        match (dest, parsed) {
            (_, Parsed::Missing) => {}
            (Dest::Code(i), Parsed::Choice(c)) => self.codes[i] = u16::from(c),
            (Dest::Ticks { first, n }, Parsed::Choices(span)) => {
                let ticks = &mut self.ticks[first..first + n];
                ticks.fill(0);
                for &c in span.of(picked) {
                    ticks[usize::from(c)] = 1;
                }
            }
            (Dest::Ranks { first, n }, Parsed::Ranked(span)) => {
                let ranks = &mut self.codes[first..first + n];
                for (rank, &c) in span.of(picked).iter().enumerate() {
                    // At most 255 choices, so a rank fits the column's u8.
                    ranks[usize::from(c)] = rank as u16 + 1;
                }
            }
            (Dest::Number(i), Parsed::Number(n)) => self.numbers[i] = n,
            (Dest::Year(i), Parsed::Number(n)) => self.years[i] = i64::from(n as i32),
            (Dest::Text(i), Parsed::Text(t)) => {
                self.texts[i] = Some(CellText::locate(index, cell, t))
            }
            (dest, parsed) => unreachable!("{parsed:?} is not an answer for {dest:?}"),
        }
    }

    /// Puts the code index `c` in code column `column` (see [`Layout::code_column`]).
    pub fn set_code(&mut self, column: usize, c: u8) {
        self.codes[column] = u16::from(c);
    }

    /// Puts the "other" text of question `q`, `other` being a part of cell `index`.
    pub fn set_other(
        &mut self,
        layout: &Layout,
        q: usize,
        (index, cell): (usize, &str),
        other: &str,
    ) {
        if let Some(place) = layout.others[q] {
            self.texts[place.index] = Some(CellText::locate(index, cell, other));
        }
    }

    /// Empties every column of question `q`: its answers, codings and "other" text.
    pub fn clear_question(&mut self, layout: &Layout, q: usize) {
        for dest in layout.answers[q].iter().chain(&layout.coded[q]) {
            match *dest {
                Dest::Code(i) => self.codes[i] = NO_CODE,
                Dest::Ticks { first, n } => self.ticks[first..first + n].fill(NO_TICK),
                Dest::Ranks { first, n } => self.codes[first..first + n].fill(NO_CODE),
                Dest::Number(i) => self.numbers[i] = NO_NUMBER,
                Dest::Year(i) => self.years[i] = NO_YEAR,
                Dest::Text(i) => self.texts[i] = None,
            }
        }
        if let Some(place) = layout.others[q] {
            self.texts[place.index] = None;
        }
    }
}

impl Layout {
    /// The code column that answer `slot` of question `q` goes to, when it is one (a
    /// single choice, a scale level, a matrix row).
    pub fn code_column(&self, q: usize, slot: usize) -> Option<usize> {
        match self.answers.get(q)?.get(slot)? {
            Dest::Code(column) => Some(*column),
            _ => None,
        }
    }

    fn dest(&self, pick: Pick) -> Dest {
        match pick {
            Pick::Answer { question, slot } => self.answers[question][slot],
            Pick::Coded { question, coder } => self.coded[question][coder],
        }
    }
}

/// A column of plain values with a validity mask, made into a polars array without a
/// copy or a per-value builder call.
#[derive(Debug, Clone, Default)]
struct Nullable<T> {
    values: Vec<T>,
    valid: MutableBitmap,
}

impl<T: Default> Nullable<T> {
    fn with_room(rows: usize) -> Nullable<T> {
        Nullable {
            values: Vec::with_capacity(rows),
            valid: MutableBitmap::with_capacity(rows),
        }
    }

    fn push(&mut self, value: Option<T>) {
        self.valid.push(value.is_some());
        self.values.push(value.unwrap_or_default());
    }
}

impl<T> Nullable<T> {
    fn into_chunked<P>(self, name: PlSmallStr) -> ChunkedArray<P>
    where
        P: PolarsNumericType<Native = T>,
    {
        ChunkedArray::<P>::from_vec_validity(name, self.values, self.valid.into())
    }

    fn into_column<P>(self, name: PlSmallStr) -> Column
    where
        P: PolarsNumericType<Native = T>,
    {
        self.into_chunked::<P>(name).into_column()
    }
}

/// A column of texts, copied once, straight into polars' string layout.
#[derive(Debug, Clone, Default)]
struct Texts(MutableBinaryViewArray<str>);

impl Texts {
    fn with_room(rows: usize) -> Texts {
        Texts(MutableBinaryViewArray::with_capacity(rows))
    }

    fn push(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.0.push_value(text),
            None => self.0.push_null(),
        }
    }

    fn into_column(self, name: PlSmallStr) -> Column {
        StringChunked::with_chunk(name, self.0.freeze()).into_column()
    }
}

/// Staged rows of one kind of column, one after another: appending a row is one copy;
/// the columns are taken out of it when the table is made.
#[derive(Debug, Clone)]
struct Rows<T> {
    values: Vec<T>,
    width: usize,
}

impl<T: Copy + Default> Rows<T> {
    fn with_room(width: usize, rows: usize) -> Rows<T> {
        Rows {
            values: Vec::with_capacity(width * rows),
            width,
        }
    }

    fn push(&mut self, row: &[T]) {
        self.values.extend_from_slice(row);
    }

    /// Column `c` of every row: each staged value that `given` says is there, made the
    /// column's by `keep`; the others are empty. One pass; a column with no empty value
    /// gets no validity mask.
    fn column<U: Default>(
        &self,
        c: usize,
        given: impl Fn(T) -> bool,
        keep: impl Fn(T) -> U,
    ) -> Result<Nullable<U>> {
        let height = self.values.len().checked_div(self.width).unwrap_or(0);
        let mut values = Vec::with_capacity(height);
        let mut mask = Vec::with_capacity(height.div_ceil(8));
        let (mut byte, mut empty) = (0u8, 0usize);
        let column = self.values.iter().skip(c).step_by(self.width.max(1));
        for (row, &value) in column.enumerate() {
            let there = given(value);
            values.push(if there { keep(value) } else { U::default() });
            byte |= u8::from(there) << (row % 8);
            if row % 8 == 7 {
                mask.push(byte);
                byte = 0;
            }
            empty += usize::from(!there);
        }
        if height % 8 != 0 {
            mask.push(byte);
        }
        let valid = match empty {
            0 => MutableBitmap::new(),
            _ => MutableBitmap::try_new(mask, height)?,
        };
        Ok(Nullable { values, valid })
    }
}

/// Accepted rows of one stretch of a file, as a polars table, with the line each row
/// starts on (for messages about it).
#[derive(Debug, Clone)]
pub struct Part {
    pub frame: DataFrame,
    pub lines: Vec<u64>,
    /// Each row's [`super::join::id_hash`], for finding repeats.
    pub hashes: Vec<u128>,
}

/// Accepted rows: the fixed columns one by one, the answers as staged rows.
#[derive(Debug, Clone)]
pub struct Table {
    /// The line each row starts on, for messages about it.
    lines: Vec<u64>,
    /// Each row's [`super::join::id_hash`].
    hashes: Vec<u128>,
    ids: Texts,
    rounds: Nullable<u32>,
    submitted: Nullable<i64>,
    weights: Nullable<f64>,
    codes: Rows<u16>,
    ticks: Rows<u8>,
    numbers: Rows<f64>,
    years: Rows<i64>,
    texts: Vec<Texts>,
}

impl Table {
    pub fn new(layout: &Layout) -> Table {
        Table::with_room(layout, 0)
    }

    /// With room made for `rows` rows, so that appending them moves nothing.
    pub fn with_room(layout: &Layout, rows: usize) -> Table {
        let [codes, ticks, numbers, years, texts] = layout.widths;
        Table {
            lines: Vec::with_capacity(rows),
            hashes: Vec::with_capacity(rows),
            ids: Texts::with_room(rows),
            rounds: Nullable::with_room(rows),
            submitted: Nullable::with_room(rows),
            weights: Nullable::with_room(rows),
            codes: Rows::with_room(codes, rows),
            ticks: Rows::with_room(ticks, rows),
            numbers: Rows::with_room(numbers, rows),
            years: Rows::with_room(years, rows),
            texts: (0..texts).map(|_| Texts::with_room(rows)).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends an accepted record; `cell` gives its cells' text, for the texts kept.
    pub fn push<'a>(&mut self, line: u64, row: &Staged, cell: impl Fn(usize) -> &'a str + Copy) {
        self.lines.push(line);
        let id = row.respondent_id.map(|id| id.of(cell));
        // Hashed here, on the thread that read the row, not where the files are joined.
        self.hashes
            .push(super::join::id_hash(id.unwrap_or_default(), row.round));
        self.ids.push(id);
        self.rounds.push(row.round);
        self.submitted.push(row.submitted_at);
        self.weights.push(row.weight);
        self.codes.push(&row.codes);
        self.ticks.push(&row.ticks);
        self.numbers.push(&row.numbers);
        self.years.push(&row.years);
        for (column, value) in self.texts.iter_mut().zip(&row.texts) {
            column.push(value.map(|text| text.of(cell)));
        }
    }

    /// The rows as a [`Part`]: built where they were read (on a worker thread, for a
    /// block), so that joining the parts of a file only links their columns.
    pub fn finish(mut self, layout: &Layout) -> Result<Part> {
        let lines = std::mem::take(&mut self.lines);
        let hashes = std::mem::take(&mut self.hashes);
        let height = lines.len();
        Ok(Part {
            frame: self.into_frame(layout, height)?,
            lines,
            hashes,
        })
    }

    /// The polars table, columns as documented in [`super::responses`].
    fn into_frame(self, layout: &Layout, height: usize) -> Result<DataFrame> {
        let mut columns = vec![
            self.ids.into_column(column::RESPONDENT_ID.into()),
            self.submitted
                .into_chunked::<Int64Type>(column::SUBMITTED_AT.into())
                .into_datetime(TimeUnit::Milliseconds, None)
                .into_column(),
        ];
        if let Some(weights) = &layout.weights {
            columns.push(
                self.weights
                    .into_column::<Float64Type>(weights.as_str().into()),
            );
        }
        if layout.rounds {
            columns.push(self.rounds.into_column::<UInt32Type>(column::ROUND.into()));
        }
        let mut texts = self.texts.into_iter();
        for (name, place) in &layout.columns {
            let name = PlSmallStr::from(name.as_str());
            let c = place.index;
            // Staged values are in range (codes and ranks fit a u8; years an i32).
            let column = match place.kind {
                Kind::Code => Some(
                    self.codes
                        .column(c, |v| v != NO_CODE, |v| v as u8)?
                        .into_column::<UInt8Type>(name),
                ),
                Kind::Tick => Some(tick_column(&self.ticks, c, name)?),
                Kind::Number => Some(
                    self.numbers
                        .column(c, |v| !v.is_nan(), |v| v)?
                        .into_column::<Float64Type>(name),
                ),
                Kind::Year => Some(
                    self.years
                        .column(c, |v| v != NO_YEAR, |v| v as i32)?
                        .into_column::<Int32Type>(name),
                ),
                // Text columns come in layout order, so each is the next one.
                Kind::Text => texts.next().map(|v| v.into_column(name)),
            };
            columns.push(column.ok_or_else(|| {
                crate::error::Error::internal("the table has fewer columns than its layout")
            })?);
        }
        Ok(DataFrame::new(height, columns)?)
    }
}

/// Tick column `c` of the staged rows, as polars' boolean array keeps it: (value,
/// validity).
fn tick_column(rows: &Rows<u8>, c: usize, name: PlSmallStr) -> Result<Column> {
    let staged = rows.column(c, |t| t != NO_TICK, |t| t == 1)?;
    let values: MutableBitmap = staged.values.iter().copied().collect();
    let array = BooleanArray::new(ArrowDataType::Boolean, values.into(), staged.valid.into());
    Ok(BooleanChunked::with_chunk(name, array).into_column())
}
