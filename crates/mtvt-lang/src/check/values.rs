//! AST values → typed key values, following the key's [`ValueShape`]. Reports wrong types,
//! bad enum values (with "did you mean"), bad interpolations and malformed maps. Never
//! decides which keys exist (that is `blocks`).

use std::collections::BTreeMap;

use mtvt_vocab::{Duration, Quantity};

pub use super::symbols::enum_value;
use crate::diag::{DiagnosticKind, Sink, suggest};
use crate::ir::{DatastoreRef, InterpPart, InterpString};
use crate::schema::enums::ProviderKind;
use crate::schema::keys::ValueShape;
use crate::span::Spanned;
use crate::syntax::ast::{Arg, Entry, EntryBody, Name, StrPart, Value, ValueKind};

/// A key's value after type checking.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedValue {
    /// bool
    Bool(bool),
    /// int
    Int(i64),
    /// Interpolated string.
    Str(InterpString),
    /// Verbatim string.
    Raw(String),
    /// duration
    Duration(Duration),
    /// quantity
    Quantity(Quantity),
    /// Enum identifier (validated).
    Enum(&'static str),
    /// Datastore reference.
    Datastore(DatastoreRef),
    /// String map with key/value spans.
    StrMap(Vec<(Spanned<Name>, Spanned<InterpString>)>),
    /// JSON object plus its AST (boxed: the other variants are 24 bytes or less, and the
    /// typed-value maps of every block are sized by the largest).
    Object(Box<ObjectValue>),
    /// Identifiers.
    Names(Vec<Spanned<Name>>),
    /// Provider type → text.
    ProviderNames(BTreeMap<ProviderKind, String>),
    /// A `param.x` left unresolved while checking a fragment on its own.
    Unresolved,
}

/// An `Object` key's value.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectValue {
    /// As JSON. `merge::build_plan` moves it into the IR (leaving `null`): read the IR's
    /// copy after that.
    pub json: serde_json::Value,
    /// As written (for pointing at fields).
    pub ast: Value,
}

/// Shared state of value conversion.
pub struct ValueCtx<'a> {
    /// Where diagnostics go.
    pub sink: &'a mut Sink,
}

pub(super) fn wrong_type(
    ctx: &mut ValueCtx<'_>,
    key: &str,
    shape: ValueShape,
    v: &Value,
    help: Option<String>,
) {
    ctx.sink.push(DiagnosticKind::WrongType {
        span: v.span,
        key: key.to_string(),
        expected: shape.expected(),
        found: v.kind.describe().to_string(),
        help,
    });
}

fn is_param(v: &Value) -> bool {
    matches!(&v.kind, ValueKind::Path(p) if p.segments.first().is_some_and(|s| s.node == "param"))
}

/// Converts an entry's value (its single argument, or its object body for maps/objects).
pub fn convert_entry(
    key: &str,
    shape: ValueShape,
    entry: &Entry,
    ctx: &mut ValueCtx<'_>,
) -> Option<TypedValue> {
    if matches!(
        shape,
        ValueShape::StrMap
            | ValueShape::Object
            | ValueShape::ProviderNames
            | ValueShape::Forklift(_)
    ) {
        if let Some(arg) = entry.flat_args().next() {
            ctx.sink.push(DiagnosticKind::WrongArgCount {
                span: arg.span(),
                key: key.to_string(),
                problem: String::from("takes a `{ … }` map, not a value"),
                help: Some(format!("write `{key} {{ \"name\": \"value\" }}`")),
            });
            return None;
        }
        return match &entry.body {
            Some(EntryBody::Object(v)) => convert_value(key, shape, v, ctx),
            Some(EntryBody::Block(b)) if b.entries.is_empty() => {
                let empty = Value {
                    kind: ValueKind::Object(Vec::new()),
                    span: b.span,
                };
                convert_value(key, shape, &empty, ctx)
            }
            Some(EntryBody::Block(b)) => {
                ctx.sink.push(DiagnosticKind::WrongType {
                    span: b.span,
                    key: key.to_string(),
                    expected: shape.expected(),
                    found: String::from("a block of entries"),
                    help: Some(String::from(
                        "map members are written `\"key\": value`, separated by commas",
                    )),
                });
                None
            }
            None => {
                ctx.sink.push(DiagnosticKind::MissingBlock {
                    span: entry.key.span,
                    key: key.to_string(),
                    help: Some(format!("write `{key} {{ \"name\": \"value\" }}`")),
                });
                None
            }
        };
    }
    if let Some(body) = &entry.body {
        ctx.sink.push(DiagnosticKind::UnexpectedBlock {
            span: body.span(),
            key: key.to_string(),
        });
    }
    if shape == ValueShape::Names {
        return convert_names(key, entry, ctx);
    }
    let mut args = entry.flat_args();
    let Some(first) = args.next() else {
        ctx.sink.push(DiagnosticKind::WrongArgCount {
            span: entry.key.span,
            key: key.to_string(),
            problem: String::from("needs a value"),
            help: Some(format!("write `{key} <{}>`", shape.expected())),
        });
        return None;
    };
    if let Some(extra) = args.next() {
        let last = entry.flat_args().last().map_or(extra.span(), Arg::span);
        ctx.sink.push(DiagnosticKind::WrongArgCount {
            span: extra.span().to(last),
            key: key.to_string(),
            problem: String::from("takes one value"),
            help: Some(String::from(
                "remove the extra values (one entry per line, or separate entries with `;`)",
            )),
        });
    }
    match first {
        Arg::Value(v) => convert_value(key, shape, v, ctx),
        Arg::Op(op) => {
            let help = (op.node == "=").then(|| format!("write `{key} <value>` without `=`"));
            ctx.sink.push(DiagnosticKind::WrongType {
                span: op.span,
                key: key.to_string(),
                expected: shape.expected(),
                found: format!("`{}`", op.node),
                help,
            });
            None
        }
    }
}

fn convert_names(key: &str, entry: &Entry, ctx: &mut ValueCtx<'_>) -> Option<TypedValue> {
    let mut names = Vec::new();
    if entry.args.is_empty() {
        ctx.sink.push(DiagnosticKind::WrongArgCount {
            span: entry.key.span,
            key: key.to_string(),
            problem: String::from("needs at least one name"),
            help: Some(format!("write `{key} a, b`")),
        });
    }
    for group in &entry.args {
        match group.args.as_slice() {
            [
                Arg::Value(Value {
                    kind: ValueKind::Path(p),
                    ..
                }),
            ] if p.segments.len() == 1 => {
                if let Some(s) = p.segments.first() {
                    names.push(s.clone());
                }
            }
            [Arg::Value(v)] => wrong_type(ctx, key, ValueShape::Names, v, None),
            _ => ctx.sink.push(DiagnosticKind::WrongArgCount {
                span: group.span,
                key: key.to_string(),
                problem: String::from("takes names separated by commas"),
                help: Some(format!("write `{key} a, b`")),
            }),
        }
    }
    Some(TypedValue::Names(names))
}

/// Converts one AST value to the key's shape.
pub fn convert_value(
    key: &str,
    shape: ValueShape,
    v: &Value,
    ctx: &mut ValueCtx<'_>,
) -> Option<TypedValue> {
    if matches!(v.kind, ValueKind::Invalid) {
        return None;
    }
    if is_param(v) {
        // Unknown parameters were reported by matrix substitution; fragments checked on
        // their own leave them unresolved.
        return Some(TypedValue::Unresolved);
    }
    match (shape, &v.kind) {
        (ValueShape::Bool, ValueKind::Bool(b)) => Some(TypedValue::Bool(*b)),
        (ValueShape::Int { min }, ValueKind::Int(n)) => {
            if *n < min {
                ctx.sink.push(DiagnosticKind::ValueOutOfRange {
                    span: v.span,
                    key: key.to_string(),
                    reason: format!("must be at least {min}"),
                });
                return None;
            }
            Some(TypedValue::Int(*n))
        }
        (ValueShape::Str { interp }, ValueKind::Str(parts)) => {
            interp_string(key, parts, interp, ctx).map(TypedValue::Str)
        }
        (ValueShape::Str { .. }, ValueKind::Raw(s) | ValueKind::Triple(s)) => {
            Some(TypedValue::Str(InterpString::literal(s.clone())))
        }
        (ValueShape::Raw | ValueShape::Text, ValueKind::Str(parts)) => {
            interp_string(key, parts, false, ctx).map(|s| TypedValue::Raw(s.to_string()))
        }
        (ValueShape::Raw | ValueShape::Text, ValueKind::Raw(s) | ValueKind::Triple(s)) => {
            Some(TypedValue::Raw(s.to_string()))
        }
        (ValueShape::Duration, ValueKind::Duration(ms)) => {
            if *ms == 0 {
                ctx.sink.push(DiagnosticKind::ValueOutOfRange {
                    span: v.span,
                    key: key.to_string(),
                    reason: String::from("must be longer than zero"),
                });
                return None;
            }
            Some(TypedValue::Duration(Duration(*ms)))
        }
        (ValueShape::Duration, ValueKind::Int(n)) => {
            wrong_type(
                ctx,
                key,
                shape,
                v,
                Some(format!("add a unit: `{n}s`, `{n}m` or `{n}h`")),
            );
            None
        }
        (ValueShape::Quantity, ValueKind::Quantity(q)) => {
            Some(TypedValue::Quantity(Quantity(q.value)))
        }
        (ValueShape::Quantity, ValueKind::Int(n)) => {
            wrong_type(
                ctx,
                key,
                shape,
                v,
                Some(format!("add a unit: `{n}Gi` or `{n}Mi`")),
            );
            None
        }
        (ValueShape::Enum(e), _) => super::symbols::convert_enum(key, e, v, ctx),
        (ValueShape::Datastore, _) => super::symbols::convert_datastore(key, v, ctx),
        (ValueShape::StrMap, ValueKind::Object(members)) => {
            super::maps::str_map(key, members, ctx).map(TypedValue::StrMap)
        }
        (ValueShape::ProviderNames, ValueKind::Object(members)) => {
            super::maps::provider_names(key, members, ctx)
        }
        (ValueShape::Forklift(target), ValueKind::Object(_)) => {
            super::forklift::convert(target, v, ctx)
        }
        (ValueShape::Object, ValueKind::Object(_)) => {
            super::maps::to_json(key, v, ctx).map(|json| {
                TypedValue::Object(Box::new(ObjectValue {
                    json,
                    ast: v.clone(),
                }))
            })
        }
        _ => mismatch(key, shape, v, ctx),
    }
}

/// Reports a value of the wrong kind for `shape` (a Python literal gets its spelling here).
pub(super) fn mismatch(
    key: &str,
    shape: ValueShape,
    v: &Value,
    ctx: &mut ValueCtx<'_>,
) -> Option<TypedValue> {
    let help = match &v.kind {
        ValueKind::Path(p) => suggest::python_literal(&p.text()),
        _ => None,
    };
    wrong_type(ctx, key, shape, v, help);
    None
}

/// Builds an interpolated string, validating `${…}` names. Adjacent literal pieces are
/// joined into one.
pub fn interp_string(
    key: &str,
    parts: &[StrPart],
    allow: bool,
    ctx: &mut ValueCtx<'_>,
) -> Option<InterpString> {
    let mut out = Vec::with_capacity(parts.len());
    let mut ok = true;
    for part in parts {
        match part {
            StrPart::Text(t) => push_lit(&mut out, t),
            StrPart::Interp(p) => {
                let segments = p.segments.as_slice();
                if segments.first().is_some_and(|s| s.node == "param") {
                    // Reported (or resolved) by matrix substitution.
                    push_lit(&mut out, &format!("${{{}}}", p.dotted()));
                    continue;
                }
                if !allow {
                    ctx.sink.push(DiagnosticKind::InterpolationNotAllowed {
                        span: p.span,
                        key: key.to_string(),
                    });
                    ok = false;
                    continue;
                }
                match segments {
                    [one] if one.node == "session" => out.push(InterpPart::Session),
                    [env, name] if env.node == "env" => {
                        out.push(InterpPart::Env(name.node.as_str().to_owned()));
                    }
                    _ => {
                        let help =
                            suggest::help(&p.dotted(), ["session", "env.NAME", "param.NAME"]);
                        ctx.sink.push(DiagnosticKind::UnknownInterpolation {
                            span: p.span,
                            name: p.dotted(),
                            help,
                        });
                        ok = false;
                    }
                }
            }
        }
    }
    ok.then_some(InterpString { parts: out })
}

/// Appends literal text, joined to the literal before it if there is one.
fn push_lit(out: &mut Vec<InterpPart>, text: &str) {
    match out.last_mut() {
        Some(InterpPart::Lit(a)) => a.push_str(text),
        _ => out.push(InterpPart::Lit(text.to_string())),
    }
}
