//! Skipping text after a syntax error (recover mode): token by token, with the lexical
//! rules of the grammar (strings, comments, numbers, words), so a bracket or a `#` inside
//! a string never counts. What is skipped still yields tokens and comments for tools; a
//! string that does not close is a token that says so.

use super::lexical::is_ident_char;
use super::{Descent, TokenKind};
use crate::syntax::tokens::Token;

impl Descent<'_> {
    /// Skips the rest of the current entry or statement line: up to its line break or
    /// `;`, or to the `}` that closes the enclosing block. A `{` opened on the way is
    /// skipped to its `}`, across lines (a block or object written after a mistake stays
    /// out of the enclosing block); `(` and `[` are not followed across lines, so an
    /// unclosed one does not swallow the lines after it.
    pub(super) fn skip_line(&mut self) {
        let mut braces = 0usize;
        loop {
            self.ws();
            match self.peek() {
                0 if self.pos >= self.end => return,
                b'\n' | b'\r' | b';' if braces == 0 => return,
                b'}' if braces == 0 => return,
                b'\n' | b'\r' => {
                    self.pos += 1;
                    continue;
                }
                b'{' => braces += 1,
                b'}' => braces -= 1,
                _ => {}
            }
            self.skip_token();
        }
    }

    /// Skips to the next line that starts with a top-level keyword at column 0 (or to the
    /// end of the file).
    pub(super) fn skip_to_next_item(&mut self) {
        loop {
            self.ws();
            if self.pos >= self.end {
                return;
            }
            if matches!(self.peek(), b'\n' | b'\r') {
                self.pos += 1;
                if self.at_item_start() {
                    return;
                }
                continue;
            }
            self.skip_token();
        }
    }

    /// A top-level keyword, as a whole word, at the position.
    fn at_item_start(&self) -> bool {
        let Some(end) = self.ident_end() else {
            return false;
        };
        matches!(
            self.slice(self.pos, end),
            "use" | "session" | "fragment" | "scenario" | "check" | "hook"
        )
    }

    /// Consumes one token of any kind (or a comment), recording it.
    fn skip_token(&mut self) {
        let start = self.pos;
        if self.comment() {
            return;
        }
        let mut closed = true;
        let kind = match self.peek() {
            b'"' if self.at(start + 1) == b'"' && self.at(start + 2) == b'"' => {
                let rest = self.text.get(start + 3..self.end).unwrap_or_default();
                match rest.find("\"\"\"") {
                    Some(i) => self.pos = start + 3 + i + 3,
                    None => {
                        self.pos = self.end;
                        closed = false;
                    }
                }
                TokenKind::Triple
            }
            q @ (b'"' | b'\'') => {
                closed = self.skip_quoted(q);
                if q == b'"' {
                    TokenKind::Str
                } else {
                    TokenKind::Raw
                }
            }
            b'0'..=b'9' | b'-' if self.number_end().is_some() => {
                self.pos = self.number_end().unwrap_or(start + 1);
                TokenKind::Number
            }
            b'0'..=b'9' => {
                while is_ident_char(self.peek()) || self.peek() == b'.' {
                    self.pos += 1;
                }
                TokenKind::Number
            }
            _ => match self.ident_end() {
                Some(end) => {
                    self.pos = end;
                    TokenKind::Word
                }
                None => self.skip_symbol(),
            },
        };
        if self.mode.record {
            self.tokens.push(Token {
                kind,
                start,
                end: self.pos,
                closed,
            });
        }
    }

    /// A one-line string from its opening quote `q`; false when it does not close.
    fn skip_quoted(&mut self, q: u8) -> bool {
        self.pos += 1;
        while self.pos < self.end {
            match self.peek() {
                c if c == q => {
                    self.pos += 1;
                    return true;
                }
                b'\n' | b'\r' => return false,
                b'\\' if q == b'"' && !matches!(self.at(self.pos + 1), b'\n' | b'\r') => {
                    self.pos += 2;
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.pos.min(self.end);
        false
    }

    /// Punctuation (two-character operators included), or one unknown character.
    fn skip_symbol(&mut self) -> TokenKind {
        let b = self.peek();
        if matches!(b, b'=' | b'!' | b'<' | b'>') && self.at(self.pos + 1) == b'=' {
            self.pos += 2;
            return TokenKind::Punct;
        }
        if b"{}[](),;:.=<>/".contains(&b) {
            self.pos += 1;
            return TokenKind::Punct;
        }
        let len = self
            .text
            .get(self.pos..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8);
        self.pos += len;
        TokenKind::Unknown
    }
}
