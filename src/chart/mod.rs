//! Charts drawn from [`Aggregates`] alone, each as SVG (inlined in the HTML report) and
//! PNG at twice the size (linked from Markdown, sharp in print). One file per chart kind;
//! the look they share is in [`theme`].

mod heatmap;
mod position;
pub mod theme;

use std::io::Cursor;

use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

use crate::analyze::Aggregates;
use crate::error::{Error, Result};
use crate::escape;
use theme::Theme;

/// A rendered chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// File stem under `charts/`, e.g. `stance` → `charts/stance.svg`.
    pub id: String,
    pub title: String,
    /// A text alternative: what the chart shows, in a sentence or two.
    pub description: String,
    /// The SVG document, with `<title>` and `<desc>` for screen readers.
    pub svg: String,
    /// The PNG image at 2×.
    pub png: Vec<u8>,
}

/// A chart kind: its size at 1× and how to draw it at any scale.
trait Draw: Sync {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        theme: Theme,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>;
}

/// One chart to draw: its id, title, text alternative and data.
enum Plan {
    Position(position::PositionChart),
    Heatmap(heatmap::Heatmap),
}

struct Planned {
    id: String,
    title: String,
    description: String,
    plan: Plan,
}

/// Every chart the aggregates call for, rendered in parallel, in a fixed order: the
/// position distribution, then one heatmap per multiple-choice question.
pub fn render_all(aggregates: &Aggregates) -> Result<Vec<Chart>> {
    if !theme::register_fonts() {
        return Err(Error::internal(
            "the bundled chart font could not be loaded",
        ));
    }
    let mut planned = Vec::new();
    if let Some(chart) = position::plan(aggregates) {
        planned.push(chart);
    }
    planned.extend(heatmap::plan(aggregates));
    planned
        .par_iter()
        .map(|p| {
            let (svg, png) = match &p.plan {
                Plan::Position(chart) => render(chart)?,
                Plan::Heatmap(chart) => render(chart)?,
            };
            Ok(Chart {
                id: p.id.clone(),
                title: p.title.clone(),
                description: p.description.clone(),
                svg: with_title(&svg, &p.id, &p.title, &p.description),
                png,
            })
        })
        .collect()
}

/// Draws a chart twice: SVG at 1× and PNG at 2×.
fn render<C: Draw>(chart: &C) -> Result<(String, Vec<u8>)> {
    let (width, height) = chart.size();
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        chart
            .draw(&area, Theme { scale: 1.0 })
            .map_err(drawing_error)?;
        area.present().map_err(drawing_error)?;
    }
    let (w2, h2) = (width * 2, height * 2);
    let mut pixels = vec![255u8; (w2 as usize) * (h2 as usize) * 3];
    {
        let area = BitMapBackend::with_buffer(&mut pixels, (w2, h2)).into_drawing_area();
        chart
            .draw(&area, Theme { scale: 2.0 })
            .map_err(drawing_error)?;
        area.present().map_err(drawing_error)?;
    }
    let image = image::RgbImage::from_raw(w2, h2, pixels)
        .ok_or_else(|| Error::internal("chart pixel buffer has the wrong size"))?;
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| Error::internal(format!("encoding PNG: {e}")))?;
    Ok((svg, png))
}

fn drawing_error<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> Error {
    Error::internal(format!("drawing a chart: {e}"))
}

/// Adds `role="img"`, a `<title>` and a `<desc>` to an SVG document, so that the chart
/// has a text alternative wherever it is shown.
fn with_title(svg: &str, id: &str, title: &str, description: &str) -> String {
    let Some(open_end) = svg
        .find("<svg")
        .and_then(|start| svg[start..].find('>').map(|end| start + end))
    else {
        return svg.to_string();
    };
    let (open, rest) = svg.split_at(open_end);
    let id = escape::xml(id);
    format!(
        "{open} role=\"img\" aria-labelledby=\"chart-{id}-title chart-{id}-desc\"><title id=\"chart-{id}-title\">{}</title><desc id=\"chart-{id}-desc\">{}</desc>{}",
        escape::xml(title),
        escape::xml(description),
        &rest[1..]
    )
}

#[cfg(test)]
mod tests;
