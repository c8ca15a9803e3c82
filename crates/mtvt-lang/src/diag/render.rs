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
    src: LineIndexed<'a>,
    windowed: Option<Windowed>,
}

/// A file's text that miette reads through a window of the lines around a span, found with
/// the file's line index: miette's own `str` source counts lines from the start of the text
/// for every span, which made rendering many diagnostics of a large file quadratic.
struct LineIndexed<'a> {
    src: NamedSource<Arc<str>>,
    starts: &'a [usize],
}

impl miette::SourceCode for LineIndexed<'_> {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let text: &str = self.src.inner();
        let end = span.offset().saturating_add(span.len());
        if end > text.len() || self.starts.is_empty() {
            return self.src.read_span(span, before, after);
        }
        let line_of = |off: usize| self.starts.partition_point(|s| *s <= off).saturating_sub(1);
        let first = line_of(span.offset()).saturating_sub(before);
        // one line more than miette looks at after the span's last line
        let last = line_of(end).saturating_add(after).saturating_add(2);
        let from = self.starts.get(first).copied().unwrap_or(0);
        let to = self.starts.get(last).copied().unwrap_or(text.len());
        let Some(window) = text.get(from..to) else {
            return self.src.read_span(span, before, after);
        };
        let local = miette::SourceSpan::new((span.offset() - from).into(), span.len());
        let c = window.read_span(&local, before, after)?;
        let found = miette::SourceSpan::new((c.span().offset() + from).into(), c.span().len());
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.src.name().to_string(),
            c.data(),
            found,
            c.line() + first,
            c.column(),
            // lines counted from the start of the text, as miette counts them
            c.line_count() + first,
        )))
    }
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

fn bind<'a>(diag: &'a Diagnostic, sources: &'a SourceMap) -> Bound<'a> {
    let (name, text, starts) = match sources.get(diag.span().file) {
        Some(f) => (f.name.clone(), f.text.clone(), f.line_starts()),
        None => (String::from("<unknown>"), Arc::from(""), &[][..]),
    };
    let spans: Vec<(usize, usize)> = miette::Diagnostic::labels(&*diag.kind)
        .into_iter()
        .flatten()
        .map(|l| (l.offset(), l.offset() + l.len()))
        .collect();
    // windowing reads the whole text: only when a line miette shows is long
    let windowed = long_line_near(&text, starts, &spans)
        .then(|| Windowed::new(&name, &text, &spans))
        .flatten();
    Bound {
        diag,
        windowed,
        src: LineIndexed {
            src: NamedSource::new(name, text),
            starts,
        },
    }
}

/// Whether a line within [`NEAR`] lines of a span is longer than the window's limit (the
/// file's line index makes this independent of the file's size).
fn long_line_near(text: &str, starts: &[usize], spans: &[(usize, usize)]) -> bool {
    /// More lines than any handler shows around a span.
    const NEAR: usize = 4;
    if starts.is_empty() {
        return text.len() > super::window::LONG_LINE;
    }
    let line_of = |off: usize| starts.partition_point(|s| *s <= off).saturating_sub(1);
    spans.iter().any(|(from, to)| {
        let first = line_of(*from).saturating_sub(NEAR);
        let last = line_of(*to).saturating_add(NEAR).min(starts.len() - 1);
        (first..=last).any(|l| {
            let start = starts.get(l).copied().unwrap_or(text.len());
            let end = starts.get(l + 1).copied().unwrap_or(text.len());
            end.saturating_sub(start) > super::window::LONG_LINE
        })
    })
}

/// Renders with a given miette handler.
pub fn render_with<'a>(
    handler: &GraphicalReportHandler,
    diag: &'a Diagnostic,
    sources: &'a SourceMap,
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

#[cfg(test)]
mod line_indexed_tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use miette::SourceCode;

    /// Reading a span through the window gives what miette's whole-text reader gives: the
    /// same lines of context, line, column and absolute span, anywhere in a large file.
    #[test]
    fn the_window_reads_what_the_whole_text_reads() {
        let text: String = (0..5000)
            .map(|i| format!("line {i} with some text\n"))
            .collect();
        let file =
            crate::source::SourceFile::new("big.mtvt", text.clone(), crate::source::Origin::Memory);
        let whole = NamedSource::new("big.mtvt", Arc::<str>::from(text.as_str()));
        let w = LineIndexed {
            src: NamedSource::new("big.mtvt", Arc::<str>::from(text.as_str())),
            starts: file.line_starts(),
        };
        let at = |line: usize| text.match_indices('\n').nth(line).map_or(0, |(i, _)| i + 1);
        for (offset, len) in [
            (0, 4),
            (at(2), 3),
            (at(4990) + 5, 9),
            (at(4998), 4),
            (at(77), 40),
        ] {
            for ctx in [0, 1, 3] {
                let span = miette::SourceSpan::new(offset.into(), len);
                let a = whole.read_span(&span, ctx, ctx).unwrap();
                let b = w.read_span(&span, ctx, ctx).unwrap();
                assert_eq!(a.data(), b.data(), "{offset} {ctx}");
                assert_eq!(
                    (a.span(), a.line(), a.column(), a.line_count(), a.name()),
                    (b.span(), b.line(), b.column(), b.line_count(), b.name()),
                    "{offset} {ctx}"
                );
            }
        }
    }
}
