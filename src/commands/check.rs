use crate::cli::CheckFormat;
use crate::diagnostic::Report;
use crate::error::{Error, Outcome, Result};
use crate::survey;

/// `canvass check SURVEY [--format text|json]`: load and check a definition; in text,
/// summarise it on success; in JSON, print every finding as data.
pub fn run(arg: &str, format: CheckFormat, deny_warnings: bool) -> Result<Outcome> {
    let report = match format {
        CheckFormat::Text => text(arg)?,
        CheckFormat::Json => json(arg)?,
    };
    // Without errors, every finding left is a warning.
    Ok(if deny_warnings && !report.diagnostics.is_empty() {
        Outcome::InputProblems
    } else {
        Outcome::Clean
    })
}

/// Every finding as one JSON object on standard output, errors included: a script reads
/// one format whatever it finds, and the exit code still says whether the survey loads.
fn json(arg: &str) -> Result<Report> {
    let path = super::survey_path(arg);
    let source = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    let (_, report) = survey::check_source(&path.display().to_string(), &source);
    super::write_stdout(report.to_json().as_bytes())?;
    if report.has_errors() {
        return Err(Error::DefinitionWritten);
    }
    Ok(report)
}

/// Errors and warnings rendered with their source lines on standard error, and a
/// one-line summary of a valid survey on standard output.
fn text(arg: &str) -> Result<Report> {
    let loaded = super::load_survey(arg)?;
    let s = &loaded.survey;
    let scale = s.position_scale();
    let kinds: Vec<String> = crate::survey::KINDS
        .iter()
        .filter_map(|kind| {
            let n = s
                .questions
                .iter()
                .filter(|q| q.kind.name() == *kind)
                .count();
            (n > 0).then(|| format!("{n} {kind}"))
        })
        .collect();
    let mut summary = format!(
        "{}: ok — survey `{}`, {} questions ({}) in {} section(s); position `{}` with {} levels and {} sides; ",
        loaded.report.path,
        s.id,
        s.questions.len(),
        kinds.join(", "),
        s.sections.len(),
        s.position_question().id,
        scale.levels.len(),
        scale.sides.len(),
    );
    match s.panel.invited {
        Some(n) => summary.push_str(&format!("{n} invited; ")),
        None => summary.push_str("panel size not stated; "),
    }
    summary.push_str(&format!(
        "groups of at least {}\n",
        s.anonymity.min_group_size
    ));
    super::write_stdout(summary.as_bytes())?;
    Ok(loaded.report)
}
