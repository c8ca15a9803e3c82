//! Values of enumerated shapes: enum identifiers (with "did you mean" and hints for
//! quoted or boolean spellings) and datastores (a symbol of the provider profile or a
//! literal id). Only `values::convert_value` routes here; it must not know keys.

use super::values::{TypedValue, ValueCtx, interp_string, mismatch, wrong_type};
use crate::diag::{DiagnosticKind, suggest};
use crate::ir::DatastoreRef;
use crate::schema::enums::{DatastoreSymbol, EnumId};
use crate::schema::keys::ValueShape;
use crate::span::Span;
use crate::syntax::ast::{StrPart, Value, ValueKind};

/// Converts a value of an enum-shaped key.
pub(super) fn convert_enum(
    key: &str,
    e: EnumId,
    v: &Value,
    ctx: &mut ValueCtx<'_>,
) -> Option<TypedValue> {
    let shape = ValueShape::Enum(e);
    match (shape, &v.kind) {
        (ValueShape::Enum(e), ValueKind::Path(p)) if p.segments.len() == 1 => {
            enum_value(e, &p.text(), v.span, ctx).map(TypedValue::Enum)
        }
        (ValueShape::Enum(e), ValueKind::Str(_) | ValueKind::Raw(_)) => {
            let text = plain_text(&v.kind);
            let help = if e.contains(&text) {
                Some(format!(
                    "enum values are identifiers: write `{text}` without quotes"
                ))
            } else {
                suggest::help(&text, e.values())
            };
            wrong_type(ctx, key, shape, v, help);
            None
        }
        (ValueShape::Enum(EnumId::Power | EnumId::TargetPower), ValueKind::Bool(b)) => {
            let word = if *b { "on" } else { "off" };
            wrong_type(ctx, key, shape, v, Some(format!("write `{word}`")));
            None
        }
        _ => mismatch(key, shape, v, ctx),
    }
}

/// Converts a value of a datastore-shaped key.
pub(super) fn convert_datastore(
    key: &str,
    v: &Value,
    ctx: &mut ValueCtx<'_>,
) -> Option<TypedValue> {
    let shape = ValueShape::Datastore;
    match (shape, &v.kind) {
        (ValueShape::Datastore, ValueKind::Path(p)) if p.segments.len() == 1 => {
            let name = p.dotted();
            match DatastoreSymbol::parse(&name) {
                Some(s) => Some(TypedValue::Datastore(DatastoreRef::Symbol(s))),
                None => {
                    let mut help = suggest::help(&name, EnumId::Datastore.values());
                    if let Some(h) = help.as_mut() {
                        h.push_str(" (or a literal datastore id in quotes)");
                    }
                    ctx.sink.push(DiagnosticKind::BadEnumValue {
                        span: v.span,
                        value: name,
                        what: String::from("datastore"),
                        help,
                    });
                    None
                }
            }
        }
        (ValueShape::Datastore, ValueKind::Str(parts)) => interp_string(key, parts, false, ctx)
            .map(|s| TypedValue::Datastore(DatastoreRef::Id(s.to_string()))),
        (ValueShape::Datastore, ValueKind::Raw(s)) => {
            Some(TypedValue::Datastore(DatastoreRef::Id(s.to_string())))
        }
        _ => mismatch(key, shape, v, ctx),
    }
}

fn plain_text(kind: &ValueKind) -> String {
    match kind {
        ValueKind::Str(parts) => parts
            .iter()
            .map(|p| match p {
                StrPart::Text(t) => t.to_string(),
                StrPart::Interp(p) => format!("${{{}}}", p.dotted()),
            })
            .collect(),
        ValueKind::Raw(s) | ValueKind::Triple(s) => s.to_string(),
        _ => String::new(),
    }
}

/// Validates an enum identifier.
pub fn enum_value(
    e: EnumId,
    name: &str,
    span: Span,
    ctx: &mut ValueCtx<'_>,
) -> Option<&'static str> {
    if let Some(v) = e.values().iter().find(|v| **v == name) {
        return Some(v);
    }
    ctx.sink.push(DiagnosticKind::BadEnumValue {
        span,
        value: name.to_string(),
        what: e.name().replace('_', " "),
        help: suggest::help(name, e.values()),
    });
    None
}
