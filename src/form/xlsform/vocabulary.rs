//! The names an XLSForm workbook uses, shared by the writer (`form::xlsform`) and the
//! reader (`import`): sheets, columns, the `canvass_*` columns and `canvass` sheet keys
//! that carry what XLSForm has no column for, and language column headers.
//!
//! pyxform 4.5.0 ignores survey-sheet columns it does not know and sheets it does not
//! know. It does not ignore extra columns on the choices sheet (it copies them into the
//! form's choice lists, and a `::` in their name makes it fail), so canvass puts nothing
//! extra there: what belongs to a list (sides, neutral and non-substantive levels,
//! codebook directions) goes on the `canvass` sheet, keyed by list name.

pub const SURVEY: &str = "survey";
pub const CHOICES: &str = "choices";
pub const SETTINGS: &str = "settings";
pub const CANVASS: &str = "canvass";

/// Written as the `format` of the `canvass` sheet; the reader knows the columns below.
pub const FORMAT: &str = "canvass-xlsform 1";

pub mod column {
    pub const TYPE: &str = "type";
    pub const NAME: &str = "name";
    pub const LABEL: &str = "label";
    pub const HINT: &str = "hint";
    pub const REQUIRED: &str = "required";
    pub const RELEVANT: &str = "relevant";
    pub const CONSTRAINT: &str = "constraint";
    pub const CONSTRAINT_MESSAGE: &str = "constraint_message";
    pub const APPEARANCE: &str = "appearance";
    pub const LIST_NAME: &str = "list_name";
    pub const FORM_TITLE: &str = "form_title";
    pub const FORM_ID: &str = "form_id";
    pub const VERSION: &str = "version";
    pub const DEFAULT_LANGUAGE: &str = "default_language";

    /// The canvass question kind, or the part a row plays: `section`, `intro` (a survey or
    /// section intro note), `other` (an "other, please specify" text), `row` (a matrix
    /// row).
    pub const KIND: &str = "canvass_kind";
    /// A section's id (its group may need another name) or a matrix row's code.
    pub const ID: &str = "canvass_id";
    /// The scale or codebook list a question uses (its XLSForm list may be renamed).
    pub const LIST: &str = "canvass_list";
    /// The `show_if` as written; `relevant` is compiled from it.
    pub const SHOW_IF: &str = "canvass_show_if";
    /// How many items a ranking asks for.
    pub const TOP: &str = "canvass_top";
    /// A numeric question's unit, per language.
    pub const UNIT: &str = "canvass_unit";

    /// The `canvass` sheet's columns (plus `label` per language).
    pub const KEY: &str = "key";
    pub const LIST_COLUMN: &str = "list";
    pub const CODE: &str = "code";
    pub const VALUE: &str = "value";
}

/// Keys of the `canvass` sheet.
pub mod key {
    pub const FORMAT: &str = "format";
    pub const TITLE: &str = "title";
    pub const QUESTION: &str = "question";
    pub const POSITION: &str = "position";
    pub const SEGMENT: &str = "segment";
    pub const WEIGHTS: &str = "weights";
    pub const INVITED: &str = "panel.invited";
    pub const ROSTER: &str = "panel.roster";
    pub const DESCRIPTION: &str = "panel.description";
    pub const ROUNDS: &str = "panel.rounds";
    pub const MIN_GROUP_SIZE: &str = "anonymity.min_group_size";
    pub const NEUTRAL: &str = "neutral";
    pub const NONSUBSTANTIVE: &str = "nonsubstantive";
    pub const SIDE: &str = "side";
    pub const DIRECTION: &str = "direction";
}

/// English names of common languages, for `label::English (en)` headers. Tags not listed
/// are written as `label::pt-BR (pt-BR)`, which ODK reads just as well.
const LANGUAGE_NAMES: [(&str, &str); 28] = [
    ("ar", "Arabic"),
    ("bn", "Bengali"),
    ("cs", "Czech"),
    ("da", "Danish"),
    ("de", "German"),
    ("el", "Greek"),
    ("en", "English"),
    ("es", "Spanish"),
    ("fa", "Persian"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("id", "Indonesian"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("nl", "Dutch"),
    ("no", "Norwegian"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ru", "Russian"),
    ("sv", "Swedish"),
    ("sw", "Swahili"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("vi", "Vietnamese"),
    ("zh", "Chinese"),
];

/// How a language is named in column headers and `default_language`: `English (en)`.
pub fn language_name(tag: &str) -> String {
    let name = LANGUAGE_NAMES
        .iter()
        .find(|(t, _)| *t == tag)
        .map_or(tag, |(_, n)| *n);
    format!("{name} ({tag})")
}

/// The language tag a header's language part names: `English (en)` → `en`; a bare name
/// that is known (`English`, `french`) or a bare tag (`fr`) also works.
pub fn language_tag(name: &str) -> Option<String> {
    let name = name.trim();
    if let Some(open) = name.rfind('(') {
        let tag = name[open + 1..].strip_suffix(')')?.trim();
        return looks_like_tag(tag).then(|| tag.to_string());
    }
    if let Some((tag, _)) = LANGUAGE_NAMES
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(name))
    {
        return Some((*tag).to_string());
    }
    looks_like_tag(name).then(|| name.to_string())
}

fn looks_like_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `label::English (en)`.
pub fn translated(column: &str, tag: &str) -> String {
    format!("{column}::{}", language_name(tag))
}

/// A header split into its column and, for `label::English (en)`, the language part.
pub fn split_header(header: &str) -> (String, Option<&str>) {
    let header = header.trim();
    match header.split_once("::") {
        Some((column, language)) => (column.trim().to_ascii_lowercase(), Some(language.trim())),
        None => (header.to_ascii_lowercase(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_headers_round_trip() {
        assert_eq!(translated("label", "en"), "label::English (en)");
        assert_eq!(translated("hint", "pt-BR"), "hint::pt-BR (pt-BR)");
        for tag in ["en", "fr", "pt-BR", "zh"] {
            assert_eq!(language_tag(&language_name(tag)).as_deref(), Some(tag));
        }
        assert_eq!(language_tag("French").as_deref(), Some("fr"));
        assert_eq!(language_tag("de").as_deref(), Some("de"));
        assert_eq!(language_tag("Klingon"), None);
        assert_eq!(language_tag("Klingon (not a tag!)"), None);
        assert_eq!(
            split_header("Label::English (en)"),
            ("label".to_string(), Some("English (en)"))
        );
        assert_eq!(split_header(" type "), ("type".to_string(), None));
    }
}
