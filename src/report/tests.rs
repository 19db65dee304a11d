use std::path::Path;

use super::*;
use crate::analyze::analyze;
use crate::chart::render_all;
use crate::ingest::{ingest, ingest_bytes};
use crate::survey;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The whole report for a survey and in-memory response files.
fn report_files(survey: &Survey, files: &[(String, Vec<u8>)]) -> Vec<OutputFile> {
    let ingested = ingest_bytes(survey, files).unwrap();
    let aggregates = analyze(survey, &ingested.responses).unwrap();
    let charts = render_all(&aggregates).unwrap();
    let provenance = Provenance {
        survey: in_memory(&survey.id, b""),
        responses: files
            .iter()
            .map(|(name, bytes)| in_memory(name, bytes))
            .collect(),
        version: "test",
    };
    render(
        Inputs {
            survey,
            aggregates: &aggregates,
            charts: &charts,
            quality: DataQuality {
                files: &ingested.files,
                rejects: &ingested.rejects,
            },
            provenance: &provenance,
        },
        Formats::ALL,
    )
    .unwrap()
}

fn in_memory(name: &str, bytes: &[u8]) -> Source {
    Source {
        path: name.to_string(),
        sha256: sha256_hex(bytes),
        bytes: bytes.len() as u64,
    }
}

/// The provenance of a shipped survey and its data, with repository-relative paths so
/// that snapshots do not depend on where the checkout is.
fn shipped_provenance(definition: &str, data: &[&str]) -> Provenance {
    let mut p = Provenance::of(
        &root().join(definition),
        &data.iter().map(|d| root().join(d)).collect::<Vec<_>>(),
    )
    .unwrap();
    p.survey.path = definition.to_string();
    for (source, path) in p.responses.iter_mut().zip(data) {
        source.path = path.to_string();
    }
    p.version = "(version)";
    p
}

fn text(files: &[OutputFile], name: &str) -> String {
    let file = files.iter().find(|f| f.path == Path::new(name)).unwrap();
    String::from_utf8(file.bytes.clone()).unwrap()
}

fn seed_report() -> Vec<OutputFile> {
    let survey = survey::load(&root().join("surveys/capabilities-roles.toml"))
        .unwrap()
        .survey;
    let data = "data/capabilities-roles/seed-panel.csv";
    let ingested = ingest(&survey, &[root().join(data)]).unwrap();
    let aggregates = analyze(&survey, &ingested.responses).unwrap();
    let charts = render_all(&aggregates).unwrap();
    // File names in the report are as given; use the repository-relative one so the
    // snapshot does not depend on where the checkout is.
    let mut files = ingested.files.clone();
    files[0].file = data.to_string();
    let provenance = shipped_provenance("surveys/capabilities-roles.toml", &[data]);
    render(
        Inputs {
            survey: &survey,
            aggregates: &aggregates,
            charts: &charts,
            quality: DataQuality {
                files: &files,
                rejects: &ingested.rejects,
            },
            provenance: &provenance,
        },
        Formats::ALL,
    )
    .unwrap()
}

#[test]
fn the_report_folder_has_every_file() {
    let files = seed_report();
    let names: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "index.html",
            "report.md",
            "aggregates.json",
            "aggregates.parquet",
            "rejects.csv",
            "charts/stance.svg",
            "charts/stance.png",
            "charts/response-panel.svg",
            "charts/response-panel.png",
            "charts/considerations.svg",
            "charts/considerations.png",
        ]
    );
}

#[test]
fn seed_panel_report_md_matches_its_snapshot() {
    insta::assert_snapshot!("seed-panel-report.md", text(&seed_report(), "report.md"));
}

#[test]
fn html_inlines_every_chart_and_needs_nothing_external() {
    let html = text(&seed_report(), "index.html");
    assert_eq!(html.matches("<svg").count(), 3);
    assert!(html.contains("<title id=\"chart-response-panel-title\">"));
    assert!(html.contains("<title id=\"chart-stance-title\">"));
    assert!(html.contains("<title id=\"chart-considerations-title\">"));
    for external in [
        "src=\"http",
        "href=\"http",
        "@import",
        "url(",
        "<script",
        "<link",
    ] {
        assert!(!html.contains(external), "found {external}");
    }
}

#[test]
fn no_answer_is_attributed_to_a_group_below_the_threshold() {
    let files = seed_report();
    let html = text(&files, "index.html");
    let md = text(&files, "report.md");
    let json = text(&files, "aggregates.json");
    // Panelist 8 is the only one strongly in favour: their summary appears only under
    // the merged group, which has five respondents.
    let summary = "one more person barely moves capabilities";
    let merged_heading = "Lean in favour + Strongly in favour (5 respondents)";
    for (name, doc) in [("html", &html), ("md", &md)] {
        let at = doc
            .find(summary)
            .unwrap_or_else(|| panic!("{name} lacks the summary"));
        let heading = doc[..at]
            .rfind("respondents)")
            .map(|end| &doc[..end + "respondents)".len()])
            .unwrap();
        assert!(
            heading.ends_with(merged_heading),
            "{name}: quoted under {}",
            &heading[heading.len() - 60..]
        );
        assert!(
            !doc.contains("Strongly in favour (1 respondents)"),
            "{name}"
        );
    }
    assert!(!json.contains("\"group\": \"strongly_in_favour\""));
}

const HOSTILE: &str = r##"id = "x"
title = "<script>alert('title')</script>"
position = "stance"
[anonymity]
min_group_size = 1
[scales.s]
levels = [{ code = "a", label = "<img src=x onerror=alert(1)>" }, { code = "b", label = "</style><b>B</b>" }]
sides = [{ id = "low", label = "<svg onload=alert(2)>", levels = ["a"] }, { id = "high", label = "# H", levels = ["b"] }]
[codebook.c]
codes = [{ code = "k", label = "[link](javascript:alert(3))", direction = "for" }]
[[questions]]
id = "stance"
kind = "likert"
scale = "s"
text = "</title><script>alert('q')</script>"
required = true
[[questions]]
id = "c"
kind = "multiple"
codebook = "c"
text = "C | pipes"
[[questions]]
id = "why"
kind = "text"
text = "Why?"
"##;

#[test]
fn hostile_text_is_escaped_in_html_markdown_and_svg() {
    let survey = survey::parse("x.toml", HOSTILE).unwrap().survey;
    let csv = "respondent_id,stance,c,why\n1,a,k,<script>alert('answer')</script>\n2,b,,=cmd|' /C calc'!A0\n";
    let files = report_files(&survey, &[("x.csv".into(), csv.as_bytes().to_vec())]);
    let html = text(&files, "index.html");
    for raw in [
        "<script",
        "<img",
        "<svg onload",
        "</style><b>",
        "</title><script",
    ] {
        assert!(!html.contains(raw), "unescaped {raw} in HTML");
    }
    assert!(
        html.contains("&lt;script&gt;alert"),
        "escaped text is still shown"
    );
    let md = text(&files, "report.md");
    let bytes = md.as_bytes();
    for (i, _) in md.match_indices('<') {
        // Only the anchors canvass writes itself are raw HTML.
        let own_anchor = md[i..].starts_with("<a id=\"")
            || (md[i..].starts_with("</a>") && md[..i].ends_with("\">"));
        assert!(
            bytes[i - 1] == b'\\' || own_anchor,
            "unescaped `<` in Markdown: {}",
            &md[i..(i + 30).min(md.len())]
        );
    }
    for (i, _) in md.match_indices("](javascript") {
        assert!(
            md[..i].ends_with('\\'),
            "a live javascript: link in Markdown"
        );
    }
    for f in files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "svg"))
    {
        let svg = String::from_utf8(f.bytes.clone()).unwrap();
        assert!(
            !svg.contains("<img") && !svg.contains("<svg onload") && !svg.contains("<script"),
            "{}",
            f.path.display()
        );
    }
}

#[test]
fn reports_are_byte_identical_across_runs() {
    assert_eq!(seed_report(), seed_report());
}
