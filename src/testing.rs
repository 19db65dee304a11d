//! Small inline inputs shared by the unit tests of several stages: one survey small
//! enough to count by hand (a three-level position with sides, a two-theme codebook and a
//! free-text question), and a helper to ingest CSV text against it.

use crate::ingest::{Ingested, ingest_bytes};
use crate::survey::{self, Survey};

pub const SURVEY: &str = r#"id = "t"
title = "T"
position = "stance"
[panel]
invited = 10
[anonymity]
min_group_size = 2
[scales.s]
levels = [{ code = "no", label = "No" }, { code = "maybe", label = "Maybe" }, { code = "yes", label = "Yes" }]
sides = [
  { id = "against", label = "Against", levels = ["no"] },
  { id = "neutral", label = "Neutral", levels = ["maybe"] },
  { id = "favour", label = "Favour", levels = ["yes"] },
]
[codebook.themes]
codes = [{ code = "cost", label = "Cost", direction = "against" }, { code = "gain", label = "Gain", direction = "for" }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "Where do you stand?"
required = true
[[questions]]
id = "themes"
kind = "multiple"
codebook = "themes"
text = "Why?"
[[questions]]
id = "note"
kind = "text"
text = "Anything else?"
"#;

/// [`SURVEY`], checked.
pub fn survey() -> Survey {
    survey_from(SURVEY)
}

/// A definition given inline, checked (the test fails if it has errors).
pub fn survey_from(source: &str) -> Survey {
    match survey::parse("t.toml", source) {
        Ok(loaded) => loaded.survey,
        Err(e) => panic!("test survey does not load:\n{e}"),
    }
}

/// Ingests CSV text as one file named `t.csv`.
pub fn ingest_csv(survey: &Survey, csv: &str) -> Ingested {
    ingest_bytes(survey, &[("t.csv".into(), csv.as_bytes().to_vec())]).unwrap()
}
