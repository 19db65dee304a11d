//! Which choices each group picked: for a multiple-choice question (in the default
//! survey, the considerations), one row per choice and one column per side (or position
//! group, when the scale has no sides), shaded by share and tinted by the choice's
//! direction, with the count and share in every cell and each group's n in its header.
//! Choices with a direction are listed under "Argues against" and "Argues for" headings
//! (the tint repeats it, but the words do not depend on telling colours apart).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::theme::Label;
use super::theme::{self, Heading, PAD, Theme};
use super::{Draw, Plan, Planned};
use crate::analyze::{ALL, Aggregates, GroupResult, OVERALL, POSITION, QuestionResult, SIDE};
use crate::numbers;
use crate::survey::Direction;

pub struct Heatmap {
    heading: Heading,
    /// Column headers: (label, "n = …").
    columns: Vec<(Label, String)>,
    /// Rows in order; a direction heading starts each run of one direction.
    rows: Vec<Row>,
    width: f64,
    label_width: f64,
}

struct Row {
    label: Label,
    direction: Option<Direction>,
    /// Whether a heading naming the direction goes above this row.
    starts_direction: bool,
    /// (count, share) per column.
    cells: Vec<(u64, Option<f64>)>,
}

const COLUMN: f64 = 104.0;
const LABEL_SIZE: f64 = 13.0;
const LABEL_LINE: f64 = 17.0;
const MARKER: f64 = 16.0;
const HEADER: f64 = 50.0;
const DIRECTION_HEADING: f64 = 26.0;

pub(super) fn plan(a: &Aggregates, q: &QuestionResult) -> Option<Planned> {
    // Sides say most about how the two camps differ; without them, position groups.
    let grouping = a.grouping(SIDE).or_else(|| a.grouping(POSITION))?;
    let mut columns: Vec<(&str, &str, &str)> = vec![(OVERALL, ALL, "All")];
    columns.extend(
        grouping
            .groups
            .iter()
            .map(|g| (grouping.id.as_str(), g.key.as_str(), g.label.as_str())),
    );
    let results: Vec<&GroupResult> = columns
        .iter()
        .map(|(grouping, group, _)| q.result(grouping, group))
        .collect::<Option<_>>()?;
    Some(build(q, &columns, &results, &grouping.label))
}

fn direction_heading(direction: Option<Direction>) -> &'static str {
    match direction {
        Some(Direction::Against) => "Argues against",
        Some(Direction::For) => "Argues for",
        None => "No direction",
    }
}

fn build(
    q: &QuestionResult,
    columns: &[(&str, &str, &str)],
    results: &[&GroupResult],
    by: &str,
) -> Planned {
    let width = (760.0f64).max(PAD * 2.0 + 280.0 + MARKER + columns.len() as f64 * COLUMN);
    let label_width = width - 2.0 * PAD - MARKER - columns.len() as f64 * COLUMN - 10.0;
    let mut order: Vec<usize> = (0..q.choices.len()).collect();
    // Against first, then for, then undirected; within each, the most raised first.
    let rank = |d: Option<Direction>| match d {
        Some(Direction::Against) => 0,
        Some(Direction::For) => 1,
        None => 2,
    };
    order.sort_by_key(|&i| {
        (
            rank(q.choices[i].direction),
            std::cmp::Reverse(results[0].counts[i].count),
            i,
        )
    });
    let has_directions = q.choices.iter().any(|c| c.direction.is_some());
    let rows: Vec<Row> = order
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let direction = q.choices[i].direction;
            Row {
                label: Label::fit(&q.choices[i].label, LABEL_SIZE, false, label_width, 2),
                direction,
                starts_direction: has_directions
                    && (k == 0 || q.choices[order[k - 1]].direction != direction),
                cells: results
                    .iter()
                    .map(|r| (r.counts[i].count, r.counts[i].share))
                    .collect(),
            }
        })
        .collect();
    let column_headers = columns
        .iter()
        .zip(results)
        .map(|((_, _, label), r)| {
            (
                Label::fit(label, 13.0, true, COLUMN - 8.0, 2),
                format!("n = {}", r.answered),
            )
        })
        .collect();
    let top: Vec<String> = order
        .iter()
        .take(3)
        .map(|&i| format!("{} ({})", q.choices[i].label, results[0].counts[i].count))
        .collect();
    let mut description = format!(
        "{} — how many respondents in each group ({}) picked each of {} choices, out of n = {} who answered. Most picked overall: {}.",
        q.text,
        by.to_lowercase(),
        q.choices.len(),
        results[0].answered,
        top.join("; ")
    );
    if has_directions {
        let count = |d: Direction| q.choices.iter().filter(|c| c.direction == Some(d)).count();
        description.push_str(&format!(
            " {} of the choices argue against, {} for.",
            count(Direction::Against),
            count(Direction::For)
        ));
    }
    let chart = Heatmap {
        heading: Heading::new(
            &q.text,
            format!("{by} · count (share of those in the group who answered)"),
            width,
        ),
        columns: column_headers,
        rows,
        width,
        label_width,
    };
    Planned {
        id: q.id.clone(),
        title: format!("{} — {}", q.text, by.to_lowercase()),
        description,
        plan: Plan::Heatmap(chart),
    }
}

impl Heatmap {
    fn row_height(row: &Row) -> f64 {
        (row.label.height(LABEL_LINE) + 11.0).max(28.0)
            + if row.starts_direction {
                DIRECTION_HEADING
            } else {
                0.0
            }
    }
}

fn direction_color(direction: Option<Direction>) -> RGBColor {
    match direction {
        Some(Direction::For) => theme::HIGH,
        Some(Direction::Against) => theme::LOW,
        None => theme::MUTED,
    }
}

impl Draw for Heatmap {
    fn size(&self) -> (u32, u32) {
        let rows: f64 = self.rows.iter().map(Heatmap::row_height).sum();
        (
            self.width as u32,
            (self.heading.height() + HEADER + rows + PAD).ceil() as u32,
        )
    }

    fn labels(&self) -> Vec<&Label> {
        let mut labels: Vec<&Label> = self.heading.labels().to_vec();
        labels.extend(self.columns.iter().map(|(label, _)| label));
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
        let mut y = self.heading.height();
        let grid_x = PAD + MARKER + self.label_width + 10.0;
        for (c, (label, n)) in self.columns.iter().enumerate() {
            let centre = grid_x + (c as f64 + 0.5) * COLUMN;
            let style = t.text(13.0, true, theme::TEXT, HPos::Center, VPos::Top);
            label.draw(
                area,
                t,
                &style,
                (centre, y + HEADER - 18.0 - label.height(16.0)),
                16.0,
            )?;
            area.draw(&Text::new(
                n.clone(),
                (px(centre), px(y + HEADER - 4.0)),
                t.text(12.0, false, theme::MUTED, HPos::Center, VPos::Bottom),
            ))?;
        }
        y += HEADER;
        for row in &self.rows {
            let tint = direction_color(row.direction);
            if row.starts_direction {
                area.draw(&Text::new(
                    direction_heading(row.direction),
                    (px(PAD), px(y + DIRECTION_HEADING - 6.0)),
                    t.text(13.0, true, tint, HPos::Left, VPos::Bottom),
                ))?;
                y += DIRECTION_HEADING;
            }
            let height = (row.label.height(LABEL_LINE) + 11.0).max(28.0);
            let middle = y + height / 2.0;
            area.draw(&Rectangle::new(
                [
                    (px(PAD), px(middle - 5.0)),
                    (px(PAD + 10.0), px(middle + 5.0)),
                ],
                tint.filled(),
            ))?;
            let style = t.text(LABEL_SIZE, false, theme::TEXT, HPos::Left, VPos::Center);
            let first = middle - (row.label.lines.len() as f64 - 1.0) * LABEL_LINE / 2.0;
            row.label
                .draw(area, t, &style, (PAD + MARKER, first), LABEL_LINE)?;
            for (c, (count, share)) in row.cells.iter().enumerate() {
                let x0 = grid_x + c as f64 * COLUMN;
                let strength = share.unwrap_or(0.0);
                let fill = if *count == 0 {
                    RGBColor(0xf7, 0xf7, 0xf7)
                } else {
                    theme::mix(WHITE, tint, 0.15 + 0.85 * strength)
                };
                area.draw(&Rectangle::new(
                    [
                        (px(x0 + 1.0), px(y + 1.0)),
                        (px(x0 + COLUMN - 1.0), px(y + height - 1.0)),
                    ],
                    fill.filled(),
                ))?;
                let text = if *count == 0 {
                    "–".to_string()
                } else {
                    numbers::count_and_share(*count, *share)
                };
                let color = if *count == 0 {
                    theme::MUTED
                } else {
                    theme::text_on(fill)
                };
                area.draw(&Text::new(
                    text,
                    (px(x0 + COLUMN / 2.0), px(middle)),
                    t.text(13.0, false, color, HPos::Center, VPos::Center),
                ))?;
            }
            y += height;
        }
        Ok(())
    }
}
