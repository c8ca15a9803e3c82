//! The one error type of this crate: what went wrong, where in the template source
//! (byte span), which kind, and the text the controller would report.
//!
//! Exists so the checker can turn any template problem into a diagnostic pointing at
//! the right characters. Must not depend on miette: the language crate owns
//! diagnostics and maps these spans into `.mtvt` files.

use std::ops::Range;

/// Which kind of problem a [`TemplateError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateErrorKind {
    /// The template does not parse (also: constructs mtvt does not support).
    Syntax,
    /// A function that is neither a Go builtin nor in Forklift's Sprig whitelist.
    UnknownFunction,
    /// A `.Field` the template data does not have.
    UnknownVariable,
    /// Rendering failed, or the output is not a valid name.
    Render,
}

/// A template problem with the byte range of the template source it concerns.
///
/// ```
/// let err = mtvt_gotemplate::parse("{{ .VmName | trimsuffix \"x\" }}").unwrap_err();
/// assert_eq!(err.kind, mtvt_gotemplate::TemplateErrorKind::UnknownFunction);
/// assert_eq!(&"{{ .VmName | trimsuffix \"x\" }}"[err.span.clone()], "trimsuffix");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    /// What is wrong, in Go's words where Go has words for it (plus a hint).
    pub message: String,
    /// Byte range in the template source.
    pub span: Range<usize>,
    /// The category.
    pub kind: TemplateErrorKind,
    /// The text the Forklift controller reports for the same template (Go's
    /// `template: template:1: ...` error or Forklift's own validation message).
    /// `None` when only mtvt rejects the template (a construct it does not support).
    pub go_message: Option<String>,
}

impl TemplateError {
    pub(crate) fn new(
        kind: TemplateErrorKind,
        message: impl Into<String>,
        span: Range<usize>,
        go_message: Option<String>,
    ) -> Self {
        TemplateError {
            message: message.into(),
            span,
            kind,
            go_message,
        }
    }
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(src: &str, offset: usize) -> usize {
    1 + src
        .as_bytes()
        .iter()
        .take(offset.min(src.len()))
        .filter(|&&b| b == b'\n')
        .count()
}

/// Go's `ErrorContext` location: `line:column` with a 0-based byte column.
pub(crate) fn location_of(src: &str, offset: usize) -> String {
    let offset = offset.min(src.len());
    let before = src.as_bytes().get(..offset).unwrap_or_default();
    let col = match before.iter().rposition(|&b| b == b'\n') {
        Some(nl) => offset - nl - 1,
        None => offset,
    };
    format!("{}:{}", line_of(src, offset), col)
}
