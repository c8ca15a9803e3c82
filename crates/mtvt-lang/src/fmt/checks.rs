//! Layout of check bodies: one statement per line (`{ s; t }` when written on one line
//! and fitting), `} else when … {` joined, and expressions re-spaced token by token from
//! the source — one space around binary operators and after commas, none inside
//! brackets, before `.`/`(`/`[` of field accesses, calls and indexes — keeping the
//! author's parentheses and line breaks (continuation lines indented one level per open
//! bracket).

use super::printer::{INDENT, Printer};
use crate::span::Span;
use crate::syntax::ast::Stmt;
use crate::syntax::tokens::{Token, TokenKind};

/// Words that are operators in expressions.
const OPERATOR_WORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "contains",
    "starts_with",
    "ends_with",
    "matches",
];

impl Printer<'_> {
    /// A check body between the braces at `open` and `close`.
    pub(super) fn check_body(&mut self, open: usize, close: usize, stmts: &[Stmt]) {
        self.braced(open, close, stmts, stmt_span, Self::stmt);
    }

    /// The closing brace of a body opened at `open` whose statements are `stmts`.
    fn closing_brace(&self, open: usize, stmts: &[Stmt]) -> usize {
        let from = stmts.last().map_or(open + 1, |s| stmt_span(s).end);
        self.find(from, self.src.len(), "}")
            .map_or(from, |t| t.start)
    }

    /// A body that starts with the first `{` at or after `from`; returns the position
    /// just after its closing brace.
    fn body_from(&mut self, from: usize, stmts: &[Stmt]) -> usize {
        let open = self
            .find(from, self.src.len(), "{")
            .map_or(from, |t| t.start);
        let close = self.closing_brace(open, stmts);
        self.check_body(open, close, stmts);
        close + 1
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Assert { message, span, .. } => {
                self.out.write("assert ");
                let kw_end = span.start + "assert".len();
                match message {
                    Some(m) => {
                        let comma = self
                            .tokens(kw_end, m.span.start)
                            .iter()
                            .rev()
                            .find(|t| t.is_punct(self.src, ","))
                            .copied();
                        let (expr_end, after) =
                            comma.map_or((m.span.start, m.span.start), |c| (c.start, c.end));
                        self.expr(kw_end, expr_end);
                        self.out.write(",");
                        if !self.soft_break(after, m.span.start, self.out.indent + INDENT) {
                            self.out.space();
                        }
                        self.out.write(self.text(m.span.start, m.span.end));
                    }
                    None => self.expr(kw_end, span.end),
                }
            }
            Stmt::Let { name, span, .. } => {
                self.out.write("let ");
                self.out.write(&name.node);
                self.out.write(" = ");
                let eq = self
                    .find(name.span.end, span.end, "=")
                    .map_or(name.span.end, |t| t.end);
                self.expr(eq, span.end);
            }
            Stmt::Skip { reason, .. } => {
                self.out.write("skip ");
                self.out
                    .write(self.text(reason.span.start, reason.span.end));
            }
            Stmt::For {
                var, body, span, ..
            } => {
                self.out.write("for ");
                self.out.write(&var.node);
                self.out.write(" in ");
                let kw_in = self
                    .find(var.span.end, span.end, "in")
                    .map_or(var.span.end, |t| t.end);
                let open = self
                    .find(kw_in, span.end, "{")
                    .map_or(span.end, |t| t.start);
                self.expr(kw_in, open);
                self.out.space();
                self.body_from(open, body);
            }
            Stmt::When {
                branches,
                otherwise,
                span,
            } => {
                let mut pos = span.start;
                for (i, (_, body)) in branches.iter().enumerate() {
                    let kw_when = if i == 0 {
                        pos
                    } else {
                        self.else_keyword(pos, span.end);
                        self.find(pos, span.end, "when").map_or(pos, |t| t.start)
                    };
                    self.out.write("when ");
                    let cond_start = kw_when + "when".len();
                    let open = self
                        .find(cond_start, span.end, "{")
                        .map_or(span.end, |t| t.start);
                    self.expr(cond_start, open);
                    self.out.space();
                    pos = self.body_from(open, body);
                }
                if let Some(body) = otherwise {
                    let kw_else = self.else_keyword(pos, span.end);
                    self.body_from(kw_else, body);
                }
            }
        }
    }

    /// Writes ` else ` after a closing brace ending at `pos` (or `else` on its own line
    /// when comments sit between them); returns the position after the keyword.
    fn else_keyword(&mut self, pos: usize, end: usize) -> usize {
        let kw = self.find(pos, end, "else");
        let (start, after) = kw.map_or((pos, pos), |t| (t.start, t.end));
        if !(self.has_comment(pos, start) && self.soft_break(pos, start, self.out.indent)) {
            self.out.space();
        }
        self.out.write("else ");
        after
    }

    /// An expression: the significant tokens of `[from, to)` re-spaced.
    fn expr(&mut self, from: usize, to: usize) {
        let base = self.out.indent;
        let toks: Vec<Token> = self.tokens(from, to).to_vec();
        let mut depth: usize = 0;
        let mut prev: Option<(Token, bool)> = None;
        for t in toks {
            let text = t.text(self.src);
            let closer = t.kind == TokenKind::Punct && matches!(text, ")" | "]");
            if let Some((p, p_is_field)) = prev {
                let indent = if closer {
                    base + INDENT * depth.saturating_sub(1)
                } else {
                    base + INDENT * depth.max(1)
                };
                if !self.soft_break(p.end, t.start, indent) && self.space_between(p, p_is_field, t)
                {
                    self.out.space();
                }
            }
            self.out.write(text);
            if t.kind == TokenKind::Punct {
                match text {
                    "(" | "[" => depth += 1,
                    ")" | "]" => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            let is_field =
                t.kind == TokenKind::Word && prev.is_some_and(|(p, _)| p.is_punct(self.src, "."));
            prev = Some((t, is_field));
        }
    }

    /// Whether one space separates `p` and `t` (`p_is_field`: `p` follows a `.`).
    fn space_between(&self, p: Token, p_is_field: bool, t: Token) -> bool {
        let (pt, tt) = (p.text(self.src), t.text(self.src));
        let punct = |tok: Token, s: &str| tok.kind == TokenKind::Punct && tok.text(self.src) == s;
        if t.kind == TokenKind::Punct && matches!(tt, "," | ")" | "]" | ":") {
            return false;
        }
        if punct(t, ".") {
            return p.kind == TokenKind::Number;
        }
        if punct(p, ".") || punct(p, "(") || punct(p, "[") {
            return false;
        }
        let name_like = p.kind == TokenKind::Word && (p_is_field || !OPERATOR_WORDS.contains(&pt));
        if punct(t, "(") {
            return !name_like;
        }
        if punct(t, "[") {
            let indexable = name_like
                || punct(p, ")")
                || punct(p, "]")
                || matches!(p.kind, TokenKind::Str | TokenKind::Raw);
            return !indexable;
        }
        true
    }
}

/// The span of a statement.
fn stmt_span(s: &Stmt) -> Span {
    match s {
        Stmt::Assert { span, .. }
        | Stmt::When { span, .. }
        | Stmt::For { span, .. }
        | Stmt::Let { span, .. }
        | Stmt::Skip { span, .. } => *span,
    }
}
