//! What an export column is, read from its headings: a canonical column, one choice of a
//! multiple-choice question, one item of a ranking, or nothing of this survey. Each tier
//! of evidence is tried in order and the first that finds anything decides; a tier that
//! finds two different things is ambiguous (see `plan`).

use super::labels::Labels;
use super::text::{normalize, strip_markup};
use crate::ingest::source::{Record, Tool};
use crate::survey::{CanonicalColumn, Columns, QuestionKind, Survey};

/// What one export column feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// A whole canonical column (index into `Columns::columns`).
    Column(usize),
    /// One choice of a multiple-choice question: the cell ticks it or not.
    Choice(usize, usize),
    /// One item of a ranking question: the cell is its rank.
    RankOf(usize, usize),
    /// One rank of a ranking question (1-based): the cell is the item.
    AtRank(usize, usize),
}

/// The evidence a match rests on, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Canonical,
    Override,
    Id,
    ExactText,
    Text,
}

impl Tier {
    pub fn describe(self) -> &'static str {
        match self {
            Tier::Canonical => "its canonical column name",
            Tier::Override => "a column override",
            Tier::Id => "question and choice ids",
            Tier::ExactText => "question and label text",
            Tier::Text => "question and label text ignoring case, spacing and punctuation",
        }
    }
}

/// The headings of every column, one list per column, as the tool wrote them.
pub fn views(tool: Tool, header: &[Record]) -> Vec<Vec<String>> {
    let width = header.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let mut out = vec![Vec::new(); width];
    for (row_index, row) in header.iter().enumerate() {
        // An HXL tag row (`#symmetry`) below the headings names no question.
        let hxl = row_index > 0
            && row
                .cells
                .iter()
                .filter(|c| !c.trim().is_empty())
                .all(|c| c.trim().starts_with('#'));
        if hxl {
            continue;
        }
        let mut inherited = String::new();
        for (j, cell) in row.cells.iter().enumerate() {
            let mut text = strip_markup(cell)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(id) = import_id(&text) {
                text = id;
            }
            // SurveyMonkey leaves the heading of a question's later columns blank: they
            // continue the question to their left; the row below names the part.
            if tool == Tool::SurveyMonkey && row_index == 0 {
                if text.is_empty() {
                    text = inherited.clone();
                } else {
                    inherited = text.clone();
                }
            }
            // LimeSurvey's CSV export writes `code. text` (`Q1. Where do you stand?`,
            // `Q2[SQ001]. Rate each`): the code and the text are each a heading.
            let parts = match text.split_once(". ") {
                Some((code, rest)) if limesurvey(tool) && !code.contains(' ') => {
                    vec![code.to_string(), rest.to_string(), text.clone()]
                }
                _ => vec![text],
            };
            for text in parts {
                if !text.is_empty() && !out[j].contains(&text) {
                    out[j].push(text);
                }
            }
        }
    }
    if tool == Tool::SurveyMonkey && header.len() >= 2 {
        for (j, list) in out.iter_mut().enumerate() {
            let head = header[0].cells.get(j).map(|c| c.trim()).unwrap_or("");
            let sub = header[1].cells.get(j).map(|c| c.trim()).unwrap_or("");
            if let (Some(question), false) = (list.first().cloned(), sub.is_empty()) {
                // A part other than the whole answer: the composite alone says what the
                // column is (the question text by itself would claim the whole answer).
                if head.is_empty() || sub != "Response" {
                    *list = vec![format!("{question}\u{1f}{sub}")];
                }
            }
        }
    }
    out
}

fn limesurvey(tool: Tool) -> bool {
    matches!(tool, Tool::LimeSurvey | Tool::LimeSurveyVv)
}

/// `{"ImportId":"QID1"}` → `QID1` (Qualtrics' third heading row).
fn import_id(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    value.get("ImportId")?.as_str().map(str::to_string)
}

/// One tier's way of reading a heading.
type FindTargets<'f> = dyn Fn(&str) -> Vec<Target> + 'f;

/// Everything a heading is matched against, built once per plan.
pub struct Matcher<'a> {
    pub survey: &'a Survey,
    pub columns: &'a Columns,
    /// Per question: its choices (or scale levels), with the researcher's aliases.
    pub labels: Vec<Labels>,
    /// Per question: its matrix rows.
    pub rows: Vec<Labels>,
    /// (export heading, canonical column index), from the mapping's overrides.
    pub overrides: Vec<(String, usize)>,
}

impl Matcher<'_> {
    fn column_of(&self, wanted: CanonicalColumn) -> Option<usize> {
        self.columns.columns.iter().position(|(_, c)| *c == wanted)
    }

    /// The targets a column's headings name, with the tier that found them.
    pub fn targets(&self, headings: &[String]) -> Option<(Tier, Vec<Target>)> {
        let tiers: [(Tier, &FindTargets); 5] = [
            (Tier::Canonical, &|h| self.canonical(h)),
            (Tier::Override, &|h| self.overridden(h)),
            (Tier::Id, &|h| self.by_id(h)),
            (Tier::ExactText, &|h| self.by_text(h, false)),
            (Tier::Text, &|h| self.by_text(h, true)),
        ];
        for (tier, find) in tiers {
            let mut found: Vec<Target> = headings.iter().flat_map(|h| find(h)).collect();
            found.sort();
            found.dedup();
            if !found.is_empty() {
                return Some((tier, found));
            }
        }
        None
    }

    fn canonical(&self, heading: &str) -> Vec<Target> {
        self.columns
            .columns
            .iter()
            .position(|(name, _)| name == heading)
            .map(Target::Column)
            .into_iter()
            .collect()
    }

    fn overridden(&self, heading: &str) -> Vec<Target> {
        let plain = heading.replace('\u{1f}', " ");
        self.overrides
            .iter()
            .filter(|(h, _)| h.trim() == plain || normalize(h) == normalize(&plain))
            .map(|(_, c)| Target::Column(*c))
            .collect()
    }

    /// `q`, `group/q`, `group-q` (Kobo, ODK), and `q___c`, `q/c`, `q_c`, `q.c`, `q[c]`,
    /// `q-c` for a choice, row, item or `other` text.
    fn by_id(&self, heading: &str) -> Vec<Target> {
        if heading.contains('\u{1f}') {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut candidates = vec![heading];
        for (i, c) in heading.char_indices() {
            if c == '/' || c == '-' {
                candidates.push(&heading[i + 1..]);
            }
        }
        for candidate in candidates {
            for (q, question) in self.survey.questions.iter().enumerate() {
                if candidate == question.id {
                    out.extend(self.whole(q));
                    continue;
                }
                let Some(rest) = candidate.strip_prefix(question.id.as_str()) else {
                    continue;
                };
                let sub = ["___", "/", "_", ".", "-"]
                    .iter()
                    .find_map(|sep| rest.strip_prefix(sep))
                    .or_else(|| rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')));
                if let Some(sub) = sub {
                    out.extend(self.part(q, sub, false));
                }
            }
        }
        out
    }

    /// Question text, whole or with a part: `text - part` (Qualtrics), `text [part]`
    /// (Google Forms grids), `text/part` (Kobo labels), or SurveyMonkey's second row.
    fn by_text(&self, heading: &str, loose: bool) -> Vec<Target> {
        let mut out = Vec::new();
        let mut splits: Vec<(&str, &str)> = Vec::new();
        if let Some((head, sub)) = heading.split_once('\u{1f}') {
            splits.push((head, sub));
        } else {
            for q in self.questions_named(heading, loose) {
                out.extend(self.whole(q));
            }
            // `Which tools? - Other - Text`: the question is left of any ` - `.
            for (at, _) in heading.match_indices(" - ") {
                splits.push((&heading[..at], &heading[at + 3..]));
            }
            if let Some(head) = heading.strip_suffix(']') {
                if let Some((head, sub)) = head.rsplit_once('[') {
                    splits.push((head.trim_end(), sub));
                }
            }
            if let Some((head, sub)) = heading.rsplit_once('/') {
                splits.push((head, sub));
            }
        }
        for (head, sub) in splits {
            for q in self.questions_named(head, loose) {
                out.extend(self.part(q, sub, true));
            }
        }
        out
    }

    fn questions_named(&self, text: &str, loose: bool) -> Vec<usize> {
        let n = normalize(text);
        self.survey
            .questions
            .iter()
            .enumerate()
            .filter(|(_, question)| {
                let texts = std::iter::once(question.text.as_str())
                    .chain(question.text.translations().map(|(_, t)| t));
                texts
                    .map(|t| {
                        strip_markup(t)
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .any(|t| {
                        if loose {
                            !n.is_empty() && normalize(&t) == n
                        } else {
                            t == text.trim()
                        }
                    })
            })
            .map(|(q, _)| q)
            .collect()
    }

    /// The column a question's whole answer goes to (none for a matrix, whose rows have
    /// their own).
    fn whole(&self, q: usize) -> Option<Target> {
        match self.survey.questions[q].kind {
            QuestionKind::Matrix { .. } => None,
            _ => self
                .column_of(CanonicalColumn::Answer(q))
                .map(Target::Column),
        }
    }

    /// What part `sub` of question `q` a column holds.
    fn part(&self, q: usize, sub: &str, by_text: bool) -> Option<Target> {
        let question = &self.survey.questions[q];
        let sub = sub.trim();
        let n = normalize(sub);
        if matches!(
            n.as_str(),
            "response" | "selected choice" | "open ended response"
        ) && !(n == "open ended response" && question.has_other())
        {
            return self.whole(q);
        }
        let other_words = [
            "other",
            "text",
            "other text",
            "other please specify",
            "open ended response",
        ];
        if question.has_other() && (other_words.contains(&n.as_str()) || n.ends_with(" text")) {
            return self
                .column_of(CanonicalColumn::Other(q))
                .map(Target::Column);
        }
        let find = |labels: &Labels| {
            if by_text {
                labels.find(sub).ok()
            } else {
                (0..labels.len()).find(|&i| labels.code(i) == sub)
            }
        };
        match &question.kind {
            QuestionKind::Matrix { .. } => find(&self.rows[q])
                .and_then(|r| self.column_of(CanonicalColumn::Row(q, r)))
                .map(Target::Column),
            QuestionKind::Multiple { .. } => find(&self.labels[q]).map(|c| Target::Choice(q, c)),
            QuestionKind::Ranking { options, .. } => match find(&self.labels[q]) {
                Some(c) => Some(Target::RankOf(q, c)),
                None => sub
                    .parse::<usize>()
                    .ok()
                    .filter(|k| (1..=options.choices.len()).contains(k))
                    .map(|k| Target::AtRank(q, k)),
            },
            _ => None,
        }
    }
}
