//! `strconv.Quote`, `QuoteToASCII`, `QuoteRune`, `CanBackquote`, and fmt's `%#U`
//! rendering of a rune (used in lexer errors).
//!
//! Exists because quoting appears in `%q` output and in Go's error texts. Printable
//! means `unicode.IsPrint` as approximated in `value.rs`.

use crate::value::{go_runes, is_go_print};

/// `strconv.CanBackquote`.
pub(super) fn can_backquote(s: &[u8]) -> bool {
    for r in go_runes(s) {
        if r.width > 1 {
            if r.ch == '\u{feff}' {
                return false;
            }
            continue;
        }
        if r.invalid {
            return false;
        }
        let c = r.ch;
        if (c < ' ' && c != '\t') || c == '`' || c == '\u{7f}' {
            return false;
        }
    }
    true
}

fn append_escaped_rune(out: &mut String, r: char, quote: char, ascii_only: bool) {
    if r == quote || r == '\\' {
        out.push('\\');
        out.push(r);
        return;
    }
    if ascii_only {
        if r.is_ascii() && is_go_print(r) {
            out.push(r);
            return;
        }
    } else if is_go_print(r) {
        out.push(r);
        return;
    }
    match r {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
        c if u32::from(c) < 0x10000 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
        c => out.push_str(&format!("\\U{:08x}", u32::from(c))),
    }
}

/// `strconv.Quote` (or `QuoteToASCII` when `ascii_only`) of a Go string.
pub(crate) fn quote_bytes(s: &[u8], ascii_only: bool) -> String {
    let mut out = String::from("\"");
    let mut offset = 0;
    for r in go_runes(s) {
        if r.invalid {
            let byte = s.get(offset).copied().unwrap_or(0);
            out.push_str(&format!("\\x{byte:02x}"));
        } else {
            append_escaped_rune(&mut out, r.ch, '"', ascii_only);
        }
        offset += r.width;
    }
    out.push('"');
    out
}

/// `strconv.Quote` of a Rust string (for messages).
pub(crate) fn quote_str(s: &str) -> String {
    quote_bytes(s.as_bytes(), false)
}

/// `strconv.QuoteRune` / `QuoteRuneToASCII`.
pub(super) fn quote_rune(r: char, ascii_only: bool) -> String {
    let mut out = String::from("'");
    append_escaped_rune(&mut out, r, '\'', ascii_only);
    out.push('\'');
    out
}

/// `fmt`'s `%#U`-style `U+0023 '#'` rendering of a rune (`%#U` in lexer errors).
pub(crate) fn unicode_name(c: char) -> String {
    if is_go_print(c) {
        format!("U+{:04X} '{c}'", u32::from(c))
    } else {
        format!("U+{:04X}", u32::from(c))
    }
}
