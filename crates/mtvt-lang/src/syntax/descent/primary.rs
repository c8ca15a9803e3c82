//! The operands of check expressions (`primary` of the grammar): comprehensions, calls,
//! literals, list expressions, names and parenthesised expressions.

use super::Descent;
use crate::syntax::ast::*;
use crate::syntax::errors::Expected as E;

/// Words that are operators or literals, never names (`reserved` of the grammar).
const RESERVED: [&str; 11] = [
    "and",
    "or",
    "not",
    "in",
    "contains",
    "starts_with",
    "ends_with",
    "matches",
    "true",
    "false",
    "none",
];

impl Descent<'_> {
    /// `primary = comprehension | call | string_lit | raw_string | number | boolean |
    /// none_lit | list_expr | name | paren`
    pub(super) fn primary(&mut self) -> Option<Expr> {
        if !self.mode.track {
            return self.primary_fast();
        }
        let start = self.pos;
        if let Some(e) = self.comprehension() {
            return Some(e);
        }
        if let Some(e) = self.call() {
            return Some(e);
        }
        let kind = if let Some(text) = self.expr_string() {
            ExprKind::Lit(ValueKind::Str(vec![StrPart::Text(text)]))
        } else if let Some(raw) = self.raw_string() {
            ExprKind::Lit(ValueKind::Raw(raw))
        } else if let Some(text) = self.number() {
            ExprKind::Lit(self.number_kind(text, start))
        } else if let Some(b) = self.boolean() {
            ExprKind::Lit(ValueKind::Bool(b))
        } else if self.word_rule(E::none_lit, |w| w == "none").is_some() {
            ExprKind::Lit(ValueKind::None)
        } else if let Some(items) = self.list_expr() {
            ExprKind::List(items)
        } else if let Some(name) = self.word_rule(E::name, |w| !RESERVED.contains(&w)) {
            ExprKind::Name(name)
        } else {
            return self.paren();
        };
        Some(Expr {
            kind,
            span: self.span(start, self.pos),
        })
    }

    /// [`Descent::primary`] without tracking: the alternatives are told apart by their
    /// first byte (and a name from a call or comprehension by the `(` after it).
    fn primary_fast(&mut self) -> Option<Expr> {
        let start = self.pos;
        if let Some(end) = self.ident_end() {
            let mut after = end;
            while matches!(self.at(after), b' ' | b'\t') {
                after += 1;
            }
            if self.at(after) == b'(' {
                if let Some(e) = self.comprehension() {
                    return Some(e);
                }
                if let Some(e) = self.call() {
                    return Some(e);
                }
            }
            let kind = match self.slice(start, end) {
                "true" => ExprKind::Lit(ValueKind::Bool(true)),
                "false" => ExprKind::Lit(ValueKind::Bool(false)),
                "none" => ExprKind::Lit(ValueKind::None),
                w if RESERVED.contains(&w) => return None,
                w => ExprKind::Name(Name::new(w)),
            };
            self.pos = end;
            self.token(super::TokenKind::Word, start);
            return Some(Expr {
                kind,
                span: self.span(start, end),
            });
        }
        let kind = match self.peek() {
            b'"' => ExprKind::Lit(ValueKind::Str(vec![StrPart::Text(self.expr_string()?)])),
            b'\'' => ExprKind::Lit(ValueKind::Raw(self.raw_string()?)),
            b'-' | b'0'..=b'9' => {
                let text = self.number()?;
                ExprKind::Lit(self.number_kind(text, start))
            }
            b'[' => ExprKind::List(self.list_expr()?),
            b'(' => return self.paren(),
            _ => return None,
        };
        Some(Expr {
            kind,
            span: self.span(start, self.pos),
        })
    }

    /// `boolean = @{ ("true" | "false") ~ !ident_char }`
    fn boolean(&mut self) -> Option<bool> {
        self.word_rule(E::boolean, |w| w == "true" || w == "false")
            .map(|w| w == "true")
    }

    /// An atomic rule matching one whole word that `ok` accepts, as a token.
    fn word_rule(&mut self, rule: E, ok: impl Fn(&str) -> bool) -> Option<Name> {
        let start = self.pos;
        match self.ident_end() {
            Some(end) if ok(self.slice(start, end)) => {
                self.pos = end;
                self.token(super::TokenKind::Word, start);
                Some(Name::new(self.slice(start, end)))
            }
            _ => {
                self.miss(rule);
                None
            }
        }
    }

    /// `comprehension = ident ~ "(" ~ nl* ~ ident ~ kw_in ~ expr ~ ":" ~ nl* ~ expr ~
    /// nl* ~ ")"`
    fn comprehension(&mut self) -> Option<Expr> {
        self.rule(E::comprehension, |p| {
            let start = p.pos;
            let func = p.ident()?;
            p.ws();
            if !p.punct(b'(') {
                return None;
            }
            p.ws();
            p.nls();
            p.ws();
            let var = p.ident()?;
            p.ws();
            p.kw(E::kw_in, "in")?;
            p.ws();
            let iter = p.expr()?;
            p.ws();
            if !p.punct(b':') {
                return None;
            }
            p.ws();
            p.nls();
            p.ws();
            let pred = p.expr()?;
            if !p.closer(b')') {
                return None;
            }
            Some(Expr {
                kind: ExprKind::Comprehension {
                    func,
                    var,
                    iter: Box::new(iter),
                    pred: Box::new(pred),
                },
                span: p.span(start, p.pos),
            })
        })
    }

    /// `call = ident ~ "(" ~ nl* ~ (expr ~ (nl* ~ "," ~ nl* ~ expr)*)? ~ nl* ~ ")"`
    fn call(&mut self) -> Option<Expr> {
        self.rule(E::call, |p| {
            let start = p.pos;
            let func = p.ident()?;
            p.ws();
            if !p.punct(b'(') {
                return None;
            }
            let args = p.expr_list(b')', false)?;
            Some(Expr {
                kind: ExprKind::Call(func, args),
                span: p.span(start, p.pos),
            })
        })
    }

    /// `list_expr = "[" ~ nl* ~ (expr ~ (nl* ~ "," ~ nl* ~ expr)* ~ (nl* ~ ",")?)? ~ nl* ~ "]"`
    fn list_expr(&mut self) -> Option<Vec<Expr>> {
        self.rule(E::list_expr, |p| {
            if !p.punct(b'[') {
                return None;
            }
            p.expr_list(b']', true)
        })
    }

    /// `paren = "(" ~ nl* ~ expr ~ nl* ~ ")"`: the expression inside.
    fn paren(&mut self) -> Option<Expr> {
        self.rule(E::paren, |p| {
            if !p.punct(b'(') {
                return None;
            }
            p.ws();
            p.nls();
            p.ws();
            let inner = p.expr_or_missing()?;
            p.closer(b')').then_some(inner)
        })
    }

    /// After an opening bracket: `nl* ~ (expr ~ (nl* ~ "," ~ nl* ~ expr)* ~ (nl* ~ ",")?)?
    /// ~ nl* ~ close` (the trailing comma only in list expressions).
    pub(super) fn expr_list(&mut self, close: u8, trailing_comma: bool) -> Option<Vec<Expr>> {
        self.ws();
        self.nls();
        self.ws();
        let mut items = Vec::new();
        if let Some(first) = self.attempt(Self::expr) {
            items.push(first);
            self.ws();
            self.more(&mut items, |p| {
                p.nls();
                p.ws();
                if !p.punct(b',') {
                    return None;
                }
                p.ws();
                p.nls();
                p.ws();
                p.expr()
            });
            if trailing_comma {
                self.ws();
                self.attempt(|p| {
                    p.nls();
                    p.ws();
                    p.punct(b',').then_some(())
                });
            }
        }
        self.closer(close).then_some(items)
    }
}
