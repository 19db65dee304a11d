//! How numbers are written for people, shared by charts and reports so that both always
//! round the same way. Formatting only: every number comes from the aggregates.

/// A share as a whole percent (`36%`), or `–` when there is none (nobody answered).
pub fn percent(share: Option<f64>) -> String {
    share.map_or("–".to_string(), |s| format!("{:.0}%", s * 100.0))
}

/// A count with its share: `4 (36%)`; the bare count when there is no share.
pub fn count_and_share(count: u64, share: Option<f64>) -> String {
    match share {
        Some(_) => format!("{count} ({})", percent(share)),
        None => count.to_string(),
    }
}

/// An interval of shares as whole percents, `15–65%`, or `–` when there is none.
pub fn percent_interval(low_high: Option<(f64, f64)>) -> String {
    match low_high {
        Some((low, high)) => format!("{:.0}–{:.0}%", low * 100.0, high * 100.0),
        None => "–".to_string(),
    }
}

/// A count with its share and the share's interval: `4 (36%; 15–65%)`.
pub fn count_share_interval(
    count: u64,
    share: Option<f64>,
    interval: Option<(f64, f64)>,
) -> String {
    match (share, interval) {
        (Some(_), Some(_)) => format!(
            "{count} ({}; {})",
            percent(share),
            percent_interval(interval)
        ),
        _ => count_and_share(count, share),
    }
}

/// A difference of shares in percentage points with its interval: `−100 pp (−100 to −35)`.
pub fn points_difference(difference: Option<f64>, interval: Option<(f64, f64)>) -> String {
    let pp = |v: f64| {
        let rounded = (v * 100.0).round();
        // No "-0".
        let rounded = if rounded == 0.0 { 0.0 } else { rounded };
        format!("{rounded:+.0}").replace('-', "−")
    };
    match (difference, interval) {
        (Some(d), Some((low, high))) => format!("{} pp ({} to {})", pp(d), pp(low), pp(high)),
        (Some(d), None) => format!("{} pp", pp(d)),
        _ => "–".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_to_whole_percents() {
        assert_eq!(percent(Some(4.0 / 11.0)), "36%");
        assert_eq!(percent(Some(1.0)), "100%");
        assert_eq!(percent(None), "–");
        assert_eq!(count_and_share(4, Some(4.0 / 11.0)), "4 (36%)");
        assert_eq!(count_and_share(0, None), "0");
    }

    #[test]
    fn intervals_and_differences_in_words() {
        assert_eq!(percent_interval(Some((0.1516, 0.6462))), "15–65%");
        assert_eq!(percent_interval(None), "–");
        assert_eq!(
            count_share_interval(4, Some(4.0 / 11.0), Some((0.1516, 0.6462))),
            "4 (36%; 15–65%)"
        );
        assert_eq!(count_share_interval(1, None, None), "1");
        assert_eq!(
            points_difference(Some(-1.0), Some((-1.0, -0.345))),
            "−100 pp (−100 to −35)"
        );
        assert_eq!(points_difference(Some(0.001), None), "+0 pp");
        assert_eq!(points_difference(None, None), "–");
    }
}

/// A statistic for a table: whole numbers as such, others to two decimals at most
/// (`30`, `28.5`, `1.33`), `–` when there is none.
pub fn statistic(value: Option<f64>) -> String {
    match value {
        None => "–".to_string(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Some(v) => {
            let text = format!("{v:.2}");
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
}

#[cfg(test)]
mod statistic_tests {
    use super::*;

    #[test]
    fn statistics_drop_needless_decimals() {
        assert_eq!(statistic(Some(30.0)), "30");
        assert_eq!(statistic(Some(28.5)), "28.5");
        assert_eq!(statistic(Some(4.0 / 3.0)), "1.33");
        assert_eq!(statistic(Some(2031.0)), "2031");
        assert_eq!(statistic(None), "–");
    }
}
