//! What a syntax error most likely means, found by looking at the text around it: the
//! bracket or string that a file ending too early never closed, and characters that look
//! like ASCII but are not (smart quotes, non-breaking and zero-width spaces, dashes pasted
//! from documents). Pure functions over the text; `errors` turns them into messages.

/// Something opened and never closed before the end of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unclosed {
    /// Byte offset of the opening delimiter.
    pub at: usize,
    /// The opening delimiter as written: `{`, `[`, `(`, `"` or `"""`.
    pub open: &'static str,
}

impl Unclosed {
    /// The delimiter that closes it.
    pub fn close(&self) -> &'static str {
        match self.open {
            "{" => "}",
            "[" => "]",
            "(" => ")",
            other => other,
        }
    }
}

/// The delimiter most likely left open when `text` ends inside one (strings, text
/// blocks and comments are skipped as the grammar reads them).
///
/// Brackets are matched by indentation first, as people read them: a closing bracket
/// that starts its line closes the innermost open one whose line is indented the same,
/// and the ones opened after it are then the ones never closed (the first of them is
/// reported). Without such a hint, the innermost bracket still open at the end is.
pub fn unclosed(text: &str) -> Option<Unclosed> {
    let bytes = text.as_bytes();
    let mut stack: Vec<(Unclosed, usize)> = Vec::new();
    let mut suspect: Option<Unclosed> = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'#' => i = line_end(bytes, i),
            b'"' if bytes.get(i..i + 3) == Some(b"\"\"\"") => {
                match find(bytes, i + 3, b"\"\"\"") {
                    Some(end) => i = end + 3,
                    None => {
                        return Some(Unclosed {
                            at: i,
                            open: "\"\"\"",
                        });
                    }
                }
                continue;
            }
            b'"' => {
                match string_end(bytes, i + 1) {
                    Some(end) => i = end,
                    None => return Some(Unclosed { at: i, open: "\"" }),
                }
                continue;
            }
            b'{' | b'[' | b'(' => {
                let open = match b {
                    b'{' => "{",
                    b'[' => "[",
                    _ => "(",
                };
                stack.push((Unclosed { at: i, open }, indent_of_line(bytes, i)));
            }
            b'}' | b']' | b')' => close(bytes, i, &mut stack, &mut suspect),
            _ => {}
        }
        i += 1;
    }
    suspect.or_else(|| stack.pop().map(|(u, _)| u))
}

/// A closing bracket at `i`: pops its opener, by indentation when it starts its line.
fn close(
    bytes: &[u8],
    i: usize,
    stack: &mut Vec<(Unclosed, usize)>,
    suspect: &mut Option<Unclosed>,
) {
    let indent = indent_of_line(bytes, i);
    let starts_line = line_start(bytes, i) + indent == i;
    let top_indent = stack.last().map(|(_, n)| *n);
    if starts_line
        && top_indent.is_some_and(|n| n != indent)
        && let Some(k) = stack.iter().rposition(|(_, n)| *n == indent)
    {
        if suspect.is_none() {
            *suspect = stack.get(k + 1).map(|(u, _)| *u);
        }
        stack.truncate(k);
        return;
    }
    stack.pop();
}

/// The offset of the start of the line holding `i`.
fn line_start(bytes: &[u8], i: usize) -> usize {
    (bytes.get(..i).unwrap_or_default())
        .iter()
        .rposition(|b| *b == b'\n' || *b == b'\r')
        .map_or(0, |n| n + 1)
}

/// The number of spaces and tabs starting the line that holds `i`.
fn indent_of_line(bytes: &[u8], i: usize) -> usize {
    let start = line_start(bytes, i);
    (bytes.get(start..).unwrap_or_default())
        .iter()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .count()
}

/// The offset of the line break ending the line at `i` (or the end).
fn line_end(bytes: &[u8], i: usize) -> usize {
    (bytes.get(i..).unwrap_or_default())
        .iter()
        .position(|b| *b == b'\n' || *b == b'\r')
        .map_or(bytes.len(), |n| i + n)
}

/// The offset just past the `"` closing a one-line string whose body starts at `i`.
fn string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            b'\n' | b'\r' => return None,
            _ => i += 1,
        }
    }
    None
}

/// The offset of `needle` at or after `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    (bytes.get(from..)?)
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|n| from + n)
}

/// For a character that looks like ASCII punctuation or a space but is not: its name
/// and what to type instead.
pub fn lookalike(c: char) -> Option<(&'static str, &'static str)> {
    Some(match c {
        '\u{201C}' => ("LEFT DOUBLE QUOTATION MARK", "a plain `\"`"),
        '\u{201D}' => ("RIGHT DOUBLE QUOTATION MARK", "a plain `\"`"),
        '\u{201E}' => ("DOUBLE LOW-9 QUOTATION MARK", "a plain `\"`"),
        '\u{2018}' => (
            "LEFT SINGLE QUOTATION MARK",
            "a plain `\"` (strings use double quotes)",
        ),
        '\u{2019}' => (
            "RIGHT SINGLE QUOTATION MARK",
            "a plain `\"` (strings use double quotes)",
        ),
        '\u{00A0}' => ("NO-BREAK SPACE", "a plain space"),
        '\u{2002}'..='\u{200A}' => ("a typographic space", "a plain space"),
        '\u{200B}' => ("ZERO WIDTH SPACE", "nothing: delete it"),
        '\u{200C}' | '\u{200D}' | '\u{2060}' => ("an invisible joiner", "nothing: delete it"),
        '\u{FEFF}' => (
            "ZERO WIDTH NO-BREAK SPACE (a byte order mark)",
            "nothing: delete it",
        ),
        '\u{2013}' => ("EN DASH", "a plain `-`"),
        '\u{2014}' => ("EM DASH", "a plain `-`"),
        '\u{2212}' => ("MINUS SIGN", "a plain `-`"),
        '\u{FF1A}' | '\u{2236}' => ("a full-width or ratio colon", "a plain `:`"),
        '\u{FF5B}' => ("FULLWIDTH LEFT CURLY BRACKET", "a plain `{`"),
        '\u{FF5D}' => ("FULLWIDTH RIGHT CURLY BRACKET", "a plain `}`"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn finds_the_innermost_open_delimiter() {
        let t = "scenario s {\n  vm \"v\" {\n    cpu 2\n  }\n  expect { migration succeeds\n";
        let u = unclosed(t).unwrap();
        assert_eq!((u.open, u.close()), ("{", "}"));
        assert_eq!(&t[u.at..u.at + 1], "{");
        assert_eq!(
            t[..u.at].matches('\n').count(),
            4,
            "the expect block's brace"
        );
        // by indentation: the vm's brace, although the last `}` closes it by count
        let t = "scenario s {\n  vm \"v\" { cpu 2\n  expect { migration succeeds }\n}\n";
        let u = unclosed(t).unwrap();
        assert_eq!(t[..u.at].matches('\n').count(), 1, "line 2");
        assert_eq!(&t[u.at..=u.at], "{");
        assert_eq!(
            unclosed("a { b \"}\" } # {\n"),
            None,
            "strings and comments skipped"
        );
        let u = unclosed("a {\n  b \"\"\"\n text }\n").unwrap();
        assert_eq!((u.open, u.at), ("\"\"\"", 8));
        let u = unclosed("a { b \"no end\n}\n").unwrap();
        assert_eq!(u.open, "\"");
    }

    #[test]
    fn names_lookalikes() {
        assert_eq!(lookalike('\u{201C}').unwrap().1, "a plain `\"`");
        assert!(lookalike('\u{200B}').unwrap().0.contains("ZERO WIDTH"));
        assert_eq!(lookalike('a'), None);
    }
}
