//! Reading a text export (CSV, TSV, …) as a stream: the encoding and the delimiter are
//! decided from the file's start (and, for UTF-8, one pass that only validates), then the
//! file is decoded and parsed as it is iterated, so memory does not grow with its rows.

use std::io::{Read, Seek, SeekFrom};

use encoding_rs::{Encoding, UTF_8};
use encoding_rs_io::DecodeReaderBytesBuilder;

use super::blocks::{Block, Position, Splitter};
use super::encoding::{self, CHECK_BYTES, Decided, ReadAt};
use super::open::{OpenError, Overrides, Problem};
use super::{Body, Detected, Record, Source, Unreadable, Utf8Check, delimiter, tool};

/// How much of the start of a file the sniffing looks at.
pub const PREFIX_BYTES: usize = 64 * 1024;

/// Opens a text export read from `reader`; `file` names it in messages.
pub fn open<R: Read + Seek + ReadAt + Send + 'static>(
    file: String,
    mut reader: R,
    overrides: &Overrides,
    check: Utf8Check,
) -> Result<Source, OpenError> {
    let io = |e: std::io::Error| OpenError::new(&file, Problem::Io(e));
    let prefix = read_prefix(&mut reader).map_err(io)?;
    let whole = prefix.len() < PREFIX_BYTES;
    let (decided, as_read) = decide_encoding(&file, &prefix, whole, &reader, overrides, check)?;
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
    // UTF-8 was checked whole (or forced and checked) while deciding: it is read as it is.
    let utf8: Box<dyn Read + Send> = if decided.encoding == UTF_8 {
        Box::new(reader)
    } else {
        Box::new(
            DecodeReaderBytesBuilder::new()
                .encoding(Some(decided.encoding))
                .build(reader),
        )
    };
    let mut blocks = Splitter::new(utf8, delimiter as u8, lone_cr, 1)
        .with_max_record_bytes(overrides.limits.max_row_bytes)
        .unchecked_utf8(as_read);

    // The first rows carry the tool's signature; those that are not headings are left in
    // the body, so nothing is read twice.
    let mut first: Option<Block> = None;
    let mut failed: Option<Unreadable> = None;
    let enough = |block: &Block| {
        let mut count = 0;
        block.for_each_leading_record(0, |_, _| {
            count += 1;
            count < tool::SIGNATURE_ROWS
        });
        count >= tool::SIGNATURE_ROWS
    };
    loop {
        if first.as_ref().is_some_and(enough) {
            break;
        }
        match blocks.next() {
            Some(Ok(block)) => match &mut first {
                Some(first) => first.extend(block),
                None => first = Some(block),
            },
            Some(Err(unreadable)) => {
                failed = Some(unreadable);
                break;
            }
            None => break,
        }
    }
    let mut leading: Vec<(Result<Record, Unreadable>, Position)> = Vec::new();
    if let Some(first) = &first {
        first.for_each_leading_record(0, |item, position| {
            leading.push((item.map(|r| r.to_record()), position));
            leading.len() < tool::SIGNATURE_ROWS
        });
    }
    let signature: Vec<Vec<String>> = leading
        .iter()
        .map_while(|(r, _)| r.as_ref().ok())
        .map(|r| r.cells.iter().map(|c| c.trim().to_string()).collect())
        .collect();
    let tool = overrides.tool.unwrap_or_else(|| tool::detect(&signature));
    let (header_rows, note) = tool::header_rows(tool, &signature);
    notes.extend(note);

    let mut header = Vec::new();
    let mut after_header = None;
    for (record, position) in leading {
        match record {
            Ok(record) if header.len() < header_rows => {
                header.push(record);
                after_header = Some(position);
            }
            _ => break,
        }
    }
    let width = header.first().map_or(0, |h: &Record| h.cells.len());
    super::sheet::check_columns(width, &overrides.limits)
        .map_err(|reason| OpenError::new(&file, Problem::TooLarge(reason)))?;
    // A first block that is not UTF-8 after all (`Utf8Check::AsRead`) gives, instead of
    // the rest of its records, why it cannot be read.
    let rest = first.map(|first| match after_header {
        Some(position) => first.rest(position),
        None => Ok(first),
    });
    let body = rest.into_iter().chain(failed.map(Err)).chain(blocks);

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
        body: Body::Blocks {
            width,
            blocks: Box::new(body),
        },
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
/// whole file is (checked a chunk at a time), else Windows-1252; and whether UTF-8 is
/// assumed and left to be checked as the file is read ([`Utf8Check::AsRead`], where the
/// prefix, `whole` or not the whole file, is UTF-8).
fn decide_encoding(
    file: &str,
    prefix: &[u8],
    whole: bool,
    reader: &impl ReadAt,
    overrides: &Overrides,
    check: Utf8Check,
) -> Result<(Decided, bool), OpenError> {
    if let Some(forced) = overrides.encoding {
        let bom_len = encoding::bom_of(prefix, forced);
        // Forced UTF-8 is checked: replacement characters in place of an answer are exactly
        // the mangling that must not pass silently. Other encodings decode any bytes.
        if forced == UTF_8 {
            if let Err(at) = encoding::check_utf8(reader, bom_len as u64, CHECK_BYTES)
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
        let decided = Decided {
            encoding: forced,
            bom_len,
            note: Some(format!("encoding {} given with --encoding", forced.name())),
        };
        return Ok((decided, false));
    }
    if let Some(decided) = encoding::from_prefix(prefix) {
        return Ok((decided, false));
    }
    // A file that is not UTF-8 nearly always shows it in its first 64 KiB, and is then
    // decided at once.
    if check == Utf8Check::AsRead && encoding::starts_utf8(prefix, whole) {
        let decided = Decided {
            encoding: UTF_8,
            bom_len: 0,
            note: None,
        };
        return Ok((decided, true));
    }
    let scan = encoding::check_utf8(reader, 0, CHECK_BYTES)
        .map_err(|e| OpenError::new(file, Problem::Io(e)))?;
    Ok((encoding::from_scan(scan), false))
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

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::ingest::source::BLOCK_BYTES;

    fn read(bytes: &[u8]) -> (Source, Vec<Result<Record, Unreadable>>) {
        let mut source = open(
            "t.csv".into(),
            Cursor::new(bytes.to_vec()),
            &Overrides::default(),
            Utf8Check::Whole,
        )
        .unwrap();
        let body = std::mem::replace(
            &mut source.body,
            Body::Records(Box::new(std::iter::empty())),
        );
        let records = body.records().collect();
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
    fn after_a_utf8_bom_bytes_that_are_not_utf8_become_replacement_characters() {
        let (source, records) = read(b"\xEF\xBB\xBFa,b\n1,caf\xe9\n2,ok\n");
        assert_eq!(source.detected.encoding, Some("UTF-8"));
        let cells: Vec<Vec<String>> = records.into_iter().map(|r| r.unwrap().cells).collect();
        assert_eq!(cells, [["1", "caf\u{FFFD}"], ["2", "ok"]]);
    }

    #[test]
    fn utf8_checked_as_read_ends_the_reading_where_a_byte_is_not() {
        let row = b"1,caf\xc3\xa9\n";
        // Past the 64 KiB looked at first, in the first block and in a later one.
        for size in [PREFIX_BYTES + 10, BLOCK_BYTES + 10] {
            let mut text = b"a,b\n".to_vec();
            while text.len() < size {
                text.extend_from_slice(row);
            }
            let rows = (text.len() - 4) / row.len();
            text.extend_from_slice(b"2,caf\xe9\n3,ok\n");
            let bad = (text.len() - 7) as u64;
            let checked = |check| {
                let overrides = Overrides::default();
                let mut source =
                    open("t.csv".into(), Cursor::new(text.clone()), &overrides, check).unwrap();
                assert_eq!(source.header[0].cells, ["a", "b"]);
                let encoding = source.detected.encoding;
                (encoding, source.take_records().collect::<Vec<_>>())
            };
            let (encoding, records) = checked(Utf8Check::AsRead);
            assert_eq!(encoding, Some("UTF-8"));
            // The records of the blocks before the one with the byte, then why it stops.
            let (stop, before) = records.split_last().unwrap();
            let stop = stop.as_ref().unwrap_err();
            assert_eq!(stop.not_utf8, Some(bad), "{size}");
            assert_eq!(stop.line, rows as u64 + 2, "{size}");
            assert!(stop.fatal);
            assert!(before.len() < rows);
            assert!(
                before
                    .iter()
                    .all(|r| r.as_ref().unwrap().cells[1] == "caf\u{e9}")
            );

            // Checked first, the file is windows-1252 throughout.
            let (encoding, records) = checked(Utf8Check::Whole);
            assert_eq!(encoding, Some("windows-1252"));
            assert_eq!(records.len(), rows + 2);
            assert_eq!(records[0].as_ref().unwrap().cells[1], "caf\u{c3}\u{a9}");
            assert_eq!(records[rows].as_ref().unwrap().cells[1], "caf\u{e9}");
        }
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
            Utf8Check::Whole,
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
