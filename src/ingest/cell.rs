//! One cell of the canonical response file, read as the answer its question expects.
//! The survey names every valid code up front, so a cell maps straight to a small
//! integer, and anything else is refused with the reason.

use crate::survey::{Question, QuestionKind, did_you_mean};

/// A validated answer to one question (or one matrix row).
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The cell was empty.
    Missing,
    /// Index of the chosen code among the question's choices (or the scale's levels).
    Choice(u8),
    /// Indices of the ticked codes, ascending, each once.
    Choices(Vec<u8>),
    /// Indices of the ranked codes, in rank order (first = rank 1).
    Ranked(Vec<u8>),
    Number(f64),
    Text(String),
}

/// Separator of codes in a multiple-choice or ranking cell.
pub const CODE_SEPARATOR: char = ';';

/// A question's codes laid out for finding a cell's code fast: ingest asks for every
/// cell, and the survey's [`Question::choice_index`] walks whole choices (labels and all).
#[derive(Debug, Clone, Default)]
pub struct Codes {
    /// Per code: its length and its last (up to) 8 bytes, which tell most codes of one
    /// list apart (`probably_yes`, `probably_not`) without a full comparison.
    keys: Vec<(usize, u64)>,
    codes: Vec<Box<str>>,
}

impl Codes {
    pub fn of(question: &Question) -> Codes {
        let codes: Vec<Box<str>> = question
            .choices()
            .iter()
            .map(|c| c.code.as_str().into())
            .collect();
        Codes {
            keys: codes.iter().map(|c| Codes::key(c)).collect(),
            codes,
        }
    }

    fn key(code: &str) -> (usize, u64) {
        let bytes = code.as_bytes();
        let tail = &bytes[bytes.len().saturating_sub(8)..];
        let mut packed = [0u8; 8];
        packed[..tail.len()].copy_from_slice(tail);
        (bytes.len(), u64::from_le_bytes(packed))
    }

    /// The index of `code`, if it is one.
    pub fn find(&self, code: &str) -> Option<u8> {
        let key = Codes::key(code);
        // A code of 8 bytes or fewer is all in its key.
        let whole = code.len() <= 8;
        self.keys
            .iter()
            .zip(&self.codes)
            .position(|(k, c)| *k == key && (whole || &**c == code))
            // The survey checks allow at most 255 choices, so the index fits.
            .map(|i| i as u8)
    }
}

/// Reads one cell for `question` (for a matrix, one row's cell); `Err` holds the reason
/// it is refused.
#[cfg(test)]
pub fn parse(question: &Question, cell: &str) -> Result<Answer, String> {
    parse_with(question, &Codes::of(question), cell)
}

/// [`parse`], with the question's [`Codes`] made once for every cell.
pub fn parse_with(question: &Question, codes: &Codes, cell: &str) -> Result<Answer, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(Answer::Missing);
    }
    match &question.kind {
        QuestionKind::Single { .. } | QuestionKind::Likert { .. } | QuestionKind::Matrix { .. } => {
            code_index(question, codes, cell).map(Answer::Choice)
        }
        QuestionKind::Multiple {
            min_picks,
            max_picks,
            ..
        } => {
            let mut picked = code_list(question, codes, cell)?;
            picked.sort_unstable();
            picked.dedup();
            let n = picked.len() as u32;
            if min_picks.is_some_and(|min| n < min) || max_picks.is_some_and(|max| n > max) {
                return Err(format!(
                    "`{}` has {n} choices ticked; {}",
                    question.id,
                    picks_rule(*min_picks, *max_picks)
                ));
            }
            Ok(if picked.is_empty() {
                Answer::Missing
            } else {
                Answer::Choices(picked)
            })
        }
        QuestionKind::Ranking { top, .. } => {
            let ranked = code_list(question, codes, cell)?;
            let mut seen = ranked.clone();
            seen.sort_unstable();
            if let Some(w) = seen.windows(2).find(|w| w[0] == w[1]) {
                let code = &question.choices()[usize::from(w[0])].code;
                return Err(format!("`{code}` is ranked twice in `{}`", question.id));
            }
            let expected = top.map_or(question.choices().len(), |t| t as usize);
            if !ranked.is_empty() && ranked.len() != expected {
                return Err(format!(
                    "`{}` ranks {} items; it asks for {expected}, best first, joined with `;`",
                    question.id,
                    ranked.len()
                ));
            }
            Ok(if ranked.is_empty() {
                Answer::Missing
            } else {
                Answer::Ranked(ranked)
            })
        }
        QuestionKind::Numeric { integer, .. } => {
            let n = number(question, cell)?;
            if *integer && n.fract() != 0.0 {
                return Err(format!(
                    "`{}` takes a whole number; `{cell}` is not one",
                    question.id
                ));
            }
            Ok(Answer::Number(n))
        }
        QuestionKind::Probability => {
            // A trailing percent sign is how people write probabilities; it changes nothing.
            let n = number(question, cell.strip_suffix('%').unwrap_or(cell).trim())?;
            Ok(Answer::Number(n))
        }
        QuestionKind::Year { .. } => {
            let n = number(question, cell)?;
            if n.fract() != 0.0 {
                return Err(format!(
                    "`{}` takes a year; `{cell}` is not a whole number",
                    question.id
                ));
            }
            Ok(Answer::Number(n))
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

fn picks_rule(min: Option<u32>, max: Option<u32>) -> String {
    match (min, max) {
        (Some(lo), Some(hi)) if lo == hi => format!("it asks for exactly {lo}"),
        (Some(lo), Some(hi)) => format!("it asks for {lo} to {hi}"),
        (Some(lo), None) => format!("it asks for at least {lo}"),
        (None, Some(hi)) => format!("it allows at most {hi}"),
        (None, None) => String::new(),
    }
}

/// The codes of a `;`-separated cell, in the order written, blanks skipped.
fn code_list(question: &Question, codes: &Codes, cell: &str) -> Result<Vec<u8>, String> {
    cell.split(CODE_SEPARATOR)
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| code_index(question, codes, c))
        .collect()
}

/// A number within the question's bounds (a decimal point; no thousands separators).
fn number(question: &Question, cell: &str) -> Result<f64, String> {
    let n: f64 = cell
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite())
        .ok_or_else(|| {
            format!(
                "`{cell}` is not a number (`{}` takes a number such as 42 or 3.5)",
                question.id
            )
        })?;
    let (lo, hi) = question.kind.bounds();
    if lo.is_some_and(|lo| n < lo) || hi.is_some_and(|hi| n > hi) {
        let range = match (lo, hi) {
            (Some(lo), Some(hi)) => format!("from {lo} to {hi}"),
            (Some(lo), None) => format!("of at least {lo}"),
            (None, Some(hi)) => format!("of at most {hi}"),
            (None, None) => String::new(),
        };
        return Err(format!(
            "{n} is out of range for `{}`, which takes numbers {range}",
            question.id
        ));
    }
    Ok(n)
}

fn code_index(question: &Question, codes: &Codes, code: &str) -> Result<u8, String> {
    codes.find(code).ok_or_else(|| unknown_code(question, code))
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
    use crate::survey::{Choice, Options, Scale, Text};

    fn choices(codes: &[&str]) -> Vec<Choice> {
        codes
            .iter()
            .map(|c| Choice {
                code: c.to_string(),
                label: Text::new(c.to_uppercase()),
                direction: None,
            })
            .collect()
    }

    fn question(kind: QuestionKind) -> Question {
        Question {
            id: "q".into(),
            text: Text::new("Q"),
            help: None,
            required: false,
            show_if: None,
            kind,
            coders: Vec::new(),
        }
    }

    fn options(codes: &[&str]) -> Options {
        Options {
            choices: choices(codes),
            codebook: None,
            other: false,
        }
    }

    #[test]
    fn codes_are_found_by_their_whole_text_even_when_their_ends_agree() {
        let q = question(QuestionKind::Single {
            options: options(&[
                "yes",
                "probably_yes",
                "probably_not",
                "aaaa_lab_safety",
                "bbbb_lab_safety",
                "yes2",
            ]),
        });
        let codes = Codes::of(&q);
        for (i, code) in q.choices().iter().enumerate() {
            assert_eq!(codes.find(&code.code), Some(i as u8), "{}", code.code);
        }
        for absent in [
            "",
            "ye",
            "yes ",
            "cccc_lab_safety",
            "probably_yeS",
            "robably_yes",
        ] {
            assert_eq!(codes.find(absent), None, "{absent:?}");
        }
    }

    #[test]
    fn likert_and_single_cells_map_to_level_indices() {
        let likert = question(QuestionKind::Likert {
            scale: Scale {
                id: "s".into(),
                levels: choices(&["lo", "mid", "hi"]),
                ordered: 3,
                neutral: None,
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
            Err("`mdi` is not a code of `q`; expected one of `lo`, `mid`, `hi` (did you mean `mid`?)".into())
        );
    }

    #[test]
    fn multiple_cells_split_on_semicolons_and_respect_pick_limits() {
        let multiple = question(QuestionKind::Multiple {
            options: options(&["a", "b", "c"]),
            min_picks: None,
            max_picks: Some(2),
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
        assert_eq!(
            parse(&multiple, "a;b;c"),
            Err("`q` has 3 choices ticked; it allows at most 2".into())
        );
    }

    #[test]
    fn rankings_keep_their_order_and_rank_every_item_once() {
        let ranking = question(QuestionKind::Ranking {
            options: options(&["a", "b", "c"]),
            top: Some(2),
        });
        assert_eq!(parse(&ranking, "c;a"), Ok(Answer::Ranked(vec![2, 0])));
        assert_eq!(
            parse(&ranking, "c;c"),
            Err("`c` is ranked twice in `q`".into())
        );
        assert_eq!(
            parse(&ranking, "c"),
            Err("`q` ranks 1 items; it asks for 2, best first, joined with `;`".into())
        );
        let all = question(QuestionKind::Ranking {
            options: options(&["a", "b"]),
            top: None,
        });
        assert_eq!(parse(&all, "b;a"), Ok(Answer::Ranked(vec![1, 0])));
    }

    #[test]
    fn numbers_are_checked_against_kind_and_bounds() {
        let hours = question(QuestionKind::Numeric {
            min: Some(0.0),
            max: Some(80.0),
            unit: None,
            integer: true,
        });
        assert_eq!(parse(&hours, " 40 "), Ok(Answer::Number(40.0)));
        assert_eq!(
            parse(&hours, "40.5"),
            Err("`q` takes a whole number; `40.5` is not one".into())
        );
        assert_eq!(
            parse(&hours, "81"),
            Err("81 is out of range for `q`, which takes numbers from 0 to 80".into())
        );
        assert_eq!(
            parse(&hours, "forty"),
            Err("`forty` is not a number (`q` takes a number such as 42 or 3.5)".into())
        );
        assert!(parse(&hours, "NaN").is_err() && parse(&hours, "inf").is_err());
        let p = question(QuestionKind::Probability);
        assert_eq!(parse(&p, "35%"), Ok(Answer::Number(35.0)));
        assert!(parse(&p, "135").unwrap_err().contains("out of range"));
        let year = question(QuestionKind::Year {
            min: Some(2025),
            max: None,
        });
        assert_eq!(parse(&year, "2030"), Ok(Answer::Number(2030.0)));
        assert_eq!(
            parse(&year, "2030.5"),
            Err("`q` takes a year; `2030.5` is not a whole number".into())
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
            options: options(&refs),
        });
        let reason = parse(&single, "zz").unwrap_err();
        assert!(reason.ends_with("`c9` and 4 more"), "{reason}");
    }
}
