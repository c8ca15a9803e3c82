//! Failures rendered like compile errors: the `assert` (or `expect`) line of the scenario
//! or stdlib with a caret, the message, and expected / actual in the label and help (for a
//! check, where the scenario asked for it).

use miette::{NamedSource, SourceSpan};
use mtvt_lang::ir::SpanIr;
use mtvt_lang::source::SourceMap;

use super::Failure;

/// The compiler-style text of an assertion or outcome failure; `None` for the others (they
/// show as one line) or when the source is not available.
pub fn rendered(f: &Failure, sources: &SourceMap) -> Option<String> {
    if !f.at_source {
        return None;
    }
    let span = f.location.as_ref()?;
    let help = match (&f.requested_at, &f.check, &f.vm) {
        (Some(r), Some(check), Some(vm)) => {
            Some(format!("check `{check}` requested at {r}, on VM {vm}"))
        }
        _ => None,
    };
    render(
        sources,
        span,
        &f.message,
        f.expected.as_deref(),
        f.actual.as_deref(),
        help,
    )
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
struct AssertDiag {
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
}

/// Renders a failure at `span` with its source (plain, no colour), or `None` when the source
/// text is not available.
fn render(
    sources: &SourceMap,
    span: &SpanIr,
    message: &str,
    expected: Option<&str>,
    actual: Option<&str>,
    help: Option<String>,
) -> Option<String> {
    let file = sources.get(span.file_id)?;
    let label = match (expected, actual) {
        (Some(e), Some(a)) => format!("expected {e}, found {a}"),
        _ => String::from("here"),
    };
    let diag = AssertDiag {
        message: message.to_string(),
        src: NamedSource::new(file.name.clone(), file.text.to_string()),
        span: (span.start, span.end.saturating_sub(span.start)).into(),
        label,
        help,
    };
    let mut out = String::new();
    mtvt_lang::diag::render::plain_handler()
        .render_report(&mut out, &diag)
        .ok()?;
    Some(out)
}
