use super::*;
use crate::survey;

fn default_survey() -> Survey {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/surveys/capabilities-roles.toml"
    );
    survey::load(std::path::Path::new(path)).unwrap().survey
}

const HOSTILE: &str = r##"id = "x"
title = "<script>alert('title')</script>"
question = "Is 1 < 2 & \"quoted\"?"
position = "stance"
[anonymity]
min_group_size = 1
[scales.s]
levels = [{ code = "a", label = "<img src=x onerror=alert(1)>" }, { code = "b", label = "# B | *bold*" }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "</legend><script>alert('q')</script>"
help = "=HYPERLINK(\"http://x\")"
required = true
"##;

#[test]
fn csv_template_is_the_canonical_header() {
    assert_eq!(
        emit(&default_survey(), Format::Csv),
        "respondent_id,submitted_at,stance,considerations,answer,conditions\n"
    );
}

#[test]
fn html_form_has_every_question_bound_and_required_where_declared() {
    let html = emit(&default_survey(), Format::Html);
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    assert!(html.contains(
        r#"data-columns="respondent_id,submitted_at,stance,considerations,answer,conditions""#
    ));
    // Each level of the stance scale is a radio bound to its label; the first is required.
    assert!(html.contains(r#"<input id="stance-strongly_against" type="radio" name="stance" value="strongly_against" required>"#), "{html}");
    assert!(html.contains(r#"<label for="stance-strongly_against">Strongly against</label>"#));
    assert!(html.contains(r#"<input id="considerations-career_capital" type="checkbox" name="considerations" value="career_capital">"#));
    assert!(
        html.contains(r#"<textarea id="answer" name="answer" aria-describedby="answer-help">"#),
        "{html}"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external requests"
    );
}

#[test]
fn markdown_form_is_printable_with_boxes() {
    let md = emit(&default_survey(), Format::Md);
    assert!(
        md.contains("## 1\\. If you want to reduce AI risk")
            || md.contains("## 1. If you want to reduce AI risk"),
        "{md}"
    );
    assert!(md.contains("- ○ Strongly against\n"));
    assert!(md.contains("- ☐ Skills, credentials and connections gained\n"));
    assert!(md.contains("Tick all that apply."));
}

#[test]
fn hostile_survey_text_is_escaped_in_every_form() {
    let s = survey::parse("x.toml", HOSTILE).unwrap().survey;
    let html = emit(&s, Format::Html);
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert('title')&lt;/script&gt;")
            || html.contains("&lt;script&gt;alert(&#39;title&#39;)"),
        "{html}"
    );
    assert!(html.contains("&lt;/legend&gt;"));
    let md = emit(&s, Format::Md);
    let bytes = md.as_bytes();
    for (i, _) in md.match_indices('<') {
        assert!(
            i > 0 && bytes[i - 1] == b'\\',
            "unescaped `<` in Markdown at {i}: {md}"
        );
    }
    assert!(md.contains("\\# B \\| \\*bold\\*"), "{md}");
}

#[test]
fn forms_of_the_default_survey_match_their_snapshots() {
    let s = default_survey();
    insta::assert_snapshot!("form.html", emit(&s, Format::Html));
    insta::assert_snapshot!("form.md", emit(&s, Format::Md));
}
