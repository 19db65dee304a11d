//! Once per record: the canonical text of every canonical column, with the export column
//! it came from, or the problems that stop it. Validation of the canonical text (codes,
//! bounds, required, `show_if`) stays in `read.rs`.

use super::decode::{self, DateOrder, ProbabilityFormat, ProbabilityHint};
use super::plan::{ColumnPlan, Feed, file_stem};
use crate::ingest::CODE_SEPARATOR;
use crate::ingest::problems::{Effect, Problem};
use crate::ingest::source::Record;

/// One canonical cell and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The canonical text (empty: not answered).
    pub text: String,
    /// The export column it came from (1-based); for an answer spread over several
    /// columns, the first; `None` for an id made from the line.
    pub column: Option<usize>,
}

/// What one export record became.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    pub line: u64,
    /// In `Survey::columns()` order; `None` where no export column feeds the column.
    pub cells: Vec<Option<Cell>>,
    /// Problems with this record: a `RowRejected` one means the record must not be
    /// validated or kept; `RowSetAside` means it is a preview, spam or unfinished.
    pub problems: Vec<Problem>,
}

impl Mapped {
    pub fn is_rejected(&self) -> bool {
        self.problems
            .iter()
            .any(|p| p.effect == Effect::RowRejected)
    }

    pub fn is_set_aside(&self) -> bool {
        self.problems
            .iter()
            .any(|p| p.effect == Effect::RowSetAside)
    }
}

impl ColumnPlan {
    /// Decides what this file's values must show: whether probabilities are fractions or
    /// percents, and the day/month order of its dates. Call it with the file's records
    /// before [`ColumnPlan::apply`]; what it decided is said in notes, and a file that
    /// mixes formats gets a problem (its affected cells are then refused row by row).
    pub fn settle<'r>(&mut self, records: impl IntoIterator<Item = &'r Record>) -> Vec<Problem> {
        let mut problems = Vec::new();
        let probability_columns: Vec<usize> = self
            .feeds
            .iter()
            .filter_map(|f| match f {
                Feed::Probability(c) => Some(*c),
                _ => None,
            })
            .collect();
        let mut percent = None;
        let mut fraction = None;
        let mut unzoned: Option<(u64, usize)> = None;
        let mut orders: Vec<(usize, Option<u64>, Option<u64>)> =
            self.date_order.keys().map(|c| (*c, None, None)).collect();
        for record in records {
            for &c in &probability_columns {
                let cell = record.cells.get(c).map(String::as_str).unwrap_or("");
                match decode::probability_hint(cell, self.decimal_comma) {
                    ProbabilityHint::Percent => {
                        percent.get_or_insert((record.line, c));
                    }
                    ProbabilityHint::Fractional => {
                        fraction.get_or_insert((record.line, c));
                    }
                    ProbabilityHint::Neutral => {}
                }
            }
            for (c, month_first, day_first) in &mut orders {
                let cell = record.cells.get(*c).map(String::as_str).unwrap_or("");
                if unzoned.is_none()
                    && matches!(
                        decode::timestamp(cell, DateOrder::MonthFirst),
                        Ok((_, false))
                    )
                {
                    unzoned = Some((record.line, *c));
                }
                match decode::date_order_hint(cell) {
                    Some(DateOrder::MonthFirst) => {
                        month_first.get_or_insert(record.line);
                    }
                    Some(DateOrder::DayFirst) => {
                        day_first.get_or_insert(record.line);
                    }
                    _ => {}
                }
            }
        }
        if self.probability == ProbabilityFormat::Auto && !probability_columns.is_empty() {
            match (percent, fraction) {
                (Some((pl, pc)), Some((fl, fc))) => problems.push(self.problem(
                    fl,
                    Some(fc),
                    Effect::Note,
                    format!(
                        "probabilities are written both as fractions (line {fl}, column {}) and as percents (line {pl}, column {}); set probability = \"percent\" or \"fraction\" in [ingest]; until then values that do not show which are refused",
                        fc + 1,
                        pc + 1
                    ),
                )),
                (None, Some(_)) | (None, None) => {
                    self.probability = ProbabilityFormat::Fraction;
                    problems.push(self.problem(
                        self.header_line,
                        probability_columns.first().copied(),
                        Effect::Note,
                        "every probability in this file is between 0 and 1, so they are read as fractions (0.35 = 35%); set probability = \"percent\" in [ingest] if they are percents".into(),
                    ));
                }
                (Some(_), None) => self.probability = ProbabilityFormat::Percent,
            }
        }
        for (c, month_first, day_first) in orders {
            let order = match (month_first, day_first) {
                (Some(_), None) => DateOrder::MonthFirst,
                (None, Some(_)) => DateOrder::DayFirst,
                (Some(m), Some(d)) => {
                    problems.push(self.problem(
                        m.max(d),
                        Some(c),
                        Effect::Note,
                        format!(
                            "dates in this column are written month first (line {m}) and day first (line {d}); dates that could be either are refused"
                        ),
                    ));
                    DateOrder::Unknown
                }
                (None, None) => DateOrder::Unknown,
            };
            if order != DateOrder::Unknown {
                let what = if order == DateOrder::MonthFirst {
                    "month/day/year"
                } else {
                    "day/month/year"
                };
                problems.push(self.problem(
                    self.header_line,
                    Some(c),
                    Effect::Note,
                    format!("dates in this column are read as {what}, as the values show"),
                ));
            }
            self.date_order.insert(c, order);
        }
        if let Some((line, c)) = unzoned {
            problems.push(self.problem(
                line,
                Some(c),
                Effect::Note,
                "times in this column carry no time zone (the first is on this line) and are read as UTC".into(),
            ));
        }
        problems
    }

    /// The canonical cells of one record, and its problems.
    pub fn apply(&self, record: &Record) -> Mapped {
        let line = record.line;
        let mut problems = Vec::new();
        let cell_at = |c: usize| record.cells.get(c).map(String::as_str).unwrap_or("");
        let refuse = |problems: &mut Vec<Problem>, c: usize, effect: Effect, reason: String| {
            problems.push(Problem {
                value: Some(cell_at(c).to_string()),
                ..self.problem(line, Some(c), effect, reason)
            });
        };

        if !self.include_incomplete {
            for (c, gate) in &self.gates {
                if let Some(why) = gate.sets_aside(cell_at(*c)) {
                    refuse(
                        &mut problems,
                        *c,
                        Effect::RowSetAside,
                        format!(
                            "{why}; --include-incomplete (or include_incomplete in [ingest]) keeps such rows"
                        ),
                    );
                    return Mapped {
                        line,
                        cells: vec![None; self.feeds.len()],
                        problems,
                    };
                }
            }
        }
        for &c in &self.unheaded {
            if !cell_at(c).trim().is_empty() {
                refuse(
                    &mut problems,
                    c,
                    Effect::CellDropped,
                    "this column has no heading, so its value is not read".into(),
                );
            }
        }
        for c in self.width..record.cells.len() {
            if !record.cells[c].trim().is_empty() {
                refuse(
                    &mut problems,
                    c,
                    Effect::CellDropped,
                    format!(
                        "the row has {} fields and the header {}; this value has no heading and is not read",
                        record.cells.len(),
                        self.width
                    ),
                );
            }
        }

        let mut cells = Vec::with_capacity(self.feeds.len());
        for feed in &self.feeds {
            let column = super::plan::first_column(feed);
            let made = self.decode(feed, record);
            let cell = match (feed, made) {
                (Feed::Absent, _) => None,
                (_, Ok(text)) => Some(Cell {
                    text,
                    column: column.map(|c| c + 1),
                }),
                (_, Err((c, reason))) => {
                    refuse(&mut problems, c, Effect::RowRejected, reason);
                    Some(Cell {
                        text: cell_at(c).trim().to_string(),
                        column: Some(c + 1),
                    })
                }
            };
            cells.push(cell);
        }
        Mapped {
            line,
            cells,
            problems,
        }
    }

    /// One canonical cell's text, or the export column at fault and why.
    fn decode(&self, feed: &Feed, record: &Record) -> Result<String, (usize, String)> {
        let cell = |c: usize| record.cells.get(c).map(String::as_str).unwrap_or("").trim();
        let what = |q: usize| format!("`{}`", self.question_names[q]);
        match feed {
            Feed::Absent => Ok(String::new()),
            Feed::LineId => Ok(format!("{}:{}", file_stem(&self.file), record.line)),
            Feed::Copy(c) => Ok(cell(*c).to_string()),
            Feed::Code { column, question } => {
                let v = cell(*column);
                if v.is_empty() {
                    return Ok(String::new());
                }
                let labels = &self.labels[*question];
                labels
                    .find(v)
                    .map(|i| labels.code(i).to_string())
                    .map_err(|m| (*column, labels.reason(&what(*question), v, &m)))
            }
            Feed::Joined {
                column,
                question,
                separator,
            } => {
                let v = cell(*column);
                let labels = &self.labels[*question];
                let picked = decode::joined(labels, v, separator, &what(*question))
                    .map_err(|r| (*column, r))?;
                Ok(join(picked.iter().map(|&i| labels.code(i))))
            }
            Feed::PerChoice {
                question,
                columns,
                other_text,
            } => {
                let labels = &self.labels[*question];
                let mut codes = Vec::new();
                for &(c, choice) in columns {
                    if decode::ticked(cell(c), Some(choice), labels).map_err(|r| (c, r))? {
                        codes.push(labels.code(choice));
                    }
                }
                // SurveyMonkey has no tick for "other": its text is the answer.
                if other_text.is_some_and(|c| !cell(c).is_empty()) {
                    codes.push(labels.code(labels.len() - 1));
                }
                Ok(join(codes.into_iter()))
            }
            Feed::RankPerItem { question, columns } => {
                let labels = &self.labels[*question];
                let mut ranked: Vec<(u64, usize, usize)> = Vec::new();
                for &(c, item) in columns {
                    let v = cell(c);
                    if v.is_empty() {
                        continue;
                    }
                    let rank = decode::number(v, self.decimal_comma)
                        .ok()
                        .and_then(|n| n.parse::<u64>().ok())
                        .filter(|r| *r >= 1)
                        .ok_or_else(|| {
                            (c, format!("`{v}` is not a rank (a whole number from 1)"))
                        })?;
                    if let Some((_, other, _)) = ranked.iter().find(|(r, _, _)| *r == rank) {
                        return Err((
                            c,
                            format!(
                                "rank {rank} is given twice (columns {} and {})",
                                other + 1,
                                c + 1
                            ),
                        ));
                    }
                    ranked.push((rank, c, item));
                }
                ranked.sort();
                Ok(join(ranked.iter().map(|(_, _, item)| labels.code(*item))))
            }
            Feed::ItemPerRank { question, columns } => {
                let labels = &self.labels[*question];
                let mut by_rank: Vec<(usize, usize, &str)> =
                    columns.iter().map(|&(c, k)| (k, c, cell(c))).collect();
                by_rank.sort();
                let mut codes = Vec::new();
                for (_, c, v) in by_rank {
                    if v.is_empty() {
                        continue;
                    }
                    let i = labels
                        .find(v)
                        .map_err(|m| (c, labels.reason(&what(*question), v, &m)))?;
                    codes.push(labels.code(i));
                }
                Ok(join(codes.into_iter()))
            }
            Feed::Number(c) => {
                let v = cell(*c);
                if v.is_empty() {
                    return Ok(String::new());
                }
                decode::number(v, self.decimal_comma).map_err(|r| (*c, r))
            }
            Feed::Probability(c) => {
                let v = cell(*c);
                if v.is_empty() {
                    return Ok(String::new());
                }
                decode::probability(v, self.probability, self.decimal_comma).map_err(|r| (*c, r))
            }
            Feed::Timestamp(c) => {
                let v = cell(*c);
                if v.is_empty() {
                    return Ok(String::new());
                }
                let order = self.date_order.get(c).copied().unwrap_or_default();
                decode::timestamp(v, order)
                    .map(|(text, _)| text)
                    .map_err(|r| (*c, r))
            }
        }
    }
}

fn join<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    codes.collect::<Vec<_>>().join(&CODE_SEPARATOR.to_string())
}
