//! The parser: a hand-written recursive descent over bytes, one function per rule of
//! `grammar/mtvt.pest`, that builds the AST directly. It is the parser of `mtvt check`,
//! `mtvt fmt` and the language server.
//!
//! What it must not do: decide the language. `grammar/mtvt.pest` stays the definition of
//! the syntax and pest (`syntax::parse_reference`) its reference implementation. This
//! parser follows that grammar rule by rule — ordered choices, greedy repetitions that give
//! back a failed iteration, implicit spaces/tabs between the elements of non-atomic rules
//! (including where pest keeps them inside a node's span) — and reports what lowering
//! reports (invalid literals, interpolation where none is allowed, the nesting and operator
//! limits). `tests/it/parsers_agree.rs` parses the catalog, the stdlib, every fixture and
//! thousands of mutated inputs both ways and requires identical ASTs and diagnostics, and
//! the same first syntax error.
//!
//! It runs in up to three passes, each a [`Mode`] of the same code:
//! 1. **fast**: the clean case, nothing tracked; the AST of almost every file.
//! 2. **diagnose**, after a syntax error: the same parse tracking which rules failed where,
//!    as pest tracks them (`track`), so the first error names the position and the
//!    expected rules pest names.
//! 3. **recover**: parsing goes on after each error — at the next entry or statement line
//!    inside a block, at the next top-level item outside — so one file reports several
//!    errors and yields a partial AST (`recover`).
//!
//! Tools ask for the tokens and comments too ([`Mode::record`]).

mod blocks;
mod expr;
mod lexical;
mod passes;
mod primary;
mod recover;
mod skip;
mod stmts;
mod strings;
mod track;
mod values;

use crate::diag::DiagnosticKind;
use crate::span::{FileId, Span};
use crate::syntax::tokens::{Comments, Token, TokenKind};
pub use passes::{Mode, Pass, expression, fast_parallel, in_pieces, run};
pub(super) use track::Tracker;

/// Where the parser is, to go back to it (an ordered choice's next alternative, an
/// optional element that failed): the position and how much was recorded so far.
#[derive(Debug, Clone, Copy)]
pub(super) struct Mark {
    pos: usize,
    diags: usize,
    tokens: usize,
    comments: usize,
    errors: usize,
    quiet: bool,
}

/// Parser state.
pub(super) struct Descent<'a> {
    pub(super) file: FileId,
    pub(super) text: &'a str,
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
    /// Where the input ends (a range of `text` may be parsed as a file of its own).
    pub(super) end: usize,
    /// Nesting depth, as lowering counts it (blocks, lists, objects, check bodies,
    /// expressions).
    pub(super) depth: usize,
    pub(super) mode: Mode,
    /// What lowering reports.
    pub(super) diags: Vec<DiagnosticKind>,
    /// pest's furthest-failure tracking (diagnose and recover modes).
    pub(super) tr: Tracker,
    /// Syntax errors (recover mode).
    pub(super) errors: Vec<DiagnosticKind>,
    /// No error is reported until something parses cleanly again (keeps one mistake from
    /// cascading into several reports).
    pub(super) quiet: bool,
    pub(super) tokens: Vec<Token>,
    pub(super) comments: Comments,
    /// Nesting went past `depth::DEPTH_GUARD`: the parse fails.
    pub(super) runaway: bool,
}

impl<'a> Descent<'a> {
    fn new(file: FileId, text: &'a str, start: usize, end: usize, mode: Mode) -> Self {
        let end = end.min(text.len());
        Descent {
            file,
            text,
            // Only the bytes of the input: `at` needs one bounds check, not two.
            bytes: text.as_bytes().get(..end).unwrap_or_default(),
            pos: start,
            end,
            depth: 0,
            mode: Mode {
                track: mode.track || mode.recover,
                ..mode
            },
            diags: Vec::new(),
            tr: Tracker::default(),
            errors: Vec::new(),
            quiet: false,
            tokens: Vec::new(),
            comments: Vec::new(),
            runaway: false,
        }
    }

    pub(super) fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    pub(super) fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            diags: self.diags.len(),
            tokens: self.tokens.len(),
            comments: self.comments.len(),
            errors: self.errors.len(),
            quiet: self.quiet,
        }
    }

    /// Goes back to `m`, forgetting what was recorded since.
    pub(super) fn reset(&mut self, m: Mark) {
        self.pos = m.pos;
        self.diags.truncate(m.diags);
        if self.mode.record {
            self.tokens.truncate(m.tokens);
            self.comments.truncate(m.comments);
        }
        if self.mode.recover {
            self.errors.truncate(m.errors);
            self.quiet = m.quiet;
        }
    }

    /// Runs `f`; on failure goes back to where it started (an ordered choice's alternative
    /// or an optional element).
    pub(super) fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let m = self.mark();
        let r = f(self);
        if r.is_none() {
            self.reset(m);
        }
        r
    }

    /// Records a token `start..self.pos` of `kind` (record mode).
    pub(super) fn token(&mut self, kind: TokenKind, start: usize) {
        if self.mode.record {
            self.tokens.push(Token {
                kind,
                start,
                end: self.pos,
                closed: true,
            });
        }
    }

    /// The byte at the position (`0` at the end of the input).
    #[inline]
    pub(super) fn peek(&self) -> u8 {
        self.at(self.pos)
    }

    /// The byte at `i` (`0` at or past the end of the input).
    #[inline]
    pub(super) fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    pub(super) fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or_default()
    }

    /// Consumes `b` if it is next (not a token: part of a line break or a literal).
    pub(super) fn eat(&mut self, b: u8) -> bool {
        if self.pos < self.end && self.peek() == b {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes the punctuation `b` if it is next, as a token.
    pub(super) fn punct(&mut self, b: u8) -> bool {
        let start = self.pos;
        if self.eat(b) {
            self.token(TokenKind::Punct, start);
            true
        } else {
            false
        }
    }

    /// Consumes `s` if it is next.
    pub(super) fn eat_str(&mut self, s: &str) -> bool {
        let n = s.len();
        if self.pos + n <= self.end && self.bytes.get(self.pos..self.pos + n) == Some(s.as_bytes())
        {
            self.pos += n;
            true
        } else {
            false
        }
    }

    /// `bom`: a UTF-8 byte order mark at the very start of the file.
    pub(super) fn bom(&mut self) {
        if self.pos == 0 {
            self.eat_str("\u{FEFF}");
        }
    }

    /// pest's implicit whitespace between the elements of a non-atomic rule.
    pub(super) fn ws(&mut self) {
        while matches!(self.peek(), b' ' | b'\t') && self.pos < self.end {
            self.pos += 1;
        }
    }

    /// `eol`: `\n`, `\r\n` or `\r`.
    fn eol(&mut self) -> bool {
        match self.peek() {
            b'\n' => {
                self.pos += 1;
                true
            }
            b'\r' => {
                self.pos += 1;
                self.eat(b'\n');
                true
            }
            _ => false,
        }
    }

    /// `comment`: `#` to the end of the line (not including the line break).
    pub(super) fn comment(&mut self) -> bool {
        if self.peek() != b'#' {
            return false;
        }
        let start = self.pos;
        let rest = self.bytes.get(self.pos..self.end).unwrap_or_default();
        let len = rest
            .iter()
            .position(|b| *b == b'\n' || *b == b'\r')
            .unwrap_or(rest.len());
        self.pos += len;
        if self.mode.record {
            self.comments.push(self.span(start, self.pos));
        }
        true
    }

    /// `nl`: a line break, optionally after a comment.
    pub(super) fn nl(&mut self) -> bool {
        if self.eol() {
            return true;
        }
        if self.peek() != b'#' {
            return false;
        }
        let m = self.mark();
        if self.comment() && self.eol() {
            return true;
        }
        self.reset(m);
        false
    }

    /// `sep`: `nl` or `;`.
    pub(super) fn sep(&mut self) -> bool {
        self.nl() || self.punct(b';')
    }

    /// `x*` in a non-atomic rule: spaces between repetitions, none kept after the last
    /// (`one` leaves nothing behind when it fails).
    pub(super) fn repeat(&mut self, mut one: impl FnMut(&mut Self) -> bool) {
        if !one(self) {
            return;
        }
        loop {
            let save = self.pos;
            self.ws();
            if !one(self) {
                self.pos = save;
                return;
            }
        }
    }

    /// The rest of `x*` after a first `x` in a non-atomic rule: each further `x` after
    /// spaces, until one fails (which gives back its spaces). Spaces the enclosing
    /// sequence already skipped make the first round's `ws` a no-op, as in pest.
    pub(super) fn more<T>(
        &mut self,
        out: &mut Vec<T>,
        mut one: impl FnMut(&mut Self) -> Option<T>,
    ) {
        loop {
            let save = self.pos;
            self.ws();
            match self.attempt(&mut one) {
                Some(x) => out.push(x),
                None => {
                    self.pos = save;
                    return;
                }
            }
        }
    }

    /// `nl*`.
    pub(super) fn nls(&mut self) {
        self.repeat(Self::nl);
    }

    /// `sep*`.
    pub(super) fn seps(&mut self) {
        self.repeat(Self::sep);
    }

    /// Parses one level of nesting (blocks, lists, objects, check bodies, expressions) as
    /// lowering counts them. `f` parses the construct; `empty` turns its span into the node
    /// lowering leaves in place of one nested too deep, reported with that span (whatever
    /// its contents reported is dropped, as lowering never visits them).
    pub(super) fn nested<T>(
        &mut self,
        start: usize,
        f: impl FnOnce(&mut Self) -> Option<T>,
        empty: impl FnOnce(Span) -> T,
    ) -> Option<T> {
        if self.depth >= super::depth::DEPTH_GUARD {
            // Deeper than the text may nest at all (see `depth::DEPTH_GUARD`): no further
            // recursion; the caller reports the runaway nesting.
            self.runaway = true;
            return None;
        }
        let mark = self.diags.len();
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        let r = r?;
        if self.depth < super::MAX_DEPTH {
            return Some(r);
        }
        let span = self.span(start, self.pos);
        self.diags.truncate(mark);
        self.diags
            .push(super::errors::too_deep(span, super::MAX_DEPTH));
        Some(empty(span))
    }
}
