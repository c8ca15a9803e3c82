//! What the parser hands to tools besides the AST: the tokens it accepted (in order, with
//! their byte ranges) and the comments it skipped. Whitespace and blank lines are the gaps
//! between them, read back from the text by position. The formatter lays code out from
//! these (and the AST); the language server finds what is under the cursor with them. The
//! parser is the only producer, so every tool sees the language's one lexical definition.

use crate::span::Span;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// `"…"` (interpolating string), quotes included.
    Str,
    /// `'…'` (raw string).
    Raw,
    /// `"""…"""` (text block).
    Triple,
    /// `42`, `-1`, `2.8`, `30Gi`, `1h30m`.
    Number,
    /// An identifier, keyword or word operator (`scenario`, `thick-lazy`, `and`).
    Word,
    /// Punctuation and symbolic operators: `{ } [ ] ( ) , ; : . = == != < <= > >= /`.
    Punct,
    /// A character the grammar has no place for (only in text skipped after an error).
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
    /// For strings: false when the closing quote is missing (only in text skipped after an
    /// error).
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

    /// True when `offset` is inside the token or at its end.
    pub fn touches(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }
}

/// The comments of a file: `# …` up to (not including) the line break, in order.
pub type Comments = Vec<Span>;

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

    #[test]
    fn line_breaks_count_every_convention() {
        assert_eq!(line_breaks("a\nb\r\nc\rd"), 3);
        assert_eq!(line_breaks("none"), 0);
    }
}
