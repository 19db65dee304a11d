//! The report's content as one document tree, built once from the aggregates; the HTML
//! and Markdown writers are walks over it, so both always say the same thing and each
//! escapes text for where it goes.

use crate::analyze::{
    ALL, Aggregates, CodedQuestion, GroupResult, Grouping, Interval, OVERALL, Ordinal, POSITION,
    QuestionResult, SIDE,
};
use crate::survey::Direction;

use super::Inputs;
use super::findings::key_findings;
use crate::ingest::total;
use crate::numbers::{
    count_and_share, count_share_interval, percent, percent_interval, points_difference, statistic,
};

/// An interval as the pair the number formatters take.
fn pair(interval: Option<&Interval>) -> Option<(f64, f64)> {
    interval.map(|i| (i.low, i.high))
}

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
    /// A chart, by id (see `chart::Chart::id`), shown only when a chart with that id
    /// exists: the n behind it for the caption, and the id of the table that holds its
    /// data, when there is one.
    Figure {
        chart: String,
        n: String,
        table: Option<String>,
    },
    Table(Table),
    Subheading(String),
    List(Vec<String>),
}

pub struct Table {
    /// Anchor id, for a table a figure refers to.
    pub id: Option<String>,
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Per column: right-aligned numbers.
    pub numeric: Vec<bool>,
}

pub fn document(inputs: Inputs<'_>) -> Document {
    let a = inputs.aggregates;
    let mut sections = vec![Section {
        id: "key-findings".into(),
        heading: "Key findings".into(),
        blocks: vec![Block::List(key_findings(a))],
    }];
    sections.push(method(a));
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
                .map(|q| question(inputs, q)),
        );
        if !a.coded.is_empty() {
            sections.push(coded_section(a));
        }
        if a.rounds.is_some() {
            sections.push(rounds_section(a));
        }
        sections.push(answers_by_position(a));
    }
    sections.push(data_quality(inputs));
    sections.push(provenance(inputs));
    Document {
        title: a.survey.title.clone(),
        lead: a.survey.question.clone(),
        summary: responded(a),
        sections,
        footer: format!(
            "Made with canvass {} from survey “{}”. Every number: aggregates.json and aggregates.parquet; rejected input: rejects.csv.",
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
    facts.push(("Grouped by".to_string(), grouped_by(a)));
    facts.push((
        format!(
            "Anonymity (groups of at least {})",
            a.anonymity.min_group_size
        ),
        a.anonymity.rule.clone(),
    ));
    facts.push(("Shares".to_string(), "Each share is of those in the group who gave the question a substantive answer; every table gives the n behind it, and the interval after a share is its Wilson score interval.".to_string()));
    facts.push(("Intervals and options".to_string(), a.options.describe()));
    if a.questions.iter().any(|q| q.kind == "probability") {
        facts.push(("Pooling".to_string(), "Probability answers are pooled several ways: linear pools (mean, median, 10% trimmed mean) and the geometric mean of odds, plain and extremized (Neyman–Roughgarden), with answers below 1% or above 99% read as 1% or 99% for the odds pools; the mean and the geometric mean of odds have percentile-bootstrap intervals.".to_string()));
    }
    if let Some(w) = &a.panel.weights {
        facts.push((
            "Weights".to_string(),
            format!(
                "Respondents are weighted by the column “{}”, scaled to a mean of 1 (from {} to {}); the {} respondents are worth an effective n (Kish) of {}, on which intervals are computed.",
                w.column,
                statistic(Some(w.min)),
                statistic(Some(w.max)),
                a.panel.answered,
                statistic(Some(w.effective_n))
            ),
        ));
    }
    let mut blocks = vec![
        Block::Facts(facts),
        Block::Figure {
            chart: "response-panel".into(),
            n: match a.panel.invited {
                Some(invited) => format!("n = {} of {invited} invited", a.panel.answered),
                None => format!("n = {}", a.panel.answered),
            },
            table: Some("table-groups".into()),
        },
    ];
    let mut groups = groups_table(a);
    groups.id = Some("table-groups".into());
    blocks.push(Block::Table(groups));
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

/// What results are grouped by: the position (or the `--group-by` question), its sides,
/// and the segments.
fn grouped_by(a: &Aggregates) -> String {
    let mut text = match &a.options.group_by {
        Some(id) => {
            format!("question “{id}” in place of the position (--group-by), by its answers")
        }
        None => format!("position (question “{}”), by level", a.survey.position),
    };
    if a.grouping(SIDE).is_some() {
        text.push_str(" and by side");
    }
    let segments: Vec<String> = a
        .groupings
        .iter()
        .filter_map(|g| g.id.strip_prefix("segment:"))
        .map(|id| format!("“{id}”"))
        .collect();
    if !segments.is_empty() {
        text.push_str(&format!("; segments: {}", segments.join(", ")));
        if a.options.segments.is_some() {
            text.push_str(" (--segment)");
        }
    }
    text
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

fn question(inputs: Inputs<'_>, q: &QuestionResult) -> Section {
    let a = inputs.aggregates;
    let table_id = format!("table-{}", q.id);
    let mut blocks = vec![Block::Figure {
        chart: q.id.clone(),
        n: q.result(OVERALL, ALL).map_or("n = 0".into(), |r| {
            format!("n = {} answered of {} respondents", r.answered, r.n)
        }),
        table: Some(table_id.clone()),
    }];
    if let Some(overall) = q.result(OVERALL, ALL) {
        blocks.push(Block::Paragraph(bookkeeping(a, q, overall)));
    }
    match q.kind.as_str() {
        "matrix" => {
            blocks.push(Block::Table(matrix_table(q)));
            blocks.push(Block::Table(matrix_ordinal_table(q)));
        }
        "numeric" | "year" => blocks.push(Block::Table(number_table(a, q))),
        "probability" => {
            blocks.push(Block::Table(number_table(a, q)));
            blocks.push(Block::Table(pooled_table(a, q)));
        }
        "ranking" => blocks.push(Block::Table(ranking_table(a, q))),
        _ => choice_blocks(a, q, &mut blocks),
    }
    // A nominal question grouped by (`--group-by`) stands in for a scale but has no
    // order to summarise.
    let ordered = inputs
        .survey
        .question(&q.id)
        .is_none_or(|question| question.scale().is_some());
    if q.kind == "likert" && ordered {
        blocks.push(Block::Table(ordinal_table(a, q)));
    }
    if let Some(contrast) = q.contrast.as_ref().filter(|_| q.kind != "likert") {
        if !a.coded.iter().any(|c| c.question == q.id) {
            blocks.push(Block::Table(contrast_table(a, q, contrast)));
        }
    }
    // The figure's data is the first table after it.
    match blocks.iter_mut().find(|b| matches!(b, Block::Table(_))) {
        Some(Block::Table(table)) => table.id = Some(table_id),
        _ => {
            if let Some(Block::Figure { table, .. }) = blocks.first_mut() {
                *table = None;
            }
        }
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
                    let c = &x.counts[l];
                    count_share_interval(c.count, c.share, pair(c.interval.as_ref()))
                })
            }));
            cells
        })
        .collect();
    let mut numeric = vec![true; headers.len()];
    numeric[0] = false;
    Table {
        id: None,
        caption: "All respondents: count (share of the row's substantive answers; interval)".into(),
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

/// Every group of the overall, position, side and segment groupings, labelled for a
/// table row (crosses are left to `aggregates.json`, to keep tables short).
fn all_groups(a: &Aggregates) -> Vec<(&str, &str, String)> {
    a.groupings
        .iter()
        .filter(|g| {
            g.id == OVERALL || g.id == POSITION || g.id == SIDE || g.id.starts_with("segment:")
        })
        .flat_map(|grouping| {
            grouping.groups.iter().map(move |g| {
                let label = match grouping.id.as_str() {
                    OVERALL => "All".to_string(),
                    POSITION => g.label.clone(),
                    SIDE => format!("Side: {}", g.label),
                    id => format!("{}: {}", id.trim_start_matches("segment:"), g.label),
                };
                (grouping.id.as_str(), g.key.as_str(), label)
            })
        })
        .collect()
}

/// "All respondents (n = 11): 11 answered, 0 not shown, 0 skipped, 0 missing."
fn bookkeeping(a: &Aggregates, q: &QuestionResult, r: &GroupResult) -> String {
    let mut text = format!(
        "All respondents (n = {}): {} answered, {} not shown{}, {} skipped, {} missing",
        r.n,
        r.answered,
        r.not_shown,
        q.show_if
            .as_ref()
            .map_or(String::new(), |c| format!(" (shown if {c})")),
        r.skipped,
        r.missing
    );
    let nonsubstantive =
        r.nonsubstantive + r.rows.iter().map(|row| row.nonsubstantive).sum::<u64>();
    if nonsubstantive > 0 {
        text.push_str(&format!(
            "; {nonsubstantive} non-substantive answer(s) (“don't know”), counted but {}",
            if a.options.include_nonsubstantive {
                "included in shares"
            } else {
                "left out of shares, medians and agreement"
            }
        ));
    }
    text.push('.');
    text
}

/// The groups of every grouping with their size and share of all respondents.
fn groups_table(a: &Aggregates) -> Table {
    let rows = a
        .groupings
        .iter()
        .flat_map(|grouping| {
            grouping.groups.iter().map(move |g| {
                vec![
                    grouping.label.clone(),
                    g.label.clone(),
                    g.n.to_string(),
                    format!(
                        "{} ({})",
                        percent(g.share),
                        percent_interval(pair(g.interval.as_ref()))
                    ),
                ]
            })
        })
        .collect();
    Table {
        id: None,
        caption: "The groups that results are given for, each of at least the anonymity threshold; a share is of all respondents, with its Wilson interval".into(),
        headers: vec![
            "Grouping".into(),
            "Group".into(),
            "Respondents".into(),
            "Share of all (interval)".into(),
        ],
        rows,
        numeric: vec![false, false, true, true],
    }
}

fn level_label(q: &QuestionResult, code: &str) -> String {
    q.choices
        .iter()
        .find(|c| c.code == code)
        .map_or(code.to_string(), |c| c.label.clone())
}

fn agreement_value(value: Option<f64>) -> String {
    value.map_or("–".into(), |v| format!("{v:.2}"))
}

/// One row of an ordinal summary: median (interval), quartiles, mean score, boxes and
/// the four agreement measures.
fn ordinal_cells(q: &QuestionResult, o: &Ordinal) -> Vec<String> {
    let box_share = |b: &crate::analyze::BoxShare| {
        format!(
            "{} ({})",
            percent(Some(b.share)),
            percent_interval(pair(b.interval.as_ref()))
        )
    };
    vec![
        o.n.to_string(),
        match &o.median_interval {
            Some(i) if i.low != i.high => format!(
                "{} ({} to {})",
                level_label(q, &o.median),
                level_label(q, &i.low),
                level_label(q, &i.high)
            ),
            _ => level_label(q, &o.median),
        },
        format!("{} to {}", level_label(q, &o.q1), level_label(q, &o.q3)),
        statistic(Some(o.mean_score)),
        box_share(&o.bottom_box),
        box_share(&o.top_box),
        agreement_value(o.agreement.tastle_wierman),
        agreement_value(o.agreement.leik),
        agreement_value(o.agreement.van_der_eijk),
        agreement_value(o.agreement.polarisation),
    ]
}

fn ordinal_headers(first: &str) -> Vec<String> {
    [
        first,
        "n",
        "Median (interval)",
        "Quartiles",
        "Mean score",
        "Bottom box",
        "Top box",
        "Consensus (Tastle–Wierman)",
        "Dispersion (Leik)",
        "Agreement A (van der Eijk)",
        "Polarisation",
    ]
    .map(String::from)
    .to_vec()
}

const ORDINAL_CAPTION: &str = "Ordinal summary of the substantive answers: the median level (with its bootstrap interval), the quartile levels, the mean of level scores (1 = lowest), the bottom and top boxes (interval), and agreement measures (docs/statistics.md)";

/// A likert question's ordinal summary for every group.
fn ordinal_table(a: &Aggregates, q: &QuestionResult) -> Table {
    let groups = if q.is_position {
        vec![(OVERALL, ALL, "All".to_string())]
    } else {
        all_groups(a)
    };
    let rows = groups
        .into_iter()
        .filter_map(|(grouping, group, label)| {
            let o = q.result(grouping, group)?.ordinal.as_ref()?;
            let mut row = vec![label];
            row.extend(ordinal_cells(q, o));
            Some(row)
        })
        .collect();
    ordinal_summary("Group", ORDINAL_CAPTION.into(), rows)
}

/// A matrix question's ordinal summary, row by row, for all respondents.
fn matrix_ordinal_table(q: &QuestionResult) -> Table {
    let overall = q.result(OVERALL, ALL);
    let rows = q
        .rows
        .iter()
        .enumerate()
        .filter_map(|(r, row)| {
            let o = overall?.rows.get(r)?.ordinal.as_ref()?;
            let mut cells = vec![row.label.clone()];
            cells.extend(ordinal_cells(q, o));
            Some(cells)
        })
        .collect();
    ordinal_summary("Row", format!("All respondents. {ORDINAL_CAPTION}"), rows)
}

/// An ordinal summary table: [`ordinal_headers`] after `first`, whose cells are numbers but
/// for the first (the row's name) and the median and interquartile levels (names too).
fn ordinal_summary(first: &str, caption: String, rows: Vec<Vec<String>>) -> Table {
    let headers = ordinal_headers(first);
    let mut numeric = vec![true; headers.len()];
    numeric[0] = false;
    numeric[2] = false;
    numeric[3] = false;
    Table {
        id: None,
        caption,
        headers,
        rows,
        numeric,
    }
}

/// Probability answers pooled into one, several ways, per group.
fn pooled_table(a: &Aggregates, q: &QuestionResult) -> Table {
    let headers = [
        "Group",
        "n",
        "Mean (interval)",
        "Median",
        "Trimmed mean",
        "Geometric mean of odds (interval)",
        "Extremized",
        "Answers at 0–1% or 99–100%",
    ]
    .map(String::from)
    .to_vec();
    let rows = all_groups(a)
        .into_iter()
        .filter_map(|(grouping, group, label)| {
            let p = q.result(grouping, group)?.pooled.as_ref()?;
            let with = |v: f64, i: Option<&Interval>| {
                format!("{} ({})", percent_one(v), percent_interval(pair(i)))
            };
            Some(vec![
                label,
                p.pooled.n.to_string(),
                with(p.pooled.mean, p.mean_interval.as_ref()),
                percent_one(p.pooled.median),
                percent_one(p.pooled.trimmed_mean),
                with(
                    p.pooled.geometric_mean_of_odds,
                    p.geometric_mean_of_odds_interval.as_ref(),
                ),
                percent_one(p.pooled.extremized_geometric_mean_of_odds),
                p.pooled.clamped.to_string(),
            ])
        })
        .collect();
    let mut numeric = vec![true; headers.len()];
    numeric[0] = false;
    Table {
        id: None,
        caption: "Pooled probability: linear pools (mean, median, 10% trimmed mean) and the geometric mean of odds, plain and extremized (Neyman–Roughgarden); answers below 1% or above 99% are read as 1% or 99% for the odds pools; intervals are percentile bootstrap".into(),
        headers,
        rows,
        numeric,
    }
}

/// A probability as a percent with one decimal: `35.1%`.
fn percent_one(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

fn group_label(a: &Aggregates, grouping: &str, key: &str) -> String {
    a.grouping(grouping)
        .and_then(|g| g.groups.iter().find(|x| x.key == key))
        .map_or(key.to_string(), |g| g.label.clone())
}

/// How each share differs between the two ends of the scale.
fn contrast_table(a: &Aggregates, q: &QuestionResult, c: &crate::analyze::Contrast) -> Table {
    let (low, high) = (
        group_label(a, &c.grouping, &c.low),
        group_label(a, &c.grouping, &c.high),
    );
    let n = |key: &str| q.result(&c.grouping, key).map_or(0, |r| r.base);
    Table {
        id: None,
        caption: format!(
            "Difference of each share, {high} minus {low}, in percentage points, with Newcombe's interval"
        ),
        headers: vec![
            "Choice".into(),
            format!("{low} (n = {})", n(&c.low)),
            format!("{high} (n = {})", n(&c.high)),
            "Difference (interval)".into(),
        ],
        rows: q
            .choices
            .iter()
            .zip(&c.differences)
            .filter(|(_, d)| d.difference.is_some())
            .map(|(choice, d)| {
                vec![
                    choice.label.clone(),
                    percent(d.low_share),
                    percent(d.high_share),
                    points_difference(d.difference, pair(d.interval.as_ref())),
                ]
            })
            .collect(),
        numeric: vec![false, true, true, true],
    }
}

fn number_table(a: &Aggregates, q: &QuestionResult) -> Table {
    let headers = [
        "Group",
        "n",
        "Mean",
        "SD",
        "Min",
        "Q1",
        "Median",
        "Median interval",
        "Q3",
        "Max",
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
                s.and_then(|s| s.median_interval.as_ref())
                    .map_or("–".into(), |i| {
                        format!("{}–{}", statistic(Some(i.low)), statistic(Some(i.high)))
                    }),
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
        id: None,
        caption: format!(
            "Answers{unit}: quartiles interpolated as in R (type 7); SD is the sample standard deviation; the median's interval is a percentile bootstrap"
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
        id: None,
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
                id: None,
                caption: "By side".into(),
                headers: vec![
                    "Side".into(),
                    "Levels".into(),
                    "Respondents".into(),
                    "Share".into(),
                    "Interval".into(),
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
                            percent_interval(pair(g.interval.as_ref())),
                        ]
                    })
                    .collect(),
                numeric: vec![false, false, true, true, true],
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
            format!("{label} (n = {})", r.map_or(0, |r| r.base))
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
                        let x = &r.counts[c];
                        count_share_interval(x.count, x.share, pair(x.interval.as_ref()))
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
            "Count (share of those in the group who answered; interval). {}",
            if q.kind == "multiple" {
                "Respondents could pick several, so shares add up to more than 100%."
            } else {
                ""
            }
        );
        blocks.push(Block::Table(Table {
            id: None,
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
        id: None,
        caption: format!("All {} respondents", overall.map_or(0, |r| r.n)),
        headers: vec![
            "Level".into(),
            "Side".into(),
            "Respondents".into(),
            "Share".into(),
            "Interval".into(),
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
                    percent_interval(pair(count.and_then(|c| c.interval.as_ref()))),
                ]
            })
            .collect(),
        numeric: vec![false, false, true, true, true],
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

/// Coded free text: the consideration × position table, the considerations that most
/// distinguish the sides, and the coders' agreement.
fn coded_section(a: &Aggregates) -> Section {
    let by = if a.grouping(SIDE).is_some() {
        "side"
    } else {
        "position group"
    };
    let mut blocks = vec![Block::Paragraph(format!(
        "Considerations are the codes of the codebook questions. Each is counted in every {by} (the share of the group's answers that raise it), then the two ends of the scale are compared: the difference of shares with Newcombe's hybrid score interval, largest difference first. A consideration distinguishes the sides clearly when the interval of its difference excludes zero."
    ))];
    for coded in &a.coded {
        let Some(q) = a.question(&coded.question) else {
            continue;
        };
        blocks.push(Block::Subheading(q.text.clone()));
        blocks.push(Block::Table(consideration_table(a, q)));
        if let (Some(grouping), Some(low), Some(high)) = (&coded.grouping, &coded.low, &coded.high)
        {
            blocks.push(Block::Table(distinguishing_table(
                a, q, coded, grouping, low, high,
            )));
        }
        if let Some(agreement) = &coded.agreement {
            blocks.push(Block::Table(coder_table(q, coded, agreement)));
        }
    }
    Section {
        id: "considerations".into(),
        heading: format!("Considerations by {by}"),
        blocks,
    }
}

fn argues(direction: Option<Direction>) -> String {
    direction.map_or(String::new(), |d| d.as_str().to_string())
}

fn consideration_table(a: &Aggregates, q: &QuestionResult) -> Table {
    let groups: Vec<(&str, &str, String)> = a
        .grouping(SIDE)
        .or_else(|| a.grouping(POSITION))
        .map(|g| {
            g.groups
                .iter()
                .map(|x| (g.id.as_str(), x.key.as_str(), x.label.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut headers = vec!["Consideration".to_string(), "Argues".to_string()];
    headers.extend(groups.iter().map(|(grouping, key, label)| {
        format!(
            "{label} (n = {})",
            q.result(grouping, key).map_or(0, |r| r.base)
        )
    }));
    let rows = q
        .choices
        .iter()
        .enumerate()
        .map(|(c, choice)| {
            let mut row = vec![choice.label.clone(), argues(choice.direction)];
            row.extend(groups.iter().map(|(grouping, key, _)| {
                q.result(grouping, key).map_or("–".into(), |r| {
                    let x = &r.counts[c];
                    count_share_interval(x.count, x.share, pair(x.interval.as_ref()))
                })
            }));
            row
        })
        .collect();
    let mut numeric = vec![true; headers.len()];
    numeric[0] = false;
    numeric[1] = false;
    Table {
        id: None,
        caption: format!(
            "Consideration × {}: count (share of the group's answers; Wilson interval)",
            if a.grouping(SIDE).is_some() {
                "side"
            } else {
                "position"
            }
        ),
        headers,
        rows,
        numeric,
    }
}

fn distinguishing_table(
    a: &Aggregates,
    q: &QuestionResult,
    coded: &CodedQuestion,
    grouping: &str,
    low: &str,
    high: &str,
) -> Table {
    let (low_label, high_label) = (
        group_label(a, grouping, low),
        group_label(a, grouping, high),
    );
    let n = |key: &str| q.result(grouping, key).map_or(0, |r| r.base);
    Table {
        id: None,
        caption: format!(
            "The considerations that most distinguish {high_label} from {low_label}: difference of shares ({high_label} minus {low_label}) with Newcombe's interval, largest first"
        ),
        headers: vec![
            "Consideration".into(),
            "Argues".into(),
            format!("{low_label} (n = {})", n(low)),
            format!("{high_label} (n = {})", n(high)),
            "Difference (interval)".into(),
            "Distinguishes (interval excludes 0)".into(),
        ],
        rows: coded
            .distinguishing
            .iter()
            .filter(|d| d.difference.is_some())
            .map(|d| {
                vec![
                    d.label.clone(),
                    argues(d.direction),
                    percent(d.low_share),
                    percent(d.high_share),
                    points_difference(d.difference, pair(d.interval.as_ref())),
                    if d.interval
                        .as_ref()
                        .is_some_and(|i| i.low > 0.0 || i.high < 0.0)
                    {
                        "yes".into()
                    } else {
                        "no".into()
                    },
                ]
            })
            .collect(),
        numeric: vec![false, false, true, true, true, false],
    }
}

fn coder_table(
    q: &QuestionResult,
    coded: &CodedQuestion,
    agreement: &crate::analyze::CoderAgreement,
) -> Table {
    let kappa = if agreement.kappa_kind == "cohen" {
        "Cohen's κ"
    } else {
        "Fleiss' κ"
    };
    let values = |v: &crate::analyze::AgreementValues| {
        vec![
            agreement_value(v.alpha),
            agreement_value(v.kappa),
            percent(v.percent_agreement),
        ]
    };
    let mut rows = vec![{
        let mut row = vec!["All codes".to_string(), String::new()];
        row.extend(values(&agreement.overall));
        row
    }];
    rows.extend(agreement.codes.iter().map(|c| {
        let label = q
            .choices
            .iter()
            .find(|x| x.code == c.code)
            .map_or(c.code.clone(), |x| x.label.clone());
        let mut row = vec![
            label,
            c.ticked
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(" / "),
        ];
        row.extend(values(&c.values));
        row
    }));
    Table {
        id: None,
        caption: format!(
            "Agreement of the coders {} on “{}”: {} answers coded by at least two, {} by all; Krippendorff's α (nominal) and {kappa}, per code on the presence of the code",
            agreement.coders.join(", "),
            coded.question,
            agreement.answers,
            agreement.answers_all_coders
        ),
        headers: vec![
            "Code".into(),
            format!("Ticked by {}", agreement.coders.join(" / ")),
            "α".into(),
            kappa.into(),
            "Agreement".into(),
        ],
        rows,
        numeric: vec![false, true, true, true, true],
    }
}

/// Delphi rounds: respondents per round, how many moved on each ordinal question, and
/// how the position's overall distribution shifted.
fn rounds_section(a: &Aggregates) -> Section {
    let mut blocks = Vec::new();
    let Some(rounds) = &a.rounds else {
        return Section {
            id: "rounds".into(),
            heading: "Rounds".into(),
            blocks,
        };
    };
    blocks.push(Block::Table(Table {
        id: None,
        caption: "Respondents per round (results elsewhere are of the last round)".into(),
        headers: vec!["Round".into(), "Respondents".into()],
        rows: rounds
            .rounds
            .iter()
            .map(|r| vec![r.round.to_string(), r.respondents.to_string()])
            .collect(),
        numeric: vec![false, true],
    }));
    let has_position_shift = rounds.shifts.first().is_some_and(|shift| {
        shift
            .groups
            .iter()
            .any(|g| g.question == a.survey.position && g.grouping == OVERALL)
    });
    blocks.push(Block::Figure {
        chart: format!("{}-rounds", a.survey.position),
        n: format!(
            "n = {} in rounds {}",
            rounds
                .rounds
                .iter()
                .map(|r| r.respondents.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            rounds
                .rounds
                .iter()
                .map(|r| r.round.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        table: has_position_shift.then(|| "table-rounds".to_string()),
    });
    for (i, shift) in rounds.shifts.iter().enumerate() {
        blocks.push(Block::Subheading(format!(
            "From round {} to round {}",
            shift.from, shift.to
        )));
        blocks.push(Block::Table(Table {
            id: None,
            caption: "Respondents with a substantive answer in both rounds, by how their answer moved along the scale".into(),
            headers: vec![
                "Question".into(),
                "In both".into(),
                "Moved up".into(),
                "Moved down".into(),
                "Stayed".into(),
            ],
            rows: shift
                .respondents
                .iter()
                .map(|m| {
                    vec![
                        match &m.row {
                            Some(row) => format!("{}.{row}", m.question),
                            None => m.question.clone(),
                        },
                        m.both.to_string(),
                        m.up.to_string(),
                        m.down.to_string(),
                        m.same.to_string(),
                    ]
                })
                .collect(),
            numeric: vec![false, true, true, true, true],
        }));
        if let Some(position) = a.question(&a.survey.position) {
            if let Some(g) = shift
                .groups
                .iter()
                .find(|g| g.question == position.id && g.grouping == OVERALL)
            {
                blocks.push(Block::Table(Table {
                    id: (i == 0).then(|| "table-rounds".to_string()),
                    caption: format!(
                        "Where respondents stand, round {} (n = {}) and round {} (n = {}); median {} then {}",
                        shift.from,
                        g.n_from,
                        shift.to,
                        g.n_to,
                        g.median_from.as_deref().map_or("–".into(), |m| level_label(position, m)),
                        g.median_to.as_deref().map_or("–".into(), |m| level_label(position, m)),
                    ),
                    headers: vec![
                        "Level".into(),
                        format!("Round {}", shift.from),
                        format!("Round {}", shift.to),
                        "Change".into(),
                    ],
                    rows: g
                        .share_changes
                        .iter()
                        .map(|c| {
                            vec![
                                level_label(position, &c.code),
                                percent(c.from),
                                percent(c.to),
                                points_difference(c.change, None),
                            ]
                        })
                        .collect(),
                    numeric: vec![false, true, true, true],
                }));
            }
        }
    }
    Section {
        id: "rounds".into(),
        heading: "Rounds".into(),
        blocks,
    }
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
        if group.left_out > 0 {
            // Never silent: a capped group says how many answers it does not list.
            blocks.push(Block::Paragraph(format!(
                "{} respondents of this group wrote an answer; the {} listed are a sample, chosen by a hash of their answers seeded with {} (not by what they say), and {} are left out.",
                group.answered,
                group.respondents.len(),
                a.options.seed,
                group.left_out
            )));
        }
        if group.respondents.is_empty() {
            blocks.push(Block::Paragraph(
                "No free-text answers in this group.".into(),
            ));
            continue;
        }
        let order = &text_questions;
        blocks.push(Block::Table(Table {
            id: None,
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
        id: None,
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
        format!(
            "{} rows read, {} accepted, {} rejected. No problems were found in the input.",
            total.rows_read, total.accepted, total.rejected
        )
    } else {
        format!(
            "{} rows read, {} accepted, {} rejected. {} problem(s) were found; each is listed with its file, line and column in rejects.csv, and grouped by what it did and why below.",
            total.rows_read,
            total.accepted,
            total.rejected,
            problems.len()
        )
    }));
    if !problems.is_empty() {
        blocks.push(Block::Table(problems_by_reason(quality.rejects)));
    }
    Section {
        id: "data-quality".into(),
        heading: "Data quality".into(),
        blocks,
    }
}

/// How many lines in a reasons table's "first lines" cell.
const FIRST_LINES: usize = 5;

/// The problems grouped by effect, column and reason (the problem's own value left out of
/// the reason, so that one rule broken by many rows is one line), most frequent first.
fn problems_by_reason(rejects: &crate::ingest::Rejects) -> Table {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<(&str, String, String), Vec<String>> = BTreeMap::new();
    for p in &rejects.problems {
        let reason = match p.value.as_deref().filter(|v| !v.is_empty()) {
            Some(value) => p.reason.replace(&format!("`{value}`"), "a value"),
            None => p.reason.clone(),
        };
        groups
            .entry((
                p.effect.as_str(),
                p.field.clone().unwrap_or_default(),
                reason,
            ))
            .or_default()
            .push(format!("{}:{}", p.file, p.line));
    }
    let mut rows: Vec<(usize, Vec<String>)> = groups
        .into_iter()
        .map(|((effect, field, reason), places)| {
            let mut first: Vec<String> = places.iter().take(FIRST_LINES).cloned().collect();
            if places.len() > FIRST_LINES {
                first.push("…".into());
            }
            (
                places.len(),
                vec![
                    effect.to_string(),
                    field,
                    reason,
                    places.len().to_string(),
                    first.join(", "),
                ],
            )
        })
        .collect();
    // Most frequent first; the sort is stable, so ties keep effect, column, reason order.
    rows.sort_by_key(|(count, _)| std::cmp::Reverse(*count));
    Table {
        id: None,
        caption: "Problems by what they did and why (the full list, with columns and values, is rejects.csv)".into(),
        headers: vec![
            "Effect".into(),
            "Column".into(),
            "Reason".into(),
            "Problems".into(),
            "First at (file:line)".into(),
        ],
        rows: rows.into_iter().map(|(_, row)| row).collect(),
        numeric: vec![false, false, false, true, false],
    }
}

/// The inputs with their SHA-256, and the canvass version and options that made the
/// report: enough to check a published report against its files and make it again.
fn provenance(inputs: Inputs<'_>) -> Section {
    let p = inputs.provenance;
    let row = |role: &str, source: &super::Source| {
        vec![
            source.path.clone(),
            role.to_string(),
            source.bytes.to_string(),
            source.sha256.clone(),
        ]
    };
    let mut rows = vec![row("survey definition", &p.survey)];
    rows.extend(p.responses.iter().map(|s| row("responses", s)));
    Section {
        id: "provenance".into(),
        heading: "Provenance".into(),
        blocks: vec![
            Block::Facts(vec![
                ("Made with".into(), format!("canvass {}", p.version)),
                (
                    "Survey".into(),
                    format!("“{}” ({})", inputs.aggregates.survey.id, p.survey.path),
                ),
                (
                    "Analysis options".into(),
                    inputs.aggregates.options.describe(),
                ),
            ]),
            Block::Table(Table {
                id: None,
                caption: "Input files and their SHA-256 (check with `sha256sum FILE`)".into(),
                headers: vec![
                    "File".into(),
                    "Role".into(),
                    "Bytes".into(),
                    "SHA-256".into(),
                ],
                rows,
                numeric: vec![false, false, true, false],
            }),
        ],
    }
}
