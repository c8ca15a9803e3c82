//! Text → AST. `descent` is the parser (a hand-written recursive descent, error-tolerant,
//! keeping tokens and comments for tools); `ast` the span-carrying tree it builds;
//! `literals` decodes literal text; `errors` words syntax errors; `depth` holds the
//! nesting and size limits; `tokens` what tools get besides the AST. `parser` (pest,
//! derived from `grammar/mtvt.pest`) and `lower`/`lower_expr` are the grammar's reference
//! implementation, which the differential tests hold the parser to. Nothing outside this
//! module sees pest types.

pub mod ast;
mod depth;
mod descent;
pub mod errors;
mod hints;
pub mod literals;
mod lower;
mod lower_expr;
mod parser;
pub mod tokens;

use crate::diag::DiagnosticKind;
use crate::span::FileId;
pub use depth::{MAX_DEPTH, MAX_OPERATORS};
use descent::{Mode, Pass};
use tokens::{Comments, Token};

/// Parses one file for the checker. With a syntax error the AST is `None` and the
/// diagnostics hold every syntax error found (the first one first) and what else the
/// readable parts report; otherwise the AST plus any literal-value diagnostics. A large
/// file is parsed on every core (see [`parse_on`]).
pub fn parse(file: FileId, text: &str) -> (Option<ast::File>, Vec<DiagnosticKind>) {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    parse_on(file, text, threads)
}

/// [`parse`] using at most `threads` threads (`1`: the calling thread only): a clean
/// large file is parsed in pieces. The result does not depend on `threads`.
pub fn parse_on(
    file: FileId,
    text: &str,
    threads: usize,
) -> (Option<ast::File>, Vec<DiagnosticKind>) {
    let pass = descent::fast_parallel(file, text, threads);
    if let Some(ast) = pass.file {
        return (Some(ast), pass.diags);
    }
    // Before any other pass recurses into it, text nested too deep is refused as the
    // reference parser refuses it (a file that parses is never that deep: each bracket is
    // at least one level of the parser's nesting).
    if let Some(d) = depth::refuse_runaway_nesting(file, text) {
        return (None, vec![d]);
    }
    let failed = failed(file, text, false);
    (None, failed.diagnostics)
}

/// A file as tools (the formatter, the language server) need it: the AST — partial after
/// syntax errors, which the parser goes past (at the next entry or statement line inside
/// a block, at the next top-level item outside) — every diagnostic, the tokens and the
/// comments.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The AST; after syntax errors, what could be read (missing names are empty,
    /// missing expressions and values [`ast::ValueKind::Invalid`]).
    pub file: ast::File,
    /// Syntax errors (in position order, the first one as the grammar's reference parser
    /// words it), then what lowering reports (invalid literals …).
    pub diagnostics: Vec<DiagnosticKind>,
    /// The text matches the grammar (no syntax error).
    pub syntax_ok: bool,
    /// The tokens, in order (after an error, those of the skipped text too).
    pub tokens: Vec<Token>,
    /// The comments, in order.
    pub comments: Comments,
}

/// Parses a file for a tool (see [`Parsed`]), on the calling thread.
pub fn parse_document(file: FileId, text: &str) -> Parsed {
    let record = Mode {
        record: true,
        ..Mode::default()
    };
    let pass = descent::run(file, text, record);
    if let Some(ast) = pass.file {
        return Parsed {
            file: ast,
            diagnostics: pass.diags,
            syntax_ok: true,
            tokens: pass.tokens,
            comments: pass.comments,
        };
    }
    if let Some(d) = depth::refuse_runaway_nesting(file, text) {
        return Parsed {
            diagnostics: vec![d],
            ..Parsed::default()
        };
    }
    failed(file, text, true)
}

/// The passes after the fast one failed: the first error as pest reports it (diagnose
/// mode), then everything that can be read (recover mode).
fn failed(file: FileId, text: &str, record: bool) -> Parsed {
    let diagnose = descent::run(
        file,
        text,
        Mode {
            track: true,
            ..Mode::default()
        },
    );
    let recovered = descent::run(
        file,
        text,
        Mode {
            recover: true,
            record,
            ..Mode::default()
        },
    );
    let Pass {
        file: ast,
        diags,
        errors: later,
        tokens,
        comments,
        ..
    } = recovered;
    let first = errors::syntax_error(file, text, diagnose.tracker.pos, &diagnose.tracker.attempts);
    let first_at = first.span().start;
    let mut diagnostics = vec![first];
    diagnostics.extend(later.into_iter().filter(|e| e.span().start > first_at));
    diagnostics.extend(diags);
    Parsed {
        file: ast.unwrap_or(ast::File { items: Vec::new() }),
        diagnostics,
        syntax_ok: false,
        tokens,
        comments,
    }
}

/// The fast parser alone: the AST and lowering's diagnostics of a file that matches the
/// grammar, `None` otherwise. Public for the differential tests and the benchmark.
pub fn parse_fast(file: FileId, text: &str) -> Option<(ast::File, Vec<DiagnosticKind>)> {
    let pass = descent::run(file, text, Mode::default());
    pass.file.map(|f| (f, pass.diags))
}

/// The fast parser on `text` cut at the given offsets, each piece parsed on its own
/// thread (see `descent::fast_parallel`); `None` when a piece does not parse on its own.
/// Public for the differential tests.
pub fn parse_fast_in_pieces(
    file: FileId,
    text: &str,
    cuts: &[usize],
) -> Option<(ast::File, Vec<DiagnosticKind>)> {
    let pass = descent::in_pieces(file, text, cuts)?;
    pass.file.map(|f| (f, pass.diags))
}

/// [`parse`] by the pest parser of `grammar/mtvt.pest` and lowering only: the reference
/// the parser is tested against.
pub fn parse_reference(file: FileId, text: &str) -> (Option<ast::File>, Vec<DiagnosticKind>) {
    match parser::parse_file_pair(file, text) {
        Ok(pair) => {
            let lowerer = lower::Lowerer::new(file);
            let ast = lowerer.lower_file(pair);
            (Some(ast), lowerer.into_diagnostics())
        }
        Err(d) => (None, vec![d]),
    }
}

/// Parses a standalone expression (for tests and tools): the longest expression at the
/// start of `text`.
pub fn parse_expr(file: FileId, text: &str) -> Result<ast::Expr, Vec<DiagnosticKind>> {
    descent::expression(file, text)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod recovery_tests;
