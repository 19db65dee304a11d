//! Whole analyses checked against numbers worked out by hand: the seed panel, a weighted
//! panel, Delphi rounds, two coders, segments and `show_if`. Intervals are recomputed here
//! from their textbook formulas, not taken from `stats`, so these tests check the wiring
//! (which counts go into which formula) independently of the formulas' own tests.

use std::path::Path;

use super::*;
use crate::testing::{ingest_csv, survey_from};

/// The two-sided 95 % normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// Wilson's score interval, written out.
fn wilson_by_hand(x: f64, n: f64) -> (f64, f64) {
    let p = x / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn seed_panel() -> Aggregates {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let survey = crate::survey::load(&root.join("surveys/capabilities-roles.toml"))
        .unwrap()
        .survey;
    let ingested = crate::ingest::ingest(
        &survey,
        &[root.join("data/capabilities-roles/seed-panel.csv")],
    )
    .unwrap();
    analyze(&survey, &ingested.responses).unwrap()
}

/// The seed panel (11 answers): stance 2, 2, 2, 4, 1 from strongly against to strongly in
/// favour. Against (panelists 3, 5, 7, 9) all raised acceleration; in favour (1, 2, 8, 10,
/// 11) none did.
#[test]
fn the_seed_panel_by_hand() {
    let a = seed_panel();
    let stance = a.question("stance").unwrap().result(OVERALL, ALL).unwrap();
    let o = stance.ordinal.as_ref().unwrap();
    // Cumulative 2, 4, 6, 10, 11: half (5.5) is first reached at "it depends", a quarter
    // (2.75) at "lean against", three quarters (8.25) at "lean in favour".
    assert_eq!(
        (o.median.as_str(), o.q1.as_str(), o.q3.as_str()),
        ("it_depends", "lean_against", "lean_in_favour")
    );
    // Scores 1..5: (2 + 4 + 6 + 16 + 5) / 11 = 3.
    assert!(close(o.mean_score, 3.0));
    // Top two boxes: 5 of 11.
    assert_eq!(o.top_box.levels, ["lean_in_favour", "strongly_in_favour"]);
    let (low, high) = wilson_by_hand(5.0, 11.0);
    let top = o.top_box.interval.unwrap();
    assert!(close(o.top_box.share, 5.0 / 11.0) && close(top.low, low) && close(top.high, high));
    // Tastle–Wierman: mean 3, width 4; distances 2, 1, 0, 1, 2 give log2(1 - d/4) of
    // -1, log2 .75, 0, log2 .75, -1; weighted by 2, 2, 2, 4, 1 elevenths.
    let l = 0.75f64.log2();
    // Weighted by 2, 2, 2, 4, 1: 2·(-1) + 2·l + 2·0 + 4·l + 1·(-1).
    let consensus = 1.0 + (-2.0 + 2.0 * l + 4.0 * l - 1.0) / 11.0;
    assert!(close(o.agreement.tastle_wierman.unwrap(), consensus));

    let considerations = a.question("considerations").unwrap();
    let against = considerations.result(SIDE, "against").unwrap();
    let in_favour = considerations.result(SIDE, "in_favour").unwrap();
    let acceleration = 7;
    assert_eq!(considerations.choices[acceleration].code, "acceleration");
    let (a_count, f_count) = (
        &against.counts[acceleration],
        &in_favour.counts[acceleration],
    );
    assert_eq!(
        (a_count.count, against.base, f_count.count, in_favour.base),
        (4, 4, 0, 5)
    );
    // Wilson at 4 of 4: low = n / (n + z²); at 0 of 5: high = z² / (n + z²).
    let z2 = Z95 * Z95;
    assert!(close(a_count.interval.unwrap().low, 4.0 / (4.0 + z2)));
    assert_eq!(a_count.interval.unwrap().high, 1.0);
    assert!(close(f_count.interval.unwrap().high, z2 / (5.0 + z2)));
    // Newcombe for in favour − against: d = -1; low = d - sqrt(0² + 0²) = -1; high =
    // d + sqrt((u_favour - 0)² + (1 - l_against)²).
    let coded = a
        .coded
        .iter()
        .find(|c| c.question == "considerations")
        .unwrap();
    let first = &coded.distinguishing[0];
    assert_eq!(
        (first.code.as_str(), first.difference),
        ("acceleration", Some(-1.0))
    );
    let upper = -1.0 + ((z2 / (5.0 + z2)).powi(2) + (1.0 - 4.0 / (4.0 + z2)).powi(2)).sqrt();
    let interval = first.interval.unwrap();
    assert!(
        close(interval.low, -1.0) && close(interval.high, upper),
        "{interval:?}"
    );
    // Sorted by |difference|: never increasing.
    let sizes: Vec<f64> = coded
        .distinguishing
        .iter()
        .map(|d| d.difference.map_or(-1.0, f64::abs))
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
}

#[test]
fn the_seed_panel_is_the_same_to_the_byte_every_run() {
    let json = |a: &Aggregates| serde_json::to_string(a).unwrap();
    assert_eq!(json(&seed_panel()), json(&seed_panel()));
}

const WEIGHTED: &str = r#"id = "w"
title = "W"
position = "stance"
weights = "weight"
[anonymity]
min_group_size = 1
[scales.s]
levels = [{ code = "no", label = "No" }, { code = "yes", label = "Yes" }]
sides = [{ id = "against", label = "Against", levels = ["no"] }, { id = "favour", label = "Favour", levels = ["yes"] }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "Where do you stand?"
required = true
[[questions]]
id = "themes"
kind = "multiple"
text = "Why?"
choices = [{ code = "cost", label = "Cost", direction = "against" }, { code = "gain", label = "Gain", direction = "for" }]
[[questions]]
id = "p"
kind = "probability"
text = "Chance?"
"#;

/// Weights 1, 1, 2, 4 (mean 2) scale to 0.5, 0.5, 1, 2. Cost is ticked by weights 0.5
/// and 1 of a total of 4: share 0.375, on Kish's n = 4² / (0.25 + 0.25 + 1 + 4) = 2.909.
#[test]
fn weighted_counts_shares_and_intervals_by_hand() {
    let survey = survey_from(WEIGHTED);
    let csv = "respondent_id,weight,stance,themes,p\n\
               1,1,no,cost,10\n2,1,yes,gain,20\n3,2,no,cost,30\n4,4,yes,gain,40\n";
    let a = analyze(&survey, &ingest_csv(&survey, csv).responses).unwrap();
    let weights = a.panel.weights.as_ref().unwrap();
    let kish = 16.0 / 5.5;
    assert!(close(weights.effective_n, kish));
    assert_eq!((weights.min, weights.max), (0.5, 2.0));

    let themes = a.question("themes").unwrap().result(OVERALL, ALL).unwrap();
    let base = themes.weighted.as_ref().unwrap();
    assert!(close(base.base, 4.0) && close(base.effective_n, kish));
    let cost = &themes.counts[0];
    assert_eq!(cost.count, 2);
    assert!(close(cost.weighted_count.unwrap(), 1.5));
    assert!(close(cost.share.unwrap(), 0.375));
    let (low, high) = wilson_by_hand(0.375 * kish, kish);
    let interval = cost.interval.unwrap();
    assert!(
        close(interval.low, low) && close(interval.high, high),
        "{interval:?}"
    );

    // By side, each side's two respondents: against weights 0.5 and 1 (Kish 2.25 / 1.25).
    let against = a
        .question("themes")
        .unwrap()
        .result(SIDE, "against")
        .unwrap();
    assert!(close(
        against.weighted.as_ref().unwrap().effective_n,
        2.25 / 1.25
    ));
    assert_eq!(against.counts[0].share, Some(1.0));

    // Weighted mean of p: (0.5·10 + 0.5·20 + 1·30 + 2·40) / 4 = 31.25.
    let p = a.question("p").unwrap().result(OVERALL, ALL).unwrap();
    assert!(close(p.summary.as_ref().unwrap().mean, 31.25));
    let pooled = p.pooled.as_ref().unwrap();
    assert_eq!(pooled.pooled.n, 4);
    assert!(close(pooled.pooled.mean, 0.3125));
}

const ROUNDS: &str = r#"id = "r"
title = "R"
position = "stance"
[panel]
rounds = 2
[anonymity]
min_group_size = 2
[scales.s]
levels = [{ code = "no", label = "No" }, { code = "maybe", label = "Maybe" }, { code = "yes", label = "Yes" }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "Where do you stand?"
required = true
"#;

/// Four respondents in two rounds: 1 no→maybe (up), 2 no→no, 3 yes→maybe (down),
/// 4 yes→yes; 5 answers round 1 only.
#[test]
fn rounds_give_each_round_and_the_shift_by_hand() {
    let survey = survey_from(ROUNDS);
    let csv = "respondent_id,round,stance\n\
               1,1,no\n2,1,no\n3,1,yes\n4,1,yes\n5,1,maybe\n\
               1,2,maybe\n2,2,no\n3,2,maybe\n4,2,yes\n";
    let a = analyze(&survey, &ingest_csv(&survey, csv).responses).unwrap();
    assert_eq!(a.panel.answered, 4, "results are of the last round");
    let rounds = a.rounds.as_ref().unwrap();
    assert_eq!(
        rounds
            .rounds
            .iter()
            .map(|r| (r.round, r.respondents))
            .collect::<Vec<_>>(),
        vec![(1, 5), (2, 4)]
    );
    let shift = &rounds.shifts[0];
    assert_eq!((shift.from, shift.to), (1, 2));
    let m = &shift.respondents[0];
    assert_eq!(
        (m.question.as_str(), m.both, m.up, m.down, m.same),
        ("stance", 4, 1, 1, 2)
    );
    let overall = shift
        .groups
        .iter()
        .find(|g| g.question == "stance" && g.grouping == OVERALL)
        .unwrap();
    // Round 1: no 2/5, maybe 1/5, yes 2/5; round 2: 1/4, 2/4, 1/4.
    let changes: Vec<f64> = overall
        .share_changes
        .iter()
        .map(|c| c.change.unwrap())
        .collect();
    for (got, want) in changes.iter().zip([0.25 - 0.4, 0.5 - 0.2, 0.25 - 0.4]) {
        assert!(close(*got, want), "{changes:?}");
    }
    assert_eq!(
        (overall.median_from.as_deref(), overall.median_to.as_deref()),
        (Some("maybe"), Some("maybe"))
    );
    // Every round's groups meet the threshold on their own.
    for round in &rounds.rounds {
        for grouping in &round.groupings {
            assert!(grouping.groups.iter().all(|g| g.n >= 2), "{grouping:?}");
        }
    }
}

const CODED: &str = r#"id = "c"
title = "C"
position = "stance"
[anonymity]
min_group_size = 1
[scales.s]
levels = [{ code = "no", label = "No" }, { code = "yes", label = "Yes" }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "Where do you stand?"
required = true
[[questions]]
id = "themes"
kind = "multiple"
text = "Themes"
choices = [{ code = "cost", label = "Cost", direction = "against" }, { code = "gain", label = "Gain", direction = "for" }]
coders = ["ann", "ben"]
"#;

/// Cost: ann ticks answers 1 and 2, ben only 1 → pairs (1,1), (1,0), (0,0), (0,0):
/// p_o = 3/4, p_e = (2·3 + 2·1) / 16 = 1/2, κ = 0.5; α = 1 - 7 · 2 / (2 · 5 · 3) = 8/15.
/// Gain: ann ticks 3 and 4, ben 2, 3 and 4 → the mirror image, κ = 0.5. Answer 5 only
/// ann coded (ben's cell is empty, i.e. not coded): it is no unit of agreement.
#[test]
fn two_coders_agreement_by_hand() {
    let survey = survey_from(CODED);
    let csv = "respondent_id,stance,themes,themes@ann,themes@ben\n\
               1,no,cost,cost,cost\n2,no,cost,cost,gain\n3,yes,gain,gain,gain\n\
               4,yes,gain,gain,gain\n5,yes,gain,gain,\n";
    let ingested = ingest_csv(&survey, csv);
    assert!(
        ingested.rejects.problems.is_empty(),
        "{:?}",
        ingested.rejects.problems
    );
    let a = analyze(&survey, &ingested.responses).unwrap();
    let agreement = a.coded[0].agreement.as_ref().unwrap();
    assert_eq!(agreement.kappa_kind, "cohen");
    assert_eq!((agreement.answers, agreement.answers_all_coders), (4, 4));
    let cost = &agreement.codes[0];
    assert_eq!(cost.ticked, vec![2, 1]);
    assert!(close(cost.values.kappa.unwrap(), 0.5));
    assert!(close(cost.values.alpha.unwrap(), 8.0 / 15.0));
    assert!(close(cost.values.percent_agreement.unwrap(), 0.75));
    let gain = &agreement.codes[1];
    assert_eq!(gain.ticked, vec![2, 3]);
    assert!(close(gain.values.kappa.unwrap(), 0.5));
    // Overall: the 8 (answer, code) pairs, 6 agreeing.
    assert!(close(
        agreement.overall.percent_agreement.unwrap(),
        6.0 / 8.0
    ));
}

const SEGMENTED: &str = r#"id = "g"
title = "G"
position = "stance"
segments = ["org"]
[anonymity]
min_group_size = 2
[scales.s]
levels = [{ code = "no", label = "No" }, { code = "yes", label = "Yes" }]
[scales.agree]
levels = [{ code = "disagree", label = "Disagree" }, { code = "agree", label = "Agree" }]
nonsubstantive = [{ code = "dk", label = "Don't know" }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "Where do you stand?"
required = true
[[questions]]
id = "org"
kind = "single"
text = "Where do you work?"
choices = [{ code = "lab", label = "Lab" }, { code = "uni", label = "University" }, { code = "gov", label = "Government" }]
[[questions]]
id = "q"
kind = "likert"
scale = "agree"
text = "Agree?"
[[questions]]
id = "why"
kind = "text"
text = "Why yes?"
show_if = "stance == 'yes'"
"#;

/// Six respondents: org lab 3, uni 2, gov 1 → gov is pooled; alone below 2, the pool
/// joins the smallest group (uni). `q`: agree 3, disagree 1, dk 1, blank 1.
#[test]
fn segments_show_if_and_nonsubstantive_by_hand() {
    let survey = survey_from(SEGMENTED);
    let csv = "respondent_id,stance,org,q,why\n\
               1,no,lab,agree,\n2,no,lab,agree,\n3,yes,lab,disagree,x\n\
               4,yes,uni,dk,\n5,no,uni,agree,\n6,yes,gov,,y\n";
    let a = analyze(&survey, &ingest_csv(&survey, csv).responses).unwrap();
    let org = a.grouping(&segment_id("org")).unwrap();
    let groups: Vec<(&str, u64)> = org.groups.iter().map(|g| (g.key.as_str(), g.n)).collect();
    assert_eq!(groups, vec![("lab", 3), ("uni+gov", 3)]);
    let withheld = &a.anonymity.withheld;
    assert!(
        withheld
            .iter()
            .any(|w| w.grouping == "segment:org" && w.groups == ["gov"])
    );
    // Position × org: no|lab 2, yes|lab 1 → the cross is withheld.
    assert!(a.grouping("position:org").is_none());

    let q = a.question("q").unwrap().result(OVERALL, ALL).unwrap();
    assert_eq!(
        (
            q.answered,
            q.skipped,
            q.missing,
            q.not_shown,
            q.nonsubstantive,
            q.base
        ),
        (5, 1, 0, 0, 1, 4)
    );
    assert_eq!(q.counts[1].share, Some(0.75));
    assert_eq!(
        q.counts[2].share, None,
        "don't know has a count but no share"
    );
    assert_eq!(q.counts[2].count, 1);

    // `why` is shown to the three who said yes; two answered, one skipped.
    let why = a.question("why").unwrap().result(OVERALL, ALL).unwrap();
    assert_eq!((why.answered, why.not_shown, why.skipped), (2, 3, 1));

    let included = analyze_with(
        &survey,
        &ingest_csv(&survey, csv).responses,
        &Options {
            include_nonsubstantive: true,
            ..Options::default()
        },
    )
    .unwrap();
    let q = included
        .question("q")
        .unwrap()
        .result(OVERALL, ALL)
        .unwrap();
    assert_eq!(q.base, 5);
    assert_eq!(q.counts[2].share, Some(0.2));
    assert!(included.options.include_nonsubstantive);
}

#[test]
fn a_bad_confidence_is_a_usage_error() {
    let survey = survey_from(ROUNDS);
    let responses = ingest_csv(&survey, "respondent_id,round,stance\n1,1,no\n").responses;
    let options = Options {
        confidence: 1.5,
        ..Options::default()
    };
    assert!(matches!(
        analyze_with(&survey, &responses, &options),
        Err(Error::Usage(_))
    ));
}

/// Bootstrap intervals (and everything else) do not depend on the number of threads.
#[test]
fn the_frontier_panel_is_the_same_whatever_the_thread_count() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let survey = crate::survey::load(&root.join("surveys/frontier-roles-2027.toml"))
        .unwrap()
        .survey;
    let ingested = crate::ingest::ingest(
        &survey,
        &[root.join("data/frontier-roles-2027/synthetic.csv")],
    )
    .unwrap();
    let options = Options {
        resamples: 200,
        ..Options::default()
    };
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                serde_json::to_string(
                    &analyze_with(&survey, &ingested.responses, &options).unwrap(),
                )
                .unwrap()
            })
    };
    let one = run(1);
    assert!(
        one.contains("\"median_interval\":{\"low\""),
        "bootstrap intervals are present"
    );
    assert_eq!(one, run(3));
}

#[test]
fn a_weighted_survey_without_responses_gives_zeros_not_infinities() {
    let survey = survey_from(WEIGHTED);
    let a = analyze(
        &survey,
        &ingest_csv(&survey, "respondent_id,weight,stance\n").responses,
    )
    .unwrap();
    let w = a.panel.weights.unwrap();
    assert_eq!((w.effective_n, w.min, w.max), (0.0, 0.0, 0.0));
    assert!(a.anonymity.all_suppressed);
}

#[test]
fn cross_cells_get_no_bootstrap_but_every_other_group_does() {
    let survey = survey_from(&SEGMENTED.replace("min_group_size = 2", "min_group_size = 1"));
    let csv = "respondent_id,stance,org,q\n1,no,lab,agree\n2,no,uni,agree\n3,yes,lab,disagree\n4,yes,uni,agree\n";
    let a = analyze(&survey, &ingest_csv(&survey, csv).responses).unwrap();
    let q = a.question("q").unwrap();
    let cross: Vec<&GroupResult> = q
        .results
        .iter()
        .filter(|r| r.grouping == "position:org")
        .collect();
    assert_eq!(cross.len(), 4);
    for r in &q.results {
        let interval = r.ordinal.as_ref().unwrap().median_interval.as_ref();
        assert_eq!(
            interval.is_none(),
            r.grouping == "position:org",
            "{}/{}",
            r.grouping,
            r.group
        );
    }
}
