//! Check bodies and their statements (`assert`, `when`/`else`, `for`, `let`, `skip`);
//! expressions are `expr`'s.

use super::Descent;
use crate::span::Spanned;
use crate::syntax::ast::*;
use crate::syntax::errors::Expected as E;

impl Descent<'_> {
    /// `check_body = "{" ~ sep* ~ (stmt ~ (sep+ ~ stmt)*)? ~ sep* ~ rbrace`
    pub(super) fn check_body(&mut self) -> Option<Vec<Stmt>> {
        if self.mode.recover {
            return self.check_body_recovering();
        }
        self.rule(E::check_body, |p| {
            let start = p.pos;
            if !p.punct(b'{') {
                return None;
            }
            p.nested(start, |p| p.braced_items(Self::stmt), |_| Vec::new())
        })
    }

    /// `stmt = assert_stmt | when_stmt | for_stmt | let_stmt | skip_stmt`
    pub(super) fn stmt(&mut self) -> Option<Stmt> {
        if !self.mode.track {
            // Only a shortcut: each alternative starts with its own keyword.
            return match self.peek() {
                b'a' => self.assert_stmt(),
                b'w' => self.when_stmt(),
                b'f' => self.for_stmt(),
                b'l' => self.let_stmt(),
                b's' => self.skip_stmt(),
                _ => None,
            };
        }
        if let Some(s) = self.assert_stmt() {
            return Some(s);
        }
        if let Some(s) = self.when_stmt() {
            return Some(s);
        }
        if let Some(s) = self.for_stmt() {
            return Some(s);
        }
        if let Some(s) = self.let_stmt() {
            return Some(s);
        }
        self.skip_stmt()
    }

    /// `assert_stmt = kw_assert ~ expr ~ ("," ~ nl* ~ string_lit)?`
    fn assert_stmt(&mut self) -> Option<Stmt> {
        self.rule(E::assert_stmt, |p| {
            let start = p.pos;
            p.kw(E::kw_assert, "assert")?;
            p.ws();
            let cond = p.expr_or_missing()?;
            p.ws();
            let message = p.attempt(|p| {
                if !p.punct(b',') {
                    return None;
                }
                p.ws();
                p.nls();
                p.ws();
                let s = p.pos;
                let text = p.plain_string("assert message")?;
                Some(Spanned::new(text, p.span(s, p.pos)))
            });
            Some(Stmt::Assert {
                cond,
                message,
                span: p.span(start, p.pos),
            })
        })
    }

    /// `when_stmt = when_branch ~ (nl* ~ kw_else ~ when_branch)* ~ else_branch?`
    fn when_stmt(&mut self) -> Option<Stmt> {
        self.rule(E::when_stmt, |p| {
            let start = p.pos;
            let mut branches = vec![p.when_branch()?];
            p.ws();
            p.more(&mut branches, |p| {
                p.nls();
                p.ws();
                p.kw(E::kw_else, "else")?;
                p.ws();
                p.when_branch()
            });
            p.ws();
            let otherwise = p.else_branch();
            Some(Stmt::When {
                branches,
                otherwise,
                span: p.span(start, p.pos),
            })
        })
    }

    /// `when_branch = kw_when ~ expr ~ check_body`
    fn when_branch(&mut self) -> Option<(Expr, Vec<Stmt>)> {
        self.rule(E::when_branch, |p| {
            p.kw(E::kw_when, "when")?;
            p.ws();
            let cond = p.expr_or_missing()?;
            p.ws();
            let body = p.check_body()?;
            Some((cond, body))
        })
    }

    /// `else_branch = nl* ~ kw_else ~ check_body`
    fn else_branch(&mut self) -> Option<Vec<Stmt>> {
        self.rule(E::else_branch, |p| {
            p.nls();
            p.ws();
            p.kw(E::kw_else, "else")?;
            p.ws();
            p.check_body()
        })
    }

    /// `for_stmt = kw_for ~ ident ~ kw_in ~ expr ~ check_body`
    fn for_stmt(&mut self) -> Option<Stmt> {
        self.rule(E::for_stmt, |p| {
            let start = p.pos;
            p.kw(E::kw_for, "for")?;
            p.ws();
            let var = p.ident()?;
            p.ws();
            p.kw(E::kw_in, "in")?;
            p.ws();
            let iter = p.expr_or_missing()?;
            p.ws();
            let body = p.check_body()?;
            Some(Stmt::For {
                var,
                iter,
                body,
                span: p.span(start, p.pos),
            })
        })
    }

    /// `let_stmt = kw_let ~ ident ~ "=" ~ expr`
    fn let_stmt(&mut self) -> Option<Stmt> {
        self.rule(E::let_stmt, |p| {
            let start = p.pos;
            p.kw(E::kw_let, "let")?;
            p.ws();
            let name = p.ident()?;
            p.ws();
            if !p.punct(b'=') {
                return None;
            }
            p.ws();
            let value = p.expr_or_missing()?;
            Some(Stmt::Let {
                name,
                value,
                span: p.span(start, p.pos),
            })
        })
    }

    /// `skip_stmt = kw_skip ~ string_lit`
    fn skip_stmt(&mut self) -> Option<Stmt> {
        self.rule(E::skip_stmt, |p| {
            let start = p.pos;
            p.kw(E::kw_skip, "skip")?;
            p.ws();
            let s = p.pos;
            let reason = p.plain_string("skip reason")?;
            Some(Stmt::Skip {
                reason: Spanned::new(reason, p.span(s, p.pos)),
                span: p.span(start, p.pos),
            })
        })
    }
}
