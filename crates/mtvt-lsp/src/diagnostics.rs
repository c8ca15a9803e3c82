//! Live diagnostics: runs the same checker as `mtvt check` on a document (imports read
//! from open documents first, then from disk) and converts its diagnostics to LSP:
//! byte spans → UTF-16 ranges, severity, the stable code with a link to its section of
//! docs/diagnostics.md, the help line, and secondary labels as related information. It
//! runs on a blocking thread (see `server`); this module only computes.

use std::path::Path;

use mtvt_lang::diag::{Diagnostic as MtvtDiagnostic, DiagnosticKind, Severity};
use mtvt_lang::source::{Origin, SourceMap};
use mtvt_lang::span::Span;
use mtvt_lang::{CheckOptions, Overlay, Stdlib, check_text_with_overlay};
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Uri,
};

use crate::documents::Document;
use crate::line_index::LineIndex;
use crate::stdlib_files;

/// Where docs/diagnostics.md is published (its sections are anchored by code).
pub const DIAGNOSTICS_DOC: &str = concat!(
    env!("CARGO_PKG_REPOSITORY"),
    "/blob/main/docs/diagnostics.md"
);

/// Checks `doc` and returns the diagnostics located in it.
pub fn check_document(
    uri: &Uri,
    doc: &Document,
    opts: &CheckOptions,
    overlay: Overlay,
) -> Vec<Diagnostic> {
    let (name, dir) = doc.check_location();
    let result = check_text_with_overlay(&name, &doc.text, dir, opts, overlay);
    let root = result
        .sources
        .iter()
        .next()
        .map(|(id, _)| id)
        .unwrap_or_default();
    result
        .diagnostics
        .iter()
        .filter(|d| d.span().file == root)
        .map(|d| to_lsp(d, uri, doc, &result.sources, &opts.stdlib))
        .collect()
}

/// Converts one diagnostic of the document's own file.
fn to_lsp(
    d: &MtvtDiagnostic,
    uri: &Uri,
    doc: &Document,
    sources: &SourceMap,
    stdlib: &Stdlib,
) -> Diagnostic {
    let span = d.span();
    let range = doc.index.range(&doc.text, span.start, span.end);
    let code = d.code().strip_prefix("mtvt::").unwrap_or(d.code());
    let mut message = d.message();
    if let Some(help) = d.help() {
        message.push_str("\nhelp: ");
        message.push_str(&help);
    }
    let related: Vec<DiagnosticRelatedInformation> = secondary_labels(d)
        .into_iter()
        .filter_map(|(s, label)| {
            let location = if s.file == span.file {
                Location::new(uri.clone(), doc.index.range(&doc.text, s.start, s.end))
            } else {
                location_in(sources, s, stdlib)?
            };
            Some(DiagnosticRelatedInformation {
                location,
                message: label,
            })
        })
        .collect();
    Diagnostic {
        range,
        severity: Some(match d.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(code.to_string())),
        code_description: format!("{DIAGNOSTICS_DOC}#{}", code.to_lowercase())
            .parse()
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some(String::from("mtvt")),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// A span in another loaded file (an import, or a stdlib module written out to disk).
fn location_in(sources: &SourceMap, s: Span, stdlib: &Stdlib) -> Option<Location> {
    let file = sources.get(s.file)?;
    let path = match &file.origin {
        Origin::Disk(p) => p.clone(),
        Origin::Stdlib(module) => stdlib_files::path_of(stdlib, module)?,
        Origin::Memory => return None,
    };
    let uri = Uri::from_file_path(&path)?;
    let index = LineIndex::new(&file.text);
    Some(Location::new(uri, index.range(&file.text, s.start, s.end)))
}

/// The secondary spans of a diagnostic with their label text: miette's labels (in the
/// order declared) other than the primary one, matched to the typed span fields that
/// carry their file.
pub fn secondary_labels(d: &MtvtDiagnostic) -> Vec<(Span, String)> {
    let typed = secondary_spans(&d.kind);
    let primary = d.span();
    let Some(labels) = miette::Diagnostic::labels(&*d.kind) else {
        return Vec::new();
    };
    labels
        .filter_map(|l| {
            let (offset, len) = (l.offset(), l.len());
            if offset == primary.start && len == primary.len() {
                return None;
            }
            let span = typed
                .iter()
                .find(|s| s.start == offset && s.len() == len)
                .copied()
                .unwrap_or_else(|| Span::new(primary.file, offset, offset + len));
            Some((span, l.label().unwrap_or("").to_string()))
        })
        .collect()
}

/// The span fields other than `span` of the variants that have them.
fn secondary_spans(kind: &DiagnosticKind) -> Vec<Span> {
    use DiagnosticKind as K;
    match kind {
        K::DuplicateKey { first, .. }
        | K::HookConflictingSources { first, .. }
        | K::DuplicateHookStep { first, .. }
        | K::ConflictingOutcome { first, .. }
        | K::DuplicateVm { first, .. }
        | K::DuplicatePlanName { first, .. }
        | K::DuplicateDefaultPlan { first, .. } => vec![*first],
        K::HookExpectWithResult { result, .. } => vec![*result],
        K::ChecksAfterPreHookFailure { outcome, .. }
        | K::ChecksWithoutMigration { outcome, .. } => vec![*outcome],
        K::LifecycleWithoutMigration { outcome, .. } => outcome.iter().copied().collect(),
        K::SuccessWithFailingHook { hook, .. } => vec![*hook],
        _ => Vec::new(),
    }
}

/// Whether `text` imports the file at `target` with a relative `use` (so it must be
/// re-checked when `target` changes). Reads the `use` lines the parser could read, also
/// in text that does not parse.
pub fn imports_file(text: &str, dir: &Path, target: &Path) -> bool {
    use mtvt_lang::syntax::ast::{Item, UseTarget};
    let ast = mtvt_lang::syntax::parse_document(mtvt_lang::span::FileId(0), text).file;
    let target = std::fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf());
    ast.items.iter().any(|item| {
        let Item::Use(u) = item else { return false };
        let UseTarget::File(rel) = &u.target.node else {
            return false;
        };
        let joined = dir.join(rel);
        std::fs::canonicalize(&joined).unwrap_or(joined) == target
    })
}
