//! Values (`value`, `list`, `object`, `member` of the grammar, and the literals through
//! `lexical` and `strings`), decoded as lowering decodes them (`syntax::literals`): a number
//! whose value is unusable is reported (E0101) and kept as `ValueKind::Invalid`.

use super::{Descent, TokenKind};
use crate::diag::DiagnosticKind;
use crate::span::Spanned;
use crate::syntax::ast::*;
use crate::syntax::errors::Expected as E;
use crate::syntax::literals;

impl<'a> Descent<'a> {
    /// `value = path | triple_string | string_lit | number | raw_string | list | object`
    pub(super) fn value(&mut self) -> Option<Value> {
        if let Some(v) = self.scalar_or_list() {
            return Some(v);
        }
        if self.mode.track || self.peek() == b'{' {
            return self.object();
        }
        None
    }

    /// The alternatives `value` and `arg` share: `path | triple_string | string_lit |
    /// number | raw_string | list`.
    pub(super) fn scalar_or_list(&mut self) -> Option<Value> {
        let start = self.pos;
        if !self.mode.track {
            // Only a shortcut: the alternatives start with different bytes (`"""` before `"`).
            let kind = match self.peek() {
                b'"' => match self.triple_string() {
                    Some(t) => ValueKind::Triple(Name::from(literals::dedent(t))),
                    None => ValueKind::Str(self.string_lit()?),
                },
                b'\'' => ValueKind::Raw(self.raw_string()?),
                b'[' => return self.list(),
                b'-' | b'0'..=b'9' => {
                    let text = self.number()?;
                    self.number_kind(text, start)
                }
                _ => self.path_value()?,
            };
            return Some(Value {
                kind,
                span: self.span(start, self.pos),
            });
        }
        let kind = if let Some(k) = self.path_value() {
            k
        } else if let Some(t) = self.triple_string() {
            ValueKind::Triple(Name::from(literals::dedent(t)))
        } else if let Some(parts) = self.string_lit() {
            ValueKind::Str(parts)
        } else if let Some(text) = self.number() {
            self.number_kind(text, start)
        } else if let Some(raw) = self.raw_string() {
            ValueKind::Raw(raw)
        } else {
            return self.list();
        };
        Some(Value {
            kind,
            span: self.span(start, self.pos),
        })
    }

    /// A `path` value: `true`, `false` and `none` are literals.
    fn path_value(&mut self) -> Option<ValueKind> {
        // The common one-word literals, without building a path first.
        if let Some(end) = self.ident_end()
            && matches!(end - self.pos, 4 | 5)
            && self.at(end) != b'.'
        {
            let literal = match self.slice(self.pos, end) {
                "true" => Some(ValueKind::Bool(true)),
                "false" => Some(ValueKind::Bool(false)),
                "none" => Some(ValueKind::None),
                _ => None,
            };
            if let Some(kind) = literal {
                let start = self.pos;
                self.pos = end;
                self.token(TokenKind::Word, start);
                return Some(kind);
            }
        }
        let path = self.path_rule(E::path)?;
        Some(match path.span.len() {
            4 | 5 => match self.slice(path.span.start, path.span.end) {
                "true" => ValueKind::Bool(true),
                "false" => ValueKind::Bool(false),
                "none" => ValueKind::None,
                _ => ValueKind::Path(path),
            },
            _ => ValueKind::Path(path),
        })
    }

    /// A number token's value, as lowering classifies it (a bad one is reported).
    pub(super) fn number_kind(&mut self, text: &str, start: usize) -> ValueKind {
        match literals::classify_number(text) {
            Ok(literals::Number::Int(n)) => ValueKind::Int(n),
            Ok(literals::Number::Version(v)) => ValueKind::Version(v),
            Ok(literals::Number::Quantity(value)) => ValueKind::Quantity(Quantity {
                value,
                text: Name::new(text),
            }),
            Ok(literals::Number::Duration(ms)) => ValueKind::Duration(ms),
            Err((what, reason)) => {
                self.diags.push(DiagnosticKind::InvalidLiteral {
                    span: self.span(start, start + text.len()),
                    what,
                    text: text.to_string(),
                    reason,
                });
                ValueKind::Invalid
            }
        }
    }

    /// `list = "[" ~ nl* ~ (value ~ (list_sep ~ value)* ~ list_sep?)? ~ nl* ~ "]"`
    fn list(&mut self) -> Option<Value> {
        self.rule(E::list, |p| {
            let start = p.pos;
            if !p.punct(b'[') {
                return None;
            }
            p.nested(
                start,
                |p| {
                    let items = p.listed(Self::value, b']')?;
                    Some(Value {
                        kind: ValueKind::List(items),
                        span: p.span(start, p.pos),
                    })
                },
                |span| Value {
                    kind: ValueKind::List(Vec::new()),
                    span,
                },
            )
        })
    }

    /// `object = "{" ~ nl* ~ (member ~ (list_sep ~ member)* ~ list_sep?)? ~ nl* ~ rbrace`
    pub(super) fn object(&mut self) -> Option<Value> {
        self.rule(E::object, |p| {
            let start = p.pos;
            if !p.punct(b'{') {
                return None;
            }
            p.nested(
                start,
                |p| {
                    let members = p.listed(Self::member, b'}')?;
                    Some(Value {
                        kind: ValueKind::Object(members),
                        span: p.span(start, p.pos),
                    })
                },
                |span| Value {
                    kind: ValueKind::Object(Vec::new()),
                    span,
                },
            )
        })
    }

    /// After the opening bracket: `nl* ~ (x ~ (list_sep ~ x)* ~ list_sep?)? ~ nl* ~ close`
    /// where `list_sep = (nl* ~ "," ~ nl*) | nl+` (an object closes with the rule `rbrace`).
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
        if self.punct(close) {
            return Some(items);
        }
        if close == b'}' {
            self.miss(E::rbrace);
        }
        None
    }

    /// `list_sep = (nl* ~ "," ~ nl*) | nl+`
    fn list_sep(&mut self) -> bool {
        let comma = self.attempt(|p| {
            p.nls();
            p.ws();
            if !p.punct(b',') {
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

    /// `member = member_key ~ ":" ~ nl* ~ value` with `member_key = string_lit |
    /// raw_string | ident`
    fn member(&mut self) -> Option<Member> {
        self.rule(E::member, |p| {
            let start = p.pos;
            let key = if let Some(s) = p.plain_string("object key") {
                Name::from(s)
            } else if let Some(s) = p.raw_string() {
                s
            } else {
                p.ident()?.node
            };
            let key = Spanned::new(key, p.span(start, p.pos));
            p.ws();
            if !p.punct(b':') {
                return None;
            }
            p.ws();
            p.nls();
            p.ws();
            let value = p.value()?;
            Some(Member { key, value })
        })
    }

    /// `op = { ">=" | "<=" | "==" | "!=" | ">" | "<" | "=" }`, as written.
    pub(super) fn op(&mut self) -> Option<Spanned<Name>> {
        let start = self.pos;
        let n = match (self.peek(), self.at(self.pos + 1)) {
            (b'>' | b'<' | b'=' | b'!', b'=') => 2,
            (b'>' | b'<' | b'=', _) => 1,
            _ => {
                self.miss(E::op);
                return None;
            }
        };
        self.pos += n;
        self.token(TokenKind::Punct, start);
        Some(Spanned::new(
            Name::new(self.slice(start, self.pos)),
            self.span(start, self.pos),
        ))
    }
}
