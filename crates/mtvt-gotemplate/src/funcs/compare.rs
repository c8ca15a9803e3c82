//! Go's comparison builtins `eq ne lt le gt ge` (Go 1.18+ semantics): basic kinds,
//! signed/unsigned integer mixing, "incompatible types for comparison" and
//! "invalid type for comparison".
//!
//! Exists so comparisons fail and succeed exactly where Go's do.

use super::{CallError, CallResult};
use crate::value::GoValue;

fn go(msg: impl Into<String>) -> CallError {
    CallError::Go(msg.into())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BasicKind {
    Bool,
    Int,
    Uint,
    Float,
    Str,
}

fn basic_kind(v: &GoValue) -> Option<BasicKind> {
    match v {
        GoValue::Bool(_) => Some(BasicKind::Bool),
        GoValue::Int(_) | GoValue::Int64(_) => Some(BasicKind::Int),
        GoValue::Uint8(_) => Some(BasicKind::Uint),
        GoValue::Float(_) => Some(BasicKind::Float),
        GoValue::Str(_) => Some(BasicKind::Str),
        GoValue::Nil | GoValue::Struct(_) => None,
    }
}

const BAD_TYPE: &str = "invalid type for comparison";
const INCOMPATIBLE: &str = "incompatible types for comparison";

fn int_of(v: &GoValue) -> i64 {
    match v {
        GoValue::Int(i) | GoValue::Int64(i) => *i,
        _ => 0,
    }
}

fn uint_of(v: &GoValue) -> u64 {
    match v {
        GoValue::Uint8(u) => u64::from(*u),
        _ => 0,
    }
}

/// `eq arg1 arg2...`: true when arg1 equals any of the others.
fn eq_values(a1: &GoValue, others: &[GoValue]) -> Result<bool, CallError> {
    if others.is_empty() {
        return Err(go("missing argument for comparison"));
    }
    let k1 = basic_kind(a1);
    for a2 in others {
        let k2 = basic_kind(a2);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (Some(BasicKind::Int), Some(BasicKind::Uint)) => {
                    int_of(a1) >= 0 && int_of(a1).unsigned_abs() == uint_of(a2)
                }
                (Some(BasicKind::Uint), Some(BasicKind::Int)) => {
                    int_of(a2) >= 0 && uint_of(a1) == int_of(a2).unsigned_abs()
                }
                _ => {
                    if !matches!(a1, GoValue::Nil) && !matches!(a2, GoValue::Nil) {
                        return Err(go(INCOMPATIBLE));
                    }
                    false
                }
            }
        } else {
            match (a1, a2) {
                (GoValue::Bool(x), GoValue::Bool(y)) => x == y,
                (GoValue::Str(x), GoValue::Str(y)) => x == y,
                (GoValue::Float(x), GoValue::Float(y)) => x == y,
                (GoValue::Uint8(x), GoValue::Uint8(y)) => x == y,
                (GoValue::Nil, GoValue::Nil) => true,
                (GoValue::Struct(x), GoValue::Struct(y)) => std::rc::Rc::ptr_eq(x, y),
                (GoValue::Nil, GoValue::Struct(_)) | (GoValue::Struct(_), GoValue::Nil) => false,
                _ => int_of(a1) == int_of(a2),
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt_values(a1: &GoValue, a2: &GoValue) -> Result<bool, CallError> {
    let k1 = basic_kind(a1).ok_or_else(|| go(BAD_TYPE))?;
    let k2 = basic_kind(a2).ok_or_else(|| go(BAD_TYPE))?;
    if k1 != k2 {
        return match (k1, k2) {
            (BasicKind::Int, BasicKind::Uint) => {
                Ok(int_of(a1) < 0 || int_of(a1).unsigned_abs() < uint_of(a2))
            }
            (BasicKind::Uint, BasicKind::Int) => {
                Ok(int_of(a2) >= 0 && uint_of(a1) < int_of(a2).unsigned_abs())
            }
            _ => Err(go(INCOMPATIBLE)),
        };
    }
    match (a1, a2) {
        (GoValue::Bool(_), _) => Err(go(BAD_TYPE)),
        (GoValue::Str(x), GoValue::Str(y)) => Ok(x < y),
        (GoValue::Float(x), GoValue::Float(y)) => Ok(x < y),
        (GoValue::Uint8(x), GoValue::Uint8(y)) => Ok(x < y),
        _ => Ok(int_of(a1) < int_of(a2)),
    }
}

fn two(a: &[GoValue]) -> (GoValue, GoValue) {
    (
        a.first().cloned().unwrap_or(GoValue::Nil),
        a.get(1).cloned().unwrap_or(GoValue::Nil),
    )
}

pub(crate) fn eq(a: &[GoValue]) -> CallResult {
    let first = a.first().cloned().unwrap_or(GoValue::Nil);
    Ok(GoValue::Bool(eq_values(
        &first,
        a.get(1..).unwrap_or_default(),
    )?))
}

pub(crate) fn ne(a: &[GoValue]) -> CallResult {
    let (x, y) = two(a);
    Ok(GoValue::Bool(!eq_values(&x, &[y])?))
}

pub(crate) fn lt(a: &[GoValue]) -> CallResult {
    let (x, y) = two(a);
    Ok(GoValue::Bool(lt_values(&x, &y)?))
}

fn le_values(x: &GoValue, y: &GoValue) -> Result<bool, CallError> {
    if lt_values(x, y)? {
        return Ok(true);
    }
    eq_values(x, std::slice::from_ref(y))
}

pub(crate) fn le(a: &[GoValue]) -> CallResult {
    let (x, y) = two(a);
    Ok(GoValue::Bool(le_values(&x, &y)?))
}

pub(crate) fn gt(a: &[GoValue]) -> CallResult {
    let (x, y) = two(a);
    Ok(GoValue::Bool(!le_values(&x, &y)?))
}

pub(crate) fn ge(a: &[GoValue]) -> CallResult {
    let (x, y) = two(a);
    Ok(GoValue::Bool(!lt_values(&x, &y)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(r: CallResult) -> bool {
        match r.unwrap() {
            GoValue::Bool(v) => v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn comparisons() {
        assert!(b(eq(&[GoValue::Int(1), GoValue::Int64(1)])));
        assert!(b(eq(&[GoValue::Int(1), GoValue::Int(2), GoValue::Int(1)])));
        assert!(b(eq(&[GoValue::str("a"), GoValue::str("a")])));
        assert!(b(eq(&[GoValue::Uint8(97), GoValue::Int(97)])));
        assert_eq!(
            eq(&[GoValue::Int(1), GoValue::str("1")]).unwrap_err(),
            go(INCOMPATIBLE)
        );
        assert_eq!(
            eq(&[GoValue::Int(1)]).unwrap_err(),
            go("missing argument for comparison")
        );
        assert!(!b(eq(&[GoValue::Nil, GoValue::Int(1)])));
        assert!(b(lt(&[GoValue::str("a"), GoValue::str("b")])));
        assert!(b(le(&[GoValue::Int(2), GoValue::Int(2)])));
        assert!(b(gt(&[GoValue::Float(2.5), GoValue::Float(1.0)])));
        assert!(!b(ge(&[GoValue::Int(-1), GoValue::Uint8(0)])));
        assert_eq!(
            lt(&[GoValue::Bool(true), GoValue::Bool(false)]).unwrap_err(),
            go(BAD_TYPE)
        );
        assert_eq!(
            lt(&[GoValue::Int(1), GoValue::Float(1.0)]).unwrap_err(),
            go(INCOMPATIBLE)
        );
        assert_eq!(
            lt(&[GoValue::Nil, GoValue::Int(1)]).unwrap_err(),
            go(BAD_TYPE)
        );
        assert!(b(ne(&[GoValue::Int(1), GoValue::Int(2)])));
    }
}
