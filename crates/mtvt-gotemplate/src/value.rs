//! Runtime values of the evaluator, typed like the Go values Forklift's templates see.
//!
//! Exists because Go's rules depend on the dynamic type (`int` vs `int64` for
//! `trunc`, `uint8` from `index`, `float64` from `floor`), so one "number" type would
//! drift from the controller. Must not implement any function; only types, names,
//! truthiness and UTF-8 decoding the Go way.

use std::rc::Rc;

/// A Go value as the template engine handles it.
#[derive(Debug, Clone)]
pub(crate) enum GoValue {
    /// The invalid `reflect.Value` (untyped `nil`).
    Nil,
    /// `string` (Go strings are bytes and may hold invalid UTF-8).
    Str(Vec<u8>),
    /// `int`.
    Int(i64),
    /// `int64` (Sprig arithmetic results).
    Int64(i64),
    /// `uint8` (a byte from `index` on a string).
    Uint8(u8),
    /// `float64` (`floor`, `ceil`, `round`, float literals).
    Float(f64),
    /// `bool`.
    Bool(bool),
    /// The template data (`.`), a struct or a pointer to one.
    Struct(Rc<Record>),
}

/// The template data: a Go struct with ordered fields.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    /// Type name without `*`, e.g. `v1beta1.PVCNameTemplateData`.
    pub(crate) type_name: String,
    /// Whether `.` is a pointer to the struct (Forklift's builders pass pointers).
    pub(crate) pointer: bool,
    /// Field names and values in declaration order.
    pub(crate) fields: Vec<(String, GoValue)>,
}

impl Record {
    pub(crate) fn field(&self, name: &str) -> Option<&GoValue> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

impl GoValue {
    pub(crate) fn str(s: &str) -> Self {
        GoValue::Str(s.as_bytes().to_vec())
    }

    /// `reflect.Type.String()`; `None` for the invalid value.
    pub(crate) fn type_name(&self) -> Option<String> {
        Some(match self {
            GoValue::Nil => return None,
            GoValue::Str(_) => "string".into(),
            GoValue::Int(_) => "int".into(),
            GoValue::Int64(_) => "int64".into(),
            GoValue::Uint8(_) => "uint8".into(),
            GoValue::Float(_) => "float64".into(),
            GoValue::Bool(_) => "bool".into(),
            GoValue::Struct(r) if r.pointer => format!("*{}", r.type_name),
            GoValue::Struct(r) => r.type_name.clone(),
        })
    }

    /// The type after following one pointer (`indirect`), as Go names it.
    pub(crate) fn indirect_type_name(&self) -> Option<String> {
        match self {
            GoValue::Struct(r) => Some(r.type_name.clone()),
            other => other.type_name(),
        }
    }

    /// `template.IsTrue` (every value here has a truth value).
    pub(crate) fn truth(&self) -> bool {
        match self {
            GoValue::Nil => false,
            GoValue::Str(s) => !s.is_empty(),
            GoValue::Int(i) | GoValue::Int64(i) => *i != 0,
            GoValue::Uint8(u) => *u != 0,
            GoValue::Float(f) => *f != 0.0,
            GoValue::Bool(b) => *b,
            GoValue::Struct(_) => true,
        }
    }
}

/// One rune of a Go string: invalid bytes decode as U+FFFD with width 1, like
/// `utf8.DecodeRuneInString`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GoRune {
    pub(crate) ch: char,
    pub(crate) width: usize,
    pub(crate) invalid: bool,
}

/// Decodes a Go string rune by rune.
pub(crate) fn go_runes(bytes: &[u8]) -> Vec<GoRune> {
    let mut out = Vec::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for ch in chunk.valid().chars() {
            out.push(GoRune {
                ch,
                width: ch.len_utf8(),
                invalid: false,
            });
        }
        for _ in chunk.invalid() {
            out.push(GoRune {
                ch: char::REPLACEMENT_CHARACTER,
                width: 1,
                invalid: true,
            });
        }
    }
    out
}

/// Number of runes (`utf8.RuneCount`).
pub(crate) fn rune_count(bytes: &[u8]) -> usize {
    go_runes(bytes).len()
}

/// `unicode.IsSpace`.
pub(crate) fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// Appends the UTF-8 encoding of `c`.
pub(crate) fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// `unicode.IsPrint` approximated with the standard library (letters, marks,
/// numbers, punctuation, symbols and U+0020; not controls, other spaces, format
/// characters, private use or non-characters).
pub(crate) fn is_go_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = u32::from(c);
    !matches!(u,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF
        | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF | 0xFDD0..=0xFDEF
        | 0xF0000..=0x10FFFF)
        && (u & 0xFFFE) != 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_bytes_are_one_rune_each() {
        let runes = go_runes(&[b'a', 0xE2, 0x82, b'b', 0xFF]);
        let chars: Vec<char> = runes.iter().map(|r| r.ch).collect();
        assert_eq!(chars, vec!['a', '\u{FFFD}', '\u{FFFD}', 'b', '\u{FFFD}']);
        assert_eq!(rune_count("é".as_bytes()), 1);
    }

    #[test]
    fn truthiness_and_types() {
        assert!(!GoValue::Nil.truth());
        assert!(!GoValue::str("").truth());
        assert!(GoValue::Int(-1).truth());
        assert!(!GoValue::Float(0.0).truth());
        assert_eq!(GoValue::Int64(1).type_name().as_deref(), Some("int64"));
        assert_eq!(GoValue::Nil.type_name(), None);
        assert!(is_go_print('é') && !is_go_print('\u{200B}') && !is_go_print('\u{A0}'));
    }
}
