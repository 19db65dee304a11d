//! Located diagnostics for definition files.
//!
//! A [`Diagnostic`] holds a byte span into its source; rendering turns it into
//! `file:line:column` with the source line and a caret (via annotate-snippets), the way
//! rustc shows errors, so that a researcher sees exactly where a mistake is. The same
//! findings are also data ([`Report::to_json`]), for editors and scripts.

use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding about a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Byte range in the source the finding is about (`None` for the whole file).
    pub span: Option<Range<usize>>,
    /// Short text printed under the caret, e.g. what was expected there.
    pub label: Option<String>,
    /// Advice printed after the snippet, e.g. "did you mean `title`?".
    pub help: Option<String>,
    /// Secondary places that explain the finding, e.g. where a duplicate was first defined.
    pub related: Vec<(Range<usize>, String)>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, span: Option<Range<usize>>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            label: None,
            help: None,
            related: Vec::new(),
        }
    }

    pub fn warning(message: impl Into<String>, span: Option<Range<usize>>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message, span)
        }
    }

    pub fn with_label(&mut self, label: impl Into<String>) -> &mut Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(&mut self, help: Option<String>) -> &mut Diagnostic {
        self.help = help;
        self
    }

    pub fn with_related(&mut self, span: Range<usize>, text: impl Into<String>) -> &mut Diagnostic {
        self.related.push((span, text.into()));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A source file with the diagnostics found in it.
#[derive(Debug, Clone)]
pub struct Report {
    pub path: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl Report {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// Where a byte offset falls, as line and column.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.source.len());
        let before = &self.source[..floor_char_boundary(&self.source, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        LineCol { line, column }
    }

    /// Where a diagnostic points, or line 1 column 1 for whole-file findings.
    pub fn location(&self, diagnostic: &Diagnostic) -> LineCol {
        diagnostic
            .span
            .as_ref()
            .map_or(LineCol { line: 1, column: 1 }, |s| self.line_col(s.start))
    }

    /// The findings as one JSON object: `file`, `ok` (no errors) and `diagnostics`, each
    /// with its start and end as 1-based line and column (the end is the position just
    /// after the last character, as in SARIF and LSP). Keys come in a fixed order; the
    /// format is documented in `docs/survey-format.md`.
    pub fn to_json(&self) -> String {
        let report = JsonReport {
            file: &self.path,
            ok: !self.has_errors(),
            diagnostics: self
                .diagnostics
                .iter()
                .map(|d| self.json_diagnostic(d))
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&report)
            .expect("a report of strings and numbers always serializes");
        text.push('\n');
        text
    }

    fn json_diagnostic<'a>(&'a self, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
        let related = d
            .related
            .iter()
            .map(|(span, message)| {
                let at = self.range(span);
                JsonRelated {
                    message,
                    line: at.start.line,
                    column: at.start.column,
                    end_line: at.end.line,
                    end_column: at.end.column,
                }
            })
            .collect();
        let at = d.span.as_ref().map(|span| self.range(span));
        JsonDiagnostic {
            severity: d.severity,
            message: &d.message,
            line: at.map(|a| a.start.line),
            column: at.map(|a| a.start.column),
            end_line: at.map(|a| a.end.line),
            end_column: at.map(|a| a.end.column),
            label: d.label.as_deref(),
            help: d.help.as_deref(),
            related,
        }
    }

    /// Where a span starts and where it ends (just after its last character).
    fn range(&self, span: &Range<usize>) -> LineColRange {
        let span = clamp_span(&self.source, span.clone());
        LineColRange {
            start: self.line_col(span.start),
            end: self.line_col(span.end),
        }
    }

    /// Renders every diagnostic: `error: …`, ` --> file:line:column`, the source line, a
    /// caret, and any help. `styled` adds terminal colours.
    pub fn render(&self, styled: bool) -> String {
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&renderer.render(&self.groups(d)));
            out.push_str("\n\n");
        }
        out
    }

    fn groups<'a>(&'a self, d: &'a Diagnostic) -> Vec<Group<'a>> {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(d.message.as_str());
        let mut groups = Vec::new();
        let primary = match &d.span {
            Some(span) => {
                let span = clamp_span(&self.source, span.clone());
                let mut annotation = AnnotationKind::Primary.span(span);
                if let Some(label) = &d.label {
                    annotation = annotation.label(label.as_str());
                }
                let mut snippet = Snippet::source(self.source.as_str())
                    .path(self.path.as_str())
                    .annotation(annotation);
                for (span, text) in &d.related {
                    snippet = snippet.annotation(
                        AnnotationKind::Context
                            .span(clamp_span(&self.source, span.clone()))
                            .label(text.as_str()),
                    );
                }
                title.element(snippet)
            }
            None => {
                let origin = match &d.label {
                    Some(label) => format!("{}: {label}", self.path),
                    None => self.path.clone(),
                };
                title.element(Level::NOTE.message(origin))
            }
        };
        groups.push(primary);
        if let Some(help) = &d.help {
            groups.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        groups
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render(false).trim_end())
    }
}

#[derive(Debug, Clone, Copy)]
struct LineColRange {
    start: LineCol,
    end: LineCol,
}

// The JSON shapes: field order here is key order in the output.

#[derive(Serialize)]
struct JsonReport<'a> {
    file: &'a str,
    ok: bool,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// Locations are `null` for findings about the whole file (such as a missing `[panel]`).
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    message: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    label: Option<&'a str>,
    help: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

/// A span that lies on character boundaries inside the source, so rendering never panics
/// even if a parser reports an offset past the end.
fn clamp_span(source: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(source, span.start.min(source.len()));
    let end = floor_char_boundary(source, span.end.min(source.len())).max(start);
    start..end
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(source: &str, diagnostics: Vec<Diagnostic>) -> Report {
        Report {
            path: "surveys/x.toml".into(),
            source: source.into(),
            diagnostics,
        }
    }

    #[test]
    fn line_and_column_count_characters_from_one() {
        let r = report("a = 1\nb = \"é\"\ncc = 3\n", vec![]);
        assert_eq!(r.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(r.line_col(6), LineCol { line: 2, column: 1 });
        // "é" is two bytes: the closing quote after it is column 7, not 8.
        let quote = r.source.rfind('"').unwrap();
        assert_eq!(r.line_col(quote), LineCol { line: 2, column: 7 });
        assert_eq!(r.line_col(10_000), LineCol { line: 4, column: 1 });
    }

    #[test]
    fn rendering_names_file_line_column_and_shows_the_caret_and_help() {
        let source = "id = \"x\"\ntitel = \"Survey\"\n";
        let mut d = Diagnostic::error("unknown key `titel`", Some(9..14));
        d.with_label("not a key of the survey")
            .with_help(Some("did you mean `title`?".into()));
        let text = report(source, vec![d]).render(false);
        assert!(text.contains("error: unknown key `titel`"), "{text}");
        assert!(text.contains("surveys/x.toml:2:1"), "{text}");
        assert!(text.contains("titel = \"Survey\""), "{text}");
        assert!(text.contains("^^^^^ not a key of the survey"), "{text}");
        assert!(text.contains("help: did you mean `title`?"), "{text}");
    }

    #[test]
    fn spans_past_the_end_or_inside_a_character_do_not_panic() {
        let d = Diagnostic::error("bad", Some(3..99));
        let text = report("é = 1", vec![d]).render(false);
        assert!(text.contains("error: bad"));
    }

    #[test]
    fn whole_file_findings_name_the_file() {
        let d = Diagnostic::warning("no panel size", None);
        let text = report("", vec![d]).render(false);
        assert!(text.contains("warning: no panel size"), "{text}");
        assert!(text.contains("surveys/x.toml"), "{text}");
    }

    #[test]
    fn json_gives_start_and_end_in_characters_with_keys_in_a_fixed_order() {
        let source = "id = \"é\"\ntitel = \"Survey\"\n";
        let titel = source.find("titel").unwrap();
        let mut d = Diagnostic::error("unknown field `titel`", Some(titel..titel + 5));
        d.with_label("expected one of `title`")
            .with_help(Some("did you mean `title`?".into()))
            // `"é"`: three characters in four bytes, so it ends at column 9, not 10.
            .with_related(5..9, "the id");
        let json = report(source, vec![d]).to_json();
        let expected = r#"{
  "file": "surveys/x.toml",
  "ok": false,
  "diagnostics": [
    {
      "severity": "error",
      "message": "unknown field `titel`",
      "line": 2,
      "column": 1,
      "end_line": 2,
      "end_column": 6,
      "label": "expected one of `title`",
      "help": "did you mean `title`?",
      "related": [
        {
          "message": "the id",
          "line": 1,
          "column": 6,
          "end_line": 1,
          "end_column": 9
        }
      ]
    }
  ]
}
"#;
        assert_eq!(json, expected);
    }

    #[test]
    fn json_of_warnings_only_is_ok_and_whole_file_findings_have_no_location() {
        let d = Diagnostic::warning("no panel size", None);
        let json: serde_json::Value =
            serde_json::from_str(&report("a = 1\n", vec![d]).to_json()).unwrap();
        assert_eq!(json["ok"], true);
        let finding = &json["diagnostics"][0];
        assert_eq!(finding["severity"], "warning");
        for key in ["line", "column", "end_line", "end_column", "label", "help"] {
            assert!(finding[key].is_null(), "{key}: {finding}");
        }
        assert_eq!(finding["related"], serde_json::json!([]));

        let clean: serde_json::Value =
            serde_json::from_str(&report("a = 1\n", vec![]).to_json()).unwrap();
        assert_eq!(
            clean,
            serde_json::json!({"file": "surveys/x.toml", "ok": true, "diagnostics": []})
        );
    }

    #[test]
    fn json_spans_past_the_end_are_clamped_to_the_last_position() {
        let d = Diagnostic::error("bad", Some(2..99));
        let json: serde_json::Value =
            serde_json::from_str(&report("ab\ncd", vec![d]).to_json()).unwrap();
        let finding = &json["diagnostics"][0];
        assert_eq!(
            (finding["line"].as_u64(), finding["column"].as_u64()),
            (Some(1), Some(3))
        );
        assert_eq!(
            (finding["end_line"].as_u64(), finding["end_column"].as_u64()),
            (Some(2), Some(3))
        );
    }
}
