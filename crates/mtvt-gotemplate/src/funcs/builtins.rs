//! Go's `text/template` builtin functions (Go 1.25): comparisons, `and`/`or`/`not`,
//! `len`, `index`, `slice`, `print*`, the escapers and `call`.
//!
//! Exists so comparisons fail where Go fails (`eq 1 "1"` is "incompatible types for
//! comparison") and succeed where Go succeeds (`eq .DiskIndex 0`). Must not
//! short-circuit `and`/`or`; the evaluator does that before calling here.

use super::{CallError, CallResult};
use crate::gofmt;
use crate::value::{GoValue, go_runes, is_go_print};

fn go(msg: impl Into<String>) -> CallError {
    CallError::Go(msg.into())
}

fn fmt_result(r: gofmt::FmtResult) -> CallResult {
    match r {
        Ok(bytes) if bytes.len() > super::sprig_strings::MAX_STRING => {
            Err(CallError::Unsupported(format!(
                "results larger than {} bytes",
                super::sprig_strings::MAX_STRING
            )))
        }
        Ok(bytes) => Ok(GoValue::Str(bytes)),
        Err(what) => Err(CallError::Unsupported(what)),
    }
}

pub(crate) fn and(a: &[GoValue]) -> CallResult {
    let mut last = GoValue::Nil;
    for v in a {
        if !v.truth() {
            return Ok(v.clone());
        }
        last = v.clone();
    }
    Ok(last)
}

pub(crate) fn or(a: &[GoValue]) -> CallResult {
    let mut last = GoValue::Nil;
    for v in a {
        if v.truth() {
            return Ok(v.clone());
        }
        last = v.clone();
    }
    Ok(last)
}

pub(crate) fn not(a: &[GoValue]) -> CallResult {
    Ok(GoValue::Bool(!a.first().is_some_and(GoValue::truth)))
}

/// `call fn args...`; the evaluator prepends the callee's source text as a string.
pub(crate) fn call(a: &[GoValue]) -> CallResult {
    let name = match a.first() {
        Some(GoValue::Str(s)) => String::from_utf8_lossy(s).into_owned(),
        _ => String::new(),
    };
    match a.get(1) {
        None | Some(GoValue::Nil) => Err(go("call of nil")),
        Some(v) => Err(go(format!(
            "non-function {name} of type {}",
            v.type_name().unwrap_or_default()
        ))),
    }
}

pub(crate) fn len(a: &[GoValue]) -> CallResult {
    match a.first() {
        Some(GoValue::Str(s)) => Ok(GoValue::Int(i64::try_from(s.len()).unwrap_or(i64::MAX))),
        None | Some(GoValue::Nil) => Err(go("reflect: call of reflect.Value.Type on zero Value")),
        Some(v) => Err(go(format!(
            "len of type {}",
            v.indirect_type_name().unwrap_or_default()
        ))),
    }
}

/// `indexArg`: an integer index no larger than `cap`.
fn index_arg(index: &GoValue, cap: usize) -> Result<usize, CallError> {
    let x: i64 = match index {
        GoValue::Int(i) | GoValue::Int64(i) => *i,
        GoValue::Uint8(u) => i64::from(*u),
        GoValue::Nil => return Err(go("cannot index slice/array with nil")),
        other => {
            return Err(go(format!(
                "cannot index slice/array with type {}",
                other.type_name().unwrap_or_default()
            )));
        }
    };
    match usize::try_from(x) {
        Ok(i) if i <= cap => Ok(i),
        _ => Err(go(format!("index out of range: {x}"))),
    }
}

pub(crate) fn index(a: &[GoValue]) -> CallResult {
    let mut item = a.first().cloned().unwrap_or(GoValue::Nil);
    if matches!(item, GoValue::Nil) {
        return Err(go("index of untyped nil"));
    }
    for idx in a.iter().skip(1) {
        item = match &item {
            GoValue::Str(s) => {
                let i = index_arg(idx, s.len())?;
                match s.get(i) {
                    Some(&b) => GoValue::Uint8(b),
                    None => return Err(go(format!("index out of range: {i}"))),
                }
            }
            other => {
                return Err(go(format!(
                    "can't index item of type {}",
                    other.indirect_type_name().unwrap_or_default()
                )));
            }
        };
    }
    Ok(item)
}

pub(crate) fn slice(a: &[GoValue]) -> CallResult {
    let item = a.first().cloned().unwrap_or(GoValue::Nil);
    let indexes = a.get(1..).unwrap_or_default();
    let s = match &item {
        GoValue::Nil => return Err(go("slice of untyped nil")),
        _ if indexes.len() > 3 => {
            return Err(go(format!("too many slice indexes: {}", indexes.len())));
        }
        GoValue::Str(s) => s,
        other => {
            return Err(go(format!(
                "can't slice item of type {}",
                other.type_name().unwrap_or_default()
            )));
        }
    };
    if indexes.len() == 3 {
        return Err(go("cannot 3-index slice a string"));
    }
    let mut idx = [0usize, s.len()];
    for (slot, index) in idx.iter_mut().zip(indexes) {
        *slot = index_arg(index, s.len())?;
    }
    let [lo, hi] = idx;
    if lo > hi {
        return Err(go(format!("invalid slice index: {lo} > {hi}")));
    }
    Ok(GoValue::Str(s.get(lo..hi).unwrap_or_default().to_vec()))
}

/// `evalArgs`: one string argument as is, otherwise `fmt.Sprint` of the
/// indirected arguments.
fn eval_args(a: &[GoValue]) -> Result<Vec<u8>, CallError> {
    if let [GoValue::Str(s)] = a {
        return Ok(s.clone());
    }
    let printable: Vec<GoValue> = a
        .iter()
        .map(|v| match v {
            GoValue::Struct(r) if r.pointer => {
                GoValue::Struct(std::rc::Rc::new(crate::value::Record {
                    type_name: r.type_name.clone(),
                    pointer: false,
                    fields: r.fields.clone(),
                }))
            }
            other => other.clone(),
        })
        .collect();
    gofmt::sprint(&printable).map_err(CallError::Unsupported)
}

pub(crate) fn html(a: &[GoValue]) -> CallResult {
    let s = eval_args(a)?;
    let mut out = Vec::with_capacity(s.len());
    for &c in &s {
        match c {
            b'"' => out.extend_from_slice(b"&#34;"),
            b'\'' => out.extend_from_slice(b"&#39;"),
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            0 => out.extend_from_slice("\u{FFFD}".as_bytes()),
            other => out.push(other),
        }
    }
    fmt_result(Ok(out))
}

pub(crate) fn js(a: &[GoValue]) -> CallResult {
    let s = eval_args(a)?;
    let mut out = Vec::with_capacity(s.len());
    let mut offset = 0;
    for r in go_runes(&s) {
        let raw = s.get(offset..offset + r.width).unwrap_or_default();
        offset += r.width;
        let c = r.ch;
        if r.invalid {
            // An invalid byte decodes as U+FFFD, which is printable: copied as is.
            out.extend_from_slice(raw);
            continue;
        }
        match c {
            '\\' => out.extend_from_slice(b"\\\\"),
            '\'' => out.extend_from_slice(b"\\'"),
            '"' => out.extend_from_slice(b"\\\""),
            '<' => out.extend_from_slice(b"\\u003C"),
            '>' => out.extend_from_slice(b"\\u003E"),
            '&' => out.extend_from_slice(b"\\u0026"),
            '=' => out.extend_from_slice(b"\\u003D"),
            c if c < ' ' => out.extend_from_slice(format!("\\u{:04X}", u32::from(c)).as_bytes()),
            c if c.is_ascii() => out.push(c as u8),
            c if is_go_print(c) => out.extend_from_slice(raw),
            c => out.extend_from_slice(format!("\\u{:04X}", u32::from(c)).as_bytes()),
        }
    }
    fmt_result(Ok(out))
}

pub(crate) fn urlquery(a: &[GoValue]) -> CallResult {
    let s = eval_args(a)?;
    let mut out = Vec::with_capacity(s.len());
    for &c in &s {
        match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(c),
            b' ' => out.push(b'+'),
            other => out.extend_from_slice(format!("%{other:02X}").as_bytes()),
        }
    }
    fmt_result(Ok(out))
}

pub(crate) fn print(a: &[GoValue]) -> CallResult {
    fmt_result(gofmt::sprint(a))
}

pub(crate) fn println(a: &[GoValue]) -> CallResult {
    fmt_result(gofmt::sprintln(a))
}

pub(crate) fn printf(a: &[GoValue]) -> CallResult {
    let format = match a.first() {
        Some(GoValue::Str(s)) => s.as_slice(),
        _ => &[],
    };
    fmt_result(gofmt::sprintf(format, a.get(1..).unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_and_escapers() {
        assert!(matches!(len(&[GoValue::str("héllo")]), Ok(GoValue::Int(6))));
        assert_eq!(len(&[GoValue::Int(3)]).unwrap_err(), go("len of type int"));
        assert!(matches!(
            index(&[GoValue::str("abc"), GoValue::Int(1)]),
            Ok(GoValue::Uint8(b'b'))
        ));
        assert_eq!(
            index(&[GoValue::str("abc"), GoValue::Int(3)]).unwrap_err(),
            go("index out of range: 3")
        );
        assert_eq!(
            index(&[GoValue::Int(1), GoValue::Int(0)]).unwrap_err(),
            go("can't index item of type int")
        );
        let sliced = slice(&[GoValue::str("abcdef"), GoValue::Int(1), GoValue::Int(3)]).unwrap();
        assert!(matches!(sliced, GoValue::Str(ref s) if s == b"bc"));
        assert_eq!(
            slice(&[GoValue::str("abc"), GoValue::Int(2), GoValue::Int(1)]).unwrap_err(),
            go("invalid slice index: 2 > 1")
        );
        let h = html(&[GoValue::str("<a href=\"x\">&'")]).unwrap();
        assert!(matches!(h, GoValue::Str(ref s) if s == b"&lt;a href=&#34;x&#34;&gt;&amp;&#39;"));
        let j = js(&[GoValue::str("a'b<c=\n")]).unwrap();
        assert!(matches!(j, GoValue::Str(ref s) if s == b"a\\'b\\u003Cc\\u003D\\u000A"));
        let u = urlquery(&[GoValue::str("a b/c")]).unwrap();
        assert!(matches!(u, GoValue::Str(ref s) if s == b"a+b%2Fc"));
        let joined = html(&[GoValue::Int(1), GoValue::Int(2)]).unwrap();
        assert!(matches!(joined, GoValue::Str(ref s) if s == b"1 2"));
        assert!(matches!(not(&[GoValue::str("")]), Ok(GoValue::Bool(true))));
        assert!(matches!(
            and(&[GoValue::Int(1), GoValue::Int(0), GoValue::Int(2)]),
            Ok(GoValue::Int(0))
        ));
        assert!(matches!(
            or(&[GoValue::Int(0), GoValue::str("x")]),
            Ok(GoValue::Str(_))
        ));
        assert_eq!(
            call(&[GoValue::str(".VmName"), GoValue::str("x")]).unwrap_err(),
            go("non-function .VmName of type string")
        );
    }
}
