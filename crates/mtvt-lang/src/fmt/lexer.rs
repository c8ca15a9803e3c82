//! A tolerant lexer with the lexical rules of `grammar/mtvt.pest`: comments, the three
//! string forms, number tokens, identifiers, punctuation and line breaks, each with its
//! byte range. The parser drops comments and layout; the formatter needs both, and the
//! language server needs tokens of text that does not parse yet (completion while
//! typing). So this lexer never fails: anything it does not know becomes an
//! [`TokenKind::Unknown`] token and an unclosed string runs to the end of its line (or of
//! the file for `"""`). It decides nothing about structure.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// `# …` up to (not including) the line break.
    Comment,
    /// A line break: `\n`, `\r\n` or a lone `\r`.
    Newline,
    /// `"…"` (interpolating string).
    Str,
    /// `'…'` (raw string).
    Raw,
    /// `"""…"""` (text block).
    Triple,
    /// `42`, `-1`, `2.8`, `30Gi`, `1h30m`.
    Number,
    /// An identifier or keyword (`scenario`, `thick-lazy`, `and`).
    Word,
    /// Punctuation and operators: `{ } [ ] ( ) , ; : . = == != < <= > >= /`.
    Punct,
    /// Any other character.
    Unknown,
}

/// One token: its kind and byte range in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// For strings: false when the closing quote is missing.
    pub closed: bool,
}

impl Token {
    /// The token's text in `src`.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }

    /// True for a punctuation token with exactly this text.
    pub fn is_punct(&self, src: &str, p: &str) -> bool {
        self.kind == TokenKind::Punct && self.text(src) == p
    }
}

/// Splits `src` into tokens (spaces and tabs are skipped; everything else is a token).
pub fn lex(src: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(src.len() / 4);
    out.extend(Tokens { src, i: 0 });
    out
}

/// The tokens of `src`, one at a time (what [`lex`] collects).
pub fn tokens(src: &str) -> Tokens<'_> {
    Tokens { src, i: 0 }
}

/// Iterator over the tokens of a text; see [`tokens`].
#[derive(Debug, Clone)]
pub struct Tokens<'a> {
    src: &'a str,
    i: usize,
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let src = self.src;
        let bytes = src.as_bytes();
        let mut i = self.i;
        while matches!(bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let &b = bytes.get(i)?;
        let start = i;
        let (kind, end, closed) = match b {
            b'\n' => (TokenKind::Newline, i + 1, true),
            b'\r' => {
                let end = if bytes.get(i + 1) == Some(&b'\n') {
                    i + 2
                } else {
                    i + 1
                };
                (TokenKind::Newline, end, true)
            }
            b'#' => (TokenKind::Comment, line_end(bytes, i), true),
            b'"' if bytes.get(i + 1..i + 3) == Some(b"\"\"") => {
                match find(bytes, i + 3, b"\"\"\"") {
                    Some(close) => (TokenKind::Triple, close + 3, true),
                    None => (TokenKind::Triple, bytes.len(), false),
                }
            }
            b'"' => quoted(bytes, i, b'"', true, TokenKind::Str),
            b'\'' => quoted(bytes, i, b'\'', false, TokenKind::Raw),
            b'0'..=b'9' => (TokenKind::Number, number_end(bytes, i), true),
            b'-' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                (TokenKind::Number, number_end(bytes, i + 1), true)
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let mut j = i + 1;
                while bytes.get(j).is_some_and(|c| is_ident_char(*c)) {
                    j += 1;
                }
                (TokenKind::Word, j, true)
            }
            b'=' | b'!' | b'<' | b'>' if bytes.get(i + 1) == Some(&b'=') => {
                (TokenKind::Punct, i + 2, true)
            }
            b'{' | b'}' | b'[' | b']' | b'(' | b')' | b',' | b';' | b':' | b'.' | b'=' | b'<'
            | b'>' | b'/' => (TokenKind::Punct, i + 1, true),
            _ => {
                let len = src
                    .get(i..)
                    .and_then(|s| s.chars().next())
                    .map_or(1, char::len_utf8);
                (TokenKind::Unknown, i + len, true)
            }
        };
        self.i = end.max(start + 1);
        Some(Token {
            kind,
            start,
            end,
            closed,
        })
    }
}

/// The byte offset of the first opening bracket (`{`, `[` or `(`, outside strings and
/// comments) that stands more than `limit` levels deep, if any. The parser refuses such
/// text before pest sees it (pest recurses once per level, without a stack probe).
///
/// One pass over the bytes that jumps over comments and strings exactly as [`tokens`]
/// delimits them (no other token can hold a quote, `#` or bracket, and UTF-8
/// continuation bytes are never ASCII), without building tokens: it runs before every
/// parse, so it must cost little next to it.
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
            b'#' => line_end(bytes, i),
            b'"' if bytes.get(i + 1..i + 3) == Some(b"\"\"") => {
                find(bytes, i + 3, b"\"\"\"").map_or(bytes.len(), |close| close + 3)
            }
            b'"' => quoted(bytes, i, b'"', true, TokenKind::Str).1,
            b'\'' => quoted(bytes, i, b'\'', false, TokenKind::Raw).1,
            _ => i + 1,
        };
    }
    None
}

/// Characters that may follow the first character of an identifier.
pub fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    let mut j = from;
    while let Some(c) = bytes.get(j) {
        if *c == b'\n' || *c == b'\r' {
            break;
        }
        j += 1;
    }
    j
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = bytes.get(from..)?;
    hay.windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// A one-line quoted string starting at `start`; `escapes` enables backslash escapes.
fn quoted(
    bytes: &[u8],
    start: usize,
    quote: u8,
    escapes: bool,
    kind: TokenKind,
) -> (TokenKind, usize, bool) {
    let mut j = start + 1;
    while let Some(&c) = bytes.get(j) {
        if c == quote {
            return (kind, j + 1, true);
        }
        if c == b'\n' || c == b'\r' {
            return (kind, j, false);
        }
        if escapes && c == b'\\' && bytes.get(j + 1).is_some_and(|n| *n != b'\n' && *n != b'\r') {
            j += 2;
            continue;
        }
        j += 1;
    }
    (kind, bytes.len(), false)
}

/// Digits, `.digits` parts, then unit letters mixed with digits (`1h30m`).
fn number_end(bytes: &[u8], from: usize) -> usize {
    let mut j = from;
    while bytes.get(j).is_some_and(u8::is_ascii_digit) {
        j += 1;
    }
    while bytes.get(j) == Some(&b'.') && bytes.get(j + 1).is_some_and(u8::is_ascii_digit) {
        j += 1;
        while bytes.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
    }
    while bytes.get(j).is_some_and(u8::is_ascii_alphanumeric) {
        j += 1;
    }
    j
}

/// Number of line breaks in `s` (`\r\n` counts once, a lone `\r` counts).
pub fn line_breaks(s: &str) -> usize {
    let b = s.as_bytes();
    let mut n = 0;
    for (i, c) in b.iter().enumerate() {
        match c {
            b'\n' => n += 1,
            b'\r' if b.get(i + 1) != Some(&b'\n') => n += 1,
            _ => {}
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        lex(src).iter().map(|t| (t.kind, t.text(src))).collect()
    }

    #[test]
    fn strings_hide_comment_characters() {
        use TokenKind::*;
        assert_eq!(
            kinds("a \"# not\" '#x' # yes\n"),
            [
                (Word, "a"),
                (Str, "\"# not\""),
                (Raw, "'#x'"),
                (Comment, "# yes"),
                (Newline, "\n")
            ]
        );
        assert_eq!(
            kinds("p \"\"\"\n  # in text\n\"\"\" # c"),
            [
                (Word, "p"),
                (Triple, "\"\"\"\n  # in text\n\"\"\""),
                (Comment, "# c")
            ]
        );
        assert_eq!(kinds(r#""a\"b" x"#), [(Str, r#""a\"b""#), (Word, "x")]);
    }

    #[test]
    fn numbers_operators_and_words() {
        use TokenKind::*;
        assert_eq!(
            kinds("requires mtv >= 4.20.1; size 1.5Gi; t 1h30m; x -1"),
            [
                (Word, "requires"),
                (Word, "mtv"),
                (Punct, ">="),
                (Number, "4.20.1"),
                (Punct, ";"),
                (Word, "size"),
                (Number, "1.5Gi"),
                (Punct, ";"),
                (Word, "t"),
                (Number, "1h30m"),
                (Punct, ";"),
                (Word, "x"),
                (Number, "-1"),
            ]
        );
        assert_eq!(
            kinds("a.b[0] != thick-lazy"),
            [
                (Word, "a"),
                (Punct, "."),
                (Word, "b"),
                (Punct, "["),
                (Number, "0"),
                (Punct, "]"),
                (Punct, "!="),
                (Word, "thick-lazy"),
            ]
        );
    }

    #[test]
    fn unterminated_strings_and_unknown_characters() {
        let src = "\"open\nnext 'raw\n\"\"\"never é";
        let toks = lex(src);
        assert!(!toks[0].closed && toks[0].text(src) == "\"open");
        assert!(!toks[3].closed && toks[3].text(src) == "'raw");
        assert!(!toks[5].closed && toks[5].kind == TokenKind::Triple);
        assert_eq!(
            kinds("é!"),
            [(TokenKind::Unknown, "é"), (TokenKind::Unknown, "!")]
        );
    }

    #[test]
    fn line_breaks_count_every_convention() {
        assert_eq!(line_breaks("a\nb\r\nc\rd"), 3);
        assert_eq!(line_breaks("none"), 0);
    }

    /// The bracket depth by the tokens' definition (what `first_deeper_than` must agree with).
    fn deeper_by_tokens(src: &str, limit: usize) -> Option<usize> {
        let mut depth = 0usize;
        for t in tokens(src).filter(|t| t.kind == TokenKind::Punct) {
            match t.text(src) {
                "{" | "[" | "(" => {
                    depth += 1;
                    if depth > limit {
                        return Some(t.start);
                    }
                }
                "}" | "]" | ")" => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        None
    }

    #[test]
    fn bracket_depth_scan_agrees_with_the_tokens() {
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
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = vec![
            repo.join("stdlib/checks.mtvt"),
            repo.join("stdlib/hooks.mtvt"),
        ];
        let mut dirs = vec![repo.join("scenarios")];
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|x| x == "mtvt") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 10);
        let extra: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        for text in texts
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str))
        {
            for limit in 0..4 {
                assert_eq!(
                    first_deeper_than(text, limit),
                    deeper_by_tokens(text, limit),
                    "limit {limit} in {text:?}"
                );
            }
        }
    }
}
