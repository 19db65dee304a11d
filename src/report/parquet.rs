//! `aggregates.parquet`: the aggregates in long format for R and Python, one row per
//! question × grouping × group × measure (× matrix row, × choice, level or item where
//! there is one), each with its value, the n behind it and its interval. The columns are
//! documented in `docs/aggregates.md` ("aggregates.parquet"). Rows come in the order of
//! `aggregates.json`, and the file is written with fixed settings, so the same aggregates
//! give the same bytes.

use polars::prelude::*;
use polars_io::prelude::{ParquetCompression, ParquetWriter, StatisticsOptions};

use crate::analyze::{
    Aggregates, Agreement, GroupResult, Interval, NumberSummary, Ordinal, QuestionResult,
};
use crate::error::Result;

/// The rows, column by column.
#[derive(Default)]
struct Long {
    question: Vec<String>,
    row: Vec<Option<String>>,
    grouping: Vec<String>,
    group: Vec<String>,
    group_label: Vec<String>,
    measure: Vec<&'static str>,
    code: Vec<Option<String>>,
    value: Vec<Option<f64>>,
    n: Vec<Option<u64>>,
    low: Vec<Option<f64>>,
    high: Vec<Option<f64>>,
}

/// Where a row belongs: question, matrix row, grouping, group and the group's label.
struct At<'a> {
    question: &'a str,
    row: Option<&'a str>,
    grouping: &'a str,
    group: &'a str,
    label: &'a str,
}

/// One measure: its name, code, value, n and interval.
struct Measure<'a> {
    name: &'static str,
    code: Option<&'a str>,
    value: Option<f64>,
    n: Option<u64>,
    interval: Option<&'a Interval>,
}

fn m<'a>(name: &'static str, value: Option<f64>, n: Option<u64>) -> Measure<'a> {
    Measure {
        name,
        code: None,
        value,
        n,
        interval: None,
    }
}

impl Long {
    fn push(&mut self, at: &At<'_>, measure: Measure<'_>) {
        self.question.push(at.question.to_string());
        self.row.push(at.row.map(String::from));
        self.grouping.push(at.grouping.to_string());
        self.group.push(at.group.to_string());
        self.group_label.push(at.label.to_string());
        self.measure.push(measure.name);
        self.code.push(measure.code.map(String::from));
        self.value.push(measure.value);
        self.n.push(measure.n);
        self.low.push(measure.interval.map(|i| i.low));
        self.high.push(measure.interval.map(|i| i.high));
    }

    fn frame(self) -> Result<DataFrame> {
        let measure: Vec<&str> = self.measure;
        Ok(DataFrame::new_infer_height(vec![
            Column::new("question".into(), self.question),
            Column::new("row".into(), self.row),
            Column::new("grouping".into(), self.grouping),
            Column::new("group".into(), self.group),
            Column::new("group_label".into(), self.group_label),
            Column::new("measure".into(), measure),
            Column::new("code".into(), self.code),
            Column::new("value".into(), self.value),
            Column::new("n".into(), self.n),
            Column::new("low".into(), self.low),
            Column::new("high".into(), self.high),
        ])?)
    }
}

/// The aggregates as a long table (see the module documentation).
pub fn long_table(a: &Aggregates) -> Result<DataFrame> {
    let mut long = Long::default();
    for q in &a.questions {
        for r in &q.results {
            let label = a
                .grouping(&r.grouping)
                .and_then(|g| g.groups.iter().find(|x| x.key == r.group))
                .map_or(r.group.as_str(), |g| g.label.as_str());
            let at = At {
                question: &q.id,
                row: None,
                grouping: &r.grouping,
                group: &r.group,
                label,
            };
            group_result(&mut long, &at, q, r);
        }
        if let Some(c) = &q.contrast {
            let group = format!("{} minus {}", c.high, c.low);
            let at = At {
                question: &q.id,
                row: None,
                grouping: &c.grouping,
                group: &group,
                label: &group,
            };
            for d in &c.differences {
                long.push(
                    &at,
                    Measure {
                        name: "difference",
                        code: Some(&d.code),
                        value: d.difference,
                        n: None,
                        interval: d.interval.as_ref(),
                    },
                );
            }
        }
    }
    long.frame()
}

fn as_f64(n: u64) -> Option<f64> {
    Some(n as f64)
}

fn group_result(long: &mut Long, at: &At<'_>, q: &QuestionResult, r: &GroupResult) {
    let n = Some(r.n);
    for (name, value) in [
        ("respondents", r.n),
        ("answered", r.answered),
        ("not_shown", r.not_shown),
        ("skipped", r.skipped),
        ("missing", r.missing),
        ("nonsubstantive", r.nonsubstantive),
        ("base", r.base),
    ] {
        long.push(at, m(name, as_f64(value), n));
    }
    if let Some(w) = &r.weighted {
        long.push(at, m("weighted_base", Some(w.base), n));
        long.push(at, m("effective_n", Some(w.effective_n), n));
    }
    counts(long, at, &r.counts, r.base);
    if let Some(o) = &r.ordinal {
        ordinal(long, at, q, o);
    }
    for (row, result) in q.rows.iter().zip(&r.rows) {
        let at = At {
            row: Some(&row.code),
            ..*at
        };
        for (name, value) in [
            ("answered", result.answered),
            ("skipped", result.skipped),
            ("missing", result.missing),
            ("nonsubstantive", result.nonsubstantive),
            ("base", result.base),
        ] {
            long.push(&at, m(name, as_f64(value), n));
        }
        counts(long, &at, &result.counts, result.base);
        if let Some(o) = &result.ordinal {
            ordinal(long, &at, q, o);
        }
    }
    for rank in &r.ranks {
        let item = |name, value, n| Measure {
            name,
            code: Some(&rank.code),
            value,
            n,
            interval: None,
        };
        long.push(at, item("ranked", as_f64(rank.ranked), Some(r.answered)));
        long.push(
            at,
            item("ranked_first", as_f64(rank.first), Some(r.answered)),
        );
        long.push(at, item("first_share", rank.first_share, Some(r.answered)));
        long.push(at, item("mean_rank", rank.mean_rank, Some(rank.ranked)));
    }
    if let Some(s) = &r.summary {
        summary(long, at, s);
    }
    if let Some(p) = &r.pooled {
        let n = Some(p.pooled.n as u64);
        let pooled = &p.pooled;
        long.push(
            at,
            Measure {
                interval: p.mean_interval.as_ref(),
                ..m("pooled_mean", Some(pooled.mean), n)
            },
        );
        long.push(at, m("pooled_median", Some(pooled.median), n));
        long.push(at, m("pooled_trimmed_mean", Some(pooled.trimmed_mean), n));
        long.push(
            at,
            Measure {
                interval: p.geometric_mean_of_odds_interval.as_ref(),
                ..m(
                    "pooled_geometric_mean_of_odds",
                    Some(pooled.geometric_mean_of_odds),
                    n,
                )
            },
        );
        long.push(
            at,
            m(
                "pooled_extremized_geometric_mean_of_odds",
                Some(pooled.extremized_geometric_mean_of_odds),
                n,
            ),
        );
        long.push(at, m("pooled_clamped", Some(pooled.clamped as f64), n));
    }
}

fn counts(long: &mut Long, at: &At<'_>, counts: &[crate::analyze::ChoiceCount], base: u64) {
    for c in counts {
        let with_code = |name, value, interval| Measure {
            name,
            code: Some(&c.code),
            value,
            n: Some(base),
            interval,
        };
        long.push(at, with_code("count", as_f64(c.count), None));
        if let Some(w) = c.weighted_count {
            long.push(at, with_code("weighted_count", Some(w), None));
        }
        long.push(at, with_code("share", c.share, c.interval.as_ref()));
    }
}

/// A level's score: 1 for the lowest level, as the mean score counts.
fn score(q: &QuestionResult, code: &str) -> Option<f64> {
    q.choices
        .iter()
        .position(|c| c.code == code)
        .map(|i| i as f64 + 1.0)
}

fn ordinal(long: &mut Long, at: &At<'_>, q: &QuestionResult, o: &Ordinal) {
    let n = Some(o.n);
    fn level<'a>(
        q: &QuestionResult,
        n: Option<u64>,
        name: &'static str,
        code: &'a str,
    ) -> Measure<'a> {
        Measure {
            name,
            code: Some(code),
            value: score(q, code),
            n,
            interval: None,
        }
    }
    long.push(at, level(q, n, "median_level", &o.median));
    if let Some(i) = &o.median_interval {
        long.push(at, level(q, n, "median_level_low", &i.low));
        long.push(at, level(q, n, "median_level_high", &i.high));
    }
    long.push(at, level(q, n, "q1_level", &o.q1));
    long.push(at, level(q, n, "q3_level", &o.q3));
    long.push(at, m("mean_score", Some(o.mean_score), n));
    for (name, b) in [("bottom_box", &o.bottom_box), ("top_box", &o.top_box)] {
        long.push(
            at,
            Measure {
                code: Some(&b.levels.join(";")),
                interval: b.interval.as_ref(),
                ..m(name, Some(b.share), n)
            },
        );
    }
    let Agreement {
        tastle_wierman,
        leik,
        van_der_eijk,
        polarisation,
    } = &o.agreement;
    long.push(at, m("consensus_tastle_wierman", *tastle_wierman, n));
    long.push(at, m("dispersion_leik", *leik, n));
    long.push(at, m("agreement_van_der_eijk", *van_der_eijk, n));
    long.push(at, m("polarisation", *polarisation, n));
}

fn summary(long: &mut Long, at: &At<'_>, s: &NumberSummary) {
    let n = Some(s.n);
    long.push(at, m("mean", Some(s.mean), n));
    long.push(at, m("sd", s.sd, n));
    long.push(at, m("min", Some(s.min), n));
    long.push(at, m("q1", Some(s.q1), n));
    long.push(
        at,
        Measure {
            interval: s.median_interval.as_ref(),
            ..m("median", Some(s.median), n)
        },
    );
    long.push(at, m("q3", Some(s.q3), n));
    long.push(at, m("max", Some(s.max), n));
}

/// The long table as Parquet bytes: zstd, statistics, one row group per 2^18 rows, one
/// chunk per column, so that the bytes depend only on the aggregates.
pub fn aggregates_parquet(a: &Aggregates) -> Result<Vec<u8>> {
    let mut frame = long_table(a)?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::default())
        .with_row_group_size(Some(1 << 18))
        .finish(frame.rechunk_mut_par())?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use polars_io::SerReader;
    use polars_io::prelude::ParquetReader;

    use super::*;
    use crate::analyze::analyze;
    use crate::testing::{EVERY_KIND, ingest_csv, survey_from};

    fn frontier_like() -> Aggregates {
        let survey = survey_from(EVERY_KIND);
        let csv = "respondent_id,submitted_at,weight,stance,role,role.other,why,grid.r1,grid.r2,hours,p,when,order,note\n\
            1,,1,no,a,,x,agree,disagree,10,20,2030,x;y,\n\
            2,,1,yes,b,,y;z,agree,dk,20,60,2040,y;z,because\n\
            3,,2,maybe,other,mine,x,disagree,agree,30,90,2050,z;x,\n";
        analyze(&survey, &ingest_csv(&survey, csv).responses).unwrap()
    }

    fn read_back(bytes: &[u8]) -> DataFrame {
        ParquetReader::new(Cursor::new(bytes)).finish().unwrap()
    }

    /// The rows of one measure, as (question, row, grouping, group, code) → (value, n, low, high).
    fn find(
        frame: &DataFrame,
        question: &str,
        grouping: &str,
        group: &str,
        measure: &str,
        code: Option<&str>,
    ) -> (Option<f64>, Option<u64>, Option<f64>, Option<f64>) {
        let s = |name: &str| frame.column(name).unwrap().str().unwrap().clone();
        let (q, g, k, me, c) = (
            s("question"),
            s("grouping"),
            s("group"),
            s("measure"),
            s("code"),
        );
        let rows: Vec<usize> = (0..frame.height())
            .filter(|&i| {
                q.get(i) == Some(question)
                    && g.get(i) == Some(grouping)
                    && k.get(i) == Some(group)
                    && me.get(i) == Some(measure)
                    && c.get(i) == code
            })
            .collect();
        assert_eq!(
            rows.len(),
            1,
            "{question} {grouping} {group} {measure} {code:?}"
        );
        let i = rows[0];
        let f = |name: &str| frame.column(name).unwrap().f64().unwrap().get(i);
        (
            f("value"),
            frame.column("n").unwrap().u64().unwrap().get(i),
            f("low"),
            f("high"),
        )
    }

    #[test]
    fn the_long_table_reads_back_with_its_values_n_and_intervals() {
        let a = frontier_like();
        let bytes = aggregates_parquet(&a).unwrap();
        let frame = read_back(&bytes);
        let names: Vec<&str> = frame
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "question",
                "row",
                "grouping",
                "group",
                "group_label",
                "measure",
                "code",
                "value",
                "n",
                "low",
                "high"
            ]
        );
        assert_eq!(frame.height(), long_table(&a).unwrap().height());

        let stance = a
            .question("stance")
            .unwrap()
            .result("overall", "all")
            .unwrap();
        let no = &stance.counts[0];
        let (value, n, low, high) = find(&frame, "stance", "overall", "all", "share", Some("no"));
        assert_eq!(value, no.share);
        assert_eq!(n, Some(stance.base));
        assert_eq!(
            (low, high),
            (
                Some(no.interval.as_ref().unwrap().low),
                Some(no.interval.as_ref().unwrap().high)
            )
        );

        let (count, _, _, _) = find(&frame, "role", "overall", "all", "count", Some("other"));
        assert_eq!(count, Some(1.0));
        // Weighted (1, 1, 2): the median of 10, 20, 30 is 25.
        let (median, n, low, _) = find(&frame, "hours", "overall", "all", "median", None);
        assert_eq!((median, n), (Some(25.0), Some(3)));
        let hours = a
            .question("hours")
            .unwrap()
            .result("overall", "all")
            .unwrap();
        let interval = hours
            .summary
            .as_ref()
            .unwrap()
            .median_interval
            .as_ref()
            .map(|i| i.low);
        assert_eq!(low, interval);
        let (first, n, _, _) = find(&frame, "order", "overall", "all", "ranked_first", Some("z"));
        assert_eq!((first, n), (Some(1.0), Some(3)));
        let pooled = a
            .question("p")
            .unwrap()
            .result("overall", "all")
            .unwrap()
            .pooled
            .clone()
            .unwrap();
        let (gmo, n, _, _) = find(
            &frame,
            "p",
            "overall",
            "all",
            "pooled_geometric_mean_of_odds",
            None,
        );
        assert_eq!(
            (gmo, n),
            (Some(pooled.pooled.geometric_mean_of_odds), Some(3))
        );
    }

    #[test]
    fn matrix_rows_have_their_own_rows() {
        let a = frontier_like();
        let frame = long_table(&a).unwrap();
        let rows = frame.column("row").unwrap().str().unwrap().clone();
        let measures = frame.column("measure").unwrap().str().unwrap().clone();
        let counted = (0..frame.height())
            .filter(|&i| rows.get(i) == Some("r2") && measures.get(i) == Some("count"))
            .count();
        // Three levels (disagree, agree, don't know) in every group of every grouping.
        let groups: usize = a.groupings.iter().map(|g| g.groups.len()).sum();
        assert_eq!(counted, 3 * groups);
    }

    #[test]
    fn the_same_aggregates_give_the_same_bytes() {
        let a = frontier_like();
        assert_eq!(
            aggregates_parquet(&a).unwrap(),
            aggregates_parquet(&a).unwrap()
        );
    }
}
