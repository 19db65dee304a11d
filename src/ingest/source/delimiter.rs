//! Which character separates fields: sniffed from the first lines, reading quotes as the
//! CSV reader will (a `,` inside `"Drama, Sports"` separates nothing).

/// The candidates, in the order ties are broken: `,` first, as most tools write it.
pub const CANDIDATES: [char; 4] = [',', ';', '\t', '|'];

/// How many records of the prefix are looked at.
const SNIFFED_RECORDS: usize = 50;

/// The delimiter, and a sentence on how it was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Sniffed {
    pub delimiter: char,
    pub note: String,
}

/// Sniffs the delimiter from `prefix`, the decoded start of the file; `whole` says
/// whether it is the whole file (if not, its last record may be cut short and is left out).
///
/// For each candidate, the prefix is parsed and the most common field count taken: the
/// candidate under which most records share one field count above 1 wins. Ragged exports
/// (LimeSurvey, ODK) still win on the rows that agree; ties go to the earlier candidate.
pub fn sniff(prefix: &str, whole: bool) -> Sniffed {
    let mut best: Option<(char, usize, usize, usize)> = None; // (delimiter, agreeing, fields, records)
    for delimiter in CANDIDATES {
        let counts = field_counts(prefix, delimiter, whole);
        let Some((fields, agreeing)) = modal_count(&counts) else {
            continue;
        };
        if fields < 2 {
            continue;
        }
        if best.is_none_or(|(_, a, _, _)| agreeing > a) {
            best = Some((delimiter, agreeing, fields, counts.len()));
        }
    }
    match best {
        Some((delimiter, agreeing, fields, records)) => Sniffed {
            delimiter,
            note: format!(
                "delimiter {} sniffed: {agreeing} of the first {records} records have {fields} fields",
                describe(delimiter)
            ),
        },
        None => Sniffed {
            delimiter: ',',
            note: "no delimiter gives more than one field per record; read with `,`".into(),
        },
    }
}

/// The field count of each record of the prefix under `delimiter`.
fn field_counts(prefix: &str, delimiter: char, whole: bool) -> Vec<usize> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter as u8)
        .from_reader(prefix.as_bytes());
    let mut counts: Vec<usize> = reader
        .byte_records()
        .take(SNIFFED_RECORDS + 1)
        .map_while(Result::ok)
        .map(|r| r.len())
        .collect();
    if !whole || counts.len() > SNIFFED_RECORDS {
        counts.pop();
    }
    counts
}

/// The most common count and how many have it; the larger count on a tie.
fn modal_count(counts: &[usize]) -> Option<(usize, usize)> {
    let mut tally: std::collections::BTreeMap<usize, usize> = Default::default();
    for c in counts {
        *tally.entry(*c).or_default() += 1;
    }
    tally.into_iter().max_by_key(|(count, n)| (*n, *count))
}

/// A delimiter as people name it: TAB is invisible.
pub fn describe(delimiter: char) -> String {
    match delimiter {
        '\t' => "TAB".to_string(),
        other => format!("`{other}`"),
    }
}

/// A `--delimiter` value: one ASCII character, or `tab` / `\t`.
pub fn parse(value: &str) -> Result<char, String> {
    match value {
        "tab" | "TAB" | "\\t" | "\t" => Ok('\t'),
        _ => {
            let mut chars = value.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii() && c != '"' && c != '\n' && c != '\r' => Ok(c),
                _ => Err(format!(
                    "`{value}` is not a delimiter: give one ASCII character such as `,` `;` `|`, or `tab`"
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn sniffed(text: &str) -> char {
        sniff(text, true).delimiter
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let text = "Timestamp,title,genres\n1,a,\"Drama, Sports\"\n2,b,\"x, y, z\"\n";
        assert_eq!(sniffed(text), ',');
        let kobo = "\"a\";\"b, c\";\"d\"\n\"1\";\"2, 3, 4\";\"5\"\n";
        assert_eq!(sniffed(kobo), ';');
    }

    #[test]
    fn each_candidate_is_found() {
        assert_eq!(sniffed("a;b;c\n1;2,5;3\n"), ';');
        assert_eq!(sniffed("a\tb\tc\n1\t2\t3\n"), '\t');
        assert_eq!(sniffed("a|b\n1|2\n"), '|');
    }

    #[test]
    fn ragged_rows_still_sniff_by_the_rows_that_agree() {
        let text = "a\tb\tc\t\n1\t2\t3\n4\t5\t6\t\n7\t8\t9\n10\t11\t12\n";
        assert_eq!(sniffed(text), '\t');
    }

    #[test]
    fn ties_and_single_columns_go_to_comma() {
        assert_eq!(sniffed("a,b;c\n"), ',');
        let single = sniff("respondent_id\nx\n", true);
        assert_eq!(single.delimiter, ',');
        assert!(single.note.contains("no delimiter"));
    }

    #[test]
    fn a_cut_last_record_is_left_out() {
        // Cut inside a quoted cell: the tail would count as one odd record.
        let text = "a;b;c\n1;2;3\n4;\"5\n6,7,8,9";
        assert_eq!(sniff(text, false).delimiter, ';');
    }

    #[test]
    fn delimiter_values_parse() {
        assert_eq!(parse("tab"), Ok('\t'));
        assert_eq!(parse(";"), Ok(';'));
        assert!(parse(",,").is_err());
        assert!(parse("\"").is_err());
        assert!(parse("é").is_err());
    }

    /// Cells that may hold the delimiter they are written with (quoted, so it separates
    /// nothing), spaces and line ends. They hold no other candidate: a table that splits
    /// evenly on two characters is ambiguous, and `,` rightly wins it.
    fn cell(delimiter: char) -> impl Strategy<Value = String> {
        let pattern = format!("[a-z0-9 \n{}]{{0,8}}", regex_escape(delimiter));
        proptest::string::string_regex(&pattern).unwrap()
    }

    fn regex_escape(c: char) -> String {
        match c {
            '|' => "\\|".into(),
            '\t' => "\\t".into(),
            other => other.to_string(),
        }
    }

    fn table() -> impl Strategy<Value = (char, Vec<Vec<String>>)> {
        (0usize..4, 2usize..6).prop_flat_map(|(which, width)| {
            let delimiter = CANDIDATES[which];
            let row = proptest::collection::vec(cell(delimiter), width);
            (Just(delimiter), proptest::collection::vec(row, 2..8))
        })
    }

    proptest! {
        /// A table written with any candidate (every cell quoted, as many tools do) sniffs
        /// back to that candidate, whatever its cells hold.
        #[test]
        fn written_tables_sniff_back((delimiter, rows) in table()) {
            let mut writer = csv::WriterBuilder::new()
                .delimiter(delimiter as u8)
                .quote_style(csv::QuoteStyle::Always)
                .from_writer(Vec::new());
            for row in &rows {
                writer.write_record(row).unwrap();
            }
            let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
            prop_assert_eq!(sniffed(&text), delimiter, "{}", text);
        }
    }
}
