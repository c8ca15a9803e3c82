//! Limits on nesting and expression size, and the byte scan that refuses runaway nesting
//! before any parser recurses into it. Both parsers apply the same limits with the same
//! messages; this module knows brackets, strings and comments only.

use crate::diag::DiagnosticKind;
use crate::span::{FileId, Span};

/// Deepest nesting of blocks, lists, objects, check bodies and expressions accepted.
pub const MAX_DEPTH: usize = 64;
/// Most operators accepted in one expression (keeps evaluation recursion bounded).
pub const MAX_OPERATORS: usize = 256;

/// Nesting deeper than this many brackets is refused before a parser runs (the parsers
/// refuse more than [`MAX_DEPTH`] levels, with the same message, on text they parsed).
///
/// This is what bounds the parsers' recursion: pest is built without its `std` feature,
/// which would probe the remaining stack on every rule, sequence and repetition (a fifth
/// of its parsing time) and, past its limit, backtrack through every level (a hang); the
/// hand-written parser recurses once per level too. Brackets are the grammar's only
/// recursion, so this many levels is the deepest either goes;
/// `deepest_nesting_fits_a_small_stack` (syntax/tests.rs) runs every kind of nesting at
/// this depth on a 2 MiB stack, in debug builds too.
pub const DEPTH_GUARD: usize = 4 * MAX_DEPTH;

/// The error for text nested deeper than [`DEPTH_GUARD`] brackets: it points at the first
/// bracket beyond [`MAX_DEPTH`] levels, as the parsers' own limit does. `None` when the
/// text is within the guard.
pub fn refuse_runaway_nesting(file: FileId, text: &str) -> Option<DiagnosticKind> {
    first_deeper_than(text, DEPTH_GUARD)?;
    let at = first_deeper_than(text, MAX_DEPTH).unwrap_or(0);
    Some(super::errors::too_deep(
        Span::new(file, at, at + 1),
        MAX_DEPTH,
    ))
}

/// The byte offset of the first opening bracket (`{`, `[` or `(`, outside strings and
/// comments) that stands more than `limit` levels deep, if any.
///
/// One pass over the bytes that jumps over comments and strings as the grammar delimits
/// them — an unclosed `"…` or `'…` ends at its line break, an unclosed `"""…` at the end of
/// the text — without building anything: it runs before every parse, so it must cost
/// little next to it.
pub fn first_deeper_than(src: &str, limit: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i = match b {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
                i + 1
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                i + 1
            }
            _ => skip_opaque(bytes, i).unwrap_or(i + 1),
        };
    }
    None
}

/// When a comment or a string starts at `i`: where it ends (as far as a scan for
/// brackets is concerned).
pub(super) fn skip_opaque(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i)? {
        b'#' => Some(line_end(bytes, i)),
        b'"' if bytes.get(i + 1..i + 3) == Some(b"\"\"") => {
            Some(find(bytes, i + 3, b"\"\"\"").map_or(bytes.len(), |close| close + 3))
        }
        b'"' => Some(quoted(bytes, i, b'"', true)),
        b'\'' => Some(quoted(bytes, i, b'\'', false)),
        _ => None,
    }
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|c| *c == b'\n' || *c == b'\r'))
        .map_or(bytes.len(), |p| from + p)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = bytes.get(from..)?;
    hay.windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The end of a one-line quoted string starting at `start` (after its closing quote, or
/// at the line break / end of text that cuts it); `escapes` enables backslash escapes.
fn quoted(bytes: &[u8], start: usize, quote: u8, escapes: bool) -> usize {
    let mut j = start + 1;
    while let Some(&c) = bytes.get(j) {
        if c == quote {
            return j + 1;
        }
        if c == b'\n' || c == b'\r' {
            return j;
        }
        if escapes && c == b'\\' && bytes.get(j + 1).is_some_and(|n| *n != b'\n' && *n != b'\r') {
            j += 2;
            continue;
        }
        j += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same scan written the slow way: brackets outside comments and strings, by
    /// walking the text one character at a time with an explicit state.
    fn deeper_naive(src: &str, limit: usize) -> Option<usize> {
        #[derive(PartialEq)]
        enum In {
            Code,
            Comment,
            Str,
            Raw,
            Triple,
        }
        let b = src.as_bytes();
        let (mut state, mut depth, mut i) = (In::Code, 0usize, 0);
        while i < b.len() {
            let c = b[i];
            match state {
                In::Code => match c {
                    b'#' => state = In::Comment,
                    b'"' if b[i..].starts_with(b"\"\"\"") => {
                        state = In::Triple;
                        i += 2;
                    }
                    b'"' => state = In::Str,
                    b'\'' => state = In::Raw,
                    b'{' | b'[' | b'(' => {
                        depth += 1;
                        if depth > limit {
                            return Some(i);
                        }
                    }
                    b'}' | b']' | b')' => depth = depth.saturating_sub(1),
                    _ => {}
                },
                In::Comment if c == b'\n' || c == b'\r' => state = In::Code,
                In::Str
                    if c == b'\\' && i + 1 < b.len() && b[i + 1] != b'\n' && b[i + 1] != b'\r' =>
                {
                    i += 1
                }
                In::Str | In::Raw if c == b'\n' || c == b'\r' => state = In::Code,
                In::Str if c == b'"' => state = In::Code,
                In::Raw if c == b'\'' => state = In::Code,
                In::Triple if b[i..].starts_with(b"\"\"\"") => {
                    state = In::Code;
                    i += 2;
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    #[test]
    fn bracket_depth_scan_skips_strings_and_comments() {
        let texts = [
            "a { b [ c ( d ) ] }",
            "a \"{[(\" { '{' # {{{\n b { c [1] } }",
            "a \"esc \\\" {\" { b \"\\\\\" [ }",
            "a \"open {\n { [ ] }",
            "a 'open [\r\n [ [ ]",
            "t \"\"\"x { \"\" [\n\"\"\" { ( }",
            "t \"\"\"never closed { [ (",
            "é { ü [ # ( \n ( ] } ) ) ) ( {",
            "x #\r{ [",
            "",
        ];
        for text in texts {
            for limit in 0..4 {
                assert_eq!(
                    first_deeper_than(text, limit),
                    deeper_naive(text, limit),
                    "limit {limit} in {text:?}"
                );
            }
        }
        assert_eq!(first_deeper_than("a { b [ c", 1), Some(6));
    }
}
