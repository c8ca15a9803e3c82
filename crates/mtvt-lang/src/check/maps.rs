//! Map- and object-shaped values: label/node-selector maps (string or `session` values,
//! no duplicate keys), `name_for` maps keyed by provider type, and free-form JSON objects
//! (affinity).

use std::collections::BTreeMap;

use super::values::{TypedValue, ValueCtx, enum_value, interp_string};
use crate::diag::{DiagnosticKind, suggest};
use crate::ir::InterpString;
use crate::schema::enums::{EnumId, ProviderKind};
use crate::span::{Span, Spanned};
use crate::syntax::ast::{Member, Name, Value, ValueKind};

pub(super) fn str_map(
    key: &str,
    members: &[Member],
    ctx: &mut ValueCtx<'_>,
) -> Option<Vec<(Spanned<Name>, Spanned<InterpString>)>> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for m in members {
        if let Some(first) = seen.get(m.key.node.as_str()) {
            ctx.sink.push(DiagnosticKind::DuplicateKey {
                span: m.key.span,
                key: m.key.node.as_str().to_owned(),
                first: *first,
            });
            continue;
        }
        seen.insert(&m.key.node, m.key.span);
        let value = match &m.value.kind {
            ValueKind::Str(parts) => interp_string(key, parts, true, ctx),
            ValueKind::Raw(s) => Some(InterpString::literal(s.clone())),
            ValueKind::Path(p) if p.text() == "session" => Some(InterpString::session()),
            ValueKind::Path(p) if p.segments.first().is_some_and(|s| s.node == "param") => {
                Some(InterpString::literal(format!("${{{}}}", p.dotted())))
            }
            ValueKind::Int(n) => {
                ctx.sink.push(DiagnosticKind::WrongType {
                    span: m.value.span,
                    key: format!("{key}.{}", m.key.node),
                    expected: String::from("a string or `session`"),
                    found: m.value.kind.describe().to_string(),
                    help: Some(format!(
                        "Kubernetes label values are strings: write \"{n}\""
                    )),
                });
                None
            }
            other => {
                let help = match other {
                    ValueKind::Path(p) => suggest::suggest(&p.dotted(), ["session"])
                        .map(|s| format!("did you mean `{s}`?"))
                        .or_else(|| Some(format!("quote it: \"{}\"", p.dotted()))),
                    _ => None,
                };
                ctx.sink.push(DiagnosticKind::WrongType {
                    span: m.value.span,
                    key: format!("{key}.{}", m.key.node),
                    expected: String::from("a string or `session`"),
                    found: other.describe().to_string(),
                    help,
                });
                None
            }
        };
        if let Some(value) = value {
            out.push((m.key.clone(), Spanned::new(value, m.value.span)));
        }
    }
    Some(out)
}

pub(super) fn provider_names(
    key: &str,
    members: &[Member],
    ctx: &mut ValueCtx<'_>,
) -> Option<TypedValue> {
    let mut out = BTreeMap::new();
    for m in members {
        let Some(kind) = enum_value(EnumId::ProviderType, &m.key.node, m.key.span, ctx)
            .and_then(|k| k.parse::<ProviderKind>().ok())
        else {
            continue;
        };
        let name = match &m.value.kind {
            ValueKind::Str(parts) => interp_string(key, parts, false, ctx).map(|s| s.to_string()),
            ValueKind::Raw(s) => Some(s.to_string()),
            other => {
                ctx.sink.push(DiagnosticKind::WrongType {
                    span: m.value.span,
                    key: format!("{key}.{}", m.key.node),
                    expected: String::from("a VM name in quotes"),
                    found: other.describe().to_string(),
                    help: None,
                });
                None
            }
        };
        if let Some(n) = name {
            out.insert(kind, n);
        }
    }
    Some(TypedValue::ProviderNames(out))
}

/// Converts a JSON-like AST value to JSON.
pub fn to_json(key: &str, v: &Value, ctx: &mut ValueCtx<'_>) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match &v.kind {
        ValueKind::Str(parts) => J::String(interp_string(key, parts, false, ctx)?.to_string()),
        ValueKind::Raw(s) | ValueKind::Triple(s) => J::String(s.to_string()),
        ValueKind::Int(n) => J::from(*n),
        ValueKind::Bool(b) => J::Bool(*b),
        ValueKind::None => J::Null,
        ValueKind::Quantity(q) => J::String(q.text.to_string()),
        ValueKind::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                out.push(to_json(key, i, ctx)?);
            }
            J::Array(out)
        }
        ValueKind::Object(members) => {
            let mut out = serde_json::Map::with_capacity(members.len());
            for m in members {
                out.insert(m.key.node.as_str().to_owned(), to_json(key, &m.value, ctx)?);
            }
            J::Object(out)
        }
        ValueKind::Path(p) => {
            ctx.sink.push(DiagnosticKind::WrongType {
                span: v.span,
                key: key.to_string(),
                expected: String::from("a JSON value"),
                found: v.kind.describe().to_string(),
                help: crate::diag::suggest::python_literal(&p.dotted()).or_else(|| {
                    Some(format!(
                        "strings inside objects are quoted: \"{}\"",
                        p.dotted()
                    ))
                }),
            });
            return None;
        }
        ValueKind::Invalid => return None,
        ValueKind::Duration(_) | ValueKind::Version(_) => {
            ctx.sink.push(DiagnosticKind::WrongType {
                span: v.span,
                key: key.to_string(),
                expected: String::from("a JSON value"),
                found: v.kind.describe().to_string(),
                help: Some(String::from("quote it to pass it as a string")),
            });
            return None;
        }
    })
}
