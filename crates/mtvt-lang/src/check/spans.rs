//! Converting checker spans ([`Span`]) into IR spans ([`SpanIr`]: file name + line/column),
//! sharing one `Arc<str>` per file name. Consecutive spans are close (one scenario's), so
//! each line is looked up near the previous one.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::ir::SpanIr;
use crate::source::SourceMap;
use crate::span::Span;

/// Builds [`SpanIr`]s for one check run.
pub struct Spans<'a> {
    sources: &'a SourceMap,
    names: Vec<Arc<str>>,
    /// The line of the previous span (a hint only: any value gives the same result; each
    /// thread of the scenario pass has its own `Spans`, so this is never contended).
    last_line: AtomicUsize,
}

impl<'a> Spans<'a> {
    /// A factory over `sources`.
    pub fn new(sources: &'a SourceMap) -> Self {
        let names = sources
            .iter()
            .map(|(_, f)| Arc::from(f.name.as_str()))
            .collect();
        Spans {
            sources,
            names,
            last_line: AtomicUsize::new(0),
        }
    }

    /// The IR form of `span`.
    pub fn ir(&self, span: Span) -> SpanIr {
        let file = self
            .names
            .get(span.file.0 as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from("<unknown>"));
        let (line, column) = self.sources.get(span.file).map_or((0, 0), |f| {
            let hint = self.last_line.load(Ordering::Relaxed);
            let (line_col, line) = f.line_col_near(span.start, hint);
            self.last_line.store(line, Ordering::Relaxed);
            line_col
        });
        SpanIr {
            file,
            start: span.start,
            end: span.end,
            line,
            column,
            file_id: span.file,
        }
    }
}
