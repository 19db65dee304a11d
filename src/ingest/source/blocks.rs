//! A text file cut into blocks of whole records, so that the blocks can be parsed on
//! several threads while the file is still being read.
//!
//! The cut needs only a small state machine that knows where quoted cells start and end,
//! the same rules the csv crate parses by: a `"` opens a quoted cell only at the start of a
//! cell, `""` inside it is a quote, and a line end outside quotes ends a record. Each block
//! then knows the physical line it starts on, and parsing it gives the same records, with
//! the same lines, as parsing the whole file at once.

use std::borrow::Cow;
use std::io::{self, Read};

use super::{Record, Unreadable};

/// The least a block holds, the last one excepted: large enough that what each block costs
/// vanishes, small enough that a batch of blocks in flight stays a few MiB.
pub const BLOCK_BYTES: usize = 1 << 20;

/// A run of whole records of a text file, as UTF-8.
#[derive(Debug, Clone)]
pub struct Block {
    /// UTF-8 text, as read (or decoded to UTF-8), cut only at line ends, so that no
    /// character is split. Seen as text through [`Block::text`], which checks it on the
    /// thread that parses the block, not while the file is cut, which one thread at a
    /// time does.
    bytes: Vec<u8>,
    /// The physical line (1-based) the block starts on.
    first_line: u64,
    /// How many line ends it holds.
    line_ends: u64,
    delimiter: u8,
    /// Whether the file ends inside a quoted cell in this block (only ever the last block).
    open_at_end: bool,
    /// Where the block starts in the file, when the file is read as UTF-8 before it was
    /// all checked ([`super::Utf8Check::AsRead`]): bytes that are not UTF-8 then end the
    /// reading, instead of becoming U+FFFD.
    unchecked_at: Option<u64>,
}

/// Where quoting stands at a byte of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// At the start of a cell (and so of a record).
    CellStart,
    /// In a cell that did not start with a quote: quotes in it are text.
    Unquoted,
    /// In a quoted cell.
    Quoted,
    /// Just after a quote in a quoted cell: a second quote is a quote, anything else
    /// closes the cell.
    QuoteInQuoted,
}

/// How far the bytes read for the next block have been scanned for a place to cut.
#[derive(Debug, Clone, Copy)]
struct Scan {
    /// Where quoting stands after the bytes scanned.
    state: Quoting,
    /// Bytes scanned.
    scanned: usize,
    /// Line ends among them, counted on the way (not in a pass of their own: cutting is
    /// the one part of reading a file that one thread at a time does).
    lines: u64,
    /// The last place a record ends (just after its line end), and the line ends before
    /// it.
    cut: Option<(usize, u64)>,
}

impl Scan {
    /// At the start of a record.
    fn new() -> Scan {
        Scan {
            state: Quoting::CellStart,
            scanned: 0,
            lines: 0,
            cut: None,
        }
    }

    /// Scans `buffer` on from where the last call stopped.
    fn advance(&mut self, buffer: &[u8], delimiter: u8) {
        let mut i = self.scanned;
        while i < buffer.len() {
            match self.state {
                Quoting::Quoted => match memchr::memchr(b'"', &buffer[i..]) {
                    Some(j) => {
                        self.lines += line_ends(&buffer[i..i + j]);
                        i += j + 1;
                        self.state = Quoting::QuoteInQuoted;
                    }
                    None => {
                        self.lines += line_ends(&buffer[i..]);
                        i = buffer.len();
                    }
                },
                // A quote here is a quote inside a quoted cell (`""`), or one that opens a
                // quoted cell at the start of a cell: either way the cell is quoted from
                // there; any other byte is text of a cell that is not (or no longer) quoted.
                Quoting::QuoteInQuoted | Quoting::CellStart => {
                    if buffer[i] == b'"' {
                        i += 1;
                        self.state = Quoting::Quoted;
                    } else {
                        self.state = Quoting::Unquoted;
                    }
                }
                // Delimiters matter only before a quote: a quote opens a quoted cell when
                // the byte before it ends a cell (a delimiter) or a record (a line end).
                // Entering this state never happens on a quote, so `j > 0` or `i > 0`
                // holds there.
                Quoting::Unquoted => match memchr::memchr2(b'\n', b'"', &buffer[i..]) {
                    Some(j) => {
                        let at = i + j;
                        i = at + 1;
                        if buffer[at] == b'\n' {
                            self.lines += 1;
                            self.cut = Some((i, self.lines));
                            self.state = Quoting::CellStart;
                        } else if at > 0 && (buffer[at - 1] == delimiter || buffer[at - 1] == b'\n')
                        {
                            self.state = Quoting::Quoted;
                        }
                    }
                    None => i = buffer.len(),
                },
            }
        }
        self.scanned = buffer.len();
    }
}

/// Cuts the UTF-8 text `reader` gives into [`Block`]s.
pub struct Splitter<R> {
    reader: R,
    delimiter: u8,
    /// Turn every CR into a line end (files whose lines end with CR alone).
    lone_cr: bool,
    /// Bytes read after the last block's end.
    carry: Vec<u8>,
    /// The line `carry` starts on.
    line: u64,
    /// The least a block holds ([`BLOCK_BYTES`]; less in tests, to cut often).
    block_bytes: usize,
    /// The longest a record may be before reading stops (`--max-row-bytes`).
    max_record_bytes: usize,
    /// Where `carry` starts in the file, when the file is read as UTF-8 before it was
    /// all checked (see [`Block`]).
    unchecked_at: Option<u64>,
    done: bool,
}

impl<R: Read> Splitter<R> {
    /// `reader` starts at a record's start, on physical line `line`.
    pub fn new(reader: R, delimiter: u8, lone_cr: bool, line: u64) -> Splitter<R> {
        Splitter {
            reader,
            delimiter,
            lone_cr,
            carry: Vec::new(),
            line,
            block_bytes: BLOCK_BYTES,
            max_record_bytes: usize::MAX,
            unchecked_at: None,
            done: false,
        }
    }

    /// Marks the blocks as read before the text was all checked for UTF-8 (when
    /// `unchecked`): the text must then start at the file's start, for offsets in messages.
    pub fn unchecked_utf8(mut self, unchecked: bool) -> Splitter<R> {
        self.unchecked_at = unchecked.then_some(0);
        self
    }

    /// Stops reading, with an error at the record's line, at a record longer than `max`
    /// bytes: the carry holds a record whole, so this bounds memory too.
    pub fn with_max_record_bytes(mut self, max: usize) -> Splitter<R> {
        self.max_record_bytes = max;
        self
    }

    /// Reads up to a block's worth more into `carry`; returns how many were read.
    fn fill(&mut self) -> io::Result<usize> {
        let start = self.carry.len();
        self.carry.reserve(self.block_bytes);
        // `read_to_end` reads into the spare room as it is, without zeroing it first.
        let read = (&mut self.reader)
            .take(self.block_bytes as u64)
            .read_to_end(&mut self.carry)?;
        if self.lone_cr {
            self.carry[start..]
                .iter_mut()
                .filter(|b| **b == b'\r')
                .for_each(|b| *b = b'\n');
        }
        Ok(read)
    }

    fn next_block(&mut self) -> io::Result<Option<Block>> {
        let mut scan = Scan::new();
        let mut at_end = false;
        loop {
            scan.advance(&self.carry, self.delimiter);
            if scan.cut.is_some() && self.carry.len() >= self.block_bytes {
                break;
            }
            if scan.cut.is_none() && self.carry.len() > self.max_record_bytes {
                return Err(io::Error::other(format!(
                    "the row that starts here is longer than the limit of {} (--max-row-bytes)",
                    super::limits::bytes(self.max_record_bytes as u64)
                )));
            }
            if self.fill()? == 0 {
                at_end = true;
                break;
            }
        }
        let (end, line_ends) = if at_end {
            (self.carry.len(), scan.lines)
        } else {
            scan.cut.unwrap_or((0, 0))
        };
        if end == 0 {
            self.done = true;
            return Ok(None);
        }
        let rest = self.carry.split_off(end);
        let bytes = std::mem::replace(&mut self.carry, rest);
        let block = Block {
            first_line: self.line,
            line_ends,
            delimiter: self.delimiter,
            // Only the file's end can leave a quote open: a cut is always outside quotes.
            open_at_end: at_end && scan.state == Quoting::Quoted,
            unchecked_at: self.unchecked_at,
            bytes,
        };
        self.line += line_ends;
        if let Some(at) = &mut self.unchecked_at {
            *at += end as u64;
        }
        if at_end {
            self.done = true;
        }
        Ok(Some(block))
    }
}

impl<R: Read> Iterator for Splitter<R> {
    type Item = Result<Block, Unreadable>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_block() {
            Ok(block) => block.map(Ok),
            Err(e) => {
                self.done = true;
                Some(Err(Unreadable {
                    line: self.line,
                    reason: format!("cannot read past this point: {e}"),
                    fatal: true,
                    not_utf8: None,
                }))
            }
        }
    }
}

/// One record of a block: its cells, borrowed from the block (or, for a record with
/// quotes, from the parser's buffer).
pub struct RecordRef<'r> {
    /// The physical line it starts on.
    pub line: u64,
    text: &'r str,
    /// Each cell's byte range in `text`.
    cells: &'r [(usize, usize)],
}

impl RecordRef<'_> {
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Cell `i`; the last one without the CR of a CRLF line end (LF is the only
    /// terminator the parser knows, so that lines are counted once).
    pub fn cell(&self, i: usize) -> &str {
        let Some(&(start, end)) = self.cells.get(i) else {
            return "";
        };
        let cell = self.text.get(start..end).unwrap_or("");
        if i + 1 == self.cells.len() {
            cell.strip_suffix('\r').unwrap_or(cell)
        } else {
            cell
        }
    }

    pub fn to_record(&self) -> Record {
        Record {
            line: self.line,
            cells: (0..self.len()).map(|i| self.cell(i).to_string()).collect(),
        }
    }
}

/// Where a record of a block ended, for cutting the rest of the block off.
#[derive(Debug, Clone, Copy)]
pub struct Position {
    /// Byte offset in the block just after the record (and its line end).
    pub offset: usize,
    /// The physical line that offset is on.
    pub line: u64,
}

impl Block {
    /// A block of in-memory text that starts at a record on line `first_line`.
    #[cfg(test)]
    pub fn new(text: &str, first_line: u64, delimiter: u8) -> Block {
        Block {
            bytes: text.as_bytes().to_vec(),
            first_line,
            line_ends: line_ends(text.as_bytes()),
            delimiter,
            open_at_end: false,
            unchecked_at: None,
        }
    }

    /// Appends the next block of the same file (for a look at the first records).
    pub fn extend(&mut self, next: Block) {
        self.bytes.extend_from_slice(&next.bytes);
        self.line_ends += next.line_ends;
        self.open_at_end = next.open_at_end;
    }

    /// What is left after `position` (or why the block cannot be read: see
    /// [`Block::text`]).
    pub fn rest(&self, position: Position) -> Result<Block, Unreadable> {
        let text = self.text()?;
        let rest = text.get(position.offset..).unwrap_or_default();
        let skipped = text.len().min(position.offset) as u64;
        Ok(Block {
            bytes: rest.as_bytes().to_vec(),
            line_ends: line_ends(rest.as_bytes()),
            first_line: position.line,
            delimiter: self.delimiter,
            open_at_end: self.open_at_end,
            // Checked text is the file's bytes as they are.
            unchecked_at: self.unchecked_at.map(|at| at + skipped),
        })
    }

    /// The block as text: its bytes, checked (at SIMD speed) to be UTF-8.
    ///
    /// A file without a BOM is read as UTF-8 only if all of it is: checked before it is
    /// read, or as it is read ([`super::Utf8Check::AsRead`]), and then bytes that are not
    /// UTF-8 are an error that says where they are. After a UTF-8 BOM, which decides the
    /// encoding without a look at the rest of the file, bytes that are not UTF-8 become
    /// U+FFFD, as a decoder would make them; a replacement is never a line end, a
    /// delimiter or a quote, so the cut and the lines stand.
    fn text(&self) -> Result<Cow<'_, str>, Unreadable> {
        if let Ok(text) = simdutf8::basic::from_utf8(&self.bytes) {
            return Ok(Cow::Borrowed(text));
        }
        let Some(start) = self.unchecked_at else {
            return Ok(String::from_utf8_lossy(&self.bytes));
        };
        let valid = std::str::from_utf8(&self.bytes)
            .err()
            .map_or(self.bytes.len(), |e| e.valid_up_to());
        let line = self.first_line + line_ends(&self.bytes[..valid]);
        let offset = start + valid as u64;
        Err(Unreadable {
            line,
            reason: format!("byte {offset} is not UTF-8, although the file was begun as UTF-8"),
            fatal: true,
            not_utf8: Some(offset),
        })
    }

    /// The most records the block can hold (a record takes at least a line), for making
    /// room for them up front.
    pub fn records_at_most(&self) -> usize {
        self.line_ends as usize + 1
    }

    /// Parses the block, calling `each` with every record (or why one cannot be read) and
    /// where it ends, in order; stops early when `each` returns false. `width` is the
    /// header's field count (0 before it is known), for telling a stray quote from a cell
    /// with line breaks in it.
    ///
    /// A line without a quote is one record whose cells lie between delimiters: those are
    /// cut where they are, without copying (most lines of most files). A record with a
    /// quote goes through `csv_core`, with the rules the csv crate reads by (LF ends a
    /// record; blank lines are skipped; a quote opens a quoted cell only at a cell's start).
    pub fn for_each_record(
        &self,
        width: usize,
        mut each: impl FnMut(Result<RecordRef<'_>, Unreadable>, Position) -> bool,
    ) {
        match self.text() {
            Ok(text) => self.records_of(&text, width, each),
            Err(unreadable) => {
                let line = self.first_line;
                each(Err(unreadable), Position { offset: 0, line });
            }
        }
    }

    /// [`Block::for_each_record`], with bytes that are not UTF-8 read as U+FFFD even in a
    /// block where they end the reading: for a look at the first rows of a file (its
    /// headings), whose reading stops at the same bytes when it gets to them.
    pub fn for_each_leading_record(
        &self,
        width: usize,
        each: impl FnMut(Result<RecordRef<'_>, Unreadable>, Position) -> bool,
    ) {
        let text = self
            .text()
            .unwrap_or_else(|_| String::from_utf8_lossy(&self.bytes));
        self.records_of(&text, width, each);
    }

    /// [`Block::for_each_record`] of `text`, the block's text.
    fn records_of(
        &self,
        text: &str,
        width: usize,
        mut each: impl FnMut(Result<RecordRef<'_>, Unreadable>, Position) -> bool,
    ) {
        let bytes = text.as_bytes();
        // Made only for a block that needs it: most have no cell to unescape.
        let mut quoted: Option<Quoted> = None;
        let mut cells: Vec<(usize, usize)> = Vec::with_capacity(width.max(8));
        let mut marks = Marks::new(bytes, self.delimiter);
        let mut start = 0usize;
        let mut line = self.first_line;
        while start < bytes.len() {
            marks.seek(start);
            if bytes[start] == b'\n' {
                // A blank line: the csv crate skips it, and so does this.
                start += 1;
                line += 1;
                continue;
            }
            let record_line = line;
            let (end, inner, record) = if let Some((end, inner)) = marks.cut(start, &mut cells) {
                // Most records: cut in place, quoted cells with nothing to unescape too.
                line += inner + u64::from(bytes[end - 1] == b'\n');
                (
                    end,
                    inner,
                    RecordRef {
                        line: record_line,
                        text,
                        cells: &cells,
                    },
                )
            } else {
                let quoted = quoted.get_or_insert_with(|| Quoted::new(self.delimiter));
                let end = match quoted.read(&bytes[start..]) {
                    Ok(consumed) => start + consumed,
                    Err(reason) => {
                        // The text is UTF-8 and the parser lenient: only a broken
                        // invariant can end here, and nothing after it can be trusted.
                        let unreadable = Unreadable {
                            line,
                            reason: format!("cannot read past this point: {reason}"),
                            fatal: true,
                            not_utf8: None,
                        };
                        each(
                            Err(unreadable),
                            Position {
                                offset: start,
                                line,
                            },
                        );
                        return;
                    }
                };
                let span = &bytes[start..end];
                let newlines = memchr::memchr_iter(b'\n', span).count() as u64;
                let open_at_end = end == bytes.len() && self.open_at_end;
                // A quote open at the end of the file takes the last line end into its cell.
                let ended_with_lf = span.last() == Some(&b'\n') && !open_at_end;
                line += newlines;
                (
                    end,
                    newlines - u64::from(ended_with_lf),
                    quoted.record(record_line),
                )
            };
            start = end;
            let position = Position { offset: end, line };
            if record.len() == 1 && record.cell(0).is_empty() {
                continue; // a blank line that ends in CRLF
            }
            let open_at_end = end == bytes.len() && self.open_at_end;
            let item = match problem(&record, inner, width, open_at_end) {
                Some(unreadable) => Err(unreadable),
                None => Ok(record),
            };
            if !each(item, position) {
                return;
            }
        }
    }

    /// Every record of the block, owned.
    pub fn records(&self, width: usize) -> Vec<Result<Record, Unreadable>> {
        let mut out = Vec::new();
        self.for_each_record(width, |item, _| {
            out.push(item.map(|r| r.to_record()));
            true
        });
        out
    }
}

fn line_ends(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Where the bytes that give a text its structure are (the delimiter, `"`, and line
/// ends): found 64 bytes at a time, a bit per byte, so that cutting a line costs a few
/// instructions per cell rather than a search per cell.
struct Marks<'t> {
    bytes: &'t [u8],
    delimiter: u8,
    /// Where the 64-byte window that `bits` describes starts.
    base: usize,
    /// The marks of the window not yet handed out: bit `j` for byte `base + j`.
    bits: u64,
}

impl<'t> Marks<'t> {
    fn new(bytes: &'t [u8], delimiter: u8) -> Marks<'t> {
        let mut marks = Marks {
            bytes,
            delimiter,
            base: 0,
            bits: 0,
        };
        marks.bits = marks.window(0);
        marks
    }

    /// The marks of the 64 bytes from `base` (fewer at the end of the text).
    fn window(&self, base: usize) -> u64 {
        let end = (base + 64).min(self.bytes.len());
        let window = self.bytes.get(base..end).unwrap_or_default();
        let is_mark =
            |b: u8| u8::from(b == self.delimiter) | u8::from(b == b'"') | u8::from(b == b'\n');
        match <&[u8; 64]>::try_from(window) {
            Ok(whole) => {
                // Written so that the compiler compares 16 bytes at a time; each group of
                // 8 flags (0 or 1) becomes a byte of bits by one multiply, which gathers
                // the flags into the top byte without carries.
                let mut flags = [0u8; 64];
                for (flag, &b) in flags.iter_mut().zip(whole) {
                    *flag = is_mark(b);
                }
                let mut bits = 0u64;
                for (k, group) in flags.chunks_exact(8).enumerate() {
                    let group = u64::from_le_bytes(group.try_into().unwrap_or_default());
                    bits |= (group.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
                }
                bits
            }
            Err(_) => window
                .iter()
                .enumerate()
                .fold(0, |bits, (j, &b)| bits | u64::from(is_mark(b)) << j),
        }
    }

    /// Moves to byte `at`, forgetting the marks before it.
    fn seek(&mut self, at: usize) {
        let base = at & !63;
        if base != self.base {
            self.base = base;
            self.bits = self.window(base);
        }
        self.bits &= u64::MAX << (at - base);
    }

    /// The next mark, if the text has one more.
    fn next(&mut self) -> Option<usize> {
        while self.bits == 0 {
            self.base += 64;
            if self.base >= self.bytes.len() {
                return None;
            }
            self.bits = self.window(self.base);
        }
        let at = self.base + self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        Some(at)
    }

    /// Cuts the record at `start` (where the marks stand) into `cells` in place, when
    /// every quoted cell in it is plain: closed by a quote right before a delimiter, a
    /// line end or the end of the text, with no `""` inside. Returns where the record
    /// ends (after its line end, or at the end of the text) and how many line ends its
    /// quoted cells hold; `None` for a record that needs unescaping (or has a quote left
    /// open), which [`Quoted`] reads instead. The rules are `csv_core`'s, checked against
    /// the csv crate by a property test.
    fn cut(&mut self, start: usize, cells: &mut Vec<(usize, usize)>) -> Option<(usize, u64)> {
        cells.clear();
        let bytes = self.bytes;
        let mut from = start;
        let mut inner = 0;
        loop {
            let Some(at) = self.next() else {
                cells.push((from, bytes.len()));
                return Some((bytes.len(), inner));
            };
            match bytes[at] {
                b'\n' => {
                    cells.push((from, at));
                    return Some((at + 1, inner));
                }
                // A quote opens a quoted cell only at the cell's start; inside an unquoted
                // cell it is text.
                b'"' if at != from => {}
                b'"' => {
                    // The cell runs to the next quote, across delimiters and line ends.
                    let close = loop {
                        let mark = self.next()?;
                        match bytes[mark] {
                            b'"' => break mark,
                            b'\n' => inner += 1,
                            _ => {}
                        }
                    };
                    cells.push((at + 1, close));
                    match bytes.get(close + 1) {
                        None => return Some((close + 1, inner)),
                        Some(&b) if b == self.delimiter => {
                            self.next(); // that delimiter
                            from = close + 2;
                        }
                        Some(b'\n') => {
                            self.next(); // that line end
                            return Some((close + 2, inner));
                        }
                        // `""` (a quote inside), or text after the closing quote (`"a"b`
                        // reads as `ab`): the cell is not a slice of the line.
                        Some(_) => return None,
                    }
                }
                _ => {
                    cells.push((from, at));
                    from = at + 1;
                }
            }
        }
    }
}

/// The parser of records with quotes in them: `csv_core`, with its buffers kept from
/// one record to the next.
struct Quoted {
    reader: csv_core::Reader,
    /// The record's cells, unquoted, end to end.
    out: Vec<u8>,
    /// Where each cell ends in `out`.
    ends: Vec<usize>,
    /// `out` as text, and each cell's range in it.
    text: String,
    cells: Vec<(usize, usize)>,
}

impl Quoted {
    fn new(delimiter: u8) -> Quoted {
        Quoted {
            reader: csv_core::ReaderBuilder::new()
                .delimiter(delimiter)
                .terminator(csv_core::Terminator::Any(b'\n'))
                .build(),
            out: vec![0; 1024],
            ends: vec![0; 64],
            text: String::new(),
            cells: Vec::new(),
        }
    }

    /// Reads one record from the start of `input` (which does not start with a blank
    /// line); returns how many bytes it took, line end included.
    fn read(&mut self, input: &[u8]) -> Result<usize, String> {
        use csv_core::ReadRecordResult;
        self.reader.reset();
        let (mut taken, mut written, mut cells) = (0, 0, 0);
        loop {
            let (result, nin, nout, nend) = self.reader.read_record(
                &input[taken..],
                &mut self.out[written..],
                &mut self.ends[cells..],
            );
            taken += nin;
            written += nout;
            cells += nend;
            match result {
                // Out of input: the empty slice of the next call says the text ends here.
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let size = self.out.len() * 2;
                    self.out.resize(size, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let size = self.ends.len() * 2;
                    self.ends.resize(size, 0);
                }
                ReadRecordResult::Record => break,
                ReadRecordResult::End => return Err("the parser found no record".into()),
            }
        }
        // Dropping quote characters from UTF-8 text leaves UTF-8 text.
        self.text.clear();
        self.text
            .push_str(std::str::from_utf8(&self.out[..written]).map_err(|e| e.to_string())?);
        self.cells.clear();
        let mut from = 0;
        for &end in &self.ends[..cells] {
            self.cells.push((from, end));
            from = end;
        }
        Ok(taken)
    }

    /// The record just read.
    fn record(&self, line: u64) -> RecordRef<'_> {
        RecordRef {
            line,
            text: &self.text,
            cells: &self.cells,
        }
    }
}

/// Why a record is the work of a stray quote, if it is.
///
/// The csv crate is lenient: a cell that opens with `"` runs to the next lone `"`, across
/// line ends, possibly to the end of the file, and no error is raised. A proper multi-line
/// cell (REDCap's addresses, a free-text answer in paragraphs) keeps the record's field
/// count; so a record whose cells span lines is reported, with the lines it swallowed,
/// when its field count differs from the header's (`width`; 0 while the header is not
/// known), or when the file ends inside its quote (`open_at_end`).
fn problem(
    record: &RecordRef<'_>,
    inner: u64,
    width: usize,
    open_at_end: bool,
) -> Option<Unreadable> {
    let fields = record.len();
    let line = record.line;
    // A quote left open at the end of the file takes the file's last line end with it.
    let trailing = record.cell(fields.saturating_sub(1)).ends_with('\n');
    let last_line = line + inner - u64::from(trailing && inner > 0);
    if open_at_end && inner > 0 {
        return Some(Unreadable {
            line,
            reason: format!(
                "a quote (\") opens the last cell on line {line} and is never closed: lines {line}–{last_line}, to the end of the file, were read as that one cell"
            ),
            fatal: false,
            not_utf8: None,
        });
    }
    if inner == 0 || width == 0 || fields == width {
        return None;
    }
    Some(Unreadable {
        line,
        reason: format!(
            "lines {line}–{last_line} were read as one record of {fields} fields (the header has {width}): a quote (\") opens a cell there that is not closed where the cell ends"
        ),
        fatal: false,
        not_utf8: None,
    })
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use proptest::prelude::*;

    use super::*;

    /// The records of `text`, read in blocks of at least `block_bytes`.
    fn split(text: &str, block_bytes: usize) -> Vec<Result<Record, Unreadable>> {
        let mut splitter = Splitter::new(Cursor::new(text.as_bytes().to_vec()), b',', false, 1);
        splitter.block_bytes = block_bytes;
        splitter
            .flat_map(|block| block.unwrap().records(0))
            .collect()
    }

    /// The same, as one block.
    fn whole(text: &str) -> Vec<Result<Record, Unreadable>> {
        split(text, text.len() + 1)
    }

    #[test]
    fn a_row_longer_than_the_limit_stops_reading_at_its_line() {
        let text = format!("a,b\n1,2\n3,\"{}\"\n4,5\n", "x".repeat(1000));
        let mut splitter = Splitter::new(Cursor::new(text.into_bytes()), b',', false, 1)
            .with_max_record_bytes(100);
        splitter.block_bytes = 8;
        let items: Vec<_> = splitter.collect();
        let Some(Err(stop)) = items.last() else {
            panic!("reading stops with an error: {items:?}");
        };
        assert_eq!(stop.line, 3);
        assert!(stop.fatal);
        assert!(
            stop.reason
                .contains("longer than the limit of 100 bytes (--max-row-bytes)"),
            "{}",
            stop.reason
        );
        // The rows before it were read.
        let read: usize = items
            .iter()
            .filter_map(|b| b.as_ref().ok())
            .map(|b| b.records(0).len())
            .sum();
        assert_eq!(read, 2);
    }

    #[test]
    fn cuts_fall_only_between_records() {
        let text = "a,\"x\ny\",b\n\"q\"\"\n\",2\nc,d\"e,f\n\n\ng,\"h\"i\n";
        for bytes in 1..text.len() + 2 {
            assert_eq!(split(text, bytes), whole(text), "blocks of {bytes}");
        }
        let lines: Vec<u64> = whole(text)
            .iter()
            .map(|r| r.as_ref().unwrap().line)
            .collect();
        assert_eq!(lines, vec![1, 3, 5, 8]);
    }

    #[test]
    fn a_quote_left_open_at_the_end_is_found_in_the_last_block() {
        let text = "a,b\nc,\"d\ne,f\n";
        let records = split(text, 2);
        assert_eq!(records.len(), 2);
        let Err(unreadable) = &records[1] else {
            panic!("{records:?}")
        };
        assert_eq!(unreadable.line, 2);
        assert!(
            unreadable.reason.contains("never closed"),
            "{}",
            unreadable.reason
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Wherever the blocks are cut, the records and their lines are those of the whole.
        /// The cells of every record are those the csv crate reads (the last without the CR
        /// of a CRLF line end; a CRLF blank line is no record).
        #[test]
        fn records_are_those_the_csv_crate_reads(text in "[ab,\"\n\r]{0,80}|[abc,\"\n]{60,300}") {
            // Long texts cross the 64-byte windows that records are cut by.
            let mut ours = Vec::new();
            let mut lines_agree = true;
            Block::new(&text, 1, b',').for_each_record(0, |record, end| {
                ours.push(record.map(|r| r.to_record().cells).ok());
                // The line reached is the one the text before the record's end says.
                let before = text.as_bytes()[..end.offset].iter().filter(|b| **b == b'\n');
                lines_agree &= end.line == 1 + before.count() as u64;
                true
            });
            prop_assert!(lines_agree, "a record's end is on the wrong line");
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .terminator(csv::Terminator::Any(b'\n'))
                .from_reader(text.as_bytes());
            let theirs: Vec<Option<Vec<String>>> = reader
                .records()
                .map(|r| {
                    let record = r.unwrap();
                    let mut cells: Vec<String> = record.iter().map(str::to_string).collect();
                    if let Some(last) = cells.last_mut() {
                        if last.ends_with('\r') {
                            last.pop();
                        }
                    }
                    cells
                })
                .filter(|cells| cells.len() != 1 || !cells[0].is_empty())
                .map(Some)
                .collect();
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn blocks_read_as_the_whole_file(
            text in "[ab,\"\n\r]{0,60}",
            bytes in 1usize..20,
        ) {
            prop_assert_eq!(split(&text, bytes), whole(&text));
        }

        /// The line ends counted while a cut is looked for are those of the block.
        #[test]
        fn a_block_knows_its_line_ends(
            text in "[ab,\"\n\r]{0,60}",
            bytes in 1usize..20,
        ) {
            let mut splitter = Splitter::new(Cursor::new(text.into_bytes()), b',', false, 1);
            splitter.block_bytes = bytes;
            for block in splitter {
                let block = block.unwrap();
                let counted = block.bytes.iter().filter(|b| **b == b'\n').count() as u64;
                prop_assert_eq!(block.line_ends, counted);
            }
        }
    }
}
