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

/// A survey with every question kind, a weights column and a `show_if`, for tests that
/// must cover them all. Its canonical header is
/// `respondent_id,submitted_at,weight,stance,role,role.other,why,grid.r1,grid.r2,hours,p,when,order,note`.
pub const EVERY_KIND: &str = r#"id = "k"
title = "K"
position = "stance"
weights = "weight"
[panel]
invited = 20
[anonymity]
min_group_size = 1
[scales.s]
levels = [{ code = "no", label = "No" }, { code = "maybe", label = "Maybe" }, { code = "yes", label = "Yes" }]
sides = [
  { id = "against", label = "Against", levels = ["no"] },
  { id = "neutral", label = "Neutral", levels = ["maybe"] },
  { id = "favour", label = "Favour", levels = ["yes"] },
]
[scales.agree]
levels = [{ code = "disagree", label = "Disagree" }, { code = "agree", label = "Agree" }]
nonsubstantive = [{ code = "dk", label = "Don't know" }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "Where do you stand?"
required = true
[[questions]]
id = "role"
kind = "single"
text = "Your role?"
choices = [{ code = "a", label = "A" }, { code = "b", label = "B" }]
other = true
[[questions]]
id = "why"
kind = "multiple"
text = "Why?"
choices = [{ code = "x", label = "X", direction = "for" }, { code = "y", label = "Y", direction = "against" }, { code = "z", label = "Z" }]
max_picks = 2
[[questions]]
id = "grid"
kind = "matrix"
scale = "agree"
text = "Do you agree?"
rows = [{ code = "r1", label = "First" }, { code = "r2", label = "Second" }]
required = true
[[questions]]
id = "hours"
kind = "numeric"
text = "Hours a week?"
min = 0
max = 80
integer = true
[[questions]]
id = "p"
kind = "probability"
text = "Chance?"
[[questions]]
id = "when"
kind = "year"
text = "When?"
min = 2025
max = 2100
[[questions]]
id = "order"
kind = "ranking"
text = "Rank the top two"
choices = [{ code = "x", label = "X" }, { code = "y", label = "Y" }, { code = "z", label = "Z" }]
top = 2
[[questions]]
id = "note"
kind = "text"
text = "Why yes?"
show_if = "stance == 'yes'"
required = true
"#;

/// [`EVERY_KIND`], checked.
pub fn every_kind() -> Survey {
    survey_from(EVERY_KIND)
}
