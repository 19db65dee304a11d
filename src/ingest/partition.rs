//! The response table in partitions, for analysis past one machine: `ingest --partition`
//! writes `responses/part-00000.parquet` … of a fixed number of rows each, and `analyze
//! --partial` reads one back (or a canonical CSV) to make its partial aggregates. Why
//! row-count partitions and not, say, one per position: `docs/scale.md`.

use std::io::Cursor;
use std::path::Path;

use polars_io::SerReader;
use polars_io::prelude::ParquetReader;

use super::{Responses, ingest_bytes};
use crate::error::{Error, Result};
use crate::form::{self, Format};
use crate::survey::Survey;

/// The folder, inside an ingest's output folder, that holds the partitions.
pub const FOLDER: &str = "responses";

/// The name of the `index`th partition file.
pub fn file_name(index: usize) -> String {
    format!("part-{index:05}.parquet")
}

/// The table cut into Parquet files of `rows` rows each (the last may hold fewer; an
/// empty table gives one empty file, so the folder always says what its columns are).
pub fn partitions(responses: &Responses, rows: usize) -> Result<Vec<(String, Vec<u8>)>> {
    if rows == 0 {
        return Err(Error::Usage(
            "--rows-per-partition must be at least 1".to_string(),
        ));
    }
    let frame = responses.frame();
    let count = frame.height().div_ceil(rows).max(1);
    (0..count)
        .map(|i| {
            let part = frame.slice((i * rows) as i64, rows);
            Ok((file_name(i), Responses::from_frame(part).to_parquet()?))
        })
        .collect()
}

/// The response table of `survey` with no rows: the columns and types every partition
/// must have.
fn empty(survey: &Survey) -> Result<Responses> {
    let header = form::emit(survey, Format::Csv);
    Ok(ingest_bytes(survey, &[("template.csv".to_string(), header.into_bytes())])?.responses)
}

/// Whether `bytes` are a Parquet file (its magic number), not a CSV.
pub fn is_parquet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PAR1")
}

/// A partition `ingest --partition` wrote (or any Parquet file with the response table's
/// columns and types), checked against the survey column by column.
pub fn read_parquet(survey: &Survey, path: &Path, bytes: Vec<u8>) -> Result<Responses> {
    let name = path.display();
    let frame = ParquetReader::new(Cursor::new(bytes))
        .finish()
        .map_err(|e| Error::Usage(format!("{name}: not a readable Parquet file: {e}")))?;
    let expected = empty(survey)?;
    let schema = frame.schema();
    let mut columns = Vec::new();
    for (column, dtype) in expected.frame().schema().iter() {
        match schema.get(column) {
            Some(found) if found == dtype => columns.push(column.clone()),
            Some(found) => {
                return Err(Error::Usage(format!(
                    "{name}: column `{column}` is {found}, but survey `{}` needs {dtype} (write partitions with `canvass ingest --rows-per-partition`)",
                    survey.id
                )));
            }
            None => {
                return Err(Error::Usage(format!(
                    "{name}: column `{column}` of survey `{}` is missing (write partitions with `canvass ingest --rows-per-partition`)",
                    survey.id
                )));
            }
        }
    }
    if let Some(extra) = schema
        .iter_names()
        .find(|c| expected.frame().schema().get(c).is_none())
    {
        return Err(Error::Usage(format!(
            "{name}: column `{extra}` is not a column of survey `{}`",
            survey.id
        )));
    }
    Ok(Responses::from_frame(frame.select(columns)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{every_kind, ingest_csv};

    const ROWS: &str = "respondent_id,submitted_at,weight,stance,role,role.other,why,grid.r1,grid.r2,hours,p,when,order,note\n\
                        1,2026-01-02T03:04:05Z,1.5,yes,a,,x;z,agree,dk,40,35.5,2031,z;x,because\n\
                        2,,1,no,b,,,disagree,agree,,0,2025,,\n\
                        3,,2,yes,other,me,x,agree,agree,20,50,2040,x;y,so\n";

    #[test]
    fn partitions_read_back_to_the_rows_they_hold() {
        let survey = every_kind();
        let responses = ingest_csv(&survey, ROWS).responses;
        let parts = partitions(&responses, 2).unwrap();
        let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["part-00000.parquet", "part-00001.parquet"]);
        let back: Vec<Responses> = parts
            .into_iter()
            .map(|(n, bytes)| read_parquet(&survey, Path::new(&n), bytes).unwrap())
            .collect();
        assert_eq!(back[0].len(), 2);
        assert_eq!(back[1].len(), 1);
        assert!(
            back[0]
                .frame()
                .equals_missing(&responses.frame().slice(0, 2))
        );
        assert!(
            back[1]
                .frame()
                .equals_missing(&responses.frame().slice(2, 1))
        );
    }

    #[test]
    fn a_partition_of_another_survey_is_refused_with_the_column() {
        let survey = every_kind();
        let other = crate::testing::survey();
        let bytes = ingest_csv(&other, "respondent_id,stance\n1,yes\n")
            .responses
            .to_parquet()
            .unwrap();
        let error = read_parquet(&survey, Path::new("p.parquet"), bytes)
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("p.parquet: column `weight`"), "{error}");
        assert!(
            read_parquet(&survey, Path::new("x"), b"PAR1 not really".to_vec())
                .unwrap_err()
                .to_string()
                .starts_with("x: not a readable Parquet file"),
        );
        assert!(matches!(
            partitions(&ingest_csv(&survey, ROWS).responses, 0),
            Err(Error::Usage(_))
        ));
    }
}
