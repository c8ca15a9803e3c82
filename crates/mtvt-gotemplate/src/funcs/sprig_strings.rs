//! Sprig's string functions as Forklift registers them (Sprig v3.3.0, goutils
//! v1.1.1), arguments in Sprig order: the subject comes last.
//!
//! Exists to reproduce their exact results, including the odd ones (`nospace` and
//! `initials` work on bytes, `substr` panics out of range, `repeat` panics on a
//! negative count). Must not accept argument types Go would reject: the evaluator
//! has already checked them against the signatures in `funcs/mod.rs`.

use super::gostrings::{
    find, lower_rune, replace_all, title as go_title, to_lower, to_upper, trim_cutset, trim_space,
};
use super::{CallError, CallResult, int_arg, str_arg};
use crate::value::{GoValue, go_runes, is_go_space, push_char};

/// Largest string a function may produce; Go has no limit, but no valid name is
/// anywhere near it and unbounded growth would let a template exhaust memory.
pub(crate) const MAX_STRING: usize = 1 << 20;

fn too_large() -> CallError {
    CallError::Unsupported(format!("results larger than {MAX_STRING} bytes"))
}

fn out(bytes: Vec<u8>) -> CallResult {
    if bytes.len() > MAX_STRING {
        return Err(too_large());
    }
    Ok(GoValue::Str(bytes))
}

fn runtime(msg: String) -> CallError {
    CallError::Go(format!("runtime error: {msg}"))
}

pub(crate) fn lower(a: &[GoValue]) -> CallResult {
    out(to_lower(str_arg(a, 0)))
}

pub(crate) fn upper(a: &[GoValue]) -> CallResult {
    out(to_upper(str_arg(a, 0)))
}

/// `contains substr str`
pub(crate) fn contains(a: &[GoValue]) -> CallResult {
    Ok(GoValue::Bool(find(str_arg(a, 1), str_arg(a, 0)).is_some()))
}

/// `replace old new src`
pub(crate) fn replace(a: &[GoValue]) -> CallResult {
    let result = replace_all(str_arg(a, 2), str_arg(a, 0), str_arg(a, 1), MAX_STRING)
        .ok_or_else(too_large)?;
    out(result)
}

pub(crate) fn trim(a: &[GoValue]) -> CallResult {
    out(trim_space(str_arg(a, 0)).to_vec())
}

/// `trimAll cutset str`
pub(crate) fn trim_all(a: &[GoValue]) -> CallResult {
    out(trim_cutset(str_arg(a, 1), str_arg(a, 0)).to_vec())
}

/// `trimSuffix suffix str`
pub(crate) fn trim_suffix(a: &[GoValue]) -> CallResult {
    let s = str_arg(a, 1);
    out(s.strip_suffix(str_arg(a, 0)).unwrap_or(s).to_vec())
}

/// `trimPrefix prefix str`
pub(crate) fn trim_prefix(a: &[GoValue]) -> CallResult {
    let s = str_arg(a, 1);
    out(s.strip_prefix(str_arg(a, 0)).unwrap_or(s).to_vec())
}

pub(crate) fn title(a: &[GoValue]) -> CallResult {
    out(go_title(str_arg(a, 0)))
}

/// goutils `Uncapitalize`: lower-cases the first rune of each space-separated word.
pub(crate) fn untitle(a: &[GoValue]) -> CallResult {
    let s = str_arg(a, 0);
    if s.is_empty() {
        return out(Vec::new());
    }
    let mut result = Vec::with_capacity(s.len());
    let mut next = true;
    for r in go_runes(s) {
        if is_go_space(r.ch) && !r.invalid {
            next = true;
            push_char(&mut result, r.ch);
        } else if next {
            push_char(&mut result, lower_rune(r.ch));
            next = false;
        } else {
            push_char(&mut result, r.ch);
        }
    }
    out(result)
}

/// `repeat count str` (`strings.Repeat`).
pub(crate) fn repeat(a: &[GoValue]) -> CallResult {
    let count = int_arg(a, 0);
    let s = str_arg(a, 1);
    if count < 0 {
        return Err(CallError::Go("strings: negative Repeat count".into()));
    }
    let total = (s.len() as u128) * u128::from(count.unsigned_abs());
    if total > i64::MAX as u128 {
        return Err(CallError::Go(
            "strings: Repeat output length overflow".into(),
        ));
    }
    if total > MAX_STRING as u128 {
        return Err(too_large());
    }
    out(s.repeat(usize::try_from(count).unwrap_or(0)))
}

/// `substr start end str` (Sprig `substring`, byte offsets, panics out of range).
pub(crate) fn substr(a: &[GoValue]) -> CallResult {
    let (start, end, s) = (int_arg(a, 0), int_arg(a, 1), str_arg(a, 2));
    let len = i64::try_from(s.len()).unwrap_or(i64::MAX);
    let slice = |from: i64, to: i64| {
        s.get(usize::try_from(from).unwrap_or(0)..usize::try_from(to).unwrap_or(0))
            .unwrap_or_default()
            .to_vec()
    };
    if start < 0 {
        if end < 0 {
            return Err(runtime(format!("slice bounds out of range [:{end}]")));
        }
        if end > len {
            return Err(runtime(format!(
                "slice bounds out of range [:{end}] with length {len}"
            )));
        }
        return out(slice(0, end));
    }
    if end < 0 || end > len {
        if start > len {
            return Err(runtime(format!(
                "slice bounds out of range [{start}:{len}]"
            )));
        }
        return out(slice(start, len));
    }
    if start > end {
        return Err(runtime(format!(
            "slice bounds out of range [{start}:{end}]"
        )));
    }
    out(slice(start, end))
}

/// goutils `DeleteWhiteSpace`: works byte by byte, reading each byte as a Latin-1
/// rune (so non-ASCII text is re-encoded, and bytes 0x85/0xA0 count as spaces).
pub(crate) fn nospace(a: &[GoValue]) -> CallResult {
    let s = str_arg(a, 0);
    let mut result = Vec::with_capacity(s.len());
    let mut kept = 0;
    for &b in s {
        let ch = char::from(b);
        if !is_go_space(ch) {
            push_char(&mut result, ch);
            kept += 1;
        }
    }
    if kept == s.len() {
        return out(s.to_vec());
    }
    out(result)
}

/// `trunc n str`: first n bytes, or for negative n the last -n bytes.
pub(crate) fn trunc(a: &[GoValue]) -> CallResult {
    let (c, s) = (int_arg(a, 0), str_arg(a, 1));
    let len = i64::try_from(s.len()).unwrap_or(i64::MAX);
    let at = |i: i64| usize::try_from(i).unwrap_or(0);
    if c < 0 && len + c > 0 {
        return out(s.get(at(len + c)..).unwrap_or_default().to_vec());
    }
    if c >= 0 && len > c {
        return out(s.get(..at(c)).unwrap_or_default().to_vec());
    }
    out(s.to_vec())
}

/// goutils `Initials`: the first byte of each space-separated word (as a Latin-1 rune).
pub(crate) fn initials(a: &[GoValue]) -> CallResult {
    let s = str_arg(a, 0);
    let mut result = Vec::new();
    let mut last_was_gap = true;
    for &b in s {
        let ch = char::from(b);
        if is_go_space(ch) {
            last_was_gap = true;
        } else if last_was_gap {
            push_char(&mut result, ch);
            last_was_gap = false;
        }
    }
    out(result)
}

/// `hasPrefix prefix str`
pub(crate) fn has_prefix(a: &[GoValue]) -> CallResult {
    Ok(GoValue::Bool(str_arg(a, 1).starts_with(str_arg(a, 0))))
}

/// `hasSuffix suffix str`
pub(crate) fn has_suffix(a: &[GoValue]) -> CallResult {
    Ok(GoValue::Bool(str_arg(a, 1).ends_with(str_arg(a, 0))))
}

/// `mustRegexReplaceAll regex str replacement` with `$1`/`${name}` expansion.
pub(crate) fn must_regex_replace_all(a: &[GoValue]) -> CallResult {
    let pattern = String::from_utf8_lossy(str_arg(a, 0)).into_owned();
    let translated = super::translate_regex(&pattern);
    let re = regex::bytes::RegexBuilder::new(&translated)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| CallError::Go(format!("error parsing regexp: {}", regex_message(&e))))?;
    let result = re.replace_all(str_arg(a, 1), str_arg(a, 2));
    out(result.into_owned())
}

/// The last line of the `regex` crate's error ("error: unclosed group").
fn regex_message(e: &regex::Error) -> String {
    let text = e.to_string();
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid pattern");
    line.trim().trim_start_matches("error: ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> GoValue {
        GoValue::str(v)
    }

    fn text(r: CallResult) -> String {
        match r.unwrap() {
            GoValue::Str(b) => String::from_utf8(b).unwrap(),
            other => panic!("not a string: {other:?}"),
        }
    }

    #[test]
    fn upstream_examples() {
        assert_eq!(text(lower(&[s("TEXT")])), "text");
        assert_eq!(text(upper(&[s("text")])), "TEXT");
        assert!(matches!(
            contains(&[s("lo"), s("hello")]),
            Ok(GoValue::Bool(true))
        ));
        assert_eq!(
            text(replace(&[s(" "), s("-"), s("I Am Henry VIII")])),
            "I-Am-Henry-VIII"
        );
        assert_eq!(text(trim(&[s("  text  ")])), "text");
        assert_eq!(text(trim_all(&[s("$"), s("$5.00$")])), "5.00");
        assert_eq!(text(trim_suffix(&[s(".go"), s("file.go")])), "file");
        assert_eq!(text(trim_prefix(&[s("go."), s("go.file")])), "file");
        assert_eq!(text(title(&[s("hello world")])), "Hello World");
        assert_eq!(text(untitle(&[s("Hello World")])), "hello world");
        assert_eq!(text(repeat(&[GoValue::Int(3), s("abc")])), "abcabcabc");
        assert_eq!(
            text(substr(&[GoValue::Int(1), GoValue::Int(4), s("abcdef")])),
            "bcd"
        );
        assert_eq!(text(nospace(&[s("a b  c")])), "abc");
        assert_eq!(text(trunc(&[GoValue::Int(3), s("abcdef")])), "abc");
        assert_eq!(text(initials(&[s("John Doe")])), "JD");
        assert!(matches!(
            has_prefix(&[s("go"), s("golang")]),
            Ok(GoValue::Bool(true))
        ));
        assert!(matches!(
            has_suffix(&[s("ing"), s("coding")]),
            Ok(GoValue::Bool(true))
        ));
        assert_eq!(
            text(must_regex_replace_all(&[
                s("a(x*)b"),
                s("-ab-axxb-"),
                s("${1}W")
            ])),
            "-W-xxW-"
        );
    }

    #[test]
    fn edge_cases() {
        assert_eq!(text(trunc(&[GoValue::Int(-2), s("abcdef")])), "ef");
        assert_eq!(text(trunc(&[GoValue::Int(-10), s("abc")])), "abc");
        assert_eq!(text(trunc(&[GoValue::Int(10), s("abc")])), "abc");
        assert_eq!(
            text(substr(&[GoValue::Int(-1), GoValue::Int(2), s("abc")])),
            "ab"
        );
        assert_eq!(
            text(substr(&[GoValue::Int(1), GoValue::Int(-1), s("abc")])),
            "bc"
        );
        assert_eq!(
            text(substr(&[GoValue::Int(1), GoValue::Int(99), s("abc")])),
            "bc"
        );
        assert_eq!(
            substr(&[GoValue::Int(-1), GoValue::Int(10), s("abc")]).unwrap_err(),
            CallError::Go("runtime error: slice bounds out of range [:10] with length 3".into())
        );
        assert_eq!(
            substr(&[GoValue::Int(5), GoValue::Int(-1), s("abc")]).unwrap_err(),
            CallError::Go("runtime error: slice bounds out of range [5:3]".into())
        );
        assert_eq!(
            substr(&[GoValue::Int(2), GoValue::Int(1), s("abc")]).unwrap_err(),
            CallError::Go("runtime error: slice bounds out of range [2:1]".into())
        );
        assert_eq!(
            substr(&[GoValue::Int(-1), GoValue::Int(-2), s("abc")]).unwrap_err(),
            CallError::Go("runtime error: slice bounds out of range [:-2]".into())
        );
        assert_eq!(
            repeat(&[GoValue::Int(-1), s("a")]).unwrap_err(),
            CallError::Go("strings: negative Repeat count".into())
        );
        assert!(matches!(
            repeat(&[GoValue::Int(1 << 40), s("ab")]),
            Err(CallError::Unsupported(_))
        ));
        assert_eq!(text(repeat(&[GoValue::Int(1 << 40), s("")])), "");
        assert_eq!(
            text(nospace(&[s("é x")])),
            "Ã©x",
            "byte-wise, as goutils does"
        );
        assert_eq!(text(initials(&[s("émile zola")])), "Ãz");
        assert_eq!(text(untitle(&[s("ABC DEF")])), "aBC dEF");
        let err = must_regex_replace_all(&[s("(a"), s("x"), s("y")]).unwrap_err();
        assert!(
            matches!(&err, CallError::Go(m) if m.starts_with("error parsing regexp: ")),
            "{err:?}"
        );
        // Go's RE2 empty-match rule: an empty match right after a match is skipped.
        assert_eq!(
            text(must_regex_replace_all(&[s("a*"), s("baaac"), s("-")])),
            "-b-c-"
        );
        assert_eq!(
            text(must_regex_replace_all(&[s(r"\d"), s("a1٣"), s("#")])),
            "a#٣"
        );
    }
}
