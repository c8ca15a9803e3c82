//! The typing rules of check expressions: which types `==`, `in`, `contains` and the
//! string operators accept, the element context for enum literals, and the help text for
//! mismatches. Pure functions over [`Type`].

use mtvt_vocab::Quantity;

use crate::ir::{ExprIr, ExprIrKind, LitIr};
use crate::schema::types::Type;
use crate::syntax::ast::BinOp;

/// The context type for the other operand: for `in`/`contains`, the element type.
pub(super) fn element_context(op: BinOp, known: &Type, known_is_lhs: bool) -> Type {
    match (op, known_is_lhs) {
        (BinOp::In, false) | (BinOp::Contains, true) => match known.unwrap_optional() {
            Type::List(t) => (**t).clone(),
            other => other.clone(),
        },
        (BinOp::In, true) | (BinOp::Contains, false) => Type::List(Box::new(known.clone())),
        _ => known.clone(),
    }
}

/// Whether `==` / `!=` may compare these types.
pub fn compatible(a: &Type, b: &Type) -> bool {
    match (a, b) {
        (Type::Any, _) | (_, Type::Any) => true,
        (Type::None, Type::None) => true,
        (Type::None, t) | (t, Type::None) => t.is_optional(),
        (Type::Optional(x), y) | (y, Type::Optional(x)) if !y.is_optional() => compatible(x, y),
        (Type::Optional(x), Type::Optional(y)) => compatible(x, y),
        (Type::Enum(x), Type::Enum(y)) => x == y || x.values().iter().any(|v| y.contains(v)),
        (Type::List(x), Type::List(y)) => compatible(x, y),
        (Type::Map(x), Type::Map(y)) => compatible(x, y),
        (Type::Object, Type::Map(_)) | (Type::Map(_), Type::Object) => true,
        (x, y) => x == y,
    }
}

pub(super) fn contains_ok(container: &Type, item: &Type) -> bool {
    match container.unwrap_optional() {
        Type::Any => true,
        Type::List(t) => compatible(t, item),
        Type::Map(_) | Type::String => is_stringish(item),
        _ => false,
    }
}

pub(super) fn is_stringish(t: &Type) -> bool {
    matches!(t.unwrap_optional(), Type::String | Type::Any)
}

pub(super) fn type_noun(t: &Type) -> String {
    format!("`{t}`")
}

pub(super) fn first_line(s: &str) -> String {
    let line = s
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim();
    line.trim_start_matches("error: ").to_string()
}

pub(super) fn mismatch_help(op: BinOp, l: &ExprIr, r: &ExprIr) -> Option<String> {
    let (lt, rt) = (l.ty.unwrap_optional(), r.ty.unwrap_optional());
    if let (
        Type::Int,
        ExprIrKind::Lit {
            value: LitIr::Str(s),
        },
    ) = (lt, &r.kind)
    {
        // "4G" / "4Gi" / "512M": people mean binary units for memory.
        let binary = format!("{}i", s.trim_end_matches('B').trim_end_matches('i'));
        if let Ok(q) = Quantity::parse(&binary) {
            let mib = q.0 / (1 << 20);
            return Some(format!(
                "the left side is an int: compare with a number, e.g. {mib} (MiB for {s})"
            ));
        }
        return Some(String::from(
            "the left side is an int: compare with a number",
        ));
    }
    if matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge) {
        return Some(String::from(
            "ordering compares two ints, two quantities or two durations",
        ));
    }
    if lt != rt {
        return Some(format!("compare a `{lt}` with a `{lt}`"));
    }
    None
}
