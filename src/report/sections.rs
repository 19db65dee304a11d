//! The report's content as one document tree, built once from the aggregates; the HTML
//! and Markdown writers are walks over it, so both always say the same thing and each
//! escapes text for where it goes.

use crate::analyze::{
    ALL, Aggregates, GroupResult, Grouping, OVERALL, POSITION, QuestionResult, SIDE,
};
use crate::survey::Direction;

use super::Inputs;
use crate::ingest::total;
use crate::numbers::{count_and_share, percent, statistic};

pub struct Document {
    pub title: String,
    pub lead: Option<String>,
    /// One line under the title: who answered.
    pub summary: String,
    pub sections: Vec<Section>,
    pub footer: String,
}

pub struct Section {
    /// Anchor id, unique in the document.
    pub id: String,
    pub heading: String,
    pub blocks: Vec<Block>,
}

pub enum Block {
    Paragraph(String),
    /// Term and description pairs.
    Facts(Vec<(String, String)>),
    /// A chart, by id (see `chart::Chart::id`).
    Figure(String),
    Table(Table),
    Subheading(String),
    List(Vec<String>),
}

pub struct Table {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Per column: right-aligned numbers.
    pub numeric: Vec<bool>,
}

pub fn document(inputs: Inputs<'_>) -> Document {
    let a = inputs.aggregates;
    let mut sections = vec![method(a)];
    if a.anonymity.all_suppressed {
        sections.push(Section {
            id: "results".into(),
            heading: "Results".into(),
            blocks: vec![Block::Paragraph(format!(
                "Results are withheld: {} responded, fewer than the anonymity threshold of {}.",
                a.panel.answered, a.anonymity.min_group_size
            ))],
        });
    } else {
        sections.extend(
            a.questions
                .iter()
                .filter(|q| q.kind != "text")
                .map(|q| question(a, q)),
        );
        sections.push(answers_by_position(a));
    }
    sections.push(data_quality(inputs));
    Document {
        title: a.survey.title.clone(),
        lead: a.survey.question.clone(),
        summary: responded(a),
        sections,
        footer: format!(
            "Made with canvass {} from survey “{}”. Aggregates: aggregates.json; rejected input: rejects.csv.",
            env!("CARGO_PKG_VERSION"),
            a.survey.id
        ),
    }
}

/// "11 of 22 invited responded (50%)".
fn responded(a: &Aggregates) -> String {
    match (a.panel.invited, a.panel.response_rate) {
        (Some(invited), Some(rate)) => format!(
            "{} of {invited} invited responded ({}).",
            a.panel.answered,
            percent(Some(rate))
        ),
        _ => format!("{} responded.", a.panel.answered),
    }
}

fn method(a: &Aggregates) -> Section {
    let mut facts = Vec::new();
    if let Some(question) = &a.survey.question {
        facts.push(("Question".to_string(), question.clone()));
    }
    facts.push((
        "Invited".to_string(),
        a.panel
            .invited
            .map_or("not stated".to_string(), |n| n.to_string()),
    ));
    facts.push((
        "Responded".to_string(),
        match a.panel.response_rate {
            Some(rate) => format!(
                "{} (response rate {})",
                a.panel.answered,
                percent(Some(rate))
            ),
            None => a.panel.answered.to_string(),
        },
    ));
    facts.push((
        "Fielded".to_string(),
        match (&a.panel.first_submitted, &a.panel.last_submitted) {
            (Some(first), Some(last)) if first == last => first.clone(),
            (Some(first), Some(last)) => format!("{first} to {last}"),
            _ => "submission times not recorded".to_string(),
        },
    ));
    facts.push((
        "Grouped by".to_string(),
        format!(
            "position (question “{}”), by level and by side",
            a.survey.position
        ),
    ));
    facts.push((
        format!(
            "Anonymity (groups of at least {})",
            a.anonymity.min_group_size
        ),
        a.anonymity.rule.clone(),
    ));
    facts.push(("Shares".to_string(), "Each share is of those in the group who answered the question; every table gives the n behind it.".to_string()));
    let mut blocks = vec![Block::Facts(facts)];
    if !a.notes.is_empty() {
        blocks.push(Block::Subheading("Notes".into()));
        blocks.push(Block::List(a.notes.clone()));
    }
    Section {
        id: "method".into(),
        heading: "Method".into(),
        blocks,
    }
}

/// The groups a question is broken down by in its table: all respondents, then the
/// sides (for multiple choice, where the contrast between camps matters most) or the
/// position groups.
fn columns<'a>(a: &'a Aggregates, q: &QuestionResult) -> Vec<(&'a Grouping, usize)> {
    let mut out = Vec::new();
    if let Some(overall) = a.grouping(OVERALL) {
        out.push((overall, 0));
    }
    if q.is_position {
        return out;
    }
    let by = if q.kind == "multiple" {
        a.grouping(SIDE).or_else(|| a.grouping(POSITION))
    } else {
        a.grouping(POSITION)
    };
    if let Some(grouping) = by {
        out.extend((0..grouping.groups.len()).map(|i| (grouping, i)));
    }
    out
}

fn question(a: &Aggregates, q: &QuestionResult) -> Section {
    let mut blocks = vec![Block::Figure(q.id.clone())];
    match q.kind.as_str() {
        "matrix" => blocks.push(Block::Table(matrix_table(q))),
        "numeric" | "probability" | "year" => blocks.push(Block::Table(number_table(a, q))),
        "ranking" => blocks.push(Block::Table(ranking_table(a, q))),
        _ => choice_blocks(a, q, &mut blocks),
    }
    Section {
        id: format!("q-{}", q.id),
        heading: if q.is_position {
            format!("Where respondents stand: {}", q.text)
        } else {
            q.text.clone()
        },
        blocks,
    }
}

/// Rows rated on a scale: each row's counts over the levels, for all respondents.
fn matrix_table(q: &QuestionResult) -> Table {
    let overall = q.result(OVERALL, ALL);
    let mut headers = vec!["Row".to_string(), "Answered".to_string()];
    headers.extend(q.choices.iter().map(|c| c.label.clone()));
    let rows = q
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            let result = overall.and_then(|o| o.rows.get(r));
            let mut cells = vec![
                row.label.clone(),
                result.map_or("0".into(), |x| x.answered.to_string()),
            ];
            cells.extend((0..q.choices.len()).map(|l| {
                result.map_or("–".into(), |x| {
                    count_and_share(x.counts[l].count, x.counts[l].share)
                })
            }));
            cells
        })
        .collect();
    let mut numeric = vec![true; headers.len()];
    numeric[0] = false;
    Table {
        caption: "All respondents: count (share of those who answered the row)".into(),
        headers,
        rows,
        numeric,
    }
}

/// The groups a number or ranking is summarised for: all, then each position group.
fn summary_groups(a: &Aggregates) -> Vec<(&str, &str, String)> {
    let mut out = vec![(OVERALL, ALL, "All".to_string())];
    if let Some(position) = a.grouping(POSITION) {
        out.extend(
            position
                .groups
                .iter()
                .map(|g| (POSITION, g.key.as_str(), g.label.clone())),
        );
    }
    out
}

fn number_table(a: &Aggregates, q: &QuestionResult) -> Table {
    let headers = [
        "Group", "n", "Mean", "SD", "Min", "Q1", "Median", "Q3", "Max",
    ]
    .map(String::from)
    .to_vec();
    let rows = summary_groups(a)
        .into_iter()
        .filter_map(|(grouping, group, label)| {
            let s = q.result(grouping, group)?.summary.as_ref();
            Some(vec![
                label,
                s.map_or("0".into(), |s| s.n.to_string()),
                statistic(s.map(|s| s.mean)),
                statistic(s.and_then(|s| s.sd)),
                statistic(s.map(|s| s.min)),
                statistic(s.map(|s| s.q1)),
                statistic(s.map(|s| s.median)),
                statistic(s.map(|s| s.q3)),
                statistic(s.map(|s| s.max)),
            ])
        })
        .collect();
    let unit = q
        .unit
        .as_ref()
        .map_or(String::new(), |u| format!(" (in {u})"));
    let mut numeric = vec![true; headers.len()];
    numeric[0] = false;
    Table {
        caption: format!(
            "Answers{unit}: quartiles interpolated as in R (type 7); SD is the sample standard deviation"
        ),
        headers,
        rows,
        numeric,
    }
}

fn ranking_table(a: &Aggregates, q: &QuestionResult) -> Table {
    let groups = summary_groups(a);
    let overall = q.result(OVERALL, ALL);
    let mut headers = vec![
        "Item".to_string(),
        format!("Ranked first (n = {})", overall.map_or(0, |o| o.answered)),
    ];
    headers.extend(groups.iter().map(|(grouping, group, label)| {
        format!(
            "Mean rank, {} (n = {})",
            label.to_lowercase(),
            q.result(grouping, group).map_or(0, |r| r.answered)
        )
    }));
    let rows = q
        .choices
        .iter()
        .enumerate()
        .map(|(i, choice)| {
            let mut cells = vec![
                choice.label.clone(),
                overall.map_or("–".into(), |o| {
                    count_and_share(o.ranks[i].first, o.ranks[i].first_share)
                }),
            ];
            cells.extend(groups.iter().map(|(grouping, group, _)| {
                statistic(q.result(grouping, group).and_then(|r| r.ranks[i].mean_rank))
            }));
            cells
        })
        .collect();
    let mut numeric = vec![true; headers.len()];
    numeric[0] = false;
    Table {
        caption: "Ranked first, and the mean rank among those who ranked the item (1 = first)"
            .into(),
        headers,
        rows,
        numeric,
    }
}

fn choice_blocks(a: &Aggregates, q: &QuestionResult, blocks: &mut Vec<Block>) {
    if q.is_position {
        blocks.push(Block::Table(position_table(a, q)));
        if let Some(sides) = a.grouping(SIDE) {
            blocks.push(Block::Table(Table {
                caption: "By side".into(),
                headers: vec![
                    "Side".into(),
                    "Levels".into(),
                    "Respondents".into(),
                    "Share".into(),
                ],
                rows: sides
                    .groups
                    .iter()
                    .map(|g| {
                        vec![
                            g.label.clone(),
                            level_labels(q, &g.levels),
                            g.n.to_string(),
                            percent(g.share),
                        ]
                    })
                    .collect(),
                numeric: vec![false, false, true, true],
            }));
        }
    } else {
        let cols = columns(a, q);
        let results: Vec<Option<&GroupResult>> = cols
            .iter()
            .map(|(grouping, i)| q.result(&grouping.id, &grouping.groups[*i].key))
            .collect();
        let has_direction = q.choices.iter().any(|c| c.direction.is_some());
        let mut headers = vec!["Choice".to_string()];
        if has_direction {
            headers.push("Argues".into());
        }
        headers.extend(cols.iter().zip(&results).map(|((grouping, i), r)| {
            let label = if grouping.id == OVERALL {
                "All"
            } else {
                grouping.groups[*i].label.as_str()
            };
            format!("{label} (n = {})", r.map_or(0, |r| r.answered))
        }));
        let rows = q
            .choices
            .iter()
            .enumerate()
            .map(|(c, choice)| {
                let mut row = vec![choice.label.clone()];
                if has_direction {
                    row.push(
                        choice
                            .direction
                            .map_or(String::new(), |d| d.as_str().to_string()),
                    );
                }
                row.extend(results.iter().map(|r| {
                    r.map_or("–".into(), |r| {
                        count_and_share(r.counts[c].count, r.counts[c].share)
                    })
                }));
                row
            })
            .collect();
        let mut numeric = vec![false; headers.len()];
        numeric
            .iter_mut()
            .skip(if has_direction { 2 } else { 1 })
            .for_each(|n| *n = true);
        let caption = format!(
            "Count (share of those in the group who answered). {}",
            if q.kind == "multiple" {
                "Respondents could pick several, so shares add up to more than 100%."
            } else {
                ""
            }
        );
        blocks.push(Block::Table(Table {
            caption: caption.trim().to_string(),
            headers,
            rows,
            numeric,
        }));
        if q.kind == "multiple" {
            blocks.extend(raised_by_group(a, q));
        }
    }
}

fn level_labels(q: &QuestionResult, codes: &[String]) -> String {
    codes
        .iter()
        .filter_map(|code| {
            q.choices
                .iter()
                .find(|c| &c.code == code)
                .map(|c| c.label.as_str())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn position_table(a: &Aggregates, q: &QuestionResult) -> Table {
    let overall = q.result(OVERALL, ALL);
    // The side group (possibly merged) whose levels include this level.
    let side_label = |code: &String| {
        a.grouping(SIDE)
            .and_then(|sides| sides.groups.iter().find(|g| g.levels.contains(code)))
            .map(|g| g.label.clone())
            .unwrap_or_default()
    };
    Table {
        caption: format!("All {} respondents", overall.map_or(0, |r| r.n)),
        headers: vec![
            "Level".into(),
            "Side".into(),
            "Respondents".into(),
            "Share".into(),
        ],
        rows: q
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let count = overall.map(|r| &r.counts[i]);
                vec![
                    c.label.clone(),
                    side_label(&c.code),
                    count.map_or(0, |c| c.count).to_string(),
                    percent(count.and_then(|c| c.share)),
                ]
            })
            .collect(),
        numeric: vec![false, false, true, true],
    }
}

/// For each group, the choices its members picked, most picked first: "which
/// considerations each side raises".
fn raised_by_group(a: &Aggregates, q: &QuestionResult) -> Vec<Block> {
    let Some(grouping) = a.grouping(SIDE).or_else(|| a.grouping(POSITION)) else {
        return Vec::new();
    };
    let mut blocks = vec![Block::Subheading(format!(
        "What each group raised ({})",
        grouping.label.to_lowercase()
    ))];
    for group in &grouping.groups {
        let Some(result) = q.result(&grouping.id, &group.key) else {
            continue;
        };
        let mut picked: Vec<usize> = (0..q.choices.len())
            .filter(|&c| result.counts[c].count > 0)
            .collect();
        picked.sort_by_key(|&c| (std::cmp::Reverse(result.counts[c].count), c));
        blocks.push(Block::Paragraph(format!(
            "{} ({} who answered):",
            group.label, result.answered
        )));
        let items: Vec<String> = picked
            .iter()
            .map(|&c| {
                let argues = match q.choices[c].direction {
                    Some(Direction::For) => " — argues for",
                    Some(Direction::Against) => " — argues against",
                    None => "",
                };
                format!(
                    "{} of {}: {}{argues}",
                    result.counts[c].count, result.answered, q.choices[c].label
                )
            })
            .collect();
        blocks.push(if items.is_empty() {
            Block::Paragraph("None.".into())
        } else {
            Block::List(items)
        });
    }
    blocks
}

fn answers_by_position(a: &Aggregates) -> Section {
    let text_questions: Vec<&QuestionResult> =
        a.questions.iter().filter(|q| q.kind == "text").collect();
    let mut blocks = vec![Block::Paragraph(format!(
        "Free-text answers, grouped by position. No answer is attributed to a group of fewer than {} respondents; within a group, answers are sorted alphabetically, not listed in the order they came in.",
        a.anonymity.min_group_size
    ))];
    for group in &a.answers_by_position {
        blocks.push(Block::Subheading(format!(
            "{} ({} respondents)",
            group.label, group.n
        )));
        if group.respondents.is_empty() {
            blocks.push(Block::Paragraph(
                "No free-text answers in this group.".into(),
            ));
            continue;
        }
        let order = &text_questions;
        blocks.push(Block::Table(Table {
            caption: format!(
                "Answers of the respondents whose position is {}",
                group.label
            ),
            headers: order.iter().map(|q| q.text.clone()).collect(),
            rows: group
                .respondents
                .iter()
                .map(|r| {
                    order
                        .iter()
                        .map(|q| {
                            r.texts
                                .iter()
                                .find(|t| t.question == q.id)
                                .map_or(String::new(), |t| t.text.clone())
                        })
                        .collect()
                })
                .collect(),
            numeric: vec![false; order.len()],
        }));
    }
    Section {
        id: "answers".into(),
        heading: "Answers by position".into(),
        blocks,
    }
}

fn data_quality(inputs: Inputs<'_>) -> Section {
    let quality = inputs.quality;
    let mut rows: Vec<Vec<String>> = quality
        .files
        .iter()
        .map(|f| {
            vec![
                f.file.clone(),
                f.counts.rows_read.to_string(),
                f.counts.accepted.to_string(),
                f.counts.rejected.to_string(),
            ]
        })
        .collect();
    let total = total(quality.files);
    if quality.files.len() > 1 {
        rows.push(vec![
            "All files".into(),
            total.rows_read.to_string(),
            total.accepted.to_string(),
            total.rejected.to_string(),
        ]);
    }
    let mut blocks = vec![Block::Table(Table {
        caption: "Rows read from each input file".into(),
        headers: vec![
            "File".into(),
            "Rows read".into(),
            "Accepted".into(),
            "Rejected".into(),
        ],
        rows,
        numeric: vec![false, true, true, true],
    })];
    let problems = &quality.rejects.problems;
    blocks.push(Block::Paragraph(if problems.is_empty() {
        "No problems were found in the input.".to_string()
    } else {
        format!("{} problem(s) were found; each is listed with its file, line and column in rejects.csv.", problems.len())
    }));
    Section {
        id: "data-quality".into(),
        heading: "Data quality".into(),
        blocks,
    }
}
