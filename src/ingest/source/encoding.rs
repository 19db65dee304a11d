//! Which encoding a text export is in. Tools disagree: Qualtrics writes UTF-16 TSV with a
//! byte order mark, Excel saves "CSV" in the Windows code page, most web tools write UTF-8
//! (with or without a BOM). The order of evidence, strongest first: a BOM; the NUL bytes
//! that UTF-16 text without a BOM is full of; the whole file being valid UTF-8; otherwise
//! Windows-1252, which decodes any byte sequence.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How many bytes of the prefix the NUL-pattern test looks at.
const NUL_WINDOW: usize = 4096;

/// The encoding decided on, and how long the byte order mark is (0 without one).
#[derive(Debug, Clone, PartialEq)]
pub struct Decided {
    pub encoding: &'static Encoding,
    pub bom_len: usize,
    /// Why, when it is not simply UTF-8 or a BOM: said in `Detected::notes`.
    pub note: Option<String>,
}

/// The length of a BOM at the start of `prefix` that belongs to `encoding`: a file read
/// with `--encoding utf-16le` still does not start with U+FEFF.
pub fn bom_of(prefix: &[u8], encoding: &'static Encoding) -> usize {
    match Encoding::for_bom(prefix) {
        Some((found, len)) if found == encoding => len,
        _ => 0,
    }
}

/// What the first bytes alone decide: a BOM, or UTF-16 recognised by its NUL bytes.
/// `None` means the whole file has to be checked for UTF-8 ([`Utf8Scan`]).
pub fn from_prefix(prefix: &[u8]) -> Option<Decided> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(prefix) {
        return Some(Decided {
            encoding,
            bom_len,
            note: None,
        });
    }
    let window = &prefix[..prefix.len().min(NUL_WINDOW)];
    let pairs = window.len() / 2;
    if pairs < 2 {
        return None;
    }
    let nuls_at = |parity: usize| {
        window
            .iter()
            .skip(parity)
            .step_by(2)
            .take(pairs)
            .filter(|b| **b == 0)
            .count()
    };
    let (even, odd) = (nuls_at(0), nuls_at(1));
    // Text that is mostly ASCII has a NUL in every other byte in UTF-16, and (almost) none
    // in the other half; a binary or UTF-8 file with stray NULs does not show that pattern.
    let encoding = if odd * 2 >= pairs && even * 10 < pairs {
        UTF_16LE
    } else if even * 2 >= pairs && odd * 10 < pairs {
        UTF_16BE
    } else {
        return None;
    };
    Some(Decided {
        encoding,
        bom_len: 0,
        note: Some(format!(
            "{} recognised by its NUL bytes (the file has no byte order mark)",
            encoding.name()
        )),
    })
}

/// Where a file stops being UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8 {
    /// The physical line (1-based) of the first byte that is not UTF-8.
    pub line: u64,
    /// Its offset in the file.
    pub offset: u64,
}

/// Checks a file for UTF-8 a chunk at a time, so that a large file is never held whole.
#[derive(Debug, Default)]
pub struct Utf8Scan {
    /// The start of a character cut by the end of the previous chunk (at most 3 bytes).
    pending: Vec<u8>,
    /// Offset of `pending[0]` (or of the next chunk) in the file.
    offset: u64,
    newlines: u64,
}

impl Utf8Scan {
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), NotUtf8> {
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(chunk);
        match std::str::from_utf8(&bytes) {
            Ok(_) => self.advance(&bytes),
            Err(e) => {
                let valid = e.valid_up_to();
                self.advance(&bytes[..valid]);
                if e.error_len().is_some() {
                    return Err(self.here());
                }
                // An incomplete character at the end: the next chunk may finish it.
                self.pending = bytes[valid..].to_vec();
            }
        }
        Ok(())
    }

    /// The end of the file: a character left unfinished is not UTF-8.
    pub fn finish(self) -> Result<(), NotUtf8> {
        if self.pending.is_empty() {
            Ok(())
        } else {
            Err(self.here())
        }
    }

    fn advance(&mut self, valid: &[u8]) {
        self.offset += valid.len() as u64;
        self.newlines += memchr::memchr_iter(b'\n', valid).count() as u64;
    }

    fn here(&self) -> NotUtf8 {
        NotUtf8 {
            line: self.newlines + 1,
            offset: self.offset,
        }
    }
}

/// The decision for a file without a BOM or NUL pattern, once it has been scanned.
pub fn from_scan(scan: Result<(), NotUtf8>) -> Decided {
    match scan {
        Ok(()) => Decided {
            encoding: UTF_8,
            bom_len: 0,
            note: None,
        },
        Err(at) => Decided {
            encoding: WINDOWS_1252,
            bom_len: 0,
            note: Some(format!(
                "not UTF-8 (line {}, byte {}), so read as windows-1252; give --encoding if it is another code page",
                at.line, at.offset
            )),
        },
    }
}

/// An `--encoding` value: any WHATWG label encoding_rs knows (`utf-8`, `utf-16le`,
/// `latin1`, `windows-1252`, `shift_jis`, …).
pub fn parse_label(label: &str) -> Result<&'static Encoding, String> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        format!(
            "unknown encoding `{label}`; use a WHATWG label such as utf-8, utf-16le, utf-16be or windows-1252"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(bytes: &[u8], chunk: usize) -> Result<(), NotUtf8> {
        let mut scan = Utf8Scan::default();
        for piece in bytes.chunks(chunk.max(1)) {
            scan.feed(piece)?;
        }
        scan.finish()
    }

    #[test]
    fn a_bom_decides() {
        assert_eq!(from_prefix(b"\xEF\xBB\xBFa,b").unwrap().encoding, UTF_8);
        let le = from_prefix(b"\xFF\xFEa\0").unwrap();
        assert_eq!((le.encoding, le.bom_len), (UTF_16LE, 2));
        assert_eq!(from_prefix(b"\xFE\xFF\0a").unwrap().encoding, UTF_16BE);
    }

    #[test]
    fn utf16_without_a_bom_is_recognised_by_its_nuls() {
        let le: Vec<u8> = "id\tname\r\n1\tAda\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "id,name\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(from_prefix(&le).unwrap().encoding, UTF_16LE);
        assert_eq!(from_prefix(&be).unwrap().encoding, UTF_16BE);
        assert_eq!(from_prefix(b"id,name\n1,Ada\n"), None);
        assert_eq!(from_prefix(b"a\0b\0\0\0\0\0"), None, "NULs on both sides");
    }

    #[test]
    fn the_scan_finds_the_first_byte_that_is_not_utf8_across_chunks() {
        let text = "a,b\nc,é\n".as_bytes();
        for chunk in 1..=text.len() {
            assert_eq!(scan(text, chunk), Ok(()), "chunk {chunk}");
        }
        let latin1 = b"a,b\nc,caf\xe9\n";
        for chunk in 1..=latin1.len() {
            assert_eq!(scan(latin1, chunk), Err(NotUtf8 { line: 2, offset: 9 }));
        }
        assert_eq!(scan(b"a\xC3", 1), Err(NotUtf8 { line: 1, offset: 1 }));
    }

    #[test]
    fn not_utf8_falls_back_to_windows_1252_and_says_where() {
        let decided = from_scan(scan(b"x\ny\xe9", 4));
        assert_eq!(decided.encoding, WINDOWS_1252);
        assert!(decided.note.unwrap().contains("line 2"));
    }

    #[test]
    fn labels_are_whatwg_labels() {
        assert_eq!(parse_label("latin1").unwrap(), WINDOWS_1252);
        assert_eq!(parse_label("UTF-16LE").unwrap(), UTF_16LE);
        assert!(parse_label("klingon").unwrap_err().contains("klingon"));
    }
}
