//! `requires …` lines: provider types, MTV version comparisons, a remote cluster, a
//! copy-offload profile. Turns the words of the entry into a [`Requirement`].

use super::values::{ValueCtx, enum_value};
use crate::diag::{DiagnosticKind, suggest};
use crate::ir::{Requirement, VersionOp};
use crate::schema::enums::{EnumId, ProviderKind};
use crate::schema::keys::REQUIRES_USAGE;
use crate::span::Span;
use crate::syntax::ast::{Arg, Entry, Value, ValueKind};

pub(super) fn lower_requires(entry: &Entry, ctx: &mut ValueCtx<'_>) -> Option<Requirement> {
    let malformed = |ctx: &mut ValueCtx<'_>, span: Span| {
        ctx.sink.push(DiagnosticKind::MalformedEntry {
            span,
            key: String::from("requires"),
            usage: REQUIRES_USAGE.to_string(),
        });
    };
    let Some(first_group) = entry.args.first() else {
        malformed(ctx, entry.key.span);
        return None;
    };
    let word = match first_group.args.first() {
        Some(Arg::Value(Value {
            kind: ValueKind::Path(p),
            ..
        })) if p.segments.len() == 1 => p.dotted(),
        _ => {
            malformed(ctx, first_group.span);
            return None;
        }
    };
    let rest: Vec<&Arg> = first_group.args.iter().skip(1).collect();
    match word.as_str() {
        "provider" => {
            let mut types = Vec::new();
            let mut idents: Vec<&Arg> = rest;
            for g in entry.args.iter().skip(1) {
                idents.extend(g.args.iter());
            }
            if idents.is_empty() {
                malformed(ctx, entry.span);
                return None;
            }
            for a in idents {
                match a {
                    Arg::Value(Value {
                        kind: ValueKind::Path(p),
                        span,
                    }) if p.segments.len() == 1 => {
                        if let Some(t) = enum_value(EnumId::ProviderType, &p.text(), *span, ctx) {
                            types.extend(t.parse::<ProviderKind>().ok());
                        }
                    }
                    other => malformed(ctx, other.span()),
                }
            }
            (!types.is_empty()).then_some(Requirement::Provider { types })
        }
        "mtv" => {
            let (op, version) = match rest.as_slice() {
                [Arg::Op(op), Arg::Value(v)] if entry.args.len() == 1 => (op, v),
                _ => {
                    malformed(ctx, entry.args_span());
                    return None;
                }
            };
            let op = match op.node.as_str() {
                ">=" => VersionOp::Ge,
                ">" => VersionOp::Gt,
                "<=" => VersionOp::Le,
                "<" => VersionOp::Lt,
                "==" => VersionOp::Eq,
                "!=" => VersionOp::Ne,
                _ => {
                    malformed(ctx, op.span);
                    return None;
                }
            };
            let version = match &version.kind {
                ValueKind::Version(v) => v.clone(),
                ValueKind::Int(n) if *n >= 0 => vec![n.unsigned_abs()],
                _ => {
                    malformed(ctx, version.span);
                    return None;
                }
            };
            Some(Requirement::Mtv { op, version })
        }
        "remote_cluster" | "copyoffload" if rest.is_empty() && entry.args.len() == 1 => {
            Some(if word == "copyoffload" {
                Requirement::CopyOffload
            } else {
                Requirement::RemoteCluster
            })
        }
        _ => {
            let known = ["provider", "mtv", "remote_cluster", "copyoffload"];
            match suggest::suggest(&word, known) {
                Some(s) if s != word => ctx.sink.push(DiagnosticKind::BadEnumValue {
                    span: first_group.args.first().map_or(first_group.span, Arg::span),
                    value: word,
                    what: String::from("requirement"),
                    help: Some(format!("did you mean `{s}`?")),
                }),
                _ => malformed(ctx, entry.args_span()),
            }
            None
        }
    }
}
