//! Go's `strings` and `unicode` behaviour on byte strings: case mapping rune by rune
//! (invalid bytes become U+FFFD), `TrimSpace`, `Trim` with a cutset, `Replace`,
//! `Title` and substring search.
//!
//! Exists so the Sprig wrappers stay one-liners with Go's edge cases in one place.
//! Must not know about templates or Sprig argument order. Non-ASCII case mapping
//! uses the standard library's tables: a one-character mapping is taken, and a
//! multi-character mapping keeps the character (Go's simple case mapping), which
//! agrees with Go for ASCII and nearly all other text.

use crate::value::{go_runes, is_go_space, push_char};

/// Go `unicode.ToLower` (simple mapping).
pub(crate) fn lower_rune(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        // U+0130 'İ' is the only multi-character lowercase; its simple mapping is 'i'.
        (Some(l), Some(_)) if c == '\u{130}' => l,
        _ => c,
    }
}

/// Go `unicode.ToUpper` (simple mapping).
pub(crate) fn upper_rune(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go `unicode.ToTitle`: upper case, except the four Latin digraph triples.
pub(crate) fn title_rune(c: char) -> char {
    match u32::from(c) {
        0x1C4..=0x1C6 => '\u{1C5}',
        0x1C7..=0x1C9 => '\u{1C8}',
        0x1CA..=0x1CC => '\u{1CB}',
        0x1F1..=0x1F3 => '\u{1F2}',
        _ => upper_rune(c),
    }
}

/// `strings.Map` with Go's handling of invalid bytes.
pub(crate) fn map_runes(s: &[u8], f: impl Fn(char) -> char) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for r in go_runes(s) {
        push_char(&mut out, f(r.ch));
    }
    out
}

/// `strings.ToLower`.
pub(crate) fn to_lower(s: &[u8]) -> Vec<u8> {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    map_runes(s, lower_rune)
}

/// `strings.ToUpper`.
pub(crate) fn to_upper(s: &[u8]) -> Vec<u8> {
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    map_runes(s, upper_rune)
}

/// `strings` `isSeparator` used by `Title`.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphabetic() || c.is_numeric() {
        return false;
    }
    is_go_space(c)
}

/// `strings.Title` (deprecated upstream but what Sprig's `title` calls).
pub(crate) fn title(s: &[u8]) -> Vec<u8> {
    let mut prev = ' ';
    let mut changed = false;
    let mut out = Vec::with_capacity(s.len());
    for r in go_runes(s) {
        let mapped = if is_separator(prev) {
            title_rune(r.ch)
        } else {
            r.ch
        };
        prev = r.ch;
        if mapped != r.ch || r.invalid {
            changed = true;
        }
        push_char(&mut out, mapped);
    }
    if changed { out } else { s.to_vec() }
}

/// Byte length of the leading runes satisfying `pred`.
fn leading(s: &[u8], pred: impl Fn(char, bool) -> bool) -> usize {
    let mut n = 0;
    for r in go_runes(s) {
        if !pred(r.ch, r.invalid) {
            break;
        }
        n += r.width;
    }
    n
}

/// Byte length of the trailing runes satisfying `pred`.
fn trailing(s: &[u8], pred: impl Fn(char, bool) -> bool) -> usize {
    let mut n = 0;
    for r in go_runes(s).iter().rev() {
        if !pred(r.ch, r.invalid) {
            break;
        }
        n += r.width;
    }
    n
}

/// `strings.TrimSpace`.
pub(crate) fn trim_space(s: &[u8]) -> &[u8] {
    let start = leading(s, |c, invalid| !invalid && is_go_space(c));
    let rest = s.get(start..).unwrap_or_default();
    let end = rest.len() - trailing(rest, |c, invalid| !invalid && is_go_space(c));
    rest.get(..end).unwrap_or_default()
}

/// `strings.Trim(s, cutset)`.
pub(crate) fn trim_cutset<'a>(s: &'a [u8], cutset: &[u8]) -> &'a [u8] {
    if s.is_empty() || cutset.is_empty() {
        return s;
    }
    let set = go_runes(cutset);
    let has_error = set.iter().any(|r| r.ch == char::REPLACEMENT_CHARACTER);
    let contains = |c: char, invalid: bool| {
        if invalid || c == char::REPLACEMENT_CHARACTER {
            has_error
        } else {
            set.iter().any(|r| !r.invalid && r.ch == c)
        }
    };
    let start = leading(s, contains);
    let rest = s.get(start..).unwrap_or_default();
    let end = rest.len() - trailing(rest, contains);
    rest.get(..end).unwrap_or_default()
}

/// `bytes.Index`.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `strings.Replace(s, old, new, -1)`; `None` when the result would exceed `limit`.
pub(crate) fn replace_all(s: &[u8], old: &[u8], new: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    if old.is_empty() {
        // Matches at the start and after each rune.
        out.extend_from_slice(new);
        let mut offset = 0;
        for r in go_runes(s) {
            out.extend_from_slice(s.get(offset..offset + r.width).unwrap_or_default());
            out.extend_from_slice(new);
            offset += r.width;
            if out.len() > limit {
                return None;
            }
        }
        return Some(out);
    }
    let mut rest = s;
    while let Some(i) = find(rest, old) {
        out.extend_from_slice(rest.get(..i).unwrap_or_default());
        out.extend_from_slice(new);
        rest = rest.get(i + old.len()..).unwrap_or_default();
        if out.len() > limit {
            return None;
        }
    }
    out.extend_from_slice(rest);
    if out.len() > limit { None } else { Some(out) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_mapping() {
        assert_eq!(to_lower(b"ABC-def"), b"abc-def");
        assert_eq!(
            to_upper("straße".as_bytes()),
            "STRAßE".as_bytes(),
            "ß has no simple upper case"
        );
        assert_eq!(to_lower("İX".as_bytes()), b"ix");
        assert_eq!(to_lower(&[b'A', 0xff]), "a\u{FFFD}".as_bytes());
        assert_eq!(title(b"hello wOrld_x y-z"), b"Hello WOrld_x Y-Z");
        assert_eq!(title("ǆungla".as_bytes()), "ǅungla".as_bytes());
    }

    #[test]
    fn trimming_and_replacing() {
        assert_eq!(trim_space(b" \t a b \n"), b"a b");
        assert_eq!(trim_space("\u{a0}x\u{2003}".as_bytes()), b"x");
        assert_eq!(trim_cutset(b"$$5.00$", b"$"), b"5.00");
        assert_eq!(trim_cutset(b"xxhixx", b""), b"xxhixx");
        assert_eq!(trim_cutset("éaé".as_bytes(), "é".as_bytes()), b"a");
        assert_eq!(replace_all(b"a_b_c", b"_", b"-", 100).unwrap(), b"a-b-c");
        assert_eq!(replace_all(b"ab", b"", b"-", 100).unwrap(), b"-a-b-");
        assert_eq!(replace_all(b"aaaa", b"a", b"bbbb", 8), None);
        assert_eq!(find(b"hello", b"ll"), Some(2));
    }
}
