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
    /// How many multiple-choice answers (questions' and codings') have tick columns.
    tick_answers: usize,
    /// Per tick column, the multiple-choice answer it is a choice of.
    answered_of: Vec<usize>,
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
    /// The tick columns `first..first + n`, one per choice, and the answer's column of
    /// [`Staged::answered`].
    Ticks {
        first: usize,
        n: usize,
        answered: usize,
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
            tick_answers: 0,
            answered_of: Vec::new(),
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
                let answered = self.tick_answers;
                self.tick_answers += 1;
                self.answered_of.extend(std::iter::repeat_n(answered, n));
                Dest::Ticks { first, n, answered }
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

/// The record being read, written straight into the table's columns at the row it will
/// take if it is accepted: each kind of column in its own store, empty (a sentinel) until
/// a cell fills it. Accepting the row moves on to the next one, which is still empty, so
/// a row costs only the values it has; a rejected row is emptied again.
#[derive(Debug, Clone)]
pub struct Staged {
    pub respondent_id: Option<CellText>,
    /// Milliseconds since the Unix epoch, UTC.
    pub submitted_at: Option<i64>,
    pub weight: Option<f64>,
    pub round: Option<u32>,
    /// Code indices and ranks ([`NO_CODE`]: empty); wider than the `u8` the column keeps,
    /// so that no code or rank can be mistaken for the sentinel.
    codes: Columns<u16>,
    /// 1 for a ticked choice, else 0: whether a choice is unticked or its question
    /// unanswered is told by `answered`, so that an answer writes only its ticks.
    ticks: Columns<u8>,
    /// Per multiple-choice answer ([`Dest::Ticks`]): 1 when it was given.
    answered: Columns<u8>,
    /// Always finite when given ([`NO_NUMBER`], a NaN: empty).
    numbers: Columns<f64>,
    /// A year as the `i32` kept ([`NO_YEAR`]: empty).
    years: Columns<i64>,
    texts: Vec<Option<CellText>>,
    /// The row being written: the number of rows accepted before it.
    row: usize,
    /// Whether anything was written to the row since it was last empty.
    written: bool,
}

/// The empty value of each kind of staged column (see [`Staged`]).
const NO_CODE: u16 = u16::MAX;
const NO_TICK: u8 = 0;
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
    /// With room for `rows` rows (more are made as needed).
    fn with_room(layout: &Layout, rows: usize) -> Staged {
        let [codes, ticks, numbers, years, texts] = layout.widths;
        let rows = rows.max(1);
        Staged {
            respondent_id: None,
            submitted_at: None,
            weight: None,
            round: None,
            codes: Columns::new(codes, rows, NO_CODE),
            ticks: Columns::new(ticks, rows, NO_TICK),
            answered: Columns::new(layout.tick_answers, rows, 0),
            numbers: Columns::new(numbers, rows, NO_NUMBER),
            years: Columns::new(years, rows, NO_YEAR),
            texts: vec![None; texts],
            row: 0,
            written: false,
        }
    }

    /// Empties the row, for the next record: only its fields after an accepted row.
    pub fn clear(&mut self) {
        self.forget_fields();
        if self.written {
            let row = self.row;
            self.codes.empty_row(row);
            self.ticks.empty_row(row);
            self.answered.empty_row(row);
            self.numbers.empty_row(row);
            self.years.empty_row(row);
            self.written = false;
        }
    }

    /// Keeps the row and moves on to the next, empty one.
    fn accept(&mut self) {
        self.row += 1;
        let rows = self.row + 1;
        self.codes.make_room(rows);
        self.ticks.make_room(rows);
        self.answered.make_room(rows);
        self.numbers.make_room(rows);
        self.years.make_room(rows);
        self.forget_fields();
        self.written = false;
    }

    /// Forgets what is kept beside the columns: the fixed fields (set directly, so not
    /// tracked by `written`) and the texts' places.
    fn forget_fields(&mut self) {
        self.respondent_id = None;
        self.submitted_at = None;
        self.weight = None;
        self.round = None;
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
        let row = self.row;
        self.written = true;
        match (dest, parsed) {
            (_, Parsed::Missing) => {}
            (Dest::Code(i), Parsed::Choice(c)) => self.codes.set(i, row, u16::from(c)),
            (
                Dest::Ticks {
                    first, answered, ..
                },
                Parsed::Choices(span),
            ) => {
                self.answered.set(answered, row, 1);
                for &c in span.of(picked) {
                    self.ticks.set(first + usize::from(c), row, 1);
                }
            }
            (Dest::Ranks { first, .. }, Parsed::Ranked(span)) => {
                for (rank, &c) in span.of(picked).iter().enumerate() {
                    // At most 255 choices, so a rank fits the column's u8.
                    self.codes.set(first + usize::from(c), row, rank as u16 + 1);
                }
            }
            (Dest::Number(i), Parsed::Number(n)) => self.numbers.set(i, row, n),
            (Dest::Year(i), Parsed::Number(n)) => self.years.set(i, row, i64::from(n as i32)),
            (Dest::Text(i), Parsed::Text(t)) => {
                self.texts[i] = Some(CellText::locate(index, cell, t))
            }
            (dest, parsed) => unreachable!("{parsed:?} is not an answer for {dest:?}"),
        }
    }

    /// Puts the code index `c` in code column `column` (see [`Layout::code_column`]).
    pub fn set_code(&mut self, column: usize, c: u8) {
        self.written = true;
        self.codes.set(column, self.row, u16::from(c));
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
            self.written = true;
            self.texts[place.index] = Some(CellText::locate(index, cell, other));
        }
    }

    /// Empties every column of question `q`: its answers, codings and "other" text.
    pub fn clear_question(&mut self, layout: &Layout, q: usize) {
        let row = self.row;
        for dest in layout.answers[q].iter().chain(&layout.coded[q]) {
            match *dest {
                Dest::Code(i) => self.codes.set(i, row, NO_CODE),
                Dest::Ticks { first, n, answered } => {
                    self.answered.set(answered, row, 0);
                    (first..first + n).for_each(|i| self.ticks.set(i, row, NO_TICK))
                }
                Dest::Ranks { first, n } => {
                    (first..first + n).for_each(|i| self.codes.set(i, row, NO_CODE))
                }
                Dest::Number(i) => self.numbers.set(i, row, NO_NUMBER),
                Dest::Year(i) => self.years.set(i, row, NO_YEAR),
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

/// The columns of one kind, each with room for the same number of rows, end to end in
/// one vector: a value is written where it belongs, and each column is read out in one
/// pass over contiguous values when the table is made.
#[derive(Debug, Clone)]
struct Columns<T> {
    values: Vec<T>,
    width: usize,
    /// Rows each column has room for.
    room: usize,
    /// The empty value, which every slot holds until one is written.
    empty: T,
}

impl<T: Copy> Columns<T> {
    fn new(width: usize, room: usize, empty: T) -> Columns<T> {
        Columns {
            values: vec![empty; width * room],
            width,
            room,
            empty,
        }
    }

    fn set(&mut self, c: usize, row: usize, value: T) {
        self.values[c * self.room + row] = value;
    }

    fn empty_row(&mut self, row: usize) {
        for c in 0..self.width {
            self.values[c * self.room + row] = self.empty;
        }
    }

    /// Makes room for `rows` rows, doubling the room when it is short: only a table
    /// whose number of rows was not known up front grows.
    fn make_room(&mut self, rows: usize) {
        if rows <= self.room {
            return;
        }
        let room = rows.max(self.room * 2);
        let mut values = vec![self.empty; self.width * room];
        for c in 0..self.width {
            values[c * room..c * room + self.room]
                .copy_from_slice(&self.values[c * self.room..(c + 1) * self.room]);
        }
        self.values = values;
        self.room = room;
    }

    /// The first `height` values of column `c`, as they were written.
    fn values_of(&self, c: usize, height: usize) -> &[T] {
        &self.values[c * self.room..c * self.room + height]
    }

    /// The first `height` values of column `c`: each that `given` says is there, made
    /// the column's by `keep`; the others are empty. A column with no empty value gets no
    /// validity mask.
    fn column<U: Default>(
        &self,
        c: usize,
        height: usize,
        given: impl Fn(T) -> bool,
        keep: impl Fn(T) -> U,
    ) -> Result<Nullable<U>> {
        let column = self.values_of(c, height);
        let values: Vec<U> = column
            .iter()
            .map(|&v| if given(v) { keep(v) } else { U::default() })
            .collect();
        let mut mask = Vec::with_capacity(height.div_ceil(8));
        let mut empty = 0usize;
        for eight in column.chunks(8) {
            let mut byte = 0u8;
            for (bit, &v) in eight.iter().enumerate() {
                let there = given(v);
                byte |= u8::from(there) << bit;
                empty += usize::from(!there);
            }
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

/// Accepted rows: the fixed columns one by one, the answers in [`Staged`]'s columns.
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
    texts: Vec<Texts>,
    /// The answer columns, and the row being read.
    staged: Staged,
}

impl Table {
    pub fn new(layout: &Layout) -> Table {
        Table::with_room(layout, 0)
    }

    /// With room made for `rows` rows, so that appending them moves nothing.
    pub fn with_room(layout: &Layout, rows: usize) -> Table {
        let texts = layout.widths[Kind::Text as usize];
        Table {
            lines: Vec::with_capacity(rows),
            hashes: Vec::with_capacity(rows),
            ids: Texts::with_room(rows),
            rounds: Nullable::with_room(rows),
            submitted: Nullable::with_room(rows),
            weights: Nullable::with_room(rows),
            texts: (0..texts).map(|_| Texts::with_room(rows)).collect(),
            // One row more than the rows to come: the row being read after the last.
            staged: Staged::with_room(layout, rows + 1),
        }
    }

    /// The row being read, to write its answers in.
    pub fn staged(&mut self) -> &mut Staged {
        &mut self.staged
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keeps the row being read; `cell` gives its cells' text, for the texts kept.
    pub fn push<'a>(&mut self, line: u64, cell: impl Fn(usize) -> &'a str + Copy) {
        let row = &self.staged;
        self.lines.push(line);
        let id = row.respondent_id.map(|id| id.of(cell));
        // Hashed here, on the thread that read the row, not where the files are joined.
        self.hashes
            .push(super::join::id_hash(id.unwrap_or_default(), row.round));
        self.ids.push(id);
        self.rounds.push(row.round);
        self.submitted.push(row.submitted_at);
        self.weights.push(row.weight);
        for (column, value) in self.texts.iter_mut().zip(&row.texts) {
            column.push(value.map(|text| text.of(cell)));
        }
        self.staged.accept();
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
        let staged = &self.staged;
        // Each multiple-choice answer's validity, shared by its tick columns.
        let mut validity: Vec<Option<MutableBitmap>> = vec![None; layout.tick_answers];
        let mut texts = self.texts.into_iter();
        for (name, place) in &layout.columns {
            let name = PlSmallStr::from(name.as_str());
            let c = place.index;
            // Staged values are in range (codes and ranks fit a u8; years an i32).
            let column = match place.kind {
                Kind::Code => Some(
                    staged
                        .codes
                        .column(c, height, |v| v != NO_CODE, |v| v as u8)?
                        .into_column::<UInt8Type>(name),
                ),
                Kind::Tick => {
                    let answered = layout.answered_of[c];
                    let valid = match &validity[answered] {
                        Some(valid) => valid.clone(),
                        None => {
                            let valid = staged
                                .answered
                                .column(answered, height, |a| a == 1, |_| ())?
                                .valid;
                            validity[answered] = Some(valid.clone());
                            valid
                        }
                    };
                    Some(tick_column(&staged.ticks, c, height, valid, name)?)
                }
                Kind::Number => Some(
                    staged
                        .numbers
                        .column(c, height, |v| !v.is_nan(), |v| v)?
                        .into_column::<Float64Type>(name),
                ),
                Kind::Year => Some(
                    staged
                        .years
                        .column(c, height, |v| v != NO_YEAR, |v| v as i32)?
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

/// The first `height` values of tick column `c`, as polars' boolean array keeps it: (value,
/// validity).
fn tick_column(
    ticks: &Columns<u8>,
    c: usize,
    height: usize,
    valid: MutableBitmap,
    name: PlSmallStr,
) -> Result<Column> {
    let values: MutableBitmap = ticks.values_of(c, height).iter().map(|&t| t == 1).collect();
    let array = BooleanArray::new(ArrowDataType::Boolean, values.into(), valid.into());
    Ok(BooleanChunked::with_chunk(name, array).into_column())
}
