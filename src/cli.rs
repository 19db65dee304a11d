//! The command line: argument types only. What each command does is in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::form::Format;

/// canvass: structured expert surveys. Define a survey in TOML, emit forms, ingest the
/// responses, and report what the panel thinks, grouped by where each respondent stands.
///
/// Exit codes: 0 all good; 1 finished, but the input had problems (rejected rows,
/// ignored columns, or warnings with --deny-warnings); 2 could not run (a definition
/// with errors, an unreadable file, bad arguments).
#[derive(Debug, Parser)]
#[command(name = "canvass", version, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a survey definition and list every mistake with its file, line and column.
    ///
    /// Example: canvass check surveys/capabilities-roles.toml
    Check {
        #[command(flatten)]
        survey: SurveyArg,
        #[command(flatten)]
        warnings: WarningsArg,
    },
    /// Write a form people can fill in: a browser page, a printable page, or a CSV template.
    ///
    /// The HTML form is one self-contained file; when filled in it gives the respondent one
    /// line of CSV to send back, which `canvass ingest` reads.
    ///
    /// Example: canvass form capabilities-roles --format html --out form.html
    Form {
        #[command(flatten)]
        survey: SurveyArg,
        /// Which form to write.
        #[arg(long, value_enum, default_value_t = Format::Html)]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// Validate response files against a survey: write the accepted responses and the
    /// rejects (with file, line, column, value and reason), and print the counts.
    ///
    /// Writes DIR/responses.csv (canonical form) and DIR/rejects.csv.
    ///
    /// Example: canvass ingest capabilities-roles data/capabilities-roles/*.csv --out out/
    Ingest {
        #[command(flatten)]
        survey: SurveyArg,
        /// Response files in the canonical CSV format (see `canvass form --format csv`).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Folder to write responses.csv and rejects.csv into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Ingest response files, analyze them by position, and write the report folder:
    /// index.html, report.md, aggregates.json, charts/ and rejects.csv.
    ///
    /// Example: canvass report capabilities-roles data/capabilities-roles/*.csv --out report/
    Report {
        #[command(flatten)]
        survey: SurveyArg,
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Folder to write the report into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// The whole job for one survey: check surveys/ID.toml, write its forms, ingest every
    /// CSV in data/ID/, and write the report to reports/ID/.
    ///
    /// Example: canvass run            (the default survey, capabilities-roles)
    Run {
        /// The survey id: the name of its file in surveys/ without `.toml`.
        #[arg(default_value = "capabilities-roles", value_name = "SURVEY_ID")]
        survey: String,
        /// Folder holding the survey definitions.
        #[arg(long, default_value = "surveys", value_name = "DIR")]
        surveys: PathBuf,
        /// Folder holding one folder of response files per survey.
        #[arg(long, default_value = "data", value_name = "DIR")]
        data: PathBuf,
        /// Where to write the report (default: reports/SURVEY_ID).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        warnings: WarningsArg,
    },
    /// Make up responses to a survey: a canonical response file (the CSV `canvass ingest`
    /// reads) whose every row is valid, with answers that follow each respondent's
    /// position, for trying a report before fielding and for benchmarks.
    ///
    /// The same survey, seed and row count always give the same bytes.
    ///
    /// Example: canvass synth frontier-roles-2027 --rows 300 --seed 2027 --out synthetic.csv
    Synth {
        #[command(flatten)]
        survey: SurveyArg,
        /// How many respondents to make up.
        #[arg(long, value_name = "N")]
        rows: u64,
        /// The seed that fixes every answer.
        #[arg(long, value_name = "S")]
        seed: u64,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct SurveyArg {
    /// The survey: a definition file, or the id of one in surveys/ (e.g. capabilities-roles).
    #[arg(value_name = "SURVEY")]
    pub survey: String,
}

#[derive(Debug, Args)]
pub struct WarningsArg {
    /// Treat definition warnings as problems: exit 1 if there are any.
    #[arg(long)]
    pub deny_warnings: bool,
}
