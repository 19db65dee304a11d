/// The closest of `candidates` to a misspelt `name`, as advice for a diagnostic
/// ("did you mean `title`?"), or `None` when nothing is close enough to be a typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let name_lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&name_lower, &c.to_lowercase()),
                c,
            )
        })
        // A typo changes a few characters; anything further is a different word.
        .filter(|(distance, c)| *distance <= (c.chars().count() / 3).max(1))
        .min_by_key(|(distance, c)| (*distance, *c))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_name_for_a_typo() {
        let keys = ["id", "title", "question", "position"];
        assert_eq!(
            did_you_mean("titel", keys).as_deref(),
            Some("did you mean `title`?")
        );
        assert_eq!(
            did_you_mean("Positon", keys).as_deref(),
            Some("did you mean `position`?")
        );
    }

    #[test]
    fn stays_quiet_when_nothing_is_close() {
        assert_eq!(did_you_mean("colour", ["id", "title", "question"]), None);
        assert_eq!(did_you_mean("x", Vec::<&str>::new()), None);
    }
}
