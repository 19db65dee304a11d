use super::*;
use crate::analyze::analyze;
use crate::testing;

/// Charts of the shared test survey, with labels that need escaping.
fn charts(csv: &str) -> Vec<Chart> {
    let source = testing::SURVEY
        .replace(r#"label = "No""#, r#"label = "No <script>""#)
        .replace(r#"label = "Cost""#, r#"label = "Cost & risk""#);
    let survey = testing::survey_from(&source);
    let ingested = testing::ingest_csv(&survey, csv);
    render_all(&analyze(&survey, &ingested.responses).unwrap()).unwrap()
}

const DATA: &str =
    "respondent_id,stance,themes\n1,no,cost\n2,yes,gain\n3,yes,gain;cost\n4,maybe,\n";

#[test]
fn the_position_the_panel_and_each_multiple_choice_question_get_a_chart() {
    let charts = charts(DATA);
    let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, vec!["stance", "response-panel", "themes"]);
    for chart in &charts {
        assert!(chart.svg.starts_with("<svg"), "{}", &chart.svg[..40]);
        assert!(
            chart
                .svg
                .contains(&format!("<title id=\"chart-{}-title\">", chart.id))
        );
        assert!(chart.png.starts_with(b"\x89PNG\r\n\x1a\n"));
    }
}

#[test]
fn chart_text_shows_the_numbers_and_is_escaped() {
    let charts = charts(DATA);
    let stance = &charts[0].svg;
    assert!(stance.contains("No &lt;script&gt;"), "labels are escaped");
    assert!(!stance.contains("<script"), "no raw markup from labels");
    assert!(stance.contains("2 (50%)"), "the count and share of `yes`");
    assert!(stance.contains("4 respondents of 10 invited (40% responded)"));
    let themes = charts.iter().find(|c| c.id == "themes").unwrap();
    assert!(themes.svg.contains("Cost &amp; risk"));
    assert!(
        themes.svg.contains("n = 3"),
        "the overall n of those who answered"
    );
    assert!(themes.description.contains("out of n = 3 who answered"));
}

#[test]
fn the_png_is_twice_the_svg_size() {
    let chart = &charts(DATA)[0];
    let png = image::load_from_memory(&chart.png).unwrap();
    let width: u32 = chart
        .svg
        .split("width=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(png.width(), width * 2);
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(charts(DATA), charts(DATA));
}

// ---------------------------------------------------------------------------------------
// Every chart kind, on surveys that call for each of them.

use std::path::Path;

use plotters::style::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendTextStyle, DrawingErrorKind};

use crate::analyze::{Options, analyze_with};
use crate::survey::Survey;

/// Quick analysis options: a few resamples keep the intervals without the wait.
fn quick() -> Options {
    Options {
        resamples: 50,
        ..Options::default()
    }
}

fn aggregates(survey: &Survey, csv: &str) -> Aggregates {
    let ingested = testing::ingest_csv(survey, csv);
    assert!(!ingested.rejects.has_problems(), "{:?}", ingested.rejects);
    analyze_with(survey, &ingested.responses, &quick()).unwrap()
}

/// A shipped survey with its shipped responses.
fn shipped(id: &str, data: &str) -> Aggregates {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let survey = crate::survey::load(&root.join(format!("surveys/{id}.toml")))
        .unwrap()
        .survey;
    let csv = std::fs::read_to_string(root.join(format!("data/{id}/{data}"))).unwrap();
    aggregates(&survey, &csv)
}

/// [`testing::EVERY_KIND`] with an anonymity threshold of 2, long labels, and rows where
/// the position level `no` has one respondent (so it is withheld on its own).
fn every_kind() -> Aggregates {
    let source = testing::EVERY_KIND
        .replace("min_group_size = 1", "min_group_size = 2")
        .replace(
            r#"{ code = "r1", label = "First" }"#,
            r#"{ code = "r1", label = "First, a row whose label is far too long to fit on two lines of the space a chart gives its row labels, however it is wrapped" }"#,
        );
    let survey = testing::survey_from(&source);
    let csv = "respondent_id,submitted_at,weight,stance,role,role.other,why,grid.r1,grid.r2,hours,p,when,order,note\n\
        1,,1,no,a,,x,agree,disagree,10,1,2030,x;y,\n\
        2,,1,maybe,b,,y,disagree,dk,20,2,2031,y;x,\n\
        3,,1,maybe,a,,x;y,agree,agree,40,50,2035,x;z,\n\
        4,,1,yes,b,,z,dk,agree,5,99,2040,z;y,because\n\
        5,,1,yes,a,,x,agree,agree,80,97,2032,x;y,why not\n\
        6,,1,maybe,b,,y,disagree,disagree,2,0.5,2029,y;z,\n";
    aggregates(&survey, csv)
}

/// A Delphi survey in two rounds with a probability question.
fn delphi() -> Aggregates {
    let source = testing::SURVEY.replace("invited = 10", "invited = 10\nrounds = 2")
        + "[[questions]]\nid = \"p\"\nkind = \"probability\"\ntext = \"Chance?\"\n";
    let survey = testing::survey_from(&source);
    let csv = "respondent_id,round,stance,themes,note,p\n\
        1,1,no,cost,,10\n2,1,no,,,20\n3,1,yes,gain,,60\n4,1,yes,,,70\n5,1,maybe,,,40\n\
        1,2,maybe,cost,,30\n2,2,no,,,20\n3,2,maybe,gain,,50\n4,2,yes,,,70\n5,2,maybe,,,40\n";
    aggregates(&survey, csv)
}

fn ids(charts: &[Chart]) -> Vec<&str> {
    charts.iter().map(|c| c.id.as_str()).collect()
}

#[test]
fn each_question_kind_gets_its_chart_under_the_question_id() {
    let charts = render_all(&every_kind()).unwrap();
    assert_eq!(
        ids(&charts),
        [
            "stance",
            "response-panel",
            "why",
            "grid",
            "hours",
            "p",
            "when"
        ]
    );
    for chart in &charts {
        assert!(
            chart.description.contains("n = "),
            "{}: {}",
            chart.id,
            chart.description
        );
        assert!(!chart.title.is_empty());
    }
}

#[test]
fn rounds_get_a_shift_chart_per_question_with_a_measure() {
    let a = delphi();
    let charts = render_all(&a).unwrap();
    assert_eq!(
        ids(&charts),
        [
            "stance",
            "response-panel",
            "themes",
            "p",
            "stance-rounds",
            "p-rounds"
        ]
    );
    let shift = &charts[5];
    // Everyone's geometric mean of odds per round, from the aggregates of each round.
    let gmo = |round: usize| {
        let q = a.rounds.as_ref().unwrap().rounds[round]
            .questions
            .iter()
            .find(|q| q.id == "p")
            .unwrap();
        let pooled = &q
            .result(crate::analyze::OVERALL, crate::analyze::ALL)
            .unwrap()
            .pooled;
        pooled.as_ref().unwrap().pooled.geometric_mean_of_odds * 100.0
    };
    let words = |v: f64| crate::numbers::statistic(Some((v * 100.0).round() / 100.0));
    assert!(
        shift.description.contains(&format!(
            "Everyone: {}% → {}%",
            words(gmo(0)),
            words(gmo(1))
        )),
        "{}",
        shift.description
    );
    assert!(
        shift.description.contains("n = 5 → 5"),
        "{}",
        shift.description
    );
}

#[test]
fn a_withheld_group_appears_in_no_chart() {
    let a = every_kind();
    let withheld: Vec<&String> = a
        .anonymity
        .withheld
        .iter()
        .filter(|w| w.grouping == crate::analyze::POSITION)
        .flat_map(|w| &w.groups)
        .collect();
    assert_eq!(withheld, ["no"], "the fixture withholds `no` on its own");
    let charts = render_all(&a).unwrap();
    for chart in charts.iter().filter(|c| c.id != "stance") {
        // The level's own label never labels a row, a column or a strip.
        assert!(
            !chart.svg.contains(">\nNo\n</text>"),
            "{} shows the withheld group",
            chart.id
        );
    }
    // The merged group it is reported in does appear.
    let merged = &a.anonymity.merged[0];
    let p = charts.iter().find(|c| c.id == "p").unwrap();
    let label = &a
        .grouping(crate::analyze::POSITION)
        .unwrap()
        .groups
        .iter()
        .find(|g| g.key == merged.group)
        .unwrap()
        .label;
    assert!(p.svg.contains(&escape::xml(label)), "{label}");
}

#[test]
fn a_shortened_label_carries_its_full_text_as_a_title() {
    let charts = render_all(&every_kind()).unwrap();
    let grid = charts.iter().find(|c| c.id == "grid").unwrap();
    let full = "First, a row whose label is far too long to fit on two lines of the space a chart gives its row labels, however it is wrapped";
    let title = format!("<title>{full}</title>");
    let lines = grid.svg.matches(&title).count();
    assert!(lines >= 2, "every line of the label has the title: {lines}");
    // The title sits inside a text element whose shown text ends with "…".
    let at = grid.svg.find(&title).unwrap();
    let rest = &grid.svg[at + title.len()..];
    let shown = &rest[..rest.find("</text>").unwrap()];
    assert!(shown.starts_with('\n') && !shown.contains('<'), "{shown:?}");
}

#[test]
fn titles_go_to_untitled_text_with_the_line_and_are_escaped() {
    let label = theme::Label {
        lines: vec!["A & B…".to_string()],
        full: "A & B <and more>".to_string(),
    };
    let svg =
        "<svg>\n<text x=\"1\">\nA &amp; B…\n</text>\n<text x=\"2\">\nA &amp; B…\n</text>\n</svg>";
    let out = with_label_titles(svg, &[&label, &label]);
    assert_eq!(
        out,
        "<svg>\n<text x=\"1\"><title>A &amp; B &lt;and more&gt;</title>\nA &amp; B…\n</text>\n<text x=\"2\"><title>A &amp; B &lt;and more&gt;</title>\nA &amp; B…\n</text>\n</svg>"
    );
    let whole = theme::Label {
        lines: vec!["Short".to_string()],
        full: "Short".to_string(),
    };
    assert!(!whole.is_fitted());
    assert_eq!(with_label_titles(svg, &[&whole]), svg);
}

/// The box of every text drawn, placed as plotters' bitmap backend places it: the text
/// and its left, top, right and bottom at 1×.
type Boxes = Vec<(String, [i32; 4])>;

/// A backend that draws nothing and records text boxes.
struct TextBoxes<'a> {
    size: (u32, u32),
    boxes: &'a mut Boxes,
}

#[derive(Debug)]
struct NoError;

impl std::fmt::Display for NoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no error")
    }
}

impl std::error::Error for NoError {}

impl DrawingBackend for TextBoxes<'_> {
    type ErrorType = NoError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        _: BackendCoord,
        _: BackendColor,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        (x, y): BackendCoord,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        let ((x0, y0), (x1, y1)) = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (w, h) = (x1 - x0, y1 - y0);
        let left = match style.anchor().h_pos {
            HPos::Left => x,
            HPos::Center => x - w / 2,
            HPos::Right => x - w,
        };
        let top = match style.anchor().v_pos {
            VPos::Top => y,
            VPos::Center => y - h / 2,
            VPos::Bottom => y - h,
        };
        self.boxes
            .push((text.to_string(), [left, top, left + w, top + h]));
        Ok(())
    }
}

/// The size and text boxes of a planned chart, drawn at 1×.
fn text_boxes(plan: &Plan) -> ((u32, u32), Boxes) {
    fn draw<C: Draw>(chart: &C) -> ((u32, u32), Boxes) {
        let mut boxes = Vec::new();
        let size = chart.size();
        let area = TextBoxes {
            size,
            boxes: &mut boxes,
        }
        .into_drawing_area();
        chart.draw(&area, Theme { scale: 1.0 }).unwrap();
        drop(area);
        (size, boxes)
    }
    match plan {
        Plan::Position(c) => draw(c),
        Plan::Heatmap(c) => draw(c),
        Plan::Diverging(c) => draw(c),
        Plan::Distribution(c) => draw(c),
        Plan::ResponsePanel(c) => draw(c),
        Plan::Rounds(c) => draw(c),
    }
}

/// No two texts of any chart overlap, and every text lies inside its chart.
fn assert_no_overlap(a: &Aggregates) {
    assert!(theme::register_fonts());
    for planned in plan_all(a) {
        let ((width, height), boxes) = text_boxes(&planned.plan);
        assert!(!boxes.is_empty(), "{}", planned.id);
        for (text, [x0, y0, x1, y1]) in &boxes {
            assert!(
                *x0 >= 0 && *y0 >= 0 && *x1 <= width as i32 && *y1 <= height as i32,
                "{}: {text:?} at {:?} is outside {width}×{height}",
                planned.id,
                [x0, y0, x1, y1]
            );
        }
        for (i, (a_text, a)) in boxes.iter().enumerate() {
            for (b_text, b) in &boxes[i + 1..] {
                let overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
                assert!(
                    !overlap,
                    "{}: {a_text:?} {a:?} overlaps {b_text:?} {b:?}",
                    planned.id
                );
            }
        }
    }
}

#[test]
fn no_two_labels_overlap_in_any_chart() {
    assert_no_overlap(&every_kind());
    assert_no_overlap(&delphi());
    assert_no_overlap(&shipped("capabilities-roles", "seed-panel.csv"));
}

#[test]
fn no_two_labels_overlap_in_the_frontier_survey() {
    assert_no_overlap(&shipped("frontier-roles-2027", "synthetic.csv"));
}

#[test]
fn the_recorder_finds_an_overlap() {
    // The check itself can fail: two texts drawn at one place overlap.
    assert!(theme::register_fonts());
    let mut boxes = Vec::new();
    let area = TextBoxes {
        size: (200, 100),
        boxes: &mut boxes,
    }
    .into_drawing_area();
    let t = Theme { scale: 1.0 };
    for _ in 0..2 {
        area.draw(&Text::new(
            "Same place",
            (10, 10),
            t.text(13.0, false, theme::TEXT, HPos::Left, VPos::Top),
        ))
        .unwrap();
    }
    drop(area);
    let [a, b] = [boxes[0].1, boxes[1].1];
    assert!(a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]);
    assert!(a[2] - a[0] > 50, "the box has the text's width: {a:?}");
}

#[test]
fn a_binned_group_is_drawn_as_a_histogram() {
    let mut a = every_kind();
    let p = a.questions.iter_mut().find(|q| q.id == "p").unwrap();
    let overall = p
        .results
        .iter_mut()
        .find(|r| r.grouping == crate::analyze::OVERALL)
        .unwrap();
    // As analysis gives a group above the cap: counts in equal bins over 0–100.
    overall.answers = Some(crate::analyze::Answers::Bins(
        (0..20)
            .map(|i| crate::analyze::Bin {
                low: f64::from(i) * 5.0,
                high: f64::from(i + 1) * 5.0,
                count: u64::from(i % 3 == 0) * 400,
            })
            .collect(),
    ));
    assert_no_overlap(&a);
    let charts = render_all(&a).unwrap();
    let chart = charts.iter().find(|c| c.id == "p").unwrap();
    // Seven non-empty bins, each one rectangle of the answers' colour.
    let fill = format!(
        "fill=\"#{:02X}{:02X}{:02X}\"",
        theme::HIGH.0,
        theme::HIGH.1,
        theme::HIGH.2
    );
    let bars = chart
        .svg
        .lines()
        .filter(|l| l.starts_with("<rect") && l.contains(&fill) && l.contains("opacity=\"0.45\""))
        .count();
    assert_eq!(bars, 7, "{}", chart.svg);
}

#[test]
fn every_chart_kind_renders_the_same_bytes_twice() {
    for a in [every_kind(), delphi()] {
        assert_eq!(render_all(&a).unwrap(), render_all(&a).unwrap());
    }
}
