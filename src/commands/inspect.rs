use std::fmt::Write as _;
use std::path::Path;

use crate::cli::CheckFormat;
use crate::error::{Error, Outcome, Result};
use crate::ingest::mapping::{self, Mapping};
use crate::ingest::source::inspect::{Inspection, LISTED};
use crate::ingest::source::{self, Overrides, describe_delimiter};

/// `canvass inspect FILE [--survey SURVEY]`: how the file is read, what in it is odd, and
/// with a survey, what each column feeds.
pub fn run(
    path: &Path,
    survey: Option<&str>,
    format: CheckFormat,
    overrides: &Overrides,
) -> Result<Outcome> {
    let survey = survey.map(super::load_survey).transpose()?;
    let source = match source::open(path, overrides) {
        Ok(source) => source,
        // A file whose content cannot be read is what inspect is for: said, exit 1.
        Err(e) if e.is_input_problem() => {
            eprintln!("error: {e}");
            return Ok(Outcome::InputProblems);
        }
        Err(e) => return Err(e.into()),
    };
    // The mapping is decided from the headings alone; reading the records is inspect's.
    let plan = survey.as_ref().map(|loaded| {
        let survey = &loaded.survey;
        mapping::plan(
            survey,
            &source.file,
            &source.detected,
            &source.header,
            &Mapping::from_rules(&survey.ingest),
        )
    });
    let mut inspection = Inspection::of(source);
    if let Some((plan, problems)) = plan {
        let roles = plan.roles();
        for column in &mut inspection.columns {
            column.maps_to = Some(roles.get(column.number - 1).cloned().unwrap_or_default());
        }
        inspection.mapping = Some(problems.iter().map(|p| p.to_string()).collect());
    }
    let text = match format {
        CheckFormat::Json => {
            let mut json = serde_json::to_string_pretty(&inspection).map_err(Error::internal)?;
            json.push('\n');
            json
        }
        CheckFormat::Text => render(&inspection),
    };
    super::write_stdout(text.as_bytes())?;
    Ok(if inspection.unreadable > 0 {
        Outcome::InputProblems
    } else {
        Outcome::Clean
    })
}

/// The inspection for a person to read.
fn render(inspection: &Inspection) -> String {
    let d = &inspection.detected;
    let mut out = String::new();
    let _ = writeln!(out, "file:        {}", inspection.file);
    let _ = writeln!(out, "tool:        {}", d.tool);
    let _ = writeln!(out, "format:      {}", d.format);
    if let Some(encoding) = d.encoding {
        let bom = if d.bom { " (with BOM)" } else { "" };
        let _ = writeln!(out, "encoding:    {encoding}{bom}");
    }
    if let Some(delimiter) = d.delimiter {
        let _ = writeln!(out, "delimiter:   {}", describe_delimiter(delimiter));
    }
    if let Some(sheet) = &d.sheet {
        let _ = writeln!(out, "sheet:       {sheet}");
    }
    let _ = writeln!(out, "header rows: {}", d.header_rows);
    for note in &d.notes {
        let _ = writeln!(out, "note:        {note}");
    }
    let _ = writeln!(
        out,
        "records:     {} ({} unreadable)",
        inspection.records, inspection.unreadable
    );
    let _ = writeln!(out, "\ncolumns ({}):", inspection.columns.len());
    for column in &inspection.columns {
        let headings: Vec<String> = column
            .headings
            .iter()
            .map(|h| format!("`{}`", one_line(h)))
            .collect();
        let maps_to = match &column.maps_to {
            None => String::new(),
            Some(targets) if targets.is_empty() => "  → (nothing)".to_string(),
            Some(targets) => format!("  → {}", targets.join(", ")),
        };
        let _ = writeln!(
            out,
            "  {:>4} {:<3} {}{maps_to}",
            column.number,
            column.letter,
            headings.join(" | ")
        );
    }
    if let Some(mapping) = &inspection.mapping {
        let _ = writeln!(out, "\nmapping onto the survey ({}):", mapping.len());
        for line in mapping {
            let _ = writeln!(out, "  {line}");
        }
    }
    if inspection.ragged > 0 {
        let _ = writeln!(
            out,
            "\n{} records have a field count other than the header's {}{}:",
            inspection.ragged,
            inspection.columns.len(),
            listed(inspection.ragged)
        );
        for r in &inspection.ragged_first {
            let _ = writeln!(out, "  line {}: {} fields", r.line, r.fields);
        }
    }
    if inspection.unreadable > 0 {
        let _ = writeln!(
            out,
            "\n{} records cannot be read{}:",
            inspection.unreadable,
            listed(inspection.unreadable)
        );
        for p in &inspection.problems {
            let _ = writeln!(out, "  {}:{}: {}", inspection.file, p.line, p.reason);
        }
    }
    out
}

fn listed(count: u64) -> String {
    if count > LISTED as u64 {
        format!(" (the first {LISTED})")
    } else {
        String::new()
    }
}

/// A heading with its line ends shown, so that each column stays on one line.
fn one_line(text: &str) -> String {
    text.replace('\r', "\\r").replace('\n', "\\n")
}
