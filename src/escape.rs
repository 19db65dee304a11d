//! Escaping for every place canvass writes text a person reads. HTML goes through maud,
//! which escapes every interpolated value; these cover Markdown and CSV, and the bidi
//! controls that could make any rendered text read differently from what it says.
//!
//! docs/hardening.md records the hostile inputs these are tested against.

use std::borrow::Cow;

/// Text for Markdown inline content (paragraphs, list items, table cells): every character
/// that could start markup is backslash-escaped, raw HTML is disarmed, and line breaks
/// become spaces so that a cell or list item cannot end early.
pub fn markdown(text: &str) -> String {
    let text = without_bidi_controls(text);
    let text = text.trim();
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            _ => out.push(c),
        }
    }
    escape_block_start(out)
}

/// The explicit directional embeddings, overrides and isolates: LRE, RLE, PDF, LRO, RLO
/// (U+202A–U+202E) and LRI, RLI, FSI, PDI (U+2066–U+2069).
const BIDI_CONTROLS: [char; 9] = [
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}',
];

/// What a reader is shown in place of a bidi control: the replacement character, so the
/// text keeps a visible mark that something was there.
pub const BIDI_CONTROL_SHOWN: char = '\u{FFFD}';

/// Text for a page a person reads (HTML, Markdown, SVG), with every explicit bidi
/// embedding, override and isolate replaced by U+FFFD. An unclosed U+202E in a label or an
/// answer reverses the text that follows it on screen, up to the end of the paragraph:
/// `"\u{202E}gnp.exe"` shows as "exe.png", and a label inside a sentence of the report could make the
/// numbers after it read backwards (the "Trojan Source" trick). The bidi algorithm lays
/// out right-to-left scripts without these controls, so nothing legitimate is lost that
/// the letters themselves do not carry. Zero-width characters (U+200B–U+200D) and the
/// marks LRM/RLM are kept: they cannot reorder text or hide markup (which is escaped
/// anyway), and ZWJ and ZWNJ are needed in emoji and in Persian and Indic scripts.
/// Data files (JSON, Parquet, CSV) keep the text exactly as given.
pub fn without_bidi_controls(text: &str) -> Cow<'_, str> {
    if !has_bidi_control(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if BIDI_CONTROLS.contains(&c) {
                    BIDI_CONTROL_SHOWN
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// Whether `text` holds a bidi control, looked for by bytes since whole pages pass here:
/// in UTF-8, U+202A–U+202E are `E2 80 AA`–`E2 80 AE` and U+2066–U+2069 `E2 81 A6`–`E2 81 A9`.
fn has_bidi_control(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(0xE2, bytes).any(|i| {
        matches!(
            bytes.get(i + 1..i + 3),
            Some([0x80, 0xAA..=0xAE] | [0x81, 0xA6..=0xA9])
        )
    })
}

/// Characters that begin a block (heading, list, quote, rule) only matter at the start.
fn escape_block_start(text: String) -> String {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let after_digits = text[digits..].chars().next();
    let starts_block = match text.chars().next() {
        Some('#' | '-' | '+' | '=' | '>') => true,
        Some(c) if c.is_ascii_digit() => matches!(after_digits, Some('.' | ')')),
        _ => false,
    };
    if !starts_block {
        return text;
    }
    if digits > 0 {
        // "1. text" would become a list item: escape the dot, not the digit.
        format!("{}\\{}", &text[..digits], &text[digits..])
    } else {
        format!("\\{text}")
    }
}

/// Text for XML or HTML content and attribute values (for the few places that write
/// markup by hand, such as titles added to SVG charts).
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Characters ODK Collect and Enketo read as Markdown in form labels and hints, and
/// accept a backslash before to show as themselves.
const ODK_MARKDOWN: [char; 4] = ['\\', '*', '_', '#'];

/// Text for an XLSForm label or hint: ODK shows it as a subset of Markdown, so the
/// characters that would format it get a backslash. (HTML is safe as it is: both clients
/// encode every tag but a styled `<span>`.)
pub fn odk_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if ODK_MARKDOWN.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The text ODK shows for a label: the inverse of [`odk_label`], also applied to forms
/// written by hand.
pub fn restore_odk_label(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut chars = label.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(&next) if c == '\\' && ODK_MARKDOWN.contains(&next) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection):
/// `=`, `+`, `-`, `@`, and tab and carriage return, which Excel skips before looking for
/// one of the others.
///
/// The rule has no exception for numbers: `-3` is written `'-3`. A spreadsheet then shows
/// the text `-3` (the quote is its mark for text, not shown), which a reader can turn back
/// into a number; a cell that parsed as a number would need a number grammar that agrees
/// with every spreadsheet's, and one mistake there (`-3+cmd|…`) is a formula. canvass
/// writes numbers in CSV only in files people may open in a spreadsheet (responses.csv,
/// rejects.csv, `synth`), and reads `'-3` back as `-3`; the typed numbers are in
/// responses.parquet and the aggregates. The HTML form's script applies the same rule.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell that a spreadsheet will show as text: a cell that starts like a formula gets
/// a leading `'`. A cell that already starts with `'` before such a character gets one
/// more, so that [`restore_csv_cell`] gives back exactly the original.
pub fn csv_cell(cell: &str) -> Cow<'_, str> {
    if needs_quote_prefix(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The inverse of [`csv_cell`], applied when canvass reads its own CSV back.
pub fn restore_csv_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote_prefix(rest) => rest,
        _ => cell,
    }
}

fn needs_quote_prefix(cell: &str) -> bool {
    let mut chars = cell.chars();
    match chars.next() {
        Some(c) if FORMULA_STARTS.contains(&c) => true,
        // "'=x" must survive a round trip, so it is escaped too.
        Some('\'') => needs_quote_prefix(chars.as_str()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn markdown_disarms_markup_and_html() {
        assert_eq!(
            markdown("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(markdown("a | b *c* [d](e)"), "a \\| b \\*c\\* \\[d\\](e)");
        assert_eq!(markdown("AT&amp;T"), "AT\\&amp;T");
    }

    #[test]
    fn markdown_keeps_text_on_one_line_and_escapes_block_starts() {
        assert_eq!(markdown("one\r\ntwo\nthree"), "one two three");
        assert_eq!(markdown("# not a heading"), "\\# not a heading");
        assert_eq!(markdown("- not a list"), "\\- not a list");
        assert_eq!(markdown("12. not a list"), "12\\. not a list");
        assert_eq!(markdown("12 monkeys"), "12 monkeys");
        assert_eq!(markdown("plain, text's fine."), "plain, text's fine.");
    }

    #[test]
    fn bidi_controls_are_shown_as_replacement_characters() {
        assert_eq!(
            without_bidi_controls("a\u{202E}gnp.exe\u{202C} \u{2066}b\u{2069}"),
            "a\u{FFFD}gnp.exe\u{FFFD} \u{FFFD}b\u{FFFD}"
        );
        // Zero-width characters and the marks stay: they reorder nothing.
        let kept = "z\u{200B}w\u{200D}\u{200E}\u{200F}";
        assert!(matches!(without_bidi_controls(kept), Cow::Borrowed(k) if k == kept));
        assert_eq!(markdown("\u{202E}1 | 2"), "\u{FFFD}1 \\| 2");
        // The byte test agrees with the list on every character of those blocks.
        for c in '\u{2000}'..='\u{206F}' {
            assert_eq!(
                has_bidi_control(&c.to_string()),
                BIDI_CONTROLS.contains(&c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn xml_escapes_markup_and_quotes() {
        assert_eq!(
            xml("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn odk_labels_escape_markdown() {
        assert_eq!(odk_label("a_b *c* #1 \\"), "a\\_b \\*c\\* \\#1 \\\\");
        assert_eq!(restore_odk_label("\\*x\\* \\n"), "*x* \\n");
    }

    #[test]
    fn csv_cells_that_look_like_formulas_are_prefixed() {
        assert_eq!(csv_cell("=1+2"), "'=1+2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("-5"), "'-5");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\r=1+1"), "'\r=1+1");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-3.5"), "'-3.5", "numbers are no exception");
        assert_eq!(restore_csv_cell("'-3.5"), "-3.5");
        assert_eq!(csv_cell("3"), "3");
        assert_eq!(csv_cell("'=x"), "''=x");
        assert_eq!(csv_cell("it's fine"), "it's fine");
        assert_eq!(csv_cell(""), "");
    }

    proptest! {
        #[test]
        fn csv_cell_round_trips(cell in ".*") {
            let written = csv_cell(&cell);
            prop_assert_eq!(restore_csv_cell(&written), cell.as_str());
        }

        #[test]
        fn odk_labels_round_trip(text in ".*") {
            prop_assert_eq!(restore_odk_label(&odk_label(&text)), text);
        }

        #[test]
        fn csv_cell_never_starts_like_a_formula(cell in ".*") {
            let out = csv_cell(&cell);
            let first = out.chars().next();
            prop_assert!(!matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')));
        }

        #[test]
        fn markdown_output_has_no_raw_html_or_line_breaks(text in ".*") {
            let out = markdown(&text);
            prop_assert!(!out.contains('\n') && !out.contains('\r'));
            prop_assert!(!out.contains(BIDI_CONTROLS));
            let bytes = out.as_bytes();
            for (i, b) in bytes.iter().enumerate() {
                if *b == b'<' {
                    prop_assert!(i > 0 && bytes[i - 1] == b'\\');
                }
            }
        }
    }
}
