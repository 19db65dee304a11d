//! Where respondents stand: one bar per level of the position question, coloured along
//! the diverging palette, with each count and share; below, one bar split by side.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::theme::{self, Heading, PAD, Theme};
use super::{Draw, Plan, Planned};
use crate::analyze::{ALL, Aggregates, OVERALL, SIDE};
use crate::numbers;

pub struct PositionChart {
    heading: Heading,
    /// (label, count, share, colour) per level, lowest first.
    levels: Vec<(String, u64, Option<f64>, RGBColor)>,
    /// (label, n, share, colour) per side group.
    sides: Vec<(String, u64, Option<f64>, RGBColor)>,
    label_width: f64,
}

const WIDTH: f64 = 760.0;
const ROW: f64 = 32.0;
const BAR: f64 = 20.0;
const VALUE_ROOM: f64 = 104.0;

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
    let levels = question
        .choices
        .iter()
        .zip(&overall.counts)
        .enumerate()
        .map(|(i, (choice, count))| {
            let neutral = sides
                .iter()
                .find(|s| s.levels.contains(&choice.code))
                .and_then(|s| centre(&s.levels))
                .is_some_and(|t| (t - 0.5).abs() < 1e-9);
            let color = theme::level_color(i, n_levels, neutral);
            (choice.label.clone(), count.count, count.share, color)
        })
        .collect::<Vec<_>>();
    let sides = sides
        .iter()
        .map(|s| (s.label.clone(), s.n, s.share, side_color(centre(&s.levels))))
        .collect();

    let mut subtitle = format!("{} respondents", a.panel.answered);
    if let Some(invited) = a.panel.invited {
        subtitle.push_str(&format!(" of {invited} invited"));
        if let Some(rate) = a.panel.response_rate {
            subtitle.push_str(&format!(" ({:.0}% responded)", rate * 100.0));
        }
    }
    let label_width = levels
        .iter()
        .map(|(label, ..)| theme::text_width(label, 14.0, false))
        .fold(0.0, f64::max)
        .min(WIDTH / 3.0);
    let description = format!(
        "{} {}: {}.",
        question.text,
        subtitle,
        levels
            .iter()
            .map(|(label, count, share, _)| format!(
                "{label} {}",
                numbers::count_and_share(*count, *share)
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let chart = PositionChart {
        heading: Heading::new(&question.text, subtitle, WIDTH),
        levels,
        sides,
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
            18.0 + 28.0 + 26.0
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
        let max = self.levels.iter().map(|l| l.1).max().unwrap_or(0).max(1) as f64;
        // A faint baseline, so that a level nobody chose still shows where its bar would be.
        area.draw(&PathElement::new(
            vec![
                (px(bar_x), px(y)),
                (px(bar_x), px(y + self.levels.len() as f64 * ROW)),
            ],
            theme::GRID.stroke_width(px(1.0).max(1) as u32),
        ))?;
        for (label, count, share, color) in &self.levels {
            let middle = y + ROW / 2.0;
            area.draw(&Text::new(
                label.clone(),
                (px(bar_x - 10.0), px(middle)),
                t.text(14.0, false, theme::TEXT, HPos::Right, VPos::Center),
            ))?;
            let end = bar_x + bar_room * (*count as f64) / max;
            if *count > 0 {
                area.draw(&Rectangle::new(
                    [
                        (px(bar_x), px(middle - BAR / 2.0)),
                        (px(end), px(middle + BAR / 2.0)),
                    ],
                    color.filled(),
                ))?;
            }
            area.draw(&Text::new(
                numbers::count_and_share(*count, *share),
                (px(end + 6.0), px(middle)),
                t.text(13.0, false, theme::TEXT, HPos::Left, VPos::Center),
            ))?;
            y += ROW;
        }
        if self.sides.is_empty() {
            return Ok(());
        }
        y += 18.0;
        area.draw(&Text::new(
            "By side",
            (px(PAD), px(y)),
            t.text(13.0, true, theme::TEXT, HPos::Left, VPos::Bottom),
        ))?;
        y += 6.0;
        let total: u64 = self.sides.iter().map(|s| s.1).sum();
        let mut x = PAD;
        let full = WIDTH - 2.0 * PAD;
        for (label, n, _, color) in &self.sides {
            let width = full * (*n as f64) / (total.max(1) as f64);
            area.draw(&Rectangle::new(
                [(px(x), px(y)), (px(x + width), px(y + 22.0))],
                color.filled(),
            ))?;
            let text = format!("{label} {n}");
            if theme::text_width(&text, 13.0, true) + 10.0 < width {
                area.draw(&Text::new(
                    text,
                    (px(x + width / 2.0), px(y + 11.0)),
                    t.text(
                        13.0,
                        true,
                        theme::text_on(*color),
                        HPos::Center,
                        VPos::Center,
                    ),
                ))?;
            }
            x += width;
        }
        y += 22.0 + 10.0;
        let legend: Vec<(RGBColor, String)> = self
            .sides
            .iter()
            .map(|(label, n, share, color)| {
                (
                    *color,
                    format!("{label}: {}", numbers::count_and_share(*n, *share)),
                )
            })
            .collect();
        theme::draw_legend(area, t, &legend, (PAD, y))?;
        Ok(())
    }
}
