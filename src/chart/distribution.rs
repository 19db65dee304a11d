//! Numeric, probability and year answers by group, as forecasting tournaments report
//! them: one strip per group (everyone first, then the position groups), every answer a
//! point, a box from the lower to the upper quartile with a line at the median and no
//! whiskers, and under the points the pooled estimates with their intervals: for
//! probabilities the geometric mean of odds and the mean, for other numbers the median
//! with its bootstrap interval. Each strip says its n and median.
//!
//! The answers come from [`GroupResult::answers`](crate::analyze::GroupResult): a group
//! small enough lists them all, and they are jittered vertically by their rank (never at
//! random, so the same answers give the same picture); a larger group has a histogram,
//! drawn as columns in its strip.
//!
//! The axis: **probabilities** use a logit axis (odds on a log scale, ticks 0.1 %, 1 %,
//! 10 %, 50 %, 90 %, 99 %, 99.9 %) when at least a tenth of the answers lie below 5 % or
//! above 95 % and the answers' odds span at least a factor of 100 (two orders of
//! magnitude), since a linear axis would then crowd the answers near 0 or 1 into one
//! point; one stray answer near 0 or 1 does not change the axis of all the rest. Answers
//! of 0 % and 100 % are drawn at the logit axis's ends (0.1 % and 99.9 %). Otherwise
//! probabilities use a linear 0–100 % axis. **Numbers** use a log axis when every answer is positive and the largest is at
//! least 100 times the smallest; otherwise, like **years**, a linear axis over the
//! answers' range.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::theme::{self, Heading, Label, Legend, PAD, Theme};
use super::{Draw, Plan, Planned};
use crate::analyze::{
    ALL, Aggregates, Answers, GroupResult, Interval, OVERALL, POSITION, QuestionResult,
};
use crate::numbers;

pub struct Distribution {
    heading: Heading,
    legend: Legend,
    axis: Axis,
    /// What the values are, e.g. "%" or "hours", for tick labels.
    unit: Option<String>,
    strips: Vec<Strip>,
    label_width: f64,
    n_width: f64,
}

struct Strip {
    label: Label,
    /// "n = 40 · median 12%".
    n: String,
    answers: Option<Answers>,
    /// Quartiles and median, in the question's units.
    q1: f64,
    median: f64,
    q3: f64,
    /// Marks under the points: (value, interval, kind).
    estimates: Vec<Estimate>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mark {
    GeometricMeanOfOdds,
    Mean,
    Median,
}

struct Estimate {
    value: f64,
    interval: Option<Interval>,
    mark: Mark,
}

/// How values map onto the axis.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Axis {
    /// From `lo` to `hi`, in the question's units.
    Linear { lo: f64, hi: f64 },
    /// log10 from `lo` to `hi` (both positive).
    Log { lo: f64, hi: f64 },
    /// Probabilities in percent, on logit from `lo` to `hi` (strictly inside 0–100).
    Logit { lo: f64, hi: f64 },
}

const WIDTH: f64 = 760.0;
const STRIP: f64 = 56.0;
const LABEL_SIZE: f64 = 13.0;
const LABEL_LINE: f64 = 16.0;
const N_SIZE: f64 = 12.0;
const AXIS_ROOM: f64 = 26.0;
/// Where a logit axis ends: answers of 0 % and 100 % are drawn here.
const LOGIT_END: f64 = 0.1;
const LOGIT_TICKS: [f64; 7] = [0.1, 1.0, 10.0, 50.0, 90.0, 99.0, 99.9];

pub(super) fn plan(a: &Aggregates, q: &QuestionResult) -> Option<Planned> {
    let probability = q.kind == "probability";
    let mut results: Vec<(&str, &GroupResult)> = vec![("Everyone", q.result(OVERALL, ALL)?)];
    if let Some(grouping) = a.grouping(POSITION) {
        results.extend(
            grouping
                .groups
                .iter()
                .filter_map(|g| Some((g.label.as_str(), q.result(POSITION, &g.key)?))),
        );
    }
    // A group nobody in answered has no summary and no strip.
    results.retain(|(_, r)| r.summary.is_some());
    if results.is_empty() {
        return None;
    }
    let unit = q.unit.clone();
    let value = |v: f64| format_value(v, unit.as_deref());
    let label_width = results
        .iter()
        .map(|(label, _)| theme::text_width(label, LABEL_SIZE, false))
        .fold(0.0, f64::max)
        .min(WIDTH * 0.25);
    let strips: Vec<Strip> = results
        .iter()
        .filter_map(|(label, r)| {
            let s = r.summary.as_ref()?;
            let mut estimates = Vec::new();
            match &r.pooled {
                Some(p) if probability => {
                    let percent = |i: &Interval| Interval {
                        low: i.low * 100.0,
                        high: i.high * 100.0,
                    };
                    estimates.push(Estimate {
                        value: p.pooled.geometric_mean_of_odds * 100.0,
                        interval: p.geometric_mean_of_odds_interval.as_ref().map(percent),
                        mark: Mark::GeometricMeanOfOdds,
                    });
                    estimates.push(Estimate {
                        value: p.pooled.mean * 100.0,
                        interval: p.mean_interval.as_ref().map(percent),
                        mark: Mark::Mean,
                    });
                }
                _ => estimates.push(Estimate {
                    value: s.median,
                    interval: s.median_interval,
                    mark: Mark::Median,
                }),
            }
            Some(Strip {
                label: Label::fit(label, LABEL_SIZE, false, label_width, 2),
                n: format!("n = {} · median {}", s.n, value(s.median)),
                answers: r.answers.clone(),
                q1: s.q1,
                median: s.median,
                q3: s.q3,
                estimates,
            })
        })
        .collect();
    let n_width = strips
        .iter()
        .map(|s| theme::text_width(&s.n, N_SIZE, false))
        .fold(0.0, f64::max);
    let axis = choose_axis(&strips, probability);

    let mut legend = vec![
        (
            theme::mix(theme::HIGH, WHITE, 0.45),
            "an answer".to_string(),
        ),
        (
            theme::BOX,
            "middle half of the answers, line at the median".to_string(),
        ),
    ];
    let confidence = format!("{:.0}%", a.options.confidence * 100.0);
    if probability {
        legend.push((
            mark_color(Mark::GeometricMeanOfOdds),
            format!("geometric mean of odds ({confidence} interval)"),
        ));
        legend.push((
            mark_color(Mark::Mean),
            format!("mean ({confidence} interval)"),
        ));
    } else {
        legend.push((
            mark_color(Mark::Median),
            format!("median ({confidence} interval)"),
        ));
    }
    let overall = &strips[0];
    let axis_words = match axis {
        Axis::Linear { .. } => "linear axis",
        Axis::Log { .. } => "log axis",
        Axis::Logit { .. } => "logit axis (odds on a log scale)",
    };
    let n = results[0].1.summary.as_ref().map_or(0, |s| s.n);
    let subtitle = format!(
        "n = {n} answered · every answer a point, by position group · {axis_words}{}",
        unit.as_deref()
            .filter(|u| *u != "%")
            .map(|u| format!(" · {u}"))
            .unwrap_or_default()
    );
    let mut description = format!(
        "{} — every answer by group on a {axis_words}; n = {n} answered. Everyone: median {}, middle half {} to {}",
        q.text,
        value(overall.median),
        value(overall.q1),
        value(overall.q3)
    );
    for e in &overall.estimates {
        if e.mark != Mark::Median {
            description.push_str(&format!(
                "; {} {}{}",
                mark_words(e.mark),
                value(e.value),
                e.interval
                    .map(|i| format!(" ({} to {})", value(i.low), value(i.high)))
                    .unwrap_or_default()
            ));
        }
    }
    description.push('.');
    for strip in &strips[1..] {
        description.push_str(&format!(" {}: {}.", strip.label.full, strip.n));
    }
    let chart = Distribution {
        heading: Heading::new(&q.text, subtitle, WIDTH),
        legend: Legend::new(&legend, WIDTH - 2.0 * PAD),
        axis,
        unit,
        strips,
        label_width,
        n_width,
    };
    Some(Planned {
        id: q.id.clone(),
        title: format!("{} — every answer, by group", q.text),
        description,
        plan: Plan::Distribution(chart),
    })
}

fn mark_words(mark: Mark) -> &'static str {
    match mark {
        Mark::GeometricMeanOfOdds => "geometric mean of odds",
        Mark::Mean => "mean",
        Mark::Median => "median",
    }
}

fn mark_color(mark: Mark) -> RGBColor {
    match mark {
        Mark::GeometricMeanOfOdds | Mark::Median => theme::HIGH,
        Mark::Mean => theme::LOW,
    }
}

/// A value for people: `12%` for probabilities, else the number (the unit is in the
/// subtitle).
fn format_value(v: f64, unit: Option<&str>) -> String {
    let rounded = if v.abs() >= 10.0 {
        v.round()
    } else if v.abs() >= 1.0 {
        (v * 10.0).round() / 10.0
    } else {
        (v * 100.0).round() / 100.0
    };
    match unit {
        Some("%") => format!("{}%", numbers::statistic(Some(rounded))),
        _ => numbers::statistic(Some(rounded)),
    }
}

/// Every value a strip shows: answers (or the ends of non-empty bins), quartiles and
/// estimates with their intervals.
fn extent(strips: &[Strip]) -> Vec<f64> {
    let mut values = Vec::new();
    for s in strips {
        match &s.answers {
            Some(Answers::Values(v)) => values.extend(v),
            Some(Answers::Bins(bins)) => values.extend(
                bins.iter()
                    .filter(|b| b.count > 0)
                    .flat_map(|b| [b.low, b.high]),
            ),
            None => {}
        }
        values.extend([s.q1, s.median, s.q3]);
        for e in &s.estimates {
            values.push(e.value);
            values.extend(e.interval.iter().flat_map(|i| [i.low, i.high]));
        }
    }
    values.retain(|v| v.is_finite());
    values
}

/// How many of the answers drawn satisfy `test` (a bin counts when its middle does), and
/// how many answers there are.
fn answer_counts(strips: &[Strip], test: impl Fn(f64) -> bool) -> (u64, u64) {
    let (mut hits, mut all) = (0, 0);
    for s in strips {
        match &s.answers {
            Some(Answers::Values(values)) => {
                hits += values.iter().filter(|&&v| test(v)).count() as u64;
                all += values.len() as u64;
            }
            Some(Answers::Bins(bins)) => {
                for b in bins {
                    if test((b.low + b.high) / 2.0) {
                        hits += b.count;
                    }
                    all += b.count;
                }
            }
            None => {}
        }
    }
    (hits, all)
}

/// The axis rule of the module documentation.
fn choose_axis(strips: &[Strip], probability: bool) -> Axis {
    let values = extent(strips);
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !min.is_finite() {
        return Axis::Linear { lo: 0.0, hi: 1.0 };
    }
    if probability {
        let clamp = |p: f64| p.clamp(LOGIT_END, 100.0 - LOGIT_END);
        let odds = |p: f64| clamp(p) / (100.0 - clamp(p));
        let (extreme, all) = answer_counts(strips, |v| !(5.0..=95.0).contains(&v));
        let extreme = extreme * 10 >= all && all > 0;
        if extreme && odds(max) / odds(min) >= 100.0 {
            let lo = LOGIT_TICKS
                .iter()
                .rev()
                .copied()
                .find(|&t| t <= clamp(min))
                .unwrap_or(LOGIT_END);
            let hi = LOGIT_TICKS
                .iter()
                .copied()
                .find(|&t| t >= clamp(max))
                .unwrap_or(100.0 - LOGIT_END);
            return Axis::Logit { lo, hi };
        }
        return Axis::Linear { lo: 0.0, hi: 100.0 };
    }
    if min > 0.0 && max / min >= 100.0 {
        return Axis::Log {
            lo: 10f64.powf(min.log10().floor()),
            hi: 10f64.powf(max.log10().ceil()),
        };
    }
    let (lo, hi) = if max > min {
        (min, max)
    } else {
        (min - 1.0, max + 1.0)
    };
    let step = nice_step((hi - lo) / 5.0);
    Axis::Linear {
        lo: (lo / step).floor() * step,
        hi: (hi / step).ceil() * step,
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * power)
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(LOGIT_END, 100.0 - LOGIT_END) / 100.0;
    (p / (1.0 - p)).ln()
}

impl Axis {
    /// Where `v` lies, 0 at the left end and 1 at the right (clamped).
    fn position(self, v: f64) -> f64 {
        let t = match self {
            Axis::Linear { lo, hi } => (v - lo) / (hi - lo),
            Axis::Log { lo, hi } => (v.max(lo).log10() - lo.log10()) / (hi.log10() - lo.log10()),
            Axis::Logit { lo, hi } => (logit(v) - logit(lo)) / (logit(hi) - logit(lo)),
        };
        t.clamp(0.0, 1.0)
    }

    /// The tick values, before dropping those whose labels would collide.
    fn ticks(self) -> Vec<f64> {
        match self {
            Axis::Linear { lo, hi } => {
                let step = nice_step((hi - lo) / 5.0);
                let mut ticks = Vec::new();
                let mut k = (lo / step).ceil();
                while k * step <= hi + step * 1e-9 {
                    ticks.push(k * step);
                    k += 1.0;
                }
                ticks
            }
            Axis::Log { lo, hi } => {
                let mut ticks = Vec::new();
                let mut decade = lo;
                while decade <= hi * (1.0 + 1e-9) {
                    ticks.push(decade);
                    decade *= 10.0;
                }
                ticks
            }
            Axis::Logit { lo, hi } => LOGIT_TICKS
                .iter()
                .copied()
                .filter(|&t| t >= lo - 1e-9 && t <= hi + 1e-9)
                .collect(),
        }
    }
}

impl Distribution {
    fn plot_x(&self) -> (f64, f64) {
        (
            PAD + self.label_width + 16.0,
            WIDTH - PAD - self.n_width - 28.0,
        )
    }

    fn x(&self, v: f64) -> f64 {
        let (left, right) = self.plot_x();
        left + self.axis.position(v) * (right - left)
    }

    fn strips_top(&self) -> f64 {
        self.heading.height() + 6.0 + self.legend.height() + 10.0
    }

    /// Tick values with their labels, left to right, leaving out any whose label would
    /// touch the one before it.
    fn tick_labels(&self) -> Vec<(f64, String)> {
        let mut kept: Vec<(f64, String)> = Vec::new();
        let mut right_end = f64::NEG_INFINITY;
        for tick in self.axis.ticks() {
            let text = format_value(tick, self.unit.as_deref());
            let half = theme::text_width(&text, 11.0, false) / 2.0;
            let x = self.x(tick);
            if x - half > right_end + 6.0 {
                right_end = x + half;
                kept.push((tick, text));
            }
        }
        kept
    }
}

/// A vertical offset in [-0.5, 0.5) for the answer of rank `i`: the fractional part of
/// `i` times the golden ratio, which spreads any number of ranks evenly and always the
/// same way.
fn jitter(i: usize) -> f64 {
    (i as f64 * 0.618_033_988_749_895).fract() - 0.5
}

impl Draw for Distribution {
    fn size(&self) -> (u32, u32) {
        let height = self.strips_top() + self.strips.len() as f64 * STRIP + AXIS_ROOM + PAD;
        (WIDTH as u32, height.ceil() as u32)
    }

    fn labels(&self) -> Vec<&Label> {
        let mut labels: Vec<&Label> = self.heading.labels().to_vec();
        labels.extend(self.legend.labels());
        labels.extend(self.strips.iter().map(|s| &s.label));
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
        let top = self.strips_top();
        let bottom = top + self.strips.len() as f64 * STRIP;
        let (_, right) = self.plot_x();
        let ticks = self.tick_labels();
        for (tick, text) in &ticks {
            let x = self.x(*tick);
            area.draw(&PathElement::new(
                vec![(px(x), px(top)), (px(x), px(bottom))],
                theme::GRID.stroke_width(px(1.0).max(1) as u32),
            ))?;
            area.draw(&Text::new(
                text.clone(),
                (px(x), px(bottom + 4.0)),
                t.text(11.0, false, theme::MUTED, HPos::Center, VPos::Top),
            ))?;
        }
        let label_style = t.text(LABEL_SIZE, false, theme::TEXT, HPos::Right, VPos::Center);
        let n_style = t.text(N_SIZE, false, theme::MUTED, HPos::Left, VPos::Center);
        let point_color = theme::HIGH.mix(0.45);
        for (k, strip) in self.strips.iter().enumerate() {
            let y0 = top + k as f64 * STRIP;
            // The points and the box share the upper part; the estimates sit below.
            let centre = y0 + 20.0;
            let estimates_y = y0 + 40.0;
            if k > 0 {
                area.draw(&PathElement::new(
                    vec![(px(PAD), px(y0)), (px(WIDTH - PAD), px(y0))],
                    theme::GRID.stroke_width(px(1.0).max(1) as u32),
                ))?;
            }
            let first =
                y0 + STRIP / 2.0 - (strip.label.lines.len() as f64 - 1.0) * LABEL_LINE / 2.0;
            strip.label.draw(
                area,
                t,
                &label_style,
                (PAD + self.label_width, first),
                LABEL_LINE,
            )?;
            area.draw(&Text::new(
                strip.n.clone(),
                (px(right + 28.0), px(y0 + STRIP / 2.0)),
                n_style.clone(),
            ))?;
            // The box: the middle half of the answers, and the median.
            let (b0, b1) = (self.x(strip.q1), self.x(strip.q3));
            area.draw(&Rectangle::new(
                [
                    (px(b0), px(centre - 13.0)),
                    (px(b1.max(b0 + 1.0)), px(centre + 13.0)),
                ],
                theme::BOX.filled(),
            ))?;
            let m = self.x(strip.median);
            area.draw(&PathElement::new(
                vec![(px(m), px(centre - 15.0)), (px(m), px(centre + 15.0))],
                theme::TEXT.stroke_width(px(2.0).max(1) as u32),
            ))?;
            match &strip.answers {
                Some(Answers::Values(values)) => {
                    let radius = if values.len() > 200 { 2.0 } else { 3.0 };
                    for (i, v) in values.iter().enumerate() {
                        let y = centre + jitter(i) * 22.0;
                        area.draw(&Circle::new(
                            (px(self.x(*v)), px(y)),
                            px(radius).max(1),
                            point_color.filled(),
                        ))?;
                    }
                }
                Some(Answers::Bins(bins)) => {
                    let most = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
                    for b in bins.iter().filter(|b| b.count > 0) {
                        let half = 12.0 * b.count as f64 / most;
                        area.draw(&Rectangle::new(
                            [
                                (px(self.x(b.low)), px(centre - half)),
                                (px(self.x(b.high)), px(centre + half)),
                            ],
                            point_color.filled(),
                        ))?;
                    }
                }
                None => {}
            }
            for (j, e) in strip.estimates.iter().enumerate() {
                let y = estimates_y + j as f64 * 8.0 - (strip.estimates.len() as f64 - 1.0) * 4.0;
                let color = mark_color(e.mark);
                if let Some(i) = e.interval {
                    area.draw(&PathElement::new(
                        vec![(px(self.x(i.low)), px(y)), (px(self.x(i.high)), px(y))],
                        color.stroke_width(px(2.0).max(1) as u32),
                    ))?;
                }
                let x = self.x(e.value);
                let r = 4.0;
                let shape = match e.mark {
                    Mark::Mean => vec![
                        (px(x), px(y - r)),
                        (px(x + r), px(y + r)),
                        (px(x - r), px(y + r)),
                    ],
                    _ => vec![
                        (px(x), px(y - r)),
                        (px(x + r), px(y)),
                        (px(x), px(y + r)),
                        (px(x - r), px(y)),
                    ],
                };
                area.draw(&Polygon::new(shape, color.filled()))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(values: Vec<f64>) -> Strip {
        let (q1, median, q3) = (
            values[0],
            values[values.len() / 2],
            values[values.len() - 1],
        );
        Strip {
            label: Label::fit("All", 13.0, false, 100.0, 1),
            n: String::new(),
            answers: Some(Answers::Values(values)),
            q1,
            median,
            q3,
            estimates: Vec::new(),
        }
    }

    #[test]
    fn probabilities_near_zero_spanning_orders_of_magnitude_get_a_logit_axis() {
        let near_zero = [strip(vec![0.1, 0.5, 2.0, 30.0])];
        // One stray answer at 0 among many ordinary ones does not make it logit.
        let mut ordinary: Vec<f64> = (0..30).map(|i| 10.0 + 2.0 * f64::from(i)).collect();
        ordinary.insert(0, 0.0);
        assert!(matches!(
            choose_axis(&[strip(ordinary)], true),
            Axis::Linear { .. }
        ));
        assert_eq!(
            choose_axis(&near_zero, true),
            Axis::Logit { lo: 0.1, hi: 50.0 }
        );
        let middling = [strip(vec![20.0, 40.0, 70.0])];
        assert_eq!(
            choose_axis(&middling, true),
            Axis::Linear { lo: 0.0, hi: 100.0 }
        );
        // Near 0 but within one order of magnitude: linear still reads well.
        let narrow = [strip(vec![2.0, 3.0, 8.0])];
        assert!(matches!(choose_axis(&narrow, true), Axis::Linear { .. }));
    }

    #[test]
    fn numbers_spanning_two_orders_of_magnitude_get_a_log_axis() {
        let wide = [strip(vec![0.5, 3.0, 400.0])];
        assert_eq!(
            choose_axis(&wide, false),
            Axis::Log {
                lo: 0.1,
                hi: 1000.0
            }
        );
        let years = [strip(vec![2027.0, 2031.0, 2045.0])];
        let axis = choose_axis(&years, false);
        assert_eq!(
            axis,
            Axis::Linear {
                lo: 2025.0,
                hi: 2045.0
            }
        );
        assert_eq!(axis.ticks(), [2025.0, 2030.0, 2035.0, 2040.0, 2045.0]);
        assert_eq!(axis.position(2035.0), 0.5);
    }

    #[test]
    fn jitter_is_fixed_by_rank_and_spread() {
        let offsets: Vec<f64> = (0..50).map(jitter).collect();
        assert_eq!(offsets, (0..50).map(jitter).collect::<Vec<_>>());
        assert!(offsets.iter().all(|o| (-0.5..0.5).contains(o)));
        assert!(offsets.iter().any(|&o| o < -0.3) && offsets.iter().any(|&o| o > 0.3));
    }
}
