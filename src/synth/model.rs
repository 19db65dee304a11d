//! The synthetic panel's fixed traits, worked out once per run from the survey and the
//! seed: how positions are spread, and for every question how its answers lean.
//!
//! Each respondent has a *lean* in [-1, 1] (−1 the lowest position level, +1 the
//! highest). Every answer that can follow a position has a *loading* in [-1, 1]: how
//! strongly, and which way, it moves with the lean. A code with a `direction` gets the
//! sign of its direction (`for` = more likely the higher the position); one without gets
//! a sign and size hashed from the seed and its name, so some rows of a matrix rise with
//! the position and others fall.

use std::collections::HashMap;

use super::seed::unit;
use crate::error::{Error, Result};
use crate::survey::{Choice, Direction, OTHER, QuestionKind, Scale, Survey};

/// How far a unit of lean × loading moves each kind of answer, on its own scale (log
/// weight, logit, latent level, rank score). Large enough that a few thousand rows show
/// the difference between sides plainly; small enough that every side gives every answer.
pub const CHOICE_PULL: f64 = 1.0;
pub const TICK_PULL: f64 = 1.6;
pub const LEVEL_PULL: f64 = 1.3;
pub const RANK_PULL: f64 = 1.5;
pub const PROBABILITY_PULL: f64 = 1.2;
const NUMBER_PULL: f64 = 0.8;
const YEAR_PULL: f64 = 0.35;

/// Share of optional questions a respondent leaves blank (free text: more are skipped).
const SKIP_SHARE: f64 = 0.08;
const TEXT_SKIP_SHARE: f64 = 0.4;
/// Share of rows of an optional matrix left blank by someone who answers the matrix.
pub const ROW_SKIP_SHARE: f64 = 0.03;
/// Share of scale answers that are a non-substantive level ("don't know"), when the
/// scale has one.
pub const NONSUBSTANTIVE_SHARE: f64 = 0.04;
/// Share of "other" picks that come with a specification.
pub const OTHER_TEXT_SHARE: f64 = 0.75;
/// The spread of a respondent's lean around their position level's place on the scale.
pub const LEAN_NOISE: f64 = 0.25;

/// The fixed traits of a synthetic panel for one survey and seed.
#[derive(Debug, Clone)]
pub struct Model {
    /// Cumulative shares of the position levels.
    pub position: Vec<f64>,
    /// One plan per question, in survey order.
    pub plans: Vec<Plan>,
    /// Per question: the share of respondents who leave it blank when it is optional.
    pub skip: Vec<f64>,
}

/// How one question's answers are made.
#[derive(Debug, Clone)]
pub enum Plan {
    /// The position question: its level is drawn first, and everything leans on it.
    Position,
    /// One choice: log weight `base + CHOICE_PULL · loading · lean` per choice.
    Single { choices: Vec<Pull> },
    /// Each choice ticked with probability `sigmoid(base + TICK_PULL · loading · lean)`,
    /// then topped up to `min` or cut down to `max` picks.
    Multiple {
        choices: Vec<Pull>,
        min: usize,
        max: usize,
    },
    /// An ordered-probit level: a latent `base + LEVEL_PULL · loading · lean + N(0, 1)`
    /// cut at evenly spaced thresholds.
    Likert { scale: Levels, pull: Pull },
    /// One likert per row, each row with its own base and loading.
    Matrix { scale: Levels, rows: Vec<Pull> },
    /// The top `take` choices by `base + RANK_PULL · loading · lean + Gumbel noise`
    /// (Plackett–Luce).
    Ranking { choices: Vec<Pull>, take: usize },
    /// A number within bounds; see [`Number`].
    Number(Number),
    /// 100 · sigmoid(`base + PROBABILITY_PULL · loading · lean + N(0, 0.9)`), rounded as
    /// people round.
    Probability { pull: Pull },
    /// Short sentences from the phrase bank, chosen by lean.
    Text { max_length: Option<usize> },
    /// A question no answer fits (an optional whole-number question whose bounds hold no
    /// whole number): always left blank.
    Never,
}

/// A base and a loading: where an answer sits for a neutral respondent, and how it moves
/// with the lean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pull {
    pub base: f64,
    pub loading: f64,
}

impl Pull {
    /// The base moved by `strength · loading · lean`.
    pub fn at(self, strength: f64, lean: f64) -> f64 {
        self.base + strength * self.loading * lean
    }
}

/// A scale as the generator needs it.
#[derive(Debug, Clone)]
pub struct Levels {
    /// How many levels are ordered; the rest of `total` are non-substantive.
    pub ordered: usize,
    pub total: usize,
    /// The latent values between consecutive ordered levels, ascending.
    pub thresholds: Vec<f64>,
}

/// A number question's shape: a value drawn on the unit interval (logit-normal) and
/// mapped onto the bounds, or a log-normal distance from the one bound there is.
#[derive(Debug, Clone)]
pub struct Number {
    pub shape: Shape,
    pub pull: Pull,
    /// Spread of the noise, on the logit or log scale.
    pub noise: f64,
    /// How far one unit of lean × loading moves the value, on the same scale.
    pub strength: f64,
    /// Bounds after rounding (a whole-number question's bounds rounded inwards).
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub rounding: Rounding,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// `min + (max − min) · sigmoid(logit)`.
    Between { min: f64, max: f64 },
    /// `from + sign · exp(log)`: above a lower bound (sign +1) or below an upper one (−1).
    Away { from: f64, sign: f64 },
    /// `centre + 10 · z` for an unbounded number.
    Around { centre: f64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    Whole,
    /// One decimal place.
    Tenth,
}

/// The year synthetic forecasts count from, and the fielding window's year.
pub const FIELDING_YEAR: f64 = 2026.0;

impl Model {
    /// Works out every question's plan. Fails when a required question can have no valid
    /// answer at all (a whole-number question whose bounds hold no whole number).
    pub fn new(survey: &Survey, seed: u64) -> Result<Model> {
        let directions = code_directions(survey);
        let position = position_shares(seed, survey.position_scale().ordered);
        let mut plans = Vec::with_capacity(survey.questions.len());
        let mut skip = Vec::with_capacity(survey.questions.len());
        for (i, question) in survey.questions.iter().enumerate() {
            let id = question.id.as_str();
            let loading = |code: &str, direction: Option<Direction>| {
                loading(seed, id, code, direction.or(directions.get(code).copied()))
            };
            let plan = match &question.kind {
                _ if i == survey.position => Plan::Position,
                QuestionKind::Single { options } => Plan::Single {
                    choices: single_pulls(seed, id, &options.choices, options.other, &loading),
                },
                QuestionKind::Multiple {
                    options,
                    min_picks,
                    max_picks,
                } => {
                    let n = options.choices.len();
                    let min = min_picks.map_or(0, |m| m as usize);
                    // A required question needs at least one tick to count as answered.
                    let min = if question.required { min.max(1) } else { min };
                    Plan::Multiple {
                        choices: tick_pulls(seed, id, &options.choices, options.other, &loading),
                        min: min.min(n),
                        max: max_picks.map_or(n, |m| m as usize).min(n).max(min.min(n)),
                    }
                }
                QuestionKind::Likert { scale } => Plan::Likert {
                    scale: levels(scale),
                    pull: level_pull(seed, id, "", loading("", None)),
                },
                QuestionKind::Matrix { rows, scale } => Plan::Matrix {
                    scale: levels(scale),
                    rows: rows
                        .iter()
                        .map(|r| level_pull(seed, id, &r.code, loading(&r.code, r.direction)))
                        .collect(),
                },
                QuestionKind::Ranking { options, top } => Plan::Ranking {
                    choices: options
                        .choices
                        .iter()
                        .map(|c| Pull {
                            base: 2.0 * unit(seed, &[id, &c.code, "base"]) - 1.0,
                            loading: loading(&c.code, c.direction),
                        })
                        .collect(),
                    take: top.map_or(options.choices.len(), |t| t as usize),
                },
                QuestionKind::Numeric {
                    min, max, integer, ..
                } => match number(seed, id, *min, *max, *integer, loading("", None)) {
                    Some(number) => Plan::Number(number),
                    None if question.required => {
                        return Err(Error::Usage(format!(
                            "`{id}` asks for a whole number between {} and {}, and there is none, so no answer to it can be made up; fix its bounds in the definition",
                            min.unwrap_or_default(),
                            max.unwrap_or_default()
                        )));
                    }
                    None => Plan::Never,
                },
                QuestionKind::Year { min, max } => Plan::Number(year(
                    seed,
                    id,
                    min.map(f64::from),
                    max.map(f64::from),
                    loading("", None),
                )),
                QuestionKind::Probability => Plan::Probability {
                    pull: Pull {
                        base: -1.2 + 2.0 * unit(seed, &[id, "base"]),
                        loading: loading("", None),
                    },
                },
                QuestionKind::Text { max_length } => Plan::Text {
                    max_length: max_length.map(|m| m as usize),
                },
            };
            skip.push(match (&plan, question.required) {
                (_, true) => 0.0,
                (Plan::Text { .. }, false) => TEXT_SKIP_SHARE,
                _ => SKIP_SHARE,
            });
            plans.push(plan);
        }
        Ok(Model {
            position,
            plans,
            skip,
        })
    }

    /// The loading of row `row` of the matrix question at `question` (for tests that check
    /// the output follows it).
    #[cfg(test)]
    pub fn row_loading(&self, question: usize, row: usize) -> Option<f64> {
        match &self.plans[question] {
            Plan::Matrix { rows, .. } => rows.get(row).map(|p| p.loading),
            _ => None,
        }
    }
}

/// Where level `i` of `k` ordered levels sits on the lean scale: −1 for the lowest, +1
/// for the highest, evenly between.
pub fn level_lean(i: usize, k: usize) -> f64 {
    if k < 2 {
        0.0
    } else {
        -1.0 + 2.0 * i as f64 / (k - 1) as f64
    }
}

/// Position shares: a bell over the scale, centred a little off the middle (by a tilt
/// hashed from the seed), with a floor so that both ends are always held by someone.
fn position_shares(seed: u64, k: usize) -> Vec<f64> {
    let tilt = (unit(seed, &["position", "tilt"]) - 0.5) * 0.8;
    let weights: Vec<f64> = (0..k)
        .map(|i| {
            let x = level_lean(i, k) - tilt;
            (-x * x / (2.0 * 0.6 * 0.6)).exp() + 0.12
        })
        .collect();
    cumulative(&weights)
}

/// Running sums scaled so the last is 1, for drawing an index with one uniform number.
pub fn cumulative(weights: &[f64]) -> Vec<f64> {
    let total: f64 = weights.iter().sum();
    let mut sum = 0.0;
    let mut out: Vec<f64> = weights
        .iter()
        .map(|w| {
            sum += w;
            sum / total
        })
        .collect();
    if let Some(last) = out.last_mut() {
        *last = 1.0;
    }
    out
}

/// Every code the survey gives a direction anywhere (a codebook theme), so that the same
/// code used without one (a matrix row rating that theme) leans the same way.
fn code_directions(survey: &Survey) -> HashMap<&str, Direction> {
    let mut directions = HashMap::new();
    for question in &survey.questions {
        for choice in question.choices().iter().chain(question.rows()) {
            if let Some(direction) = choice.direction {
                directions.entry(choice.code.as_str()).or_insert(direction);
            }
        }
    }
    directions
}

/// A loading: the sign of the direction when there is one, else a hashed sign; a hashed
/// size between 0.4 and 1, so every answer visibly follows the position one way or the
/// other.
fn loading(seed: u64, question: &str, code: &str, direction: Option<Direction>) -> f64 {
    let size = 0.4 + 0.6 * unit(seed, &[question, code, "loading size"]);
    let sign = match direction {
        Some(Direction::For) => 1.0,
        Some(Direction::Against) => -1.0,
        None if unit(seed, &[question, code, "loading sign"]) < 0.5 => -1.0,
        None => 1.0,
    };
    sign * size
}

/// Single-choice pulls: log weights falling by a constant ratio along an order hashed
/// from the seed (so one or two choices are common and the rest rarer, as in a real
/// panel's affiliations), and "other" rare.
fn single_pulls(
    seed: u64,
    id: &str,
    choices: &[Choice],
    other: bool,
    loading: &impl Fn(&str, Option<Direction>) -> f64,
) -> Vec<Pull> {
    let substantive = choices.len() - usize::from(other);
    let keys: Vec<f64> = choices[..substantive]
        .iter()
        .map(|c| unit(seed, &[id, &c.code, "rank"]))
        .collect();
    let mut pulls: Vec<Pull> = (0..substantive)
        .map(|i| {
            let rank = keys.iter().filter(|k| **k < keys[i]).count();
            Pull {
                base: -0.45 * rank as f64,
                loading: loading(&choices[i].code, choices[i].direction),
            }
        })
        .collect();
    if other {
        pulls.push(Pull {
            base: -2.5,
            loading: 0.0,
        });
    }
    pulls
}

/// Multiple-choice pulls: a base tick rate between 10 % and 40 %; "other" about 5 %.
fn tick_pulls(
    seed: u64,
    id: &str,
    choices: &[Choice],
    other: bool,
    loading: &impl Fn(&str, Option<Direction>) -> f64,
) -> Vec<Pull> {
    choices
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if other && i == choices.len() - 1 && c.code == OTHER {
                Pull {
                    base: -3.0,
                    loading: 0.0,
                }
            } else {
                Pull {
                    base: -2.2 + 1.8 * unit(seed, &[id, &c.code, "base"]),
                    loading: loading(&c.code, c.direction),
                }
            }
        })
        .collect()
}

fn level_pull(seed: u64, id: &str, row: &str, loading: f64) -> Pull {
    Pull {
        base: (unit(seed, &[id, row, "base"]) - 0.5) * 1.2,
        loading,
    }
}

/// Thresholds 0.8 apart, centred on 0: for five levels −1.2, −0.4, 0.4, 1.2, which puts
/// about 12 / 23 / 31 / 23 / 12 % on the levels of a neutral respondent.
fn levels(scale: &Scale) -> Levels {
    let k = scale.ordered;
    Levels {
        ordered: k,
        total: scale.levels.len(),
        thresholds: (1..k).map(|j| (j as f64 - k as f64 / 2.0) * 0.8).collect(),
    }
}

/// A numeric question's shape, or `None` when it takes whole numbers and its bounds hold
/// none.
fn number(
    seed: u64,
    id: &str,
    min: Option<f64>,
    max: Option<f64>,
    integer: bool,
    loading: f64,
) -> Option<Number> {
    let (rounding, min, max) = if integer {
        (Rounding::Whole, min.map(f64::ceil), max.map(f64::floor))
    } else {
        (Rounding::Tenth, min, max)
    };
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            return None;
        }
    }
    let u = unit(seed, &[id, "centre"]);
    let (shape, base, noise) = match (min, max) {
        // Most bounded quantities (years of experience, hours) sit in the lower part of
        // their range: centre between 8 % and 38 % of it.
        (Some(lo), Some(hi)) => (
            Shape::Between { min: lo, max: hi },
            logit(0.08 + 0.3 * u),
            0.7,
        ),
        (Some(lo), None) => (
            Shape::Away {
                from: lo,
                sign: 1.0,
            },
            (5.0 + 45.0 * u).ln(),
            0.8,
        ),
        (None, Some(hi)) => (
            Shape::Away {
                from: hi,
                sign: -1.0,
            },
            (5.0 + 45.0 * u).ln(),
            0.8,
        ),
        (None, None) => (Shape::Around { centre: 100.0 * u }, 0.0, 1.0),
    };
    Some(Number {
        shape,
        pull: Pull { base, loading },
        noise,
        strength: NUMBER_PULL,
        min,
        max,
        rounding,
    })
}

/// A year: a log-normal distance of 4 to 20 years (median, hashed) from the fielding
/// year (or the nearest bound to it), forwards unless the bounds lie in the past.
fn year(seed: u64, id: &str, min: Option<f64>, max: Option<f64>, loading: f64) -> Number {
    let anchor = FIELDING_YEAR
        .max(min.unwrap_or(f64::MIN))
        .min(max.unwrap_or(f64::MAX));
    let backwards = max.is_some_and(|hi| hi <= anchor) && min.is_none_or(|lo| lo < anchor);
    let median = 4.0 + 16.0 * unit(seed, &[id, "delay"]);
    Number {
        shape: Shape::Away {
            from: anchor,
            sign: if backwards { -1.0 } else { 1.0 },
        },
        pull: Pull {
            base: median.ln(),
            loading,
        },
        noise: 0.6,
        strength: YEAR_PULL,
        min,
        max,
        rounding: Rounding::Whole,
    }
}

pub fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn position_shares_are_a_bell_with_both_ends_held() {
        let shares = cumulative_to_shares(&position_shares(3, 5));
        assert_eq!(shares.len(), 5);
        assert!(shares.iter().all(|s| *s > 0.05), "{shares:?}");
        assert!(shares[2] > shares[0] && shares[2] > shares[4], "{shares:?}");
        // Not uniform: the most common level is well above a fifth.
        assert!(
            shares.iter().cloned().fold(0.0, f64::max) > 0.28,
            "{shares:?}"
        );
    }

    fn cumulative_to_shares(c: &[f64]) -> Vec<f64> {
        let mut last = 0.0;
        c.iter()
            .map(|x| {
                let s = x - last;
                last = *x;
                s
            })
            .collect()
    }

    #[test]
    fn directions_set_the_sign_of_loadings() {
        for seed in 0..20 {
            assert!(loading(seed, "q", "c", Some(Direction::For)) >= 0.4);
            assert!(loading(seed, "q", "c", Some(Direction::Against)) <= -0.4);
        }
        let signs: Vec<bool> = (0..40).map(|s| loading(s, "q", "c", None) > 0.0).collect();
        assert!(signs.contains(&true) && signs.contains(&false));
    }

    #[test]
    fn matrix_rows_named_like_directed_themes_lean_their_way() {
        let survey = testing::survey_from(
            r#"id = "t"
title = "T"
position = "stance"
[anonymity]
min_group_size = 1
[scales.s]
levels = [{ code = "no", label = "No" }, { code = "yes", label = "Yes" }]
[codebook.themes]
codes = [{ code = "cost", label = "Cost", direction = "against" }, { code = "gain", label = "Gain", direction = "for" }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "?"
required = true
[[questions]]
id = "why"
kind = "multiple"
codebook = "themes"
text = "?"
[[questions]]
id = "weigh"
kind = "matrix"
scale = "s"
text = "?"
rows = [{ code = "cost", label = "Cost" }, { code = "gain", label = "Gain" }]
"#,
        );
        for seed in 0..10 {
            let model = Model::new(&survey, seed).unwrap();
            assert!(model.row_loading(2, 0).unwrap() < 0.0);
            assert!(model.row_loading(2, 1).unwrap() > 0.0);
        }
    }

    #[test]
    fn a_required_whole_number_without_room_is_refused() {
        let source = |required: bool| {
            format!(
                r#"id = "t"
title = "T"
position = "stance"
[anonymity]
min_group_size = 1
[scales.s]
levels = [{{ code = "no", label = "No" }}, {{ code = "yes", label = "Yes" }}]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "?"
required = true
[[questions]]
id = "n"
kind = "numeric"
text = "?"
min = 0.2
max = 0.8
integer = true
required = {required}
"#
            )
        };
        let error = Model::new(&testing::survey_from(&source(true)), 1).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("`n` asks for a whole number between 0.2 and 0.8"),
            "{error}"
        );
        let model = Model::new(&testing::survey_from(&source(false)), 1).unwrap();
        assert!(matches!(model.plans[1], Plan::Never));
    }

    #[test]
    fn thresholds_are_centred_and_evenly_spaced() {
        let survey = testing::every_kind();
        let model = Model::new(&survey, 1).unwrap();
        let Plan::Matrix { scale, .. } = &model.plans[3] else {
            panic!("{:?}", model.plans[3])
        };
        assert_eq!((scale.ordered, scale.total), (2, 3));
        assert_eq!(scale.thresholds, vec![0.0]);
    }
}
