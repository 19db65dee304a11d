use std::path::{Path, PathBuf};

use crate::error::{Error, Outcome, Result};
use crate::ingest::{Counts, FileCounts, ReadOptions, Rejects};
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

/// `canvass report SURVEY PARTIAL... --from-partials --out DIR`: the partial aggregates
/// merged, then charted and reported as `report` does. The data-quality section lists
/// each partial file with the respondents it holds (ingest accounted for the rejected
/// rows when the partitions were made), and the provenance the partial files.
pub fn from_partials(
    arg: &str,
    files: &[PathBuf],
    out: &Path,
    analysis: &analyze::Options,
    presentation: &ReportOptions,
) -> Result<Outcome> {
    let loaded = super::load_survey(arg)?;
    let survey = &loaded.survey;
    if let Some(lang) = &presentation.lang {
        report::check_language(survey, lang)?;
    }
    if let Some(problem) = analysis.problem() {
        return Err(Error::Usage(problem));
    }
    let partials = super::analyze::read_partials(files)?;
    // Each partial stands for the accepted rows it was made from: ingest counted the
    // rejected ones when the partitions were written.
    let counts: Vec<FileCounts> = files
        .iter()
        .zip(&partials)
        .map(|(file, partial)| FileCounts {
            file: file.display().to_string(),
            counts: Counts {
                rows_read: partial.respondents,
                accepted: partial.respondents,
                rejected: 0,
            },
        })
        .collect();
    for (file, partial) in files.iter().zip(&partials) {
        if let Some(problem) = partial.problem(survey, analysis) {
            return Err(Error::Usage(format!(
                "{}: cannot merge these partial aggregates: {problem}",
                file.display()
            )));
        }
    }
    let aggregates = analyze::merge(survey, partials, analysis)?;
    let aggregates = match &presentation.lang {
        Some(lang) => report::translate(&aggregates, survey, lang)?,
        None => aggregates,
    };
    let charts = chart::render_all(&aggregates)?;
    let provenance = Provenance::of(&super::survey_path(arg), files)?;
    let written = report::render(
        Inputs {
            survey,
            aggregates: &aggregates,
            charts: &charts,
            quality: DataQuality {
                files: &counts,
                rejects: &Rejects::default(),
            },
            provenance: &provenance,
        },
        presentation.formats,
    )?;
    output::write_all(out, &written)?;
    eprintln!(
        "merged {} partial aggregates of {} respondents; wrote the report to {}/ ({} files; open index.html)",
        files.len(),
        aggregates.panel.answered,
        out.display(),
        written.len()
    );
    Ok(Outcome::Clean)
}

/// Rows analysed at a time: large enough that each chunk's fixed cost vanishes, small
/// enough that a chunk of a wide survey stays a few hundred MB.
const CHUNK_ROWS: usize = 1 << 18;

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
    // The rows are analysed a chunk at a time as they are read, so a panel of millions
    // takes the memory of one chunk: the same aggregates as one pass, byte for byte.
    let mut streamed = analyze::Streamed::new(survey, analysis)?;
    let accounted =
        ingest::ingest_in_chunks(survey, source.files, options, CHUNK_ROWS, &mut |chunk| {
            streamed.add(&chunk)
        })?;
    super::print_ingest_summary(&accounted.rejects, &accounted.files);
    let aggregates = streamed.finish()?;
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
                files: &accounted.files,
                rejects: &accounted.rejects,
            },
            provenance: &provenance,
        },
        presentation.formats,
    )?;
    written.extend(extra);
    Ok((super::ingest_outcome(&accounted.rejects), written))
}
