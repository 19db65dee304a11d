//! Every number in every output. Analysis takes the checked [`Survey`] and the typed
//! [`Responses`] and produces [`Aggregates`]; charts and reports only present them.

mod aggregates;
mod counts;
mod groups;
/// Pure statistics (intervals, bootstrap, agreement, pooling, reliability) on plain slices.
pub mod stats;
mod summary;
mod texts;

use polars::prelude::*;

pub use aggregates::*;
pub use groups::{LevelGroup, Partitions, partition};

use crate::error::Result;
use crate::ingest::{Responses, column};
use crate::survey::{QuestionKind, Survey};

/// Grouping ids, as they appear in `aggregates.json`.
pub const OVERALL: &str = "overall";
pub const POSITION: &str = "position";
pub const SIDE: &str = "side";
/// Key of the one group of the overall grouping.
pub const ALL: &str = "all";

/// Counts, shares and groupings for every question, overall and by position.
pub fn analyze(survey: &Survey, responses: &Responses) -> Result<Aggregates> {
    let levels = counts::by_position_level(survey, responses)?;
    let level_n: Vec<u64> = levels.iter().map(|l| l.n).collect();
    let min = u64::from(survey.anonymity.min_group_size);
    let scale = survey.position_scale();
    let partitions = groups::partition(scale, &level_n, min);
    let answered = responses.len() as u64;
    let all_suppressed = answered < min;

    let overall = LevelGroup {
        key: ALL.to_string(),
        label: "All respondents".to_string(),
        levels: 0..scale.levels.len(),
        n: answered,
        merged_from: Vec::new(),
        merged_labels: Vec::new(),
    };
    let position_label = format!("By {}", survey.position_question().id);
    let mut groupings: Vec<(&str, String, Vec<LevelGroup>)> =
        vec![(OVERALL, "Overall".into(), vec![overall])];
    if !all_suppressed {
        groupings.push((POSITION, position_label, partitions.levels.clone()));
        if !scale.sides.is_empty() {
            groupings.push((SIDE, "By side".into(), partitions.sides.clone()));
        }
    }

    let questions = survey
        .questions
        .iter()
        .enumerate()
        .map(|(q, question)| {
            let is_position = q == survey.position;
            let results = if all_suppressed {
                Vec::new()
            } else {
                groupings
                    .iter()
                    .filter(|(id, _, _)| !is_position || *id == OVERALL)
                    .flat_map(|(id, _, groups)| {
                        groups
                            .iter()
                            .map(|g| group_result(id, g, &levels, question, q))
                    })
                    .collect()
            };
            QuestionResult {
                id: question.id.clone(),
                kind: question.kind.name().to_string(),
                text: question.text.to_string(),
                is_position,
                unit: match &question.kind {
                    QuestionKind::Numeric { unit, .. } => unit.as_ref().map(ToString::to_string),
                    QuestionKind::Probability => Some("%".to_string()),
                    _ => None,
                },
                choices: choice_info(question),
                rows: question
                    .rows()
                    .iter()
                    .map(|r| plain_choice(r, None, false))
                    .collect(),
                results,
            }
        })
        .collect();

    let answers_by_position = texts::by_position(survey, responses, &partitions.levels)?;
    let merged = groupings
        .iter()
        .flat_map(|(id, _, groups)| {
            groups
                .iter()
                .filter(|g| !g.merged_from.is_empty())
                .map(|g| MergedGroup {
                    grouping: id.to_string(),
                    group: g.key.clone(),
                    members: g.merged_from.clone(),
                    labels: g.merged_labels.clone(),
                })
        })
        .collect::<Vec<_>>();
    let (first_submitted, last_submitted) = fielding_period(responses)?;
    let panel = PanelInfo {
        invited: survey.panel.invited,
        answered,
        response_rate: survey
            .panel
            .invited
            .map(|invited| answered as f64 / f64::from(invited)),
        first_submitted,
        last_submitted,
    };
    let notes = notes(survey, &panel, &merged, all_suppressed);

    Ok(Aggregates {
        schema_version: SCHEMA_VERSION,
        survey: SurveyInfo {
            id: survey.id.clone(),
            title: survey.title.to_string(),
            question: survey.question.as_ref().map(ToString::to_string),
            language: survey.language.clone(),
            position: survey.position_question().id.clone(),
        },
        panel,
        anonymity: AnonymityInfo {
            min_group_size: survey.anonymity.min_group_size,
            rule: anonymity_rule(survey),
            merged,
            all_suppressed,
        },
        groupings: groupings
            .into_iter()
            .map(|(id, label, groups)| Grouping {
                id: id.to_string(),
                label,
                groups: groups
                    .into_iter()
                    .map(|g| Group {
                        levels: scale.levels[g.levels.clone()]
                            .iter()
                            .map(|l| l.code.clone())
                            .collect(),
                        merged: !g.merged_from.is_empty(),
                        share: (answered > 0).then(|| g.n as f64 / answered as f64),
                        key: g.key,
                        label: g.label,
                        n: g.n,
                    })
                    .collect(),
            })
            .collect(),
        questions,
        answers_by_position,
        notes,
    })
}

/// A question's counts for one group: the sum over the group's levels.
fn group_result(
    grouping: &str,
    group: &LevelGroup,
    levels: &[counts::LevelCounts],
    question: &crate::survey::Question,
    q: usize,
) -> GroupResult {
    let mut sum = levels[group.levels.start].questions[q].clone();
    for level in &levels[group.levels.start + 1..group.levels.end] {
        sum.add(&level.questions[q]);
    }
    let codes = question.choices();
    let share = |count: u64, of: u64| (of > 0).then(|| count as f64 / of as f64);
    let counted = |counts: &[u64], of: u64| -> Vec<ChoiceCount> {
        codes
            .iter()
            .zip(counts)
            .map(|(choice, &count)| ChoiceCount {
                code: choice.code.clone(),
                count,
                share: share(count, of),
            })
            .collect()
    };
    GroupResult {
        grouping: grouping.to_string(),
        group: group.key.clone(),
        n: group.n,
        answered: sum.answered,
        missing: group.n - sum.answered,
        counts: counted(&sum.choices, sum.answered),
        rows: question
            .rows()
            .iter()
            .zip(&sum.rows)
            .map(|(row, (answered, counts))| RowResult {
                row: row.code.clone(),
                answered: *answered,
                counts: counted(counts, *answered),
            })
            .collect(),
        ranks: codes
            .iter()
            .zip(&sum.ranks)
            .map(|(choice, &(ranked, first, rank_sum))| RankResult {
                code: choice.code.clone(),
                ranked,
                first,
                first_share: share(first, sum.answered),
                mean_rank: (ranked > 0).then(|| rank_sum as f64 / ranked as f64),
            })
            .collect(),
        summary: summary::summarize(&sum.values),
    }
}

fn choice_info(question: &crate::survey::Question) -> Vec<ChoiceInfo> {
    let scale = question.scale();
    question
        .choices()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let side = scale
                .and_then(|s| s.sides.iter().find(|side| side.levels.contains(&i)))
                .map(|s| s.id.clone());
            plain_choice(c, side, scale.is_some_and(|s| s.is_nonsubstantive(i)))
        })
        .collect()
}

fn plain_choice(
    c: &crate::survey::Choice,
    side: Option<String>,
    nonsubstantive: bool,
) -> ChoiceInfo {
    ChoiceInfo {
        code: c.code.clone(),
        label: c.label.to_string(),
        direction: c.direction,
        side,
        nonsubstantive,
    }
}

/// Earliest and latest submission time, when responses carry them.
fn fielding_period(responses: &Responses) -> Result<(Option<String>, Option<String>)> {
    let times = responses
        .frame()
        .column(column::SUBMITTED_AT)?
        .cast(&DataType::Int64)?;
    let times = times.i64()?;
    let format = |ms: Option<i64>| {
        ms.and_then(chrono::DateTime::from_timestamp_millis)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    };
    Ok((format(times.min()), format(times.max())))
}

fn anonymity_rule(survey: &Survey) -> String {
    let k = survey.anonymity.min_group_size;
    format!(
        "No result is broken down by, and no answer attributed to, a group of fewer than {k} respondents. \
         A position level or side below that size is merged with its smaller neighbour on the scale \
         (sides first, then levels within each side), so that no published group can be split off \
         another by subtraction. Within a group, free-text answers are sorted, not listed in arrival order. \
         The overall distribution of the position question is shown in full: it counts positions without \
         attributing any other answer to them."
    )
}

/// "A", "A and B", "A, B and C".
fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn notes(
    survey: &Survey,
    panel: &PanelInfo,
    merged: &[MergedGroup],
    all_suppressed: bool,
) -> Vec<String> {
    let mut notes = Vec::new();
    let k = survey.anonymity.min_group_size;
    if all_suppressed {
        notes.push(format!(
            "Only {} responded, fewer than the anonymity threshold of {k}: every result is withheld.",
            panel.answered
        ));
    }
    if let Some(invited) = panel.invited.filter(|&i| u64::from(i) < panel.answered) {
        notes.push(format!(
            "More responses ({}) than people invited ({invited}): check `invited` in the survey's [panel].",
            panel.answered
        ));
    }
    for m in merged {
        notes.push(format!(
            "{} are reported together, as one {} group, so that every group has at least {k} respondents.",
            join_words(&m.labels),
            m.grouping
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ingest_csv, survey};

    fn run(csv: &str) -> Aggregates {
        let survey = survey();
        analyze(&survey, &ingest_csv(&survey, csv).responses).unwrap()
    }

    fn counts(result: &GroupResult) -> Vec<(&str, u64, Option<f64>)> {
        result
            .counts
            .iter()
            .map(|c| (c.code.as_str(), c.count, c.share))
            .collect()
    }

    /// Six respondents, worked out by hand: levels no 2, maybe 1, yes 3. The lone `maybe`
    /// side joins its smaller neighbour `against` (2 < 3), then inside that merged side
    /// `maybe` joins `no`.
    const SIX: &str = "respondent_id,stance,themes,note\n\
        1,no,cost,zeta\n\
        2,no,cost;gain,alpha\n\
        3,maybe,gain,\n\
        4,yes,,mid\n\
        5,yes,gain,\n\
        6,yes,gain;cost,\n";

    #[test]
    fn counts_and_shares_by_group_match_a_hand_count() {
        let a = run(SIX);
        assert_eq!(a.panel.answered, 6);
        assert_eq!(a.panel.response_rate, Some(0.6));

        let stance = a.question("stance").unwrap();
        assert_eq!(
            stance.results.len(),
            1,
            "the position is given overall only"
        );
        assert_eq!(
            counts(&stance.results[0]),
            vec![
                ("no", 2, Some(2.0 / 6.0)),
                ("maybe", 1, Some(1.0 / 6.0)),
                ("yes", 3, Some(0.5))
            ]
        );
        assert_eq!(stance.choices[1].side.as_deref(), Some("neutral"));

        let groups: Vec<(&str, u64)> = a
            .grouping(POSITION)
            .unwrap()
            .groups
            .iter()
            .map(|g| (g.key.as_str(), g.n))
            .collect();
        assert_eq!(groups, vec![("no+maybe", 3), ("yes", 3)]);
        let sides: Vec<(&str, u64)> = a
            .grouping(SIDE)
            .unwrap()
            .groups
            .iter()
            .map(|g| (g.key.as_str(), g.n))
            .collect();
        assert_eq!(sides, vec![("against+neutral", 3), ("favour", 3)]);

        let themes = a.question("themes").unwrap();
        let overall = themes.result(OVERALL, ALL).unwrap();
        assert_eq!((overall.n, overall.answered, overall.missing), (6, 5, 1));
        assert_eq!(
            counts(overall),
            vec![("cost", 3, Some(0.6)), ("gain", 4, Some(0.8))]
        );
        let low = themes.result(POSITION, "no+maybe").unwrap();
        assert_eq!(
            counts(low),
            vec![("cost", 2, Some(2.0 / 3.0)), ("gain", 2, Some(2.0 / 3.0))]
        );
        let high = themes.result(SIDE, "favour").unwrap();
        assert_eq!((high.answered, high.missing), (2, 1));
        assert_eq!(
            counts(high),
            vec![("cost", 1, Some(0.5)), ("gain", 2, Some(1.0))]
        );
        assert_eq!(
            themes.choices[0].direction,
            Some(crate::survey::Direction::Against)
        );
    }

    #[test]
    fn texts_are_grouped_by_merged_position_and_sorted() {
        let a = run(SIX);
        let texts: Vec<(&str, Vec<&str>)> = a
            .answers_by_position
            .iter()
            .map(|g| {
                (
                    g.group.as_str(),
                    g.respondents
                        .iter()
                        .map(|r| r.texts[0].text.as_str())
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            texts,
            vec![("no+maybe", vec!["alpha", "zeta"]), ("yes", vec!["mid"])]
        );
    }

    #[test]
    fn merges_are_recorded_and_explained() {
        let a = run(SIX);
        let merged: Vec<(&str, &str)> = a
            .anonymity
            .merged
            .iter()
            .map(|m| (m.grouping.as_str(), m.group.as_str()))
            .collect();
        assert_eq!(
            merged,
            vec![("position", "no+maybe"), ("side", "against+neutral")]
        );
        assert!(a.notes.iter().any(|n| n.starts_with("No and Maybe are reported together, as one position group")), "{:?}", a.notes);
    }

    #[test]
    fn fewer_respondents_than_the_threshold_withholds_everything() {
        let a = run("respondent_id,stance,note\n1,yes,only me\n");
        assert!(a.anonymity.all_suppressed);
        assert_eq!(a.groupings.len(), 1);
        assert!(a.questions.iter().all(|q| q.results.is_empty()));
        assert!(a.answers_by_position.is_empty());
        assert!(a.notes[0].starts_with("Only 1 responded"), "{:?}", a.notes);
    }

    #[test]
    fn no_responses_give_an_empty_but_valid_result() {
        let a = run("respondent_id,stance\n");
        assert_eq!(a.panel.answered, 0);
        assert!(a.anonymity.all_suppressed);
        assert!(a.questions.iter().all(|q| q.results.is_empty()));
    }

    #[test]
    fn the_fielding_period_spans_the_submission_times() {
        let a = run(
            "respondent_id,submitted_at,stance\n1,2026-03-02T10:00:00Z,yes\n2,2026-03-01T09:00:00+01:00,no\n",
        );
        assert_eq!(
            a.panel.first_submitted.as_deref(),
            Some("2026-03-01T08:00:00Z")
        );
        assert_eq!(
            a.panel.last_submitted.as_deref(),
            Some("2026-03-02T10:00:00Z")
        );
    }

    /// Three respondents answering every kind, counted by hand (see each assertion).
    #[test]
    fn every_kind_is_summarised() {
        let survey = crate::testing::every_kind();
        let csv = "respondent_id,submitted_at,weight,stance,role,role.other,why,grid.r1,grid.r2,hours,p,when,order,note\n\
                   1,,1,yes,a,,x;z,agree,dk,40,35.5,2031,z;x,because\n\
                   2,,1,no,b,,,disagree,agree,,0,2025,,\n\
                   3,,1,yes,other,me,x,agree,agree,20,50,2040,x;y,so\n";
        let a = analyze(&survey, &ingest_csv(&survey, csv).responses).unwrap();
        let overall = |id: &str| {
            a.question(id)
                .unwrap()
                .result(OVERALL, ALL)
                .unwrap()
                .clone()
        };

        // Matrix rows: r1 disagree 1, agree 2; r2 agree 2, don't know 1.
        let grid = overall("grid");
        let row = |r: usize| {
            grid.rows[r]
                .counts
                .iter()
                .map(|c| c.count)
                .collect::<Vec<_>>()
        };
        assert_eq!((row(0), row(1)), (vec![1, 2, 0], vec![0, 2, 1]));
        assert!(a.question("grid").unwrap().choices[2].nonsubstantive);

        // hours 40 and 20: mean 30, sd √200; p 35.5, 0, 50: median 35.5, mean 28.5.
        let hours = overall("hours").summary.unwrap();
        assert_eq!(
            (hours.n, hours.mean, hours.median, hours.min, hours.max),
            (2, 30.0, 30.0, 20.0, 40.0)
        );
        assert!((hours.sd.unwrap() - 200f64.sqrt()).abs() < 1e-12);
        let p = overall("p").summary.unwrap();
        assert_eq!((p.n, p.median, p.mean), (3, 35.5, 28.5));
        assert_eq!(overall("when").summary.unwrap().median, 2031.0);
        assert_eq!(a.question("p").unwrap().unit.as_deref(), Some("%"));

        // Rankings z;x and x;y: x ranked twice (ranks 2 and 1), first once, mean 1.5.
        let order = overall("order");
        assert_eq!(order.answered, 2);
        let ranks: Vec<(&str, u64, u64, Option<f64>)> = order
            .ranks
            .iter()
            .map(|r| (r.code.as_str(), r.ranked, r.first, r.mean_rank))
            .collect();
        assert_eq!(
            ranks,
            vec![
                ("x", 2, 1, Some(1.5)),
                ("y", 1, 0, Some(2.0)),
                ("z", 1, 1, Some(1.0))
            ]
        );

        // By position: the two who said yes.
        let yes = a
            .question("hours")
            .unwrap()
            .result(POSITION, "yes")
            .unwrap();
        assert_eq!(
            (yes.n, yes.answered, yes.summary.as_ref().unwrap().mean),
            (2, 2, 30.0)
        );
        let role = overall("role");
        assert_eq!(
            role.counts.iter().map(|c| c.count).collect::<Vec<_>>(),
            vec![1, 1, 1]
        );
    }
}
