//! Forms people fill in, each a walk over the one [`Survey`] tree: a self-contained HTML
//! page, a printable Markdown version, and the canonical CSV header as a template.

mod csv_template;
mod html;
mod markdown;

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
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Html, Format::Md, Format::Csv];

    /// The file name `run` gives this form under `forms/`.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Html => "form.html",
            Format::Md => "form.md",
            Format::Csv => "template.csv",
        }
    }
}

/// The form in one format.
pub fn emit(survey: &Survey, format: Format) -> String {
    match format {
        Format::Html => html::form(survey),
        Format::Md => markdown::form(survey),
        Format::Csv => csv_template::header(survey),
    }
}

/// Every form, as files for a `forms/` folder.
pub fn all(survey: &Survey) -> Vec<OutputFile> {
    Format::ALL
        .iter()
        .map(|&format| OutputFile::new(format.file_name(), emit(survey, format)))
        .collect()
}

/// How a question asks to be answered, in words, for forms and paper.
fn instruction(question: &crate::survey::Question) -> &'static str {
    use crate::survey::QuestionKind;
    match question.kind {
        QuestionKind::Single { .. } | QuestionKind::Likert { .. } => "Pick one.",
        QuestionKind::Multiple { .. } => "Tick all that apply.",
        QuestionKind::Text { .. } => "Write your answer.",
    }
}

#[cfg(test)]
mod tests;
