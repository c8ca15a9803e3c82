//! The atomic rules of the grammar that are not strings: keywords, `ident`, dotted paths,
//! `module_path` and `number`. Each is one token (a path one per segment and dot); inside
//! them nothing is tracked, as inside pest's atomic rules.

use super::{Descent, TokenKind};
use crate::span::Spanned;
use crate::syntax::ast::{Ident, Name, Path};
use crate::syntax::errors::Expected;

impl<'a> Descent<'a> {
    /// A whole keyword: the word not followed by an identifier character (no token, no
    /// tracking: see [`Descent::kw`]).
    pub(super) fn keyword(&mut self, word: &str) -> bool {
        let n = word.len();
        if self.pos + n <= self.end
            && self.bytes.get(self.pos..self.pos + n) == Some(word.as_bytes())
            && !is_ident_char(self.at(self.pos + n))
        {
            self.pos += n;
            true
        } else {
            false
        }
    }

    /// `ident`: the end of an identifier starting at the position, without consuming.
    #[inline]
    pub(super) fn ident_end(&self) -> Option<usize> {
        let rest = self.bytes.get(self.pos..)?;
        let (first, tail) = rest.split_first()?;
        if !is_ident_start(*first) {
            return None;
        }
        let n = tail
            .iter()
            .position(|b| !is_ident_char(*b))
            .unwrap_or(tail.len());
        Some(self.pos + 1 + n)
    }

    /// The `ident` rule, as an identifier with its span.
    pub(super) fn ident(&mut self) -> Option<Ident> {
        let start = self.pos;
        let Some(end) = self.ident_end() else {
            self.miss(Expected::ident);
            return None;
        };
        self.pos = end;
        self.token(TokenKind::Word, start);
        Some(Spanned::new(
            Name::new(self.slice(start, end)),
            self.span(start, end),
        ))
    }

    /// `ref_path` / `path = @{ ident ~ ("." ~ ident)* }` (as the rule `rule`) with a span
    /// per segment, as tokens.
    pub(super) fn path_rule(&mut self, rule: Expected) -> Option<Path> {
        let path = self.dotted(rule)?;
        if self.mode.record {
            self.path_tokens(&path.segments);
        }
        Some(path)
    }

    /// A dotted name (the rule `rule`), without tokens (`interp_path` is inside a string).
    pub(super) fn dotted(&mut self, rule: Expected) -> Option<Path> {
        let start = self.pos;
        let Some(mut end) = self.ident_end() else {
            self.miss(rule);
            return None;
        };
        let mut segments = vec![self.segment(start, end)];
        while self.at(end) == b'.' {
            self.pos = end + 1;
            match self.ident_end() {
                Some(e) => {
                    segments.push(self.segment(end + 1, e));
                    end = e;
                }
                None => break,
            }
        }
        self.pos = end;
        Some(Path {
            segments,
            span: self.span(start, end),
        })
    }

    fn segment(&self, start: usize, end: usize) -> Ident {
        Spanned::new(Name::new(self.slice(start, end)), self.span(start, end))
    }

    /// The tokens of a path: each segment a word, each dot a punctuation.
    fn path_tokens(&mut self, segments: &[Ident]) {
        let end = self.pos;
        for (i, s) in segments.iter().enumerate() {
            if i > 0 {
                self.pos = s.span.start;
                self.token(TokenKind::Punct, s.span.start - 1);
            }
            self.pos = s.span.end;
            self.token(TokenKind::Word, s.span.start);
        }
        self.pos = end;
    }

    /// `module_path = @{ ident ~ ("/" ~ ident)+ }`
    pub(super) fn module_path(&mut self) -> Option<String> {
        let start = self.pos;
        let Some(first) = self.ident_end() else {
            self.miss(Expected::module_path);
            return None;
        };
        let mut bounds = vec![(start, first)];
        let mut end = first;
        while self.at(end) == b'/' {
            self.pos = end + 1;
            match self.ident_end() {
                Some(e) => {
                    bounds.push((end + 1, e));
                    end = e;
                }
                None => break,
            }
        }
        if bounds.len() < 2 {
            self.pos = start;
            self.miss(Expected::module_path);
            return None;
        }
        for (i, (s, e)) in bounds.iter().enumerate() {
            if i > 0 {
                self.pos = *s;
                self.token(TokenKind::Punct, s - 1);
            }
            self.pos = *e;
            self.token(TokenKind::Word, *s);
        }
        self.pos = end;
        Some(self.slice(start, end).to_string())
    }

    /// `number = @{ "-"? ~ ASCII_DIGIT+ ~ ("." ~ ASCII_DIGIT+)* ~ (ASCII_ALPHA+ ~
    /// (ASCII_DIGIT+ ~ ASCII_ALPHA+)*)? ~ !(ident_char | ".") }`
    pub(super) fn number(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let Some(end) = self.number_end() else {
            self.miss(Expected::number);
            return None;
        };
        self.pos = end;
        self.token(TokenKind::Number, start);
        Some(self.slice(start, end))
    }

    /// Where a `number` starting at the position ends, if one does.
    pub(super) fn number_end(&self) -> Option<usize> {
        let digits = |mut i: usize| {
            while self.at(i).is_ascii_digit() {
                i += 1;
            }
            i
        };
        let alphas = |mut i: usize| {
            while self.at(i).is_ascii_alphabetic() {
                i += 1;
            }
            i
        };
        let mut i = self.pos;
        if self.at(i) == b'-' {
            i += 1;
        }
        let d = digits(i);
        if d == i {
            return None;
        }
        i = d;
        while self.at(i) == b'.' && self.at(i + 1).is_ascii_digit() {
            i = digits(i + 1);
        }
        let a = alphas(i);
        if a > i {
            i = a;
            loop {
                let d = digits(i);
                if d == i {
                    break;
                }
                let a = alphas(d);
                if a == d {
                    break;
                }
                i = a;
            }
        }
        let next = self.at(i);
        if is_ident_char(next) || next == b'.' {
            return None;
        }
        Some(i)
    }
}

#[inline]
pub(super) fn is_ident_start(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'A'..=b'Z' | b'_')
}

#[inline]
pub(super) fn is_ident_char(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-')
}
