//! The response table: one row per accepted respondent, one typed polars column per
//! answer. This layout is the contract between ingest and analyze:
//!
//! | answer | column(s) | type |
//! | --- | --- | --- |
//! | single, likert | `q` | `UInt8` index of the code |
//! | multiple | `q.code` per choice | `Boolean` ticked |
//! | matrix | `q.row` per row | `UInt8` index of the level |
//! | ranking | `q.code` per choice | `UInt8` rank (1 = first), null if unranked |
//! | numeric, probability | `q` | `Float64` |
//! | year | `q` | `Int32` |
//! | text | `q` | `String` |
//! | "other" text | `q:other` | `String` (`:` keeps it apart from a choice coded `other`) |
//! | weight | the survey's weights column | `Float64` |
//! | Delphi round | `round` | `UInt32` |
//! | a coder's coding | `q@coder` (single) or `q@coder.code` (multiple) | as the question's |
//!
//! An unanswered question (or one not shown to the respondent) is null in every column.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat};
use polars::prelude::*;
use polars_io::prelude::{ParquetCompression, ParquetWriter, StatisticsOptions};

use super::cell::CODE_SEPARATOR;
use crate::error::{Error, Result};
use crate::escape;
use crate::survey::{CanonicalColumn, Question, QuestionKind, Survey};

/// Accepted responses, typed and validated against their survey.
#[derive(Debug, Clone)]
pub struct Responses {
    frame: DataFrame,
}

/// Column names of the response table.
pub mod column {
    pub const RESPONDENT_ID: &str = "respondent_id";
    /// Datetime in milliseconds, UTC.
    pub const SUBMITTED_AT: &str = "submitted_at";
    /// The Delphi round (`UInt32`), for surveys asked in rounds.
    pub const ROUND: &str = "round";

    /// One coder's coding of a question: `question@coder` (then `.code` per choice for a
    /// multiple-choice question, as for the question's own columns).
    pub fn coded(question: &str, coder: &str) -> String {
        crate::survey::coded_column(question, coder)
    }

    /// The column of one choice of a multiple-choice or ranking question, or of one row
    /// of a matrix.
    pub fn choice(question: &str, code: &str) -> String {
        format!("{question}.{code}")
    }

    /// The text given with the "other" choice of a question. (Its canonical CSV column
    /// is `question.other`; here `:`, which no code contains, keeps it apart from the
    /// boolean column of the `other` choice itself.)
    pub fn other(question: &str) -> String {
        format!("{question}:{}", crate::survey::OTHER)
    }
}

impl Responses {
    /// The table of the rows accepted, in the order they were: columns as documented
    /// above (see [`super::table::Layout`]).
    pub(crate) fn from_frame(frame: DataFrame) -> Responses {
        Responses { frame }
    }

    pub fn frame(&self) -> &DataFrame {
        &self.frame
    }

    /// Number of accepted respondents.
    pub fn len(&self) -> usize {
        self.frame.height()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The table as a Parquet file, column for column and type for type, for analysis in
    /// Python, R or DuckDB without re-parsing the canonical CSV.
    ///
    /// The bytes depend only on the table: its columns are made one chunk each, the
    /// compression and row-group size are fixed here, polars writes a constant `created_by` ("Polars") and no timestamp, and its
    /// parallel column encoding is put back in column order.
    pub fn to_parquet(&self) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            // zstd at the zstd crate's default level (3): small files, fast to read.
            .with_compression(ParquetCompression::Zstd(None))
            .with_statistics(StatisticsOptions::default())
            .with_row_group_size(Some(PARQUET_ROW_GROUP_ROWS))
            // One chunk per column: how a file was read in blocks must not show in the
            // file's bytes.
            .finish(self.frame.clone().rechunk_mut_par())?;
        Ok(bytes)
    }

    /// The responses as a canonical CSV file, which `ingest` reads back to the same table.
    /// Cells that a spreadsheet would run as formulas are neutralised.
    pub fn to_canonical_csv(&self, survey: &Survey) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.write_canonical_csv(survey, &mut bytes)?;
        Ok(bytes)
    }

    /// [`Responses::to_canonical_csv`], written to `out` a slice of rows at a time, so that
    /// memory holds the table and one slice's cells, not the whole file as text.
    pub fn write_canonical_csv(&self, survey: &Survey, out: &mut dyn std::io::Write) -> Result<()> {
        const ROWS_AT_A_TIME: usize = 1 << 15;
        let columns = survey.columns();
        let mut writer = csv::Writer::from_writer(out);
        let csv_error = |e: csv::Error| Error::internal(format!("writing CSV: {e}"));
        writer.write_record(columns.header()).map_err(csv_error)?;
        for start in (0..self.len()).step_by(ROWS_AT_A_TIME) {
            let slice = Responses {
                frame: self.frame.slice(start as i64, ROWS_AT_A_TIME),
            };
            let cells: Vec<CellRun> = columns
                .columns
                .iter()
                .map(|(_, column)| slice.canonical_cells(survey, *column))
                .collect::<Result<_>>()?;
            for row in 0..slice.len() {
                for column in &cells {
                    writer
                        .write_field(escape::csv_cell(column.cell(row)).as_bytes())
                        .map_err(csv_error)?;
                }
                writer
                    .write_record(std::iter::empty::<&[u8]>())
                    .map_err(csv_error)?;
            }
        }
        writer
            .flush()
            .map_err(|e| Error::internal(format!("writing CSV: {e}")))
    }

    /// One canonical column's cells, one per row.
    fn canonical_cells(&self, survey: &Survey, column: CanonicalColumn) -> Result<CellRun> {
        let rows = self.len();
        let strings = |name: &str| -> Result<CellRun> {
            let mut run = CellRun::with_rows(rows);
            for v in self.frame.column(name)?.str()?.iter() {
                run.push(v.unwrap_or_default());
            }
            Ok(run)
        };
        let numbers = |name: &str| -> Result<CellRun> {
            let values = self.frame.column(name)?.cast(&DataType::Float64)?;
            let mut run = CellRun::with_rows(rows);
            for v in values.f64()?.iter() {
                run.push_with(|text| {
                    if let Some(n) = v {
                        write_number(text, n)
                    }
                });
            }
            Ok(run)
        };
        let codes = |name: &str, question: &Question| -> Result<CellRun> {
            let choices = question.choices();
            let mut run = CellRun::with_rows(rows);
            for v in self.frame.column(name)?.u8()?.iter() {
                run.push(v.map_or("", |i| choices[usize::from(i)].code.as_str()));
            }
            Ok(run)
        };
        Ok(match column {
            CanonicalColumn::RespondentId => strings(column::RESPONDENT_ID)?,
            CanonicalColumn::SubmittedAt => {
                let times = self
                    .frame
                    .column(column::SUBMITTED_AT)?
                    .cast(&DataType::Int64)?;
                let mut run = CellRun::with_rows(rows);
                for v in times.i64()?.iter() {
                    run.push(&v.map(format_timestamp).unwrap_or_default());
                }
                run
            }
            CanonicalColumn::Weight => numbers(survey.weights.as_deref().unwrap_or_default())?,
            CanonicalColumn::Round => {
                let mut run = CellRun::with_rows(rows);
                for r in self.frame.column(column::ROUND)?.u32()?.iter() {
                    run.push_with(|text| {
                        if let Some(r) = r {
                            let _ = write!(text, "{r}");
                        }
                    });
                }
                run
            }
            CanonicalColumn::Coded(q, c) => {
                let question = &survey.questions[q];
                let name = column::coded(&question.id, &question.coders[c]);
                match &question.kind {
                    QuestionKind::Multiple { .. } => self.code_lists(&name, question)?,
                    _ => codes(&name, question)?,
                }
            }
            CanonicalColumn::Other(q) => strings(&column::other(&survey.questions[q].id))?,
            CanonicalColumn::Row(q, r) => {
                let question = &survey.questions[q];
                codes(
                    &column::choice(&question.id, &question.rows()[r].code),
                    question,
                )?
            }
            CanonicalColumn::Answer(q) => {
                let question = &survey.questions[q];
                match &question.kind {
                    QuestionKind::Single { .. } | QuestionKind::Likert { .. } => {
                        codes(&question.id, question)?
                    }
                    QuestionKind::Numeric { .. }
                    | QuestionKind::Probability
                    | QuestionKind::Year { .. } => numbers(&question.id)?,
                    QuestionKind::Text { .. } => strings(&question.id)?,
                    QuestionKind::Multiple { .. } | QuestionKind::Ranking { .. } => {
                        self.code_lists(&question.id, question)?
                    }
                    QuestionKind::Matrix { .. } => {
                        unreachable!("matrix answers are in row columns")
                    }
                }
            }
        })
    }

    /// Multiple-choice ticks, or ranked codes in rank order, joined with `;`, from the
    /// columns `name.code`.
    fn code_lists(&self, name: &str, question: &Question) -> Result<CellRun> {
        let codes: Vec<&str> = question.choices().iter().map(|c| c.code.as_str()).collect();
        let ranked = matches!(question.kind, QuestionKind::Ranking { .. });
        let columns: Vec<Column> = codes
            .iter()
            .map(|code| {
                Ok(self
                    .frame
                    .column(&column::choice(name, code))?
                    .cast(&DataType::UInt8)?)
            })
            .collect::<Result<_>>()?;
        // Per choice, per row: the tick (1) or rank, 0 when none.
        let columns: Vec<Vec<u8>> = columns
            .iter()
            .map(|c| Ok(c.u8()?.iter().map(|v| v.unwrap_or(0)).collect()))
            .collect::<Result<_>>()?;
        let mut run = CellRun::with_rows(self.len());
        let mut picked: Vec<(u8, usize)> = Vec::with_capacity(codes.len());
        for row in 0..self.len() {
            picked.clear();
            for (i, c) in columns.iter().enumerate() {
                if c[row] > 0 {
                    picked.push((c[row], i));
                }
            }
            if ranked {
                picked.sort_unstable();
            }
            run.push_with(|text| {
                for (n, (_, i)) in picked.iter().enumerate() {
                    if n > 0 {
                        text.push(CODE_SEPARATOR);
                    }
                    text.push_str(codes[*i]);
                }
            });
        }
        Ok(run)
    }
}

/// One canonical column's cells for a run of rows, end to end in one string: one
/// allocation per column, not one per cell.
struct CellRun {
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
}

impl CellRun {
    fn with_rows(rows: usize) -> CellRun {
        CellRun {
            text: String::new(),
            ends: Vec::with_capacity(rows),
        }
    }

    fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    /// Appends a cell that `write` writes into the text.
    fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        write(&mut self.text);
        self.ends.push(self.text.len());
    }

    fn cell(&self, row: usize) -> &str {
        let start = row.checked_sub(1).map_or(0, |r| self.ends[r]);
        &self.text[start..self.ends[row]]
    }
}

/// Rows per Parquet row group (polars' own default, fixed here so an upgrade of polars
/// does not silently change the file).
const PARQUET_ROW_GROUP_ROWS: usize = 512 * 512;

/// Numbers as written in canonical files: the shortest form that reads back the same.
fn write_number(text: &mut String, n: f64) {
    let _ = write!(text, "{n}");
}

fn format_timestamp(millis: i64) -> String {
    DateTime::from_timestamp_millis(millis)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;
    use std::path::Path;

    use polars_io::SerReader;
    use polars_io::prelude::ParquetReader;

    use super::*;
    use crate::ingest::{Ingested, ingest_bytes};
    use crate::synth::Synth;
    use crate::testing::{ingest_csv, survey};

    fn frontier() -> Survey {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys/frontier-roles-2027.toml");
        crate::survey::load(&path).unwrap().survey
    }

    /// A synthetic panel of `rows` rows for the frontier survey, ingested.
    fn synth_panel(survey: &Survey, rows: u64) -> Ingested {
        let csv = Synth::new(survey, rows, 11).unwrap().to_vec().unwrap();
        let ingested = ingest_bytes(survey, &[("synthetic.csv".to_string(), csv)]).unwrap();
        assert_eq!(
            ingested.responses.len() as u64,
            rows,
            "synth rows all ingest"
        );
        ingested
    }

    fn read_parquet(bytes: &[u8]) -> DataFrame {
        ParquetReader::new(Cursor::new(bytes)).finish().unwrap()
    }

    fn assert_reads_back(responses: &Responses) {
        let bytes = responses.to_parquet().unwrap();
        let back = read_parquet(&bytes);
        assert_eq!(back.schema(), responses.frame().schema());
        assert!(
            back.equals_missing(responses.frame()),
            "read back:\n{back}\nwritten:\n{}",
            responses.frame()
        );
    }

    #[test]
    fn parquet_reads_back_to_the_same_typed_table() {
        let survey = frontier();
        let ingested = synth_panel(&survey, 3000);
        let frame = ingested.responses.frame();
        // The panel exercises every column type of the response table.
        let dtypes: Vec<DataType> = frame.dtypes();
        for dtype in [
            DataType::String,
            DataType::Datetime(TimeUnit::Milliseconds, None),
            DataType::UInt8,
            DataType::Boolean,
            DataType::Float64,
            DataType::Int32,
        ] {
            assert!(dtypes.contains(&dtype), "no {dtype} column in {dtypes:?}");
        }
        assert!(
            frame.columns().iter().any(|c| c.null_count() > 0),
            "the panel has unanswered questions"
        );
        assert_reads_back(&ingested.responses);
    }

    #[test]
    fn an_empty_table_keeps_its_columns_and_types() {
        let ingested = ingest_csv(&survey(), "respondent_id,stance\na,sideways\n");
        assert!(ingested.responses.is_empty());
        assert_reads_back(&ingested.responses);
    }

    #[test]
    fn parquet_bytes_depend_only_on_the_table() {
        let survey = frontier();
        let first = synth_panel(&survey, 1500).responses.to_parquet().unwrap();
        let second = synth_panel(&survey, 1500).responses.to_parquet().unwrap();
        assert!(first == second, "two runs wrote different bytes");
        assert_eq!(&first[..4], b"PAR1");
        assert_eq!(&first[first.len() - 4..], b"PAR1");
        let other = synth_panel(&survey, 1499).responses.to_parquet().unwrap();
        assert!(first != other);
    }
}
