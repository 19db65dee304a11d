//! Reading a text export (CSV, TSV, …) as a stream: the encoding and the delimiter are
//! decided from the file's start (and, for UTF-8, one pass that only validates), then the
//! file is decoded and parsed as it is iterated, so memory does not grow with its rows.

use std::io::{Read, Seek, SeekFrom};

use encoding_rs::{Encoding, UTF_8};
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

use super::encoding::{self, Decided, Utf8Scan};
use super::open::{OpenError, Overrides, Problem};
use super::{Detected, Record, Source, Unreadable, delimiter, tool};

/// How much of the start of a file the sniffing looks at.
pub const PREFIX_BYTES: usize = 64 * 1024;

/// Opens a text export read from `reader`; `file` names it in messages.
pub fn open<R: Read + Seek + Send + 'static>(
    file: String,
    mut reader: R,
    overrides: &Overrides,
) -> Result<Source, OpenError> {
    let io = |e: std::io::Error| OpenError::new(&file, Problem::Io(e));
    let prefix = read_prefix(&mut reader).map_err(io)?;
    let whole = prefix.len() < PREFIX_BYTES;
    let decided = decide_encoding(&file, &prefix, &mut reader, overrides)?;
    let mut notes: Vec<String> = decided.note.iter().cloned().collect();

    let text = decode(decided.encoding, &prefix[decided.bom_len..], whole);
    let delimiter = match overrides.delimiter {
        Some(d) => d,
        None => {
            let sniffed = delimiter::sniff(&text, whole);
            notes.push(sniffed.note);
            sniffed.delimiter
        }
    };
    if let Some(sheet) = &overrides.sheet {
        notes.push(format!(
            "--sheet `{sheet}` is not used: this is a text file, not a spreadsheet"
        ));
    }

    reader
        .seek(SeekFrom::Start(decided.bom_len as u64))
        .map_err(io)?;
    // Lines that end with CR alone (classic Mac) are made to end with LF, so that the one
    // terminator the parser knows, and the line count, fit them too.
    let lone_cr = text.contains('\r') && !text.contains('\n');
    if lone_cr {
        notes
            .push("lines end with CR alone (classic Mac OS); each CR is read as a line end".into());
    }
    let decoder = DecodeReaderBytesBuilder::new()
        .encoding(Some(decided.encoding))
        .build(reader);
    // LF is the only terminator, so that the parser's count of LFs read is the physical
    // line (CRLF counts once); the CR before it is taken off the record's last cell.
    let csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter as u8)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(Tail {
            inner: decoder,
            last: Vec::new(),
            lone_cr,
        });
    let mut records = TextRecords {
        csv,
        ahead: None,
        width: 0,
        done: false,
    };

    // The first rows carry the tool's signature; those that are not headings are handed
    // back as records, so nothing is read twice.
    let mut first: Vec<Result<Record, Unreadable>> = Vec::new();
    while first.len() < tool::SIGNATURE_ROWS {
        match records.next() {
            Some(item) => {
                let fatal = item.as_ref().is_err_and(|u| u.fatal);
                first.push(item);
                if fatal {
                    break;
                }
            }
            None => break,
        }
    }
    let signature: Vec<Vec<String>> = first
        .iter()
        .map_while(|r| r.as_ref().ok())
        .map(|r| r.cells.iter().map(|c| c.trim().to_string()).collect())
        .collect();
    let tool = overrides.tool.unwrap_or_else(|| tool::detect(&signature));
    let (header_rows, note) = tool::header_rows(tool, &signature);
    notes.extend(note);

    let mut first = first.into_iter().peekable();
    let mut header = Vec::new();
    while header.len() < header_rows {
        match first.next_if(Result::is_ok) {
            Some(Ok(record)) => header.push(record),
            _ => break,
        }
    }
    let width = header.first().map_or(0, |h: &Record| h.cells.len());
    records.width = width;
    let rest: Vec<_> = first
        .map(|r| match r {
            // Already checked for a quote open at the end, as the header was not known yet.
            Ok(record) => checked(record, width, false),
            Err(unreadable) => Err(unreadable),
        })
        .collect();

    Ok(Source {
        file,
        detected: Detected {
            tool,
            format: "text",
            encoding: Some(decided.encoding.name()),
            bom: decided.bom_len > 0,
            delimiter: Some(delimiter),
            sheet: None,
            header_rows,
            notes,
        },
        header,
        records: Box::new(rest.into_iter().chain(records)),
    })
}

/// Up to [`PREFIX_BYTES`] from the start (fewer only at the end of the file).
fn read_prefix(reader: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut prefix = Vec::with_capacity(PREFIX_BYTES);
    reader
        .by_ref()
        .take(PREFIX_BYTES as u64)
        .read_to_end(&mut prefix)?;
    Ok(prefix)
}

/// The encoding: `--encoding`, else a BOM or NUL pattern in the prefix, else UTF-8 if the
/// whole file is (checked a chunk at a time), else Windows-1252.
fn decide_encoding(
    file: &str,
    prefix: &[u8],
    reader: &mut impl Read,
    overrides: &Overrides,
) -> Result<Decided, OpenError> {
    if let Some(forced) = overrides.encoding {
        let bom_len = encoding::bom_of(prefix, forced);
        // Forced UTF-8 is checked: replacement characters in place of an answer are exactly
        // the mangling that must not pass silently. Other encodings decode any bytes.
        if forced == UTF_8 {
            if let Err(at) = scan_utf8(&prefix[bom_len..], reader)
                .map_err(|e| OpenError::new(file, Problem::Io(e)))?
            {
                return Err(OpenError::new(
                    file,
                    Problem::Undecodable(format!(
                        "line {}: byte {} is not UTF-8, but --encoding utf-8 was given (leave --encoding out to detect the encoding)",
                        at.line, at.offset
                    )),
                ));
            }
        }
        return Ok(Decided {
            encoding: forced,
            bom_len,
            note: Some(format!("encoding {} given with --encoding", forced.name())),
        });
    }
    if let Some(decided) = encoding::from_prefix(prefix) {
        return Ok(decided);
    }
    let scan = scan_utf8(prefix, reader).map_err(|e| OpenError::new(file, Problem::Io(e)))?;
    Ok(encoding::from_scan(scan))
}

/// Validates the prefix and the rest of the reader as UTF-8 (the reader is read to its end).
fn scan_utf8(
    prefix: &[u8],
    reader: &mut impl Read,
) -> std::io::Result<Result<(), encoding::NotUtf8>> {
    let mut scan = Utf8Scan::default();
    if let Err(at) = scan.feed(prefix) {
        return Ok(Err(at));
    }
    let mut chunk = vec![0; PREFIX_BYTES];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => return Ok(scan.finish()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if let Err(at) = scan.feed(&chunk[..n]) {
            return Ok(Err(at));
        }
    }
}

/// The prefix as text, for sniffing; a character cut at its end is dropped unless it is
/// the whole file.
fn decode(encoding: &'static Encoding, bytes: &[u8], whole: bool) -> String {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len()),
    );
    let _ = decoder.decode_to_string(bytes, &mut text, whole);
    text
}

/// The decoded text on its way to the parser: remembers how the file ends, and turns lone
/// CRs into LFs when the file uses them.
struct Tail<R> {
    inner: R,
    /// The last bytes read (at most 3).
    last: Vec<u8>,
    lone_cr: bool,
}

impl<R> Tail<R> {
    /// Whether the file ends inside a quoted cell: the last record's last cell holds a
    /// line end (only a quoted cell can), and the file does not end with a closing quote
    /// (with or without a line end after it).
    fn ends_in_an_open_quote(&self, last_cell: &str) -> bool {
        let closed = self.last.ends_with(b"\"")
            || self.last.ends_with(b"\"\n")
            || self.last.ends_with(b"\"\r\n");
        last_cell.contains('\n') && !closed
    }
}

impl<R: Read> Read for Tail<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.lone_cr {
            buf[..n]
                .iter_mut()
                .filter(|b| **b == b'\r')
                .for_each(|b| *b = b'\n');
        }
        self.last.extend_from_slice(&buf[n.saturating_sub(3)..n]);
        let excess = self.last.len().saturating_sub(3);
        self.last.drain(..excess);
        Ok(n)
    }
}

/// A record as parsed, with the parser's line count after it.
type Parsed = Result<(csv::StringRecord, u64), csv::Error>;

/// The records of a text file, parsed as they are asked for, one record ahead: whether a
/// record ended with a line end is known once the next one is read.
struct TextRecords<R: Read> {
    csv: csv::Reader<Tail<DecodeReaderBytes<R, Vec<u8>>>>,
    ahead: Option<Parsed>,
    /// The header's field count (0 before the header is known).
    width: usize,
    done: bool,
}

impl<R: Read> TextRecords<R> {
    /// The next record that is not a blank line, without its CR line-end.
    fn parse(&mut self) -> Option<Parsed> {
        loop {
            let mut record = csv::StringRecord::new();
            match self.csv.read_record(&mut record) {
                Ok(false) => return None,
                Err(e) => return Some(Err(e)),
                Ok(true) => {
                    let lines_read = self.csv.position().line();
                    let Some(last) = record
                        .iter()
                        .next_back()
                        .map(|c| c.strip_suffix('\r').unwrap_or(c))
                    else {
                        continue;
                    };
                    if record.len() == 1 && last.is_empty() {
                        continue; // a blank line ("\r\n")
                    }
                    let mut cells: Vec<&str> = record.iter().collect();
                    let end = cells.len() - 1;
                    cells[end] = last;
                    let mut trimmed = csv::StringRecord::from(cells);
                    trimmed.set_position(record.position().cloned());
                    return Some(Ok((trimmed, lines_read)));
                }
            }
        }
    }
}

impl<R: Read> Iterator for TextRecords<R> {
    type Item = Result<Record, Unreadable>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let current = match self.ahead.take().or_else(|| self.parse()) {
            Some(parsed) => parsed,
            None => {
                self.done = true;
                return None;
            }
        };
        let (record, lines_read) = match current {
            Ok(parsed) => parsed,
            Err(e) => {
                // The decoded text is always UTF-8, so only the file itself failing (an
                // I/O error) can end here: nothing after it can be read.
                self.done = true;
                return Some(Err(Unreadable {
                    line: e.position().map_or(1, |p| p.line()),
                    reason: format!("cannot read past this point: {e}"),
                    fatal: true,
                }));
            }
        };
        self.ahead = self.parse();
        // The parser counts the LFs it has read, blank lines before the record included; so
        // the record's first line is found from its end: back over the LFs inside its
        // cells, and over its own line end unless it is the last record of a file that
        // does not end with one.
        let last_cell = record.iter().next_back().unwrap_or("");
        let open_at_end =
            self.ahead.is_none() && self.csv.get_ref().ends_in_an_open_quote(last_cell);
        let ended_with_lf =
            self.ahead.is_some() || (self.csv.get_ref().last.ends_with(b"\n") && !open_at_end);
        let inner: u64 = record
            .iter()
            .map(|cell| cell.bytes().filter(|b| *b == b'\n').count() as u64)
            .sum();
        let line = lines_read
            .saturating_sub(inner)
            .saturating_sub(u64::from(ended_with_lf))
            .max(1);
        let record = Record {
            line,
            cells: record.iter().map(str::to_string).collect(),
        };
        Some(checked(record, self.width, open_at_end))
    }
}

/// The record, unless it is the work of a stray quote.
///
/// The csv crate is lenient: a cell that opens with `"` runs to the next lone `"`, across
/// line ends, possibly to the end of the file, and no error is raised. A proper multi-line
/// cell (REDCap's addresses, a free-text answer in paragraphs) keeps the record's field
/// count; so a record whose cells span lines is reported, with the lines it swallowed,
/// when its field count differs from the header's (`width`; 0 while the header is not
/// known), or when its last cell is a quote still open at the end of the file
/// (`open_at_end`).
fn checked(record: Record, width: usize, open_at_end: bool) -> Result<Record, Unreadable> {
    let newlines: u64 = record
        .cells
        .iter()
        .map(|cell| cell.bytes().filter(|b| *b == b'\n').count() as u64)
        .sum();
    let fields = record.cells.len();
    let line = record.line;
    // A quote left open at the end of the file takes the file's last line end with it.
    let trailing = record.cells.last().is_some_and(|c| c.ends_with('\n'));
    let last_line = line + newlines - u64::from(trailing && newlines > 0);
    if open_at_end {
        return Err(Unreadable {
            line,
            reason: format!(
                "a quote (\") opens the last cell on line {line} and is never closed: lines {line}–{last_line}, to the end of the file, were read as that one cell"
            ),
            fatal: false,
        });
    }
    if newlines == 0 || width == 0 || fields == width {
        return Ok(record);
    }
    Err(Unreadable {
        line,
        reason: format!(
            "lines {line}–{last_line} were read as one record of {fields} fields (the header has {width}): a quote (\") opens a cell there that is not closed where the cell ends"
        ),
        fatal: false,
    })
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn read(bytes: &[u8]) -> (Source, Vec<Result<Record, Unreadable>>) {
        let mut source = open(
            "t.csv".into(),
            Cursor::new(bytes.to_vec()),
            &Overrides::default(),
        )
        .unwrap();
        let records = source.records.by_ref().collect();
        (source, records)
    }

    fn lines(records: &[Result<Record, Unreadable>]) -> Vec<u64> {
        records
            .iter()
            .map(|r| match r {
                Ok(r) => r.line,
                Err(u) => u.line,
            })
            .collect()
    }

    #[test]
    fn lines_are_physical_lines_with_crlf_and_quoted_newlines() {
        let text = "respondent_id,note\r\na,\"one\r\ntwo\"\r\nb,x\r\n\r\nc,y\r\n";
        let (source, records) = read(text.as_bytes());
        assert_eq!(source.header[0].line, 1);
        assert_eq!(lines(&records), vec![2, 4, 6]);
        let Ok(first) = &records[0] else { panic!() };
        assert_eq!(first.cells[1], "one\r\ntwo");
    }

    #[test]
    fn lines_ending_in_a_lone_cr_are_lines() {
        let (source, records) = read(b"respondent_id,note\ra,\"x\ry\"\rb,z\r");
        assert!(source.detected.notes.iter().any(|n| n.contains("CR alone")));
        assert_eq!(lines(&records), vec![2, 4]);
        assert_eq!(records[0].as_ref().unwrap().cells[1], "x\ny");
    }

    #[test]
    fn a_stray_quote_is_reported_not_swallowed_silently() {
        let text = "respondent_id,stance,note\na,yes,\"fine\nb,no,ok\nc,no,ok\n";
        let (_, records) = read(text.as_bytes());
        assert_eq!(records.len(), 1);
        let Err(unreadable) = &records[0] else {
            panic!("{records:?}")
        };
        assert_eq!(unreadable.line, 2);
        assert!(
            unreadable.reason.contains("lines 2–4"),
            "{}",
            unreadable.reason
        );
        assert!(!unreadable.fatal);

        // The quote closes later: reading goes on after the swallowed lines.
        let text = "id,a,b\n1,\"x,y\n2,z,w\"\n3,p,q\n";
        let (_, records) = read(text.as_bytes());
        assert!(records[0].is_err());
        assert_eq!(records[1].as_ref().unwrap().cells, vec!["3", "p", "q"]);
        assert_eq!(records[1].as_ref().unwrap().line, 4);
    }

    #[test]
    fn a_multi_line_answer_full_of_commas_is_an_answer() {
        let text = "respondent_id,stance,note,when\na,yes,\"I think:\nA, B, C, D\nand E\",2026\nb,no,\"x\ny\",\"\"\n";
        let (_, records) = read(text.as_bytes());
        assert_eq!(lines(&records), vec![2, 5]);
        assert_eq!(
            records[0].as_ref().unwrap().cells[2],
            "I think:\nA, B, C, D\nand E"
        );
        assert_eq!(
            records[1].as_ref().unwrap().cells[2],
            "x\ny",
            "closed at the end"
        );
    }

    #[test]
    fn ragged_rows_and_trailing_delimiters_are_kept() {
        let (source, records) = read(b"a,b,c,\n1,2\n3,4,5,6,7\n");
        assert_eq!(source.header[0].cells, vec!["a", "b", "c", ""]);
        assert_eq!(records[0].as_ref().unwrap().cells, vec!["1", "2"]);
        assert_eq!(records[1].as_ref().unwrap().cells.len(), 5);
    }

    #[test]
    fn forced_utf8_on_other_bytes_is_an_error_naming_the_line() {
        let overrides = Overrides {
            encoding: Some(UTF_8),
            ..Overrides::default()
        };
        let error = open(
            "t.csv".into(),
            Cursor::new(b"a,b\n1,caf\xe9\n".to_vec()),
            &overrides,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "t.csv: line 2: byte 9 is not UTF-8, but --encoding utf-8 was given (leave --encoding out to detect the encoding)"
        );
    }

    #[test]
    fn a_file_longer_than_the_prefix_streams_through() {
        let mut text = String::from("respondent_id;note\n");
        let rows = 20_000;
        for i in 0..rows {
            text.push_str(&format!("r{i};\"a; b\"\n"));
        }
        assert!(text.len() > PREFIX_BYTES * 3);
        let (source, records) = read(text.as_bytes());
        assert_eq!(source.detected.delimiter, Some(';'));
        assert_eq!(records.len(), rows);
        assert_eq!(lines(&records).last(), Some(&(rows as u64 + 1)));
    }
}
