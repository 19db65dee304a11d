//! One function per command, each calling the stages in order. `main.rs` parses the
//! arguments, calls [`dispatch`], prints any error once, and exits with its code.

mod analyze;
mod check;
mod form;
mod import;
mod ingest;
mod inspect;
mod new;
mod report;
mod run;
mod schema;
mod synth;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command};
use crate::diagnostic::Report;
use crate::error::{Error, Outcome, Result};
use crate::ingest::{FileCounts, Rejects};
use crate::survey::{self, Loaded};

/// Runs the command the arguments name.
pub fn dispatch(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Check {
            survey,
            format,
            warnings,
        } => check::run(&survey.survey, format, warnings.deny_warnings),
        Command::Schema => schema::run(),
        Command::New { name, root } => new::run(&name, &root),
        Command::Form {
            survey,
            format,
            out,
        } => form::run(&survey.survey, format, out.as_deref()),
        Command::Import {
            form,
            out,
            position,
            limits,
        } => import::run(&form, out.as_deref(), position.as_deref(), limits.limits()),
        Command::Ingest {
            survey,
            files,
            out,
            rows_per_partition,
            read,
            strictness,
        } => ingest::run(
            &survey.survey,
            &files,
            &out,
            &read.options(&strictness),
            rows_per_partition,
        ),
        Command::Analyze {
            survey,
            file,
            out,
            partial,
            read,
            strictness,
            analysis,
        } => analyze::run(
            &survey.survey,
            &file,
            &out,
            partial,
            &read.options(&strictness),
            &analysis.options(),
        ),
        Command::Report {
            survey,
            files,
            from_partials: true,
            out,
            analysis,
            report,
            ..
        } => report::from_partials(
            &survey.survey,
            &files,
            &out,
            &analysis.options(),
            &report.options(),
        ),
        Command::Report {
            survey,
            files,
            out,
            read,
            strictness,
            analysis,
            report,
            ..
        } => report::run(
            &survey.survey,
            &files,
            &out,
            &read.options(&strictness),
            &analysis.options(),
            &report.options(),
        ),
        Command::Inspect {
            file,
            survey,
            format,
            read,
        } => inspect::run(&file, survey.as_deref(), format, &read.overrides()),
        Command::Run {
            survey,
            surveys,
            data,
            out,
            warnings,
            analysis,
            report,
        } => run::run(
            run::Paths {
                id: &survey,
                surveys: &surveys,
                data: &data,
                out: out.as_deref(),
                deny_warnings: warnings.deny_warnings,
            },
            &analysis.options(),
            &report.options(),
        ),
        Command::Synth {
            survey,
            rows,
            seed,
            out,
        } => synth::run(&survey.survey, rows, seed, out.as_deref()),
    }
}

/// Prints an error for a person: definition errors with their source lines (in colour
/// on a terminal), anything else on one line.
pub fn print_error(error: &Error) {
    let mut stderr = std::io::stderr().lock();
    let text = match error {
        Error::Definition(report) => report.render(std::io::stderr().is_terminal()),
        Error::DefinitionWritten => return,
        other => format!("error: {other}\n"),
    };
    let _ = stderr.write_all(text.as_bytes());
}

/// A survey argument is a file path, or the id of a survey in `surveys/`.
fn survey_path(arg: &str) -> PathBuf {
    let path = PathBuf::from(arg);
    let in_surveys = Path::new("surveys").join(format!("{arg}.toml"));
    if !path.exists() && !arg.ends_with(".toml") && in_surveys.exists() {
        in_surveys
    } else {
        path
    }
}

/// Loads a survey and prints its warnings.
fn load_survey(arg: &str) -> Result<Loaded> {
    let loaded = survey::load(&survey_path(arg))?;
    print_warnings(&loaded.report);
    Ok(loaded)
}

fn print_warnings(report: &Report) {
    if !report.diagnostics.is_empty() {
        eprint!("{}", report.render(std::io::stderr().is_terminal()));
    }
}

/// How many problems to print before pointing to rejects.csv.
const PRINTED_PROBLEMS: usize = 20;

/// Prints the problems (the first few) and the counts, which must add up.
fn print_ingest_summary(rejects: &Rejects, files: &[FileCounts]) {
    let problems = &rejects.problems;
    for problem in problems.iter().take(PRINTED_PROBLEMS) {
        eprintln!("{problem}");
    }
    if problems.len() > PRINTED_PROBLEMS {
        eprintln!(
            "… and {} more problems: see rejects.csv",
            problems.len() - PRINTED_PROBLEMS
        );
    }
    if files.len() > 1 {
        for f in files {
            let c = f.counts;
            eprintln!(
                "{}: read {} rows: {} accepted, {} rejected",
                f.file, c.rows_read, c.accepted, c.rejected
            );
        }
    }
    let t = crate::ingest::total(files);
    eprintln!(
        "read {} rows: {} accepted, {} rejected",
        t.rows_read, t.accepted, t.rejected
    );
}

fn ingest_outcome(rejects: &Rejects) -> Outcome {
    if rejects.has_problems() {
        Outcome::InputProblems
    } else {
        Outcome::Clean
    }
}

/// Writes to standard output; a closed pipe (`canvass form x | head`) is a normal end.
fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Write {
            path: PathBuf::from("<stdout>"),
            source: e,
        }),
        _ => Ok(()),
    }
}
