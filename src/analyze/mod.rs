//! Every number in every output. Analysis takes the checked [`Survey`] and the typed
//! [`Responses`] and produces [`Aggregates`]; charts and reports only present them.
//!
//! The response table is counted once per cell (position level × segment answers) in one
//! polars query ([`cells`]); [`groups::decide`] decides from the cell sizes which groups
//! any output may show; every group's results are sums of its cells, measured by
//! [`measures`] with the formulas of [`stats`].

mod aggregates;
mod cells;
mod coders;
mod contrast;
mod groups;
#[cfg(test)]
mod hand_checks;
mod measures;
mod options;
mod partial;
mod points;
mod regroup;
mod rounds;
mod shown;
/// Pure statistics (intervals, bootstrap, agreement, pooling, reliability) on plain slices.
pub mod stats;
mod streamed;
mod texts;

use std::collections::BTreeMap;

use rayon::prelude::*;

pub use aggregates::*;
pub use groups::{
    ALL, LevelGroup, OVERALL, POSITION, Partitions, SIDE, UNANSWERED, cross_id, partition,
    segment_id,
};
pub use partial::{FORMAT as PARTIAL_FORMAT, Partial, PartialTable, partial};
pub use points::{Answers, Bin};
pub use streamed::Streamed;

use crate::error::{Error, Result};
use crate::ingest::Responses;
use crate::survey::{QuestionKind, Survey};
use groups::Decision;
use measures::{Context, Place};

/// The response column holding a respondent's Delphi round, when the survey has rounds.
pub const ROUND: &str = "round";

/// [`analyze_with`] the default options.
pub fn analyze(survey: &Survey, responses: &Responses) -> Result<Aggregates> {
    analyze_with(survey, responses, &Options::default())
}

/// Counts, shares, intervals, measures and groupings for every question, overall and by
/// every group the anonymity rule allows: the [`merge`] of the table's one [`partial`].
pub fn analyze_with(
    survey: &Survey,
    responses: &Responses,
    options: &Options,
) -> Result<Aggregates> {
    if let Some(problem) = options.problem() {
        return Err(Error::Usage(problem));
    }
    merge(survey, vec![partial(survey, responses, options)?], options)
}

/// The analysis of the rows of all `partials` together (each made by [`partial`] from a
/// part of one response table, with the same options): byte for byte what
/// [`analyze_with`] gives for the whole table, however it was split.
pub fn merge(survey: &Survey, partials: Vec<Partial>, options: &Options) -> Result<Aggregates> {
    if let Some(problem) = options.problem() {
        return Err(Error::Usage(problem));
    }
    for (i, p) in partials.iter().enumerate() {
        if let Some(problem) = p.problem(survey, options) {
            return Err(Error::Usage(format!(
                "partial aggregates {} of {}: {problem}",
                i + 1,
                partials.len()
            )));
        }
    }
    let total = partial::sum(partials)
        .ok_or_else(|| Error::Usage("no partial aggregates to merge".to_string()))?;
    let regrouped = regroup::survey(survey, options)?;
    let survey = regrouped.as_ref();
    let (mean, weights) = weights(survey, &total.tables);
    let ctx = Context {
        options,
        weighted: survey.weights.is_some(),
    };
    let table_of = |t: &PartialTable| {
        tabulate(
            survey,
            &cells::scale(survey, &t.cells, mean),
            t.respondents,
            &ctx,
        )
    };
    let empty = PartialTable {
        round: None,
        respondents: 0,
        cells: Vec::new(),
        texts: Vec::new(),
        coders: Vec::new(),
        answers: Vec::new(),
    };
    let last = total.tables.last().unwrap_or(&empty);
    let rounds = total.rounds.then(|| {
        let inputs = total
            .tables
            .iter()
            .map(|t| rounds::RoundInput {
                round: t.round.unwrap_or(0),
                respondents: t.respondents,
                table: table_of(t),
                answers: &t.answers,
            })
            .collect();
        rounds::analyse(survey, inputs)
    });
    let table = table_of(last);
    let answered = last.respondents;

    let answers_by_position = texts::by_position(&last.texts, &table.decision.position);
    let mut coded: Vec<CodedQuestion> = survey
        .questions
        .iter()
        .zip(&table.questions)
        .filter(|(q, _)| contrast::is_coded(q))
        .map(|(q, result)| contrast::distinguishing(q, result))
        .collect();
    for c in &mut coded {
        if let Some(question) = survey.question(&c.question) {
            c.agreement = last
                .coders
                .iter()
                .find(|u| u.question == question.id)
                .map(|units| coders::agreement(question, units));
        }
    }
    let time = |ms: Option<i64>| {
        ms.and_then(chrono::DateTime::from_timestamp_millis)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    };
    let panel = PanelInfo {
        invited: survey.panel.invited,
        answered,
        response_rate: survey
            .panel
            .invited
            .map(|invited| answered as f64 / f64::from(invited)),
        first_submitted: time(total.first_submitted_ms),
        last_submitted: time(total.last_submitted_ms),
        weights,
    };
    let notes = notes(survey, &panel, &table.decision, rounds.as_ref());

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
        options: options.clone(),
        anonymity: AnonymityInfo {
            min_group_size: survey.anonymity.min_group_size,
            rule: anonymity_rule(survey),
            merged: table.decision.merged.clone(),
            withheld: table.decision.withheld.clone(),
            all_suppressed: table.decision.all_suppressed,
        },
        groupings: table.groupings,
        questions: table.questions,
        coded,
        rounds,
        answers_by_position,
        notes,
    })
}

/// The mean weight of all respondents (weights are scaled by it to a mean of 1, so that
/// weighted counts read like counts) and what the scaled weights are; `None` unweighted.
/// Every sum runs over the distinct weights in ascending order, each times its count, so
/// it does not depend on how the rows were split or ordered.
fn weights(survey: &Survey, tables: &[PartialTable]) -> (Option<f64>, Option<WeightInfo>) {
    let Some(name) = &survey.weights else {
        return (None, None);
    };
    let mut counts: BTreeMap<u64, u64> = BTreeMap::new();
    for cell in tables.iter().flat_map(|t| &t.cells) {
        if let Some(w) = cell.weight {
            // Weights are positive, so their bits sort as the numbers do.
            *counts.entry(w.to_bits()).or_default() += cell.n;
        }
    }
    let counts: Vec<(f64, f64)> = counts
        .into_iter()
        .map(|(bits, n)| (f64::from_bits(bits), n as f64))
        .collect();
    let n: f64 = counts.iter().map(|(_, n)| n).sum();
    let mean = counts.iter().map(|(w, n)| w * n).sum::<f64>() / n.max(1.0);
    let scaled = |w: f64| if mean > 0.0 { w / mean } else { 1.0 };
    let sum: f64 = counts.iter().map(|&(w, n)| n * scaled(w)).sum();
    let squares: f64 = counts.iter().map(|&(w, n)| n * scaled(w) * scaled(w)).sum();
    let info = WeightInfo {
        column: name.clone(),
        effective_n: if sum > 0.0 { sum * sum / squares } else { 0.0 },
        min: counts.first().map_or(0.0, |&(w, _)| scaled(w)),
        max: counts.last().map_or(0.0, |&(w, _)| scaled(w)),
    };
    (Some(mean), Some(info))
}

/// One table's groups and per-question results: the whole analysis of one set of rows
/// (all responses, or one round).
pub(crate) struct Table {
    pub decision: Decision,
    pub groupings: Vec<Grouping>,
    pub questions: Vec<QuestionResult>,
}

pub(crate) fn tabulate(
    survey: &Survey,
    cells: &[cells::Cell],
    answered: u64,
    ctx: &Context<'_>,
) -> Table {
    let decision = groups::decide(survey, &cells::sizes(cells));
    let groupings: Vec<Grouping> = decision
        .groupings
        .iter()
        .map(|g| Grouping {
            id: g.id.clone(),
            label: g.label.clone(),
            groups: g
                .groups
                .iter()
                .map(|group| Group {
                    key: group.key.clone(),
                    label: group.label.clone(),
                    levels: group.levels.clone(),
                    n: group.n,
                    share: (answered > 0).then(|| group.n as f64 / answered as f64),
                    interval: stats::wilson(
                        group.n as f64,
                        answered as f64,
                        ctx.options.confidence,
                    ),
                    merged: group.merged,
                })
                .collect(),
        })
        .collect();

    // Every shown group's counts: the sum of its cells. The position question is given
    // overall only: its breakdown by position says nothing.
    let totals: Vec<(usize, usize, Vec<cells::QuestionCounts>)> = decision
        .groupings
        .iter()
        .enumerate()
        .flat_map(|(g, grouping)| (0..grouping.groups.len()).map(move |i| (g, i)))
        .filter(|_| !decision.all_suppressed)
        .map(|(g, i)| {
            let members = &decision.groupings[g].groups[i].members;
            let (_, counts) =
                cells::total(survey, cells.iter().filter(|c| members.contains(&c.key)));
            (g, i, counts)
        })
        .collect();

    let jobs: Vec<(usize, usize)> = (0..survey.questions.len())
        .flat_map(|q| (0..totals.len()).map(move |t| (q, t)))
        .filter(|&(q, t)| q != survey.position || decision.groupings[totals[t].0].id == OVERALL)
        .collect();
    // Cross cells (position × segment) are many and small: they get every count, share,
    // Wilson interval and measure, but no bootstrap interval, which would cost more than
    // everything else together on a large panel.
    let cross_options = Options {
        resamples: 0,
        ..ctx.options.clone()
    };
    let cross_ctx = Context {
        options: &cross_options,
        ..*ctx
    };
    let mut results: Vec<Vec<GroupResult>> = vec![Vec::new(); survey.questions.len()];
    let computed: Vec<(usize, GroupResult)> = jobs
        .par_iter()
        .map(|&(q, t)| {
            let (g, i, counts) = &totals[t];
            let grouping = &decision.groupings[*g];
            let group = &grouping.groups[*i];
            let question = &survey.questions[q];
            let place = Place {
                question: &question.id,
                grouping: &grouping.id,
                group: &group.key,
            };
            let ctx = if groups::is_cross(&grouping.id) {
                &cross_ctx
            } else {
                ctx
            };
            let mut result = measures::group_result(ctx, place, question, &counts[q], group.n);
            if !groups::is_cross(&grouping.id) {
                result.answers = points::answers(survey, question, &counts[q].values, group.n);
            }
            (q, result)
        })
        .collect();
    for (q, result) in computed {
        results[q].push(result);
    }

    let ends = contrast::ends(&decision.groupings);
    let questions = survey
        .questions
        .iter()
        .enumerate()
        .zip(results)
        .map(|((q, question), results)| {
            let contrast = ends
                .filter(|_| q != survey.position && !decision.all_suppressed)
                .and_then(|(grouping, low, high)| {
                    let counts = |i: usize| {
                        totals
                            .iter()
                            .find(|(g, j, _)| decision.groupings[*g].id == grouping.id && *j == i)
                            .map(|(_, _, c)| &c[q])
                    };
                    contrast::contrast(
                        ctx,
                        question,
                        &grouping.id,
                        (&grouping.groups[low].key, counts(low)?),
                        (&grouping.groups[high].key, counts(high)?),
                    )
                });
            QuestionResult {
                id: question.id.clone(),
                kind: question.kind.name().to_string(),
                text: question.text.to_string(),
                is_position: q == survey.position,
                required: question.required,
                show_if: question.show_if.as_ref().map(|c| c.source.clone()),
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
                contrast,
            }
        })
        .collect();
    Table {
        decision,
        groupings,
        questions,
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
            ChoiceInfo {
                neutral: scale.is_some_and(|s| s.neutral == Some(i)),
                ..plain_choice(c, side, scale.is_some_and(|s| s.is_nonsubstantive(i)))
            }
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
        neutral: false,
    }
}

fn anonymity_rule(survey: &Survey) -> String {
    let k = survey.anonymity.min_group_size;
    format!(
        "No result is broken down by, and no answer attributed to, a group of fewer than {k} respondents. \
         A position level or side below that size is merged with its smaller neighbour on the scale \
         (sides first, then levels within each side), so that no published group can be split off \
         another by subtraction. For a segment question, answers given by fewer than {k}, \
         non-substantive answers and \"not answered\" are pooled into one \"other\" group (adjacent \
         levels of an ordinal segment are merged first); a pool still below {k} joins the smallest group. \
         A cross of position (or, failing that, side) with a segment is shown only if every non-empty \
         cell has at least {k} respondents, and a segment breakdown or cross is shown only if its groups \
         and those already shown cannot be added and subtracted to isolate fewer than {k}. The same groups are used for every count, share, interval, \
         measure, quote, coded-text table and round. Within a group, free-text answers are sorted, not \
         listed in arrival order. The overall distribution of the position question is shown in full: \
         it counts positions without attributing any other answer to them."
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
    decision: &Decision,
    rounds: Option<&Rounds>,
) -> Vec<String> {
    let mut notes = Vec::new();
    let k = survey.anonymity.min_group_size;
    if decision.all_suppressed {
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
    if let Some(rounds) = rounds {
        if let Some(last) = rounds.rounds.last() {
            notes.push(format!(
                "Responses come from {} Delphi rounds; results are of the last round ({}), and the rounds section gives each round and the shift between them.",
                rounds.rounds.len(),
                last.round
            ));
        }
    }
    for m in &decision.merged {
        notes.push(format!(
            "{} are reported together, as one {} group, so that every group has at least {k} respondents.",
            join_words(&m.labels),
            m.grouping
        ));
    }
    for w in decision.withheld.iter().filter(|w| w.groups.is_empty()) {
        notes.push(format!(
            "The breakdown `{}` is not shown: {}.",
            w.grouping, w.reason
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
        // `themes` is optional and always shown: the one blank is skipped, not missing.
        assert_eq!(
            (
                overall.n,
                overall.answered,
                overall.not_shown,
                overall.skipped,
                overall.missing
            ),
            (6, 5, 0, 1, 0)
        );
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
        assert_eq!((high.answered, high.skipped), (2, 1));
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
