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
fn the_position_and_each_multiple_choice_question_get_a_chart() {
    let charts = charts(DATA);
    let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, vec!["stance", "themes"]);
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
    let themes = &charts[1].svg;
    assert!(themes.contains("Cost &amp; risk"));
    assert!(
        themes.contains("n = 3"),
        "the overall n of those who answered"
    );
    assert!(charts[1].description.contains("out of 3 who answered"));
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
