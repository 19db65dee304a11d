//! Key findings: plain sentences written by rules from whatever the aggregates hold, for
//! any survey. Each rule reads one kind of result (where respondents stand, agreement,
//! the considerations that distinguish the sides, what a whole side raised, pooled
//! probabilities) and says nothing when the aggregates do not hold it. Every sentence
//! carries the n behind its numbers; nothing here computes a statistic.

use crate::analyze::{ALL, Aggregates, GroupResult, OVERALL, POSITION, QuestionResult, SIDE};
use crate::numbers::{percent, percent_interval, points_difference};

/// Every finding, in a fixed order: position, agreement, distinguishing considerations,
/// what a whole group raised, pooled probabilities.
pub fn key_findings(a: &Aggregates) -> Vec<String> {
    if a.anonymity.all_suppressed {
        return vec![format!(
            "Results are withheld: {} responded, fewer than the anonymity threshold of {}.",
            a.panel.answered, a.anonymity.min_group_size
        )];
    }
    let mut out = Vec::new();
    out.extend(where_they_stand(a));
    out.extend(position_agreement(a));
    out.extend(most_agreed_and_divided(a));
    out.extend(distinguishing(a));
    out.extend(raised_by_everyone(a));
    out.extend(pooled_probabilities(a));
    out
}

/// `95%`, `99.5%`: the confidence level as people write it.
fn level(a: &Aggregates) -> String {
    let text = format!("{:.4}", a.options.confidence * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

fn pair(i: Option<&crate::analyze::Interval>) -> Option<(f64, f64)> {
    i.map(|i| (i.low, i.high))
}

/// The level labels of a group, as "A or B".
fn levels_in_words(position: Option<&QuestionResult>, levels: &[String]) -> String {
    let labels: Vec<&str> = levels
        .iter()
        .map(|code| {
            position
                .and_then(|q| q.choices.iter().find(|c| &c.code == code))
                .map_or(code.as_str(), |c| c.label.as_str())
        })
        .collect();
    match labels.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// "By side, 5 of 11 respondents are “In favour” (Lean in favour or Strongly in favour;
/// 45%, 95% interval 21–72%), …": the groups of the sides (or, without sides, of the
/// position), largest first.
pub(super) fn where_they_stand(a: &Aggregates) -> Option<String> {
    let (grouping, by) = match a.grouping(SIDE) {
        Some(g) => (g, "side"),
        None => (a.grouping(POSITION)?, "position"),
    };
    let position = a.question(&a.survey.position);
    let mut groups: Vec<(usize, &crate::analyze::Group)> =
        grouping.groups.iter().enumerate().collect();
    if groups.is_empty() {
        return None;
    }
    groups.sort_by_key(|(i, g)| (std::cmp::Reverse(g.n), *i));
    let parts: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(k, (_, g))| {
            let levels = levels_in_words(position, &g.levels);
            let detail = if levels.is_empty() || levels == g.label {
                String::new()
            } else {
                format!("{levels}; ")
            };
            let count = if k == 0 {
                format!("{} of {} respondents are", g.n, a.panel.answered)
            } else {
                g.n.to_string()
            };
            format!(
                "{count} “{}” ({detail}{}, {} interval {})",
                g.label,
                percent(g.share),
                level(a),
                percent_interval(pair(g.interval.as_ref()))
            )
        })
        .collect();
    Some(format!("By {by}, {}.", join_and(&parts)))
}

/// "A, B and C".
fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [first, second] => format!("{first} and {second}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

/// The agreement of all respondents on the position question itself.
pub(super) fn position_agreement(a: &Aggregates) -> Option<String> {
    let q = a.question(&a.survey.position)?;
    let o = q.result(OVERALL, ALL)?.ordinal.as_ref()?;
    let consensus = o.agreement.tastle_wierman?;
    let polarisation = o.agreement.polarisation.map_or(String::new(), |p| {
        format!(", polarisation {p:.2} (0 = all agree, 1 = split between the ends)")
    });
    Some(format!(
        "On the position question, consensus is {consensus:.2} on Tastle and Wierman's scale (0 = split between the ends, 1 = all agree; n = {}){polarisation}.",
        o.n
    ))
}

/// One ordinal item (a likert question or a matrix row) with its overall consensus.
struct Item {
    label: String,
    consensus: f64,
    n: u64,
}

/// The ordinal items that are opinions: likert questions other than the position and
/// the segments (who respondents are, not what they think), and matrix rows.
fn ordinal_items(a: &Aggregates) -> Vec<Item> {
    let mut items = Vec::new();
    let is_segment = |id: &str| a.grouping(&crate::analyze::segment_id(id)).is_some();
    for q in a.questions.iter().filter(|q| !is_segment(&q.id)) {
        let Some(overall) = q.result(OVERALL, ALL) else {
            continue;
        };
        if q.kind == "likert" && !q.is_position {
            if let Some(o) = &overall.ordinal {
                if let Some(consensus) = o.agreement.tastle_wierman {
                    items.push(Item {
                        label: format!("“{}”", q.text),
                        consensus,
                        n: o.n,
                    });
                }
            }
        }
        if q.kind == "matrix" {
            for (row, result) in q.rows.iter().zip(&overall.rows) {
                if let Some(o) = &result.ordinal {
                    if let Some(consensus) = o.agreement.tastle_wierman {
                        items.push(Item {
                            label: format!("“{}” in “{}”", row.label, q.text),
                            consensus,
                            n: o.n,
                        });
                    }
                }
            }
        }
    }
    items
}

/// The most agreed and the most divided of the ordinal items (other than the position),
/// by consensus; said only when there are at least two items and they differ.
pub(super) fn most_agreed_and_divided(a: &Aggregates) -> Option<String> {
    let items = ordinal_items(a);
    if items.len() < 2 {
        return None;
    }
    // The first of equals, in survey order, so that the sentence never depends on sorting.
    let most = items.iter().fold(&items[0], |best, x| {
        if x.consensus > best.consensus {
            x
        } else {
            best
        }
    });
    let least = items.iter().fold(&items[0], |worst, x| {
        if x.consensus < worst.consensus {
            x
        } else {
            worst
        }
    });
    if most.consensus == least.consensus {
        return None;
    }
    Some(format!(
        "Of {} rated items, respondents agree most on {} (consensus {:.2}, n = {}) and are most divided on {} (consensus {:.2}, n = {}); consensus is Tastle and Wierman's, from 0 (split between the ends) to 1 (all agree).",
        items.len(),
        most.label,
        most.consensus,
        most.n,
        least.label,
        least.consensus,
        least.n
    ))
}

fn group_label(a: &Aggregates, grouping: &str, key: &str) -> String {
    a.grouping(grouping)
        .and_then(|g| g.groups.iter().find(|x| x.key == key))
        .map_or(key.to_string(), |g| g.label.clone())
}

/// How many considerations a finding names at most.
const NAMED: usize = 3;

/// For each coded question: the considerations whose difference between the two outer
/// groups has an interval that excludes zero, largest first; or that none does.
pub(super) fn distinguishing(a: &Aggregates) -> Vec<String> {
    let mut out = Vec::new();
    for coded in &a.coded {
        let (Some(grouping), Some(low), Some(high), Some(q)) = (
            &coded.grouping,
            &coded.low,
            &coded.high,
            a.question(&coded.question),
        ) else {
            continue;
        };
        let n = |key: &str| q.result(grouping, key).map_or(0, |r| r.base);
        let (low_label, high_label) = (
            group_label(a, grouping, low),
            group_label(a, grouping, high),
        );
        let clear: Vec<String> = coded
            .distinguishing
            .iter()
            .filter(|d| {
                d.difference.is_some()
                    && d.interval
                        .as_ref()
                        .is_some_and(|i| i.low > 0.0 || i.high < 0.0)
            })
            .take(NAMED)
            .map(|d| {
                format!(
                    "{}, raised by {} of “{high_label}” and {} of “{low_label}”: {}",
                    d.label,
                    percent(d.high_share),
                    percent(d.low_share),
                    points_difference(d.difference, pair(d.interval.as_ref()))
                )
            })
            .collect();
        let groups = format!(
            "“{high_label}” (n = {}) from “{low_label}” (n = {})",
            n(high),
            n(low)
        );
        out.push(if clear.is_empty() {
            format!(
                "In “{}”, no consideration distinguishes {groups} clearly: every difference's {} interval includes zero.",
                q.text,
                level(a)
            )
        } else {
            format!(
                "In “{}”, what most distinguishes {groups} ({} intervals): {}.",
                q.text,
                level(a),
                clear.join("; ")
            )
        });
    }
    out
}

/// For each multiple-choice question, each group of the sides (or the position) in which
/// everyone who answered (at least two) gave the same choice: "everyone “Against” who
/// answered (4 of 4) raised …".
pub(super) fn raised_by_everyone(a: &Aggregates) -> Vec<String> {
    let Some(grouping) = a.grouping(SIDE).or_else(|| a.grouping(POSITION)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for q in a.questions.iter().filter(|q| q.kind == "multiple") {
        for group in &grouping.groups {
            let Some(r) = q.result(&grouping.id, &group.key) else {
                continue;
            };
            let everyone = unanimous(q, r);
            if !everyone.is_empty() {
                out.push(format!(
                    "Everyone “{}” who answered “{}” ({} of {}) raised {}.",
                    group.label,
                    q.text,
                    r.base,
                    r.base,
                    join_and(&everyone)
                ));
            }
        }
    }
    out
}

/// The choices every one of a group's answers gave, when the group's base is at least 2
/// (one person's answer is no consensus).
fn unanimous(q: &QuestionResult, r: &GroupResult) -> Vec<String> {
    if r.base < 2 {
        return Vec::new();
    }
    q.choices
        .iter()
        .zip(&r.counts)
        .filter(|(_, c)| c.count == r.base)
        .map(|(choice, _)| format!("“{}”", choice.label))
        .collect()
}

/// Every probability question's answers pooled: the geometric mean of odds and the mean,
/// with their intervals and n.
pub(super) fn pooled_probabilities(a: &Aggregates) -> Vec<String> {
    a.questions
        .iter()
        .filter(|q| q.kind == "probability")
        .filter_map(|q| {
            let p = q.result(OVERALL, ALL)?.pooled.as_ref()?;
            if p.pooled.n == 0 {
                return None;
            }
            let with_interval = |v: f64, i: Option<&crate::analyze::Interval>| match i {
                Some(i) => format!(
                    "{} ({} interval {})",
                    percent(Some(v)),
                    level(a),
                    percent_interval(Some((i.low, i.high)))
                ),
                None => percent(Some(v)),
            };
            Some(format!(
                "Pooled, the {} answers to “{}” give {} as the geometric mean of odds; the mean answer is {} and the median {}.",
                p.pooled.n,
                q.text,
                with_interval(
                    p.pooled.geometric_mean_of_odds,
                    p.geometric_mean_of_odds_interval.as_ref()
                ),
                with_interval(p.pooled.mean, p.mean_interval.as_ref()),
                percent(Some(p.pooled.median))
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Aggregates, Interval, analyze};
    use crate::testing::{ingest_csv, survey_from};

    const SURVEY: &str = r#"id = "f"
title = "F"
position = "stance"
[anonymity]
min_group_size = 2
[scales.s]
levels = [{ code = "no", label = "No" }, { code = "maybe", label = "Maybe" }, { code = "yes", label = "Yes" }]
sides = [
  { id = "against", label = "Against", levels = ["no"] },
  { id = "neutral", label = "Neutral", levels = ["maybe"] },
  { id = "favour", label = "Favour", levels = ["yes"] },
]
[scales.agree]
levels = [{ code = "disagree", label = "Disagree" }, { code = "unsure", label = "Unsure" }, { code = "agree", label = "Agree" }]
[codebook.themes]
codes = [{ code = "cost", label = "Cost", direction = "against" }, { code = "gain", label = "Gain", direction = "for" }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "Where do you stand?"
required = true
[[questions]]
id = "themes"
kind = "multiple"
codebook = "themes"
text = "Why?"
[[questions]]
id = "safe"
kind = "likert"
scale = "agree"
text = "Is it safe?"
[[questions]]
id = "useful"
kind = "likert"
scale = "agree"
text = "Is it useful?"
[[questions]]
id = "p"
kind = "probability"
text = "Chance of harm?"
"#;

    /// Three against (all raising cost), two neutral, three in favour (all raising gain);
    /// everyone agrees it is useful, and is split on whether it is safe.
    const CSV: &str = "respondent_id,stance,themes,safe,useful,p\n\
        1,no,cost,disagree,agree,80\n\
        2,no,cost,disagree,agree,70\n\
        3,no,cost,disagree,agree,90\n\
        4,maybe,cost;gain,unsure,agree,50\n\
        5,maybe,,agree,agree,40\n\
        6,yes,gain,agree,agree,10\n\
        7,yes,gain,agree,agree,5\n\
        8,yes,gain,agree,agree,20\n";

    fn aggregates() -> Aggregates {
        let survey = survey_from(SURVEY);
        analyze(&survey, &ingest_csv(&survey, CSV).responses).unwrap()
    }

    #[test]
    fn where_they_stand_gives_every_side_with_its_interval_largest_first() {
        let a = aggregates();
        assert_eq!(
            where_they_stand(&a).unwrap(),
            "By side, 3 of 8 respondents are “Against” (No; 38%, 95% interval 14–69%), 3 “Favour” (Yes; 38%, 95% interval 14–69%), and 2 “Neutral” (Maybe; 25%, 95% interval 7–59%)."
        );
        let mut none = a.clone();
        none.groupings.clear();
        assert_eq!(where_they_stand(&none), None, "no groups, no finding");
    }

    #[test]
    fn most_agreed_and_divided_needs_two_items_that_differ() {
        let a = aggregates();
        let text = most_agreed_and_divided(&a).unwrap();
        assert!(
            text.starts_with("Of 2 rated items, respondents agree most on “Is it useful?” (consensus 1.00, n = 8) and are most divided on “Is it safe?”"),
            "{text}"
        );
        let mut one = a.clone();
        one.questions.retain(|q| q.id != "useful");
        assert_eq!(most_agreed_and_divided(&one), None);
    }

    #[test]
    fn distinguishing_names_only_differences_whose_interval_excludes_zero() {
        let a = aggregates();
        let found = distinguishing(&a);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("In “Why?”, what most distinguishes “Favour” (n = 3) from “Against” (n = 3) (95% intervals): Cost, raised by 0% of “Favour” and 100% of “Against”: −100 pp"),
            "{}",
            found[0]
        );
        let mut unclear = a.clone();
        for d in &mut unclear.coded[0].distinguishing {
            d.interval = Some(Interval {
                low: -0.5,
                high: 0.5,
            });
        }
        assert!(
            distinguishing(&unclear)[0].contains("no consideration distinguishes"),
            "{:?}",
            distinguishing(&unclear)
        );
    }

    #[test]
    fn raised_by_everyone_fires_for_unanimous_groups_only() {
        let a = aggregates();
        assert_eq!(
            raised_by_everyone(&a),
            [
                "Everyone “Against” who answered “Why?” (3 of 3) raised “Cost”.",
                "Everyone “Favour” who answered “Why?” (3 of 3) raised “Gain”."
            ]
        );
        let mut split = a.clone();
        let themes = split
            .questions
            .iter_mut()
            .find(|q| q.id == "themes")
            .unwrap();
        for r in &mut themes.results {
            for c in &mut r.counts {
                c.count = c.count.min(r.base.saturating_sub(1));
            }
        }
        assert!(raised_by_everyone(&split).is_empty());
    }

    #[test]
    fn pooled_probabilities_give_the_pool_and_its_n() {
        let a = aggregates();
        let found = pooled_probabilities(&a);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("Pooled, the 8 answers to “Chance of harm?” give "),
            "{}",
            found[0]
        );
        assert!(found[0].contains("the median 45%"), "{}", found[0]);
        let mut without = a.clone();
        without.questions.retain(|q| q.kind != "probability");
        assert!(pooled_probabilities(&without).is_empty());
    }

    #[test]
    fn position_agreement_and_withheld_results() {
        let a = aggregates();
        assert!(
            position_agreement(&a)
                .unwrap()
                .starts_with("On the position question, consensus is "),
        );
        let mut withheld = a.clone();
        withheld.anonymity.all_suppressed = true;
        assert_eq!(
            key_findings(&withheld),
            ["Results are withheld: 8 responded, fewer than the anonymity threshold of 2."]
        );
        assert_eq!(key_findings(&a).len(), 7);
    }
}
