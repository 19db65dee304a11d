//! Choice label → code, for one list of choices (a question's choices, a scale's levels,
//! or a matrix's rows). Tried in order, the first tier that matches anything decides:
//! the exact code; the exact label in any of the survey's languages; an alias the
//! researcher gave; a number equal to a numeric code (`5.0000` for `5`, as LimeSurvey
//! writes); then code or label ignoring case, spacing and punctuation. A tier that
//! matches two choices is ambiguous: a problem, never a pick.

use super::text::normalize;
use crate::survey::Choice;

/// One choice and every way an export may write it.
#[derive(Debug, Clone)]
struct Entry {
    code: String,
    labels: Vec<String>,
    aliases: Vec<String>,
    normalized: Vec<String>,
}

/// The choices of one list, ready to match values against.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    entries: Vec<Entry>,
}

/// Why a value matched no single choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    Unknown,
    /// The codes of the choices it matched equally well.
    Ambiguous(Vec<String>),
}

impl Labels {
    /// `aliases`: (what the export writes, the code it means), as the researcher gave them.
    pub fn new(choices: &[Choice], aliases: &[(String, String)]) -> Labels {
        let entries = choices
            .iter()
            .map(|c| {
                let mut labels = vec![c.label.as_str().to_string()];
                labels.extend(c.label.translations().map(|(_, t)| t.to_string()));
                let aliases: Vec<String> = aliases
                    .iter()
                    .filter(|(_, code)| *code == c.code)
                    .map(|(alias, _)| alias.trim().to_string())
                    .collect();
                let mut normalized: Vec<String> = std::iter::once(c.code.as_str())
                    .chain(labels.iter().map(String::as_str))
                    .chain(aliases.iter().map(String::as_str))
                    .map(normalize)
                    .filter(|n| !n.is_empty())
                    .collect();
                normalized.sort();
                normalized.dedup();
                Entry {
                    code: c.code.clone(),
                    labels,
                    aliases,
                    normalized,
                }
            })
            .collect();
        Labels { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn code(&self, index: usize) -> &str {
        &self.entries[index].code
    }

    /// The index of the one choice `value` means.
    pub fn find(&self, value: &str) -> Result<usize, Mismatch> {
        let value = value.trim();
        let number = value.parse::<f64>().ok().filter(|n| n.is_finite());
        let normalized = normalize(value);
        let tiers: [&dyn Fn(&Entry) -> bool; 5] = [
            &|e| e.code == value,
            &|e| e.labels.iter().any(|l| l.trim() == value),
            &|e| e.aliases.iter().any(|a| a == value),
            &|e| number.is_some() && e.code.parse::<f64>().ok() == number,
            &|e| !normalized.is_empty() && e.normalized.contains(&normalized),
        ];
        for matches in tiers {
            let found: Vec<usize> = (0..self.entries.len())
                .filter(|&i| matches(&self.entries[i]))
                .collect();
            match found.as_slice() {
                [] => continue,
                [one] => return Ok(*one),
                many => {
                    return Err(Mismatch::Ambiguous(
                        many.iter().map(|&i| self.entries[i].code.clone()).collect(),
                    ));
                }
            }
        }
        Err(Mismatch::Unknown)
    }

    /// What a person reads when a value matched nothing: the labels and codes expected.
    pub fn expected(&self) -> String {
        const SHOWN: usize = 8;
        let mut out: Vec<String> = self
            .entries
            .iter()
            .take(SHOWN)
            .map(|e| format!("`{}` ({})", e.labels[0], e.code))
            .collect();
        if self.entries.len() > SHOWN {
            out.push(format!("and {} more", self.entries.len() - SHOWN));
        }
        out.join(", ")
    }

    /// The reason a value is refused, for a problem.
    pub fn reason(&self, what: &str, value: &str, mismatch: &Mismatch) -> String {
        match mismatch {
            Mismatch::Unknown => format!(
                "`{}` is not a choice of {what}; expected a label or code: {} (give an alias in [ingest] if it means one of them)",
                value.trim(),
                self.expected()
            ),
            Mismatch::Ambiguous(codes) => format!(
                "`{}` could mean any of {} of {what}; give an alias in [ingest] to say which",
                value.trim(),
                codes
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::Text;
    use proptest::prelude::*;

    fn choice(code: &str, label: &str) -> Choice {
        Choice {
            code: code.into(),
            label: Text::new(label),
            direction: None,
        }
    }

    fn labels() -> Labels {
        Labels::new(
            &[
                choice("rare", "Rare"),
                choice("medium_rare", "Medium rare"),
                choice("medium", "Medium"),
                Choice {
                    label: Text::new("Well done").with_translation("fr", "Bien cuit"),
                    ..choice("well", "")
                },
            ],
            &[("Blue".into(), "rare".into())],
        )
    }

    #[test]
    fn tiers_are_tried_in_order() {
        let l = labels();
        assert_eq!(l.find("medium"), Ok(2));
        assert_eq!(l.find("Medium rare"), Ok(1));
        assert_eq!(l.find("  MEDIUM-RARE "), Ok(1));
        assert_eq!(l.find("Bien cuit"), Ok(3));
        assert_eq!(l.find("bien  cuit!"), Ok(3));
        assert_eq!(l.find("Blue"), Ok(0));
        assert_eq!(l.find("raw"), Err(Mismatch::Unknown));
    }

    #[test]
    fn numeric_codes_match_numbers_written_with_decimals() {
        let l = Labels::new(&[choice("0", "None"), choice("5", "Five")], &[]);
        assert_eq!(l.find("5.0000000000"), Ok(1));
        assert_eq!(l.find("0.5"), Err(Mismatch::Unknown));
    }

    #[test]
    fn two_choices_alike_once_normalized_are_ambiguous() {
        let l = Labels::new(&[choice("a", "Yes!"), choice("b", "yes")], &[]);
        assert_eq!(l.find("yes"), Ok(1));
        assert_eq!(
            l.find("YES"),
            Err(Mismatch::Ambiguous(vec!["a".into(), "b".into()]))
        );
        let reason = l.reason("`q`", "YES", &l.find("YES").unwrap_err());
        assert!(reason.contains("`a`, `b`"), "{reason}");
    }

    proptest! {
        #[test]
        fn matching_ignores_case_space_punctuation(pick in 0usize..4, upper in any::<bool>(), pad in "[ .!?-]{0,3}") {
            let l = labels();
            let label = ["Rare", "Medium rare", "Medium", "Well done"][pick];
            let noisy = format!("{pad}{}{pad}", if upper { label.to_uppercase() } else { label.to_lowercase() });
            prop_assert_eq!(l.find(&noisy), Ok(pick));
        }

        #[test]
        fn a_value_never_means_two_codes(labels_in in proptest::collection::vec("[a-cA-C ,.]{1,4}", 1..6), value in "\\PC{0,8}") {
            let choices: Vec<Choice> = labels_in.iter().enumerate().map(|(i, l)| choice(&format!("c{i}"), l)).collect();
            let l = Labels::new(&choices, &[]);
            // Either one index or a refusal; an Ok is always a choice whose label or code
            // matches the value after normalizing.
            if let Ok(i) = l.find(&value) {
                let n = normalize(&value);
                let e = &l.entries[i];
                prop_assert!(e.code == value.trim() || e.labels.iter().any(|x| x.trim() == value.trim()) || e.normalized.contains(&n));
                let others = (0..l.len()).filter(|&j| j != i && (l.entries[j].labels.iter().any(|x| x.trim() == value.trim()))).count();
                prop_assert!(others == 0 || e.code == value.trim());
            }
        }
    }
}
