//! The printer's state and the two places where layout meets comments: the gap between
//! two line-level elements ([`Printer::lines_between`]: own-line comments, trailing
//! comments, blank lines) and a gap inside a construct where the grammar allows a line
//! break ([`Printer::soft_break`]: continuation lines). Every comment of the file is
//! emitted by exactly one of them; [`Printer::unemitted`] counts the ones that were not,
//! so the formatter refuses to drop a comment. Which construct prints what is in
//! `items`, `values` and `checks`.

use super::out::Out;
use crate::span::Span;
use crate::syntax::tokens::{Token, TokenKind, line_breaks};

/// Widest line the formatter produces when it has a choice (one-line blocks, lists and
/// objects that would be wider are broken over several lines).
pub const MAX_WIDTH: usize = 100;

/// Indentation of one level.
pub const INDENT: usize = 2;

/// A comment of the source.
#[derive(Debug, Clone, Copy)]
struct Comment {
    start: usize,
    end: usize,
    /// Spaces and tabs between it and the code before it on its source line.
    gap: usize,
}

/// Where a run of lines ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// Another element follows.
    Element,
    /// The closing bracket or the end of the file follows.
    End,
}

/// Formatter state over one source file.
pub(super) struct Printer<'a> {
    pub src: &'a str,
    /// The parser's tokens, in order.
    toks: &'a [Token],
    comments: Vec<Comment>,
    used: Vec<bool>,
    pub out: Out,
    /// The source uses `\r\n` line breaks everywhere.
    pub crlf: bool,
    /// How many [`Printer::measure_inline`] calls are in progress.
    measuring: usize,
    /// A measurement nested in another one failed, so the outer one fails too: the
    /// measurements in progress stop early instead of trying every layout of every
    /// nested value (exponential in the nesting depth).
    measure_failed: bool,
}

impl<'a> Printer<'a> {
    /// A printer for `src`, with the parser's tokens and comments of it.
    pub fn new(src: &'a str, toks: &'a [Token], comment_spans: &[Span]) -> Self {
        let comments: Vec<Comment> = comment_spans
            .iter()
            .map(|c| {
                let before = src.get(..c.start).unwrap_or("");
                let gap = before.len() - before.trim_end_matches([' ', '\t']).len();
                Comment {
                    start: c.start,
                    end: c.end,
                    gap,
                }
            })
            .collect();
        let newlines = src.matches('\n').count();
        let crlf = newlines > 0 && src.matches("\r\n").count() == newlines;
        Printer {
            src,
            toks,
            used: vec![false; comments.len()],
            comments,
            out: Out::new(),
            crlf,
            measuring: 0,
            measure_failed: false,
        }
    }

    /// Source text of a byte range (empty when out of range).
    pub fn text(&self, start: usize, end: usize) -> &'a str {
        self.src.get(start..end).unwrap_or("")
    }

    /// True when the source range contains a line break.
    pub fn has_break(&self, start: usize, end: usize) -> bool {
        line_breaks(self.text(start, end)) > 0
    }

    /// True when a comment starts inside the range.
    pub fn has_comment(&self, start: usize, end: usize) -> bool {
        !self.comment_range(start, end).is_empty()
    }

    fn comment_range(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let a = self.comments.partition_point(|c| c.start < start);
        let b = self.comments.partition_point(|c| c.start < end);
        a..b.max(a)
    }

    /// Significant tokens starting inside `[start, end)`.
    pub fn tokens(&self, start: usize, end: usize) -> &[Token] {
        let a = self.toks.partition_point(|t| t.start < start);
        let b = self.toks.partition_point(|t| t.start < end);
        self.toks.get(a..b.max(a)).unwrap_or(&[])
    }

    /// The first significant token at or after `start` (before `end`) with text `p`.
    pub fn find(&self, start: usize, end: usize, p: &str) -> Option<Token> {
        self.tokens(start, end)
            .iter()
            .find(|t| t.text(self.src) == p && t.kind != TokenKind::Str)
            .copied()
    }

    /// Number of comments no gap has emitted.
    pub fn unemitted(&self) -> usize {
        self.used.iter().filter(|u| !**u).count()
    }

    fn emit_comment(&mut self, i: usize) {
        if let Some(c) = self.comments.get(i).copied() {
            let text = self.text(c.start, c.end).trim_end();
            self.out.write(text);
            if let Some(u) = self.used.get_mut(i) {
                *u = true;
            }
        }
    }

    /// Lays out what lies between two line-level elements (block entries, statements,
    /// top-level items, elements of a multi-line list or object): `from` is the end of
    /// the previous element (or just after the opening bracket), `to` the start of the
    /// next one (or the closing bracket / end of file). A comment on the line of the
    /// previous element stays there (with the spaces written before it); other comments get
    /// their own lines; blank lines are kept, at most one in a row, never right after an
    /// opening bracket nor right before a closing one. `force_blank` asks for a blank
    /// line before the next element (or its leading comments).
    pub fn lines_between(
        &mut self,
        from: usize,
        to: usize,
        first: bool,
        next: Next,
        force_blank: bool,
    ) {
        let mut last = from;
        let mut first = first;
        let mut want_blank = force_blank;
        for i in self.comment_range(from, to) {
            let Some(c) = self.comments.get(i).copied() else {
                continue;
            };
            let gap = line_breaks(self.text(last, c.start));
            if gap == 0 && !self.out.at_line_start() && !self.out.is_empty() {
                self.out.pad(c.gap);
                self.emit_comment(i);
                self.out.newline();
            } else {
                self.out.newline();
                if (gap >= 2 || want_blank) && !first {
                    self.out.blank_line();
                }
                want_blank = false;
                self.emit_comment(i);
                self.out.newline();
                first = false;
            }
            last = c.end;
        }
        self.out.newline();
        if next == Next::Element && !first && (want_blank || line_breaks(self.text(last, to)) >= 2)
        {
            self.out.blank_line();
        }
    }

    /// A gap inside a construct where the grammar allows line breaks (after a comma of
    /// an argument list, an infix operator, an opening parenthesis …). Without a line
    /// break in the source nothing is written and `false` is returned; with one, its
    /// comments are written and the line is broken, the next one indented by `indent`.
    pub fn soft_break(&mut self, from: usize, to: usize, indent: usize) -> bool {
        if !self.has_break(from, to) {
            return false;
        }
        let mut last = from;
        for i in self.comment_range(from, to) {
            let Some(c) = self.comments.get(i).copied() else {
                continue;
            };
            if line_breaks(self.text(last, c.start)) == 0 && !self.out.at_line_start() {
                self.out.pad(c.gap);
            } else {
                self.out.newline_indented(indent);
            }
            self.emit_comment(i);
            last = c.end;
        }
        self.out.newline_indented(indent);
        true
    }

    /// Prints with `f` into a scratch buffer continuing the current line, and returns the
    /// text when it stays on one line and ends within [`MAX_WIDTH`].
    /// Inside another measurement, a failure fails the outer one at once: a nested value
    /// that does not fit on the rest of the line cannot fit on it as part of its parent.
    pub fn measure_inline(&mut self, f: impl FnOnce(&mut Self)) -> Option<String> {
        if self.measure_failed {
            return None;
        }
        let col = self.out.col();
        let scratch = Out::scratch(col, self.out.indent, self.out.line_indent);
        let saved = std::mem::replace(&mut self.out, scratch);
        self.measuring += 1;
        f(self);
        self.measuring -= 1;
        let measured = std::mem::replace(&mut self.out, saved);
        let text = measured.into_string();
        let one_line = !text.contains(['\n', '\r']);
        let fits = !self.measure_failed && one_line && col + text.chars().count() <= MAX_WIDTH;
        if self.measuring == 0 {
            self.measure_failed = false;
        } else if !fits {
            self.measure_failed = true;
        }
        fits.then_some(text)
    }
}
