//! Text → AST. `parser` holds the pest grammar binding and syntax-error conversion;
//! `lower`/`lower_expr` turn pairs into the span-carrying AST of `ast`; `literals`
//! decodes literal text. Nothing outside this module sees pest types.

pub mod ast;
pub mod literals;
mod lower;
mod lower_expr;
mod parser;

use crate::diag::DiagnosticKind;
use crate::span::FileId;

pub use lower::{MAX_DEPTH, MAX_OPERATORS};

/// Parses one file. On a syntax error the AST is `None` and the diagnostics hold exactly
/// that error; otherwise the AST plus any literal-value diagnostics.
pub fn parse(file: FileId, text: &str) -> (Option<ast::File>, Vec<DiagnosticKind>) {
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
