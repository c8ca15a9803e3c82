//! The fast parser: a hand-written recursive descent over bytes that builds the AST of a
//! well-formed file directly, without pest pairs and without a lowering pass.
//!
//! Why it exists: checking a suite of thousands of scenarios is dominated by parsing, and
//! pest (a generic PEG interpreter with pair queues and implicit-whitespace calls around
//! every sequence element) parses ~10 MB/s on this code base's files; this parser builds
//! the same AST about ten times faster.
//!
//! What it must not do: decide the language. `grammar/mtvt.pest` stays the definition of
//! the syntax and the pest path its reference implementation. This parser follows that
//! grammar rule by rule (ordered choices, greedy repetitions that give back a failed
//! iteration, implicit spaces/tabs between the elements of non-atomic rules — including
//! where pest keeps them inside a node's span), and it only handles the clean case: on
//! anything else — a syntax error, a literal whose value is invalid, an interpolation
//! where none is allowed, nesting or operator counts beyond the limits — it gives up and
//! [`super::parse`] runs the pest path, whose diagnostics are the ones users see. The
//! differential tests (`syntax/tests_descent.rs`) parse the catalog, the stdlib, every
//! fixture and thousands of mutated inputs both ways and require identical ASTs and the
//! same accept/reject decision.

mod blocks;
mod expr;
mod values;

use crate::span::{FileId, Span};
use crate::syntax::ast::File;
use crate::threads::{Spread, map_ordered};

/// Parses `text` into its AST when the file is clean; `None` when the pest path must run
/// (a syntax error, or anything lowering would report).
pub fn parse_clean(file: FileId, text: &str) -> Option<File> {
    parse_range(file, text, (0, text.len()))
}

/// The bytes `start..end` of `text` parsed as a whole file (spans stay relative to `text`).
fn parse_range(file: FileId, text: &str, (start, end): (usize, usize)) -> Option<File> {
    let mut p = Descent::new(file, text, start, end);
    let ast = p.file()?;
    if p.bail { None } else { Some(ast) }
}

/// Files at least this large are parsed in pieces on several threads.
const PARALLEL_MIN_BYTES: usize = 256 * 1024;

/// [`parse_clean`] on up to `threads` threads for a large file: the text is cut before
/// top-level items ([`split_points`]), each piece is parsed as a file of its own (spans
/// stay relative to the whole text) and the items are concatenated. If any piece does
/// not parse on its own, the whole text is parsed in one go.
///
/// Why this is the same as parsing the whole text: a piece starts at column 0 with a
/// top-level keyword and the previous piece ends with a line break. Between top-level
/// items the grammar only looks past a line break after a `,` (in `extends` and
/// `check a = b, c`) or inside brackets, both of which leave the earlier piece
/// unparseable on its own; so every decision inside a piece is the one the whole-text
/// parse makes. `tests/parsers_agree.rs` compares both on every repository file cut at
/// every possible point.
pub fn parse_clean_parallel(file: FileId, text: &str, threads: usize) -> Option<File> {
    if threads < 2 || text.len() < PARALLEL_MIN_BYTES {
        return parse_clean(file, text);
    }
    parse_in_pieces(file, text, &split_points(text, threads)).or_else(|| parse_clean(file, text))
}

/// Parses `text` cut at `cuts` (increasing offsets), one thread per piece (a piece whose
/// thread cannot be started is parsed on the calling thread); `None` when a
/// piece does not parse cleanly on its own.
pub fn parse_in_pieces(file: FileId, text: &str, cuts: &[usize]) -> Option<File> {
    let mut bounds = Vec::with_capacity(cuts.len() + 2);
    bounds.push(0);
    bounds.extend(cuts.iter().copied().filter(|c| *c > 0 && *c < text.len()));
    bounds.push(text.len());
    let ranges: Vec<(usize, usize)> = bounds
        .iter()
        .copied()
        .zip(bounds.iter().copied().skip(1))
        .collect();
    let parsed = map_ordered(
        &ranges,
        Spread::each(ranges.len()),
        || (),
        |(), r| parse_range(file, text, *r),
    );
    let mut items = Vec::new();
    for piece in parsed {
        items.extend(piece?.items);
    }
    Some(File { items })
}

/// Offsets where `text` may be cut into pieces that parse on their own: starts of lines
/// that begin with a top-level keyword (`scenario`, `fragment`, `check`, `hook`, `use`,
/// `session`) at column 0, about `pieces` apart. A cut inside a block or a multi-line
/// string leaves a piece that does not parse (a brace or the closing quotes are in the
/// other piece): callers then parse the whole file in one go.
pub fn split_points(text: &str, pieces: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut cuts = Vec::new();
    if pieces < 2 {
        return cuts;
    }
    let step = text.len() / pieces;
    for k in 1..pieces {
        let mut at = k * step;
        let found = loop {
            let Some(nl) = memchr_newline(bytes, at) else {
                break None;
            };
            let line = nl + 1;
            if starts_top_level_item(bytes.get(line..).unwrap_or_default()) {
                break Some(line);
            }
            at = line;
        };
        match found {
            Some(c) if cuts.last().is_none_or(|l| *l < c) => cuts.push(c),
            _ => {}
        }
    }
    cuts
}

fn memchr_newline(bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|b| *b == b'\n')
        .map(|i| from + i)
}

fn starts_top_level_item(line: &[u8]) -> bool {
    [
        "scenario ",
        "fragment ",
        "check ",
        "hook ",
        "use ",
        "session",
    ]
    .iter()
    .any(|kw| line.starts_with(kw.as_bytes()))
}

/// Parser state: the text, the position, the nesting depth and whether lowering would
/// have reported something (then the result is discarded and pest runs).
pub(super) struct Descent<'a> {
    pub(super) file: FileId,
    pub(super) text: &'a str,
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
    /// Where the input ends (a range of `text` may be parsed as a file of its own).
    pub(super) end: usize,
    pub(super) depth: usize,
    /// Set once anything needs the pest path; sticky, so no alternative can hide it.
    pub(super) bail: bool,
}

impl<'a> Descent<'a> {
    fn new(file: FileId, text: &'a str, start: usize, end: usize) -> Self {
        Descent {
            file,
            text,
            bytes: text.as_bytes(),
            pos: start,
            end: end.min(text.len()),
            depth: 0,
            bail: false,
        }
    }

    pub(super) fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// The byte at the position (`0` at the end of the input).
    pub(super) fn peek(&self) -> u8 {
        self.at(self.pos)
    }

    /// The byte at `i` (`0` at or past the end of the input).
    pub(super) fn at(&self, i: usize) -> u8 {
        if i < self.end {
            self.bytes.get(i).copied().unwrap_or(0)
        } else {
            0
        }
    }

    pub(super) fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or_default()
    }

    /// Consumes `b` if it is next.
    pub(super) fn eat(&mut self, b: u8) -> bool {
        if self.pos < self.end && self.peek() == b {
            self.pos += 1;
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
        let rest = self.bytes.get(self.pos..self.end).unwrap_or_default();
        let len = rest
            .iter()
            .position(|b| *b == b'\n' || *b == b'\r')
            .unwrap_or(rest.len());
        self.pos += len;
        true
    }

    /// `nl`: a line break, optionally after a comment.
    pub(super) fn nl(&mut self) -> bool {
        let save = self.pos;
        if self.eol() {
            return true;
        }
        if self.comment() && self.eol() {
            return true;
        }
        self.pos = save;
        false
    }

    /// `sep`: `nl` or `;`.
    pub(super) fn sep(&mut self) -> bool {
        self.nl() || self.eat(b';')
    }

    /// `x*` in a non-atomic rule: spaces between repetitions, none kept after the last.
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

    /// Enters one level of nesting (blocks, lists, objects, check bodies, expressions),
    /// as lowering counts them; beyond its limit the pest path reports the error.
    pub(super) fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.depth >= super::MAX_DEPTH {
            self.bail = true;
            return None;
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    /// Runs `f`; on failure rewinds to where it started (an ordered choice's alternative
    /// or an optional element).
    pub(super) fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let save = self.pos;
        let r = f(self);
        if r.is_none() {
            self.pos = save;
        }
        r
    }

    /// A whole keyword (`kw_*`): the word not followed by an identifier character.
    pub(super) fn keyword(&mut self, word: &str) -> bool {
        let n = word.len();
        if self.bytes.get(self.pos..self.pos + n) == Some(word.as_bytes())
            && self.pos + n <= self.end
            && !is_ident_char(self.at(self.pos + n))
        {
            self.pos += n;
            true
        } else {
            false
        }
    }

    /// `ident`: the end of an identifier starting at the position, without consuming.
    pub(super) fn ident_end(&self) -> Option<usize> {
        if !is_ident_start(self.peek()) {
            return None;
        }
        let mut i = self.pos + 1;
        while is_ident_char(self.at(i)) {
            i += 1;
        }
        Some(i)
    }
}

pub(super) fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

pub(super) fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}
