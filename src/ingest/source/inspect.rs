//! What `canvass inspect` reports about a file: how it was read, its columns with every
//! heading, and what in it is odd, counted over a streamed pass (the records themselves
//! are not kept).

use serde::Serialize;

use super::{Detected, Source};
use crate::import::workbook::column_letters;

/// How many odd records and problems are listed (all are counted).
pub const LISTED: usize = 10;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    pub file: String,
    #[serde(serialize_with = "detected_with_tool_names")]
    pub detected: Detected,
    /// Data records read (heading rows not counted), unreadable ones included.
    pub records: u64,
    pub unreadable: u64,
    pub columns: Vec<Column>,
    /// Records whose field count is not the header's: how many, and the first few.
    pub ragged: u64,
    pub ragged_first: Vec<Ragged>,
    /// The first unreadable records.
    pub problems: Vec<Unreadable>,
    /// With a survey (`inspect --survey`): what the mapping onto it found about the
    /// columns, as `line:column: effect: reason`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapping: Option<Vec<String>>,
}

/// `Detected` with the tool as `--tool` names it. `Tool`'s own serde names split some
/// words (`survey-monkey`, `lime-survey-vv`) that `Tool::name` and `--tool` do not; what
/// inspect prints must be what `--tool` takes.
fn detected_with_tool_names<S: serde::Serializer>(
    detected: &Detected,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Named<'a> {
        tool: &'static str,
        format: &'static str,
        encoding: Option<&'static str>,
        bom: bool,
        delimiter: Option<char>,
        sheet: Option<&'a str>,
        header_rows: usize,
        notes: &'a [String],
    }
    Named {
        tool: detected.tool.name(),
        format: detected.format,
        encoding: detected.encoding,
        bom: detected.bom,
        delimiter: detected.delimiter,
        sheet: detected.sheet.as_deref(),
        header_rows: detected.header_rows,
        notes: &detected.notes,
    }
    .serialize(serializer)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// 1-based.
    pub number: usize,
    /// As a spreadsheet names it: `A`, `B`, … `AA`.
    pub letter: String,
    /// The column's text in each heading row, top first ("" where a row is shorter).
    pub headings: Vec<String>,
    /// With a survey (`inspect --survey`): the canonical columns it feeds, and how.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maps_to: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ragged {
    pub line: u64,
    pub fields: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unreadable {
    pub line: u64,
    pub reason: String,
    pub fatal: bool,
}

impl Inspection {
    /// Reads the whole source once.
    pub fn of(source: Source) -> Inspection {
        let width = source.header.first().map_or(0, |h| h.cells.len());
        let columns = (0..source
            .header
            .iter()
            .map(|h| h.cells.len())
            .max()
            .unwrap_or(0))
            .map(|i| Column {
                number: i + 1,
                letter: column_letters(u32::try_from(i).unwrap_or(u32::MAX)),
                headings: source
                    .header
                    .iter()
                    .map(|h| h.cells.get(i).cloned().unwrap_or_default())
                    .collect(),
                maps_to: None,
            })
            .collect();
        let mut inspection = Inspection {
            file: source.file,
            detected: source.detected,
            records: 0,
            unreadable: 0,
            columns,
            ragged: 0,
            ragged_first: Vec::new(),
            problems: Vec::new(),
            mapping: None,
        };
        for record in source.body.records() {
            inspection.records += 1;
            match record {
                Ok(record) if record.cells.len() != width => {
                    inspection.ragged += 1;
                    if inspection.ragged_first.len() < LISTED {
                        inspection.ragged_first.push(Ragged {
                            line: record.line,
                            fields: record.cells.len(),
                        });
                    }
                }
                Ok(_) => {}
                Err(unreadable) => {
                    inspection.unreadable += 1;
                    if inspection.problems.len() < LISTED {
                        inspection.problems.push(Unreadable {
                            line: unreadable.line,
                            reason: unreadable.reason,
                            fatal: unreadable.fatal,
                        });
                    }
                }
            }
        }
        inspection
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::source::{Overrides, open_bytes};

    #[test]
    fn columns_records_and_oddities_are_counted() {
        let text = "id,\"name\",x\nID,Name\n1,a,b\n2,b\n3,\"c\nd,e,f\n";
        let source = open_bytes("t.csv", text.as_bytes().to_vec(), &Overrides::default()).unwrap();
        // No tool is recognised: one heading row.
        let inspection = Inspection::of(source);
        assert_eq!(inspection.detected.header_rows, 1);
        assert_eq!(inspection.columns.len(), 3);
        assert_eq!(inspection.columns[2].letter, "C");
        assert_eq!(inspection.columns[1].headings, vec!["name"]);
        assert_eq!(inspection.records, 4);
        assert_eq!(inspection.ragged, 2);
        assert_eq!(
            inspection.ragged_first,
            vec![Ragged { line: 2, fields: 2 }, Ragged { line: 4, fields: 2 }]
        );
        assert_eq!(inspection.unreadable, 1);
        assert_eq!(inspection.problems[0].line, 5);
    }

    #[test]
    fn json_names_the_tool_as_tool_takes_it() {
        let text = "RespondentID,Q1\n,Response\n1,a\n";
        let source = open_bytes("s.csv", text.as_bytes().to_vec(), &Overrides::default()).unwrap();
        let json = serde_json::to_value(Inspection::of(source)).unwrap();
        assert_eq!(json["detected"]["tool"], "surveymonkey");
        assert_eq!(json["detected"]["header_rows"], 2);
    }
}
