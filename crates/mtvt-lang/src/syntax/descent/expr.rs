//! Check bodies: statements (`assert`, `when`/`else`, `for`, `let`, `skip`) and
//! expressions. An expression is read as the grammar's flat sequence of prefix operators,
//! primaries, postfix accesses and infix operators, then folded by the same precedence
//! climbing as lowering's pest `PrattParser` (`or` < `and` < `not` < comparisons <
//! `.field` / `[index]`), so trees and spans come out identical.

use super::Descent;
use crate::span::{Span, Spanned};
use crate::syntax::MAX_OPERATORS;
use crate::syntax::ast::*;

/// One element of an expression's flat sequence.
enum Piece {
    Not(Span),
    Primary(Expr),
    Field(Ident, Span),
    Index(Expr, Span),
    Infix(BinOp, Span),
}

/// Binding powers, as pest's `PrattParser` numbers the levels of lowering's table.
const PREC_OR: u32 = 20;
const PREC_AND: u32 = 30;
const PREC_NOT: u32 = 40;
const PREC_CMP: u32 = 50;
const PREC_POSTFIX: u32 = 60;

impl Descent<'_> {
    /// `check_body = "{" ~ sep* ~ (stmt ~ (sep+ ~ stmt)*)? ~ sep* ~ rbrace`
    pub(super) fn check_body(&mut self) -> Option<Vec<Stmt>> {
        if self.peek() != b'{' {
            return None;
        }
        self.nested(|p| {
            p.pos += 1;
            p.braced_items(Self::stmt)
        })
    }

    /// `stmt = assert_stmt | when_stmt | for_stmt | let_stmt | skip_stmt`
    fn stmt(&mut self) -> Option<Stmt> {
        let start = self.pos;
        match self.peek() {
            b'a' if self.keyword("assert") => self.assert_stmt(start),
            b'w' if self.keyword("when") => self.when_stmt(start),
            b'f' if self.keyword("for") => {
                self.ws();
                let var = self.ident()?;
                self.ws();
                if !self.keyword("in") {
                    return None;
                }
                self.ws();
                let iter = self.expr()?;
                self.ws();
                let body = self.check_body()?;
                Some(Stmt::For {
                    var,
                    iter,
                    body,
                    span: self.span(start, self.pos),
                })
            }
            b'l' if self.keyword("let") => {
                self.ws();
                let name = self.ident()?;
                self.ws();
                if !self.eat(b'=') {
                    return None;
                }
                self.ws();
                let value = self.expr()?;
                Some(Stmt::Let {
                    name,
                    value,
                    span: self.span(start, self.pos),
                })
            }
            b's' if self.keyword("skip") => {
                self.ws();
                let s = self.pos;
                if self.peek() != b'"' {
                    return None;
                }
                let reason = self.plain_string()?;
                Some(Stmt::Skip {
                    reason: Spanned::new(reason, self.span(s, self.pos)),
                    span: self.span(start, self.pos),
                })
            }
            _ => None,
        }
    }

    /// `assert_stmt = kw_assert ~ expr ~ ("," ~ nl* ~ string_lit)?`
    fn assert_stmt(&mut self, start: usize) -> Option<Stmt> {
        self.ws();
        let cond = self.expr()?;
        self.ws();
        let message = self.attempt(|p| {
            if !p.eat(b',') {
                return None;
            }
            p.ws();
            p.nls();
            p.ws();
            let s = p.pos;
            if p.peek() != b'"' {
                return None;
            }
            let text = p.plain_string()?;
            Some(Spanned::new(text, p.span(s, p.pos)))
        });
        Some(Stmt::Assert {
            cond,
            message,
            span: self.span(start, self.pos),
        })
    }

    /// `when_stmt = when_branch ~ (nl* ~ kw_else ~ when_branch)* ~ else_branch?` (the
    /// `when` keyword of the first branch is already consumed).
    fn when_stmt(&mut self, start: usize) -> Option<Stmt> {
        let mut branches = vec![self.when_branch_rest()?];
        self.ws();
        self.more(&mut branches, |p| {
            p.else_keyword()?;
            if !p.keyword("when") {
                return None;
            }
            p.when_branch_rest()
        });
        self.ws();
        let otherwise = self.attempt(|p| {
            p.else_keyword()?;
            p.check_body()
        });
        Some(Stmt::When {
            branches,
            otherwise,
            span: self.span(start, self.pos),
        })
    }

    /// `nl* ~ kw_else`, and the spaces before what follows.
    fn else_keyword(&mut self) -> Option<()> {
        self.nls();
        self.ws();
        if !self.keyword("else") {
            return None;
        }
        self.ws();
        Some(())
    }

    /// The rest of `when_branch = kw_when ~ expr ~ check_body` after the keyword.
    fn when_branch_rest(&mut self) -> Option<(Expr, Vec<Stmt>)> {
        self.ws();
        let cond = self.expr()?;
        self.ws();
        let body = self.check_body()?;
        Some((cond, body))
    }

    /// `expr = prefix* ~ primary ~ postfix* ~ (infix ~ nl* ~ prefix* ~ primary ~ postfix*)*`
    /// Leaves the position where pest's `expr` ends: the spaces after the last operand
    /// are inside it, except when an operand after an infix operator ends with a postfix
    /// access (that repetition gives them back).
    pub(super) fn expr(&mut self) -> Option<Expr> {
        self.nested(|p| {
            let mut pieces = Vec::new();
            p.operand(&mut pieces)?;
            let mut last_postfix_end = None;
            loop {
                let save = p.pos;
                let more = p.attempt(|p| {
                    let op = p.infix()?;
                    pieces.push(op);
                    p.ws();
                    p.nls();
                    p.ws();
                    match p.operand(&mut pieces) {
                        Some(end) => Some(end),
                        None => {
                            pieces.pop();
                            None
                        }
                    }
                });
                match more {
                    Some(end) => last_postfix_end = end,
                    None => {
                        p.pos = save;
                        break;
                    }
                }
            }
            if let Some(end) = last_postfix_end {
                p.pos = end;
            }
            let ops = pieces
                .iter()
                .filter(|x| !matches!(x, Piece::Primary(_)))
                .count();
            if ops > MAX_OPERATORS {
                p.bail = true;
                return None;
            }
            let mut it = pieces.into_iter().peekable();
            fold(&mut it, 0)
        })
    }

    /// `prefix* ~ primary ~ postfix*` and the spaces after it; pushes its pieces and
    /// returns where its last postfix access ends (if it has one), or pushes nothing and
    /// fails.
    fn operand(&mut self, pieces: &mut Vec<Piece>) -> Option<Option<usize>> {
        let mark = pieces.len();
        let start = self.pos;
        let r = self.operand_pieces(pieces);
        if r.is_none() {
            pieces.truncate(mark);
            self.pos = start;
        }
        r
    }

    fn operand_pieces(&mut self, pieces: &mut Vec<Piece>) -> Option<Option<usize>> {
        self.repeat(|p| {
            let s = p.pos;
            if p.keyword("not") {
                pieces.push(Piece::Not(p.span(s, p.pos)));
                true
            } else {
                false
            }
        });
        self.ws();
        let primary = self.primary()?;
        pieces.push(Piece::Primary(primary));
        self.ws();
        let mut postfix_end = None;
        self.repeat(|p| match p.attempt(Self::postfix) {
            Some(x) => {
                pieces.push(x);
                postfix_end = Some(p.pos);
                true
            }
            None => false,
        });
        self.ws();
        Some(postfix_end)
    }

    /// `infix` operators.
    fn infix(&mut self) -> Option<Piece> {
        let s = self.pos;
        let two = |p: &mut Self, op: BinOp| {
            p.pos += 2;
            Some(Piece::Infix(op, p.span(s, s + 2)))
        };
        match (self.peek(), self.at(self.pos + 1)) {
            (b'=', b'=') => return two(self, BinOp::Eq),
            (b'!', b'=') => return two(self, BinOp::Ne),
            (b'<', b'=') => return two(self, BinOp::Le),
            (b'>', b'=') => return two(self, BinOp::Ge),
            (b'<', _) | (b'>', _) => {
                let op = if self.peek() == b'<' {
                    BinOp::Lt
                } else {
                    BinOp::Gt
                };
                self.pos += 1;
                return Some(Piece::Infix(op, self.span(s, s + 1)));
            }
            _ => {}
        }
        let word = [
            ("and", BinOp::And),
            ("or", BinOp::Or),
            ("in", BinOp::In),
            ("contains", BinOp::Contains),
            ("starts_with", BinOp::StartsWith),
            ("ends_with", BinOp::EndsWith),
            ("matches", BinOp::Matches),
        ];
        for (w, op) in word {
            if self.keyword(w) {
                return Some(Piece::Infix(op, self.span(s, self.pos)));
            }
        }
        None
    }

    /// `postfix = field_access | index_access`
    fn postfix(&mut self) -> Option<Piece> {
        let s = self.pos;
        if self.eat(b'.') {
            self.ws();
            let field = self.ident()?;
            return Some(Piece::Field(field, self.span(s, self.pos)));
        }
        if self.eat(b'[') {
            self.ws();
            self.nls();
            self.ws();
            let index = self.expr()?;
            self.ws();
            self.nls();
            self.ws();
            if !self.eat(b']') {
                return None;
            }
            return Some(Piece::Index(index, self.span(s, self.pos)));
        }
        None
    }

    /// `primary = comprehension | call | string_lit | raw_string | number | boolean |
    /// none_lit | list_expr | name | paren`
    fn primary(&mut self) -> Option<Expr> {
        let start = self.pos;
        if let Some(end) = self.ident_end() {
            if let Some(e) = self.attempt(Self::comprehension) {
                return Some(e);
            }
            if let Some(e) = self.attempt(Self::call) {
                return Some(e);
            }
            let word = self.slice(start, end);
            let kind = match word {
                "true" => ExprKind::Lit(ValueKind::Bool(true)),
                "false" => ExprKind::Lit(ValueKind::Bool(false)),
                "none" => ExprKind::Lit(ValueKind::None),
                "and" | "or" | "not" | "in" | "contains" | "starts_with" | "ends_with"
                | "matches" => return None,
                _ => ExprKind::Name(word.to_string()),
            };
            self.pos = end;
            return Some(Expr {
                kind,
                span: self.span(start, end),
            });
        }
        let kind = match self.peek() {
            b'"' => {
                let parts = self.string_parts()?;
                let mut text = String::new();
                for part in parts {
                    match part {
                        StrPart::Text(t) if text.is_empty() => text = t,
                        StrPart::Text(t) => text.push_str(&t),
                        StrPart::Interp(_) => self.bail = true,
                    }
                }
                ExprKind::Lit(ValueKind::Str(vec![StrPart::Text(text)]))
            }
            b'\'' => ExprKind::Lit(ValueKind::Raw(self.raw_string()?)),
            b'-' | b'0'..=b'9' => {
                let text = self.number()?;
                ExprKind::Lit(self.number_kind(text))
            }
            b'[' => {
                self.pos += 1;
                ExprKind::List(self.expr_list(b']', true)?)
            }
            b'(' => {
                self.pos += 1;
                self.ws();
                self.nls();
                self.ws();
                let inner = self.expr()?;
                self.ws();
                self.nls();
                self.ws();
                if !self.eat(b')') {
                    return None;
                }
                return Some(inner);
            }
            _ => return None,
        };
        Some(Expr {
            kind,
            span: self.span(start, self.pos),
        })
    }

    /// `comprehension = ident ~ "(" ~ nl* ~ ident ~ kw_in ~ expr ~ ":" ~ nl* ~ expr ~
    /// nl* ~ ")"`
    fn comprehension(&mut self) -> Option<Expr> {
        let start = self.pos;
        let func = self.ident()?;
        self.ws();
        if !self.eat(b'(') {
            return None;
        }
        self.ws();
        self.nls();
        self.ws();
        let var = self.ident()?;
        self.ws();
        if !self.keyword("in") {
            return None;
        }
        self.ws();
        let iter = self.expr()?;
        self.ws();
        if !self.eat(b':') {
            return None;
        }
        self.ws();
        self.nls();
        self.ws();
        let pred = self.expr()?;
        self.ws();
        self.nls();
        self.ws();
        if !self.eat(b')') {
            return None;
        }
        Some(Expr {
            kind: ExprKind::Comprehension {
                func,
                var,
                iter: Box::new(iter),
                pred: Box::new(pred),
            },
            span: self.span(start, self.pos),
        })
    }

    /// `call = ident ~ "(" ~ nl* ~ (expr ~ (nl* ~ "," ~ nl* ~ expr)*)? ~ nl* ~ ")"`
    fn call(&mut self) -> Option<Expr> {
        let start = self.pos;
        let func = self.ident()?;
        self.ws();
        if !self.eat(b'(') {
            return None;
        }
        let args = self.expr_list(b')', false)?;
        Some(Expr {
            kind: ExprKind::Call(func, args),
            span: self.span(start, self.pos),
        })
    }

    /// After an opening bracket: `nl* ~ (expr ~ (nl* ~ "," ~ nl* ~ expr)* ~ (nl* ~ ",")?)?
    /// ~ nl* ~ close` (the trailing comma only in list expressions).
    fn expr_list(&mut self, close: u8, trailing_comma: bool) -> Option<Vec<Expr>> {
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
                if !p.eat(b',') {
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
                    p.eat(b',').then_some(())
                });
            }
        }
        self.ws();
        self.nls();
        self.ws();
        self.eat(close).then_some(items)
    }
}

/// Precedence climbing over the flat pieces, as pest's `PrattParser::expr`.
fn fold(it: &mut std::iter::Peekable<std::vec::IntoIter<Piece>>, rbp: u32) -> Option<Expr> {
    let mut lhs = match it.next()? {
        Piece::Not(op) => {
            let rhs = fold(it, PREC_NOT - 1)?;
            let span = op.to(rhs.span);
            Expr {
                kind: ExprKind::Not(Box::new(rhs)),
                span,
            }
        }
        Piece::Primary(e) => e,
        _ => return None,
    };
    loop {
        let lbp = match it.peek() {
            None => break,
            Some(Piece::Infix(BinOp::Or, _)) => PREC_OR,
            Some(Piece::Infix(BinOp::And, _)) => PREC_AND,
            Some(Piece::Infix(..)) => PREC_CMP,
            Some(Piece::Field(..) | Piece::Index(..)) => PREC_POSTFIX,
            Some(Piece::Not(_) | Piece::Primary(_)) => return None,
        };
        if rbp >= lbp {
            break;
        }
        lhs = match it.next()? {
            Piece::Field(field, op) => Expr {
                span: lhs.span.to(op),
                kind: ExprKind::Field(Box::new(lhs), field),
            },
            Piece::Index(index, op) => Expr {
                span: lhs.span.to(op),
                kind: ExprKind::Index(Box::new(lhs), Box::new(index)),
            },
            Piece::Infix(op, op_span) => {
                let rhs = fold(it, lbp)?;
                Expr {
                    span: lhs.span.to(rhs.span),
                    kind: ExprKind::Binary(Spanned::new(op, op_span), Box::new(lhs), Box::new(rhs)),
                }
            }
            _ => return None,
        };
    }
    Some(lhs)
}
