//! Expressions of check bodies. An expression is read as the grammar's flat sequence of
//! prefix operators, primaries, postfix accesses and infix operators, then folded by the
//! same precedence climbing as lowering's pest `PrattParser` (`or` < `and` < `not` <
//! comparisons < `.field` / `[index]`), so trees and spans come out identical. In recover
//! mode a missing operand, field name or closing bracket is reported and repaired here.

use super::{Descent, TokenKind};
use crate::span::{Span, Spanned};
use crate::syntax::MAX_OPERATORS;
use crate::syntax::ast::*;
use crate::syntax::errors::{self, Expected as E};

/// One element of an expression's flat sequence.
pub(super) enum Piece {
    Not(Span),
    Primary(Expr),
    Field(Ident, Span),
    Method(Ident, Vec<Expr>, Span),
    Index(Expr, Span),
    Infix(BinOp, Span),
}

/// Binding powers, as pest's `PrattParser` numbers the levels of lowering's table.
const PREC_OR: u32 = 20;
const PREC_AND: u32 = 30;
const PREC_NOT: u32 = 40;
const PREC_CMP: u32 = 50;
const PREC_POSTFIX: u32 = 60;

/// The infix operators in the grammar's order: rule, text, operator.
const INFIX: [(E, &str, BinOp); 13] = [
    (E::op_eq, "==", BinOp::Eq),
    (E::op_ne, "!=", BinOp::Ne),
    (E::op_le, "<=", BinOp::Le),
    (E::op_ge, ">=", BinOp::Ge),
    (E::op_lt, "<", BinOp::Lt),
    (E::op_gt, ">", BinOp::Gt),
    (E::op_and, "and", BinOp::And),
    (E::op_or, "or", BinOp::Or),
    (E::op_in, "in", BinOp::In),
    (E::op_contains, "contains", BinOp::Contains),
    (E::op_starts_with, "starts_with", BinOp::StartsWith),
    (E::op_ends_with, "ends_with", BinOp::EndsWith),
    (E::op_matches, "matches", BinOp::Matches),
];

impl Descent<'_> {
    /// `expr = prefix* ~ primary ~ postfix* ~ (infix ~ nl* ~ prefix* ~ primary ~ postfix*)*`
    /// Leaves the position where pest's `expr` ends: the spaces after the last operand
    /// are inside it, except when an operand after an infix operator ends with a postfix
    /// access (that repetition gives them back).
    pub(super) fn expr(&mut self) -> Option<Expr> {
        self.rule(E::expr, |p| {
            let start = p.pos;
            p.nested(
                start,
                |p| p.expr_pieces(start),
                |span| Expr {
                    kind: ExprKind::Lit(ValueKind::None),
                    span,
                },
            )
        })
    }

    fn expr_pieces(&mut self, start: usize) -> Option<Expr> {
        let mark = self.diags.len();
        let mut pieces = Vec::new();
        self.operand(&mut pieces)?;
        let mut last_postfix_end = None;
        while let Some(end) = self.attempt(|p| {
            let op = p.infix()?;
            pieces.push(op);
            p.ws();
            p.nls();
            p.ws();
            let end = p.operand(&mut pieces);
            if end.is_none() {
                if p.mode.recover {
                    p.report();
                    pieces.push(Piece::Primary(p.missing()));
                    return Some(None);
                }
                pieces.pop();
            }
            end
        }) {
            last_postfix_end = end;
        }
        if let Some(end) = last_postfix_end {
            self.pos = end;
        }
        let ops = pieces
            .iter()
            .filter(|x| !matches!(x, Piece::Primary(_)))
            .count();
        if ops > MAX_OPERATORS {
            let span = self.span(start, self.pos);
            self.diags.truncate(mark);
            self.diags
                .push(errors::too_many_operators(span, MAX_OPERATORS));
            return Some(Expr {
                kind: ExprKind::Lit(ValueKind::None),
                span,
            });
        }
        let mut it = pieces.into_iter().peekable();
        fold(&mut it, 0)
    }

    /// `prefix* ~ primary ~ postfix*` and the spaces after it; pushes its pieces and
    /// returns where its last postfix access ends (if it has one), or pushes nothing and
    /// fails.
    fn operand(&mut self, pieces: &mut Vec<Piece>) -> Option<Option<usize>> {
        let mark = pieces.len();
        let r = self.attempt(|p| p.operand_pieces(pieces));
        if r.is_none() {
            pieces.truncate(mark);
        }
        r
    }

    fn operand_pieces(&mut self, pieces: &mut Vec<Piece>) -> Option<Option<usize>> {
        self.repeat(|p| {
            let s = p.pos;
            if p.kw(E::op_not, "not").is_some() {
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
        self.repeat(|p| match p.postfix() {
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

    /// `infix` operators, tried in the grammar's order.
    fn infix(&mut self) -> Option<Piece> {
        let s = self.pos;
        if !self.mode.track && !matches!(self.peek(), b'=' | b'!' | b'<' | b'>' | b'a'..=b'z') {
            return None;
        }
        for (rule, text, op) in INFIX {
            let matched = if text.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
                self.kw(rule, text).is_some()
            } else if self.eat_str(text) {
                self.token(TokenKind::Punct, s);
                true
            } else {
                self.miss(rule);
                false
            };
            if matched {
                return Some(Piece::Infix(op, self.span(s, self.pos)));
            }
        }
        None
    }

    /// `postfix = method_call | field_access | index_access`
    fn postfix(&mut self) -> Option<Piece> {
        if !self.mode.track && !matches!(self.peek(), b'.' | b'[') {
            return None;
        }
        if let Some(m) = self.method_call() {
            return Some(m);
        }
        if let Some(f) = self.field_access() {
            return Some(f);
        }
        self.index_access()
    }

    /// `method_call = "." ~ ident ~ "(" ~ nl* ~ (expr ~ (nl* ~ "," ~ nl* ~ expr)*)? ~ nl* ~ ")"`
    fn method_call(&mut self) -> Option<Piece> {
        self.rule(E::method_call, |p| {
            let s = p.pos;
            if !p.punct(b'.') {
                return None;
            }
            p.ws();
            let method = p.ident()?;
            p.ws();
            if !p.punct(b'(') {
                return None;
            }
            let args = p.expr_list(b')', false)?;
            Some(Piece::Method(method, args, p.span(s, p.pos)))
        })
    }

    /// `field_access = "." ~ ident`
    fn field_access(&mut self) -> Option<Piece> {
        self.rule(E::field_access, |p| {
            let s = p.pos;
            if !p.punct(b'.') {
                return None;
            }
            p.ws();
            let field = match p.ident() {
                Some(f) => f,
                None if p.mode.recover => {
                    p.report();
                    Spanned::new(Name::default(), p.span(p.pos, p.pos))
                }
                None => return None,
            };
            Some(Piece::Field(field, p.span(s, p.pos)))
        })
    }

    /// `index_access = "[" ~ nl* ~ expr ~ nl* ~ "]"`
    fn index_access(&mut self) -> Option<Piece> {
        self.rule(E::index_access, |p| {
            let s = p.pos;
            if !p.punct(b'[') {
                return None;
            }
            p.ws();
            p.nls();
            p.ws();
            let index = p.expr_or_missing()?;
            if !p.closer(b']') {
                return None;
            }
            Some(Piece::Index(index, p.span(s, p.pos)))
        })
    }
}

impl Descent<'_> {
    /// An expression where the grammar requires one; in recover mode a missing one is
    /// reported and stands as an empty node.
    pub(super) fn expr_or_missing(&mut self) -> Option<Expr> {
        match self.expr() {
            Some(e) => Some(e),
            None if self.mode.recover => {
                self.report();
                Some(self.missing())
            }
            None => None,
        }
    }

    /// The empty node standing for a missing operand at the position.
    pub(super) fn missing(&self) -> Expr {
        Expr {
            kind: ExprKind::Lit(ValueKind::Invalid),
            span: self.span(self.pos, self.pos),
        }
    }

    /// `nl* ~ b`: the closing bracket `b` of an expression, after line breaks; in recover
    /// mode a missing one is reported and taken as read where the contents end.
    pub(super) fn closer(&mut self, b: u8) -> bool {
        let m = self.mark();
        self.ws();
        self.nls();
        self.ws();
        if self.punct(b) {
            return true;
        }
        if self.mode.recover {
            self.reset(m);
            self.report();
            return true;
        }
        false
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
            Some(Piece::Field(..) | Piece::Method(..) | Piece::Index(..)) => PREC_POSTFIX,
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
            Piece::Method(method, args, op) => Expr {
                span: lhs.span.to(op),
                kind: ExprKind::Method(Box::new(lhs), method, args),
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
