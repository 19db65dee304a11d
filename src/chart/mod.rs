//! Charts drawn from [`Aggregates`] alone, each as SVG (inlined in the HTML report) and
//! PNG at twice the size (linked from Markdown, sharp in print). One file per chart kind;
//! the look they share is in [`theme`].

mod distribution;
mod diverging;
mod heatmap;
mod position;
mod response_panel;
mod rounds;
pub mod theme;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};

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
    /// Every label drawn, so that those wrapped or shortened get their full text as a
    /// `<title>` in the SVG.
    fn labels(&self) -> Vec<&theme::Label>;
}

/// One chart to draw: its id, title, text alternative and data.
enum Plan {
    Position(position::PositionChart),
    Heatmap(heatmap::Heatmap),
    Diverging(diverging::Diverging),
    Distribution(distribution::Distribution),
    ResponsePanel(response_panel::ResponsePanel),
    Rounds(rounds::RoundsChart),
}

struct Planned {
    id: String,
    title: String,
    description: String,
    plan: Plan,
}

/// Every chart the aggregates call for, rendered in parallel (each chart a task of its
/// own, its SVG and PNG drawn side by side), returned in a fixed order: the
/// position distribution (id: the position question's), the response panel
/// (`response-panel`), then each question's main chart in survey order (its id: diverging
/// bars for likert and matrix questions, a heatmap for multiple choice, a distribution
/// for numbers, probabilities and years), then the round-to-round shifts
/// (`<question>-rounds`).
pub fn render_all(aggregates: &Aggregates) -> Result<Vec<Chart>> {
    if !theme::register_fonts() {
        return Err(Error::internal(
            "the bundled chart font could not be loaded",
        ));
    }
    plan_all(aggregates)
        .par_iter()
        // One chart per task: charts differ in cost tenfold (a matrix's diverging bars
        // against a small distribution), and halves of the list would leave a thread idle.
        .with_max_len(1)
        .map(|p| {
            let (svg, png) = match &p.plan {
                Plan::Position(chart) => render(chart)?,
                Plan::Heatmap(chart) => render(chart)?,
                Plan::Diverging(chart) => render(chart)?,
                Plan::Distribution(chart) => render(chart)?,
                Plan::ResponsePanel(chart) => render(chart)?,
                Plan::Rounds(chart) => render(chart)?,
            };
            Ok(Chart {
                id: p.id.clone(),
                title: p.title.clone(),
                description: p.description.clone(),
                // The SVG files are opened on their own too, so they get the bidi rule
                // of every page (the PNG's text is drawn without bidi reordering).
                svg: escape::without_bidi_controls(&with_title(
                    &svg,
                    &p.id,
                    &p.title,
                    &p.description,
                ))
                .into_owned(),
                png,
            })
        })
        .collect()
}

/// The charts to draw, in the order [`render_all`] gives them.
fn plan_all(a: &Aggregates) -> Vec<Planned> {
    let mut planned = Vec::new();
    planned.extend(position::plan(a));
    planned.extend(response_panel::plan(a));
    for question in a.questions.iter().filter(|q| !q.is_position) {
        planned.extend(match question.kind.as_str() {
            "likert" | "matrix" => diverging::plan(a, question),
            "multiple" => heatmap::plan(a, question),
            "numeric" | "probability" | "year" => distribution::plan(a, question),
            _ => None,
        });
    }
    planned.extend(rounds::plan(a));
    planned
}

/// Draws a chart twice, at once: SVG at 1× (with the full text of fitted labels as
/// titles) and PNG at 2×, the slower (rasterising four times the pixels, then encoding).
fn render<C: Draw>(chart: &C) -> Result<(String, Vec<u8>)> {
    let (svg, png) = rayon::join(|| render_svg(chart), || render_png(chart));
    Ok((svg?, png?))
}

fn render_svg<C: Draw>(chart: &C) -> Result<String> {
    let (width, height) = chart.size();
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        chart
            .draw(&area, Theme { scale: 1.0 })
            .map_err(drawing_error)?;
        area.present().map_err(drawing_error)?;
    }
    Ok(with_label_titles(&svg, &chart.labels()))
}

fn render_png<C: Draw>(chart: &C) -> Result<Vec<u8>> {
    let (width, height) = chart.size();
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
    // Charts are runs of flat colour: the "sub" filter with the default compression
    // makes files about 40 % smaller than the image crate's defaults (adaptive filter,
    // fast compression), and skips the adaptive filter's trial of every filter per row.
    let encoder = PngEncoder::new_with_quality(&mut png, CompressionType::Default, FilterType::Sub);
    image
        .write_with_encoder(encoder)
        .map_err(|e| Error::internal(format!("encoding PNG: {e}")))?;
    Ok(png)
}

fn drawing_error<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> Error {
    Error::internal(format!("drawing a chart: {e}"))
}

/// Gives every line of a wrapped or shortened label its full text as a `<title>` child
/// (shown on hover, read by screen readers). plotters' SVG backend has no titles, so they
/// are added here, once for every chart: each line goes to the first `<text>` element
/// with exactly that content that has no title yet, in drawing order.
fn with_label_titles(svg: &str, labels: &[&theme::Label]) -> String {
    let mut out = svg.to_string();
    for label in labels.iter().filter(|l| l.is_fitted()) {
        let title = format!("<title>{}</title>", escape::xml(&label.full));
        for line in &label.lines {
            // plotters writes `<text …>\n{content}\n</text>`, escaping as below.
            let content = format!(">\n{}\n</text>", svg_text(line));
            let mut from = 0;
            while let Some(found) = out[from..].find(&content).map(|i| from + i) {
                if out[..found].ends_with("</title") {
                    from = found + content.len();
                    continue;
                }
                out.insert_str(found + 1, &title);
                break;
            }
        }
    }
    out
}

/// Text as plotters' SVG backend escapes it inside `<text>`.
fn svg_text(text: &str) -> String {
    escape::xml(text).replace("&#39;", "&apos;")
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
