//! Values and literals (`value`, `list`, `object`, `member`, the three string forms and
//! `number` of the grammar), decoded as lowering decodes them (`syntax::literals`). A
//! literal lowering would report (a bad number, an interpolation where none is allowed)
//! sets `bail`, so the pest path reports it.

use super::{Descent, is_ident_char};
use crate::span::Spanned;
use crate::syntax::ast::*;
use crate::syntax::literals;

impl<'a> Descent<'a> {
    /// `value = path | triple_string | string_lit | number | raw_string | list | object`
    pub(super) fn value(&mut self) -> Option<Value> {
        let start = self.pos;
        let kind = match self.peek() {
            b'"' => match self.attempt(|p| p.triple_string()) {
                Some(t) => ValueKind::Triple(literals::dedent(t)),
                None => ValueKind::Str(self.string_parts()?),
            },
            b'\'' => ValueKind::Raw(self.raw_string()?),
            b'[' => return self.list(),
            b'{' => return self.object(),
            b'-' | b'0'..=b'9' => {
                let text = self.number()?;
                self.number_kind(text)
            }
            _ => {
                let path = self.path()?;
                match self.slice(start, self.pos) {
                    "true" => ValueKind::Bool(true),
                    "false" => ValueKind::Bool(false),
                    "none" => ValueKind::None,
                    _ => ValueKind::Path(path),
                }
            }
        };
        Some(Value {
            kind,
            span: self.span(start, self.pos),
        })
    }

    /// A number token's value, as lowering classifies it.
    pub(super) fn number_kind(&mut self, text: &str) -> ValueKind {
        match literals::classify_number(text) {
            Ok(literals::Number::Int(n)) => ValueKind::Int(n),
            Ok(literals::Number::Version(v)) => ValueKind::Version(v),
            Ok(literals::Number::Quantity(value)) => ValueKind::Quantity(Quantity {
                value,
                text: text.to_string(),
            }),
            Ok(literals::Number::Duration(ms)) => ValueKind::Duration(ms),
            Err(_) => {
                self.bail = true;
                ValueKind::Invalid
            }
        }
    }

    /// `number = @{ "-"? ~ ASCII_DIGIT+ ~ ("." ~ ASCII_DIGIT+)* ~ (ASCII_ALPHA+ ~
    /// (ASCII_DIGIT+ ~ ASCII_ALPHA+)*)? ~ !(ident_char | ".") }`
    pub(super) fn number(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let mut i = start;
        if self.at(i) == b'-' {
            i += 1;
        }
        let digits = |p: &Self, mut i: usize| {
            while p.at(i).is_ascii_digit() {
                i += 1;
            }
            i
        };
        let alphas = |p: &Self, mut i: usize| {
            while p.at(i).is_ascii_alphabetic() {
                i += 1;
            }
            i
        };
        let d = digits(self, i);
        if d == i {
            return None;
        }
        i = d;
        while self.at(i) == b'.' && self.at(i + 1).is_ascii_digit() {
            i = digits(self, i + 1);
        }
        let a = alphas(self, i);
        if a > i {
            i = a;
            loop {
                let d = digits(self, i);
                if d == i {
                    break;
                }
                let a = alphas(self, d);
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
        self.pos = i;
        Some(self.slice(start, i))
    }

    /// `list = "[" ~ nl* ~ (value ~ (list_sep ~ value)* ~ list_sep?)? ~ nl* ~ "]"`
    fn list(&mut self) -> Option<Value> {
        let start = self.pos;
        if !self.eat(b'[') {
            return None;
        }
        self.nested(|p| {
            let items = p.listed(Self::value, b']')?;
            Some(Value {
                kind: ValueKind::List(items),
                span: p.span(start, p.pos),
            })
        })
    }

    /// `object = "{" ~ nl* ~ (member ~ (list_sep ~ member)* ~ list_sep?)? ~ nl* ~ rbrace`
    pub(super) fn object(&mut self) -> Option<Value> {
        let start = self.pos;
        if !self.eat(b'{') {
            return None;
        }
        self.nested(|p| {
            let members = p.listed(Self::member, b'}')?;
            Some(Value {
                kind: ValueKind::Object(members),
                span: p.span(start, p.pos),
            })
        })
    }

    /// After the opening bracket: `nl* ~ (x ~ (list_sep ~ x)* ~ list_sep?)? ~ nl* ~ close`
    /// where `list_sep = (nl* ~ "," ~ nl*) | nl+`.
    fn listed<T>(
        &mut self,
        mut one: impl FnMut(&mut Self) -> Option<T>,
        close: u8,
    ) -> Option<Vec<T>> {
        self.ws();
        self.nls();
        self.ws();
        let mut items = Vec::new();
        if let Some(first) = self.attempt(&mut one) {
            items.push(first);
            self.ws();
            self.more(&mut items, |p| {
                if !p.list_sep() {
                    return None;
                }
                p.ws();
                one(p)
            });
            self.ws();
            self.attempt(|p| p.list_sep().then_some(()));
        }
        self.ws();
        self.nls();
        self.ws();
        self.eat(close).then_some(items)
    }

    /// `list_sep = (nl* ~ "," ~ nl*) | nl+`
    fn list_sep(&mut self) -> bool {
        let comma = self.attempt(|p| {
            p.nls();
            p.ws();
            if !p.eat(b',') {
                return None;
            }
            p.ws();
            p.nls();
            Some(())
        });
        if comma.is_some() {
            return true;
        }
        if !self.nl() {
            return false;
        }
        self.ws();
        self.nls();
        true
    }

    /// `member = member_key ~ ":" ~ nl* ~ value`
    fn member(&mut self) -> Option<Member> {
        let start = self.pos;
        let key = match self.peek() {
            b'"' => self.plain_string()?,
            b'\'' => self.raw_string()?,
            _ => {
                let end = self.ident_end()?;
                self.pos = end;
                self.slice(start, end).to_string()
            }
        };
        let key = Spanned::new(key, self.span(start, self.pos));
        self.ws();
        if !self.eat(b':') {
            return None;
        }
        self.ws();
        self.nls();
        self.ws();
        let value = self.value()?;
        Some(Member { key, value })
    }

    /// `raw_string = ${ "'" ~ raw_text ~ "'" }`: the text between the quotes.
    pub(super) fn raw_string(&mut self) -> Option<String> {
        if self.peek() != b'\'' {
            return None;
        }
        let from = self.pos + 1;
        let rest = self.bytes.get(from..self.end).unwrap_or_default();
        let len = rest
            .iter()
            .position(|b| matches!(b, b'\'' | b'\n' | b'\r'))?;
        if rest.get(len) != Some(&b'\'') {
            return None;
        }
        self.pos = from + len + 1;
        Some(self.slice(from, from + len).to_string())
    }

    /// `triple_string = ${ "\"\"\"" ~ triple_text ~ "\"\"\"" }`: the raw text inside.
    fn triple_string(&mut self) -> Option<&'a str> {
        if !self.eat_str("\"\"\"") {
            return None;
        }
        let from = self.pos;
        let rest = self.text.get(from..self.end).unwrap_or_default();
        let len = rest.find("\"\"\"")?;
        self.pos = from + len + 3;
        Some(self.slice(from, from + len))
    }

    /// `string_lit = ${ "\"" ~ (interp | escape | str_text)* ~ "\"" }` as lowering's
    /// parts: adjacent text and escapes merged, `${a.b}` as paths.
    pub(super) fn string_parts(&mut self) -> Option<Vec<StrPart>> {
        if !self.eat(b'"') {
            return None;
        }
        let mut parts: Vec<StrPart> = Vec::new();
        loop {
            let run_start = self.pos;
            while self.pos < self.end && !matches!(self.peek(), b'"' | b'\\' | b'\n' | b'\r' | b'$')
            {
                self.pos += 1;
            }
            // A `$` not followed by `{` is text.
            if self.pos < self.end && self.peek() == b'$' && self.at(self.pos + 1) != b'{' {
                self.pos += 1;
                push_text(&mut parts, self.slice(run_start, self.pos));
                continue;
            }
            if self.pos > run_start {
                push_text(&mut parts, self.slice(run_start, self.pos));
            }
            if self.pos >= self.end {
                return None;
            }
            match self.peek() {
                b'"' => {
                    self.pos += 1;
                    return Some(parts);
                }
                b'\\' => {
                    let c = match self.at(self.pos + 1) {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'$' => '$',
                        _ => return None,
                    };
                    self.pos += 2;
                    let mut buf = [0u8; 4];
                    push_text(&mut parts, c.encode_utf8(&mut buf));
                }
                b'$' => {
                    self.pos += 2;
                    let path = self.path()?;
                    if !self.eat(b'}') {
                        return None;
                    }
                    parts.push(StrPart::Interp(path));
                }
                _ => return None,
            }
        }
    }

    /// A `"…"` string where interpolation is not allowed (lowering reports one: bail).
    pub(super) fn plain_string(&mut self) -> Option<String> {
        let parts = self.string_parts()?;
        let mut out = String::new();
        for part in parts {
            match part {
                StrPart::Text(t) if out.is_empty() => out = t,
                StrPart::Text(t) => out.push_str(&t),
                StrPart::Interp(_) => self.bail = true,
            }
        }
        Some(out)
    }
}

fn push_text(parts: &mut Vec<StrPart>, text: &str) {
    if let Some(StrPart::Text(t)) = parts.last_mut() {
        t.push_str(text);
    } else {
        parts.push(StrPart::Text(text.to_string()));
    }
}
