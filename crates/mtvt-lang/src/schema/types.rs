//! Static types of the language: the type of every key value, model field and
//! expression. Also the [`HasType`] bridge from Rust field types to language types, so
//! model structs declare their fields once.

use std::collections::BTreeMap;
use std::fmt;

use mtvt_vocab::{Duration, Quantity};
use serde::Serialize;

use super::enums::EnumId;
use crate::models::ModelId;

/// A language type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "snake_case")]
pub enum Type {
    /// `true` / `false`.
    Bool,
    /// 64-bit integer.
    Int,
    /// Text.
    String,
    /// Bytes (`30Gi`).
    Quantity,
    /// Milliseconds (`5m`).
    Duration,
    /// One of an enumeration's identifiers.
    Enum(EnumId),
    /// A list.
    List(Box<Type>),
    /// A map with string keys.
    Map(Box<Type>),
    /// Free-form JSON (e.g. an affinity).
    Object,
    /// A value that may be `none`.
    Optional(Box<Type>),
    /// A model record (`source`, `dest.cpu` …).
    Model(ModelId),
    /// The type of the literal `none`.
    None,
    /// Unknown (after an error; compatible with everything).
    Any,
}

impl Type {
    /// `optional<T>` → `T`; other types unchanged.
    pub fn unwrap_optional(&self) -> &Type {
        match self {
            Type::Optional(t) => t,
            t => t,
        }
    }

    /// Wraps in `optional<…>` unless already optional (or none/any).
    pub fn optional(self) -> Type {
        match self {
            Type::Optional(_) | Type::None | Type::Any => self,
            t => Type::Optional(Box::new(t)),
        }
    }

    /// True for `optional<…>`.
    pub fn is_optional(&self) -> bool {
        matches!(self, Type::Optional(_))
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::String => f.write_str("string"),
            Type::Quantity => f.write_str("quantity"),
            Type::Duration => f.write_str("duration"),
            Type::Enum(e) => f.write_str(e.name()),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Map(t) => write!(f, "map<{t}>"),
            Type::Object => f.write_str("object"),
            Type::Optional(t) => write!(f, "optional<{t}>"),
            Type::Model(m) => f.write_str(m.type_name()),
            Type::None => f.write_str("none"),
            Type::Any => f.write_str("any"),
        }
    }
}

/// Rust types that have a language type (model field types).
pub trait HasType {
    /// The language type.
    fn ty() -> Type;
}

impl HasType for bool {
    fn ty() -> Type {
        Type::Bool
    }
}

impl HasType for i64 {
    fn ty() -> Type {
        Type::Int
    }
}

impl HasType for String {
    fn ty() -> Type {
        Type::String
    }
}

impl HasType for Quantity {
    fn ty() -> Type {
        Type::Quantity
    }
}

impl HasType for Duration {
    fn ty() -> Type {
        Type::Duration
    }
}

impl HasType for serde_json::Value {
    fn ty() -> Type {
        Type::Object
    }
}

impl<T: HasType> HasType for Vec<T> {
    fn ty() -> Type {
        Type::List(Box::new(T::ty()))
    }
}

impl<T: HasType> HasType for Option<T> {
    fn ty() -> Type {
        T::ty().optional()
    }
}

impl<T: HasType> HasType for BTreeMap<String, T> {
    fn ty() -> Type {
        Type::Map(Box::new(T::ty()))
    }
}
