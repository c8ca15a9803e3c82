//! The `text/template/parse` parser for the subset Forklift templates use: actions,
//! pipelines, parenthesised commands, variables and `if`/`else if`/`else`/`end`.
//!
//! Exists to build the tree with spans and to reproduce Go's parse errors (message
//! and position). Unknown functions are collected and parsing continues, so a
//! checker can report all of them at once; the first one is what Go would report.
//! Must not evaluate anything. `range`, `with`, `define`, `template`, `block`,
//! `break` and `continue` are rejected with an explanation, and complex numbers
//! are rejected as unsupported.

mod pipeline;
#[cfg(test)]
mod tests;

use std::ops::Range;

use crate::ast::{IfNode, Name, Node, Tree};
use crate::error::{TemplateError, TemplateErrorKind, line_of};
use crate::lexer::{Kind, Token, lex};

/// Nesting limit for parentheses and `if` blocks (a guard against stack exhaustion;
/// Go has none, real templates use a handful).
const MAX_DEPTH: usize = 100;

/// The parser's result: the tree (when the syntax is valid), every problem found,
/// and every function call seen (with spans).
pub(crate) struct ParseOutput {
    pub(crate) tree: Option<Tree>,
    pub(crate) errors: Vec<TemplateError>,
    pub(crate) functions: Vec<Name>,
}

/// What `textOrAction` produced.
enum Item {
    Node(Node),
    End(Range<usize>),
    Else { span: Range<usize> },
}

struct PErr {
    message: String,
    span: Range<usize>,
    /// Go's text (without the `template: template:N:` prefix); `None` if mtvt-only.
    go: Option<String>,
}

type PResult<T> = Result<T, PErr>;

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    vars: Vec<String>,
    unknown: Vec<TemplateError>,
    functions: Vec<Name>,
    depth: usize,
}

/// Parses `src`, collecting unknown functions instead of stopping at the first.
pub(crate) fn parse_source(src: &str) -> ParseOutput {
    let mut p = Parser {
        src,
        toks: lex(src),
        pos: 0,
        vars: vec!["$".to_string()],
        unknown: Vec::new(),
        functions: Vec::new(),
        depth: 0,
    };
    let result = p.parse();
    let mut errors = std::mem::take(&mut p.unknown);
    let tree = match result {
        Ok(tree) => Some(tree),
        Err(e) => {
            let go_message =
                e.go.map(|g| format!("template: template:{}: {g}", line_of(src, e.span.start)));
            errors.push(TemplateError::new(
                TemplateErrorKind::Syntax,
                e.message,
                e.span,
                go_message,
            ));
            None
        }
    };
    ParseOutput {
        tree,
        errors,
        functions: p.functions,
    }
}

fn go_err(message: impl Into<String>, span: Range<usize>) -> PErr {
    let message = message.into();
    PErr {
        go: Some(message.clone()),
        message,
        span,
    }
}

fn unsupported(keyword: &str, span: Range<usize>) -> PErr {
    PErr {
        message: format!(
            "{{{{{keyword}}}}} is not supported in Forklift name templates by mtvt: the template data has no lists or nested values, so use plain actions and {{{{if}}}}/{{{{else}}}} instead"
        ),
        span,
        go: None,
    }
}

impl Parser<'_> {
    fn token_at(&self, i: usize) -> Token {
        self.toks.get(i).cloned().unwrap_or_else(|| Token {
            kind: Kind::Eof,
            span: self.src.len()..self.src.len(),
            text: String::new(),
        })
    }

    fn next(&mut self) -> Token {
        let t = self.token_at(self.pos);
        self.pos += 1;
        t
    }

    fn backup(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    fn peek(&self) -> Token {
        self.token_at(self.pos)
    }

    fn next_non_space(&mut self) -> Token {
        loop {
            let t = self.next();
            if t.kind != Kind::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Token {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn unexpected(&self, tok: &Token, context: &str) -> PErr {
        if tok.kind == Kind::Error {
            return go_err(tok.text.clone(), tok.span.clone());
        }
        if matches!(
            tok.kind,
            Kind::Range | Kind::With | Kind::Define | Kind::Template | Kind::Block
        ) {
            return unsupported(&tok.text, tok.span.clone());
        }
        go_err(
            format!("unexpected {} in {context}", tok.describe()),
            tok.span.clone(),
        )
    }

    fn expect(&mut self, kind: Kind, context: &str) -> PResult<Token> {
        let tok = self.next_non_space();
        if tok.kind != kind {
            return Err(self.unexpected(&tok, context));
        }
        Ok(tok)
    }

    fn enter(&mut self, span: Range<usize>) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(PErr {
                message: format!("template nesting deeper than mtvt's limit of {MAX_DEPTH}"),
                span,
                go: None,
            });
        }
        Ok(())
    }

    fn parse(&mut self) -> PResult<Tree> {
        let mut root = Vec::new();
        while self.peek().kind != Kind::Eof {
            match self.text_or_action()? {
                Item::Node(n) => root.push(n),
                Item::End(span) => return Err(go_err("unexpected {{end}}", span)),
                Item::Else { span } => return Err(go_err("unexpected {{else}}", span)),
            }
        }
        Ok(Tree { root })
    }

    /// `itemList`: nodes up to `{{end}}` or `{{else}}`. `open` is the block's opening
    /// action, blamed when the input ends first.
    fn item_list(&mut self, open: &Range<usize>) -> PResult<(Vec<Node>, Item)> {
        let mut list = Vec::new();
        while self.peek_non_space().kind != Kind::Eof {
            match self.text_or_action()? {
                Item::Node(n) => list.push(n),
                terminator => return Ok((list, terminator)),
            }
        }
        Err(PErr {
            message: "unexpected EOF (this {{if}} has no {{end}})".into(),
            span: open.clone(),
            go: Some("unexpected EOF".into()),
        })
    }

    fn text_or_action(&mut self) -> PResult<Item> {
        let tok = self.next_non_space();
        match tok.kind {
            Kind::Text => Ok(Item::Node(Node::Text {
                bytes: tok.text.into_bytes(),
            })),
            Kind::LeftDelim => self.action(tok.span.start),
            _ => Err(self.unexpected(&tok, "input")),
        }
    }

    fn action(&mut self, open: usize) -> PResult<Item> {
        let tok = self.next_non_space();
        match tok.kind {
            Kind::Range | Kind::With | Kind::Define | Kind::Template | Kind::Block => {
                Err(unsupported(&tok.text, tok.span))
            }
            Kind::Break | Kind::Continue => {
                let close = self.next_non_space();
                if close.kind != Kind::RightDelim {
                    return Err(self.unexpected(&close, &format!("{{{{{}}}}}", tok.text)));
                }
                Err(go_err(
                    format!("{{{{{}}}}} outside {{{{range}}}}", tok.text),
                    open..close.span.end,
                ))
            }
            Kind::Else => self.else_control(open),
            Kind::End => {
                let close = self.expect(Kind::RightDelim, "end")?;
                Ok(Item::End(open..close.span.end))
            }
            Kind::If => Ok(Item::Node(Node::If(Box::new(self.if_control(open)?)))),
            _ => {
                self.backup();
                let pipe = self.pipeline("command", Kind::RightDelim)?;
                let end = self.token_at(self.pos.saturating_sub(1)).span.end;
                Ok(Item::Node(Node::Action {
                    span: open..end,
                    pipe,
                }))
            }
        }
    }

    fn else_control(&mut self, open: usize) -> PResult<Item> {
        let peek = self.peek_non_space();
        if peek.kind == Kind::If || peek.kind == Kind::With {
            // "{{else if" / "{{else with": the keyword stays pending.
            return Ok(Item::Else {
                span: open..peek.span.end,
            });
        }
        let close = self.expect(Kind::RightDelim, "else")?;
        Ok(Item::Else {
            span: open..close.span.end,
        })
    }

    fn if_control(&mut self, open: usize) -> PResult<IfNode> {
        let saved_vars = self.vars.len();
        let pipe = self.pipeline("if", Kind::RightDelim)?;
        let close = self.token_at(self.pos.saturating_sub(1)).span.end;
        let open_span = open..close;
        self.enter(open_span.clone())?;
        let (list, next) = self.item_list(&open_span)?;
        let else_list = match next {
            Item::End(_) => None,
            Item::Else { span } => {
                if self.peek().kind == Kind::If {
                    let kw = self.next();
                    let nested = self.if_control(span.start.min(kw.span.start))?;
                    Some(vec![Node::If(Box::new(nested))])
                } else {
                    let (list, end) = self.item_list(&open_span)?;
                    match end {
                        Item::End(_) => Some(list),
                        Item::Else { span } => {
                            return Err(go_err("expected end; found {{else}}", span));
                        }
                        Item::Node(_) => None,
                    }
                }
            }
            Item::Node(_) => None,
        };
        self.depth = self.depth.saturating_sub(1);
        self.vars.truncate(saved_vars);
        Ok(IfNode {
            span: open_span,
            pipe,
            list,
            else_list,
        })
    }
}
