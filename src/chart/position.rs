//! Where respondents stand: one bar per level of the position question, coloured along
//! the diverging palette, with each count and share; below, one bar per side with its
//! share and the share's Wilson interval (from the side groups of [`Aggregates`]).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::theme::{self, Heading, Label, PAD, Theme};
use super::{Draw, Plan, Planned};
use crate::analyze::{ALL, Aggregates, OVERALL, SIDE};
use crate::numbers;

pub struct PositionChart {
    heading: Heading,
    levels: Vec<Bar>,
    sides: Vec<Bar>,
    /// The interval's confidence, in words ("95%").
    confidence: String,
    label_width: f64,
}

/// One level or side: its label, count, share, the share's interval and its colour.
struct Bar {
    label: Label,
    count: u64,
    share: Option<f64>,
    interval: Option<(f64, f64)>,
    color: RGBColor,
}

const WIDTH: f64 = 760.0;
const ROW: f64 = 32.0;
const BAR: f64 = 20.0;
const VALUE_ROOM: f64 = 104.0;
/// Room right of the side bars for "4 (36%; 15–65%)".
const SIDE_VALUE_ROOM: f64 = 150.0;
const SIDES_TITLE: f64 = 40.0;

pub(super) fn plan(a: &Aggregates) -> Option<Planned> {
    let question = a.question(&a.survey.position)?;
    let overall = question.result(OVERALL, ALL)?;
    let n_levels = question.choices.len();
    let sides = a.grouping(SIDE).map(|g| g.groups.as_slice()).unwrap_or(&[]);
    // A level is drawn grey when it lies in a side centred on the middle of the scale.
    let centre = |levels: &[String]| {
        let first = question
            .choices
            .iter()
            .position(|c| Some(&c.code) == levels.first())?;
        let last = question
            .choices
            .iter()
            .position(|c| Some(&c.code) == levels.last())?;
        Some((first + last) as f64 / 2.0 / (n_levels.max(2) - 1) as f64)
    };
    let side_color = |t: Option<f64>| match t {
        Some(t) if (t - 0.5).abs() < 1e-9 => theme::NEUTRAL,
        Some(t) if t < 0.5 => theme::LOW,
        _ => theme::HIGH,
    };
    let label_width = question
        .choices
        .iter()
        .map(|c| theme::text_width(&c.label, 14.0, false))
        .chain(
            sides
                .iter()
                .map(|s| theme::text_width(&s.label, 14.0, false)),
        )
        .fold(0.0, f64::max)
        .min(WIDTH / 3.0);
    let levels: Vec<Bar> = question
        .choices
        .iter()
        .zip(&overall.counts)
        .enumerate()
        .map(|(i, (choice, count))| {
            let neutral = choice.neutral
                || sides
                    .iter()
                    .find(|s| s.levels.contains(&choice.code))
                    .and_then(|s| centre(&s.levels))
                    .is_some_and(|t| (t - 0.5).abs() < 1e-9);
            Bar {
                label: Label::fit(&choice.label, 14.0, false, label_width, 1),
                count: count.count,
                share: count.share,
                interval: count.interval.map(|i| (i.low, i.high)),
                color: theme::level_color(i, n_levels, neutral),
            }
        })
        .collect();
    let sides: Vec<Bar> = sides
        .iter()
        .map(|s| Bar {
            label: Label::fit(&s.label, 14.0, false, label_width, 1),
            count: s.n,
            share: s.share,
            interval: s.interval.map(|i| (i.low, i.high)),
            color: side_color(centre(&s.levels)),
        })
        .collect();

    let mut subtitle = format!("n = {} respondents", a.panel.answered);
    if let Some(invited) = a.panel.invited {
        subtitle.push_str(&format!(" of {invited} invited"));
        if let Some(rate) = a.panel.response_rate {
            subtitle.push_str(&format!(" ({:.0}% responded)", rate * 100.0));
        }
    }
    let confidence = format!("{:.0}%", a.options.confidence * 100.0);
    let mut description = format!(
        "{} {}: {}.",
        question.text,
        subtitle,
        levels
            .iter()
            .map(|b| format!(
                "{} {}",
                b.label.full,
                numbers::count_and_share(b.count, b.share)
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !sides.is_empty() {
        description.push_str(&format!(
            " By side, with {confidence} intervals: {}.",
            sides
                .iter()
                .map(|b| format!(
                    "{} {}",
                    b.label.full,
                    numbers::count_share_interval(b.count, b.share, b.interval)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let chart = PositionChart {
        heading: Heading::new(&question.text, subtitle, WIDTH),
        levels,
        sides,
        confidence,
        label_width,
    };
    Some(Planned {
        id: a.survey.position.clone(),
        title: format!("Where respondents stand: {}", question.text),
        description,
        plan: Plan::Position(chart),
    })
}

impl PositionChart {
    fn sides_height(&self) -> f64 {
        if self.sides.is_empty() {
            0.0
        } else {
            SIDES_TITLE + self.sides.len() as f64 * ROW
        }
    }
}

impl Draw for PositionChart {
    fn size(&self) -> (u32, u32) {
        let height = self.heading.height()
            + 12.0
            + self.levels.len() as f64 * ROW
            + self.sides_height()
            + PAD;
        (WIDTH as u32, height.ceil() as u32)
    }

    fn labels(&self) -> Vec<&Label> {
        let mut labels: Vec<&Label> = self.heading.labels().to_vec();
        labels.extend(self.levels.iter().chain(&self.sides).map(|b| &b.label));
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
        let mut y = self.heading.height() + 12.0;

        let bar_x = PAD + self.label_width + 10.0;
        let bar_room = WIDTH - PAD - bar_x - VALUE_ROOM;
        let max = self
            .levels
            .iter()
            .map(|l| l.count)
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        // A faint baseline, so that a level nobody chose still shows where its bar would be.
        area.draw(&PathElement::new(
            vec![
                (px(bar_x), px(y)),
                (px(bar_x), px(y + self.levels.len() as f64 * ROW)),
            ],
            theme::GRID.stroke_width(px(1.0).max(1) as u32),
        ))?;
        let label_style = t.text(14.0, false, theme::TEXT, HPos::Right, VPos::Center);
        for level in &self.levels {
            let middle = y + ROW / 2.0;
            level
                .label
                .draw(area, t, &label_style, (bar_x - 10.0, middle), ROW)?;
            let end = bar_x + bar_room * (level.count as f64) / max;
            if level.count > 0 {
                area.draw(&Rectangle::new(
                    [
                        (px(bar_x), px(middle - BAR / 2.0)),
                        (px(end), px(middle + BAR / 2.0)),
                    ],
                    level.color.filled(),
                ))?;
            }
            area.draw(&Text::new(
                numbers::count_and_share(level.count, level.share),
                (px(end + 6.0), px(middle)),
                t.text(13.0, false, theme::TEXT, HPos::Left, VPos::Center),
            ))?;
            y += ROW;
        }
        if self.sides.is_empty() {
            return Ok(());
        }
        y += SIDES_TITLE - 10.0;
        area.draw(&Text::new(
            format!(
                "By side: share of respondents, with its {} interval",
                self.confidence
            ),
            (px(PAD), px(y)),
            t.text(13.0, true, theme::TEXT, HPos::Left, VPos::Bottom),
        ))?;
        y += 10.0;
        // Sides are drawn on a 0–100% scale, so that the interval reads as a share.
        let room = WIDTH - PAD - bar_x - SIDE_VALUE_ROOM;
        let at = |share: f64| bar_x + room * share.clamp(0.0, 1.0);
        area.draw(&PathElement::new(
            vec![
                (px(bar_x), px(y)),
                (px(bar_x), px(y + self.sides.len() as f64 * ROW)),
            ],
            theme::GRID.stroke_width(px(1.0).max(1) as u32),
        ))?;
        for side in &self.sides {
            let middle = y + ROW / 2.0;
            side.label
                .draw(area, t, &label_style, (bar_x - 10.0, middle), ROW)?;
            let share = side.share.unwrap_or(0.0);
            if share > 0.0 {
                area.draw(&Rectangle::new(
                    [
                        (px(bar_x), px(middle - BAR / 2.0)),
                        (px(at(share)), px(middle + BAR / 2.0)),
                    ],
                    side.color.filled(),
                ))?;
            }
            let mut text_x = at(share);
            if let Some((low, high)) = side.interval {
                theme::draw_interval(area, t, (at(low), at(high)), middle, BAR)?;
                text_x = text_x.max(at(high));
            }
            area.draw(&Text::new(
                numbers::count_share_interval(side.count, side.share, side.interval),
                (px(text_x + 6.0), px(middle)),
                t.text(13.0, false, theme::TEXT, HPos::Left, VPos::Center),
            ))?;
            y += ROW;
        }
        Ok(())
    }
}
