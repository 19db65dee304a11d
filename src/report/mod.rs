//! The report folder, from what the earlier stages made: `index.html` (self-contained,
//! charts inlined), `report.md` (renders on a git forge, links the PNG charts),
//! `aggregates.json`, `aggregates.parquet` (long format), `charts/`, and `rejects.csv`.
//! Nothing here computes a statistic: every number comes from [`Aggregates`].

mod findings;
mod html;
mod json;
mod markdown;
mod parquet;
mod provenance;
mod sections;
mod translate;

use crate::analyze::Aggregates;
use crate::chart::Chart;
use crate::error::Result;
use crate::ingest::{FileCounts, Rejects};
use crate::output::OutputFile;
use crate::survey::Survey;

pub use findings::key_findings;
pub use json::aggregates as aggregates_json;
pub use parquet::{aggregates_parquet, long_table};
pub use provenance::{Provenance, Source, sha256_hex};
pub use translate::{check_language, translate};

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
    pub provenance: &'a Provenance,
}

/// Which of the report's files to write (`--format html,md,json,parquet`); `rejects.csv`
/// is always written, and the charts whenever the HTML or Markdown is (both link them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub html: bool,
    pub markdown: bool,
    pub json: bool,
    pub parquet: bool,
}

impl Formats {
    pub const ALL: Formats = Formats {
        html: true,
        markdown: true,
        json: true,
        parquet: true,
    };
}

impl Default for Formats {
    fn default() -> Formats {
        Formats::ALL
    }
}

/// How a report is written: its language (`None`: the survey's default) and files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportOptions {
    pub lang: Option<String>,
    pub formats: Formats,
}

/// Every file of the report folder the formats ask for, in a fixed order.
pub fn render(inputs: Inputs<'_>, formats: Formats) -> Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    if formats.html {
        files.push(OutputFile::new("index.html", html::report(inputs)));
    }
    if formats.markdown {
        files.push(OutputFile::new("report.md", markdown::report(inputs)));
    }
    if formats.json {
        files.push(OutputFile::new(
            "aggregates.json",
            json::aggregates(inputs.aggregates),
        ));
    }
    if formats.parquet {
        files.push(OutputFile::new(
            "aggregates.parquet",
            aggregates_parquet(inputs.aggregates)?,
        ));
    }
    files.push(OutputFile::new(
        "rejects.csv",
        inputs.quality.rejects.to_csv(),
    ));
    if formats.html || formats.markdown {
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
    }
    Ok(files)
}

#[cfg(test)]
mod tests;
