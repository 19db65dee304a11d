//! Hostile content (issue 9): a survey whose every text is a payload, and responses whose
//! free text and "other" texts are payloads too (tests/fixtures/hostile/), through every
//! output canvass writes: the forms, the report, ingest's files.
//!
//! - HTML (the form and the report) in headless Chromium: no payload runs, even when every
//!   element receives the events inline handlers listen for, and no element carries an
//!   inline handler or a `javascript:` URL. The same probe on a page that holds the
//!   corpus unescaped must find it running, so the probe can fail.
//! - Markdown: no raw HTML tag, no live `javascript:` link, no table row broken by `|`
//!   or a line break.
//! - CSV: no cell starts like a formula (`=`, `+`, `-`, `@`, tab, CR).
//! - SVG: every chart is well-formed XML with no script, no event attribute and no
//!   `javascript:` link.
//! - JSON: parses, and holds the payloads only as strings, exactly as given.
//! - Bidi controls: shown as U+FFFD in what a person reads, kept in the data.
//! - 1 MB labels and answers: forms and report still get written, in seconds.
//!
//! Each checker is a function returning the problems it found, with a test that feeds it
//! a leak and sees it caught. docs/hardening.md records what was found.

#[allow(dead_code)]
#[path = "browser/page.rs"]
mod page;

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{canvass, root};
use page::{Chromium, FormPage, chromium};
use quick_xml::events::Event;
use serde_json::Value;

const SURVEY: &str = "tests/fixtures/hostile/survey.toml";
const RESPONSES: &str = "tests/fixtures/hostile/responses.csv";

/// Every string of the corpus: the survey's texts and the responses' cells.
fn corpus_strings() -> Vec<String> {
    fn walk(value: &toml::Value, out: &mut Vec<String>) {
        match value {
            toml::Value::String(s) => out.push(s.clone()),
            toml::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            toml::Value::Table(table) => table.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    let survey: toml::Value = toml::from_str(&read(&root().join(SURVEY))).unwrap();
    walk(&survey, &mut out);
    let mut responses = csv::Reader::from_path(root().join(RESPONSES)).unwrap();
    for record in responses.records() {
        out.extend(record.unwrap().iter().map(str::to_string));
    }
    out
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs canvass, which may exit 1 (the corpus has a rejected row) but not 2.
fn run(args: &[&str], paths: &[&Path]) -> Duration {
    let started = Instant::now();
    let out = canvass().args(args).args(paths).output().unwrap();
    let elapsed = started.elapsed();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "canvass {args:?}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

/// The forms, the report and ingest's files for a survey and its responses, in `dir`,
/// with how long each command took.
fn write_everything(survey: &Path, responses: &Path, dir: &Path) -> Vec<(String, Duration)> {
    let mut times = Vec::new();
    for (format, name) in [
        ("html", "form.html"),
        ("md", "form.md"),
        ("csv", "template.csv"),
    ] {
        let out = dir.join(name);
        let took = run(&["form", "--format", format, "--out"], &[&out, survey]);
        times.push((format!("form {format}"), took));
    }
    let report = dir.join("report");
    times.push((
        "report".into(),
        run(&["report", "--out"], &[&report, survey, responses]),
    ));
    let ingest = dir.join("ingest");
    times.push((
        "ingest".into(),
        run(&["ingest", "--out"], &[&ingest, survey, responses]),
    ));
    times
}

fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_with_extension(&path, extension));
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------
// Checkers

/// Whether the character at byte `i` is escaped by an odd run of backslashes before it.
fn escaped(text: &str, i: usize) -> bool {
    text[..i].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// Raw HTML, live `javascript:` links and broken table rows in Markdown.
fn markdown_problems(md: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, _) in md.match_indices('<') {
        // The only raw HTML canvass writes: its own anchors, `<a id="…"></a>`.
        let own_anchor = md[i..].starts_with("<a id=\"") || md[i..].starts_with("</a>");
        if !escaped(md, i) && !own_anchor {
            problems.push(format!("raw `<`: {}", snippet(md, i)));
        }
    }
    for (i, _) in md.match_indices("](") {
        let url = md[i + 2..].trim_start().to_ascii_lowercase();
        let live = !escaped(md, i);
        if live
            && ["javascript:", "vbscript:", "data:"]
                .iter()
                .any(|s| url.starts_with(s))
        {
            problems.push(format!("live script link: {}", snippet(md, i)));
        }
    }
    let mut columns: Option<usize> = None;
    for (n, line) in md.lines().enumerate() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let pipes = line
            .match_indices('|')
            .filter(|(i, _)| !escaped(line, *i))
            .count();
        match columns {
            None => columns = Some(pipes),
            Some(c) if c != pipes => problems.push(format!(
                "line {}: a table row with {pipes} cell borders, its header has {c}",
                n + 1
            )),
            Some(_) => {}
        }
    }
    problems
}

fn snippet(text: &str, i: usize) -> String {
    text[i..].chars().take(60).collect()
}

/// Cells a spreadsheet would read as a formula (OWASP: `=`, `+`, `-`, `@`, tab, CR).
fn csv_problems(csv_text: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        for cell in &record {
            if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                problems.push(format!(
                    "line {:?}: {cell:?}",
                    record.position().map(|p| p.line())
                ));
            }
        }
    }
    problems
}

/// Whether an SVG is well-formed XML with nothing in it that could run.
fn svg_problems(svg: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(svg);
    reader.config_mut().check_end_names = true;
    let mut problems = Vec::new();
    let (mut depth, mut roots) = (0usize, 0usize);
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                problems.push(format!(
                    "not well-formed at byte {}: {e}",
                    reader.buffer_position()
                ));
                break;
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if depth == 0 {
                    roots += 1;
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                }
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_lowercase();
                if ["script", "foreignobject", "iframe", "object", "embed"].contains(&name.as_str())
                {
                    problems.push(format!("a <{name}> element"));
                }
                for attribute in e.attributes() {
                    let attribute = match attribute {
                        Ok(a) => a,
                        Err(e) => {
                            problems.push(format!("bad attribute in <{name}>: {e}"));
                            continue;
                        }
                    };
                    let key =
                        String::from_utf8_lossy(attribute.key.local_name().as_ref()).to_lowercase();
                    let value = match attribute.decode_and_unescape_value(reader.decoder()) {
                        Ok(v) => v.to_lowercase(),
                        Err(e) => {
                            problems.push(format!("attribute `{key}` of <{name}>: {e}"));
                            continue;
                        }
                    };
                    if key.starts_with("on") {
                        problems.push(format!("event attribute `{key}` on <{name}>"));
                    }
                    if value.trim_start().starts_with("javascript:") {
                        problems.push(format!("`{key}` of <{name}> is a javascript: URL"));
                    }
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::GeneralRef(ref r) => {
                let name = String::from_utf8_lossy(r.as_ref()).to_string();
                if !(name.starts_with('#')
                    || ["amp", "lt", "gt", "quot", "apos"].contains(&name.as_str()))
                {
                    problems.push(format!("undefined entity &{name};"));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 || roots != 1 {
        problems.push(format!("{roots} root elements, {depth} left open"));
    }
    problems
}

/// Every string in a JSON value (object keys included).
fn json_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| json_strings(v, out)),
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                json_strings(v, out);
            }
        }
        _ => {}
    }
}

const BIDI_CONTROLS: [char; 9] = [
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}',
];

// ---------------------------------------------------------------------------------------
// The checkers catch what they look for

#[test]
fn the_markdown_checker_catches_raw_html_script_links_and_broken_rows() {
    assert!(
        markdown_problems("a \\<b\\> <a id=\"x\"></a> [ok](#x) \\[x\\](javascript:y)").is_empty()
    );
    assert_eq!(markdown_problems("hi <script>x</script>").len(), 2);
    assert_eq!(
        markdown_problems("a \\\\<b>").len(),
        1,
        "an escaped backslash escapes nothing"
    );
    assert_eq!(markdown_problems("[x]( JavaScript:alert(1))").len(), 1);
    assert_eq!(
        markdown_problems("| a | b |\n| --- | --- |\n| x | y | z |").len(),
        1
    );
    assert!(markdown_problems("| a | b |\n| --- | --- |\n| x \\| y | z |").is_empty());
}

#[test]
fn the_csv_checker_catches_every_formula_start() {
    assert!(csv_problems("a,'=1,3,\" =x\"\n").is_empty());
    for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\"\tx\"", "\"\rx\""] {
        assert_eq!(csv_problems(&format!("ok,{cell}\n")).len(), 1, "{cell}");
    }
}

#[test]
fn the_svg_checker_catches_script_handlers_links_and_broken_xml() {
    assert!(svg_problems("<svg><text>&lt;script&gt; &#39;</text></svg>").is_empty());
    for bad in [
        "<svg><script>x</script></svg>",
        "<svg onload=\"x\"></svg>",
        "<svg><a href=\"javascript:x\">a</a></svg>",
        "<svg><text>a</svg>",
        "<svg><text>&nbsp;</text></svg>",
        "<svg></svg><svg></svg>",
        "<svg><text x=\"1\" x=\"2\">a</text></svg>",
    ] {
        assert!(!svg_problems(bad).is_empty(), "{bad}");
    }
}

// ---------------------------------------------------------------------------------------
// The outputs

#[test]
fn no_output_lets_the_corpus_out_as_markup_formulas_or_code() {
    let dir = tempfile::tempdir().unwrap();
    let (survey, responses) = (root().join(SURVEY), root().join(RESPONSES));
    write_everything(&survey, &responses, dir.path());
    let d = dir.path();

    for md in [d.join("form.md"), d.join("report/report.md")] {
        let text = read(&md);
        assert_eq!(
            markdown_problems(&text),
            Vec::<String>::new(),
            "{}",
            md.display()
        );
        assert!(!text.contains(BIDI_CONTROLS), "{}", md.display());
    }
    // Line breaks inside a label or an answer became spaces, in place.
    let report_md = read(&d.join("report/report.md"));
    assert!(report_md.contains("line one line two \\| pipe # heading"));
    assert!(report_md.contains(
        "\\[click\\](javascript:window.\\_\\_pwned='answer-md') \\| a \\| b second line # heading"
    ));

    let csvs = [
        d.join("template.csv"),
        d.join("report/rejects.csv"),
        d.join("ingest/rejects.csv"),
        d.join("ingest/responses.csv"),
    ];
    for csv_file in &csvs {
        assert_eq!(
            csv_problems(&read(csv_file)),
            Vec::<String>::new(),
            "{}",
            csv_file.display()
        );
    }
    // The formulas are there, disarmed, and canvass reads its own file back unchanged.
    let responses_out = read(&d.join("ingest/responses.csv"));
    assert!(responses_out.contains("'=HYPERLINK(") && responses_out.contains("'=1+1,"));
    assert!(
        responses_out.contains(",'-3,"),
        "numbers are no exception: escape.rs"
    );
    assert!(read(&d.join("report/rejects.csv")).contains(",'=2+5,"));
    let again = d.join("again");
    run(
        &["ingest", "--out"],
        &[&again, &survey, &d.join("ingest/responses.csv")],
    );
    assert_eq!(read(&again.join("responses.csv")), responses_out);

    let svgs = files_with_extension(&d.join("report/charts"), "svg");
    assert!(svgs.len() >= 6, "{svgs:?}");
    for svg in &svgs {
        let text = read(svg);
        assert_eq!(
            svg_problems(&text),
            Vec::<String>::new(),
            "{}",
            svg.display()
        );
        assert!(!text.contains(BIDI_CONTROLS), "{}", svg.display());
    }
    // Payloads are in the charts as text (the stance chart names every level and side).
    assert!(read(&d.join("report/charts/stance.svg")).contains("&lt;script&gt;window.__pwned="));

    let json: Value = serde_json::from_str(&read(&d.join("report/aggregates.json"))).unwrap();
    let mut strings = Vec::new();
    json_strings(&json, &mut strings);
    for payload in [
        "</title><script>window.__pwned='title'</script><title>",
        "<script>window.__pwned='answer-1'</script>",
        "\u{202E}gnp.exe\u{202C} and z\u{200B}w\u{200D} \u{2066}isolate\u{2069} +1 @SUM(A1)",
    ] {
        assert!(
            strings.iter().any(|s| s.contains(payload)),
            "{payload} kept exactly in JSON"
        );
    }

    for html in [d.join("form.html"), d.join("report/index.html")] {
        let text = read(&html);
        assert!(!text.contains(BIDI_CONTROLS), "{}", html.display());
        assert!(
            text.contains("\u{FFFD}gnp.exe\u{FFFD}"),
            "{}",
            html.display()
        );
        assert!(!text.contains("<script>window"), "{}", html.display());
    }
}

#[test]
fn megabyte_labels_and_answers_are_written_in_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let big: String = "<script>window.__pwned='big'</script> &amp; | \u{202E}"
        .repeat(20_000)
        .chars()
        .take(1 << 20)
        .collect();
    let survey = read(&root().join(SURVEY))
        .replace(
            "{ code = \"lab\", label = '''",
            &format!("{{ code = \"lab\", label = '''{big}"),
        )
        .replace(
            "text = '''</textarea>",
            &format!("text = '''{big}</textarea>"),
        );
    let answer = big.replace(['\'', '"', '\u{202E}'], "");
    let responses = read(&root().join(RESPONSES)).replacen(
        "<script>window.__pwned='answer-1'</script>",
        &answer,
        1,
    );
    let (survey_path, responses_path) = (
        dir.path().join("survey.toml"),
        dir.path().join("responses.csv"),
    );
    fs::write(&survey_path, &survey).unwrap();
    fs::write(&responses_path, &responses).unwrap();
    let times = write_everything(&survey_path, &responses_path, dir.path());
    for (what, took) in &times {
        eprintln!("{what}: {took:?}");
        // Before labels were cut for measuring, the report had not finished after 10 minutes.
        assert!(took.as_secs() < 60, "{what} took {took:?}");
    }
    let md = read(&dir.path().join("report/report.md"));
    assert!(markdown_problems(&md).is_empty());
    for svg in files_with_extension(&dir.path().join("report/charts"), "svg") {
        assert_eq!(
            svg_problems(&read(&svg)),
            Vec::<String>::new(),
            "{}",
            svg.display()
        );
    }
    // The label is drawn shortened in the response panel and kept whole in its <title>.
    let panel = read(&dir.path().join("report/charts/response-panel.svg"));
    assert!(panel.contains('…'));
    assert!(
        panel.contains(
            &"&lt;script&gt;window.__pwned=&#39;big&#39;&lt;/script&gt; &amp;amp; | \u{FFFD}"
                .repeat(100)
        )
    );
}

// ---------------------------------------------------------------------------------------
// In the browser

/// What a page let run, and what in it could run.
#[derive(Debug)]
struct Probe {
    /// `window.__pwned` as a string, when a payload set it.
    pwned: Option<String>,
    title: String,
    handlers: Vec<String>,
    script_links: usize,
    scripts: usize,
}

/// Waits for payloads that run late (an image's error, a details element's toggle), fires
/// at every element the events inline handlers listen for (plain `Event`s, which run
/// handlers without following links), then reads the sentinel.
fn probe(page: &FormPage, wait: Duration) -> Probe {
    let started = Instant::now();
    while started.elapsed() < wait && page.js("typeof window.__pwned === 'undefined'") == true {
        std::thread::sleep(Duration::from_millis(100));
    }
    page.js(
        "(() => { const types = ['mouseover', 'mouseenter', 'focus', 'focusin', 'click', 'load', 'error', \
           'toggle', 'begin', 'start', 'input', 'change', 'animationstart']; \
           for (const el of document.querySelectorAll('*')) { for (const t of types) { \
             try { el.dispatchEvent(new Event(t)); } catch (e) {} } } return true; })()",
    );
    let state = page.js(
        "({ pwned: typeof window.__pwned === 'undefined' ? null : String(window.__pwned), \
           title: document.title, scripts: document.scripts.length, \
           handlers: [...document.querySelectorAll('*')].flatMap(el => [...el.attributes] \
             .filter(a => a.name.toLowerCase().startsWith('on')).map(a => el.tagName + ' ' + a.name)), \
           links: [...document.querySelectorAll('*')].filter(el => [...el.attributes] \
             .some(a => /^\\s*javascript:/i.test(a.value) && /^(href|src|data|action|formaction|xlink:href)$/i.test(a.name))).length })",
    );
    Probe {
        pwned: state["pwned"].as_str().map(str::to_string),
        title: state["title"].as_str().unwrap_or_default().to_string(),
        handlers: serde_json::from_value(state["handlers"].clone()).unwrap(),
        script_links: state["links"].as_u64().unwrap() as usize,
        scripts: state["scripts"].as_u64().unwrap() as usize,
    }
}

fn open_page(chromium: &Chromium, file: &Path) -> FormPage {
    let page = FormPage::unloaded(chromium, file);
    page.load();
    page
}

#[test]
fn the_browser_probe_sees_the_corpus_run_on_a_page_that_does_not_escape_it() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let strings = corpus_strings();
    let mut page = String::from("<!DOCTYPE html><html><head><title>unescaped</title></head><body>");
    for s in &strings {
        page.push_str(&format!("<p>{s}</p>"));
    }
    page.push_str("</body></html>");
    let file = dir.path().join("unescaped.html");
    fs::write(&file, page).unwrap();
    let seen = probe(&open_page(&chromium, &file), Duration::from_secs(3));
    assert!(seen.pwned.is_some(), "{seen:?}");
    assert!(!seen.handlers.is_empty() && seen.scripts > 0, "{seen:?}");
    // Unescaped, the corpus's comments and raw-text elements swallow its links; one alone
    // shows that the probe sees them, and that a handler reached only by an event runs.
    fs::write(
        &file,
        "<p><a href=\"javascript:void 0\">a</a><b onmouseover=\"window.__pwned='hover'\">b</b></p>",
    )
    .unwrap();
    let seen = probe(&open_page(&chromium, &file), Duration::ZERO);
    assert_eq!(seen.script_links, 1, "{seen:?}");
    assert_eq!(seen.pwned.as_deref(), Some("hover"), "{seen:?}");
}

#[test]
fn neither_the_form_nor_the_report_runs_any_of_the_corpus() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    write_everything(&root().join(SURVEY), &root().join(RESPONSES), dir.path());
    let title = "</title><script>window.__pwned='title'</script><title>";

    let form = FormPage::open(&chromium, &dir.path().join("form.html"));
    let seen = probe(&form, Duration::from_secs(1));
    assert_eq!(seen.pwned, None, "form: {seen:?}");
    assert_eq!(
        (seen.handlers.len(), seen.script_links),
        (0, 0),
        "form: {seen:?}"
    );
    assert_eq!(seen.scripts, 1, "only the form's own script");
    assert_eq!(seen.title, title);

    let report = open_page(&chromium, &dir.path().join("report/index.html"));
    let seen = probe(&report, Duration::from_secs(1));
    assert_eq!(seen.pwned, None, "report: {seen:?}");
    assert_eq!(
        (seen.handlers.len(), seen.script_links, seen.scripts),
        (0, 0, 0),
        "report: {seen:?}"
    );
    assert!(seen.title.contains(title), "{}", seen.title);
}
