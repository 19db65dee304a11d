//! Who answered: how many were invited and how many answered (the response rate), then
//! for each segment question how many answered in each of its published groups, with the
//! group's share of respondents and its Wilson interval. Every number comes from the
//! panel and groupings of [`Aggregates`]; a segment's groups are the anonymity rule's, so
//! a withheld answer is inside its "Other" group and never drawn on its own.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::theme::{self, Heading, Label, PAD, Theme};
use super::{Draw, Plan, Planned};
use crate::analyze::Aggregates;
use crate::numbers;

pub struct ResponsePanel {
    heading: Heading,
    sections: Vec<Section>,
    /// The count every bar is drawn against: the invited, else the respondents.
    scale: u64,
    label_width: f64,
}

struct Section {
    title: Option<Label>,
    rows: Vec<Row>,
}

struct Row {
    label: Label,
    count: u64,
    text: String,
    color: RGBColor,
}

const WIDTH: f64 = 760.0;
const ROW: f64 = 28.0;
const BAR: f64 = 18.0;
const LABEL_SIZE: f64 = 13.0;
const SECTION_TITLE: f64 = 30.0;
const VALUE_ROOM: f64 = 150.0;

pub(super) fn plan(a: &Aggregates) -> Option<Planned> {
    let answered = a.panel.answered;
    let segments: Vec<_> = a
        .groupings
        .iter()
        .filter(|g| g.id.starts_with("segment:"))
        .collect();
    if a.panel.invited.is_none() && segments.is_empty() {
        return None;
    }
    let mut labels: Vec<&str> = vec!["Invited", "Answered"];
    labels.extend(
        segments
            .iter()
            .flat_map(|g| g.groups.iter().map(|x| x.label.as_str())),
    );
    let label_width = labels
        .iter()
        .map(|l| theme::text_width(l, LABEL_SIZE, false))
        .fold(0.0, f64::max)
        .min(WIDTH * 0.3);
    let fit = |text: &str| Label::fit(text, LABEL_SIZE, false, label_width, 2);

    let mut panel_rows = Vec::new();
    if let Some(invited) = a.panel.invited {
        panel_rows.push(Row {
            label: fit("Invited"),
            count: u64::from(invited),
            text: invited.to_string(),
            color: theme::NEUTRAL,
        });
    }
    panel_rows.push(Row {
        label: fit("Answered"),
        count: answered,
        text: numbers::count_and_share(answered, a.panel.response_rate),
        color: theme::HIGH,
    });
    let mut sections = vec![Section {
        title: None,
        rows: panel_rows,
    }];
    for grouping in &segments {
        sections.push(Section {
            title: Some(Label::fit(
                &format!(
                    "{} (share of respondents, with its interval)",
                    grouping.label
                ),
                14.0,
                true,
                WIDTH - 2.0 * PAD,
                1,
            )),
            rows: grouping
                .groups
                .iter()
                .map(|g| Row {
                    label: fit(&g.label),
                    count: g.n,
                    text: numbers::count_share_interval(
                        g.n,
                        g.share,
                        g.interval.map(|i| (i.low, i.high)),
                    ),
                    color: theme::mix(theme::HIGH, WHITE, 0.35),
                })
                .collect(),
        });
    }
    let mut subtitle = format!("n = {answered} answered");
    if let (Some(invited), Some(rate)) = (a.panel.invited, a.panel.response_rate) {
        subtitle.push_str(&format!(
            " of {invited} invited ({} responded)",
            numbers::percent(Some(rate))
        ));
    }
    let mut description = format!("Who answered: {subtitle}.");
    for (grouping, section) in segments.iter().zip(&sections[1..]) {
        description.push_str(&format!(
            " {}: {}.",
            grouping.label,
            section
                .rows
                .iter()
                .map(|r| format!("{} {}", r.label.full, r.text))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let scale = a.panel.invited.map_or(answered, u64::from).max(answered);
    Some(Planned {
        id: "response-panel".to_string(),
        title: "Who answered".to_string(),
        description,
        plan: Plan::ResponsePanel(ResponsePanel {
            heading: Heading::new("Who answered", subtitle, WIDTH),
            sections,
            scale,
            label_width,
        }),
    })
}

impl ResponsePanel {
    fn row_height(row: &Row) -> f64 {
        (row.label.height(16.0) + 8.0).max(ROW)
    }
}

impl Draw for ResponsePanel {
    fn size(&self) -> (u32, u32) {
        let body: f64 = self
            .sections
            .iter()
            .map(|s| {
                s.rows.iter().map(ResponsePanel::row_height).sum::<f64>()
                    + if s.title.is_some() {
                        SECTION_TITLE
                    } else {
                        0.0
                    }
            })
            .sum();
        let height = self.heading.height() + 8.0 + body + PAD;
        (WIDTH as u32, height.ceil() as u32)
    }

    fn labels(&self) -> Vec<&Label> {
        let mut labels: Vec<&Label> = self.heading.labels().to_vec();
        for section in &self.sections {
            labels.extend(&section.title);
            labels.extend(section.rows.iter().map(|r| &r.label));
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
        let bar_x = PAD + self.label_width + 12.0;
        let room = WIDTH - PAD - bar_x - VALUE_ROOM;
        let mut y = self.heading.height() + 8.0;
        let label_style = t.text(LABEL_SIZE, false, theme::TEXT, HPos::Right, VPos::Center);
        for section in &self.sections {
            if let Some(title) = &section.title {
                let style = t.text(14.0, true, theme::TEXT, HPos::Left, VPos::Bottom);
                title.draw(
                    area,
                    t,
                    &style,
                    (PAD, y + SECTION_TITLE - 8.0),
                    SECTION_TITLE,
                )?;
                y += SECTION_TITLE;
            }
            for row in &section.rows {
                let height = ResponsePanel::row_height(row);
                let middle = y + height / 2.0;
                let first = middle - (row.label.lines.len() as f64 - 1.0) * 8.0;
                row.label
                    .draw(area, t, &label_style, (bar_x - 12.0, first), 16.0)?;
                let end = bar_x + room * row.count as f64 / self.scale.max(1) as f64;
                if row.count > 0 {
                    area.draw(&Rectangle::new(
                        [
                            (px(bar_x), px(middle - BAR / 2.0)),
                            (px(end), px(middle + BAR / 2.0)),
                        ],
                        row.color.filled(),
                    ))?;
                }
                area.draw(&Text::new(
                    row.text.clone(),
                    (px(end + 6.0), px(middle)),
                    t.text(13.0, false, theme::TEXT, HPos::Left, VPos::Center),
                ))?;
                y += height;
            }
        }
        Ok(())
    }
}
