//! Drawing one synthetic respondent: the position level first, a lean from it, then every
//! question in survey order, each shown or not by its `show_if` on the answers drawn so
//! far, exactly as ingest will judge the row.

use rand::RngExt;
use rand_distr::{Exp1, Gumbel, StandardNormal};

use super::answers::{Answers, Slot};
use super::model::{
    self, CHOICE_PULL, LEAN_NOISE, LEVEL_PULL, Levels, Model, NONSUBSTANTIVE_SHARE, Number,
    OTHER_TEXT_SHARE, PROBABILITY_PULL, Plan, Pull, RANK_PULL, ROW_SKIP_SHARE, Rounding, Shape,
    TICK_PULL, level_lean, sigmoid,
};
use super::seed::ChunkRng;
use super::text;
use crate::survey::Survey;

/// Fielding window: 28 days from 2026-03-02 (a Monday), 00:00 UTC. Most answers come in
/// the first days and after a reminder on day 14, mostly in working hours.
pub const WINDOW_DAYS: u32 = 28;
const REMINDER_DAY: f64 = 14.0;
const SHARE_BEFORE_REMINDER: f64 = 0.65;
/// Relative activity by hour of day (UTC).
const HOURS: [f64; 24] = [
    1.0, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1.2, 2.5, 3.5, 3.8, 3.5, 2.8, 3.2, 3.5, 3.4, 3.1, 2.6, 2.0,
    1.8, 1.7, 1.5, 1.3, 1.0,
];
/// Spread of survey weights (log scale): most between 0.7 and 1.4.
const WEIGHT_SPREAD: f64 = 0.35;

/// A respondent being drawn, with the buffers reused for the next one.
pub struct Respondent<'a> {
    survey: &'a Survey,
    model: &'a Model,
    pub answers: Answers,
    /// Position level index.
    pub level: usize,
    /// In [-1, 1]: −1 the lowest position, +1 the highest.
    pub lean: f64,
    /// Seconds after the start of the fielding window.
    pub submitted: u32,
    pub weight: f64,
    hours: Vec<f64>,
    gumbel: Gumbel<f64>,
    weights: Vec<f64>,
    scores: Vec<(f64, u8)>,
}

impl<'a> Respondent<'a> {
    pub fn new(survey: &'a Survey, model: &'a Model) -> Respondent<'a> {
        Respondent {
            survey,
            model,
            answers: Answers::new(survey),
            level: 0,
            lean: 0.0,
            submitted: 0,
            weight: 1.0,
            hours: model::cumulative(&HOURS),
            gumbel: Gumbel::new(0.0, 1.0).expect("a unit Gumbel is valid"),
            weights: Vec::new(),
            scores: Vec::new(),
        }
    }

    /// Draws the next respondent, replacing the last one's answers.
    pub fn draw(&mut self, rng: &mut ChunkRng) {
        let k = self.model.position.len();
        self.level = pick(&self.model.position, rng.random());
        let noise: f64 = rng.sample(StandardNormal);
        self.lean = (level_lean(self.level, k) + LEAN_NOISE * noise).clamp(-1.0, 1.0);
        self.submitted = self.submission_time(rng);
        self.weight = self.draw_weight(rng);
        for q in 0..self.survey.questions.len() {
            self.answers.clear(q);
            let question = &self.survey.questions[q];
            let shown = question
                .show_if
                .as_ref()
                .is_none_or(|c| c.cond.holds(&|t| self.answers.given(t)));
            if !shown || rng.random_bool(self.model.skip[q]) {
                continue;
            }
            self.answer(q, rng);
        }
    }

    fn answer(&mut self, q: usize, rng: &mut ChunkRng) {
        let (lean, required) = (self.lean, self.survey.questions[q].required);
        let answers = &mut self.answers;
        match &self.model.plans[q] {
            Plan::Position => answers.slots[q] = Slot::Code(self.level as u8),
            Plan::Single { choices } => {
                self.weights.clear();
                self.weights
                    .extend(choices.iter().map(|c| c.at(CHOICE_PULL, lean).exp()));
                let choice = pick_weighted(&self.weights, rng.random());
                answers.slots[q] = Slot::Code(choice as u8);
                if self.survey.questions[q].has_other() && choice == choices.len() - 1 {
                    specify_other(rng, &mut answers.others[q]);
                }
            }
            Plan::Multiple { choices, min, max } => {
                tick(
                    choices,
                    (*min, *max),
                    lean,
                    rng,
                    &mut self.weights,
                    &mut answers.codes[q],
                );
                if !answers.codes[q].is_empty() {
                    answers.slots[q] = Slot::Codes;
                }
                let other = choices.len() - 1;
                if self.survey.questions[q].has_other()
                    && answers.codes[q].last() == Some(&(other as u8))
                {
                    specify_other(rng, &mut answers.others[q]);
                }
            }
            Plan::Likert { scale, pull } => {
                answers.slots[q] = Slot::Code(level(scale, *pull, lean, rng));
            }
            Plan::Matrix { scale, rows } => {
                answers.slots[q] = Slot::Rows;
                for (slot, pull) in answers.levels[q].iter_mut().zip(rows) {
                    if !required && rng.random_bool(ROW_SKIP_SHARE) {
                        continue;
                    }
                    *slot = Some(level(scale, *pull, lean, rng));
                }
            }
            Plan::Ranking { choices, take } => {
                self.scores.clear();
                for (i, c) in choices.iter().enumerate() {
                    let noise: f64 = rng.sample(self.gumbel);
                    self.scores.push((c.at(RANK_PULL, lean) + noise, i as u8));
                }
                // Highest score first; the index breaks (vanishingly rare) ties.
                self.scores
                    .sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                answers.codes[q].extend(self.scores.iter().take(*take).map(|s| s.1));
                answers.slots[q] = Slot::Codes;
            }
            Plan::Number(number) => answers.slots[q] = Slot::Number(draw_number(number, lean, rng)),
            Plan::Probability { pull } => {
                answers.slots[q] = Slot::Number(probability(*pull, lean, rng));
            }
            Plan::Text { max_length } => {
                text::answer(rng, lean, *max_length, &mut answers.texts[q]);
                answers.slots[q] = Slot::Text;
            }
            Plan::Never => {}
        }
    }

    fn submission_time(&self, rng: &mut ChunkRng) -> u32 {
        let wave: f64 = rng.sample(Exp1);
        let day = if rng.random_bool(SHARE_BEFORE_REMINDER) {
            3.0 * wave
        } else {
            REMINDER_DAY + 2.5 * wave
        };
        // The few late answers past the window's end wrap to its start.
        let day = (day as u32) % WINDOW_DAYS;
        let hour = pick(&self.hours, rng.random()) as u32;
        let second = rng.random_range(0..3600u32);
        (day * 24 + hour) * 3600 + second
    }

    fn draw_weight(&self, rng: &mut ChunkRng) -> f64 {
        let z: f64 = rng.sample(StandardNormal);
        ((WEIGHT_SPREAD * z).exp() * 1000.0).round().max(1.0) / 1000.0
    }
}

/// The first index whose cumulative share exceeds `u` (in [0, 1)).
fn pick(cumulative: &[f64], u: f64) -> usize {
    cumulative
        .iter()
        .position(|c| u < *c)
        .unwrap_or(cumulative.len() - 1)
}

/// An index drawn in proportion to `weights` (all positive), with `u` in [0, 1).
fn pick_weighted(weights: &[f64], u: f64) -> usize {
    let mut left = u * weights.iter().sum::<f64>();
    for (i, w) in weights.iter().enumerate() {
        if left < *w {
            return i;
        }
        left -= w;
    }
    weights.len() - 1
}

/// A scale level: now and then a non-substantive one, else an ordered-probit draw.
fn level(scale: &Levels, pull: Pull, lean: f64, rng: &mut ChunkRng) -> u8 {
    let extra = scale.total - scale.ordered;
    if extra > 0 && rng.random_bool(NONSUBSTANTIVE_SHARE) {
        return (scale.ordered + rng.random_range(0..extra)) as u8;
    }
    let noise: f64 = rng.sample(StandardNormal);
    let latent = pull.at(LEVEL_PULL, lean) + noise;
    scale.thresholds.iter().filter(|t| latent > **t).count() as u8
}

/// Ticks each choice on its own chance, then tops up to `min` or cuts down to `max` picks,
/// in both cases favouring the likelier choices. Leaves the picks ascending in `out`.
fn tick(
    choices: &[Pull],
    (min, max): (usize, usize),
    lean: f64,
    rng: &mut ChunkRng,
    chances: &mut Vec<f64>,
    out: &mut Vec<u8>,
) {
    chances.clear();
    chances.extend(choices.iter().map(|c| sigmoid(c.at(TICK_PULL, lean))));
    out.clear();
    for (i, chance) in chances.iter().enumerate() {
        if rng.random::<f64>() < *chance {
            out.push(i as u8);
        }
    }
    if out.len() < min {
        // Draw the missing picks among the unticked choices.
        for &i in out.iter() {
            chances[usize::from(i)] = 0.0;
        }
        let wanted = min - out.len();
        draw_without_replacement(chances, wanted, rng, out);
    } else if out.len() > max {
        // Keep `max` of the ticked choices (`out` is ascending here).
        let mut ticked = out.iter().peekable();
        for (i, chance) in chances.iter_mut().enumerate() {
            if ticked.next_if_eq(&&(i as u8)).is_none() {
                *chance = 0.0;
            }
        }
        out.clear();
        draw_without_replacement(chances, max, rng, out);
    }
    out.sort_unstable();
}

/// Draws `k` indices with positive weight, each in proportion to its weight among those
/// left, and pushes them to `out`; drawn weights are set to zero.
fn draw_without_replacement(weights: &mut [f64], k: usize, rng: &mut ChunkRng, out: &mut Vec<u8>) {
    for _ in 0..k {
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return;
        }
        let i = pick_weighted(weights, rng.random());
        // `pick_weighted` can land on a zero weight only through rounding at the end.
        let i = if weights[i] > 0.0 {
            i
        } else {
            match weights.iter().rposition(|w| *w > 0.0) {
                Some(i) => i,
                None => return,
            }
        };
        weights[i] = 0.0;
        out.push(i as u8);
    }
}

fn draw_number(number: &Number, lean: f64, rng: &mut ChunkRng) -> f64 {
    let z: f64 = rng.sample(StandardNormal);
    let x = number.pull.at(number.strength, lean) + number.noise * z;
    let value = match number.shape {
        Shape::Between { min, max } => min + (max - min) * sigmoid(x),
        Shape::Away { from, sign } => from + sign * x.exp(),
        Shape::Around { centre } => centre + 10.0 * x,
    };
    let rounded = match number.rounding {
        Rounding::Whole => value.round(),
        Rounding::Tenth => (value * 10.0).round() / 10.0,
    };
    // Rounding happens before the bounds, so the bound itself is what a clamped value
    // shows (and the checked bounds of a whole-number question are whole).
    let rounded = number.min.map_or(rounded, |lo| rounded.max(lo));
    // Adding zero turns a rounded −0 into 0, which is how people write it.
    number.max.map_or(rounded, |hi| rounded.min(hi)) + 0.0
}

/// A probability in percent: logit-normal, rounded to a multiple of 5 half the time (as
/// people answer) and to a whole number otherwise.
fn probability(pull: Pull, lean: f64, rng: &mut ChunkRng) -> f64 {
    let z: f64 = rng.sample(StandardNormal);
    let p = 100.0 * sigmoid(pull.at(PROBABILITY_PULL, lean) + 0.9 * z);
    let step = if rng.random_bool(0.5) { 5.0 } else { 1.0 };
    ((p / step).round() * step).clamp(0.0, 100.0)
}

fn specify_other(rng: &mut ChunkRng, out: &mut String) {
    if rng.random_bool(OTHER_TEXT_SHARE) {
        text::other(rng, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::seed::chunk_rng;

    fn pulls(n: usize) -> Vec<Pull> {
        (0..n)
            .map(|i| Pull {
                base: -1.0 + 0.2 * i as f64,
                loading: if i % 2 == 0 { 1.0 } else { -1.0 },
            })
            .collect()
    }

    #[test]
    fn ticks_respect_min_and_max_picks() {
        let mut rng = chunk_rng(3, 0);
        let (mut chances, mut out) = (Vec::new(), Vec::new());
        for (min, max) in [(0, 6), (1, 6), (3, 3), (2, 4), (6, 6), (0, 1)] {
            for lean in [-1.0, 0.0, 1.0] {
                for _ in 0..200 {
                    tick(
                        &pulls(6),
                        (min, max),
                        lean,
                        &mut rng,
                        &mut chances,
                        &mut out,
                    );
                    assert!((min..=max).contains(&out.len()), "{min}..{max}: {out:?}");
                    assert!(out.windows(2).all(|w| w[0] < w[1]), "{out:?}");
                    assert!(out.iter().all(|&i| i < 6));
                }
            }
        }
    }

    #[test]
    fn ticks_follow_the_lean() {
        let mut rng = chunk_rng(4, 0);
        let (mut chances, mut out) = (Vec::new(), Vec::new());
        let mut count = |lean: f64| {
            (0..2000)
                .filter(|_| {
                    tick(&pulls(2), (0, 2), lean, &mut rng, &mut chances, &mut out);
                    out.contains(&0)
                })
                .count()
        };
        // Choice 0 loads positively: ticked more often by those leaning up.
        let (up, down) = (count(1.0), count(-1.0));
        assert!(up > down + 400, "up {up}, down {down}");
    }

    #[test]
    fn numbers_stay_within_bounds_and_are_rounded() {
        let mut rng = chunk_rng(5, 0);
        let number = Number {
            shape: Shape::Between { min: 0.0, max: 3.0 },
            pull: Pull {
                base: 2.0,
                loading: 1.0,
            },
            noise: 3.0,
            strength: 1.0,
            min: Some(0.0),
            max: Some(3.0),
            rounding: Rounding::Whole,
        };
        let mut seen = [false; 4];
        for _ in 0..500 {
            let n = draw_number(&number, 1.0, &mut rng);
            assert!((0.0..=3.0).contains(&n) && n.fract() == 0.0, "{n}");
            seen[n as usize] = true;
        }
        assert_eq!(seen, [true; 4]);
        for _ in 0..500 {
            let p = probability(
                Pull {
                    base: 0.0,
                    loading: 1.0,
                },
                1.0,
                &mut rng,
            );
            assert!((0.0..=100.0).contains(&p) && p.fract() == 0.0, "{p}");
        }
    }

    #[test]
    fn levels_include_the_non_substantive_ones_sometimes() {
        let mut rng = chunk_rng(6, 0);
        let scale = Levels {
            ordered: 3,
            total: 4,
            thresholds: vec![-0.4, 0.4],
        };
        let mut counts = [0; 4];
        for _ in 0..4000 {
            counts[usize::from(level(
                &scale,
                Pull {
                    base: 0.0,
                    loading: 0.0,
                },
                0.0,
                &mut rng,
            ))] += 1;
        }
        assert!(counts.iter().all(|c| *c > 50), "{counts:?}");
        assert!(counts[3] < 400, "{counts:?}");
    }
}
