//! The passes of the parser over a file (fast, diagnose, recover — see the module above),
//! the parallel fast pass of a large file in pieces, and a standalone expression.

use super::{Descent, Tracker};
use crate::diag::DiagnosticKind;
use crate::span::FileId;
use crate::syntax::ast::File;
use crate::syntax::tokens::{Comments, Token};
use crate::threads::{Spread, map_ordered};

/// What a pass does besides parsing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mode {
    /// Track failed rules as pest does (for the message of the first syntax error).
    pub track: bool,
    /// Go on after syntax errors (collecting them) instead of failing.
    pub recover: bool,
    /// Keep the tokens and comments.
    pub record: bool,
}

/// What a pass produced.
#[derive(Debug, Default)]
pub struct Pass {
    /// The AST (partial after syntax errors in recover mode); `None` when the text does not
    /// parse (fast and diagnose modes).
    pub file: Option<File>,
    /// What lowering reports, in lowering's order.
    pub diags: Vec<DiagnosticKind>,
    /// Syntax errors (recover mode), in position order.
    pub errors: Vec<DiagnosticKind>,
    /// Where the parse got furthest and the rules tried there (diagnose mode).
    pub tracker: Tracker,
    /// Tokens accepted (record mode).
    pub tokens: Vec<Token>,
    /// Comments (record mode).
    pub comments: Comments,
}

/// Parses `text` as one file in `mode`.
pub fn run(file: FileId, text: &str, mode: Mode) -> Pass {
    parse_range(file, text, (0, text.len()), mode)
}

/// The bytes `start..end` of `text` parsed as a whole file (spans stay relative to `text`).
fn parse_range(file: FileId, text: &str, (start, end): (usize, usize), mode: Mode) -> Pass {
    let mut p = Descent::new(file, text, start, end, mode);
    let ast = if mode.recover {
        Some(p.file_recovering())
    } else {
        p.file()
    };
    // Text nested beyond the guard never parses (the caller reports it).
    let ast = ast.filter(|_| !p.runaway);
    Pass {
        file: ast,
        diags: p.diags,
        errors: p.errors,
        tracker: p.tr,
        tokens: p.tokens,
        comments: p.comments,
    }
}

/// Files at least this large are parsed in pieces on several threads.
const PARALLEL_MIN_BYTES: usize = 256 * 1024;

/// A fast pass on up to `threads` threads for a large file: the text is cut before
/// top-level items ([`split_points`]), each piece is parsed as a file of its own (spans
/// stay relative to the whole text) and the items and diagnostics are concatenated. If any
/// piece does not parse on its own, the whole text is parsed in one go.
///
/// Why this is the same as parsing the whole text: a piece starts at column 0 with a
/// top-level keyword and the previous piece ends with a line break. Between top-level
/// items the grammar only looks past a line break after a `,` (in `extends` and
/// `check a = b, c`) or inside brackets, both of which leave the earlier piece
/// unparseable on its own; so every decision inside a piece is the one the whole-text
/// parse makes. `tests/it/parsers_agree.rs` compares both on every repository file cut at
/// every possible point.
pub fn fast_parallel(file: FileId, text: &str, threads: usize) -> Pass {
    if threads < 2 || text.len() < PARALLEL_MIN_BYTES {
        return run(file, text, Mode::default());
    }
    match in_pieces(file, text, &split_points(text, threads)) {
        Some(pass) => pass,
        None => run(file, text, Mode::default()),
    }
}

/// A fast pass over `text` cut at `cuts` (increasing offsets), one thread per piece (a
/// piece whose thread cannot be started is parsed on the calling thread); `None` when a
/// piece does not parse on its own.
pub fn in_pieces(file: FileId, text: &str, cuts: &[usize]) -> Option<Pass> {
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
        |(), r| parse_range(file, text, *r, Mode::default()),
    );
    let mut items = Vec::new();
    let mut diags = Vec::new();
    for piece in parsed {
        items.extend(piece.file?.items);
        diags.extend(piece.diags);
    }
    Some(Pass {
        file: Some(File { items }),
        diags,
        ..Pass::default()
    })
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
            let Some(nl) = bytes
                .get(at..)
                .and_then(|rest| rest.iter().position(|b| *b == b'\n'))
                .map(|i| at + i)
            else {
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

/// Whether a line starts (at column 0) with a top-level keyword followed by a space.
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

/// A standalone expression at the start of `text` (for tests and tools).
pub fn expression(
    file: FileId,
    text: &str,
) -> Result<crate::syntax::ast::Expr, Vec<DiagnosticKind>> {
    let mode = Mode {
        track: true,
        ..Mode::default()
    };
    let mut p = Descent::new(file, text, 0, text.len(), mode);
    let e = p.expr();
    if p.runaway {
        let guard = crate::syntax::depth::refuse_runaway_nesting(file, text);
        return Err(guard.into_iter().collect());
    }
    match e {
        Some(e) if p.diags.is_empty() => Ok(e),
        Some(_) => Err(p.diags),
        None => Err(vec![p.tracked_error()]),
    }
}
