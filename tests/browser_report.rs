//! The HTML report in a real browser: headless Chromium, driven over the DevTools protocol
//! (the helpers of tests/browser/page.rs), on the reports of both shipped surveys: the
//! default survey from `canvass run`, the second from `canvass synth` data.
//!
//! For each: no console error and no network request; every chart present with a text
//! alternative; every table with header cells; every figure stating its n; headings in
//! order; and every text element at least AA contrast (4.5, or 3 for large text) against
//! its effective background, in the light and the dark scheme. Screenshots at desktop and
//! phone widths go to `target/browser-screenshots/report-*.png`.
//!
//! Without Chromium the test is skipped with a message, except under CI, where a missing
//! browser is a failure (the rule of tests/browser.rs).

#[allow(dead_code)]
#[path = "browser/page.rs"]
mod page;

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::canvass;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{Log, Network};
use page::{Chromium, DESKTOP, FormPage, PHONE, chromium};
use serde_json::Value;

/// The default survey's report, as `canvass run` writes it.
fn default_report(dir: &Path) -> PathBuf {
    let out = dir.join("capabilities-roles");
    let ran = canvass().args(["run", "--out"]).arg(&out).output().unwrap();
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    out
}

/// The second survey's report on 300 made-up respondents.
fn synthetic_report(dir: &Path) -> PathBuf {
    let data = dir.join("synthetic.csv");
    let made = canvass()
        .args([
            "synth",
            "frontier-roles-2027",
            "--rows",
            "300",
            "--seed",
            "7",
            "--out",
        ])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let out = dir.join("frontier-roles-2027");
    let ran = canvass()
        .args(["report", "frontier-roles-2027"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    out
}

/// What the page reported while it loaded.
#[derive(Default)]
struct Seen {
    errors: Vec<String>,
    requests: Vec<String>,
}

/// Opens a report with listeners for console errors and requests, then loads it.
fn open(chromium: &Chromium, index: &Path) -> (FormPage, Arc<Mutex<Seen>>) {
    let page = FormPage::unloaded(chromium, index);
    let seen = Arc::new(Mutex::new(Seen::default()));
    page.tab.enable_log().unwrap();
    page.tab.enable_runtime().unwrap();
    page.tab
        .call_method(Network::Enable {
            max_total_buffer_size: None,
            max_resource_buffer_size: None,
            max_post_data_size: None,
            report_direct_socket_traffic: None,
            enable_durable_messages: None,
        })
        .unwrap();
    let sink = Arc::clone(&seen);
    page.tab
        .add_event_listener(Arc::new(move |event: &Event| {
            let mut seen = sink.lock().unwrap();
            match event {
                Event::LogEntryAdded(e) if e.params.entry.level == Log::LogEntryLevel::Error => {
                    seen.errors.push(e.params.entry.text.clone())
                }
                Event::RuntimeConsoleAPICalled(e) if format!("{:?}", e.params.Type) == "Error" => {
                    seen.errors
                        .push(format!("console.error: {:?}", e.params.args))
                }
                Event::RuntimeExceptionThrown(e) => {
                    seen.errors.push(e.params.exception_details.text.clone())
                }
                Event::NetworkRequestWillBeSent(e) => {
                    seen.requests.push(e.params.request.url.clone())
                }
                _ => {}
            }
        }))
        .unwrap();
    page.load();
    (page, seen)
}

/// The DOM checks, in one script: what fails, as sentences.
const STRUCTURE: &str = r#"(() => {
  const problems = [];
  const svgs = [...document.querySelectorAll('svg')];
  for (const svg of svgs) {
    const title = svg.querySelector(':scope > title'), desc = svg.querySelector(':scope > desc');
    if (svg.getAttribute('role') !== 'img') problems.push('an svg without role=img');
    if (!title || !title.textContent.trim()) problems.push('an svg without a title');
    if (!desc || !desc.textContent.trim()) problems.push('an svg without a desc');
  }
  for (const figure of document.querySelectorAll('figure')) {
    const caption = figure.querySelector('figcaption');
    if (!caption || !/\bn = \d/.test(caption.textContent)) problems.push('a figure without its n: ' + (caption ? caption.textContent : '(no caption)'));
    const table = figure.getAttribute('aria-describedby');
    if (table && !document.getElementById(table)) problems.push('a figure described by a missing table ' + table);
  }
  for (const table of document.querySelectorAll('table')) {
    if (!table.querySelector('thead th')) problems.push('a table without header cells: ' + (table.caption ? table.caption.textContent : ''));
  }
  let previous = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(h.tagName[1]);
    if (previous === 0 && level !== 1) problems.push('the first heading is ' + h.tagName);
    if (level > previous + 1) problems.push(h.tagName + ' after h' + previous + ': ' + h.textContent);
    previous = level;
  }
  return { problems, charts: svgs.length, resources: performance.getEntriesByType('resource').map(r => r.name) };
})()"#;

/// Every element with text of its own (outside the charts, which carry their own light
/// background): its contrast ratio against the background it is drawn on, composited up
/// the tree. Returns those below AA.
const CONTRAST: &str = r#"(() => {
  const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, bottom) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat(1); };
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let colour = [255, 255, 255, 1];
    if (layers.length && layers[layers.length - 1][3] >= 1) colour = layers.pop();
    else { const root = parse(getComputedStyle(document.documentElement).backgroundColor);
      if (matchMedia('(prefers-color-scheme: dark)').matches && !(root && root[3] > 0)) colour = [18, 18, 18, 1]; }
    while (layers.length) colour = over(layers.pop(), colour);
    return colour;
  };
  const luminance = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const failures = []; let checked = 0;
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('svg')) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.getClientRects().length === 0) continue;
    const style = getComputedStyle(el);
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    checked++;
    if (ratio < (large ? 3 : 4.5)) failures.push(el.tagName.toLowerCase() + ' "' + el.textContent.trim().slice(0, 40) + '" ' + ratio.toFixed(2) + ' (' + style.color + ' on rgb(' + bg.slice(0, 3).map(Math.round).join(', ') + '))');
  }
  return { checked, failures };
})()"#;

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn check_report(chromium: &Chromium, report: &Path, name: &str) {
    let index = report.join("index.html");
    let (page, seen) = open(chromium, &index);

    let structure = page.js(STRUCTURE);
    let problems = strings(&structure["problems"]);
    assert!(problems.is_empty(), "{name}: {problems:#?}");
    let chart_files = fs::read_dir(report.join("charts"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "svg")
        })
        .count();
    assert!(chart_files > 0, "{name}: the report has charts");
    assert_eq!(
        structure["charts"].as_u64().unwrap() as usize,
        chart_files,
        "{name}: every chart is inlined"
    );
    assert_eq!(
        strings(&structure["resources"]),
        Vec::<String>::new(),
        "{name}: nothing loaded"
    );

    for dark in [false, true] {
        page.emulate(DESKTOP, dark);
        let contrast = page.js(CONTRAST);
        assert!(
            contrast["checked"].as_u64().unwrap() > 50,
            "{name}: text was checked"
        );
        let failures = strings(&contrast["failures"]);
        assert!(
            failures.is_empty(),
            "{name} ({}): below AA: {failures:#?}",
            if dark { "dark" } else { "light" }
        );
    }

    for (size, width) in [(DESKTOP, "desktop"), (PHONE, "phone")] {
        for dark in [false, true] {
            let scheme = if dark { "dark" } else { "light" };
            page.screenshot(
                &format!("report-{name}-{width}-{scheme}"),
                size,
                dark,
                false,
            );
        }
    }
    // Further down: the first chart and its table, at both widths.
    page.js("document.querySelector('figure').scrollIntoView()");
    page.screenshot(
        &format!("report-{name}-desktop-figure"),
        DESKTOP,
        false,
        false,
    );
    page.js("document.querySelector('figure').scrollIntoView()");
    page.screenshot(&format!("report-{name}-phone-figure"), PHONE, true, false);
    if name == "capabilities-roles" {
        // The whole page as printed (the long synthetic report would be 80,000 px tall).
        page.screenshot_print(&format!("report-{name}-print"));
    }

    let seen = seen.lock().unwrap();
    assert!(
        seen.errors.is_empty(),
        "{name}: console errors {:?}",
        seen.errors
    );
    let others: Vec<&String> = seen
        .requests
        .iter()
        .filter(|url| url.as_str() != page.url())
        .collect();
    assert!(others.is_empty(), "{name}: requests {others:?}");
}

#[test]
fn both_shipped_reports_are_accessible_offline_in_light_and_dark() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    check_report(&chromium, &default_report(dir.path()), "capabilities-roles");
    check_report(
        &chromium,
        &synthetic_report(dir.path()),
        "frontier-roles-2027",
    );
}
