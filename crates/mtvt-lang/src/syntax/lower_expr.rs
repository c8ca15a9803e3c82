//! pest pairs → check statements and expressions (Pratt parsing for operator precedence:
//! `or` < `and` < `not` < comparisons < `.field` / `[index]`).

use std::sync::LazyLock;

use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::*;
use super::lower::{Lowerer, MAX_OPERATORS};
use super::parser::Rule;
use crate::diag::DiagnosticKind;
use crate::span::Spanned;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::infix(Rule::op_contains, Assoc::Left)
            | Op::infix(Rule::op_starts_with, Assoc::Left)
            | Op::infix(Rule::op_ends_with, Assoc::Left)
            | Op::infix(Rule::op_matches, Assoc::Left))
        .op(Op::postfix(Rule::method_call)
            | Op::postfix(Rule::field_access)
            | Op::postfix(Rule::index_access))
});

impl Lowerer {
    /// Lowers `{ stmt; stmt }`.
    pub(super) fn lower_check_body(&self, pair: Pair<'_, Rule>) -> Vec<Stmt> {
        let span = self.span(&pair);
        if !self.enter(span) {
            self.leave();
            return Vec::new();
        }
        let stmts = pair
            .into_inner()
            .filter_map(|p| self.lower_stmt(p))
            .collect();
        self.leave();
        stmts
    }

    fn lower_stmt(&self, pair: Pair<'_, Rule>) -> Option<Stmt> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
        Some(match rule {
            Rule::assert_stmt => {
                let cond = self.lower_expr(inner.next()?);
                let message = inner.next().map(|m| {
                    let s = self.span(&m);
                    Spanned::new(self.plain_string(m, "assert message"), s)
                });
                Stmt::Assert {
                    cond,
                    message,
                    span,
                }
            }
            Rule::when_stmt => {
                let mut branches = Vec::new();
                let mut otherwise = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::when_branch => {
                            let mut b = p.into_inner().filter(|q| !is_keyword(q.as_rule()));
                            let (Some(c), Some(body)) = (b.next(), b.next()) else {
                                continue;
                            };
                            branches.push((self.lower_expr(c), self.lower_check_body(body)));
                        }
                        Rule::else_branch => {
                            let body = p.into_inner().find(|q| q.as_rule() == Rule::check_body)?;
                            otherwise = Some(self.lower_check_body(body));
                        }
                        _ => {}
                    }
                }
                Stmt::When {
                    branches,
                    otherwise,
                    span,
                }
            }
            Rule::for_stmt => {
                let var = self.ident(&inner.next()?);
                let iter = self.lower_expr(inner.next()?);
                let body = self.lower_check_body(inner.next()?);
                Stmt::For {
                    var,
                    iter,
                    body,
                    span,
                }
            }
            Rule::let_stmt => {
                let name = self.ident(&inner.next()?);
                let value = self.lower_expr(inner.next()?);
                Stmt::Let { name, value, span }
            }
            Rule::skip_stmt => {
                let r = inner.next()?;
                let s = self.span(&r);
                Stmt::Skip {
                    reason: Spanned::new(self.plain_string(r, "skip reason"), s),
                    span,
                }
            }
            _ => return None,
        })
    }

    /// Lowers an `expr` pair.
    pub fn lower_expr(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let placeholder = Expr {
            kind: ExprKind::Lit(ValueKind::None),
            span,
        };
        if !self.enter(span) {
            self.leave();
            return placeholder;
        }
        let pairs = pair.into_inner();
        let ops = pairs.clone().filter(|p| is_operator(p.as_rule())).count();
        let expr = if ops > MAX_OPERATORS {
            self.push(super::errors::too_many_operators(span, MAX_OPERATORS));
            placeholder
        } else {
            self.pratt(pairs)
        };
        self.leave();
        expr
    }

    fn pratt(&self, pairs: Pairs<'_, Rule>) -> Expr {
        PRATT
            .map_primary(|p| self.lower_primary(p))
            .map_prefix(|op, rhs| {
                let span = self.span(&op).to(rhs.span);
                Expr {
                    kind: ExprKind::Not(Box::new(rhs)),
                    span,
                }
            })
            .map_postfix(|lhs, op| {
                let span = lhs.span.to(self.span(&op));
                match op.as_rule() {
                    Rule::method_call => {
                        let mut inner = op.into_inner();
                        match inner.next() {
                            Some(m) => {
                                let method = self.ident(&m);
                                let args = inner.map(|a| self.lower_expr(a)).collect();
                                Expr {
                                    kind: ExprKind::Method(Box::new(lhs), method, args),
                                    span,
                                }
                            }
                            None => lhs,
                        }
                    }
                    Rule::field_access => match op.into_inner().next() {
                        Some(f) => {
                            let field = self.ident(&f);
                            Expr {
                                kind: ExprKind::Field(Box::new(lhs), field),
                                span,
                            }
                        }
                        None => lhs,
                    },
                    _ => match op.into_inner().next() {
                        Some(i) => {
                            let index = self.lower_expr(i);
                            Expr {
                                kind: ExprKind::Index(Box::new(lhs), Box::new(index)),
                                span,
                            }
                        }
                        None => lhs,
                    },
                }
            })
            .map_infix(|lhs, op, rhs| {
                let bop = match op.as_rule() {
                    Rule::op_or => BinOp::Or,
                    Rule::op_and => BinOp::And,
                    Rule::op_eq => BinOp::Eq,
                    Rule::op_ne => BinOp::Ne,
                    Rule::op_lt => BinOp::Lt,
                    Rule::op_le => BinOp::Le,
                    Rule::op_gt => BinOp::Gt,
                    Rule::op_ge => BinOp::Ge,
                    Rule::op_in => BinOp::In,
                    Rule::op_contains => BinOp::Contains,
                    Rule::op_starts_with => BinOp::StartsWith,
                    Rule::op_ends_with => BinOp::EndsWith,
                    _ => BinOp::Matches,
                };
                let span = lhs.span.to(rhs.span);
                let op = Spanned::new(bop, self.span(&op));
                Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                }
            })
            .parse(pairs)
    }

    fn lower_primary(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::name => ExprKind::Name(Name::new(pair.as_str())),
            Rule::paren => match pair.into_inner().next() {
                Some(e) => return self.lower_expr(e),
                None => ExprKind::Lit(ValueKind::None),
            },
            Rule::list_expr => {
                ExprKind::List(pair.into_inner().map(|e| self.lower_expr(e)).collect())
            }
            Rule::call => {
                let mut inner = pair.into_inner();
                let Some(f) = inner.next() else {
                    return Expr {
                        kind: ExprKind::Lit(ValueKind::None),
                        span,
                    };
                };
                let func = self.ident(&f);
                ExprKind::Call(func, inner.map(|e| self.lower_expr(e)).collect())
            }
            Rule::comprehension => {
                let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_in);
                let (Some(f), Some(v), Some(it), Some(pred)) =
                    (inner.next(), inner.next(), inner.next(), inner.next())
                else {
                    return Expr {
                        kind: ExprKind::Lit(ValueKind::None),
                        span,
                    };
                };
                ExprKind::Comprehension {
                    func: self.ident(&f),
                    var: self.ident(&v),
                    iter: Box::new(self.lower_expr(it)),
                    pred: Box::new(self.lower_expr(pred)),
                }
            }
            Rule::string_lit => {
                let parts = self.string_parts(pair);
                let mut text = String::new();
                for part in parts {
                    match part {
                        StrPart::Text(t) => text.push_str(&t),
                        StrPart::Interp(p) => {
                            self.push(DiagnosticKind::InterpolationNotAllowed {
                                span: p.span,
                                key: String::from("a check expression"),
                            });
                        }
                    }
                }
                ExprKind::Lit(ValueKind::Str(vec![StrPart::Text(Name::from(text))]))
            }
            _ => ExprKind::Lit(self.lower_value(pair).kind),
        };
        Expr { kind, span }
    }
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_assert
            | Rule::kw_when
            | Rule::kw_else
            | Rule::kw_for
            | Rule::kw_in
            | Rule::kw_let
            | Rule::kw_skip
    )
}

fn is_operator(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::op_or
            | Rule::op_and
            | Rule::op_not
            | Rule::op_eq
            | Rule::op_ne
            | Rule::op_lt
            | Rule::op_le
            | Rule::op_gt
            | Rule::op_ge
            | Rule::op_in
            | Rule::op_contains
            | Rule::op_starts_with
            | Rule::op_ends_with
            | Rule::op_matches
            | Rule::method_call
            | Rule::field_access
            | Rule::index_access
    )
}
