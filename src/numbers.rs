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
}
