//! What went wrong in the input, with where: every rejected row and every file or
//! column problem, written to `rejects.csv`.

use std::fmt;

use serde::Serialize;

use crate::escape;

/// What a problem did to the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The row is not in the responses.
    RowRejected,
    /// A column's cells were not read (it matches no question).
    ColumnIgnored,
    /// One cell was not used, the rest of the row was (e.g. an answer to a question
    /// whose `show_if` does not hold for that respondent).
    CellDropped,
    /// The file cannot be used as a whole: it is empty, or its header lacks a column every
    /// row needs or names one twice. Its rows (if any) are each rejected too.
    FileRejected,
    /// Worth knowing, nothing was lost (e.g. an optional question's column is absent).
    Note,
    /// The row is not a response and is not counted as one: a preview, a test, spam, an
    /// unfinished or review-rejected submission (exports from survey tools say which).
    RowSetAside,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::RowRejected => "row rejected",
            Effect::ColumnIgnored => "column ignored",
            Effect::CellDropped => "cell dropped",
            Effect::FileRejected => "file rejected",
            Effect::Note => "note",
            Effect::RowSetAside => "row set aside",
        }
    }

    /// Whether this counts as a problem with the input (exit code 1).
    pub fn is_problem(self) -> bool {
        !matches!(self, Effect::Note | Effect::RowSetAside)
    }
}

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    /// 1-based line where the record starts (the header is line 1 in a canonical file).
    pub line: u64,
    /// 1-based column number, when the problem is in one cell or column.
    pub column: Option<usize>,
    /// The column's header name, when known.
    pub field: Option<String>,
    /// The raw cell, when the problem is in one.
    pub value: Option<String>,
    pub effect: Effect,
    pub reason: String,
}

impl Problem {
    /// A problem with a whole line (no column).
    pub fn at(file: &str, line: u64, effect: Effect, reason: String) -> Problem {
        Problem {
            file: file.to_string(),
            line,
            column: None,
            field: None,
            value: None,
            effect,
            reason,
        }
    }
}

impl fmt::Display for Problem {
    /// `file:line:column: reason` — the form editors and terminals can jump to.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        write!(f, ": {}: {}", self.effect.as_str(), self.reason)
    }
}

/// Every problem of one ingest, in file and line order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rejects {
    pub problems: Vec<Problem>,
}

impl Rejects {
    /// Whether anything in the input was lost or did not match the survey.
    pub fn has_problems(&self) -> bool {
        self.problems.iter().any(|p| p.effect.is_problem())
    }

    /// `rejects.csv`: one line per problem. Every cell is neutralised against formula
    /// injection, since raw values come from strangers' files.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let header = [
            "file", "line", "column", "field", "value", "effect", "reason",
        ];
        // Writing to a Vec cannot fail.
        writer.write_record(header).expect("write to memory");
        for p in &self.problems {
            let column = p.column.map(|c| c.to_string()).unwrap_or_default();
            let record = [
                p.file.as_str(),
                &p.line.to_string(),
                &column,
                p.field.as_deref().unwrap_or(""),
                p.value.as_deref().unwrap_or(""),
                p.effect.as_str(),
                &p.reason,
            ];
            for cell in record {
                writer
                    .write_field(escape::csv_cell(cell).as_bytes())
                    .expect("write to memory");
            }
            writer
                .write_record(std::iter::empty::<&[u8]>())
                .expect("write to memory");
        }
        writer.into_inner().expect("flush to memory")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_csv_has_the_location_and_neutralises_values() {
        let rejects = Rejects {
            problems: vec![Problem {
                file: "data/x.csv".into(),
                line: 3,
                column: Some(2),
                field: Some("stance".into()),
                value: Some("=HYPERLINK(\"x\")".into()),
                effect: Effect::RowRejected,
                reason: "unknown code".into(),
            }],
        };
        let text = String::from_utf8(rejects.to_csv()).unwrap();
        assert_eq!(
            text,
            "file,line,column,field,value,effect,reason\n\
             data/x.csv,3,2,stance,\"'=HYPERLINK(\"\"x\"\")\",row rejected,unknown code\n"
        );
        assert!(rejects.has_problems());
        assert_eq!(
            rejects.problems[0].to_string(),
            "data/x.csv:3:2: row rejected: unknown code"
        );
    }
}
