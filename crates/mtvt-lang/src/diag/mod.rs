//! Diagnostics: the [`DiagnosticKind`] enum (one variant per mistake, stable codes), the
//! "did you mean" helper, the long explanations behind `mtvt explain`, and rendering
//! (miette graphical or JSON). Checkers create diagnostics; this module never decides
//! whether something is a mistake.

pub mod codes;
mod kind;
pub mod render;
pub mod suggest;
mod window;

pub use kind::{ALL_CODES, DiagnosticKind, KeyRelation, Severity};

use crate::span::Span;

/// One reported problem. Cheap to move (the kind is boxed).
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// What went wrong, with its spans.
    pub kind: Box<DiagnosticKind>,
}

impl Diagnostic {
    /// Wraps a kind.
    pub fn new(kind: DiagnosticKind) -> Self {
        Diagnostic {
            kind: Box::new(kind),
        }
    }

    /// The stable code, e.g. `mtvt::E0201`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// Error or warning.
    pub fn severity(&self) -> Severity {
        self.kind.severity()
    }

    /// Where the caret goes.
    pub fn span(&self) -> Span {
        self.kind.span()
    }

    /// The one-line message.
    pub fn message(&self) -> String {
        self.kind.to_string()
    }

    /// The help line, if any.
    pub fn help(&self) -> Option<String> {
        miette::Diagnostic::help(&*self.kind).map(|h| h.to_string())
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

impl From<DiagnosticKind> for Diagnostic {
    fn from(kind: DiagnosticKind) -> Self {
        Diagnostic::new(kind)
    }
}

/// Collects diagnostics, dropping exact duplicates (the same code, span and message can be
/// produced once per matrix combination or per scenario extending a fragment).
#[derive(Debug, Default)]
pub struct Sink {
    items: Vec<Diagnostic>,
    errors: usize,
    seen: std::collections::HashSet<(&'static str, Span, String)>,
}

impl Sink {
    /// An empty sink.
    pub fn new() -> Self {
        Sink::default()
    }

    /// Records a diagnostic unless an identical one is already there.
    pub fn push(&mut self, kind: DiagnosticKind) {
        let d = Diagnostic::new(kind);
        let key = (d.code(), d.span(), d.message());
        if self.seen.insert(key) {
            self.errors += usize::from(d.is_error());
            self.items.push(d);
        }
    }

    /// Records several diagnostics.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        for d in ds {
            let key = (d.code(), d.span(), d.message());
            if self.seen.insert(key) {
                self.errors += usize::from(d.is_error());
                self.items.push(d);
            }
        }
    }

    /// Records another sink's diagnostics in the order it received them (those already
    /// here are dropped, as [`Sink::push`] would).
    pub fn append(&mut self, other: Sink) {
        self.extend(other.items);
    }

    /// Number of errors so far.
    pub fn error_count(&self) -> usize {
        self.errors
    }

    /// All diagnostics sorted by file, offset and code.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        sort(&mut self.items);
        self.items
    }
}

/// Sorts diagnostics by (file, start, end, code).
pub fn sort(ds: &mut [Diagnostic]) {
    ds.sort_by(|a, b| {
        let (sa, sb) = (a.span(), b.span());
        (sa.file, sa.start, sa.end, a.code()).cmp(&(sb.file, sb.start, sb.end, b.code()))
    });
}
