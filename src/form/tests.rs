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
[[questions]]
id = "why"
kind = "single"
text = "Why? </style><style>body{display:none}</style>"
choices = [{ code = "x", label = "\" onclick=\"alert(1)" }, { code = "y", label = "' onfocus='alert(2)" }]
show_if = "stance == 'b'"
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
    // The stance question is a required radio group; each level is a radio bound to its
    // label. Required is the script's call (a hidden question is not required), so no
    // input carries `required`; people read it in the legend.
    assert!(html.contains(r#"<fieldset class="question" data-question="stance" data-kind="likert" data-number="1" data-required role="radiogroup" aria-describedby="stance:help stance:how">"#), "{html}");
    assert!(html.contains(r#"<span class="visually-hidden">(required)</span></span></legend>"#));
    assert!(html.contains(r#"<input id="stance=strongly_against" type="radio" name="stance" value="strongly_against">"#));
    assert!(html.contains(r#"<label for="stance=strongly_against">Strongly against</label>"#));
    assert!(html.contains(r#"<input id="considerations=career_capital" type="checkbox" name="considerations" value="career_capital">"#));
    assert!(
        html.contains(r#"<textarea id="answer" name="answer" rows="4" aria-describedby="answer:help"></textarea>"#),
        "{html}"
    );
    assert!(html.contains(r#"<p class="error-message" id="stance:error" hidden></p>"#));
    let markup = &html[..html.find("<script>").unwrap()];
    assert!(
        !markup.contains(" required>") && !markup.contains(" required "),
        "no input is natively required"
    );
    for external in ["http://", "https://", " src=", "<link", "@import", "url("] {
        assert!(!html.contains(external), "no external requests: {external}");
    }
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
    // Survey text never reaches the script or the style sheet: each page has exactly the
    // one static script and style.
    assert_eq!(html.matches("<script").count(), 1);
    assert_eq!(html.matches("</script>").count(), 1);
    assert_eq!(html.matches("<style").count(), 1);
    assert_eq!(html.matches("</style>").count(), 1);
    let script_of = |page: &str| page[page.find("<script>").unwrap()..].to_string();
    assert_eq!(
        script_of(&html),
        script_of(&emit(&default_survey(), Format::Html)),
        "the script is the same for every survey"
    );
    assert!(!html.contains("</style><style>"), "{html}");
    assert!(html.contains("&lt;/style&gt;&lt;style&gt;body{display:none}&lt;/style&gt;"));
    // The show_if condition is data, escaped like any attribute.
    assert!(html.contains(r#"data-show-if="{&quot;compare&quot;:&quot;==&quot;,&quot;target&quot;:{&quot;question&quot;:&quot;stance&quot;},&quot;value&quot;:{&quot;code&quot;:1}}""#), "{html}");
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

fn frontier_survey() -> Survey {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/surveys/frontier-roles-2027.toml"
    );
    survey::load(std::path::Path::new(path)).unwrap().survey
}

/// The HTML form with its static style sheet and script left out (they have their own
/// files, `html/style.css` and `html/script.js`), one element per line, so that a snapshot
/// shows what changes with the survey.
fn markup(survey: &Survey) -> String {
    let html = emit(survey, Format::Html)
        .replace(html::STYLE, "/* html/style.css */")
        .replace(html::SCRIPT, "/* html/script.js */");
    html.replace("><", ">\n<")
}

#[test]
fn forms_of_the_shipped_surveys_match_their_snapshots() {
    let s = default_survey();
    insta::assert_snapshot!("form.html", markup(&s));
    insta::assert_snapshot!("form.md", emit(&s, Format::Md));
    let frontier = frontier_survey();
    insta::assert_snapshot!("frontier-form.html", markup(&frontier));
    insta::assert_snapshot!("frontier-form.md", emit(&frontier, Format::Md));
}

/// Every `id` on the page, and every id another attribute points at.
fn ids_and_references(html: &str) -> (Vec<String>, Vec<String>) {
    let values = |attribute: &str| -> Vec<String> {
        let needle = format!(" {attribute}=\"");
        html.match_indices(&needle)
            .map(|(i, _)| {
                let rest = &html[i + needle.len()..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .collect()
    };
    let ids = values("id");
    let references = ["for", "aria-describedby", "aria-labelledby"]
        .iter()
        .flat_map(|a| values(a))
        .flat_map(|v| v.split(' ').map(str::to_string).collect::<Vec<_>>())
        .collect();
    (ids, references)
}

#[test]
fn html_ids_are_unique_and_every_label_and_description_points_at_one() {
    for survey in [
        default_survey(),
        frontier_survey(),
        crate::testing::every_kind(),
    ] {
        let html = emit(&survey, Format::Html);
        let (ids, references) = ids_and_references(&html);
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "duplicate ids in {}", survey.id);
        for reference in &references {
            assert!(
                ids.contains(reference),
                "`{reference}` names no element in {}",
                survey.id
            );
        }
        // Every field has a label: one that names it with `for`, or one around it.
        let fors: Vec<&str> = html
            .match_indices(" for=\"")
            .map(|(i, _)| {
                let rest = &html[i + 6..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect();
        let mut fields = 0;
        for tag in ["<input id=\"", "<select id=\"", "<textarea id=\""] {
            for (i, _) in html.match_indices(tag) {
                let rest = &html[i + tag.len()..];
                let id = &rest[..rest.find('"').unwrap()];
                let wrapped = html[..i].ends_with("<label class=\"cell\">");
                assert!(
                    wrapped || fors.contains(&id),
                    "`{id}` has no label in {}",
                    survey.id
                );
                fields += 1;
            }
        }
        assert!(fields > 10, "{fields} fields in {}", survey.id);
    }
}

#[test]
fn every_html_question_carries_its_kind_limits_and_condition() {
    let html = emit(&crate::testing::every_kind(), Format::Html);
    for fragment in [
        r#"data-question="role" data-kind="single" data-number="2""#,
        r#"data-question="why" data-kind="multiple" data-number="3" data-max-picks="2""#,
        r#"data-question="grid" data-kind="matrix" data-number="4" data-required"#,
        r#"data-question="hours" data-kind="numeric" data-number="5" data-min="0" data-max="80" data-integer"#,
        r#"data-question="p" data-kind="probability" data-number="6" data-min="0" data-max="100">"#,
        r#"data-question="when" data-kind="year" data-number="7" data-min="2025" data-max="2100" data-integer"#,
        r#"data-question="order" data-kind="ranking" data-number="8" data-places="2""#,
        r#"data-question="note" data-kind="text" data-number="9" data-required data-show-if="{&quot;compare&quot;:&quot;==&quot;,&quot;target&quot;:{&quot;question&quot;:&quot;stance&quot;},&quot;value&quot;:{&quot;code&quot;:2}}""#,
        // A matrix row is a radio group named by its row label.
        r#"<div class="matrix-row" role="radiogroup" data-row="r1" aria-labelledby="grid.r1:label"><span class="row-label" id="grid.r1:label">First</span>"#,
        r#"<label class="cell"><input id="grid.r1=dk" type="radio" name="grid.r1" value="dk"><span class="level">Don't know</span></label>"#,
        // "Other": the last choice, and its text field, named as the canonical column.
        r#"<input id="role=other" type="radio" name="role" value="other" data-other>"#,
        r#"<input id="role.other" type="text" name="role.other" autocomplete="off" data-other-text>"#,
        r#"<select id="order=z" data-code="z"><option value="">Not ranked</option><option value="1">Place 1</option><option value="2">Place 2</option></select>"#,
        // The condition in words, for readers without script.
        r#"<p class="only-if">Answer only if your answer to question 1 is “Yes”.</p>"#,
    ] {
        assert!(html.contains(fragment), "missing {fragment}\n{html}");
    }
}

#[test]
fn a_delphi_survey_asks_for_the_round_and_not_for_codings() {
    let source = crate::testing::SURVEY
        .replace("invited = 10", "invited = 10\nrounds = 3")
        .replace(
            "codebook = \"themes\"",
            "codebook = \"themes\"\ncoders = [\"ana\", \"ben\"]",
        );
    let survey = crate::testing::survey_from(&source);
    assert_eq!(
        emit(&survey, Format::Csv),
        "respondent_id,submitted_at,round,stance,themes,themes@ana,themes@ben,note\n"
    );
    let html = emit(&survey, Format::Html);
    assert!(
        html.contains(r#"<select id="round" name="round" aria-describedby="round:help"><option value="">Choose the round</option><option value="1">Round 1</option><option value="2">Round 2</option><option value="3">Round 3</option></select>"#),
        "{html}"
    );
    // Codings are the survey team's work: the form has no field for them.
    assert!(!html.contains("data-question=\"themes@ana\""));
    let markdown = emit(&survey, Format::Md);
    assert!(
        markdown.contains("Round (1 to 3, from your invitation): "),
        "{markdown}"
    );
    assert!(!markdown.contains("themes@"));
}
