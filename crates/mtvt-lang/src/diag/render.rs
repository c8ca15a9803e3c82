//! Rendering diagnostics for people (miette's graphical report) and machines (JSON).
//! Golden tests and CI use [`render_plain`]: unicode, no colour, fixed width, no links, so
//! the output is byte-for-byte stable. This module formats only; it never filters.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use serde::Serialize;

use super::Diagnostic;
use super::window::Windowed;
use crate::source::SourceMap;

/// Width used by deterministic renderings.
pub const PLAIN_WIDTH: usize = 100;

/// A diagnostic bound to its source text, ready for miette: the file as it is, or with
/// its long lines windowed (`window`).
struct Bound<'a> {
    diag: &'a Diagnostic,
    src: NamedSource<Arc<str>>,
    windowed: Option<Windowed>,
}

impl fmt::Debug for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bound")
            .field("code", &self.diag.code())
            .finish()
    }
}

impl fmt::Display for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message())
    }
}

impl std::error::Error for Bound<'_> {}

impl miette::Diagnostic for Bound<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity() {
            super::Severity::Error => miette::Severity::Error,
            super::Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        miette::Diagnostic::help(&*self.diag.kind)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let labels = miette::Diagnostic::labels(&*self.diag.kind)?;
        match &self.windowed {
            Some(w) => Some(Box::new(labels.map(|l| w.label(l)))),
            None => Some(labels),
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        match &self.windowed {
            Some(w) => Some(w),
            None => Some(&self.src),
        }
    }
}

fn bind<'a>(diag: &'a Diagnostic, sources: &SourceMap) -> Bound<'a> {
    let (name, text) = match sources.get(diag.span().file) {
        Some(f) => (f.name.clone(), f.text.clone()),
        None => (String::from("<unknown>"), Arc::from("")),
    };
    let spans: Vec<(usize, usize)> = miette::Diagnostic::labels(&*diag.kind)
        .into_iter()
        .flatten()
        .map(|l| (l.offset(), l.offset() + l.len()))
        .collect();
    Bound {
        diag,
        windowed: Windowed::new(&name, &text, &spans),
        src: NamedSource::new(name, text),
    }
}

/// Renders with a given miette handler.
pub fn render_with(
    handler: &GraphicalReportHandler,
    diag: &Diagnostic,
    sources: &SourceMap,
) -> String {
    let bound = bind(diag, sources);
    let mut out = String::new();
    if handler.render_report(&mut out, &bound).is_err() {
        out = format!("{}: {}\n", diag.code(), diag.message());
    }
    out
}

/// Deterministic rendering: unicode, no colour, no hyperlinks, [`PLAIN_WIDTH`] columns.
pub fn render_plain(diag: &Diagnostic, sources: &SourceMap) -> String {
    render_with(&plain_handler(), diag, sources)
}

/// The handler behind [`render_plain`].
pub fn plain_handler() -> GraphicalReportHandler {
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .without_syntax_highlighting()
        .with_links(false)
        .with_width(PLAIN_WIDTH)
}

/// Colourful rendering for terminals.
pub fn color_handler(width: usize) -> GraphicalReportHandler {
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode())
        .without_syntax_highlighting()
        .with_links(false)
        .with_width(width)
}

/// The machine-readable form of one diagnostic (`mtvt check --format json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonDiagnostic {
    /// File name as shown to people.
    pub file: String,
    /// 1-based line of the primary span.
    pub line: usize,
    /// 1-based column (characters) of the primary span.
    pub column: usize,
    /// 1-based line where the primary span ends.
    pub end_line: usize,
    /// 1-based column where the primary span ends (exclusive).
    pub end_column: usize,
    /// Stable code, e.g. `mtvt::E0201`.
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// The one-line message.
    pub message: String,
    /// The help line, or null.
    pub help: Option<String>,
}

/// Converts a diagnostic to its JSON form.
pub fn to_json(diag: &Diagnostic, sources: &SourceMap) -> JsonDiagnostic {
    let span = diag.span();
    let (file, line, column, end_line, end_column) = match sources.get(span.file) {
        Some(f) => {
            let (l, c) = f.line_col(span.start);
            let (el, ec) = f.line_col(span.end);
            (f.name.clone(), l, c, el, ec)
        }
        None => (String::from("<unknown>"), 0, 0, 0, 0),
    };
    JsonDiagnostic {
        file,
        line,
        column,
        end_line,
        end_column,
        code: diag.code().to_string(),
        severity: diag.severity().as_str().to_string(),
        message: diag.message(),
        help: diag.help(),
    }
}
