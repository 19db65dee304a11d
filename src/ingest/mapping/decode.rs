//! Pure functions from one exported value to canonical text: several choices in one
//! cell, numbers as people write them, probabilities, and timestamps. Each returns the
//! canonical text or the reason it cannot, never a guess.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat};

use super::labels::{Labels, Mismatch};

/// Several choices in one cell, e.g. `Drama, Sports` (Google Forms), `a b` (Kobo),
/// `x;y` (canonical, Microsoft Forms). The cell is split at `separator`; since a label may
/// itself contain it (`Yes, and more`), the longest run of pieces that is a known choice
/// is taken first. Returns the choices' indices in the order written.
pub fn joined(
    labels: &Labels,
    cell: &str,
    separator: &str,
    what: &str,
) -> Result<Vec<usize>, String> {
    let pieces: Vec<&str> = cell.split(separator).collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < pieces.len() {
        if pieces[start].trim().is_empty() {
            start += 1;
            continue;
        }
        let mut taken = None;
        for end in (start + 1..=pieces.len()).rev() {
            let candidate = pieces[start..end].join(separator);
            match labels.find(&candidate) {
                Ok(i) => {
                    taken = Some((i, end));
                    break;
                }
                // Only the exact run of pieces is ambiguous; a shorter one may not be.
                Err(m @ Mismatch::Ambiguous(_)) => {
                    return Err(labels.reason(what, &candidate, &m));
                }
                Err(Mismatch::Unknown) => {}
            }
        }
        match taken {
            Some((i, end)) => {
                out.push(i);
                start = end;
            }
            None => {
                return Err(labels.reason(what, pieces[start], &Mismatch::Unknown));
            }
        }
    }
    Ok(out)
}

/// Whether a one-column-per-choice cell ticks its choice: `1`, `true`, `yes`, `x`, or the
/// choice's own label or code (SurveyMonkey writes the label); blank, `0`, `false`, `no`
/// leave it unticked. Anything else is refused.
pub fn ticked(cell: &str, own: Option<usize>, labels: &Labels) -> Result<bool, String> {
    let cell = cell.trim();
    match cell.to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" | "n" => return Ok(false),
        "1" | "true" | "yes" | "y" | "x" | "checked" => return Ok(true),
        _ => {}
    }
    if let Some(own) = own {
        if labels.find(cell) == Ok(own) {
            return Ok(true);
        }
    }
    Err(format!(
        "`{cell}` is neither a tick (1, true, yes, or the choice's label) nor blank (0, false, no)"
    ))
}

/// How a number's decimal mark is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DecimalComma {
    /// `3,5` is three and a half; `.` may group thousands (`1.500,25`).
    On,
    /// `3.5` is three and a half; `,` may group thousands (`1,500.25`).
    Off,
    /// Decided per value where the value shows it (`3,5`, `1.500,25`, `1,500.25`); a
    /// value that could be read both ways (`1,500`) is refused.
    #[default]
    Auto,
}

/// A number as people write it: a decimal point or comma, thousands grouped by `,`,
/// `.`, spaces or `'` where that is unambiguous. Returns it in canonical form (`3.5`).
pub fn number(cell: &str, decimal_comma: DecimalComma) -> Result<String, String> {
    let raw = cell.trim();
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    let (sign, body) = match compact.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", compact.strip_prefix('+').unwrap_or(&compact)),
    };
    let not_a_number = || format!("`{raw}` is not a number");
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(not_a_number());
    }
    let commas = body.matches(',').count();
    let dots = body.matches('.').count();
    let (decimal, grouping) = match (commas, dots) {
        (0, 0) => (None, None),
        (_, 0) if commas > 1 => (None, Some(',')),
        (0, _) if dots > 1 => (None, Some('.')),
        (1, 0) => match decimal_comma {
            DecimalComma::On => (Some(','), None),
            DecimalComma::Off => (None, Some(',')),
            DecimalComma::Auto if groups_of_three(body, ',') => {
                return Err(format!(
                    "`{raw}` could be read with `,` as a decimal mark or as a thousands separator; set decimal_comma in [ingest]"
                ));
            }
            DecimalComma::Auto => (Some(','), None),
        },
        (0, 1) => match decimal_comma {
            DecimalComma::On => (None, Some('.')),
            _ => (Some('.'), None),
        },
        _ => {
            // Both marks: the last one written is the decimal mark.
            let last = body.rfind([',', '.']).map(|i| &body[i..i + 1]);
            match last {
                Some(",") if decimal_comma != DecimalComma::Off => (Some(','), Some('.')),
                Some(".") if decimal_comma != DecimalComma::On => (Some('.'), Some(',')),
                _ => return Err(not_a_number()),
            }
        }
    };
    let (whole, fraction) = match decimal {
        Some(mark) => match body.rsplit_once(mark) {
            Some((w, f)) if !f.contains([',', '.']) => (w, Some(f)),
            _ => return Err(not_a_number()),
        },
        None => (body, None),
    };
    let digits = match grouping {
        Some(mark) if whole.contains(mark) => {
            if !groups_of_three(whole, mark) {
                return Err(format!(
                    "`{raw}` groups its digits irregularly; thousands are grouped by three"
                ));
            }
            whole.replace(mark, "")
        }
        _ if whole.contains([',', '.']) => return Err(not_a_number()),
        _ => whole.to_string(),
    };
    let text = match fraction {
        Some(f) => format!("{sign}{digits}.{f}"),
        None => format!("{sign}{digits}"),
    };
    let n: f64 = text.parse().map_err(|_| not_a_number())?;
    if !n.is_finite() {
        return Err(not_a_number());
    }
    Ok(canonical_number(n))
}

/// `1,500` / `12.345.678`: one to three digits, then groups of exactly three.
fn groups_of_three(text: &str, mark: char) -> bool {
    let mut groups = text.split(mark);
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
        && text.contains(mark)
}

/// The shortest text that reads back as `n` (`5` for 5.0, `3.5`).
pub fn canonical_number(n: f64) -> String {
    let n = if n == 0.0 { 0.0 } else { n };
    format!("{n}")
}

/// How a file writes probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProbabilityFormat {
    /// 0–100 (`35`, `35%`).
    Percent,
    /// 0–1 (`0.35`); `35%` is still read as percent.
    Fraction,
    /// Decided per file from the values: all ≤ 1 → fraction, any > 1 → percent, both
    /// fractional values and values > 1 → a problem.
    #[default]
    Auto,
}

/// A probability cell as percent, the canonical form. With `format` undecided (`Auto`),
/// only values that show their scale are read: `35%`, 0, and anything above 1.
pub fn probability(
    cell: &str,
    format: ProbabilityFormat,
    decimal_comma: DecimalComma,
) -> Result<String, String> {
    let raw = cell.trim();
    if let Some(percent) = raw.strip_suffix('%') {
        return number(percent, decimal_comma);
    }
    let n: f64 = number(raw, decimal_comma)?
        .parse()
        .map_err(|_| format!("`{raw}` is not a number"))?;
    match format {
        ProbabilityFormat::Percent => Ok(canonical_number(n)),
        ProbabilityFormat::Fraction => Ok(canonical_number((n * 100.0 * 1e9).round() / 1e9)),
        // Undecided for the file, some values still say which they are.
        ProbabilityFormat::Auto if n > 1.0 || n == 0.0 => Ok(canonical_number(n)),
        ProbabilityFormat::Auto => Err(format!(
            "`{raw}` could be a fraction (0–1) or a percent (0–100) and the file's values do not say which; set probability in [ingest]"
        )),
    }
}

/// What one probability value says about its file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbabilityHint {
    /// Above 1: percent.
    Percent,
    /// Strictly between 0 and 1: a fraction (unless the file is percent).
    Fractional,
    /// 0, 1, a `%` value, or not a number: no evidence.
    Neutral,
}

pub fn probability_hint(cell: &str, decimal_comma: DecimalComma) -> ProbabilityHint {
    let raw = cell.trim();
    if raw.ends_with('%') {
        return ProbabilityHint::Neutral;
    }
    match number(raw, decimal_comma)
        .ok()
        .and_then(|n| n.parse::<f64>().ok())
    {
        Some(n) if n > 1.0 => ProbabilityHint::Percent,
        Some(n) if n > 0.0 && n < 1.0 => ProbabilityHint::Fractional,
        _ => ProbabilityHint::Neutral,
    }
}

/// Which of the first two numbers of a `a/b/yyyy` date is the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// `5/8/2019` is 8 May (United States, Google Forms in English).
    MonthFirst,
    /// `5/8/2019` is 5 August.
    DayFirst,
    /// Not known: a value whose two first numbers are both ≤ 12 and differ is refused.
    #[default]
    Unknown,
}

/// What one date says about its file's day/month order.
pub fn date_order_hint(cell: &str) -> Option<DateOrder> {
    let (a, b, _) = numeric_date(first_word(cell.trim()))?;
    match (a > 12, b > 12) {
        (true, false) => Some(DateOrder::DayFirst),
        (false, true) => Some(DateOrder::MonthFirst),
        _ => None,
    }
}

fn first_word(text: &str) -> &str {
    text.split([' ', 'T']).next().unwrap_or("")
}

/// `a/b/yyyy`, `a.b.yyyy` or `a-b-yyyy` with a four-digit year last.
fn numeric_date(word: &str) -> Option<(u32, u32, i32)> {
    let parts: Vec<&str> = word.split(['/', '.', '-']).collect();
    match parts.as_slice() {
        [a, b, y] if y.len() == 4 && a.len() <= 2 && b.len() <= 2 => {
            Some((a.parse().ok()?, b.parse().ok()?, y.parse().ok()?))
        }
        _ => None,
    }
}

/// A timestamp as survey tools write it, in RFC 3339. The second value says whether the
/// value carried a time zone; one without is read as UTC (the caller says so in a note).
pub fn timestamp(cell: &str, order: DateOrder) -> Result<(String, bool), String> {
    let raw = cell.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok((t.to_rfc3339_opts(SecondsFormat::AutoSi, true), true));
    }
    let unreadable = || {
        format!(
            "`{raw}` is not a date and time this reader knows (e.g. 2019-05-08 12:34:56, 5/8/2019 12:34:56, 2019/05/08 12:34:56 PM GMT+2)"
        )
    };
    let mut words: Vec<&str> = raw.split_whitespace().collect();
    // A `T` between date and time, as ISO 8601 allows: split it like a space.
    let expanded;
    if words.len() == 1 && words[0].contains('T') {
        expanded = words[0].replacen('T', " ", 1);
        words = expanded.split(' ').collect();
    }
    let mut offset = None;
    if let Some(last) = words.last() {
        if let Some(o) = zone(last) {
            offset = Some(o);
            words.pop();
        } else if let Some((time, o)) = split_zone(last) {
            offset = Some(o);
            let n = words.len();
            words[n - 1] = time;
        }
    }
    let mut pm = None;
    if let Some(last) = words.last() {
        match last.to_ascii_uppercase().as_str() {
            "AM" => pm = Some(false),
            "PM" => pm = Some(true),
            _ => {}
        }
        if pm.is_some() {
            words.pop();
        }
    }
    let (date, time) = match words.as_slice() {
        [date] => (*date, None),
        [date, time] => (*date, Some(*time)),
        _ => return Err(unreadable()),
    };
    let date = parse_date(date, order, raw)?;
    let time = match time {
        None => NaiveTime::MIN,
        Some(t) => parse_time(t, pm).ok_or_else(unreadable)?,
    };
    let naive = NaiveDateTime::new(date, time);
    let zoned = offset.unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));
    let t = naive
        .and_local_timezone(zoned)
        .single()
        .ok_or_else(unreadable)?;
    Ok((
        t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        offset.is_some(),
    ))
}

fn parse_date(word: &str, order: DateOrder, raw: &str) -> Result<NaiveDate, String> {
    let invalid = || format!("`{raw}` has no valid calendar date");
    // Year first: 2019-05-08, 2019/05/08.
    let parts: Vec<&str> = word.split(['-', '/', '.']).collect();
    if let [y, m, d] = parts.as_slice() {
        if y.len() == 4 {
            let (y, m, d) = (y.parse().ok(), m.parse().ok(), d.parse().ok());
            return match (y, m, d) {
                (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d).ok_or_else(invalid),
                _ => Err(invalid()),
            };
        }
    }
    let (a, b, y) = numeric_date(word).ok_or_else(invalid)?;
    let (month, day) = match (order, a > 12, b > 12) {
        (_, true, true) => return Err(invalid()),
        (DateOrder::MonthFirst, _, _) => (a, b),
        (DateOrder::DayFirst, _, _) => (b, a),
        (DateOrder::Unknown, true, false) => (b, a),
        (DateOrder::Unknown, false, true) => (a, b),
        (DateOrder::Unknown, false, false) if a == b => (a, b),
        (DateOrder::Unknown, false, false) => {
            return Err(format!(
                "`{raw}` could be day/month or month/day and no date in the file settles which"
            ));
        }
    };
    NaiveDate::from_ymd_opt(y, month, day).ok_or_else(invalid)
}

fn parse_time(word: &str, pm: Option<bool>) -> Option<NaiveTime> {
    let parts: Vec<&str> = word.split(':').collect();
    let (h, m, s) = match parts.as_slice() {
        [h, m] => (*h, *m, "0"),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    let mut hour: u32 = h.parse().ok()?;
    let minute: u32 = m.parse().ok()?;
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    let second: u32 = whole.parse().ok()?;
    let nanos: u32 = if fraction.is_empty() {
        0
    } else {
        let digits: String = fraction.chars().take(9).collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        format!("{digits:0<9}").parse().ok()?
    };
    match pm {
        Some(_) if hour == 0 || hour > 12 => return None,
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
}

/// `Z`, `UTC`, `GMT`, `GMT+2`, `UTC-05:00`, `+0200`, `+02:00`.
fn zone(word: &str) -> Option<FixedOffset> {
    let upper = word.to_ascii_uppercase();
    if matches!(upper.as_str(), "Z" | "UTC" | "GMT") {
        return FixedOffset::east_opt(0);
    }
    let rest = upper
        .strip_prefix("GMT")
        .or_else(|| upper.strip_prefix("UTC"))
        .unwrap_or(&upper);
    offset(rest)
}

fn offset(text: &str) -> Option<FixedOffset> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    // Only ASCII digits and `:` from here, so splitting by byte index is safe.
    if !rest.chars().all(|c| c.is_ascii_digit() || c == ':') {
        return None;
    }
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    if h.is_empty() || h.len() > 2 || !h.chars().chain(m.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// `12:34:56Z`, `12:34:56.789-04:00`: a time with its zone attached.
fn split_zone(word: &str) -> Option<(&str, FixedOffset)> {
    if let Some(time) = word.strip_suffix(['Z', 'z']) {
        return Some((time, FixedOffset::east_opt(0)?));
    }
    let at = word.rfind(['+', '-'])?;
    // Only a time carries an attached zone; `2019-05-08` ends in a day, not `-08:00`.
    if at < 4 || !word[..at].contains(':') {
        return None;
    }
    Some((&word[..at], offset(&word[at..])?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::{Choice, Text};
    use proptest::prelude::*;

    fn labels(list: &[(&str, &str)]) -> Labels {
        let choices: Vec<Choice> = list
            .iter()
            .map(|(code, label)| Choice {
                code: code.to_string(),
                label: Text::new(*label),
                direction: None,
            })
            .collect();
        Labels::new(&choices, &[])
    }

    #[test]
    fn joined_labels_with_the_separator_inside_take_the_longest() {
        let l = labels(&[
            ("yes", "Yes"),
            ("yes_more", "Yes, and some extracellular space"),
            ("sports", "Sports"),
        ]);
        assert_eq!(
            joined(&l, "Yes, and some extracellular space, Sports", ", ", "`q`"),
            Ok(vec![1, 2])
        );
        assert_eq!(joined(&l, "Yes, Sports", ", ", "`q`"), Ok(vec![0, 2]));
        let err = joined(&l, "Yes, Drama", ", ", "`q`").unwrap_err();
        assert!(err.starts_with("`Drama` is not a choice of `q`"), "{err}");
        assert_eq!(joined(&l, "yes sports", " ", "`q`"), Ok(vec![0, 2]));
    }

    #[test]
    fn ticks() {
        let l = labels(&[("a", "Apple"), ("b", "Banana")]);
        assert_eq!(ticked("1", Some(0), &l), Ok(true));
        assert_eq!(ticked("", Some(0), &l), Ok(false));
        assert_eq!(ticked("0", Some(0), &l), Ok(false));
        assert_eq!(ticked("Apple", Some(0), &l), Ok(true));
        assert!(ticked("Banana", Some(0), &l).is_err());
        assert!(ticked("2", Some(0), &l).is_err());
    }

    #[test]
    fn numbers_as_people_write_them() {
        use DecimalComma::*;
        assert_eq!(number("3,5", Auto), Ok("3.5".into()));
        assert_eq!(number("3.5", Auto), Ok("3.5".into()));
        assert_eq!(number("1,500.25", Auto), Ok("1500.25".into()));
        assert_eq!(number("1.500,25", Auto), Ok("1500.25".into()));
        assert_eq!(number("12.345.678", Auto), Ok("12345678".into()));
        assert_eq!(number("1 234", Auto), Ok("1234".into()));
        assert_eq!(number("5.0000000000", Auto), Ok("5".into()));
        assert_eq!(number("-0", Auto), Ok("0".into()));
        assert!(number("1,500", Auto).unwrap_err().contains("decimal_comma"));
        assert_eq!(number("1,500", On), Ok("1.5".into()));
        assert_eq!(number("1,500", Off), Ok("1500".into()));
        assert_eq!(number("1.500", On), Ok("1500".into()));
        assert!(number("1,50,0", Auto).is_err());
        assert!(number("1.5.", Auto).is_err());
        assert!(number("abc", Auto).is_err());
        assert!(number("", Auto).is_err());
    }

    #[test]
    fn probabilities() {
        use ProbabilityFormat::*;
        let dc = DecimalComma::Auto;
        assert_eq!(probability("35%", Auto, dc), Ok("35".into()));
        assert_eq!(probability("0.35", Fraction, dc), Ok("35".into()));
        assert_eq!(probability("0,07", Fraction, dc), Ok("7".into()));
        assert_eq!(probability("35", Percent, dc), Ok("35".into()));
        assert!(
            probability("0.35", Auto, dc)
                .unwrap_err()
                .contains("[ingest]")
        );
        assert_eq!(probability_hint("35", dc), ProbabilityHint::Percent);
        assert_eq!(probability_hint("0.3", dc), ProbabilityHint::Fractional);
        assert_eq!(probability_hint("1", dc), ProbabilityHint::Neutral);
    }

    #[test]
    fn timestamps_in_the_forms_tools_write() {
        use DateOrder::*;
        let t = |s: &str, o| timestamp(s, o);
        assert_eq!(
            t("2019-05-08T12:34:56Z", Unknown),
            Ok(("2019-05-08T12:34:56Z".into(), true))
        );
        assert_eq!(
            t("2019-05-08 12:34:56", Unknown),
            Ok(("2019-05-08T12:34:56Z".into(), false))
        );
        assert_eq!(
            t("5/8/2019 12:34:56", MonthFirst),
            Ok(("2019-05-08T12:34:56Z".into(), false))
        );
        assert_eq!(
            t("5/8/2019 12:34:56", DayFirst),
            Ok(("2019-08-05T12:34:56Z".into(), false))
        );
        assert!(
            t("5/8/2019 12:34:56", Unknown)
                .unwrap_err()
                .contains("day/month")
        );
        assert_eq!(
            t("10/28/2019 15:03:45", Unknown),
            Ok(("2019-10-28T15:03:45Z".into(), false))
        );
        assert_eq!(
            t("2019/05/08 12:34:56 PM GMT+2", Unknown),
            Ok(("2019-05-08T12:34:56+02:00".into(), true))
        );
        assert_eq!(
            t("2019/05/08 1:04:56 PM GMT-05:00", Unknown),
            Ok(("2019-05-08T13:04:56-05:00".into(), true))
        );
        assert_eq!(
            t("2017-10-23T05:40:39.000-04:00", Unknown),
            Ok(("2017-10-23T05:40:39-04:00".into(), true))
        );
        assert_eq!(
            t("2017-10-23T09:41:19", Unknown),
            Ok(("2017-10-23T09:41:19Z".into(), false))
        );
        assert_eq!(
            t("2019-09-18", Unknown),
            Ok(("2019-09-18T00:00:00Z".into(), false))
        );
        assert_eq!(
            t("28.10.2019 15:03", Unknown),
            Ok(("2019-10-28T15:03:00Z".into(), false))
        );
        assert!(t("2019-02-30 10:00:00", Unknown).is_err());
        assert!(t("yesterday", Unknown).is_err());
        assert!(t("13/13/2019", Unknown).is_err());
        assert_eq!(date_order_hint("10/28/2019 15:03:45"), Some(MonthFirst));
        assert_eq!(date_order_hint("28/10/2019"), Some(DayFirst));
        assert_eq!(date_order_hint("5/8/2019"), None);
    }

    proptest! {
        #[test]
        fn decoders_never_panic(s in "\\PC{0,40}") {
            let l = labels(&[("a", "A, b"), ("b", "B")]);
            let _ = joined(&l, &s, ", ", "`q`");
            let _ = joined(&l, &s, " ", "`q`");
            let _ = ticked(&s, Some(0), &l);
            for dc in [DecimalComma::On, DecimalComma::Off, DecimalComma::Auto] {
                let _ = number(&s, dc);
                let _ = probability(&s, ProbabilityFormat::Fraction, dc);
                let _ = probability_hint(&s, dc);
            }
            for o in [DateOrder::MonthFirst, DateOrder::DayFirst, DateOrder::Unknown] {
                let _ = timestamp(&s, o);
            }
            let _ = date_order_hint(&s);
        }

        #[test]
        fn numbers_read_back_as_themselves(n in -1.0e9f64..1.0e9) {
            let text = canonical_number(n);
            prop_assert_eq!(number(&text, DecimalComma::Off), Ok(text.clone()));
            prop_assert_eq!(number(&text.replace('.', ","), DecimalComma::On), Ok(text));
        }

        #[test]
        fn decoded_timestamps_are_rfc3339(y in 1970i32..2100, mo in 1u32..13, d in 1u32..29, h in 0u32..24, mi in 0u32..60) {
            let s = format!("{mo}/{d}/{y} {h}:{mi:02}:00");
            let (t, _) = timestamp(&s, DateOrder::MonthFirst).unwrap();
            prop_assert!(DateTime::parse_from_rfc3339(&t).is_ok());
        }
    }
}
