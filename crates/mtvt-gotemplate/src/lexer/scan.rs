//! Scanning of the items inside an action: quoted and raw strings, character
//! constants, fields, variables, identifiers and keywords, and Go number syntax.
//!
//! Exists to keep the item scanners apart from the text/action state machine in
//! `mod.rs`.

use super::{Kind, Lexer, is_alphanumeric, keyword};
use crate::gofmt::{quote_str, unicode_name};

impl Lexer<'_> {
    pub(super) fn lex_quote(
        &mut self,
        start: usize,
        quote: char,
        kind: Kind,
        msg: &str,
    ) -> Option<usize> {
        let mut chars = self.rest(start + 1).char_indices();
        loop {
            match chars.next() {
                Some((_, '\\')) => match chars.next() {
                    Some((_, c)) if c != '\n' => {}
                    _ => {
                        self.error(start..self.src.len(), msg.into());
                        return None;
                    }
                },
                None | Some((_, '\n')) => {
                    self.error(start..self.src.len(), msg.into());
                    return None;
                }
                Some((i, c)) if c == quote => {
                    let end = start + 1 + i + 1;
                    self.emit(kind, start..end);
                    return Some(end);
                }
                Some(_) => {}
            }
        }
    }

    pub(super) fn lex_raw(&mut self, start: usize) -> Option<usize> {
        match self.rest(start + 1).find('`') {
            Some(i) => {
                let end = start + 1 + i + 1;
                self.emit(Kind::RawString, start..end);
                Some(end)
            }
            None => {
                self.error(
                    start..self.src.len(),
                    "unterminated raw quoted string".into(),
                );
                None
            }
        }
    }

    pub(super) fn alnum_end(&self, pos: usize) -> usize {
        let rest = self.rest(pos);
        pos + rest.len() - rest.trim_start_matches(is_alphanumeric).len()
    }

    pub(super) fn bad_character(&mut self, start: usize, at: usize) {
        let c = self.char_at(at).unwrap_or(' ');
        self.error(
            start..at + c.len_utf8(),
            format!("bad character {}", unicode_name(c)),
        );
    }

    pub(super) fn lex_field_or_variable(
        &mut self,
        start: usize,
        after: usize,
        kind: Kind,
    ) -> Option<usize> {
        if self.at_terminator(after) {
            let k = if kind == Kind::Variable {
                Kind::Variable
            } else {
                Kind::Dot
            };
            self.emit(k, start..after);
            return Some(after);
        }
        let end = self.alnum_end(after);
        if !self.at_terminator(end) {
            self.bad_character(start, end);
            return None;
        }
        self.emit(kind, start..end);
        Some(end)
    }

    pub(super) fn lex_identifier(&mut self, start: usize) -> Option<usize> {
        let end = self.alnum_end(start);
        if !self.at_terminator(end) {
            self.bad_character(start, end);
            return None;
        }
        let word = self.src.get(start..end).unwrap_or_default();
        let kind = match keyword(word) {
            Some(k) => k,
            None if word == "true" || word == "false" => Kind::Bool,
            None => Kind::Identifier,
        };
        self.emit(kind, start..end);
        Some(end)
    }

    pub(super) fn accept(&self, pos: &mut usize, valid: &str) -> bool {
        match self.char_at(*pos) {
            Some(c) if valid.contains(c) => {
                *pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    pub(super) fn accept_run(&self, pos: &mut usize, valid: &str) {
        while self.accept(pos, valid) {}
    }

    /// `scanNumber`; returns false when an alphanumeric character follows.
    pub(super) fn scan_number(&self, pos: &mut usize) -> bool {
        self.accept(pos, "+-");
        let mut digits = "0123456789_";
        if self.accept(pos, "0") {
            if self.accept(pos, "xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept(pos, "oO") {
                digits = "01234567_";
            } else if self.accept(pos, "bB") {
                digits = "01_";
            }
        }
        self.accept_run(pos, digits);
        if self.accept(pos, ".") {
            self.accept_run(pos, digits);
        }
        if digits.len() == 11 && self.accept(pos, "eE") {
            self.accept(pos, "+-");
            self.accept_run(pos, "0123456789_");
        }
        if digits.len() == 23 && self.accept(pos, "pP") {
            self.accept(pos, "+-");
            self.accept_run(pos, "0123456789_");
        }
        self.accept(pos, "i");
        if let Some(c) = self.char_at(*pos)
            && is_alphanumeric(c)
        {
            *pos += c.len_utf8();
            return false;
        }
        true
    }

    pub(super) fn lex_number(&mut self, start: usize) -> Option<usize> {
        let mut pos = start;
        if !self.scan_number(&mut pos) {
            let text = self.src.get(start..pos).unwrap_or_default();
            self.error(
                start..pos,
                format!("bad number syntax: {}", quote_str(text)),
            );
            return None;
        }
        if matches!(self.char_at(pos), Some('+' | '-')) {
            let ok = self.scan_number(&mut pos);
            if !ok || self.src.as_bytes().get(pos.wrapping_sub(1)) != Some(&b'i') {
                let text = self.src.get(start..pos).unwrap_or_default();
                self.error(
                    start..pos,
                    format!("bad number syntax: {}", quote_str(text)),
                );
                return None;
            }
            self.emit(Kind::Complex, start..pos);
            return Some(pos);
        }
        self.emit(Kind::Number, start..pos);
        Some(pos)
    }
}
