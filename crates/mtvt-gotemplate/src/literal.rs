//! Go `strconv` rules for template literals and for Sprig's string-to-number casts:
//! `ParseInt`/`ParseUint` with base 0, `ParseFloat`, `Unquote` and `UnquoteChar`.
//!
//! Exists because number and string literals must be accepted or rejected exactly
//! like Go (`0x1F`, `1_000`, `'a'`, `"\x41"`, `08`...). Must not know about
//! templates: callers turn `None`/`Err` into template errors.

/// Go's `strconv.ErrSyntax` text, which the template parser reports verbatim.
pub(crate) const INVALID_SYNTAX: &str = "invalid syntax";

fn lower(c: u8) -> u8 {
    c | 0x20
}

/// `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &[u8]) -> bool {
    let mut saw = b'^';
    let mut s = s;
    if let Some((&first, rest)) = s.split_first()
        && (first == b'-' || first == b'+')
    {
        s = rest;
    }
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2
        && s.first() == Some(&b'0')
        && s.get(1)
            .is_some_and(|&c| matches!(lower(c), b'b' | b'o' | b'x'))
    {
        i = 2;
        saw = b'0';
        hex = s.get(1).is_some_and(|&c| lower(c) == b'x');
    }
    while let Some(&c) = s.get(i) {
        i += 1;
        if c.is_ascii_digit() || (hex && (b'a'..=b'f').contains(&lower(c))) {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// `strconv.ParseUint(s, 0, 64)`; `None` on syntax or range error.
pub(crate) fn parse_uint(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let s0 = s;
    let mut base: u64 = 10;
    let mut digits = s;
    if s.first() == Some(&b'0') {
        let second = s.get(1).map(|&c| lower(c));
        if s.len() >= 3 && second == Some(b'b') {
            base = 2;
            digits = s.get(2..).unwrap_or_default();
        } else if s.len() >= 3 && second == Some(b'o') {
            base = 8;
            digits = s.get(2..).unwrap_or_default();
        } else if s.len() >= 3 && second == Some(b'x') {
            base = 16;
            digits = s.get(2..).unwrap_or_default();
        } else {
            base = 8;
            digits = s.get(1..).unwrap_or_default();
        }
    }
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        let d = if c == b'_' {
            underscores = true;
            continue;
        } else if c.is_ascii_digit() {
            u64::from(c - b'0')
        } else if lower(c).is_ascii_lowercase() {
            u64::from(lower(c) - b'a' + 10)
        } else {
            return None;
        };
        if d >= base {
            return None;
        }
        n = n.checked_mul(base)?.checked_add(d)?;
    }
    if underscores && !underscore_ok(s0) {
        return None;
    }
    Some(n)
}

/// `strconv.ParseInt(s, 0, 64)`; `None` on syntax or range error.
pub(crate) fn parse_int(s: &[u8]) -> Option<i64> {
    let (neg, rest) = match s.split_first() {
        Some((b'+', rest)) => (false, rest),
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let un = parse_uint(rest)?;
    if neg {
        if un > 1u64 << 63 {
            return None;
        }
        Some(0i64.wrapping_sub_unsigned(un))
    } else {
        i64::try_from(un).ok()
    }
}

/// `strconv.ParseFloat(s, 64)`; `None` on syntax error or overflow to infinity.
pub(crate) fn parse_float(s: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(s).ok()?;
    let (neg, body) = match text.as_bytes().first() {
        Some(b'+') => (false, text.get(1..)?),
        Some(b'-') => (true, text.get(1..)?),
        _ => (false, text),
    };
    let signed = |v: f64| if neg { -v } else { v };
    match body.to_ascii_lowercase().as_str() {
        "inf" | "infinity" => return Some(signed(f64::INFINITY)),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if body.contains('_') && !underscore_ok(body.as_bytes()) {
        return None;
    }
    let cleaned: String = body.chars().filter(|&c| c != '_').collect();
    let lowered = cleaned.to_ascii_lowercase();
    if let Some(hex) = lowered.strip_prefix("0x") {
        return parse_hex_float(hex).map(signed);
    }
    if cleaned.is_empty()
        || !cleaned
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        || !cleaned.bytes().any(|c| c.is_ascii_digit())
    {
        return None;
    }
    let value: f64 = cleaned.parse().ok()?;
    if value.is_infinite() {
        return None; // ErrRange
    }
    Some(signed(value))
}

/// Hexadecimal mantissa with a mandatory `p` exponent (Go: "must have exponent").
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mantissa, exponent) = s.split_once('p')?;
    let exp: i32 = match exponent.strip_prefix('+') {
        Some(rest) if !rest.is_empty() && rest.bytes().all(|c| c.is_ascii_digit()) => {
            rest.parse().ok()?
        }
        _ if !exponent.is_empty() => exponent.parse().ok()?,
        _ => return None,
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int_part.chars().chain(frac_part.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let frac_bits = i32::try_from(frac_part.len()).ok()?.checked_mul(4)?;
    let result = value * 2f64.powi(exp.checked_sub(frac_bits)?);
    if result.is_infinite() {
        None
    } else {
        Some(result)
    }
}

/// One decoded character of a quoted literal: a raw byte (`\x`, octal) or a rune.
pub(crate) enum Unquoted {
    Byte(u8),
    Rune(char),
}

fn unhex(c: u8) -> Option<u32> {
    char::from(c).to_digit(16)
}

/// `strconv.UnquoteChar`: decodes the first character of `s` (which is inside a
/// literal delimited by `quote`). Returns the value and the remaining input.
pub(crate) fn unquote_char(s: &str, quote: char) -> Result<(Unquoted, &str), &'static str> {
    let mut chars = s.chars();
    let first = chars.next().ok_or(INVALID_SYNTAX)?;
    if first == quote && (quote == '\'' || quote == '"') {
        return Err(INVALID_SYNTAX);
    }
    if first != '\\' {
        return Ok((Unquoted::Rune(first), chars.as_str()));
    }
    let bytes = s.as_bytes();
    let c = *bytes.get(1).ok_or(INVALID_SYNTAX)?;
    let rest = s.get(2..).ok_or(INVALID_SYNTAX)?;
    let simple = |ch: char| Ok((Unquoted::Rune(ch), rest));
    match c {
        b'a' => simple('\u{7}'),
        b'b' => simple('\u{8}'),
        b'f' => simple('\u{c}'),
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b't' => simple('\t'),
        b'v' => simple('\u{b}'),
        b'\\' => simple('\\'),
        b'\'' | b'"' => {
            if char::from(c) != quote {
                return Err(INVALID_SYNTAX);
            }
            simple(char::from(c))
        }
        b'x' | b'u' | b'U' => {
            let n = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = rest.as_bytes().get(..n).ok_or(INVALID_SYNTAX)?;
            let mut v: u32 = 0;
            for &d in digits {
                v = (v << 4) | unhex(d).ok_or(INVALID_SYNTAX)?;
            }
            let tail = rest.get(n..).ok_or(INVALID_SYNTAX)?;
            if c == b'x' {
                let byte = u8::try_from(v).map_err(|_| INVALID_SYNTAX)?;
                return Ok((Unquoted::Byte(byte), tail));
            }
            let ch = char::from_u32(v).ok_or(INVALID_SYNTAX)?;
            Ok((Unquoted::Rune(ch), tail))
        }
        b'0'..=b'7' => {
            let mut v = u32::from(c - b'0');
            let digits = rest.as_bytes().get(..2).ok_or(INVALID_SYNTAX)?;
            for &d in digits {
                if !(b'0'..=b'7').contains(&d) {
                    return Err(INVALID_SYNTAX);
                }
                v = (v << 3) | u32::from(d - b'0');
            }
            let byte = u8::try_from(v).map_err(|_| INVALID_SYNTAX)?;
            Ok((Unquoted::Byte(byte), rest.get(2..).ok_or(INVALID_SYNTAX)?))
        }
        _ => Err(INVALID_SYNTAX),
    }
}

/// `strconv.Unquote` for a `"…"` or `` `…` `` literal (quotes included).
/// Returns the bytes of the Go string (which may be invalid UTF-8 after `\x`).
pub(crate) fn unquote(text: &str) -> Result<Vec<u8>, &'static str> {
    if let Some(raw) = text.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
        if text.len() < 2 || raw.contains('`') {
            return Err(INVALID_SYNTAX);
        }
        return Ok(raw.bytes().filter(|&b| b != b'\r').collect());
    }
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|_| text.len() >= 2)
        .ok_or(INVALID_SYNTAX)?;
    if inner.contains('\n') {
        return Err(INVALID_SYNTAX);
    }
    let mut out = Vec::with_capacity(inner.len());
    let mut rest = inner;
    while !rest.is_empty() {
        let (value, tail) = unquote_char(rest, '"')?;
        match value {
            Unquoted::Byte(b) => out.push(b),
            Unquoted::Rune(ch) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
        }
        rest = tail;
    }
    Ok(out)
}

/// A parsed template number (`parse.NumberNode`): every interpretation that succeeded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Number {
    pub(crate) text: String,
    pub(crate) int: Option<i64>,
    pub(crate) uint: Option<u64>,
    pub(crate) float: Option<f64>,
}

/// `parse.newNumber` for number items (not complex or character constants).
pub(crate) fn parse_number(text: &str) -> Result<Number, String> {
    let bytes = text.as_bytes();
    let uint = parse_uint(bytes);
    let mut int = parse_int(bytes);
    let mut uint = uint;
    if int == Some(0) {
        uint = Some(0); // "-0"
    }
    let mut float = None;
    if let Some(i) = int {
        float = Some(i as f64);
    } else if let Some(u) = uint {
        float = Some(u as f64);
    } else if let Some(f) = parse_float(bytes) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!(
                "integer overflow: {}",
                crate::gofmt::quote_str(text)
            ));
        }
        float = Some(f);
        if f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            int = Some(f as i64);
        }
        if uint.is_none() && f.fract() == 0.0 && (0.0..1.844_674_407_370_955_2e19).contains(&f) {
            uint = Some(f as u64);
        }
    }
    if int.is_none() && uint.is_none() && float.is_none() {
        return Err(format!(
            "illegal number syntax: {}",
            crate::gofmt::quote_str(text)
        ));
    }
    Ok(Number {
        text: text.to_string(),
        int,
        uint,
        float,
    })
}

/// `parse.newNumber` for a character constant such as `'a'` or `'\n'`.
pub(crate) fn parse_char_constant(text: &str) -> Result<Number, String> {
    let inner = text.get(1..).ok_or_else(|| INVALID_SYNTAX.to_string())?;
    let (value, tail) = unquote_char(inner, '\'').map_err(str::to_string)?;
    if tail != "'" {
        return Err(format!("malformed character constant: {text}"));
    }
    let code = match value {
        Unquoted::Byte(b) => u32::from(b),
        Unquoted::Rune(c) => u32::from(c),
    };
    Ok(Number {
        text: text.to_string(),
        int: Some(i64::from(code)),
        uint: Some(u64::from(code)),
        float: Some(f64::from(code)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_follow_go_base_prefixes() {
        assert_eq!(parse_int(b"42"), Some(42));
        assert_eq!(parse_int(b"-42"), Some(-42));
        assert_eq!(parse_int(b"0x1F"), Some(31));
        assert_eq!(parse_int(b"0o17"), Some(15));
        assert_eq!(parse_int(b"017"), Some(15));
        assert_eq!(parse_int(b"0b101"), Some(5));
        assert_eq!(parse_int(b"1_000"), Some(1000));
        assert_eq!(parse_int(b"1__0"), None);
        assert_eq!(parse_int(b"_1"), None);
        assert_eq!(parse_int(b"08"), None);
        assert_eq!(parse_int(b"0"), Some(0));
        assert_eq!(parse_int(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int(b"9223372036854775808"), None);
        assert_eq!(parse_uint(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_int(b""), None);
        assert_eq!(parse_int(b"-"), None);
    }

    #[test]
    fn floats() {
        assert_eq!(parse_float(b"1.5"), Some(1.5));
        assert_eq!(parse_float(b".5"), Some(0.5));
        assert_eq!(parse_float(b"5."), Some(5.0));
        assert_eq!(parse_float(b"1e3"), Some(1000.0));
        assert_eq!(parse_float(b"1_000.5"), Some(1000.5));
        assert_eq!(parse_float(b"0x1p-2"), Some(0.25));
        assert_eq!(parse_float(b"0x10"), None, "hex floats need an exponent");
        assert_eq!(parse_float(b"1e999"), None);
        assert_eq!(parse_float(b"abc"), None);
        assert_eq!(parse_float(b"-inf"), Some(f64::NEG_INFINITY));
        assert!(parse_float(b"NaN").is_some_and(f64::is_nan));
    }

    #[test]
    fn numbers_like_parse_new_number() {
        let n = parse_number("3.0").unwrap();
        assert_eq!((n.int, n.float), (Some(3), Some(3.0)));
        let n = parse_number("1e2").unwrap();
        assert_eq!(n.int, Some(100));
        let n = parse_number("2.5").unwrap();
        assert_eq!((n.int, n.float), (None, Some(2.5)));
        // Not octal, and a float without '.', 'e' or 'p' counts as an overflowing integer.
        assert_eq!(parse_number("08").unwrap_err(), "integer overflow: \"08\"");
        assert_eq!(
            parse_number("99999999999999999999").unwrap_err(),
            "integer overflow: \"99999999999999999999\""
        );
        assert_eq!(
            parse_number("-").unwrap_err(),
            "illegal number syntax: \"-\""
        );
        let c = parse_char_constant("'a'").unwrap();
        assert_eq!(c.int, Some(97));
        assert_eq!(parse_char_constant("'\\n'").unwrap().int, Some(10));
        assert_eq!(
            parse_char_constant("'ab'").unwrap_err(),
            "malformed character constant: 'ab'"
        );
    }

    #[test]
    fn unquoting() {
        assert_eq!(unquote("\"a\\tb\"").unwrap(), b"a\tb");
        assert_eq!(unquote("\"\\x41\\101\\u00e9\"").unwrap(), "AAé".as_bytes());
        assert_eq!(unquote("\"\\xff\"").unwrap(), vec![0xff]);
        assert_eq!(unquote("`raw\\n`").unwrap(), b"raw\\n");
        assert_eq!(unquote("`a\r\nb`").unwrap(), b"a\nb");
        assert_eq!(unquote("\"\\'\"").unwrap_err(), INVALID_SYNTAX);
        assert_eq!(unquote("\"\\q\"").unwrap_err(), INVALID_SYNTAX);
        assert_eq!(unquote("\"\\400\"").unwrap_err(), INVALID_SYNTAX);
        assert_eq!(unquote("\"\\ud800\"").unwrap_err(), INVALID_SYNTAX);
    }
}
