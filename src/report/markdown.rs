//! `report.md`: the same document as the HTML, for a git forge; charts are linked PNGs.
//! Every piece of text goes through [`escape::markdown`].

use std::fmt::Write;

use super::Inputs;
use super::sections::{Block, Table, document};
use crate::escape::markdown as md;

pub fn report(inputs: Inputs<'_>) -> String {
    let doc = document(inputs);
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# {}\n", md(&doc.title));
    if let Some(lead) = &doc.lead {
        let _ = writeln!(out, "**{}**\n", md(lead));
    }
    let _ = writeln!(out, "{}\n", md(&doc.summary));
    for (i, s) in doc.sections.iter().enumerate() {
        let _ = writeln!(out, "{}. [{}](#{})", i + 1, md(&s.heading), s.id);
    }
    out.push('\n');
    for s in &doc.sections {
        // An explicit anchor, so the contents links work whatever the forge's slug rules.
        let _ = writeln!(out, "<a id=\"{}\"></a>\n\n## {}\n", s.id, md(&s.heading));
        for block in &s.blocks {
            match block {
                Block::Paragraph(text) => {
                    let _ = writeln!(out, "{}\n", md(text));
                }
                Block::Subheading(text) => {
                    let _ = writeln!(out, "### {}\n", md(text));
                }
                Block::List(items) => {
                    for item in items {
                        let _ = writeln!(out, "- {}", md(item));
                    }
                    out.push('\n');
                }
                Block::Facts(facts) => {
                    for (term, description) in facts {
                        let _ = writeln!(out, "- **{}**: {}", md(term), md(description));
                    }
                    out.push('\n');
                }
                Block::Table(table) => table_md(&mut out, table),
                Block::Figure { chart, n, table } => {
                    if let Some(chart) = inputs.charts.iter().find(|c| &c.id == chart) {
                        let _ = writeln!(
                            out,
                            "![{}](charts/{}.png)\n",
                            md(&chart.description),
                            chart.id
                        );
                        let data = if table.is_some() {
                            " Data: the table below."
                        } else {
                            ""
                        };
                        let _ = writeln!(
                            out,
                            "*Figure: {}*\n",
                            md(&format!("{} ({n}).{data}", chart.title))
                        );
                    }
                }
            }
        }
    }
    let _ = writeln!(out, "---\n\n{}", md(&doc.footer));
    out
}

fn table_md(out: &mut String, table: &Table) {
    let _ = writeln!(out, "*{}*\n", md(&table.caption));
    let cells = |row: &[String]| row.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | ");
    let _ = writeln!(out, "| {} |", cells(&table.headers));
    let rule: Vec<&str> = table
        .numeric
        .iter()
        .map(|&n| if n { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for row in &table.rows {
        let _ = writeln!(out, "| {} |", cells(row));
    }
    out.push('\n');
}
