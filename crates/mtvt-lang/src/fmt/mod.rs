//! `mtvt fmt`: the canonical layout of `.mtvt` files (the style is described in
//! docs/language.md, "Formatting").
//!
//! ```
//! let messy = "use std/checks\nscenario s {  vm \"x\" {guest_agent true}   # the VM\n expect { migration succeeds; check standard } }\n";
//! let tidy = mtvt_lang::fmt::format_text(messy).unwrap();
//! assert_eq!(tidy, "use std/checks\n\nscenario s {\n  vm \"x\" { guest_agent true }   # the VM\n  expect { migration succeeds; check standard }\n}\n");
//! assert_eq!(mtvt_lang::fmt::format_text(&tidy).unwrap(), tidy);
//! ```
//!
//! The layout is driven by the AST (items, blocks, entries, values, statements, each with
//! its span) and the parser's tokens and comments (`syntax::parse_document`): literals are
//! copied from the source as written, expressions are re-spaced token by token, and
//! comments — which the AST does not hold — are placed by position. A file with a syntax
//! error is not formatted ([`FormatError::Syntax`]). Every result is re-parsed and compared token by token with
//! the input before it is returned, so a formatter bug yields
//! [`FormatError::Unverified`] instead of a changed meaning or a lost comment. This
//! module is pure: it reads and writes no files.

mod checks;
mod items;
mod out;
mod printer;
mod values;
mod verify;

pub use printer::{INDENT, MAX_WIDTH};

use crate::diag::Diagnostic;
use crate::span::FileId;

/// Why a text was not formatted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FormatError {
    /// The text does not parse; it must be left as it is.
    #[error("{}", .0.message())]
    Syntax(Diagnostic),
    /// The formatted text would not be equivalent to the input (a formatter bug); the
    /// input must be left as it is.
    #[error("the formatter could not preserve this file ({0}); it was left unchanged")]
    Unverified(String),
}

/// Formats one file's text into the canonical layout.
pub fn format_text(text: &str) -> Result<String, FormatError> {
    let mut parsed = crate::syntax::parse_document(FileId(0), text);
    // A syntax error — or nesting beyond the limits, which leaves a truncated AST — and
    // the file is refused.
    if let Some(i) = parsed
        .diagnostics
        .iter()
        .position(|d| matches!(d, crate::diag::DiagnosticKind::SyntaxError { .. }))
    {
        let first = parsed.diagnostics.swap_remove(i);
        return Err(FormatError::Syntax(Diagnostic::new(first)));
    }
    let mut printer = printer::Printer::new(text, &parsed.tokens, &parsed.comments);
    printer.file(&parsed.file);
    let lost = printer.unemitted();
    if lost > 0 {
        return Err(FormatError::Unverified(format!(
            "{lost} comment(s) could not be placed"
        )));
    }
    let crlf = printer.crlf;
    let mut formatted = printer.out.into_string();
    if crlf {
        formatted = formatted.replace('\n', "\r\n");
    }
    verify::check(text, &parsed, &formatted).map_err(FormatError::Unverified)?;
    Ok(formatted)
}

/// True when `text` is already in the canonical layout (false for unparsable text).
pub fn is_formatted(text: &str) -> bool {
    format_text(text).is_ok_and(|f| f == text)
}

#[cfg(test)]
mod tests;
