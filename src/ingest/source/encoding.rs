//! Which encoding a text export is in. Tools disagree: Qualtrics writes UTF-16 TSV with a
//! byte order mark, Excel saves "CSV" in the Windows code page, most web tools write UTF-8
//! (with or without a BOM). The order of evidence, strongest first: a BOM; the NUL bytes
//! that UTF-16 text without a BOM is full of; the whole file being valid UTF-8; otherwise
//! Windows-1252, which decodes any byte sequence.

use std::io;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use rayon::prelude::*;

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
/// `None` means the whole file has to be checked for UTF-8 ([`check_utf8`]).
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

/// How much of a file one task checks for UTF-8: large enough that a task's cost vanishes,
/// small enough that every core gets many.
pub const CHECK_BYTES: usize = 4 << 20;

/// Bytes that can be read at any offset from several threads at once: a file, or bytes
/// already in memory.
pub trait ReadAt: Sync {
    /// How many bytes there are.
    fn size(&self) -> io::Result<u64>;
    /// Replaces `buf` with the bytes at `at..at + n` (fewer only at the end).
    fn read_into(&self, at: u64, n: usize, buf: &mut Vec<u8>) -> io::Result<()>;
}

impl ReadAt for std::io::Cursor<Vec<u8>> {
    fn size(&self) -> io::Result<u64> {
        Ok(self.get_ref().len() as u64)
    }

    fn read_into(&self, at: u64, n: usize, buf: &mut Vec<u8>) -> io::Result<()> {
        let bytes = self.get_ref();
        let start = usize::try_from(at).map_or(bytes.len(), |at| at.min(bytes.len()));
        buf.clear();
        buf.extend_from_slice(&bytes[start..bytes.len().min(start.saturating_add(n))]);
        Ok(())
    }
}

impl ReadAt for std::fs::File {
    fn size(&self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }

    fn read_into(&self, at: u64, n: usize, buf: &mut Vec<u8>) -> io::Result<()> {
        #[cfg(unix)]
        use std::os::unix::fs::FileExt;
        #[cfg(windows)]
        use std::os::windows::fs::FileExt;
        buf.clear();
        buf.resize(n, 0);
        let mut filled = 0;
        while filled < n {
            #[cfg(unix)]
            let read = self.read_at(&mut buf[filled..], at + filled as u64);
            #[cfg(windows)]
            let read = self.seek_read(&mut buf[filled..], at + filled as u64);
            match read {
                Ok(0) => break,
                Ok(k) => filled += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        buf.truncate(filled);
        Ok(())
    }
}

/// Checks the bytes of `input` from `from` to its end for UTF-8, `range` bytes to a task,
/// the tasks on every core. A task's range is moved to start at a character's first byte
/// (past at most 3 continuation bytes), and ends where the next one starts, so that every
/// byte is checked once and no character is cut; the first byte that is not UTF-8 is
/// reported with its line, counted only then.
pub fn check_utf8(input: &impl ReadAt, from: u64, range: usize) -> io::Result<Result<(), NotUtf8>> {
    let end = input.size()?;
    let range = range.max(4) as u64;
    let tasks = end.saturating_sub(from).div_ceil(range);
    let first_bad = (0..tasks)
        .into_par_iter()
        .map_init(Vec::new, |buf, k| -> io::Result<Option<u64>> {
            let a = from + k * range;
            let b = (a + range).min(end);
            // The range and the 4 bytes after it, to find where the next character starts.
            input.read_into(a, (b - a) as usize + 4, buf)?;
            let nominal = (b - a) as usize;
            let start = if k == 0 { 0 } else { char_start(buf, 0) };
            let stop = if b >= end {
                buf.len()
            } else {
                char_start(buf, nominal)
            };
            let range = &buf[start..stop.max(start)];
            // The fast check first; where the bytes fail it, the careful one says where.
            if simdutf8::basic::from_utf8(range).is_ok() {
                return Ok(None);
            }
            Ok(std::str::from_utf8(range)
                .err()
                .map(|e| a - from + (start + e.valid_up_to()) as u64))
        })
        .try_reduce(|| None, |x, y| Ok(x.into_iter().chain(y).min()))?;
    let Some(offset) = first_bad else {
        return Ok(Ok(()));
    };
    Ok(Err(NotUtf8 {
        line: lines_before(input, from, offset)? + 1,
        offset,
    }))
}

/// The first byte at or after `at` (looking at most 4 bytes on) that is not a UTF-8
/// continuation byte, or where the 4 bytes (or `bytes`) end.
fn char_start(bytes: &[u8], at: usize) -> usize {
    let window = &bytes[at.min(bytes.len())..bytes.len().min(at + 4)];
    at + window
        .iter()
        .position(|b| b & 0xC0 != 0x80)
        .unwrap_or(window.len())
}

/// How many line ends the `n` bytes of `input` from `from` hold.
fn lines_before(input: &impl ReadAt, from: u64, n: u64) -> io::Result<u64> {
    let mut buf = Vec::new();
    let mut lines = 0;
    let mut at = from;
    while at < from + n {
        let chunk = (from + n - at).min(CHECK_BYTES as u64) as usize;
        input.read_into(at, chunk, &mut buf)?;
        if buf.is_empty() {
            break;
        }
        lines += memchr::memchr_iter(b'\n', &buf).count() as u64;
        at += buf.len() as u64;
    }
    Ok(lines)
}

/// Whether `prefix`, the start of a file (`whole`: all of it), is UTF-8; a character cut
/// at its end, where the prefix stops and the file does not, counts as UTF-8.
pub fn starts_utf8(prefix: &[u8], whole: bool) -> bool {
    match std::str::from_utf8(prefix) {
        Ok(_) => true,
        Err(e) => !whole && e.error_len().is_none(),
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

    use proptest::prelude::*;

    fn scan(bytes: &[u8], range: usize) -> Result<(), NotUtf8> {
        check_utf8(&std::io::Cursor::new(bytes.to_vec()), 0, range).unwrap()
    }

    /// What checking the whole text at once finds.
    fn whole(bytes: &[u8]) -> Result<(), NotUtf8> {
        match std::str::from_utf8(bytes) {
            Ok(_) => Ok(()),
            Err(e) => {
                let offset = e.valid_up_to();
                let line = 1 + bytes[..offset].iter().filter(|b| **b == b'\n').count() as u64;
                Err(NotUtf8 {
                    line,
                    offset: offset as u64,
                })
            }
        }
    }

    proptest! {
        #[test]
        fn ranges_find_what_the_whole_text_finds(
            text in "[a\n\u{e9}\u{20ac}\u{1F600}]{0,40}",
            cuts in proptest::collection::vec((0usize..60, 0u8..=255), 0..3),
            range in 4usize..12,
        ) {
            let mut bytes = text.into_bytes();
            for (at, byte) in cuts {
                if at < bytes.len() {
                    bytes[at] = byte;
                }
            }
            prop_assert_eq!(scan(&bytes, range), whole(&bytes));
        }
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
    fn the_check_finds_the_first_byte_that_is_not_utf8_across_ranges() {
        let text = "a,b\nc,é€😀\n".as_bytes();
        for range in 4..=text.len() {
            assert_eq!(scan(text, range), Ok(()), "range {range}");
        }
        let latin1 = b"a,b\nc,caf\xe9\n";
        for range in 4..=latin1.len() {
            assert_eq!(scan(latin1, range), Err(NotUtf8 { line: 2, offset: 9 }));
        }
        for range in 4..8 {
            assert_eq!(
                scan(b"abcd\xC3", range),
                Err(NotUtf8 { line: 1, offset: 4 })
            );
            // Stray continuation bytes where a range starts.
            assert_eq!(
                scan(b"abcd\x80\x80\x80\x80\x80x", range),
                Err(NotUtf8 { line: 1, offset: 4 })
            );
        }
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
