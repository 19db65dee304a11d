//! Located diagnostics for definition files.
//!
//! A [`Diagnostic`] holds a byte span into its source; rendering turns it into
//! `file:line:column` with the source line and a caret (via annotate-snippets), the way
//! rustc shows errors, so that a researcher sees exactly where a mistake is.

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
}
