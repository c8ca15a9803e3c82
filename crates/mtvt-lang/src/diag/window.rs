//! Long lines in rendered diagnostics: a line longer than [`LONG_LINE`] bytes (a 21 KB
//! generated object on one line) is shown as a window around the labels on it, with `…`
//! where text was left out, instead of whole. Line numbers and the column in the header
//! stay those of the file; labels are moved to the window. Other lines are kept as they are.
//!
//! It changes only what is printed, never the diagnostics or the JSON positions.

use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Lines longer than this (in bytes) are windowed.
pub const LONG_LINE: usize = 240;
/// Context kept on each side of the labels of a long line (bytes, about).
const CONTEXT: usize = 60;
/// The most of a label's own text kept.
const MAX_LABEL: usize = 120;
const MARK: &str = "…";

/// How one line of the original text appears in the windowed text.
#[derive(Debug, Clone)]
struct Line {
    orig_start: usize,
    new_start: usize,
    /// Kept byte range of the line (relative to its start), when cut.
    cut: Option<(usize, usize)>,
    /// Bytes of the leading mark (0 when the window starts the line).
    lead: usize,
    /// Bytes of the line left out before the window (miette counts columns in bytes).
    col_shift: usize,
}

/// A source text with its long lines windowed.
#[derive(Debug)]
pub struct Windowed {
    name: String,
    text: String,
    lines: Vec<Line>,
}

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl Windowed {
    /// `text` with its long lines windowed around `spans` (byte ranges of the labels);
    /// none when no line is long.
    pub fn new(name: &str, text: &str, spans: &[(usize, usize)]) -> Option<Windowed> {
        if !text.split('\n').any(|l| l.len() > LONG_LINE) {
            return None;
        }
        let mut out = String::with_capacity(text.len().min(64 * 1024));
        let mut lines = Vec::new();
        let mut orig_start = 0;
        for raw in text.split_inclusive('\n') {
            let body = raw.strip_suffix('\n').unwrap_or(raw);
            let new_start = out.len();
            let end = orig_start + body.len();
            let mut line = Line {
                orig_start,
                new_start,
                cut: None,
                lead: 0,
                col_shift: 0,
            };
            if body.len() <= LONG_LINE {
                out.push_str(raw);
            } else {
                let on_line: Vec<&(usize, usize)> = spans
                    .iter()
                    .filter(|(s, e)| *s <= end && *e >= orig_start)
                    .collect();
                let (from, to) = match (
                    on_line.iter().map(|(s, _)| *s).min(),
                    on_line.iter().map(|(_, e)| *e).max(),
                ) {
                    (Some(s), Some(e)) => {
                        let s = s.max(orig_start) - orig_start;
                        let e = (e.min(end) - orig_start).min(s + MAX_LABEL);
                        (s.saturating_sub(CONTEXT), e + CONTEXT)
                    }
                    _ => (0, CONTEXT * 2),
                };
                let (from, to) = (floor(body, from), ceil(body, to));
                let lead = if from > 0 { MARK.len() } else { 0 };
                out.push_str(if from > 0 { MARK } else { "" });
                out.push_str(body.get(from..to).unwrap_or(""));
                if to < body.len() {
                    out.push_str(MARK);
                }
                if raw.ends_with('\n') {
                    out.push('\n');
                }
                line.cut = Some((from, to));
                line.lead = lead;
                line.col_shift = from;
            }
            lines.push(line);
            orig_start += raw.len();
        }
        Some(Windowed {
            name: name.to_owned(),
            text: out,
            lines,
        })
    }

    fn line_of(&self, orig: usize) -> Option<&Line> {
        let i = self.lines.partition_point(|l| l.orig_start <= orig);
        self.lines.get(i.checked_sub(1)?)
    }

    /// Where original byte offset `orig` is in the windowed text.
    pub fn map(&self, orig: usize) -> usize {
        let Some(l) = self.line_of(orig) else {
            return 0;
        };
        let rel = orig - l.orig_start;
        match l.cut {
            None => l.new_start + rel,
            Some((from, to)) => l.new_start + l.lead + rel.clamp(from, to) - from,
        }
    }

    /// A label moved into the windowed text.
    pub fn label(&self, label: LabeledSpan) -> LabeledSpan {
        let start = self.map(label.offset());
        let end = self.map(label.offset() + label.len()).max(start);
        let span = SourceSpan::from((start, end - start));
        match label.label() {
            Some(text) => LabeledSpan::new_with_span(Some(text.to_owned()), span),
            None => LabeledSpan::new_with_span(None, span),
        }
    }

    fn line_at_new(&self, new: usize) -> Option<&Line> {
        let i = self.lines.partition_point(|l| l.new_start <= new);
        self.lines.get(i.checked_sub(1)?)
    }
}

impl SourceCode for Windowed {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        // The header's column is read with no context lines: give the file's column.
        let (shift, lead) = match self.line_at_new(span.offset()) {
            Some(l) if before == 0 && l.cut.is_some() => (l.col_shift, l.lead),
            _ => (0, 0),
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            (inner.column() + shift).saturating_sub(lead),
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_long_line_is_cut_around_the_label() {
        let long = format!(
            "a {{ {} bad {} }}\nnext\n",
            "x".repeat(10_000),
            "y".repeat(10_000)
        );
        let at = long.find("bad").unwrap();
        let w = Windowed::new("f", &long, &[(at, at + 3)]).unwrap();
        assert!(w.text.len() < 400, "{}", w.text.len());
        let m = w.map(at);
        assert_eq!(w.text.get(m..m + 3), Some("bad"));
        assert!(w.text.starts_with('…') && w.text.ends_with("…\nnext\n"));
        let header = w.read_span(&SourceSpan::from((m, 3)), 0, 0).unwrap();
        assert_eq!(header.column(), at);
        assert!(Windowed::new("f", "short\n", &[]).is_none());
    }
}
