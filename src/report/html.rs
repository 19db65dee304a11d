//! `index.html`: one self-contained page (inline CSS and SVG, no script, no external
//! requests), readable in light and dark, printable. Text goes through maud, which
//! escapes it; the only unescaped markup is the SVG the chart stage produced, whose
//! text plotters escapes.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::Inputs;
use super::sections::{Block, Table, document};

const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #1f2328; --muted: #57606a; --bg: #ffffff; --line: #d0d7de; --stripe: #f6f8fa; --link: #542788; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --line: #3d444d; --stripe: #161b22; --link: #c2b5f0; } }
* { box-sizing: border-box; }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
a { color: var(--link); }
h1 { font-size: 1.75rem; line-height: 1.25; margin-bottom: .5rem; }
h2 { font-size: 1.3rem; margin-top: 2.5rem; padding-top: .5rem; border-top: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin-top: 1.5rem; }
.lead { font-size: 1.15rem; font-weight: 600; }
.summary { color: var(--muted); }
nav ol { padding-left: 1.25rem; columns: 2; }
dl.facts { display: grid; grid-template-columns: minmax(8rem, 14rem) 1fr; gap: .4rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
figure { margin: 1rem 0; }
figure .chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .25rem; overflow-x: auto; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .9rem; margin-top: .4rem; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .93rem; }
caption { text-align: left; color: var(--muted); font-size: .9rem; padding-bottom: .35rem; }
th, td { border-bottom: 1px solid var(--line); padding: .4rem .55rem; text-align: left; vertical-align: top; }
th { font-weight: 600; }
tbody th { font-weight: normal; min-width: 14rem; }
thead th { vertical-align: bottom; }
tbody tr:nth-child(even) { background: var(--stripe); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
footer { margin-top: 3rem; color: var(--muted); font-size: .9rem; }
@media (max-width: 40rem) { main { padding: 1rem .75rem 3rem; } table { font-size: .85rem; } th, td { padding: .35rem .4rem; } tbody th { min-width: 7.5rem; } dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: .5rem; } nav ol { columns: 1; } }
@media print { nav { display: none; } h2 { break-before: auto; } figure, table { break-inside: avoid; } body { font-size: 11pt; } }
"#;

pub fn report(inputs: Inputs<'_>) -> String {
    let doc = document(inputs);
    let page = html! {
        (DOCTYPE)
        html lang=(inputs.aggregates.survey.language) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (doc.title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    header {
                        h1 { (doc.title) }
                        @if let Some(lead) = &doc.lead { p.lead { (lead) } }
                        p.summary { (doc.summary) }
                    }
                    nav aria-label="Contents" {
                        ol { @for s in &doc.sections { li { a href={ "#" (s.id) } { (s.heading) } } } }
                    }
                    @for s in &doc.sections {
                        section id=(s.id) aria-labelledby={ (s.id) "-h" } {
                            h2 id={ (s.id) "-h" } { (s.heading) }
                            @for block in &s.blocks { (render_block(inputs, block)) }
                        }
                    }
                    footer { p { (doc.footer) } }
                }
            }
        }
    };
    // canvass writes no bidi control itself, so replacing them in the page replaces them
    // in every text it shows, the inline SVG charts included.
    crate::escape::without_bidi_controls(&page.into_string()).into_owned()
}

fn render_block(inputs: Inputs<'_>, block: &Block) -> Markup {
    html! {
        @match block {
            Block::Paragraph(text) => p { (text) },
            Block::Subheading(text) => h3 { (text) },
            Block::List(items) => ul { @for item in items { li { (item) } } },
            Block::Facts(facts) => dl.facts { @for (term, description) in facts { dt { (term) } dd { (description) } } },
            Block::Table(table) => (render_table(table)),
            Block::Figure { chart, n, table } => {
                @if let Some(chart) = inputs.charts.iter().find(|c| &c.id == chart) {
                    figure aria-describedby=[table.as_deref()] {
                        div.chart { (PreEscaped(&chart.svg)) }
                        // The full text alternative is the SVG's own <desc>; the caption
                        // names the figure, its n and the table that holds its data.
                        figcaption {
                            (sentence(&format!("{} ({n})", chart.title)))
                            @if let Some(table) = table { " Data: " a href={ "#" (table) } { "the table below" } "." }
                            " " a href={ "charts/" (chart.id) ".png" } { "PNG" } " · " a href={ "charts/" (chart.id) ".svg" } { "SVG" }
                        }
                    }
                }
            }
        }
    }
}

/// Ends text with a full stop unless it already ends a sentence.
fn sentence(text: &str) -> String {
    if text.ends_with(['.', '?', '!']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

fn render_table(table: &Table) -> Markup {
    let class = |numeric: bool| if numeric { "num" } else { "" };
    html! {
        div.table-wrap {
            table id=[table.id.as_deref()] {
                caption { (table.caption) }
                thead { tr { @for (i, h) in table.headers.iter().enumerate() { th scope="col" class=(class(table.numeric[i])) { (h) } } } }
                tbody {
                    @for row in &table.rows {
                        tr {
                            @for (i, cell) in row.iter().enumerate() {
                                @if i == 0 { th scope="row" class=(class(table.numeric[i])) { (cell) } }
                                @else { td class=(class(table.numeric[i])) { (cell) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
