//! Runtime values of check evaluation, their type-directed conversion from the models'
//! JSON, equality/ordering, and the text shown as "expected"/"actual" in failures.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use mtvt_vocab::{Duration, DurationUnit, Quantity};

use crate::models::ModelId;
use crate::schema::types::Type;

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// `none` (also an unset optional).
    None,
    /// bool
    Bool(bool),
    /// int
    Int(i64),
    /// string
    Str(String),
    /// bytes
    Quantity(u128),
    /// milliseconds
    Duration(u64),
    /// enum identifier
    Enum(String),
    /// list
    List(Vec<Val>),
    /// map with string keys
    Map(BTreeMap<String, Val>),
    /// free-form JSON
    Object(serde_json::Value),
    /// a model record, kept as JSON and converted field by field
    Record(ModelId, serde_json::Value),
}

/// Converts model JSON to a value of the given static type.
pub fn from_json(v: &serde_json::Value, ty: &Type) -> Result<Val, String> {
    use serde_json::Value as J;
    Ok(match (ty, v) {
        (_, J::Null) => Val::None,
        (Type::Optional(t), v) => from_json(v, t)?,
        (Type::Bool, J::Bool(b)) => Val::Bool(*b),
        (Type::Int, J::Number(n)) => Val::Int(
            n.as_i64()
                .ok_or_else(|| format!("{n} is not a 64-bit integer"))?,
        ),
        (Type::String, J::String(s)) => Val::Str(s.clone()),
        (Type::Quantity, J::String(s)) => {
            Val::Quantity(Quantity::parse(s).map_err(|e| e.to_string())?.0)
        }
        (Type::Quantity, J::Number(n)) => {
            Val::Quantity(u128::from(n.as_u64().ok_or("negative quantity")?))
        }
        (Type::Duration, J::String(s)) => Val::Duration(
            Duration::parse(s, Some(DurationUnit::Milliseconds))
                .map_err(|e| e.to_string())?
                .0,
        ),
        (Type::Duration, J::Number(n)) => Val::Duration(n.as_u64().ok_or("negative duration")?),
        (Type::Enum(_), J::String(s)) => Val::Enum(s.clone()),
        (Type::List(t), J::Array(items)) => Val::List(
            items
                .iter()
                .map(|i| from_json(i, t))
                .collect::<Result<_, _>>()?,
        ),
        (Type::Map(t), J::Object(m)) => Val::Map(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), from_json(v, t)?)))
                .collect::<Result<_, String>>()?,
        ),
        (Type::Object, v) => Val::Object(v.clone()),
        (Type::Model(id), v @ J::Object(_)) => Val::Record(*id, v.clone()),
        (Type::Any, v) => infer(v),
        (t, v) => return Err(format!("model value {v} is not a `{t}`")),
    })
}

fn infer(v: &serde_json::Value) -> Val {
    use serde_json::Value as J;
    match v {
        J::Null => Val::None,
        J::Bool(b) => Val::Bool(*b),
        J::Number(n) => n.as_i64().map_or_else(|| Val::Object(v.clone()), Val::Int),
        J::String(s) => Val::Str(s.clone()),
        J::Array(a) => Val::List(a.iter().map(infer).collect()),
        J::Object(_) => Val::Object(v.clone()),
    }
}

/// The JSON form of a value (for comparing records and objects).
pub fn to_json(v: &Val) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Val::None => J::Null,
        Val::Bool(b) => J::Bool(*b),
        Val::Int(n) => J::from(*n),
        Val::Str(s) | Val::Enum(s) => J::String(s.clone()),
        Val::Quantity(q) => J::String(Quantity(*q).to_string()),
        Val::Duration(d) => J::String(Duration(*d).to_string()),
        Val::List(items) => J::Array(items.iter().map(to_json).collect()),
        Val::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
        Val::Object(o) | Val::Record(_, o) => o.clone(),
    }
}

/// Structural equality across representations (a map equals an equal object, etc.).
pub fn equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::None, Val::None) => true,
        (Val::None, _) | (_, Val::None) => false,
        (Val::Str(x), Val::Enum(y)) | (Val::Enum(x), Val::Str(y)) => x == y,
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q))
        }
        (Val::Map(x), Val::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        (
            Val::Object(_) | Val::Record(..) | Val::Map(_),
            Val::Object(_) | Val::Record(..) | Val::Map(_),
        ) => to_json(a) == to_json(b),
        _ => a == b,
    }
}

/// Ordering of ints, quantities and durations.
pub fn compare(a: &Val, b: &Val) -> Result<Ordering, String> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Ok(x.cmp(y)),
        (Val::Quantity(x), Val::Quantity(y)) => Ok(x.cmp(y)),
        (Val::Duration(x), Val::Duration(y)) => Ok(x.cmp(y)),
        _ => Err(format!("cannot order {} and {}", show(a), show(b))),
    }
}

/// The value as shown in failure messages.
pub fn show(v: &Val) -> String {
    match v {
        Val::None => String::from("none"),
        Val::Bool(b) => b.to_string(),
        Val::Int(n) => n.to_string(),
        Val::Str(s) => format!("{s:?}"),
        Val::Quantity(q) => Quantity(*q).to_string(),
        Val::Duration(d) => Duration(*d).to_string(),
        Val::Enum(e) => e.clone(),
        Val::List(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        Val::Map(_) | Val::Object(_) | Val::Record(..) => to_json(v).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_converts_by_type() {
        let q = from_json(&serde_json::json!("30Gi"), &Type::Quantity).unwrap();
        assert_eq!(q, Val::Quantity(30 << 30));
        let opt = Type::Optional(Box::new(Type::String));
        assert_eq!(
            from_json(&serde_json::Value::Null, &opt).unwrap(),
            Val::None
        );
        assert!(from_json(&serde_json::json!("x"), &Type::Int).is_err());
        let m = from_json(
            &serde_json::json!({"a": "b"}),
            &Type::Map(Box::new(Type::String)),
        )
        .unwrap();
        assert!(equal(&m, &Val::Object(serde_json::json!({"a": "b"}))));
    }

    #[test]
    fn equality_and_order() {
        assert!(equal(&Val::Enum("on".into()), &Val::Str("on".into())));
        assert!(!equal(&Val::None, &Val::Int(0)));
        assert_eq!(
            compare(&Val::Quantity(1), &Val::Quantity(2)).unwrap(),
            Ordering::Less
        );
        assert!(compare(&Val::None, &Val::Int(1)).is_err());
        assert_eq!(show(&Val::Quantity(30 << 30)), "30Gi");
    }
}
