//! Diverging stacked bars for likert and matrix questions, as R's likert and ggstats draw
//! them: each bar holds the shares of the ordered levels, left to right, placed so that
//! the neutral level is split at zero (the levels below it to the left, those above to the
//! right). The neutral level is the one the scale declares; without one, the middle level
//! of an odd scale; an even scale without one splits between its two middle levels.
//!
//! A likert question has one panel whose rows are the groups: everyone first, then the
//! position groups. A matrix question has one panel per position group (everyone first)
//! whose rows are the matrix rows. Rows are sorted by agreement, the share on the right of
//! zero (largest first; matrix rows in every panel in the order of the first panel, so that
//! panels line up). Every bar says its n; non-substantive answers ("don't know") are not in
//! the bars, and how many there were is said beside the n. Only published groups exist in
//! [`Aggregates`], so a withheld group can never appear.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::theme::{self, Heading, Label, Legend, PAD, Theme};
use super::{Draw, Plan, Planned};
use crate::analyze::{ALL, Aggregates, ChoiceCount, OVERALL, POSITION, QuestionResult};
use crate::numbers;

pub struct Diverging {
    heading: Heading,
    legend: Legend,
    panels: Vec<Panel>,
    /// How far the axis reaches on each side of zero, as a share.
    reach: f64,
    label_width: f64,
    n_width: f64,
    /// The height of a row and of its bar.
    row: f64,
    bar: f64,
}

struct Panel {
    /// The group (matrix questions); `None` for a likert question's single panel.
    title: Option<Label>,
    rows: Vec<BarRow>,
}

struct BarRow {
    label: Label,
    /// "n = 120 · 8 don't know".
    n: String,
    /// Per ordered level: where it starts and ends (shares, left of zero negative), its
    /// share and colour.
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq)]
struct Segment {
    start: f64,
    end: f64,
    share: f64,
    color: RGBColor,
}

const WIDTH: f64 = 760.0;
const ROW: f64 = 28.0;
const BAR: f64 = 20.0;
/// A matrix repeats its rows in every panel: one line per label (shortened, the full
/// text in its title) and thinner bars keep the chart within a few screens.
const MATRIX_ROW: f64 = 22.0;
const MATRIX_BAR: f64 = 16.0;
const LABEL_SIZE: f64 = 13.0;
const LABEL_LINE: f64 = 16.0;
const PANEL_TITLE: f64 = 26.0;
const AXIS: f64 = 24.0;
const N_SIZE: f64 = 12.0;

/// The data of one bar: a label, the counts over every level (ordered and
/// non-substantive), the base and the non-substantive count.
struct Source<'a> {
    label: &'a str,
    counts: &'a [ChoiceCount],
    base: u64,
    nonsubstantive: u64,
}

pub(super) fn plan(a: &Aggregates, q: &QuestionResult) -> Option<Planned> {
    let overall = q.result(OVERALL, ALL)?;
    let groups: Vec<(&str, &str)> = a
        .grouping(POSITION)
        .map(|g| {
            g.groups
                .iter()
                .map(|group| (group.key.as_str(), group.label.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let ordered: Vec<usize> = (0..q.choices.len())
        .filter(|&i| !q.choices[i].nonsubstantive)
        .collect();
    if ordered.is_empty() {
        return None;
    }
    let neutral = neutral_level(q, &ordered);
    let colors: Vec<RGBColor> = ordered
        .iter()
        .enumerate()
        .map(|(k, _)| theme::level_color(k, ordered.len(), Some(k) == neutral))
        .collect();
    let width = WIDTH;
    let matrix = q.kind == "matrix";
    let label_lines = if matrix { 1 } else { 2 };
    let bar = |s: &Source<'_>, label_width: f64| BarRow {
        label: Label::fit(s.label, LABEL_SIZE, false, label_width, label_lines),
        n: n_text(s.base, s.nonsubstantive),
        segments: segments(
            &ordered
                .iter()
                .map(|&i| s.counts.get(i).and_then(|c| c.share))
                .collect::<Vec<_>>(),
            neutral,
            &colors,
        ),
    };

    // The sources of every panel, before the label width is known.
    let mut panels: Vec<(Option<&str>, Vec<Source<'_>>)> = Vec::new();
    if q.kind == "matrix" {
        let mut columns: Vec<(&str, &str, &str)> = vec![(OVERALL, ALL, "Everyone")];
        columns.extend(groups.iter().map(|(key, label)| (POSITION, *key, *label)));
        for (grouping, key, label) in columns {
            let Some(result) = q.result(grouping, key) else {
                continue;
            };
            let rows = q
                .rows
                .iter()
                .zip(&result.rows)
                .map(|(row, r)| Source {
                    label: &row.label,
                    counts: &r.counts,
                    base: r.base,
                    nonsubstantive: r.nonsubstantive,
                })
                .collect();
            panels.push((Some(label), rows));
        }
    } else {
        let mut rows = vec![Source {
            label: "Everyone",
            counts: &overall.counts,
            base: overall.base,
            nonsubstantive: overall.nonsubstantive,
        }];
        rows.extend(groups.iter().filter_map(|(key, label)| {
            let r = q.result(POSITION, key)?;
            Some(Source {
                label,
                counts: &r.counts,
                base: r.base,
                nonsubstantive: r.nonsubstantive,
            })
        }));
        panels.push((None, rows));
    }
    let n_width = panels
        .iter()
        .flat_map(|(_, rows)| rows)
        .map(|s| theme::text_width(&n_text(s.base, s.nonsubstantive), N_SIZE, false))
        .fold(0.0, f64::max);
    let label_width = panels
        .iter()
        .flat_map(|(_, rows)| rows)
        .map(|s| theme::text_width(s.label, LABEL_SIZE, false))
        .fold(0.0, f64::max)
        .min(width * if matrix { 0.36 } else { 0.3 });

    let mut panels: Vec<Panel> = panels
        .iter()
        .map(|(title, sources)| Panel {
            title: title.map(|t| Label::fit(t, 14.0, true, width - 2.0 * PAD, 1)),
            rows: sources.iter().map(|s| bar(s, label_width)).collect(),
        })
        .collect();
    sort_by_agreement(&mut panels, matrix);

    let reach = panels
        .iter()
        .flat_map(|p| &p.rows)
        .flat_map(|r| r.segments.iter().map(|s| s.start.abs().max(s.end.abs())))
        .fold(0.0, f64::max);
    // The axis ends at the next quarter, so that its ticks are round shares.
    let reach = ((reach * 4.0).ceil() / 4.0).clamp(0.25, 1.0);
    let legend_items: Vec<(RGBColor, String)> = ordered
        .iter()
        .zip(&colors)
        .map(|(&i, c)| (*c, q.choices[i].label.clone()))
        .collect();
    let mut subtitle = format!(
        "n = {} answered · share of each level; the neutral level is split at zero",
        overall.answered
    );
    if q.choices.iter().any(|c| c.nonsubstantive) {
        subtitle.push_str(&format!(
            " · (+k): k more answered {}, not in the bars",
            nonsubstantive_labels(q)
        ));
    }
    let description = describe(q, &panels, overall.answered);
    let chart = Diverging {
        heading: Heading::new(&q.text, subtitle, width),
        legend: Legend::new(&legend_items, width - 2.0 * PAD),
        panels,
        reach,
        label_width,
        n_width,
        row: if matrix { MATRIX_ROW } else { ROW },
        bar: if matrix { MATRIX_BAR } else { BAR },
    };
    Some(Planned {
        id: q.id.clone(),
        title: format!("{} — share of each answer", q.text),
        description,
        plan: Plan::Diverging(chart),
    })
}

/// The index (among the ordered levels) of the level split at zero, if any.
fn neutral_level(q: &QuestionResult, ordered: &[usize]) -> Option<usize> {
    ordered
        .iter()
        .position(|&i| q.choices[i].neutral)
        .or_else(|| (ordered.len() % 2 == 1).then_some(ordered.len() / 2))
}

/// The non-substantive levels' labels in full, for the subtitle.
fn nonsubstantive_labels(q: &QuestionResult) -> String {
    q.choices
        .iter()
        .filter(|c| c.nonsubstantive)
        .map(|c| format!("“{}”", c.label))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The n of a bar, and beside it in brackets how many more answered a non-substantive
/// level ("don't know"), which the bar leaves out: `n = 120 (+8)`.
fn n_text(base: u64, nonsubstantive: u64) -> String {
    if nonsubstantive > 0 {
        format!("n = {base} (+{nonsubstantive})")
    } else {
        format!("n = {base}")
    }
}

/// Where each ordered level's share lies: the levels follow one another from the left end
/// of the bar, which is at minus (the shares below the neutral level plus half the
/// neutral's), so that the neutral level straddles zero. Without a neutral level the
/// lower half of the levels is left of zero. A missing share counts as 0.
fn segments(shares: &[Option<f64>], neutral: Option<usize>, colors: &[RGBColor]) -> Vec<Segment> {
    let share = |i: usize| shares[i].unwrap_or(0.0);
    let left: f64 = match neutral {
        Some(k) => (0..k).map(share).sum::<f64>() + share(k) / 2.0,
        None => (0..shares.len() / 2).map(share).sum(),
    };
    let mut start = -left;
    (0..shares.len())
        .map(|i| {
            let segment = Segment {
                start,
                end: start + share(i),
                share: share(i),
                color: colors[i],
            };
            start = segment.end;
            segment
        })
        .collect()
}

/// The share on the positive side: the levels above the neutral one (or the upper half),
/// which are those that start at or right of zero.
fn agreement(row: &BarRow) -> f64 {
    row.segments
        .iter()
        .filter(|s| s.start >= -1e-12)
        .map(|s| s.share)
        .sum()
}

/// Sorts rows by agreement, largest first, ties in their given order. A likert
/// question's first row (everyone) stays first; a matrix's panels all take the order of
/// the first panel.
fn sort_by_agreement(panels: &mut [Panel], matrix: bool) {
    let by_agreement = |rows: &[BarRow]| {
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| agreement(&rows[b]).total_cmp(&agreement(&rows[a])));
        order
    };
    let reorder = |rows: &mut Vec<BarRow>, order: &[usize]| {
        let mut taken: Vec<Option<BarRow>> = std::mem::take(rows).into_iter().map(Some).collect();
        *rows = order.iter().filter_map(|&i| taken[i].take()).collect();
    };
    if matrix {
        let Some(first) = panels.first() else {
            return;
        };
        let order = by_agreement(&first.rows);
        for panel in panels.iter_mut().filter(|p| p.rows.len() == order.len()) {
            reorder(&mut panel.rows, &order);
        }
    } else {
        for panel in panels.iter_mut() {
            if panel.rows.len() > 2 {
                let mut order: Vec<usize> = by_agreement(&panel.rows[1..])
                    .into_iter()
                    .map(|i| i + 1)
                    .collect();
                order.insert(0, 0);
                reorder(&mut panel.rows, &order);
            }
        }
    }
}

fn describe(q: &QuestionResult, panels: &[Panel], answered: u64) -> String {
    let mut text = format!(
        "{} — diverging bars of the share giving each answer, n = {answered} answered.",
        q.text
    );
    for panel in panels {
        let rows: Vec<String> = panel
            .rows
            .iter()
            .map(|r| {
                format!(
                    "{} {} on the upper side ({})",
                    r.label.full,
                    numbers::percent(Some(agreement(r))),
                    r.n
                )
            })
            .collect();
        match &panel.title {
            Some(title) => text.push_str(&format!(" {}: {}.", title.full, rows.join("; "))),
            None => text.push_str(&format!(" {}.", rows.join("; "))),
        }
    }
    text
}

impl Diverging {
    fn bar_x(&self) -> (f64, f64) {
        let left = PAD + self.label_width + 12.0;
        let right = WIDTH - PAD - self.n_width - 12.0;
        (left, right)
    }

    fn x(&self, share: f64) -> f64 {
        let (left, right) = self.bar_x();
        let centre = (left + right) / 2.0;
        centre + share / self.reach * (right - left) / 2.0
    }

    fn row_height(&self, row: &BarRow) -> f64 {
        (row.label.height(LABEL_LINE) + 6.0).max(self.row)
    }

    /// Every panel with its title and the gap after it.
    fn panels_height(&self) -> f64 {
        self.panels
            .iter()
            .map(|p| {
                p.rows.iter().map(|r| self.row_height(r)).sum::<f64>()
                    + if p.title.is_some() { PANEL_TITLE } else { 0.0 }
                    + 8.0
            })
            .sum()
    }

    fn panels_top(&self) -> f64 {
        self.heading.height() + 6.0 + self.legend.height() + 10.0
    }
}

impl Draw for Diverging {
    fn size(&self) -> (u32, u32) {
        let height = self.panels_top() + self.panels_height() + AXIS + PAD;
        (WIDTH as u32, height.ceil() as u32)
    }

    fn labels(&self) -> Vec<&Label> {
        let mut labels: Vec<&Label> = self.heading.labels().to_vec();
        labels.extend(self.legend.labels());
        for panel in &self.panels {
            labels.extend(&panel.title);
            labels.extend(panel.rows.iter().map(|r| &r.label));
        }
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
        let top = self.panels_top();
        let (_, bar_right) = self.bar_x();
        let bottom = top + self.panels_height();
        // Zero, and a tick every quarter, behind the bars over the panels' full height; a
        // label that would touch the one before it is left out.
        let mut tick = -self.reach;
        let mut label_end = f64::NEG_INFINITY;
        while tick <= self.reach + 1e-9 {
            let x = self.x(tick);
            let color = if tick.abs() < 1e-9 {
                theme::MUTED
            } else {
                theme::GRID
            };
            area.draw(&PathElement::new(
                vec![(px(x), px(top)), (px(x), px(bottom))],
                color.stroke_width(px(1.0).max(1) as u32),
            ))?;
            let text = numbers::percent(Some(tick.abs()));
            let half = theme::text_width(&text, 11.0, false) / 2.0;
            if x - half > label_end + 6.0 {
                label_end = x + half;
                area.draw(&Text::new(
                    text,
                    (px(x), px(bottom + 4.0)),
                    t.text(11.0, false, theme::MUTED, HPos::Center, VPos::Top),
                ))?;
            }
            tick += 0.25;
        }
        let mut y = top;
        let label_style = t.text(LABEL_SIZE, false, theme::TEXT, HPos::Right, VPos::Center);
        let n_style = t.text(N_SIZE, false, theme::MUTED, HPos::Left, VPos::Center);
        for panel in &self.panels {
            if let Some(title) = &panel.title {
                let style = t.text(14.0, true, theme::TEXT, HPos::Left, VPos::Bottom);
                title.draw(area, t, &style, (PAD, y + PANEL_TITLE - 6.0), PANEL_TITLE)?;
                y += PANEL_TITLE;
            }
            for row in &panel.rows {
                let height = self.row_height(row);
                let middle = y + height / 2.0;
                let first = middle - (row.label.lines.len() as f64 - 1.0) * LABEL_LINE / 2.0;
                row.label.draw(
                    area,
                    t,
                    &label_style,
                    (PAD + self.label_width, first),
                    LABEL_LINE,
                )?;
                for s in row.segments.iter().filter(|s| s.share > 0.0) {
                    let (x0, x1) = (self.x(s.start), self.x(s.end));
                    area.draw(&Rectangle::new(
                        [
                            (px(x0), px(middle - self.bar / 2.0)),
                            (px(x1), px(middle + self.bar / 2.0)),
                        ],
                        s.color.filled(),
                    ))?;
                    let text = numbers::percent(Some(s.share));
                    if theme::text_width(&text, 11.0, false) + 4.0 <= x1 - x0 {
                        area.draw(&Text::new(
                            text,
                            (px((x0 + x1) / 2.0), px(middle)),
                            t.text(
                                11.0,
                                false,
                                theme::text_on(s.color),
                                HPos::Center,
                                VPos::Center,
                            ),
                        ))?;
                    }
                }
                area.draw(&Text::new(
                    row.n.clone(),
                    (px(bar_right + 12.0), px(middle)),
                    n_style.clone(),
                ))?;
                y += height;
            }
            y += 8.0;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: RGBColor = theme::NEUTRAL;

    #[test]
    fn the_neutral_level_is_split_at_zero() {
        // 20% strongly against, 10% against, 30% neutral, 40% in favour.
        let shares = [Some(0.2), Some(0.1), Some(0.3), Some(0.4), None];
        let s = segments(&shares, Some(2), &[C; 5]);
        assert!((s[0].start - -(0.2 + 0.1 + 0.15)).abs() < 1e-12, "{s:?}");
        assert!((s[2].start - -0.15).abs() < 1e-12 && (s[2].end - 0.15).abs() < 1e-12);
        assert!((s[4].end - 0.55).abs() < 1e-12, "a missing share is empty");
        // Without a neutral level, the lower half is left of zero.
        let even = segments(
            &[Some(0.25), Some(0.25), Some(0.5), Some(0.0)],
            None,
            &[C; 4],
        );
        assert_eq!((even[0].start, even[2].start), (-0.5, 0.0));
    }

    fn row(label: &str, shares: &[f64]) -> BarRow {
        let shares: Vec<Option<f64>> = shares.iter().copied().map(Some).collect();
        BarRow {
            label: Label::fit(label, 13.0, false, 200.0, 2),
            n: String::new(),
            segments: segments(&shares, Some(1), &[C; 3]),
        }
    }

    #[test]
    fn rows_are_sorted_by_the_share_right_of_zero_everyone_first() {
        let mut panels = vec![Panel {
            title: None,
            rows: vec![
                row("Everyone", &[0.3, 0.3, 0.4]),
                row("Low", &[0.8, 0.1, 0.1]),
                row("High", &[0.0, 0.2, 0.8]),
            ],
        }];
        sort_by_agreement(&mut panels, false);
        let labels: Vec<&str> = panels[0]
            .rows
            .iter()
            .map(|r| r.label.full.as_str())
            .collect();
        assert_eq!(labels, ["Everyone", "High", "Low"]);
        assert!((agreement(&panels[0].rows[1]) - 0.8).abs() < 1e-12);
    }
}
