//! Partial aggregates: the analysis' sufficient statistics of some rows, which add.
//!
//! [`partial`] reads one table (a whole response table, or one partition of it) and keeps
//! only what the analysis needs, in a form whose merge does not depend on how the rows
//! were split: counts per raw cell (whole numbers; a weighted survey's cells also keyed by
//! the weight), each cell's numeric answers as (value, count), each position level's
//! free-text sample (the smallest seeded hashes), the coders' patterns, the fielding
//! period and, for Delphi rounds, each respondent's ordinal answers. [`merge`] adds any
//! number of partials and analyses the sum; [`super::analyze_with`] is the merge of the
//! one partial of the whole table, so the two cannot drift apart. The file format is
//! documented in `docs/scale.md`.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::cells::{self, RawCell};
use super::coders::{self, CoderUnits};
use super::options::Options;
use super::regroup;
use super::rounds::{self, RoundAnswers};
use super::texts::{self, LevelTexts};
use crate::error::{Error, Result};
use crate::ingest::{Responses, column};
use crate::survey::Survey;

/// The `format` field of every partial file.
pub const FORMAT: &str = "canvass-partial";
/// The version of the partial format this build reads and writes.
pub const VERSION: u32 = 1;

/// The sufficient statistics of some rows of one survey's response table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// The survey's id.
    pub survey: String,
    /// SHA-256 of the survey's canonical definition (`survey::to_toml`): partials of
    /// different definitions do not merge.
    pub survey_sha256: String,
    /// The analysis options the cells and the text sample depend on.
    pub group_by: Option<String>,
    pub segments: Option<Vec<String>>,
    pub seed: u64,
    /// Whether the table has a Delphi `round` column.
    pub rounds: bool,
    /// Respondents (rows) counted, in every round.
    pub respondents: u64,
    /// Earliest and latest submission time (milliseconds since 1970, UTC).
    pub first_submitted_ms: Option<i64>,
    pub last_submitted_ms: Option<i64>,
    /// One table per round, in round order; one table with `round: null` without rounds.
    pub tables: Vec<PartialTable>,
}

/// The statistics of one round's rows (or of all rows, without rounds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialTable {
    pub round: Option<u32>,
    pub respondents: u64,
    /// Sorted by (position, segments, weight).
    pub cells: Vec<RawCell>,
    /// Per position level with any free text, in level order.
    pub texts: Vec<LevelTexts>,
    /// Per question with two or more coders, in survey order.
    pub coders: Vec<CoderUnits>,
    /// Each respondent's ordinal answers, sorted by respondent (tables of rounds only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<RoundAnswers>,
}

/// SHA-256 (hex) of the survey's canonical definition.
pub fn survey_sha256(survey: &Survey) -> String {
    Sha256::digest(crate::survey::to_toml(survey).as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The partial aggregates of `responses` (all of a table, or any part of it).
pub fn partial(survey: &Survey, responses: &Responses, options: &Options) -> Result<Partial> {
    let original = survey;
    let regrouped = regroup::survey(survey, options)?;
    let survey = regrouped.as_ref();
    let frame = responses.frame();
    regroup::check_answered(survey, frame, options)?;
    let split = rounds::split(frame)?;
    let has_rounds = split.is_some();
    let split = split.unwrap_or_else(|| vec![(0, frame.clone())]);
    let tables = split
        .iter()
        .map(|(round, frame)| {
            Ok(PartialTable {
                round: has_rounds.then_some(*round),
                respondents: frame.height() as u64,
                cells: cells::tabulate(survey, frame)?,
                texts: texts::by_level(survey, frame, options.seed)?,
                coders: survey
                    .questions
                    .iter()
                    .filter_map(|q| coders::units(q, frame).transpose())
                    .collect::<Result<_>>()?,
                answers: if has_rounds {
                    rounds::answers(survey, frame)?
                } else {
                    Vec::new()
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let times = frame.column(column::SUBMITTED_AT)?.cast(&DataType::Int64)?;
    let times = times.i64()?;
    Ok(Partial {
        format: FORMAT.to_string(),
        version: VERSION,
        survey: original.id.clone(),
        survey_sha256: survey_sha256(original),
        group_by: options.group_by.clone(),
        segments: options.segments.clone(),
        seed: options.seed,
        rounds: has_rounds,
        respondents: frame.height() as u64,
        first_submitted_ms: times.min(),
        last_submitted_ms: times.max(),
        tables,
    })
}

impl Partial {
    /// The partial as a JSON file: compact (cells × questions make long lists of small
    /// numbers), ending in a newline.
    pub fn to_json(&self) -> Result<Vec<u8>> {
        let mut out = serde_json::to_vec(self).map_err(Error::internal)?;
        out.push(b'\n');
        Ok(out)
    }

    /// Reads a partial file's bytes; `name` is the file, for messages.
    pub fn from_json(name: &str, bytes: &[u8]) -> Result<Partial> {
        // The format and version first, so an old or foreign file gets that message
        // rather than one about a missing field.
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            version: Option<u32>,
        }
        let located = |e: serde_json::Error| {
            // serde_json ends its message with the place, which goes first here.
            let place = format!(" at line {} column {}", e.line(), e.column());
            let message = e.to_string();
            Error::Usage(format!(
                "{name}:{}:{}: not a canvass partial aggregates file: {}",
                e.line(),
                e.column(),
                message.strip_suffix(&place).unwrap_or(&message)
            ))
        };
        let header: Header = serde_json::from_slice(bytes).map_err(located)?;
        if header.format.as_deref() != Some(FORMAT) {
            return Err(Error::Usage(format!(
                "{name}: not a canvass partial aggregates file (its `format` is not \"{FORMAT}\"); make one with `canvass analyze --partial`"
            )));
        }
        if header.version != Some(VERSION) {
            return Err(Error::Usage(format!(
                "{name}: partial aggregates format version {}, but this canvass reads version {VERSION}; make it again with this canvass",
                header
                    .version
                    .map_or_else(|| "missing".to_string(), |v| v.to_string())
            )));
        }
        serde_json::from_slice(bytes).map_err(located)
    }

    /// Why this partial cannot be merged into an analysis of `survey` with `options`, if
    /// it cannot: made from another survey or definition, with other groupings or another
    /// seed, or with counts that do not fit the survey.
    pub fn problem(&self, survey: &Survey, options: &Options) -> Option<String> {
        if self.survey != survey.id {
            return Some(format!(
                "it is of survey `{}`, not `{}`",
                self.survey, survey.id
            ));
        }
        if self.survey_sha256 != survey_sha256(survey) {
            return Some(format!(
                "it was made from another version of the definition of `{}` (the definitions' SHA-256 differ); make the partials again from this one",
                survey.id
            ));
        }
        let option = |name: &str, made: String, asked: String| {
            Some(format!(
                "it was made with {name} {made}, but this analysis asks for {asked}; pass the same option to `analyze --partial` and `report --from-partials`"
            ))
        };
        let words = |v: &Option<Vec<String>>| {
            v.as_ref()
                .map_or_else(|| "(the survey's)".to_string(), |v| v.join(","))
        };
        if self.group_by != options.group_by {
            let name = |v: &Option<String>| v.clone().unwrap_or_else(|| "(the position)".into());
            return option("--group-by", name(&self.group_by), name(&options.group_by));
        }
        if self.segments != options.segments {
            return option("--segment", words(&self.segments), words(&options.segments));
        }
        if self.seed != options.seed {
            return option("--seed", self.seed.to_string(), options.seed.to_string());
        }
        self.shape_problem(survey, options)
    }

    /// Counts that do not fit the survey: an engine-made partial can be wrong in ways a
    /// canvass-made one cannot, and a bad index would otherwise panic or mislead.
    fn shape_problem(&self, survey: &Survey, options: &Options) -> Option<String> {
        let regrouped = regroup::survey(survey, options).ok()?;
        let survey = regrouped.as_ref();
        let levels = survey.position_scale().levels.len();
        let segment_levels: Vec<usize> = survey
            .segments
            .iter()
            .map(|&q| survey.questions[q].choices().len())
            .collect();
        for (t, table) in self.tables.iter().enumerate() {
            let here = |what: String| Some(format!("tables[{t}].{what}"));
            if self.rounds != table.round.is_some() {
                return here("round: a round is given if and only if `rounds` is true".into());
            }
            for (c, cell) in table.cells.iter().enumerate() {
                let at = |what: &str| here(format!("cells[{c}]: {what}"));
                if cell.position >= levels {
                    return at("the position level is beyond the position's scale");
                }
                if cell.segments.len() != segment_levels.len()
                    || cell
                        .segments
                        .iter()
                        .zip(&segment_levels)
                        .any(|(s, &n)| s.is_some_and(|s| s >= n))
                {
                    return at("the segment levels do not fit the survey's segments");
                }
                if cell.weight.is_some() != survey.weights.is_some()
                    || cell.weight.is_some_and(|w| !(w.is_finite() && w > 0.0))
                {
                    return at(
                        "a weighted survey's cells need a positive weight, an unweighted one's none",
                    );
                }
                if cell.questions.len() != survey.questions.len() {
                    return at("there must be one entry per question of the survey");
                }
                for (question, counts) in survey.questions.iter().zip(&cell.questions) {
                    let expected = cells::empty_raw(question);
                    let fits = counts.choices.len() == expected.choices.len()
                        && counts.ranks.len() == expected.ranks.len()
                        && counts.rows.len() == expected.rows.len()
                        && counts
                            .rows
                            .iter()
                            .zip(&expected.rows)
                            .all(|(a, b)| a.levels.len() == b.levels.len())
                        && counts.values.iter().all(|(v, _)| v.is_finite())
                        && (question.kind.is_number() || counts.values.is_empty());
                    if !fits {
                        return at(&format!(
                            "the counts of `{}` do not fit its kind and choices",
                            question.id
                        ));
                    }
                }
            }
            if table.texts.iter().any(|l| l.level >= levels) {
                return here("texts: a position level is beyond the position's scale".into());
            }
            if table.texts.iter().any(|l| {
                l.sample.len() > super::TEXTS_PER_GROUP || l.sample.len() as u64 > l.answered
            }) {
                return here(format!(
                    "texts: a level's sample holds more than its `answered` or {} respondents",
                    super::TEXTS_PER_GROUP
                ));
            }
            let ordinals = rounds::ordinal_columns(survey).len();
            if table.answers.iter().any(|a| a.levels.len() != ordinals) {
                return here(format!(
                    "answers: each respondent needs {ordinals} ordinal levels (likert questions and matrix rows, in survey order)"
                ));
            }
            for units in &table.coders {
                let Some(question) = survey.question(&units.question) else {
                    return here(format!(
                        "coders: `{}` is not a question of the survey",
                        units.question
                    ));
                };
                let coders = question.coders.len();
                if units
                    .patterns
                    .iter()
                    .flatten()
                    .any(|(pattern, _)| pattern.len() != coders)
                {
                    return here(format!(
                        "coders: a pattern of `{}` does not give one entry per coder",
                        units.question
                    ));
                }
            }
        }
        None
    }
}

/// Sums partials: respondents, the fielding period, and each round's cells, texts,
/// coders' patterns and answers. The sum does not depend on the order of the partials.
pub fn sum(partials: Vec<Partial>) -> Option<Partial> {
    let mut partials = partials.into_iter();
    let mut total = partials.next()?;
    let mut tables: BTreeMap<Option<u32>, PartialTable> = std::mem::take(&mut total.tables)
        .into_iter()
        .map(|t| (t.round, t))
        .collect();
    for partial in partials {
        total.respondents += partial.respondents;
        total.rounds |= partial.rounds;
        let earlier = |a: Option<i64>, b: Option<i64>| a.into_iter().chain(b).min();
        let later = |a: Option<i64>, b: Option<i64>| a.into_iter().chain(b).max();
        total.first_submitted_ms = earlier(total.first_submitted_ms, partial.first_submitted_ms);
        total.last_submitted_ms = later(total.last_submitted_ms, partial.last_submitted_ms);
        for table in partial.tables {
            match tables.get_mut(&table.round) {
                Some(sum) => add_table(sum, table),
                None => {
                    tables.insert(table.round, table);
                }
            }
        }
    }
    total.tables = tables.into_values().collect();
    Some(total)
}

fn add_table(sum: &mut PartialTable, table: PartialTable) {
    sum.respondents += table.respondents;
    sum.cells = cells::merge_raw(
        std::mem::take(&mut sum.cells)
            .into_iter()
            .chain(table.cells),
    );
    sum.texts = texts::merge(
        std::mem::take(&mut sum.texts)
            .into_iter()
            .chain(table.texts),
    );
    for units in table.coders {
        match sum.coders.iter_mut().find(|u| u.question == units.question) {
            Some(existing) => existing.add(&units),
            None => sum.coders.push(units),
        }
    }
    sum.answers.extend(table.answers);
    sum.answers.sort_unstable();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ingest_csv, survey};

    fn made() -> (Survey, Partial) {
        let survey = survey();
        let responses = ingest_csv(
            &survey,
            "respondent_id,stance,themes,note\n1,no,cost,a\n2,yes,gain,b\n3,yes,,\n",
        )
        .responses;
        let partial = partial(&survey, &responses, &Options::default()).unwrap();
        (survey, partial)
    }

    #[test]
    fn a_partial_reads_back_and_fits_its_survey() {
        let (survey, partial) = made();
        assert_eq!(partial.respondents, 3);
        assert_eq!(partial.tables[0].cells.len(), 2);
        let back = Partial::from_json("p.json", &partial.to_json().unwrap()).unwrap();
        assert_eq!(back, partial);
        assert_eq!(partial.problem(&survey, &Options::default()), None);
    }

    #[test]
    fn counts_that_do_not_fit_the_survey_are_named() {
        let (survey, partial) = made();
        let problem = |change: &dyn Fn(&mut Partial)| {
            let mut p = partial.clone();
            change(&mut p);
            p.problem(&survey, &Options::default()).unwrap_or_default()
        };
        assert_eq!(
            problem(&|p| p.tables[0].cells[1].position = 9),
            "tables[0].cells[1]: the position level is beyond the position's scale"
        );
        assert_eq!(
            problem(&|p| p.tables[0].cells[0].questions[1].choices.push(1)),
            "tables[0].cells[0]: the counts of `themes` do not fit its kind and choices"
        );
        assert_eq!(
            problem(&|p| p.tables[0].cells[0].weight = Some(1.0)),
            "tables[0].cells[0]: a weighted survey's cells need a positive weight, an unweighted one's none"
        );
        assert!(
            problem(&|p| p.tables[0].texts[0].answered = 0).starts_with("tables[0].texts: "),
            "{}",
            problem(&|p| p.tables[0].texts[0].answered = 0)
        );
        assert!(problem(&|p| p.survey_sha256 = "0".into()).contains("another version"));
        let seeded = Options {
            seed: 2,
            ..Options::default()
        };
        assert!(
            partial
                .problem(&survey, &seeded)
                .unwrap()
                .contains("--seed 1, but this analysis asks for 2")
        );
    }

    #[test]
    fn other_files_and_versions_are_refused_by_name() {
        let error = |bytes: &str| {
            Partial::from_json("p.json", bytes.as_bytes())
                .unwrap_err()
                .to_string()
        };
        let broken = error("[1,");
        assert!(
            broken
                == "p.json:1:2: not a canvass partial aggregates file: invalid type: integer `1`, expected a string",
            "{broken}"
        );
        assert!(error("{\"format\":\"x\"}").contains("its `format` is not \"canvass-partial\""));
        assert!(
            error("{\"format\":\"canvass-partial\",\"version\":9}")
                .contains("version 9, but this canvass reads version 1")
        );
    }
}
