//! Converting checker spans ([`Span`]) into IR spans ([`SpanIr`]: file name + line/column),
//! sharing one `Arc<str>` per file name.

use std::sync::Arc;

use crate::ir::SpanIr;
use crate::source::SourceMap;
use crate::span::Span;

/// Builds [`SpanIr`]s for one check run.
pub struct Spans<'a> {
    sources: &'a SourceMap,
    names: Vec<Arc<str>>,
}

impl<'a> Spans<'a> {
    /// A factory over `sources`.
    pub fn new(sources: &'a SourceMap) -> Self {
        let names = sources
            .iter()
            .map(|(_, f)| Arc::from(f.name.as_str()))
            .collect();
        Spans { sources, names }
    }

    /// The IR form of `span`.
    pub fn ir(&self, span: Span) -> SpanIr {
        let file = self
            .names
            .get(span.file.0 as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from("<unknown>"));
        let (line, column) = self
            .sources
            .get(span.file)
            .map_or((0, 0), |f| f.line_col(span.start));
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
