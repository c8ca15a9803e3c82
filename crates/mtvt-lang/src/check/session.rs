//! The `session { … }` block: suite-wide settings with their defaults; at most one
//! among all checked files, and the `--set` overrides (`overrides`) merged over it key by
//! key.

use super::keyed::Keyed;
use super::spans::Spans;
use super::values::{TypedValue, ValueCtx};
use super::{blocks, items, k8s_names};
use crate::diag::{DiagnosticKind, Sink};
use crate::ir::SessionIr;
use crate::resolve::{ModuleKind, Program};
use crate::schema::keys::BlockKind;
use crate::span::{Span, Spanned};
use crate::syntax::ast::Item;

pub(super) fn check_session(program: &Program, spans: &Spans<'_>, sink: &mut Sink) -> SessionIr {
    let mut values: Keyed<Spanned<TypedValue>> = Keyed::default();
    let mut overrides: Keyed<Spanned<TypedValue>> = Keyed::default();
    let mut first: Option<Span> = None;
    for (mi, m) in program.modules.iter().enumerate() {
        if m.kind == ModuleKind::Stdlib {
            continue;
        }
        for item in items(program, mi) {
            let Item::Session(decl) = item else { continue };
            let mut ctx = ValueCtx { sink };
            if m.kind == ModuleKind::Overrides {
                overrides.extend(session_values(&decl.body, &mut ctx));
                continue;
            }
            if let Some(f) = first {
                let (file, line, col) = program.sources.locate(f);
                sink.push(DiagnosticKind::DuplicateSession {
                    span: decl.span,
                    help: Some(format!(
                        "the first one is at {file}:{line}:{col}; merge them (or override keys per run with --set KEY=VALUE)"
                    )),
                });
                continue;
            }
            first = Some(decl.span);
            values = session_values(&decl.body, &mut ctx);
        }
    }
    values.extend(overrides);
    if let Some(Spanned {
        node: TypedValue::Str(ns),
        span,
    }) = values.get("mtv_namespace")
    {
        k8s_names::check_namespace(sink, ns, *span);
    }
    session_ir(&values, first.map(|s| spans.ir(s)))
}

/// The typed keys of a `session` block; a `source_provider { forklift { … } }` block is the
/// value of `source_provider`.
fn session_values(
    body: &crate::syntax::ast::Block,
    ctx: &mut ValueCtx<'_>,
) -> Keyed<Spanned<TypedValue>> {
    let typed = blocks::validate_block(BlockKind::Session, body, ctx);
    let mut values = typed.values;
    for (def, entry) in &typed.specials {
        if let Some(crate::syntax::ast::EntryBody::Block(b)) = &entry.body {
            let mut inner = blocks::validate_block(BlockKind::SourceProvider, b, ctx);
            if let Some(v) = inner.values.remove("forklift") {
                values.insert(def.name, v);
            }
        }
    }
    values
}

/// The session's settings from its typed keys, defaults for the others.
fn session_ir(typed: &Keyed<Spanned<TypedValue>>, span: Option<crate::ir::SpanIr>) -> SessionIr {
    let text = |k: &str| match typed.get(k).map(|v| &v.node) {
        Some(TypedValue::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let int = |k: &str| match typed.get(k).map(|v| &v.node) {
        Some(TypedValue::Int(n)) => Some(*n),
        _ => None,
    };
    let flag = |k: &str| match typed.get(k).map(|v| &v.node) {
        Some(TypedValue::Bool(b)) => Some(*b),
        _ => None,
    };
    let dur = |k: &str| match typed.get(k).map(|v| &v.node) {
        Some(TypedValue::Duration(d)) => Some(*d),
        _ => None,
    };
    let d = SessionIr::default();
    SessionIr {
        mtv_namespace: text("mtv_namespace").map_or(d.mtv_namespace, |s| s.to_string()),
        target_namespace_prefix: text("target_namespace_prefix")
            .map_or(d.target_namespace_prefix, |s| s.to_string()),
        storage_class: text("storage_class"),
        plan_wait_timeout: dur("plan_wait_timeout").unwrap_or(d.plan_wait_timeout),
        snapshots_interval: int("snapshots_interval").unwrap_or(d.snapshots_interval),
        mins_before_cutover: int("mins_before_cutover").unwrap_or(d.mins_before_cutover),
        insecure_verify_skip: flag("insecure_verify_skip").unwrap_or(d.insecure_verify_skip),
        source_provider_insecure_skip_verify: flag("source_provider_insecure_skip_verify")
            .unwrap_or(d.source_provider_insecure_skip_verify),
        remote_ocp_cluster: text("remote_ocp_cluster")
            .map_or(d.remote_ocp_cluster, |s| s.to_string()),
        guest_agent_timeout: dur("guest_agent_timeout").unwrap_or(d.guest_agent_timeout),
        source_provider_forklift: match typed.get("source_provider").map(|v| &v.node) {
            Some(TypedValue::Object(o)) => Some(o.json.clone()),
            _ => None,
        },
        span,
    }
}
