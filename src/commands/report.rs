use std::path::{Path, PathBuf};

use crate::error::{Outcome, Result};
use crate::ingest::ReadOptions;
use crate::output::{self, OutputFile};
use crate::report::{DataQuality, Inputs, Provenance, ReportOptions};
use crate::survey::Survey;
use crate::{analyze, chart, ingest, report};

/// `canvass report SURVEY FILE... --out DIR`.
pub fn run(
    arg: &str,
    files: &[PathBuf],
    out: &Path,
    options: &ReadOptions,
    analysis: &analyze::Options,
    presentation: &ReportOptions,
) -> Result<Outcome> {
    let loaded = super::load_survey(arg)?;
    let definition = super::survey_path(arg);
    let source = Source {
        survey: &loaded.survey,
        definition: &definition,
        files,
    };
    // Refused before the slow stages, and again (in case) when the folder is replaced.
    let inputs = source.inputs();
    output::refuse_inputs_within(out, &inputs)?;
    let (outcome, written) = build(source, options, analysis, presentation, Vec::new())?;
    output::replace_dir(out, &written, &inputs)?;
    eprintln!(
        "wrote the report to {}/ ({} files; open index.html)",
        out.display(),
        written.len()
    );
    Ok(outcome)
}

/// A survey, the file it was read from, and its response files.
#[derive(Clone, Copy)]
pub(super) struct Source<'a> {
    pub survey: &'a Survey,
    pub definition: &'a Path,
    pub files: &'a [PathBuf],
}

impl<'a> Source<'a> {
    /// Every file the report is made from: output must never replace one.
    pub fn inputs(&self) -> Vec<&'a Path> {
        std::iter::once(self.definition)
            .chain(self.files.iter().map(PathBuf::as_path))
            .collect()
    }
}

/// Ingest → analyze → (translate) → chart → report; `extra` files (e.g. forms) are added
/// to the set.
pub(super) fn build(
    source: Source<'_>,
    options: &ReadOptions,
    analysis: &analyze::Options,
    presentation: &ReportOptions,
    extra: Vec<OutputFile>,
) -> Result<(Outcome, Vec<OutputFile>)> {
    let survey = source.survey;
    // A wrong language is a usage error: say so before the slow stages.
    if let Some(lang) = &presentation.lang {
        report::check_language(survey, lang)?;
    }
    let ingested = ingest::ingest_with(survey, source.files, options)?;
    super::print_ingest_summary(&ingested);
    let aggregates = analyze::analyze_with(survey, &ingested.responses, analysis)?;
    let aggregates = match &presentation.lang {
        Some(lang) => report::translate(&aggregates, survey, lang)?,
        None => aggregates,
    };
    let charts = chart::render_all(&aggregates)?;
    let provenance = Provenance::of(source.definition, source.files)?;
    let mut written = report::render(
        Inputs {
            survey,
            aggregates: &aggregates,
            charts: &charts,
            quality: DataQuality {
                files: &ingested.files,
                rejects: &ingested.rejects,
            },
            provenance: &provenance,
        },
        presentation.formats,
    )?;
    written.extend(extra);
    Ok((super::ingest_outcome(&ingested), written))
}
