//! The submission time of a canonical row: RFC 3339 to milliseconds since the epoch, UTC.
//!
//! canvass writes `2026-03-01T14:30:00Z`, and a large file has one per row, so that shape
//! is read directly; any other (an offset, fractions of a second, a leap second) goes to
//! chrono's RFC 3339 parser, which also words the error.

use chrono::DateTime;

/// RFC 3339 (e.g. `2026-03-01T14:30:00Z`) to milliseconds since the epoch, UTC; `None`
/// for an empty cell.
pub fn parse(cell: &str) -> Result<Option<i64>, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    if let Some(millis) = canonical(cell) {
        return Ok(Some(millis));
    }
    DateTime::parse_from_rfc3339(cell)
        .map(|t| Some(t.timestamp_millis()))
        .map_err(|e| {
            format!("`{cell}` is not an RFC 3339 timestamp such as 2026-03-01T14:30:00Z ({e})")
        })
}

/// `YYYY-MM-DDTHH:MM:SSZ` naming a real date and a time before 24:00 (no leap second),
/// as milliseconds since the epoch; `None` for anything else.
fn canonical(cell: &str) -> Option<i64> {
    let b: &[u8; 20] = cell.as_bytes().try_into().ok()?;
    let punctuation = [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'Z'),
    ];
    if punctuation.iter().any(|&(at, byte)| b[at] != byte) {
        return None;
    }
    let number = |from: usize, to: usize| {
        b[from..to].iter().try_fold(0i64, |n, &digit| {
            digit
                .is_ascii_digit()
                .then(|| n * 10 + i64::from(digit - b'0'))
        })
    };
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    let real_date = (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day);
    if !real_date || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let seconds = ((days_from_civil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second;
    Some(seconds * 1000)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (the civil-from-days
/// inverse as Howard Hinnant's date algorithms give it): years counted from March, so
/// that the leap day ends a year, in 400-year eras of 146,097 days.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_times() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Ok(Some(0)));
        assert_eq!(parse(" 2026-03-01T14:30:00Z "), Ok(Some(1_772_375_400_000)));
        assert_eq!(parse("2024-02-29T23:59:59Z"), Ok(Some(1_709_251_199_000)));
        assert_eq!(parse(""), Ok(None));
        // Not a real date, and other shapes, go to chrono, which words the error.
        assert!(canonical("2023-02-29T00:00:00Z").is_none());
        assert!(
            parse("2023-02-29T00:00:00Z")
                .unwrap_err()
                .contains("RFC 3339")
        );
        assert_eq!(
            parse("2026-03-01T15:30:00+01:00"),
            Ok(Some(1_772_375_400_000))
        );
    }

    #[test]
    fn every_day_of_leap_and_common_years_is_read_as_chrono_reads_it() {
        for year in [
            0, 4, 100, 400, 401, 1600, 1900, 2000, 2023, 2024, 2100, 2400, 9999,
        ] {
            for month in 1..=12 {
                for day in 1..=31 {
                    let cell = format!("{year:04}-{month:02}-{day:02}T23:59:59Z");
                    agrees_with_chrono(&cell).unwrap();
                }
            }
        }
    }

    proptest! {
        #[test]
        fn the_quick_reading_is_chronos(
            cell in "[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]:[0-6][0-9]Z",
        ) {
            agrees_with_chrono(&cell)?;
        }

        #[test]
        fn real_dates_are_read_as_chrono_reads_them(
            // Century years (leap only when divisible by 400) and month ends often.
            year in prop_oneof![0i64..10_000, (0i64..100).prop_map(|c| c * 100)],
            month in 1i64..=12,
            day in prop_oneof![1i64..=31, 28i64..=31],
            (hour, minute, second) in (0i64..24, 0i64..60, 0i64..61),
        ) {
            let cell = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z");
            agrees_with_chrono(&cell)?;
        }
    }

    /// Where the quick reading gives a time, chrono gives the same; where it does not,
    /// chrono refuses the cell or it is a leap second.
    fn agrees_with_chrono(cell: &str) -> Result<(), TestCaseError> {
        let chrono = DateTime::parse_from_rfc3339(cell).map(|t| t.timestamp_millis());
        match canonical(cell) {
            Some(millis) => prop_assert_eq!(chrono, Ok(millis)),
            None => prop_assert!(chrono.is_err() || &cell[17..19] == "60", "{}", cell),
        }
        Ok(())
    }
}
