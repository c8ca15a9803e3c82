//! Text → AST. `parser` holds the pest grammar binding and syntax-error conversion;
//! `lower`/`lower_expr` turn pairs into the span-carrying AST of `ast`; `literals`
//! decodes literal text. `descent` is a faster hand-written parser of the same grammar
//! for clean files; anything it does not accept goes through pest, which is the
//! reference (and the source of every syntax diagnostic). Nothing outside this module
//! sees pest types.

pub mod ast;
mod descent;
pub mod literals;
mod lower;
mod lower_expr;
mod parser;

use crate::diag::DiagnosticKind;
use crate::span::FileId;

pub use lower::{MAX_DEPTH, MAX_OPERATORS};

/// Parses one file. On a syntax error the AST is `None` and the diagnostics hold exactly
/// that error; otherwise the AST plus any literal-value diagnostics. A large file is
/// parsed on every core (see [`parse_on`]).
pub fn parse(file: FileId, text: &str) -> (Option<ast::File>, Vec<DiagnosticKind>) {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    parse_on(file, text, threads)
}

/// [`parse`] using at most `threads` threads (`1`: the calling thread only). A clean file
/// is parsed by the fast parser (`descent`, in pieces on several threads when it is
/// large); anything else by pest and lowering, which report. The result does not depend
/// on `threads`.
pub fn parse_on(
    file: FileId,
    text: &str,
    threads: usize,
) -> (Option<ast::File>, Vec<DiagnosticKind>) {
    if let Some(ast) = descent::parse_clean_parallel(file, text, threads) {
        return (Some(ast), Vec::new());
    }
    parse_reference(file, text)
}

/// The fast parser alone (`syntax/descent`): the AST of a clean file, or `None` when the
/// file has a syntax error or anything lowering reports (then [`parse`] runs the pest
/// path). Public for the differential tests and the benchmark.
pub fn parse_fast(file: FileId, text: &str) -> Option<ast::File> {
    descent::parse_clean(file, text)
}

/// The fast parser on `text` cut at the given offsets, each piece parsed on its own
/// thread (see `descent::parse_clean_parallel`); `None` when a piece does not parse
/// cleanly on its own. Public for the differential tests.
pub fn parse_fast_in_pieces(file: FileId, text: &str, cuts: &[usize]) -> Option<ast::File> {
    descent::parse_in_pieces(file, text, cuts)
}

/// [`parse`] by the pest parser of `grammar/mtvt.pest` and lowering only: the reference
/// the fast parser is tested against, and the source of every syntax diagnostic.
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

/// Parses a standalone expression (for tests and tools).
pub fn parse_expr(file: FileId, text: &str) -> Result<ast::Expr, Vec<DiagnosticKind>> {
    match parser::parse_expr_pair(file, text) {
        Ok(pair) => {
            let lowerer = lower::Lowerer::new(file);
            let e = lowerer.lower_expr(pair);
            let diags = lowerer.into_diagnostics();
            if diags.is_empty() { Ok(e) } else { Err(diags) }
        }
        Err(d) => Err(vec![d]),
    }
}

#[cfg(test)]
mod tests;
