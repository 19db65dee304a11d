//! How headings and labels are compared: exactly, then insensitive to case, spacing,
//! punctuation and markup, which is how the same words come back from different tools
//! ("Do you eat steak?" vs "do you eat steak", `<b>Age</b>` vs "Age").

/// The text without HTML tags (Typeform and SurveyMonkey put `<br>`, `<b>` in headings)
/// and with the common entities decoded.
pub fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                // A tag separates words (`a<br>b` reads as `a b`).
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    // An unclosed `<` was not a tag (`< 18`): keep the text as written.
    if in_tag {
        return text.to_string();
    }
    out.replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// The text's letters and digits, lowercased, in runs separated by one space: what is
/// left when case, spacing, punctuation and markup are ignored.
pub fn normalize(text: &str) -> String {
    let text = strip_markup(text);
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn markup_is_removed_and_entities_decoded() {
        assert_eq!(strip_markup("a <br>b&amp;c"), "a  b&c");
        assert_eq!(strip_markup("< 18"), "< 18");
        assert_eq!(strip_markup("<b>Age</b>"), " Age ");
    }

    #[test]
    fn normalizing_ignores_case_space_punctuation() {
        assert_eq!(normalize("  No / Unsure "), "no unsure");
        assert_eq!(normalize("Do you <b>eat</b> steak?"), "do you eat steak");
        assert_eq!(normalize("Évaluation—Générale"), "évaluation générale");
        assert_eq!(normalize("?!"), "");
    }

    proptest! {
        #[test]
        fn normalizing_is_idempotent(s in "\\PC*") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once.clone());
        }

        #[test]
        fn case_and_punctuation_do_not_matter(s in "[a-zA-Z0-9 ]{0,30}") {
            let noisy = format!("  {}?! ", s.to_uppercase().replace(' ', " - "));
            prop_assert_eq!(normalize(&noisy), normalize(&s.to_lowercase()));
        }
    }
}
