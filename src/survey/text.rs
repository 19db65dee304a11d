//! Text people read, in one or more languages. In a definition a label is either a plain
//! string (the default language) or a table of language tags, which TOML lets authors
//! write as dotted keys:
//!
//! ```toml
//! text.en = "Where do you stand?"
//! text.fr = "Quelle est votre position ?"
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// A label in the survey's default language, with optional translations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    default: String,
    /// Language tag → text, for languages other than the default.
    translations: BTreeMap<String, String>,
}

impl Text {
    pub fn new(default: impl Into<String>) -> Text {
        Text {
            default: default.into(),
            translations: BTreeMap::new(),
        }
    }

    pub fn with_translation(mut self, language: &str, text: impl Into<String>) -> Text {
        self.translations.insert(language.to_string(), text.into());
        self
    }

    /// The text in the survey's default language.
    pub fn as_str(&self) -> &str {
        &self.default
    }

    /// The text in `language`, falling back to the default language.
    pub fn get(&self, language: &str) -> &str {
        self.translations
            .get(language)
            .map_or(self.default.as_str(), String::as_str)
    }

    /// Languages this text is translated into (besides the default), sorted.
    pub fn translations(&self) -> impl Iterator<Item = (&str, &str)> {
        self.translations
            .iter()
            .map(|(l, t)| (l.as_str(), t.as_str()))
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.default)
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.default == other
    }
}

/// A label as written: a string, or a table of language → string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawText {
    Plain(String),
    ByLanguage(BTreeMap<String, String>),
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawText, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = RawText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, or a table of language = \"text\" (e.g. text.fr = \"…\")")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawText, E> {
                Ok(RawText::Plain(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<RawText, E> {
                Ok(RawText::Plain(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawText, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((language, text)) = map.next_entry::<String, String>()? {
                    out.insert(language, text);
                }
                Ok(RawText::ByLanguage(out))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}
