//! Rendering errors and lint findings the way rustc does: `file:line:col`, the source line with
//! a caret under the span, and a help line. Uses `annotate-snippets`, the renderer rustc uses.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::error::RuleError;
use crate::lint::{Finding, Severity};
use crate::rulebook::Rulebook;
use crate::source::Location;

/// Plain text, or with ANSI colours for a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Style {
    /// No colours.
    #[default]
    Plain,
    /// ANSI colours.
    Colour,
}

fn render(
    level: Level<'_>,
    title: &str,
    location: &Location,
    label: &str,
    text: &str,
    help: Option<&str>,
    style: Style,
) -> String {
    let span = location.span();
    let span = span.start.min(text.len())..span.end.min(text.len());
    let snippet = Snippet::source(text)
        .path(location.file())
        .fold(true)
        .annotation(AnnotationKind::Primary.span(span).label(label));
    let mut report = vec![level.primary_title(title).element(snippet)];
    if let Some(help) = help {
        report.push(Group::with_title(Level::HELP.secondary_title(help)));
    }
    let renderer = match style {
        Style::Plain => Renderer::plain(),
        Style::Colour => Renderer::styled(),
    };
    renderer.render(&report)
}

impl RuleError {
    /// The error as rustc would show it: place, source line, caret, help.
    pub fn render(&self, style: Style) -> String {
        let message = self.kind().to_string();
        render(
            Level::ERROR,
            &message,
            self.location(),
            "",
            self.source_text(),
            self.help(),
            style,
        )
    }
}

impl Finding {
    /// The finding as rustc would show it; the rule book supplies the file's text.
    pub fn render(&self, book: &Rulebook, style: Style) -> String {
        let text = book
            .sources()
            .iter()
            .find(|s| s.name() == self.location.file())
            .map_or("", |s| s.text());
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::INFO,
        };
        render(
            level.with_name(Some(match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            })),
            &format!("{} [{}]", self.message, self.code),
            &self.location,
            "",
            text,
            self.help.as_deref(),
            style,
        )
    }
}
