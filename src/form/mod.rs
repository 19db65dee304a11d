//! Forms people fill in, each a walk over the one [`Survey`] tree: a self-contained HTML
//! page, a printable Markdown version, the canonical CSV header as a template, and an
//! XLSForm workbook for ODK, Enketo and KoboToolbox.

mod csv_template;
mod html;
mod markdown;
mod words;
pub mod xlsform;

use crate::error::Result;
use crate::output::OutputFile;
use crate::survey::Survey;

/// The form formats canvass writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A self-contained page to fill in in a browser; it produces one canonical CSV row.
    Html,
    /// A printable version with boxes to tick.
    Md,
    /// The canonical CSV header, to fill in a spreadsheet.
    Csv,
    /// An XLSForm workbook (.xlsx) for ODK Collect, Enketo, KoboToolbox and ODK Central.
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Html, Format::Md, Format::Csv, Format::Xlsx];

    /// The file name `run` gives this form under `forms/`.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Html => "form.html",
            Format::Md => "form.md",
            Format::Csv => "template.csv",
            Format::Xlsx => "form.xlsx",
        }
    }

    /// Whether the form is binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }
}

/// The form in one format, as text. For `Xlsx` this is a text view of the workbook
/// (each sheet as tab-separated rows), for reading and comparing; [`bytes`] gives the
/// workbook itself.
pub fn emit(survey: &Survey, format: Format) -> String {
    match format {
        Format::Html => html::form(survey),
        Format::Md => markdown::form(survey),
        Format::Csv => csv_template::header(survey),
        Format::Xlsx => xlsform::text_view(&xlsform::tables(survey)),
    }
}

/// The form in one format, as the bytes of its file.
pub fn bytes(survey: &Survey, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Xlsx => xlsform::workbook(survey),
        text => Ok(emit(survey, text).into_bytes()),
    }
}

/// Every form, as files for a `forms/` folder.
pub fn all(survey: &Survey) -> Result<Vec<OutputFile>> {
    Format::ALL
        .iter()
        .map(|&format| Ok(OutputFile::new(format.file_name(), bytes(survey, format)?)))
        .collect()
}

/// How a question asks to be answered, in words, for forms and paper.
fn instruction(question: &crate::survey::Question) -> String {
    use crate::survey::QuestionKind;
    let range = |lo: Option<f64>, hi: Option<f64>| match (lo, hi) {
        (Some(lo), Some(hi)) => format!(" from {lo} to {hi}"),
        (Some(lo), None) => format!(" of at least {lo}"),
        (None, Some(hi)) => format!(" of at most {hi}"),
        (None, None) => String::new(),
    };
    let (lo, hi) = question.kind.bounds();
    match &question.kind {
        QuestionKind::Single { .. } | QuestionKind::Likert { .. } => "Pick one.".to_string(),
        QuestionKind::Multiple {
            min_picks,
            max_picks,
            ..
        } => match (min_picks, max_picks) {
            (Some(lo), Some(hi)) if lo == hi => format!("Tick exactly {lo}."),
            (Some(lo), Some(hi)) => format!("Tick {lo} to {hi}."),
            (Some(lo), None) => format!("Tick at least {lo}."),
            (None, Some(hi)) => format!("Tick up to {hi}."),
            (None, None) => "Tick all that apply.".to_string(),
        },
        QuestionKind::Matrix { .. } => "Pick one answer in each row.".to_string(),
        QuestionKind::Numeric { integer, .. } => {
            let what = if *integer {
                "a whole number"
            } else {
                "a number"
            };
            format!("Write {what}{}.", range(lo, hi))
        }
        QuestionKind::Probability => "Write a probability in percent, from 0 to 100.".to_string(),
        QuestionKind::Year { .. } => format!("Write a year{}.", range(lo, hi)),
        QuestionKind::Ranking { top, options } => match top {
            Some(k) if (*k as usize) < options.choices.len() => {
                format!(
                    "Write 1 next to your first choice, 2 next to your second, and so on for your top {k}."
                )
            }
            _ => "Number every item: 1 for your first choice, 2 for your second, and so on."
                .to_string(),
        },
        QuestionKind::Text { .. } => "Write your answer.".to_string(),
    }
}

#[cfg(test)]
mod tests;
