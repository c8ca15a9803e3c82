//! The `text/template/parse` lexer: text, `{{ }}` actions with `{{-`/`-}}` trimming,
//! comments, and the items inside actions, each with its byte span.
//!
//! Exists so that tokenisation (what is a field, a number, a keyword, where a
//! trim marker applies) matches Go exactly, including its error messages. Must not
//! interpret tokens beyond their kind; the parser does that. Lexing stops at the
//! first error, as Go's does.

mod scan;
#[cfg(test)]
mod tests;

use std::ops::Range;

use crate::gofmt::{quote_str, unicode_name};

/// Item kinds (`parse.itemType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    LeftDelim,
    RightDelim,
    Space,
    Bool,
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Field,
    Identifier,
    LeftParen,
    RightParen,
    Number,
    Pipe,
    RawString,
    String,
    Variable,
    // Keywords.
    Dot,
    Else,
    End,
    If,
    Nil,
    Range,
    With,
    Define,
    Template,
    Block,
    Break,
    Continue,
    Eof,
    Error,
}

impl Kind {
    pub(crate) fn is_keyword(self) -> bool {
        matches!(
            self,
            Kind::Dot
                | Kind::Else
                | Kind::End
                | Kind::If
                | Kind::Nil
                | Kind::Range
                | Kind::With
                | Kind::Define
                | Kind::Template
                | Kind::Block
                | Kind::Break
                | Kind::Continue
        )
    }
}

/// One lexed item. For `Text` the span covers the text left after trimming; for
/// `Error` the text is the message and the span the offending input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) span: Range<usize>,
    pub(crate) text: String,
}

impl Token {
    /// `item.String()`, used in "unexpected X in Y" messages.
    pub(crate) fn describe(&self) -> String {
        match self.kind {
            Kind::Eof => "EOF".to_string(),
            Kind::Error => self.text.clone(),
            k if k.is_keyword() => format!("<{}>", self.text),
            _ if self.text.chars().count() > 10 => {
                let head: String = self.text.chars().take(10).collect();
                format!("{}...", quote_str(&head))
            }
            _ => quote_str(&self.text),
        }
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

fn keyword(word: &str) -> Option<Kind> {
    Some(match word {
        "." => Kind::Dot,
        "block" => Kind::Block,
        "break" => Kind::Break,
        "continue" => Kind::Continue,
        "define" => Kind::Define,
        "else" => Kind::Else,
        "end" => Kind::End,
        "if" => Kind::If,
        "range" => Kind::Range,
        "nil" => Kind::Nil,
        "template" => Kind::Template,
        "with" => Kind::With,
        _ => return None,
    })
}

struct Lexer<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    paren_depth: i64,
}

/// Lexes the whole template. The result always ends with an `Eof` or `Error` token.
pub(crate) fn lex(src: &str) -> Vec<Token> {
    let mut lx = Lexer {
        src,
        tokens: Vec::new(),
        paren_depth: 0,
    };
    lx.run();
    lx.tokens
}

impl<'a> Lexer<'a> {
    fn rest(&self, pos: usize) -> &'a str {
        self.src.get(pos..).unwrap_or_default()
    }

    fn char_at(&self, pos: usize) -> Option<char> {
        self.rest(pos).chars().next()
    }

    fn emit(&mut self, kind: Kind, span: Range<usize>) {
        let text = self.src.get(span.clone()).unwrap_or_default().to_string();
        self.tokens.push(Token { kind, span, text });
    }

    fn error(&mut self, span: Range<usize>, message: String) {
        self.tokens.push(Token {
            kind: Kind::Error,
            span,
            text: message,
        });
    }

    fn has_left_trim_marker(&self, pos: usize) -> bool {
        let b = self.rest(pos).as_bytes();
        b.first() == Some(&b'-') && b.get(1).is_some_and(|&c| is_space(char::from(c)))
    }

    /// `atRightDelim`: (at a right delimiter, with a trim marker).
    fn at_right_delim(&self, pos: usize) -> (bool, bool) {
        let rest = self.rest(pos);
        let b = rest.as_bytes();
        if b.first().is_some_and(|&c| is_space(char::from(c)))
            && b.get(1) == Some(&b'-')
            && rest.get(2..).is_some_and(|r| r.starts_with("}}"))
        {
            return (true, true);
        }
        (rest.starts_with("}}"), false)
    }

    fn at_terminator(&self, pos: usize) -> bool {
        match self.char_at(pos) {
            None => true,
            Some(c) if is_space(c) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            Some(_) => self.rest(pos).starts_with("}}"),
        }
    }

    fn run(&mut self) {
        let mut pos = 0usize;
        loop {
            let Some(x) = self.rest(pos).find("{{").map(|x| x + pos) else {
                if pos < self.src.len() {
                    self.emit(Kind::Text, pos..self.src.len());
                }
                self.emit(Kind::Eof, self.src.len()..self.src.len());
                return;
            };
            let delim_end = x + 2;
            let trim_left = self.has_left_trim_marker(delim_end);
            let mut text_end = x;
            if trim_left {
                let text = self.src.get(pos..x).unwrap_or_default();
                text_end = pos + text.trim_end_matches(is_space).len();
            }
            if text_end > pos {
                self.emit(Kind::Text, pos..text_end);
            }
            let after_marker = if trim_left { delim_end + 2 } else { delim_end };
            if self.rest(after_marker).starts_with("/*") {
                match self.lex_comment(x, after_marker) {
                    Some(next) => pos = next,
                    None => return,
                }
                continue;
            }
            self.emit(Kind::LeftDelim, x..delim_end);
            self.paren_depth = 0;
            match self.lex_action(after_marker) {
                Some(next) => pos = next,
                None => return,
            }
        }
    }

    /// Returns the position after the comment (and any trimmed space), or `None` on error.
    fn lex_comment(&mut self, start: usize, open: usize) -> Option<usize> {
        let body = open + 2;
        let Some(close) = self.rest(body).find("*/").map(|i| i + body + 2) else {
            self.error(start..self.src.len(), "unclosed comment".into());
            return None;
        };
        let (delim, trim) = self.at_right_delim(close);
        if !delim {
            self.error(start..close, "comment ends before closing delimiter".into());
            return None;
        }
        // Comments produce no item (Go emits them only in ParseComments mode).
        let mut end = close + if trim { 2 } else { 0 } + 2;
        if trim {
            let rest = self.rest(end);
            end += rest.len() - rest.trim_start_matches(is_space).len();
        }
        Some(end)
    }

    /// Lexes inside an action; returns the position after `}}` (and trimmed space).
    fn lex_action(&mut self, mut pos: usize) -> Option<usize> {
        loop {
            let (delim, trim) = self.at_right_delim(pos);
            if delim {
                if self.paren_depth != 0 {
                    self.error(pos..pos, "unclosed left paren".into());
                    return None;
                }
                let start = if trim { pos + 2 } else { pos };
                self.emit(Kind::RightDelim, start..start + 2);
                let mut end = start + 2;
                if trim {
                    let rest = self.rest(end);
                    end += rest.len() - rest.trim_start_matches(is_space).len();
                }
                return Some(end);
            }
            let Some(c) = self.char_at(pos) else {
                self.error(pos..pos, "unclosed action".into());
                return None;
            };
            let next = pos + c.len_utf8();
            pos = match c {
                c if is_space(c) => self.lex_space(pos),
                '=' => {
                    self.emit(Kind::Assign, pos..next);
                    next
                }
                ':' => {
                    if self.char_at(next) != Some('=') {
                        self.error(pos..next, "expected :=".into());
                        return None;
                    }
                    self.emit(Kind::Declare, pos..next + 1);
                    next + 1
                }
                '|' => {
                    self.emit(Kind::Pipe, pos..next);
                    next
                }
                '"' => self.lex_quote(pos, '"', Kind::String, "unterminated quoted string")?,
                '`' => self.lex_raw(pos)?,
                '\'' => self.lex_quote(
                    pos,
                    '\'',
                    Kind::CharConstant,
                    "unterminated character constant",
                )?,
                '$' => {
                    if self.at_terminator(next) {
                        self.emit(Kind::Variable, pos..next);
                        next
                    } else {
                        self.lex_field_or_variable(pos, next, Kind::Variable)?
                    }
                }
                '.' => match self.src.as_bytes().get(next) {
                    Some(b) if !b.is_ascii_digit() => {
                        self.lex_field_or_variable(pos, next, Kind::Field)?
                    }
                    Some(_) => self.lex_number(pos)?,
                    None => {
                        // "." at the very end: Go treats it as a number start.
                        self.lex_number(pos)?
                    }
                },
                '+' | '-' | '0'..='9' => self.lex_number(pos)?,
                '(' => {
                    self.paren_depth += 1;
                    self.emit(Kind::LeftParen, pos..next);
                    next
                }
                ')' => {
                    self.paren_depth -= 1;
                    if self.paren_depth < 0 {
                        self.error(pos..next, "unexpected right paren".into());
                        return None;
                    }
                    self.emit(Kind::RightParen, pos..next);
                    next
                }
                c if is_alphanumeric(c) => self.lex_identifier(pos)?,
                c if c.is_ascii() && !c.is_ascii_control() => {
                    self.emit(Kind::Char, pos..next);
                    next
                }
                c => {
                    self.error(
                        pos..next,
                        format!("unrecognized character in action: {}", unicode_name(c)),
                    );
                    return None;
                }
            };
        }
    }

    fn lex_space(&mut self, start: usize) -> usize {
        let rest = self.rest(start);
        let len = rest.len() - rest.trim_start_matches(is_space).len();
        let mut end = start + len;
        // A trim-marked closing delimiter " -}}" keeps its space.
        let (delim, trim) = self.at_right_delim(end - 1);
        if delim && trim {
            end -= 1;
        }
        if end > start {
            self.emit(Kind::Space, start..end);
        }
        end
    }
}
