//! One cell of the canonical response file, read as the answer its question expects.
//! The survey names every valid code up front, so a cell maps straight to a small
//! integer, and anything else is refused with the reason.

use crate::survey::{Question, QuestionKind, did_you_mean};

/// A validated answer to one question (or one matrix row), as the record holds it: no
/// copy of the cell, and the codes of a multiple choice or a ranking in a buffer the
/// reader keeps from one record to the next, so that reading a valid cell allocates
/// nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Parsed<'a> {
    /// The cell was empty.
    Missing,
    /// Index of the chosen code among the question's choices (or the scale's levels).
    Choice(u8),
    /// `picked[start..end]`: the indices of the ticked codes, ascending, each once.
    Choices(Span),
    /// `picked[start..end]`: the indices of the ranked codes, in rank order.
    Ranked(Span),
    Number(f64),
    /// The answer, trimmed: a part of the cell.
    Text(&'a str),
}

/// Where a cell's codes are in the reader's code buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn of(self, picked: &[u8]) -> &[u8] {
        &picked[self.start as usize..self.end as usize]
    }
}

/// An answer with its codes and text owned: what tests compare.
#[cfg(test)]
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Missing,
    Choice(u8),
    Choices(Vec<u8>),
    Ranked(Vec<u8>),
    Number(f64),
    Text(String),
}

/// Separator of codes in a multiple-choice or ranking cell.
pub const CODE_SEPARATOR: char = ';';

/// A question's codes laid out for finding a cell's code fast: ingest asks for every
/// cell, and the survey's [`Question::choice_index`] walks whole choices (labels and all).
///
/// A code is looked up by its length and up to 16 of its bytes ([`Key`]), kept in the
/// slot of a small open-addressing table that they hash to; only a code longer than 16
/// bytes is compared in full. Each question's table has its own multiplier for the hash,
/// picked so that (nearly always) every code sits in the slot it hashes to: finding one
/// is then one slot read and one comparison, with no probe whose outcome varies from
/// cell to cell for the processor to mispredict.
#[derive(Debug, Clone, Default)]
pub struct Codes {
    slots: Vec<Slot>,
    /// `slots.len() - 1`; the length is a power of two.
    mask: usize,
    /// The hash's multiplier, and the shift that keeps its top bits.
    multiplier: u64,
    shift: u32,
    codes: Vec<Box<str>>,
}

/// One slot of [`Codes`]: a code's [`Key`] and its index + 1 (0: an empty slot). Small,
/// so that every question's table stays in the nearest cache.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    tail: u64,
    head: u64,
    len: u32,
    index: u32,
}

/// A code's length and up to 16 of its bytes, which together tell apart any two codes
/// of at most 16 bytes.
#[derive(Debug, Clone, Copy, Default)]
struct Key {
    len: u64,
    /// Bytes `n-8..n` of a code of `n` ≥ 8 bytes; `0..4` and `n-4..n` (they overlap) of
    /// one of 4 to 7; the first, middle and last of a shorter one.
    tail: u64,
    /// Bytes `0..8` of a code of 8 or more; `0..4` twice for one of 4 to 7 (0 for a
    /// shorter one).
    head: u64,
}

impl Key {
    /// Read without a copy, and with the same four loads for any code of 4 bytes or more
    /// (the places to read from are worked out without a branch), so that codes of
    /// different lengths in one column cost no mispredicted jump: this runs for every
    /// cell.
    fn of(code: &str) -> Key {
        let b = code.as_bytes();
        let n = b.len();
        // One bounds check per word, not one per byte.
        let word = |at: usize| {
            b.get(at..at + 4)
                .and_then(|w| <[u8; 4]>::try_from(w).ok())
                .map_or(0, |w| u64::from(u32::from_le_bytes(w)))
        };
        let (tail, head) = if n >= 4 {
            let long = usize::from(n >= 8);
            // 8 or more: bytes 0..8 and n-8..n; 4 to 7: 0..4 and n-4..n, each twice.
            let (second, third) = (4 * long, n - 4 - 4 * long);
            (
                word(third) | word(n - 4) << 32,
                word(0) | word(second) << 32,
            )
        } else if n > 0 {
            (
                u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
                0,
            )
        } else {
            (0, 0)
        };
        Key {
            len: n as u64,
            tail,
            head,
        }
    }
}

/// Multipliers tried for a question's table, drawn from a fixed sequence (splitmix64's),
/// so that the choice is the same on every run.
const MULTIPLIERS: usize = 64;

fn multiplier(attempt: usize) -> u64 {
    // splitmix64's output function; `| 1` keeps the multiplier odd.
    let mut z = (attempt as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) | 1
}

impl Codes {
    pub fn of(question: &Question) -> Codes {
        let codes: Vec<Box<str>> = question
            .choices()
            .iter()
            .map(|c| c.code.as_str().into())
            .collect();
        let keys: Vec<Key> = codes.iter().map(|c| Key::of(c)).collect();
        // At least 2 slots per code; 4 if no multiplier seats every code in its own slot
        // at 2. The table with the fewest codes out of place wins, the first on ties. A
        // slot is always left empty: a search for a cell that is no code ends there.
        let least = (codes.len() * 2).next_power_of_two().max(8);
        let mut best: Option<(usize, Codes)> = None;
        'sizes: for size in [least, least * 2] {
            for attempt in 0..MULTIPLIERS {
                let (displaced, table) = Codes::laid_out(&keys, size, multiplier(attempt));
                if best.as_ref().is_none_or(|(fewest, _)| displaced < *fewest) {
                    best = Some((displaced, table));
                }
                if displaced == 0 {
                    break 'sizes;
                }
            }
        }
        let mut table = best.map(|(_, table)| table).unwrap_or_default();
        table.codes = codes;
        table
    }

    /// The slots of the codes whose `keys` these are, `size` of them, with the hash's
    /// `multiplier` (the codes themselves are added once a table is chosen), and how many
    /// codes did not get the slot they hash to.
    fn laid_out(keys: &[Key], size: usize, multiplier: u64) -> (usize, Codes) {
        let mut table = Codes {
            slots: vec![Slot::default(); size],
            mask: size - 1,
            multiplier,
            shift: 64 - size.trailing_zeros(),
            codes: Vec::new(),
        };
        let mut displaced = 0;
        for (i, key) in keys.iter().enumerate() {
            let mut slot = table.slot_of(key);
            if table.slots[slot].index != 0 {
                displaced += 1;
            }
            while table.slots[slot].index != 0 {
                slot = (slot + 1) & table.mask;
            }
            table.slots[slot] = Slot {
                tail: key.tail,
                head: key.head,
                // A code is a short name; the survey checks allow at most 255 of them.
                len: key.len as u32,
                index: i as u32 + 1,
            };
        }
        (displaced, table)
    }

    /// How many codes are not in the slot they hash to.
    #[cfg(test)]
    pub fn displaced(&self) -> usize {
        self.slots
            .iter()
            .enumerate()
            .filter(|(at, slot)| {
                slot.index != 0 && {
                    let code = &self.codes[slot.index as usize - 1];
                    self.slot_of(&Key::of(code)) != *at
                }
            })
            .count()
    }

    /// The slot `key` hashes to: the top bits of a multiply, which spreads every byte of
    /// the key into them.
    fn slot_of(&self, key: &Key) -> usize {
        // The head too: codes that share their last 8 bytes and length are common
        // (`frontier_company`, `other_ai_company`), and the tail alone cannot part them.
        let mixed = key.tail ^ key.head.rotate_left(17) ^ key.len;
        (mixed.wrapping_mul(self.multiplier) >> self.shift) as usize
    }

    /// The index of `cell` when it is a code just as it stands: no white space to trim
    /// and no `'` a spreadsheet-safe writer put before it (those cells are read the long
    /// way, [`parse_with`]).
    pub fn find_exact(&self, cell: &str) -> Option<u8> {
        let bytes = cell.as_bytes();
        match (bytes.first(), bytes.last()) {
            (Some(&first), Some(&last)) if first != b'\'' && is_plain(first) && is_plain(last) => {
                self.find(cell)
            }
            _ => None,
        }
    }

    /// The index of `code`, if it is one.
    pub fn find(&self, code: &str) -> Option<u8> {
        let key = Key::of(code);
        let mut slot = self.slot_of(&key);
        loop {
            let found = self.slots.get(slot)?;
            let i = (found.index as usize).checked_sub(1)?;
            // A code of 16 bytes or fewer is all in its key.
            if (found.tail == key.tail)
                & (u64::from(found.len) == key.len)
                & (found.head == key.head)
                && (key.len <= 16 || self.codes[i].as_ref() == code)
            {
                // The survey checks allow at most 255 choices, so the index fits.
                return Some(i as u8);
            }
            slot = (slot + 1) & self.mask;
        }
    }
}

/// `cell` without surrounding white space: the common case, a cell with none at either
/// end, is told from its first and last bytes without decoding characters.
fn trim(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(&first), Some(&last)) if is_plain(first) && is_plain(last) => cell,
        _ => cell.trim(),
    }
}

/// An ASCII byte that is not white space (a byte ≥ 0x80 may start or end a Unicode
/// space, so it is not plain).
fn is_plain(byte: u8) -> bool {
    byte > b' ' && byte < 0x7f
}

/// Reads one cell for `question` (for a matrix, one row's cell); `Err` holds the reason
/// it is refused.
#[cfg(test)]
pub fn parse(question: &Question, cell: &str) -> Result<Answer, String> {
    let mut picked = Vec::new();
    let parsed = parse_with(question, &Codes::of(question), cell, &mut picked)?;
    Ok(match parsed {
        Parsed::Missing => Answer::Missing,
        Parsed::Choice(c) => Answer::Choice(c),
        Parsed::Choices(span) => Answer::Choices(span.of(&picked).to_vec()),
        Parsed::Ranked(span) => Answer::Ranked(span.of(&picked).to_vec()),
        Parsed::Number(n) => Answer::Number(n),
        Parsed::Text(t) => Answer::Text(t.to_string()),
    })
}

/// [`parse`], with the question's [`Codes`] made once for every cell, and the codes of
/// a multiple choice or ranking appended to `picked`.
pub fn parse_with<'a>(
    question: &Question,
    codes: &Codes,
    cell: &'a str,
    picked: &mut Vec<u8>,
) -> Result<Parsed<'a>, String> {
    let cell = trim(cell);
    if cell.is_empty() {
        return Ok(Parsed::Missing);
    }
    match &question.kind {
        QuestionKind::Single { .. } | QuestionKind::Likert { .. } | QuestionKind::Matrix { .. } => {
            code_index(question, codes, cell).map(Parsed::Choice)
        }
        QuestionKind::Multiple {
            min_picks,
            max_picks,
            ..
        } => {
            // Ticks as a set of at most 256 codes: each once, read back ascending.
            let mut ticked = [0u64; 4];
            for code in code_list(cell) {
                let c = code_index(question, codes, code)?;
                ticked[usize::from(c >> 6)] |= 1 << (c & 63);
            }
            let start = picked.len();
            for (word, bits) in ticked.iter().enumerate() {
                let mut bits = *bits;
                while bits != 0 {
                    picked.push((word as u32 * 64 + bits.trailing_zeros()) as u8);
                    bits &= bits - 1;
                }
            }
            let n = (picked.len() - start) as u32;
            if min_picks.is_some_and(|min| n < min) || max_picks.is_some_and(|max| n > max) {
                picked.truncate(start);
                return Err(format!(
                    "`{}` has {n} choices ticked; {}",
                    question.id,
                    picks_rule(*min_picks, *max_picks)
                ));
            }
            Ok(match span(picked, start) {
                Some(span) => Parsed::Choices(span),
                None => Parsed::Missing,
            })
        }
        QuestionKind::Ranking { top, .. } => {
            let start = picked.len();
            let mut seen = [0u64; 4];
            for code in code_list(cell) {
                let c = match code_index(question, codes, code) {
                    Ok(c) => c,
                    Err(reason) => {
                        picked.truncate(start);
                        return Err(reason);
                    }
                };
                let (word, bit) = (usize::from(c >> 6), 1u64 << (c & 63));
                if seen[word] & bit != 0 {
                    picked.truncate(start);
                    let code = &question.choices()[usize::from(c)].code;
                    return Err(format!("`{code}` is ranked twice in `{}`", question.id));
                }
                seen[word] |= bit;
                picked.push(c);
            }
            let ranked = picked.len() - start;
            let expected = top.map_or(question.choices().len(), |t| t as usize);
            if ranked != 0 && ranked != expected {
                picked.truncate(start);
                return Err(format!(
                    "`{}` ranks {ranked} items; it asks for {expected}, best first, joined with `;`",
                    question.id,
                ));
            }
            Ok(match span(picked, start) {
                Some(span) => Parsed::Ranked(span),
                None => Parsed::Missing,
            })
        }
        QuestionKind::Numeric { integer, .. } => {
            let n = number(question, cell)?;
            if *integer && n.fract() != 0.0 {
                return Err(format!(
                    "`{}` takes a whole number; `{cell}` is not one",
                    question.id
                ));
            }
            Ok(Parsed::Number(n))
        }
        QuestionKind::Probability => {
            // A trailing percent sign is how people write probabilities; it changes nothing.
            let n = number(question, cell.strip_suffix('%').unwrap_or(cell).trim())?;
            Ok(Parsed::Number(n))
        }
        QuestionKind::Year { .. } => {
            let n = number(question, cell)?;
            if n.fract() != 0.0 {
                return Err(format!(
                    "`{}` takes a year; `{cell}` is not a whole number",
                    question.id
                ));
            }
            Ok(Parsed::Number(n))
        }
        QuestionKind::Text { max_length } => match max_length {
            // A character takes at least a byte: a short cell needs no counting.
            Some(max) if cell.len() > *max as usize && cell.chars().count() > *max as usize => {
                Err(format!(
                    "the answer to `{}` has {} characters; at most {max} are allowed",
                    question.id,
                    cell.chars().count()
                ))
            }
            _ => Ok(Parsed::Text(cell)),
        },
    }
}

/// The codes appended to `picked` since `start`, if any.
fn span(picked: &[u8], start: usize) -> Option<Span> {
    (picked.len() > start).then_some(Span {
        start: start as u32,
        end: picked.len() as u32,
    })
}

fn picks_rule(min: Option<u32>, max: Option<u32>) -> String {
    match (min, max) {
        (Some(lo), Some(hi)) if lo == hi => format!("it asks for exactly {lo}"),
        (Some(lo), Some(hi)) => format!("it asks for {lo} to {hi}"),
        (Some(lo), None) => format!("it asks for at least {lo}"),
        (None, Some(hi)) => format!("it allows at most {hi}"),
        (None, None) => String::new(),
    }
}

/// The codes of a `;`-separated cell, in the order written, blanks skipped.
fn code_list(cell: &str) -> CodeList<'_> {
    CodeList { rest: Some(cell) }
}

/// The iterator of [`code_list`]: a cell of a few codes is searched byte by byte, which
/// for a few dozen bytes beats setting up a vector search per code.
struct CodeList<'a> {
    /// What is left after the last separator found (`None` after the last code).
    rest: Option<&'a str>,
}

impl<'a> Iterator for CodeList<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let rest = self.rest?;
            let code = match rest.bytes().position(|b| b == CODE_SEPARATOR as u8) {
                // The separator is ASCII, so the cut falls between characters.
                Some(at) => {
                    self.rest = rest.get(at + 1..);
                    rest.get(..at).unwrap_or_default()
                }
                None => {
                    self.rest = None;
                    rest
                }
            };
            let code = trim(code);
            if !code.is_empty() {
                return Some(code);
            }
        }
    }
}

/// A number within the question's bounds (a decimal point; no thousands separators).
fn number(question: &Question, cell: &str) -> Result<f64, String> {
    let n: f64 = whole_number(cell)
        .or_else(|| cell.parse().ok())
        .filter(|n: &f64| n.is_finite())
        .ok_or_else(|| {
            format!(
                "`{cell}` is not a number (`{}` takes a number such as 42 or 3.5)",
                question.id
            )
        })?;
    let (lo, hi) = question.kind.bounds();
    if lo.is_some_and(|lo| n < lo) || hi.is_some_and(|hi| n > hi) {
        let range = match (lo, hi) {
            (Some(lo), Some(hi)) => format!("from {lo} to {hi}"),
            (Some(lo), None) => format!("of at least {lo}"),
            (None, Some(hi)) => format!("of at most {hi}"),
            (None, None) => String::new(),
        };
        return Err(format!(
            "{n} is out of range for `{}`, which takes numbers {range}",
            question.id
        ));
    }
    Ok(n)
}

/// A cell of 1 to 15 ASCII digits, with or without a `-` before them, read straight as
/// the number it is (exact, as every such number is in an `f64`): most numbers in a
/// response file are whole (years, counts, percentages), and this skips the general
/// parser, which gives the same. `None` for anything else.
fn whole_number(cell: &str) -> Option<f64> {
    let (negative, digits) = match cell.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        bytes => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    let mut n = 0u64;
    for &digit in digits {
        if !digit.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(digit - b'0');
    }
    let n = n as f64;
    Some(if negative { -n } else { n })
}

fn code_index(question: &Question, codes: &Codes, code: &str) -> Result<u8, String> {
    codes.find(code).ok_or_else(|| unknown_code(question, code))
}

fn unknown_code(question: &Question, code: &str) -> String {
    const SHOWN: usize = 10;
    let codes: Vec<&str> = question.choices().iter().map(|c| c.code.as_str()).collect();
    let mut expected = codes
        .iter()
        .take(SHOWN)
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if codes.len() > SHOWN {
        expected.push_str(&format!(" and {} more", codes.len() - SHOWN));
    }
    let mut reason = format!(
        "`{code}` is not a code of `{}`; expected one of {expected}",
        question.id
    );
    if let Some(help) = did_you_mean(code, codes.iter().copied()) {
        reason.push_str(&format!(" ({help})"));
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::{Choice, Options, Scale, Text};

    fn choices(codes: &[&str]) -> Vec<Choice> {
        codes
            .iter()
            .map(|c| Choice {
                code: c.to_string(),
                label: Text::new(c.to_uppercase()),
                direction: None,
            })
            .collect()
    }

    fn question(kind: QuestionKind) -> Question {
        Question {
            id: "q".into(),
            text: Text::new("Q"),
            help: None,
            required: false,
            show_if: None,
            kind,
            coders: Vec::new(),
        }
    }

    fn options(codes: &[&str]) -> Options {
        Options {
            choices: choices(codes),
            codebook: None,
            other: false,
        }
    }

    #[test]
    fn codes_are_found_by_their_whole_text_even_when_their_ends_agree() {
        let q = question(QuestionKind::Single {
            options: options(&[
                "yes",
                "probably_yes",
                "probably_not",
                "aaaa_lab_safety",
                "bbbb_lab_safety",
                "yes2",
            ]),
        });
        let codes = Codes::of(&q);
        for (i, code) in q.choices().iter().enumerate() {
            assert_eq!(codes.find(&code.code), Some(i as u8), "{}", code.code);
        }
        for absent in [
            "",
            "ye",
            "yes ",
            "cccc_lab_safety",
            "probably_yeS",
            "robably_yes",
        ] {
            assert_eq!(codes.find(absent), None, "{absent:?}");
        }
    }

    #[test]
    fn every_code_of_a_long_list_is_found_and_no_other() {
        let codes: Vec<String> = (0..255).map(|i| format!("c{i}")).collect();
        let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        let q = question(QuestionKind::Single {
            options: options(&refs),
        });
        let table = Codes::of(&q);
        for (i, code) in codes.iter().enumerate() {
            assert_eq!(table.find(code), Some(i as u8), "{code}");
        }
        for absent in ["c255", "c", "C1", "c01", "c1 "] {
            assert_eq!(table.find(absent), None, "{absent:?}");
        }
    }

    #[test]
    fn short_codes_that_share_bytes_are_told_apart() {
        // Every string of `a` and `b` of 1 to 9 bytes: their keys must all differ up to
        // 8 bytes, and the longer ones are compared in full.
        let mut codes = Vec::new();
        for n in 1..=9u32 {
            for bits in 0..(1u32 << n) {
                codes.push(
                    (0..n)
                        .map(|i| if bits >> i & 1 == 1 { 'b' } else { 'a' })
                        .collect::<String>(),
                );
            }
        }
        for chunk in codes.chunks(255) {
            let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
            let table = Codes::of(&question(QuestionKind::Single {
                options: options(&refs),
            }));
            for (i, code) in chunk.iter().enumerate() {
                assert_eq!(table.find(code), Some(i as u8), "{code}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_quick_trim_is_str_trim(cell in "[ \t\r\na-z\u{a0}\u{2003}é;]{0,12}") {
            proptest::prop_assert_eq!(trim(&cell), cell.trim());
        }
    }

    #[test]
    fn likert_and_single_cells_map_to_level_indices() {
        let likert = question(QuestionKind::Likert {
            scale: Scale {
                id: "s".into(),
                levels: choices(&["lo", "mid", "hi"]),
                ordered: 3,
                neutral: None,
                sides: vec![],
            },
        });
        assert_eq!(parse(&likert, " hi "), Ok(Answer::Choice(2)));
        assert_eq!(parse(&likert, ""), Ok(Answer::Missing));
        assert_eq!(
            parse(&likert, "high"),
            Err("`high` is not a code of `q`; expected one of `lo`, `mid`, `hi`".into())
        );
        assert_eq!(
            parse(&likert, "mdi"),
            Err("`mdi` is not a code of `q`; expected one of `lo`, `mid`, `hi` (did you mean `mid`?)".into())
        );
    }

    #[test]
    fn multiple_cells_split_on_semicolons_and_respect_pick_limits() {
        let multiple = question(QuestionKind::Multiple {
            options: options(&["a", "b", "c"]),
            min_picks: None,
            max_picks: Some(2),
        });
        assert_eq!(
            parse(&multiple, "c; a;;a;"),
            Ok(Answer::Choices(vec![0, 2]))
        );
        assert_eq!(parse(&multiple, " ; "), Ok(Answer::Missing));
        assert!(
            parse(&multiple, "a;z")
                .unwrap_err()
                .contains("`z` is not a code")
        );
        assert_eq!(
            parse(&multiple, "a;b;c"),
            Err("`q` has 3 choices ticked; it allows at most 2".into())
        );
    }

    #[test]
    fn rankings_keep_their_order_and_rank_every_item_once() {
        let ranking = question(QuestionKind::Ranking {
            options: options(&["a", "b", "c"]),
            top: Some(2),
        });
        assert_eq!(parse(&ranking, "c;a"), Ok(Answer::Ranked(vec![2, 0])));
        assert_eq!(
            parse(&ranking, "c;c"),
            Err("`c` is ranked twice in `q`".into())
        );
        assert_eq!(
            parse(&ranking, "c"),
            Err("`q` ranks 1 items; it asks for 2, best first, joined with `;`".into())
        );
        let all = question(QuestionKind::Ranking {
            options: options(&["a", "b"]),
            top: None,
        });
        assert_eq!(parse(&all, "b;a"), Ok(Answer::Ranked(vec![1, 0])));
    }

    #[test]
    fn numbers_are_checked_against_kind_and_bounds() {
        let hours = question(QuestionKind::Numeric {
            min: Some(0.0),
            max: Some(80.0),
            unit: None,
            integer: true,
        });
        assert_eq!(parse(&hours, " 40 "), Ok(Answer::Number(40.0)));
        assert_eq!(
            parse(&hours, "40.5"),
            Err("`q` takes a whole number; `40.5` is not one".into())
        );
        assert_eq!(
            parse(&hours, "81"),
            Err("81 is out of range for `q`, which takes numbers from 0 to 80".into())
        );
        assert_eq!(
            parse(&hours, "forty"),
            Err("`forty` is not a number (`q` takes a number such as 42 or 3.5)".into())
        );
        assert!(parse(&hours, "NaN").is_err() && parse(&hours, "inf").is_err());
        let p = question(QuestionKind::Probability);
        assert_eq!(parse(&p, "35%"), Ok(Answer::Number(35.0)));
        assert!(parse(&p, "135").unwrap_err().contains("out of range"));
        let year = question(QuestionKind::Year {
            min: Some(2025),
            max: None,
        });
        assert_eq!(parse(&year, "2030"), Ok(Answer::Number(2030.0)));
        assert_eq!(
            parse(&year, "2030.5"),
            Err("`q` takes a year; `2030.5` is not a whole number".into())
        );
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        let text = question(QuestionKind::Text {
            max_length: Some(5),
        });
        assert_eq!(parse(&text, "  héllo "), Ok(Answer::Text("héllo".into())));
        assert_eq!(
            parse(&text, "héllo!"),
            Err("the answer to `q` has 6 characters; at most 5 are allowed".into())
        );
    }

    #[test]
    fn long_code_lists_are_shortened_in_the_reason() {
        let codes: Vec<String> = (0..14).map(|i| format!("c{i}")).collect();
        let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        let single = question(QuestionKind::Single {
            options: options(&refs),
        });
        let reason = parse(&single, "zz").unwrap_err();
        assert!(reason.ends_with("`c9` and 4 more"), "{reason}");
    }

    #[test]
    fn every_code_table_keeps_an_empty_slot_where_a_search_for_no_code_ends() {
        // A full table would send the search for a cell that is no code round forever.
        for n in 1..=64 {
            let codes: Vec<String> = (0..n).map(|i| format!("code_{i}")).collect();
            let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
            let table = Codes::of(&question(QuestionKind::Single {
                options: options(&codes),
            }));
            assert!(table.slots.iter().any(|slot| slot.index == 0), "{n} codes");
            assert_eq!(table.find("no_such_code"), None);
        }
    }

    proptest::proptest! {
        #[test]
        fn a_code_is_found_exactly_when_it_is_one_of_the_list(
            codes in proptest::collection::btree_set("[ab_]{1,24}", 1..40),
            probes in proptest::collection::vec("[ab_]{0,24}", 0..40),
        ) {
            let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
            let table = Codes::of(&question(QuestionKind::Single { options: options(&codes) }));
            for probe in codes.iter().copied().chain(probes.iter().map(String::as_str)) {
                let expected = codes.iter().position(|c| *c == probe).map(|i| i as u8);
                proptest::prop_assert_eq!(table.find(probe), expected, "{:?}", probe);
            }
        }

        #[test]
        fn whole_numbers_read_as_the_float_parser_reads_them(cell in "-?[0-9]{1,15}|[-+0-9.e]{0,18}") {
            if let Some(n) = whole_number(&cell) {
                let parsed: f64 = cell.parse().expect("digits parse");
                proptest::prop_assert_eq!(n.to_bits(), parsed.to_bits());
            }
        }
    }
}
