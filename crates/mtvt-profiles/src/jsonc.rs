//! The providers file's syntax: JSON plus the comments people keep in it (`#` to the end
//! of the line, as in the pytest suite's `.providers.json.example` and its
//! `# pragma: allowlist secret` markers; `//` and `/* */`) and trailing commas.
//!
//! Exists so such files load as they are while every position stays the one in the
//! file as written: the `json-strip-comments` crate turns comments and trailing commas
//! into spaces in place (newlines inside block comments are put back), and serde_json
//! parses the result, so its line and column, and every byte span taken later, point
//! into the original text. Must not accept anything else of JSON5 (single quotes,
//! unquoted keys, `=`): those stay syntax errors. Must not put any text of the file in
//! a [`Syntax`] message (see `mask.rs` for what a diagnostic may show).

use serde_json::Value;

/// A syntax error: where (byte offset, 1-based line and column) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Syntax {
    pub(crate) offset: usize,
    pub(crate) line: usize,
    pub(crate) column: usize,
    /// What is wrong, in words that never quote the file.
    pub(crate) message: String,
}

/// The text with comments and trailing commas replaced by spaces: same length, same
/// line breaks, same byte offsets.
pub(crate) fn strip(source: &str) -> Result<String, Syntax> {
    // A sentinel after the text shows how the crate's scanner ended: the newline ends a
    // `#`/`//` comment, the quote then opens a string and stays. A comment still open
    // (`/* …` to the end) blanks the quote; a `/` that starts no comment makes the
    // newline an error.
    let mut bytes = Vec::with_capacity(source.len() + 2);
    bytes.extend_from_slice(source.as_bytes());
    bytes.extend_from_slice(b"\n\"");
    let original = source.as_bytes();
    if json_strip_comments::strip_slice(&mut bytes).is_err() {
        // The scanner stops at the stray `/`, the last byte it blanked.
        let offset = original
            .iter()
            .zip(&bytes)
            .rposition(|(a, b)| a != b)
            .unwrap_or(original.len());
        return Err(at(
            source,
            offset,
            "`/` that starts no comment (comments are `#`, `//` or `/* */`)",
        ));
    }
    if bytes.last() != Some(&b'"') {
        return Err(at(
            source,
            open_comment_start(original, &bytes),
            "a `/*` comment is not closed by `*/` before the end of the file",
        ));
    }
    bytes.truncate(original.len());
    // Block comments lose their line breaks in the crate; they are whitespace to JSON,
    // so putting them back changes nothing but keeps every line number.
    for (b, o) in bytes.iter_mut().zip(original) {
        if matches!(o, b'\n' | b'\r') {
            *b = *o;
        }
    }
    // Only ASCII bytes were written (spaces, and line breaks where they were), over
    // whole comments (a comment ends at an ASCII byte), so the text stays UTF-8.
    String::from_utf8(bytes).map_err(|e| at(source, e.utf8_error().valid_up_to(), "not UTF-8"))
}

/// Parses stripped text (see [`strip`]) as JSON.
pub(crate) fn parse(stripped: &str) -> Result<Value, Syntax> {
    serde_json::from_str(stripped).map_err(|e| {
        let full = e.to_string();
        // serde_json appends " at line L column C"; the position is reported apart.
        let message = match full.rfind(" at line ") {
            Some(i) => full.get(..i).unwrap_or(&full).to_string(),
            None => full,
        };
        let mut offset = offset_of(stripped, e.line(), e.column());
        if e.column() == 0 {
            // serde_json stopped just after a line break (a string running over it): the
            // place is that line break, at the end of the line before.
            offset = offset.saturating_sub(1);
        }
        at(stripped, offset, &message)
    })
}

/// Where the block comment that runs to the end of the text opens: after the last byte
/// the scanner kept, past spacing and line comments, at the first `/*`.
fn open_comment_start(original: &[u8], stripped: &[u8]) -> usize {
    let mut i = stripped
        .iter()
        .take(original.len())
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    while let Some(&c) = original.get(i) {
        match (c, original.get(i + 1)) {
            (b'/', Some(b'*')) => return i,
            (b'#', _) | (b'/', Some(b'/')) => {
                while original.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    original.len()
}

fn at(source: &str, offset: usize, message: &str) -> Syntax {
    let offset = offset.min(source.len());
    let before = source.as_bytes().get(..offset).unwrap_or_default();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    Syntax {
        offset,
        line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
        column: offset - line_start + 1,
        message: message.to_string(),
    }
}

/// Byte offset of a 1-based line and column as serde_json reports them.
pub(crate) fn offset_of(src: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (n, l) in src.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            return (offset + column.saturating_sub(1)).min(src.len());
        }
        offset += l.len();
    }
    src.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(src: &str) -> Result<Value, Syntax> {
        parse(&strip(src)?)
    }

    #[test]
    fn comments_and_trailing_commas_become_spaces() {
        let src = "{\n  \"a\": \"x#y//z\", # hash\n  // slashes\n  /* block\n  over lines */ \"b\": [1, 2,],\n}\n";
        let stripped = strip(src).unwrap();
        assert_eq!(stripped.len(), src.len());
        assert_eq!(
            stripped.lines().count(),
            src.lines().count(),
            "line breaks kept"
        );
        assert!(!stripped.contains("hash") && !stripped.contains("block"));
        assert!(stripped.contains("\"x#y//z\""), "strings are kept");
        let v = load(src).unwrap();
        assert_eq!(v["a"], "x#y//z");
        assert_eq!(v["b"], serde_json::json!([1, 2]));
    }

    #[test]
    fn strict_json_is_unchanged() {
        let src = "{\"a\": {\"b\": \"c\\\"#\"}, \"d\": [1, {\"e\": null}]}";
        assert_eq!(strip(src).unwrap(), src);
    }

    #[test]
    fn errors_after_comments_keep_their_line_and_column() {
        let src = "{\n  /* one\n     two */\n  \"a\": 1 # c\n  \"b\": 2\n}";
        let e = load(src).unwrap_err();
        assert_eq!((e.line, e.column), (5, 3), "{e:?}");
        assert_eq!(src.get(e.offset..e.offset + 3), Some("\"b\""));
        assert_eq!(e.message, "expected `,` or `}`");
    }

    #[test]
    fn stray_slash_and_open_block_comment_are_errors() {
        let e = load("{\"a\": 1 /}").unwrap_err();
        assert_eq!((e.offset, e.line, e.column), (8, 1, 9));
        assert!(e.message.contains("starts no comment"));
        let e = load("{\"a\": 1}\n/").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        let e = load("{\"a\": 1} /* open").unwrap_err();
        assert_eq!(e.offset, 9);
        let e = load("{\"a\": 1}, # see /* here\n  /* open\n\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(e.message.contains("not closed"));
        // not comments: still syntax errors
        for bad in ["{'a': 1}", "{a: 1}", "{\"a\" = 1}", "{\"a\": 1,,}", "[1 2]"] {
            assert!(load(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_string_over_a_line_break_is_reported_on_its_line() {
        let e = load("{\n  \"a\": \"abc\n  \"b\": 1\n}").unwrap_err();
        assert_eq!((e.line, e.column, e.offset), (2, 12, 13), "{e:?}");
        assert!(e.message.contains("control character"));
    }

    #[test]
    fn multibyte_text_in_comments_keeps_offsets() {
        let src = "{ # é ü\n\"a\": /* ß */ 1 }";
        let stripped = strip(src).unwrap();
        assert_eq!(stripped.len(), src.len());
        assert_eq!(load(src).unwrap()["a"], 1);
    }

    #[test]
    fn line_column_offsets() {
        assert_eq!(offset_of("ab\ncd", 2, 1), 3);
        assert_eq!(offset_of("ab\ncd", 1, 2), 1);
        assert_eq!(offset_of("ab", 9, 9), 2);
    }
}
