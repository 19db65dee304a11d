//! The command line: argument types only. What each command does is in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use encoding_rs::Encoding;

use crate::analyze::Options as AnalysisOptions;
use crate::form::Format;
use crate::ingest::ReadOptions;
use crate::ingest::source::{self, Limits, Overrides, Tool};
use crate::report::{Formats, ReportOptions};

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
    /// With --format json the findings are printed to standard output as one JSON object
    /// (file, ok, diagnostics with line, column, end, label, help and related places;
    /// see docs/survey-format.md), for editors and scripts. The exit code is the same.
    ///
    /// Example: canvass check surveys/capabilities-roles.toml --format json
    Check {
        #[command(flatten)]
        survey: SurveyArg,
        /// How to print the findings: for people (text) or as data (json).
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        #[command(flatten)]
        warnings: WarningsArg,
    },
    /// Print the JSON Schema (draft 2020-12) of the survey format, for editors that complete
    /// and check TOML as you type.
    ///
    /// Save it and point the editor at it: with Taplo or Even Better TOML, save it in
    /// surveys/ and put `#:schema ./canvass.schema.json` at the top of a survey, or add a
    /// rule to .taplo.toml (docs/survey-format.md shows both).
    ///
    /// Example: canvass schema > surveys/canvass.schema.json
    Schema,
    /// Start a new survey: write surveys/NAME.toml from a commented template that works as
    /// it is, and data/NAME/ with a README saying what goes there. Never overwrites a file.
    ///
    /// Example: canvass new evals-2026
    New {
        /// The new survey's id: letters, digits, `-` and `_`, starting with a letter or digit.
        #[arg(value_name = "NAME")]
        name: String,
        /// The project folder to create surveys/NAME.toml and data/NAME/ in.
        #[arg(long, default_value = ".", value_name = "DIR")]
        root: PathBuf,
    },
    /// Write a form people can fill in: a browser page, a printable page, a CSV template,
    /// or an XLSForm for ODK, Enketo and KoboToolbox.
    ///
    /// The HTML form is one self-contained file; when filled in it gives the respondent one
    /// line of CSV to send back, which `canvass ingest` reads. The XLSForm (`--format xlsx`)
    /// is a binary file and needs --out; `canvass import` reads it back.
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
    /// Make a survey definition from an XLSForm: one canvass wrote (`form --format xlsx`),
    /// which comes back as the same survey, or one made in ODK, KoboToolbox or by hand.
    ///
    /// Writes the definition (TOML) to standard output or --out. Everything in the form
    /// that canvass cannot translate is listed with its sheet, row and column. Exit 1 if
    /// anything was left out, 2 if no definition could be made.
    ///
    /// Example: canvass import form.xlsx --position stance --out surveys/my-survey.toml
    Import {
        /// The XLSForm workbook (.xlsx; .xls and .ods are read too).
        #[arg(value_name = "FORM")]
        form: PathBuf,
        /// Write the definition to this file instead of standard output.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// The question every result is grouped by (a select_one question), when the
        /// form does not say (forms canvass wrote do).
        #[arg(long, value_name = "QUESTION")]
        position: Option<String>,
        #[command(flatten)]
        limits: LimitArgs,
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
        /// Response files: canonical (see `canvass form --format csv`) or another tool's
        /// export; CSV or TSV in any encoding, or a sheet of an xlsx, xls, xlsb or ods workbook.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Folder to write responses.csv, responses.parquet and rejects.csv into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Write the table as Parquet partitions of N rows each,
        /// DIR/responses/part-00000.parquet …, instead of DIR/responses.parquet: one per
        /// `canvass analyze --partial` (or per task of a distributed engine; docs/scale.md).
        #[arg(long = "rows-per-partition", value_name = "N")]
        rows_per_partition: Option<usize>,
        #[command(flatten)]
        read: ReadArgs,
        #[command(flatten)]
        strictness: StrictnessArgs,
    },
    /// Analyze one response file: a partition `ingest --rows-per-partition` wrote, or any
    /// response file (which is ingested first). Writes its aggregates.json, or with
    /// --partial its partial aggregates, which `report --from-partials` merges: the merge
    /// of the partials of any split of the rows is, byte for byte, the analysis of all of
    /// them (docs/scale.md documents the file, for engines that make it themselves).
    ///
    /// Example: canvass analyze frontier-roles-2027 out/responses/part-00000.parquet --partial --out partials/part-00000.json
    Analyze {
        #[command(flatten)]
        survey: SurveyArg,
        /// The response file: a Parquet partition, or a canonical file or export.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The file to write (aggregates.json, or the partial aggregates with --partial).
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Write the partial aggregates of this file for `report --from-partials`.
        #[arg(long)]
        partial: bool,
        #[command(flatten)]
        read: ReadArgs,
        #[command(flatten)]
        strictness: StrictnessArgs,
        #[command(flatten)]
        analysis: AnalysisArgs,
    },
    /// Ingest response files, analyze them by position, and write the report folder:
    /// index.html, report.md, aggregates.json, charts/ and rejects.csv.
    ///
    /// With --from-partials the files are partial aggregates (`canvass analyze --partial`),
    /// merged instead of ingested: the same aggregates as a report of all their rows.
    ///
    /// Example: canvass report capabilities-roles data/capabilities-roles/*.csv --out report/
    Report {
        #[command(flatten)]
        survey: SurveyArg,
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The files are partial aggregates to merge, not response files.
        #[arg(long)]
        from_partials: bool,
        /// Folder to write the report into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[command(flatten)]
        read: ReadArgs,
        #[command(flatten)]
        strictness: StrictnessArgs,
        #[command(flatten)]
        analysis: AnalysisArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Show how a response file is read: the survey tool, format, encoding, delimiter,
    /// sheet and heading rows detected, each column with its headings, the number of
    /// records, records whose field count differs from the header, and unreadable ones.
    ///
    /// Reads any export: CSV or TSV in any encoding, or an xlsx, xls, xlsb or ods sheet.
    /// Exit 1 if some records cannot be read.
    ///
    /// Example: canvass inspect export.csv --format json
    Inspect {
        /// The response file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Also show what each column feeds in this survey (an id in surveys/ or a path),
        /// and what the mapping finds about the columns.
        #[arg(long, value_name = "SURVEY")]
        survey: Option<String>,
        /// How to print what was found: for people (text) or as data (json).
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        #[command(flatten)]
        read: ReadArgs,
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
        #[command(flatten)]
        analysis: AnalysisArgs,
        #[command(flatten)]
        report: ReportArgs,
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

/// How `canvass check` prints what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Each finding with its source line and a caret; a summary when the survey is valid.
    Text,
    /// One JSON object on standard output, errors and warnings alike.
    Json,
}

#[derive(Debug, Args)]
pub struct SurveyArg {
    /// The survey: a definition file, or the id of one in surveys/ (e.g. capabilities-roles).
    #[arg(value_name = "SURVEY")]
    pub survey: String,
}

/// How to read response files, when detection gets it wrong (it applies to every file).
#[derive(Debug, Clone, Default, Args)]
pub struct ReadArgs {
    /// The survey tool that made the file (canonical, qualtrics, qualtrics-legacy,
    /// surveymonkey, limesurvey, limesurvey-vv, kobo, odk-central, redcap, google-forms,
    /// microsoft-forms, typeform, unknown); it decides the number of heading rows.
    #[arg(long, value_name = "TOOL", value_parser = source::parse_tool)]
    pub tool: Option<Tool>,
    /// The field delimiter of a text file: one character, or `tab`.
    #[arg(long, value_name = "D", value_parser = source::parse_delimiter)]
    pub delimiter: Option<char>,
    /// The encoding of a text file, as a WHATWG label (utf-8, utf-16le, windows-1252, …).
    #[arg(long, value_name = "E", value_parser = source::parse_encoding)]
    pub encoding: Option<&'static Encoding>,
    /// The sheet of a spreadsheet to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// How large an input may be (see `ingest::source::Limits`); past a limit the file is
/// rejected with a message that names it.
#[derive(Debug, Clone, Default, Args)]
pub struct LimitArgs {
    /// Stop reading a text file at a row longer than this many bytes [default: 16 MiB].
    #[arg(long, value_name = "BYTES")]
    pub max_row_bytes: Option<usize>,
    /// Refuse a file whose header has more columns than this [default: 10000].
    #[arg(long, value_name = "N")]
    pub max_columns: Option<usize>,
    /// Refuse a spreadsheet that unpacks to more bytes than this [default: 512 MiB].
    #[arg(long, value_name = "BYTES")]
    pub max_unpacked_bytes: Option<u64>,
    /// Refuse a sheet whose used area has more cells than this [default: 20000000].
    #[arg(long, value_name = "N")]
    pub max_sheet_cells: Option<u64>,
}

impl LimitArgs {
    /// The defaults of [`Limits`], with those given on the command line.
    pub fn limits(&self) -> Limits {
        let default = Limits::default();
        Limits {
            max_row_bytes: self.max_row_bytes.unwrap_or(default.max_row_bytes),
            max_columns: self.max_columns.unwrap_or(default.max_columns),
            max_unpacked_bytes: self
                .max_unpacked_bytes
                .unwrap_or(default.max_unpacked_bytes),
            max_sheet_cells: self.max_sheet_cells.unwrap_or(default.max_sheet_cells),
        }
    }
}

/// How strictly to read responses (ingest and report).
#[derive(Debug, Clone, Default, Args)]
pub struct StrictnessArgs {
    /// Reject a row for any bad cell. By default a bad answer is dropped (and reported)
    /// and the row kept, unless the question is required where it is shown.
    #[arg(long)]
    pub strict: bool,
    /// Keep previews, spam and unfinished responses, which are otherwise set aside (each
    /// with its reason in rejects.csv).
    #[arg(long)]
    pub include_incomplete: bool,
}

impl ReadArgs {
    /// The reading options for ingest and report.
    pub fn options(&self, strictness: &StrictnessArgs) -> ReadOptions {
        ReadOptions {
            overrides: self.overrides(),
            strict: strictness.strict,
            include_incomplete: strictness.include_incomplete,
        }
    }

    pub fn overrides(&self) -> Overrides {
        Overrides {
            tool: self.tool,
            delimiter: self.delimiter,
            encoding: self.encoding,
            sheet: self.sheet.clone(),
            limits: self.limits.limits(),
        }
    }
}

/// How the analysis is run (report and run); every output records the options used.
#[derive(Debug, Clone, Args)]
pub struct AnalysisArgs {
    /// Coverage of every interval (Wilson, Newcombe, bootstrap), between 0 and 1.
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95, value_parser = parse_confidence)]
    pub confidence: f64,
    /// Bootstrap resamples for medians and pooled probabilities (0: no bootstrap intervals).
    #[arg(long, value_name = "R", default_value_t = 2000)]
    pub resamples: usize,
    /// Seed of the bootstrap: the same seed gives the same intervals.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Keep "don't know" and "prefer not to say" answers in shares, medians and agreement
    /// measures (by default they are counted, shown, and left out of those).
    #[arg(long)]
    pub include_nonsubstantive: bool,
    /// Group results by this single-choice or likert question instead of the survey's
    /// position.
    #[arg(long, value_name = "QUESTION")]
    pub group_by: Option<String>,
    /// Break results down by this question instead of the survey's segments (repeat for
    /// several).
    #[arg(long = "segment", value_name = "QUESTION")]
    pub segments: Vec<String>,
}

impl AnalysisArgs {
    pub fn options(&self) -> AnalysisOptions {
        AnalysisOptions {
            confidence: self.confidence,
            resamples: self.resamples,
            seed: self.seed,
            include_nonsubstantive: self.include_nonsubstantive,
            group_by: self.group_by.clone(),
            segments: (!self.segments.is_empty()).then(|| self.segments.clone()),
        }
    }
}

fn parse_confidence(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number; give a level such as 0.95"))?;
    let options = AnalysisOptions {
        confidence: value,
        ..AnalysisOptions::default()
    };
    match options.problem() {
        Some(problem) => Err(problem),
        None => Ok(value),
    }
}

/// What the report folder holds and in which language (report and run).
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Write the survey's texts (title, questions, choices) in this one of its languages.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Which report files to write, comma-separated; rejects.csv is always written, and
    /// charts/ with html or md.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "FORMATS",
        default_value = "html,md,json,parquet"
    )]
    pub format: Vec<ReportFormat>,
}

/// A file of the report folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// index.html
    Html,
    /// report.md
    Md,
    /// aggregates.json
    Json,
    /// aggregates.parquet (long format)
    Parquet,
}

impl ReportArgs {
    pub fn options(&self) -> ReportOptions {
        let has = |f: ReportFormat| self.format.contains(&f);
        ReportOptions {
            lang: self.lang.clone(),
            formats: Formats {
                html: has(ReportFormat::Html),
                markdown: has(ReportFormat::Md),
                json: has(ReportFormat::Json),
                parquet: has(ReportFormat::Parquet),
            },
        }
    }
}

#[derive(Debug, Args)]
pub struct WarningsArg {
    /// Treat definition warnings as problems: exit 1 if there are any.
    #[arg(long)]
    pub deny_warnings: bool,
}
