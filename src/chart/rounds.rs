//! How each group moved from round to round of a Delphi survey: for every likert,
//! numeric, probability and year question, one row per group (everyone first, then the
//! position groups of the last round), the group's measure in each round as a dot, the
//! rounds joined by an arrow from the first to the last. The measure is the one analysis
//! gives per round: the mean level score for likert questions (1 = the lowest level), the
//! pooled geometric mean of odds for probabilities, the median for other numbers. A group
//! is matched across rounds by its key; a round in which it was not published (merged
//! differently, or too small) has no dot.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::theme::{self, Heading, Label, Legend, PAD, Theme};
use super::{Draw, Plan, Planned};
use crate::analyze::{ALL, Aggregates, GroupResult, OVERALL, POSITION, QuestionResult};

pub struct RoundsChart {
    heading: Heading,
    legend: Legend,
    /// The axis from `lo` to `hi`, with ticks (value, label).
    lo: f64,
    hi: f64,
    ticks: Vec<(f64, Label)>,
    rows: Vec<Row>,
    rounds: usize,
    label_width: f64,
    n_width: f64,
}

struct Row {
    label: Label,
    /// Per round, in order: the measure, if the group was published then.
    values: Vec<Option<f64>>,
    /// "n = 6 → 4".
    n: String,
}

const WIDTH: f64 = 760.0;
const ROW: f64 = 32.0;
const LABEL_SIZE: f64 = 13.0;
const N_SIZE: f64 = 12.0;
const AXIS_ROOM: f64 = 40.0;

pub(super) fn plan(a: &Aggregates) -> Vec<Planned> {
    let Some(rounds) = a.rounds.as_ref().filter(|r| r.rounds.len() >= 2) else {
        return Vec::new();
    };
    let last = &rounds.rounds[rounds.rounds.len() - 1];
    let mut groups: Vec<(&str, &str, &str)> = vec![(OVERALL, ALL, "Everyone")];
    if let Some(grouping) = last.groupings.iter().find(|g| g.id == POSITION) {
        groups.extend(
            grouping
                .groups
                .iter()
                .map(|g| (POSITION, g.key.as_str(), g.label.as_str())),
        );
    }
    last.questions
        .iter()
        .filter(|q| {
            matches!(
                q.kind.as_str(),
                "likert" | "numeric" | "probability" | "year"
            )
        })
        .filter_map(|q| {
            let per_round: Vec<Option<&QuestionResult>> = rounds
                .rounds
                .iter()
                .map(|r| r.questions.iter().find(|x| x.id == q.id))
                .collect();
            let rows: Vec<GroupRounds<'_>> = groups
                .iter()
                .filter(|(grouping, ..)| !q.is_position || *grouping == OVERALL)
                .map(|(grouping, key, label)| {
                    let results: Vec<Option<&GroupResult>> = per_round
                        .iter()
                        .map(|r| r.and_then(|r| r.result(grouping, key)))
                        .collect();
                    let values: Vec<Option<f64>> = results
                        .iter()
                        .map(|r| r.and_then(|r| measure(q, r)))
                        .collect();
                    let ns: Vec<Option<u64>> =
                        results.iter().map(|r| r.map(|r| r.answered)).collect();
                    GroupRounds { label, values, ns }
                })
                .filter(|g| g.values.iter().flatten().count() >= 1)
                .collect();
            if rows.is_empty() {
                return None;
            }
            Some(build(
                q,
                rows,
                rounds.rounds.iter().map(|r| r.round).collect(),
            ))
        })
        .collect()
}

/// One group across the rounds: its measure and how many answered, per round.
struct GroupRounds<'a> {
    label: &'a str,
    values: Vec<Option<f64>>,
    ns: Vec<Option<u64>>,
}

/// The measure of one group in one round.
fn measure(q: &QuestionResult, r: &GroupResult) -> Option<f64> {
    match q.kind.as_str() {
        "likert" => r.ordinal.as_ref().map(|o| o.mean_score),
        "probability" => r
            .pooled
            .as_ref()
            .map(|p| p.pooled.geometric_mean_of_odds * 100.0),
        _ => r.summary.as_ref().map(|s| s.median),
    }
}

fn measure_words(q: &QuestionResult) -> &'static str {
    match q.kind.as_str() {
        "likert" => "mean level (1 = lowest)",
        "probability" => "geometric mean of odds",
        _ => "median",
    }
}

fn build(q: &QuestionResult, rows: Vec<GroupRounds<'_>>, rounds: Vec<u32>) -> Planned {
    let label_width = rows
        .iter()
        .map(|g| theme::text_width(g.label, LABEL_SIZE, false))
        .fold(0.0, f64::max)
        .min(WIDTH * 0.25);
    let n_text = |ns: &[Option<u64>]| {
        format!(
            "n = {}",
            ns.iter()
                .map(|n| n.map_or("–".to_string(), |n| n.to_string()))
                .collect::<Vec<_>>()
                .join(" → ")
        )
    };
    let rows: Vec<Row> = rows
        .iter()
        .map(|g| Row {
            label: Label::fit(g.label, LABEL_SIZE, false, label_width, 2),
            values: g.values.clone(),
            n: n_text(&g.ns),
        })
        .collect();
    let n_width = rows
        .iter()
        .map(|r| theme::text_width(&r.n, N_SIZE, false))
        .fold(0.0, f64::max);
    let values: Vec<f64> = rows
        .iter()
        .flat_map(|r| r.values.iter().flatten().copied())
        .collect();
    let (lo, hi, ticks) = axis(q, &values);
    let unit = if q.kind == "probability" { "%" } else { "" };
    let round_words = |i: usize| format!("Round {}", rounds[i]);
    let legend: Vec<(RGBColor, String)> = (0..rounds.len())
        .map(|i| (round_color(i, rounds.len()), round_words(i)))
        .collect();
    let answered = rows[0].n.clone();
    let subtitle = format!(
        "{answered} (everyone, by round) · {} by round",
        measure_words(q)
    );
    let description = format!(
        "{} — the {} of each group in each round ({}). {}.",
        q.text,
        measure_words(q),
        answered,
        rows.iter()
            .map(|r| format!(
                "{}: {}",
                r.label.full,
                r.values
                    .iter()
                    .map(|v| v.map_or("–".to_string(), |v| format!("{}{unit}", round2(v))))
                    .collect::<Vec<_>>()
                    .join(" → ")
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let chart = RoundsChart {
        heading: Heading::new(&q.text, subtitle, WIDTH),
        legend: Legend::new(&legend, WIDTH - 2.0 * PAD),
        lo,
        hi,
        ticks,
        rows,
        rounds: rounds.len(),
        label_width,
        n_width,
    };
    Planned {
        id: format!("{}-rounds", q.id),
        title: format!("{} — change between rounds", q.text),
        description,
        plan: Plan::Rounds(chart),
    }
}

fn round2(v: f64) -> String {
    crate::numbers::statistic(Some((v * 100.0).round() / 100.0))
}

/// The axis: a likert question's levels (scores 1 to k, labelled with the level names),
/// 0–100 % for probabilities, else the values' range with round ticks.
fn axis(q: &QuestionResult, values: &[f64]) -> (f64, f64, Vec<(f64, Label)>) {
    let tick = |v: f64, text: &str| (v, Label::fit(text, 11.0, false, 110.0, 2));
    match q.kind.as_str() {
        "likert" => {
            let levels: Vec<&str> = q
                .choices
                .iter()
                .filter(|c| !c.nonsubstantive)
                .map(|c| c.label.as_str())
                .collect();
            let k = levels.len().max(2) as f64;
            let ticks = levels
                .iter()
                .enumerate()
                .map(|(i, l)| tick(i as f64 + 1.0, l))
                .collect();
            (1.0, k, ticks)
        }
        "probability" => (
            0.0,
            100.0,
            (0..=4)
                .map(|i| tick(i as f64 * 25.0, &format!("{}%", i * 25)))
                .collect(),
        ),
        _ => {
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let (min, max) = if max > min {
                (min, max)
            } else {
                (min - 1.0, min + 1.0)
            };
            let raw = (max - min) / 4.0;
            let power = 10f64.powf(raw.log10().floor());
            let step = [1.0, 2.0, 5.0, 10.0]
                .iter()
                .map(|m| m * power)
                .find(|&s| s >= raw)
                .unwrap_or(10.0 * power);
            let (lo, hi) = ((min / step).floor() * step, (max / step).ceil() * step);
            let mut ticks = Vec::new();
            let mut v = lo;
            while v <= hi + step * 1e-9 {
                ticks.push(tick(v, &round2(v)));
                v += step;
            }
            (lo, hi, ticks)
        }
    }
}

/// Earlier rounds lighter, the last round the palette's dark end.
fn round_color(i: usize, rounds: usize) -> RGBColor {
    let t = if rounds < 2 {
        1.0
    } else {
        i as f64 / (rounds - 1) as f64
    };
    theme::mix(theme::mix(theme::HIGH, WHITE, 0.6), theme::HIGH, t)
}

impl RoundsChart {
    fn plot_x(&self) -> (f64, f64) {
        (
            PAD + self.label_width + 16.0 + 40.0,
            WIDTH - PAD - self.n_width - 16.0 - 40.0,
        )
    }

    fn x(&self, v: f64) -> f64 {
        let (left, right) = self.plot_x();
        left + ((v - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0) * (right - left)
    }

    fn top(&self) -> f64 {
        self.heading.height() + 6.0 + self.legend.height() + 10.0
    }

    /// Ticks whose labels fit beside the one before; the rest are left out.
    fn shown_ticks(&self) -> Vec<&(f64, Label)> {
        let mut right_end = f64::NEG_INFINITY;
        let mut shown = Vec::new();
        for tick in &self.ticks {
            let half = tick
                .1
                .lines
                .iter()
                .map(|l| theme::text_width(l, 11.0, false))
                .fold(0.0, f64::max)
                / 2.0;
            let x = self.x(tick.0);
            if x - half > right_end + 6.0 {
                right_end = x + half;
                shown.push(tick);
            }
        }
        shown
    }
}

impl Draw for RoundsChart {
    fn size(&self) -> (u32, u32) {
        let height = self.top() + self.rows.len() as f64 * ROW + AXIS_ROOM + PAD;
        (WIDTH as u32, height.ceil() as u32)
    }

    fn labels(&self) -> Vec<&Label> {
        let mut labels: Vec<&Label> = self.heading.labels().to_vec();
        labels.extend(self.legend.labels());
        labels.extend(self.ticks.iter().map(|(_, l)| l));
        labels.extend(self.rows.iter().map(|r| &r.label));
        labels
    }

    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        t: Theme,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        area.fill(&WHITE)?;
        let px = |v: f64| t.px(v);
        self.heading.draw(area, t)?;
        self.legend
            .draw(area, t, (PAD, self.heading.height() + 6.0))?;
        let top = self.top();
        let bottom = top + self.rows.len() as f64 * ROW;
        for (value, label) in self.shown_ticks() {
            let x = self.x(*value);
            area.draw(&PathElement::new(
                vec![(px(x), px(top)), (px(x), px(bottom))],
                theme::GRID.stroke_width(px(1.0).max(1) as u32),
            ))?;
            let style = t.text(11.0, false, theme::MUTED, HPos::Center, VPos::Top);
            label.draw(area, t, &style, (x, bottom + 4.0), 14.0)?;
        }
        let label_style = t.text(LABEL_SIZE, false, theme::TEXT, HPos::Right, VPos::Center);
        for (k, row) in self.rows.iter().enumerate() {
            let middle = top + k as f64 * ROW + ROW / 2.0;
            let first = middle - (row.label.lines.len() as f64 - 1.0) * 8.0;
            row.label
                .draw(area, t, &label_style, (PAD + self.label_width, first), 16.0)?;
            area.draw(&Text::new(
                row.n.clone(),
                (px(WIDTH - PAD - self.n_width), px(middle)),
                t.text(N_SIZE, false, theme::MUTED, HPos::Left, VPos::Center),
            ))?;
            let dots: Vec<(usize, f64)> = row
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (i, self.x(v))))
                .collect();
            if let (Some(&(_, from)), Some(&(_, to))) = (dots.first(), dots.last()) {
                if dots.len() >= 2 {
                    area.draw(&PathElement::new(
                        dots.iter()
                            .map(|&(_, x)| (px(x), px(middle)))
                            .collect::<Vec<_>>(),
                        theme::MUTED.stroke_width(px(1.5).max(1) as u32),
                    ))?;
                }
                // An arrowhead just before the last dot, pointing the way the group moved.
                if (to - from).abs() > 20.0 {
                    let dir = (to - from).signum();
                    let tip = to - dir * 6.0;
                    area.draw(&Polygon::new(
                        vec![
                            (px(tip), px(middle)),
                            (px(tip - dir * 7.0), px(middle - 4.0)),
                            (px(tip - dir * 7.0), px(middle + 4.0)),
                        ],
                        theme::MUTED.filled(),
                    ))?;
                }
            }
            for (i, x) in dots {
                area.draw(&Circle::new(
                    (px(x), px(middle)),
                    px(5.0),
                    round_color(i, self.rounds).filled(),
                ))?;
            }
        }
        Ok(())
    }
}
