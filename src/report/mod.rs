//! The report folder, from what the earlier stages made: `index.html` (self-contained,
//! charts inlined), `report.md` (renders on a git forge, links the PNG charts),
//! `aggregates.json`, `charts/`, and `rejects.csv`. Nothing here computes a statistic:
//! every number comes from [`Aggregates`].

mod html;
mod json;
mod markdown;
mod sections;

use crate::analyze::Aggregates;
use crate::chart::Chart;
use crate::ingest::{FileCounts, Rejects};
use crate::output::OutputFile;
use crate::survey::Survey;

/// What ingest found, for the data-quality section and `rejects.csv`.
#[derive(Debug, Clone, Copy)]
pub struct DataQuality<'a> {
    pub files: &'a [FileCounts],
    pub rejects: &'a Rejects,
}

/// Everything a report presents.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub survey: &'a Survey,
    pub aggregates: &'a Aggregates,
    pub charts: &'a [Chart],
    pub quality: DataQuality<'a>,
}

/// Every file of the report folder, in a fixed order.
pub fn render(inputs: Inputs<'_>) -> Vec<OutputFile> {
    let mut files = vec![
        OutputFile::new("index.html", html::report(inputs)),
        OutputFile::new("report.md", markdown::report(inputs)),
        OutputFile::new("aggregates.json", json::aggregates(inputs.aggregates)),
        OutputFile::new("rejects.csv", inputs.quality.rejects.to_csv()),
    ];
    for chart in inputs.charts {
        files.push(OutputFile::new(
            format!("charts/{}.svg", chart.id),
            chart.svg.clone(),
        ));
        files.push(OutputFile::new(
            format!("charts/{}.png", chart.id),
            chart.png.clone(),
        ));
    }
    files
}

#[cfg(test)]
mod tests;
