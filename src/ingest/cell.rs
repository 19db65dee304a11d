//! One cell of the canonical response file, read as the answer its question expects.
//! The survey names every valid code up front, so a cell maps straight to a small
//! integer, and anything else is refused with the reason.

use crate::survey::{Question, QuestionKind, did_you_mean};

/// A validated answer to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The cell was empty.
    Missing,
    /// Index of the chosen code among the question's choices.
    Choice(u8),
    /// Indices of the ticked codes, ascending, each once.
    Choices(Vec<u8>),
    Text(String),
}

/// Separator of codes in a multiple-choice cell (and of ranked codes, later).
pub const CODE_SEPARATOR: char = ';';

/// Reads one cell for `question`; `Err` holds the reason it is refused.
pub fn parse(question: &Question, cell: &str) -> Result<Answer, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(Answer::Missing);
    }
    match &question.kind {
        QuestionKind::Single { .. } | QuestionKind::Likert { .. } => {
            code_index(question, cell).map(Answer::Choice)
        }
        QuestionKind::Multiple { .. } => {
            let mut picked = Vec::new();
            for code in cell.split(CODE_SEPARATOR).map(str::trim) {
                if code.is_empty() {
                    continue;
                }
                picked.push(code_index(question, code)?);
            }
            picked.sort_unstable();
            picked.dedup();
            Ok(if picked.is_empty() {
                Answer::Missing
            } else {
                Answer::Choices(picked)
            })
        }
        QuestionKind::Text { max_length } => {
            let length = cell.chars().count();
            match max_length {
                Some(max) if length > *max as usize => Err(format!(
                    "the answer to `{}` has {length} characters; at most {max} are allowed",
                    question.id
                )),
                _ => Ok(Answer::Text(cell.to_string())),
            }
        }
    }
}

fn code_index(question: &Question, code: &str) -> Result<u8, String> {
    match question.choice_index(code) {
        // The survey checks allow at most 255 choices, so the index fits.
        Some(i) => Ok(i as u8),
        None => Err(unknown_code(question, code)),
    }
}

fn unknown_code(question: &Question, code: &str) -> String {
    const SHOWN: usize = 10;
    let codes: Vec<&str> = question.choices().iter().map(|c| c.code.as_str()).collect();
    let mut expected = codes
        .iter()
        .take(SHOWN)
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if codes.len() > SHOWN {
        expected.push_str(&format!(" and {} more", codes.len() - SHOWN));
    }
    let mut reason = format!(
        "`{code}` is not a code of `{}`; expected one of {expected}",
        question.id
    );
    if let Some(help) = did_you_mean(code, codes.iter().copied()) {
        reason.push_str(&format!(" ({help})"));
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::{Choice, Options, Scale};

    fn choices(codes: &[&str]) -> Vec<Choice> {
        codes
            .iter()
            .map(|c| Choice {
                code: c.to_string(),
                label: c.to_uppercase(),
                direction: None,
            })
            .collect()
    }

    fn question(kind: QuestionKind) -> Question {
        Question {
            id: "q".into(),
            text: "Q".into(),
            help: None,
            required: false,
            kind,
        }
    }

    #[test]
    fn likert_and_single_cells_map_to_level_indices() {
        let likert = question(QuestionKind::Likert {
            scale: Scale {
                id: "s".into(),
                levels: choices(&["lo", "mid", "hi"]),
                sides: vec![],
            },
        });
        assert_eq!(parse(&likert, " hi "), Ok(Answer::Choice(2)));
        assert_eq!(parse(&likert, ""), Ok(Answer::Missing));
        assert_eq!(
            parse(&likert, "high"),
            Err("`high` is not a code of `q`; expected one of `lo`, `mid`, `hi`".into())
        );
        assert_eq!(
            parse(&likert, "mdi"),
            Err(
                "`mdi` is not a code of `q`; expected one of `lo`, `mid`, `hi` (did you mean `mid`?)"
                    .into()
            )
        );
    }

    #[test]
    fn multiple_cells_split_on_semicolons_and_ignore_blanks() {
        let multiple = question(QuestionKind::Multiple {
            options: Options {
                choices: choices(&["a", "b", "c"]),
                codebook: None,
            },
        });
        assert_eq!(
            parse(&multiple, "c; a;;a;"),
            Ok(Answer::Choices(vec![0, 2]))
        );
        assert_eq!(parse(&multiple, " ; "), Ok(Answer::Missing));
        assert!(
            parse(&multiple, "a;z")
                .unwrap_err()
                .contains("`z` is not a code")
        );
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        let text = question(QuestionKind::Text {
            max_length: Some(5),
        });
        assert_eq!(parse(&text, "  héllo "), Ok(Answer::Text("héllo".into())));
        assert_eq!(
            parse(&text, "héllo!"),
            Err("the answer to `q` has 6 characters; at most 5 are allowed".into())
        );
    }

    #[test]
    fn long_code_lists_are_shortened_in_the_reason() {
        let codes: Vec<String> = (0..14).map(|i| format!("c{i}")).collect();
        let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        let single = question(QuestionKind::Single {
            options: Options {
                choices: choices(&refs),
                codebook: None,
            },
        });
        let reason = parse(&single, "zz").unwrap_err();
        assert!(reason.ends_with("`c9` and 4 more"), "{reason}");
    }
}
