//! Once per file: which export column(s) feed which canonical column, and how each is
//! decoded. Every column of the export is accounted for: mapped, used to set rows aside,
//! tool metadata (one note), or ignored (one problem).

use std::collections::BTreeMap;

use super::Mapping;
use super::decode::{DateOrder, DecimalComma, ProbabilityFormat};
use super::headings::{Matcher, Target, Tier, views};
use super::labels::Labels;
use super::tools::{self, Gate};
use crate::ingest::problems::{Effect, Problem};
use crate::ingest::source::{Detected, Record, Tool};
use crate::survey::{CanonicalColumn, Columns, QuestionKind, Survey};

/// How one canonical column is filled from the export (columns are 0-based here).
#[derive(Debug, Clone, PartialEq)]
pub enum Feed {
    /// No export column holds it.
    Absent,
    /// The cell as it is (ids, free text, "other" text).
    Copy(usize),
    /// No id column: the id is made from the file name and the record's line.
    LineId,
    /// One choice (or scale level) from a label or code.
    Code {
        column: usize,
        question: usize,
    },
    /// Several choices in one cell, joined by `separator`.
    Joined {
        column: usize,
        question: usize,
        separator: &'static str,
    },
    /// One column per choice, each ticked or blank; `other_text`: the column of the
    /// "other" text, whose being filled in ticks `other` when no column does.
    PerChoice {
        question: usize,
        columns: Vec<(usize, usize)>,
        other_text: Option<usize>,
    },
    /// One column per ranking item holding its rank.
    RankPerItem {
        question: usize,
        columns: Vec<(usize, usize)>,
    },
    /// One column per rank (1-based) holding the item.
    ItemPerRank {
        question: usize,
        columns: Vec<(usize, usize)>,
    },
    Number(usize),
    Probability(usize),
    Timestamp(usize),
}

/// The decisions for one file, made from its headings (and, by [`ColumnPlan::settle`],
/// from its values where the format is detected per file).
#[derive(Debug, Clone)]
pub struct ColumnPlan {
    pub(super) file: String,
    pub(super) header_line: u64,
    pub(super) width: usize,
    /// The canonical columns, in `Survey::columns()` order.
    pub columns: Columns,
    /// How each canonical column is fed, in the same order.
    pub feeds: Vec<Feed>,
    /// The heading shown for each export column in problems.
    pub(super) headings: Vec<String>,
    pub(super) gates: Vec<(usize, Gate)>,
    /// Export columns with no heading: a value in one is reported, not silently lost.
    pub(super) unheaded: Vec<usize>,
    pub(super) labels: Vec<Labels>,
    pub(super) probability: ProbabilityFormat,
    pub(super) decimal_comma: DecimalComma,
    /// Per `Timestamp` feed's export column: the day/month order.
    pub(super) date_order: BTreeMap<usize, DateOrder>,
    pub(super) include_incomplete: bool,
    pub(super) question_names: Vec<String>,
}

impl ColumnPlan {
    /// The canonical columns some export column feeds (`present[i]` for
    /// `columns.columns[i]`), to build the canonical header the validation reads.
    pub fn present(&self) -> Vec<bool> {
        self.feeds.iter().map(|f| *f != Feed::Absent).collect()
    }

    /// The heading of export column `column` (1-based), as problems show it.
    pub fn heading(&self, column: usize) -> Option<&str> {
        column
            .checked_sub(1)
            .and_then(|c| self.headings.get(c))
            .map(String::as_str)
    }

    /// For each export column (0-based), what it feeds, in words: the canonical column
    /// and how the cell is read. Empty for a column that feeds nothing.
    pub fn roles(&self) -> Vec<Vec<String>> {
        let mut roles = vec![Vec::new(); self.width];
        for (feed, (name, _)) in self.feeds.iter().zip(&self.columns.columns) {
            let (columns, how): (Vec<usize>, &str) = match feed {
                Feed::Absent | Feed::LineId => continue,
                Feed::Copy(c) => (vec![*c], ""),
                Feed::Code { column, .. } => (vec![*column], " (a code or label)"),
                Feed::Joined { column, .. } => (vec![*column], " (several choices in one cell)"),
                Feed::PerChoice {
                    columns,
                    other_text,
                    ..
                } => {
                    let mut all: Vec<usize> = columns.iter().map(|(c, _)| *c).collect();
                    all.extend(other_text);
                    (all, " (one column per choice)")
                }
                Feed::RankPerItem { columns, .. } => (
                    columns.iter().map(|(c, _)| *c).collect(),
                    " (the rank of one item)",
                ),
                Feed::ItemPerRank { columns, .. } => (
                    columns.iter().map(|(c, _)| *c).collect(),
                    " (the item at one rank)",
                ),
                Feed::Number(c) => (vec![*c], " (a number)"),
                Feed::Probability(c) => (vec![*c], " (a probability)"),
                Feed::Timestamp(c) => (vec![*c], " (a date and time)"),
            };
            for c in columns {
                if let Some(role) = roles.get_mut(c) {
                    role.push(format!("{name}{how}"));
                }
            }
        }
        roles
    }

    /// The export column feeding canonical column `i` (1-based, as problems count), if one.
    pub fn source_column(&self, i: usize) -> Option<usize> {
        first_column(&self.feeds[i]).map(|c| c + 1)
    }

    pub(super) fn problem(
        &self,
        line: u64,
        column: Option<usize>,
        effect: Effect,
        reason: String,
    ) -> Problem {
        Problem {
            file: self.file.clone(),
            line,
            column: column.map(|c| c + 1),
            field: column.and_then(|c| self.headings.get(c).cloned()),
            value: None,
            effect,
            reason,
        }
    }
}

pub(super) fn first_column(feed: &Feed) -> Option<usize> {
    match feed {
        Feed::Absent | Feed::LineId => None,
        Feed::Copy(c) | Feed::Number(c) | Feed::Probability(c) | Feed::Timestamp(c) => Some(*c),
        Feed::Code { column, .. } | Feed::Joined { column, .. } => Some(*column),
        Feed::PerChoice { columns, .. }
        | Feed::RankPerItem { columns, .. }
        | Feed::ItemPerRank { columns, .. } => columns.first().map(|(c, _)| *c),
    }
}

/// What an export column turned out to be, so that each is reported once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// It feeds a canonical column.
    Mapped,
    /// It sets rows aside (and is not otherwise read).
    Gate,
    /// It could be several things; a problem says so.
    Ambiguous,
    /// It repeats what another column gives and is not read; a note or problem says so.
    NotRead,
}

/// The separator of several choices in one cell, as each tool writes it.
fn separator(tool: Tool) -> &'static str {
    match tool {
        Tool::Kobo | Tool::OdkCentral => " ",
        Tool::GoogleForms => ", ",
        Tool::Qualtrics | Tool::QualtricsLegacy => ",",
        _ => ";",
    }
}

/// Decides, from the headings, what every export column feeds. `file` names the export
/// in problems. The returned problems are about the file's columns (line = the first
/// heading row's line).
pub fn plan(
    survey: &Survey,
    file: &str,
    detected: &Detected,
    header: &[Record],
    mapping: &Mapping,
) -> (ColumnPlan, Vec<Problem>) {
    let tool = detected.tool;
    let columns = survey.columns();
    let header_line = header.first().map_or(1, |r| r.line);
    let views = views(tool, header);
    let width = views.len();
    let mut problems = Vec::new();
    let headings: Vec<String> = (0..width)
        .map(|j| {
            header
                .iter()
                .filter_map(|r| r.cells.get(j))
                .map(|c| c.trim())
                .find(|c| !c.is_empty())
                .unwrap_or("")
                .to_string()
        })
        .collect();
    let at = |column: Option<usize>, effect: Effect, reason: String| Problem {
        file: file.to_string(),
        line: header_line,
        column: column.map(|c| c + 1),
        field: column.and_then(|c| headings.get(c).cloned()),
        value: None,
        effect,
        reason,
    };

    let labels: Vec<Labels> = survey
        .questions
        .iter()
        .map(|q| Labels::new(q.choices(), mapping.aliases_of(&q.id)))
        .collect();
    let rows: Vec<Labels> = survey
        .questions
        .iter()
        .map(|q| Labels::new(q.rows(), &[]))
        .collect();
    let mut overrides = Vec::new();
    for o in &mapping.columns {
        match columns.columns.iter().position(|(name, _)| *name == o.column) {
            Some(i) => overrides.push((o.heading.clone(), i)),
            None => problems.push(at(
                None,
                Effect::Note,
                format!(
                    "the column override `{}` → `{}` names no canonical column of survey `{}`; expected one of {}",
                    o.heading,
                    o.column,
                    survey.id,
                    columns.header().join(", ")
                ),
            )),
        }
    }
    for o in &mapping.columns {
        let found = views.iter().any(|v| {
            v.iter().any(|h| {
                h.trim() == o.heading.trim()
                    || super::text::normalize(h) == super::text::normalize(&o.heading)
            })
        });
        if !found {
            problems.push(at(
                None,
                Effect::Note,
                format!(
                    "the column override `{}` matches no heading of this file",
                    o.heading
                ),
            ));
        }
    }
    let matcher = Matcher {
        survey,
        columns: &columns,
        labels: labels.clone(),
        rows,
        overrides,
    };

    // What each export column is.
    let mut claimed: Vec<Option<(Tier, Target)>> = vec![None; width];
    let mut role: Vec<Option<Role>> = vec![None; width];
    let mut gates = Vec::new();
    let mut unheaded = Vec::new();
    for (j, list) in views.iter().enumerate() {
        if list.is_empty() {
            unheaded.push(j);
            continue;
        }
        match matcher.targets(list) {
            Some((tier, targets)) if targets.len() == 1 => claimed[j] = Some((tier, targets[0])),
            Some((tier, targets)) => {
                let names: Vec<String> = targets
                    .iter()
                    .map(|t| describe(survey, &columns, *t))
                    .collect();
                problems.push(at(
                    Some(j),
                    Effect::ColumnIgnored,
                    format!(
                        "the heading `{}` could be any of {} (by {}); map it with a column override in [ingest]",
                        headings[j],
                        names.join(", "),
                        tier.describe()
                    ),
                ));
                role[j] = Some(Role::Ambiguous);
            }
            None => {}
        }
    }

    // Two columns claiming one canonical column: neither is taken.
    let mut feeds_by: BTreeMap<Target, Vec<usize>> = BTreeMap::new();
    for (j, c) in claimed.iter().enumerate() {
        if let Some((_, target)) = c {
            feeds_by.entry(*target).or_default().push(j);
        }
    }
    for (target, js) in &feeds_by {
        if js.len() > 1 {
            let list = js
                .iter()
                .map(|j| (j + 1).to_string())
                .collect::<Vec<_>>()
                .join(", ");
            for &j in js {
                problems.push(at(
                    Some(j),
                    Effect::ColumnIgnored,
                    format!(
                        "columns {list} all name {}, so none is used; map the right one with a column override in [ingest]",
                        describe(survey, &columns, *target)
                    ),
                ));
                claimed[j] = None;
                role[j] = Some(Role::NotRead);
            }
        }
    }

    let mut feeds = vec![Feed::Absent; columns.columns.len()];
    for (j, c) in claimed.iter().enumerate() {
        let Some((_, Target::Column(i))) = c else {
            continue;
        };
        feeds[*i] = match columns.columns[*i].1 {
            CanonicalColumn::RespondentId | CanonicalColumn::Other(_) => Feed::Copy(j),
            CanonicalColumn::SubmittedAt => Feed::Timestamp(j),
            CanonicalColumn::Weight | CanonicalColumn::Round => Feed::Number(j),
            CanonicalColumn::Row(q, _) => Feed::Code {
                column: j,
                question: q,
            },
            // A coder's coding is written as the question's own answer is.
            CanonicalColumn::Answer(q) | CanonicalColumn::Coded(q, _) => {
                match &survey.questions[q].kind {
                    QuestionKind::Single { .. }
                    | QuestionKind::Likert { .. }
                    | QuestionKind::Matrix { .. } => Feed::Code {
                        column: j,
                        question: q,
                    },
                    QuestionKind::Multiple { .. } | QuestionKind::Ranking { .. } => Feed::Joined {
                        column: j,
                        question: q,
                        separator: separator(tool),
                    },
                    QuestionKind::Numeric { .. } | QuestionKind::Year { .. } => Feed::Number(j),
                    QuestionKind::Probability => Feed::Probability(j),
                    QuestionKind::Text { .. } => Feed::Copy(j),
                }
            }
        };
        role[j] = Some(Role::Mapped);
    }

    // Questions answered across several columns.
    for (q, question) in survey.questions.iter().enumerate() {
        let Some(answer) = columns
            .columns
            .iter()
            .position(|(_, c)| *c == CanonicalColumn::Answer(q))
        else {
            continue;
        };
        let parts = |pick: &dyn Fn(Target) -> Option<usize>| -> Vec<(usize, usize)> {
            claimed
                .iter()
                .enumerate()
                .filter_map(|(j, c)| c.and_then(|(_, t)| pick(t)).map(|k| (j, k)))
                .collect()
        };
        let per_choice = parts(&|t| match t {
            Target::Choice(tq, c) if tq == q => Some(c),
            _ => None,
        });
        let rank_of = parts(&|t| match t {
            Target::RankOf(tq, c) if tq == q => Some(c),
            _ => None,
        });
        let at_rank = parts(&|t| match t {
            Target::AtRank(tq, k) if tq == q => Some(k),
            _ => None,
        });
        let (split, feed) = if !per_choice.is_empty() {
            let other_text = columns
                .columns
                .iter()
                .position(|(_, c)| *c == CanonicalColumn::Other(q))
                .and_then(|i| first_column(&feeds[i]))
                .filter(|_| {
                    question.has_other()
                        && !per_choice
                            .iter()
                            .any(|(_, c)| *c + 1 == question.choices().len())
                });
            (
                "one column per choice",
                Feed::PerChoice {
                    question: q,
                    columns: per_choice.clone(),
                    other_text,
                },
            )
        } else if !rank_of.is_empty() {
            (
                "one column per item, holding its rank",
                Feed::RankPerItem {
                    question: q,
                    columns: rank_of.clone(),
                },
            )
        } else if !at_rank.is_empty() {
            (
                "one column per rank, holding the item",
                Feed::ItemPerRank {
                    question: q,
                    columns: at_rank.clone(),
                },
            )
        } else {
            continue;
        };
        let split_columns: Vec<usize> = per_choice
            .iter()
            .chain(&rank_of)
            .chain(&at_rank)
            .map(|(j, _)| *j)
            .collect();
        let covers_all = per_choice.len() == question.choices().len()
            || rank_of.len() == question.choices().len()
            || !at_rank.is_empty();
        let joined = first_column(&feeds[answer]);
        match joined {
            // Kobo writes both: the per-choice columns are used when they cover every
            // choice, since labels may contain the separator; else the joined column.
            Some(jc) if covers_all => {
                problems.push(at(
                    Some(jc),
                    Effect::Note,
                    format!(
                        "`{}` is given both in this column and in {split} (columns {}); the per-choice columns are used and this one is not read",
                        question.id,
                        split_columns.iter().map(|j| (j + 1).to_string()).collect::<Vec<_>>().join(", ")
                    ),
                ));
                role[jc] = Some(Role::NotRead);
                feeds[answer] = feed;
            }
            Some(jc) => {
                for j in &split_columns {
                    problems.push(at(
                        Some(*j),
                        Effect::Note,
                        format!(
                            "`{}` is read from column {} (all choices joined); this per-choice column, which does not cover every choice, is not read",
                            question.id,
                            jc + 1
                        ),
                    ));
                    role[*j] = Some(Role::NotRead);
                }
            }
            None => {
                feeds[answer] = feed;
            }
        }
        for j in split_columns {
            role[j].get_or_insert(Role::Mapped);
        }
    }

    // The respondent id and submission time, from the tool's columns when the file has
    // no canonical ones.
    let id_index = columns
        .columns
        .iter()
        .position(|(_, c)| *c == CanonicalColumn::RespondentId);
    let at_index = columns
        .columns
        .iter()
        .position(|(_, c)| *c == CanonicalColumn::SubmittedAt);
    for (index, rank, what) in [
        (
            id_index,
            tools::response_id_rank as fn(&str) -> Option<usize>,
            "respondent_id",
        ),
        (at_index, tools::submitted_rank, "submitted_at"),
    ] {
        let Some(index) = index else { continue };
        if feeds[index] != Feed::Absent {
            continue;
        }
        let ranked: Vec<(usize, usize)> = views
            .iter()
            .enumerate()
            .filter(|(j, _)| role[*j].is_none())
            .filter_map(|(j, list)| list.iter().filter_map(|h| rank(h)).min().map(|r| (r, j)))
            .collect();
        let best = ranked.iter().map(|(r, _)| *r).min();
        let chosen: Vec<usize> = ranked
            .iter()
            .filter(|(r, _)| Some(*r) == best)
            .map(|(_, j)| *j)
            .collect();
        match chosen.as_slice() {
            [j] => {
                feeds[index] = if what == "respondent_id" {
                    Feed::Copy(*j)
                } else {
                    Feed::Timestamp(*j)
                };
                role[*j] = Some(Role::Mapped);
                problems.push(at(
                    Some(*j),
                    Effect::Note,
                    format!("`{}` is read as {what}, as {} names it", headings[*j], tool),
                ));
            }
            [] if what == "respondent_id" => {
                feeds[index] = Feed::LineId;
                problems.push(at(
                    None,
                    Effect::Note,
                    format!(
                        "the file has no response id column, so each row's respondent_id is `{}:<line>`; give a column override for respondent_id if the export has one",
                        file_stem(file)
                    ),
                ));
            }
            [] => {}
            many => {
                for j in many {
                    problems.push(at(
                        Some(*j),
                        Effect::ColumnIgnored,
                        format!(
                            "columns {} could each be {what}; none is used; name one with a column override in [ingest]",
                            many.iter().map(|j| (j + 1).to_string()).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                    role[*j] = Some(Role::Ambiguous);
                }
            }
        }
    }

    // Status columns (also when mapped: LimeSurvey's submit date is both), tool
    // metadata, and what is left.
    for j in 0..width {
        if role[j] == Some(Role::Ambiguous) || role[j] == Some(Role::NotRead) {
            continue;
        }
        let Some(gate) = views[j].iter().find_map(|h| tools::gate(tool, h)) else {
            continue;
        };
        gates.push((j, gate));
        let kept = if mapping.include_incomplete {
            "include_incomplete is set, so they are kept"
        } else {
            "they are set aside"
        };
        let reason = format!("{tool} marks {} in this column; {kept}", gate.describe());
        problems.push(at(Some(j), Effect::Note, reason));
        role[j].get_or_insert(Role::Gate);
    }
    for j in 0..width {
        if role[j].is_some() || views[j].is_empty() {
            continue;
        }
        let heading = &headings[j];
        if views[j].iter().any(|h| tools::is_metadata(tool, h)) {
            problems.push(at(
                Some(j),
                Effect::Note,
                format!("`{heading}` is {tool} metadata, not a question; not read"),
            ));
        } else {
            problems.push(at(
                Some(j),
                Effect::ColumnIgnored,
                format!(
                    "`{heading}` matches no question of survey `{}` (by id, text or label); map it with a column override in [ingest] if it is one",
                    survey.id
                ),
            ));
        }
    }
    if !unheaded.is_empty() {
        problems.push(at(
            None,
            Effect::Note,
            format!(
                "column(s) {} have no heading and are not read; a value in one is reported",
                unheaded
                    .iter()
                    .map(|j| (j + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }

    let date_order = feeds
        .iter()
        .filter_map(|f| match f {
            Feed::Timestamp(c) => Some((*c, DateOrder::Unknown)),
            _ => None,
        })
        .collect();
    let plan = ColumnPlan {
        file: file.to_string(),
        header_line,
        width,
        columns,
        feeds,
        headings,
        gates,
        unheaded,
        labels,
        probability: mapping.probability,
        decimal_comma: mapping.decimal_comma,
        date_order,
        include_incomplete: mapping.include_incomplete,
        question_names: survey.questions.iter().map(|q| q.id.clone()).collect(),
    };
    (plan, problems)
}

/// `data/export.csv` → `export`: how a made-up respondent id names its file.
pub(super) fn file_stem(file: &str) -> &str {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

fn describe(survey: &Survey, columns: &Columns, target: Target) -> String {
    match target {
        Target::Column(i) => format!("`{}`", columns.columns[i].0),
        Target::Choice(q, c) | Target::RankOf(q, c) => {
            format!(
                "`{}` choice `{}`",
                survey.questions[q].id,
                survey.questions[q].choices()[c].code
            )
        }
        Target::AtRank(q, k) => format!("`{}` rank {k}", survey.questions[q].id),
    }
}
