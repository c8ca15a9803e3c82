//! Pipelines, commands and operands (`pipeline`, `command`, `operand`, `term` of
//! Go's parser): where literals, fields, variables, function names and
//! parenthesised pipelines are recognised, and unknown functions are recorded.
//!
//! Exists to keep expression parsing apart from the block structure in `mod.rs`.

use std::ops::Range;

use super::{PErr, PResult, Parser, go_err};
use crate::ast::{Arg, Command, Name, Pipe};
use crate::error::{TemplateError, TemplateErrorKind, line_of};
use crate::funcs;
use crate::gofmt::quote_str;
use crate::lexer::{Kind, Token};
use crate::literal::{parse_char_constant, parse_number, unquote};

impl Parser<'_> {
    pub(super) fn pipeline(&mut self, context: &str, end: Kind) -> PResult<Pipe> {
        let start = self.peek_non_space().span.start;
        let mut decl = Vec::new();
        let mut is_assign = false;
        let v = self.peek_non_space();
        if v.kind == Kind::Variable {
            let save = self.pos;
            self.next();
            let next = self.peek_non_space();
            if next.kind == Kind::Assign || next.kind == Kind::Declare {
                is_assign = next.kind == Kind::Assign;
                self.next_non_space();
                decl.push(Name {
                    text: v.text.clone(),
                    span: v.span.clone(),
                });
                self.vars.push(v.text.clone());
            } else if next.kind == Kind::Char && next.text == "," {
                return Err(go_err(
                    format!("too many declarations in {context}"),
                    v.span.start..next.span.end,
                ));
            } else {
                self.pos = save;
            }
        }
        let mut cmds = Vec::new();
        loop {
            let tok = self.next_non_space();
            if tok.kind == end {
                let span = start..tok.span.start.max(start);
                self.check_pipeline(&cmds, context, &span)?;
                return Ok(Pipe {
                    span,
                    decl,
                    is_assign,
                    cmds,
                });
            }
            match tok.kind {
                Kind::Bool
                | Kind::CharConstant
                | Kind::Complex
                | Kind::Dot
                | Kind::Field
                | Kind::Identifier
                | Kind::Number
                | Kind::Nil
                | Kind::RawString
                | Kind::String
                | Kind::Variable
                | Kind::LeftParen => {
                    self.backup();
                    cmds.push(self.command()?);
                }
                _ => return Err(self.unexpected(&tok, context)),
            }
        }
    }

    pub(super) fn check_pipeline(
        &self,
        cmds: &[Command],
        context: &str,
        span: &Range<usize>,
    ) -> PResult<()> {
        if cmds.is_empty() {
            return Err(go_err(format!("missing value for {context}"), span.clone()));
        }
        for (i, cmd) in cmds.iter().enumerate().skip(1) {
            if let Some(first) = cmd.args.first()
                && first.is_literal_like()
            {
                return Err(go_err(
                    format!("non executable command in pipeline stage {}", i + 1),
                    first.span(),
                ));
            }
        }
        Ok(())
    }

    pub(super) fn command(&mut self) -> PResult<Command> {
        let start = self.peek_non_space().span.start;
        let mut args = Vec::new();
        let mut end = start;
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                end = op.span().end;
                args.push(op);
            }
            let tok = self.next();
            match tok.kind {
                Kind::Space => continue,
                Kind::RightDelim | Kind::RightParen => self.backup(),
                Kind::Pipe => {}
                _ => return Err(self.unexpected(&tok, "operand")),
            }
            break;
        }
        if args.is_empty() {
            return Err(go_err("empty command", start..start));
        }
        Ok(Command {
            span: start..end,
            args,
        })
    }

    pub(super) fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != Kind::Field {
            return Ok(Some(node));
        }
        let mut fields = Vec::new();
        while self.peek().kind == Kind::Field {
            let tok = self.next();
            fields.push(field_name(&tok));
        }
        let end = fields.last().map_or(node.span().end, |f| f.span.end);
        let span = node.span().start..end;
        Ok(Some(match node {
            Arg::Field { mut idents, .. } => {
                idents.extend(fields);
                Arg::Field { span, idents }
            }
            Arg::Variable { mut idents, .. } => {
                idents.extend(fields);
                Arg::Variable { span, idents }
            }
            Arg::Bool(..) | Arg::Str { .. } | Arg::Number(..) | Arg::Nil(_) | Arg::Dot(_) => {
                return Err(go_err(
                    format!("unexpected . after term {}", quote_str(&node.to_string())),
                    span,
                ));
            }
            other => Arg::Chain {
                span,
                node: Box::new(other),
                fields,
            },
        }))
    }

    pub(super) fn term(&mut self) -> PResult<Option<Arg>> {
        let tok = self.next_non_space();
        let span = tok.span.clone();
        Ok(Some(match tok.kind {
            Kind::Identifier => {
                let name = Name {
                    text: tok.text.clone(),
                    span: span.clone(),
                };
                if funcs::lookup(&tok.text).is_none() {
                    self.unknown.push(unknown_function(self.src, &tok));
                }
                self.functions.push(name.clone());
                Arg::Identifier(name)
            }
            Kind::Dot => Arg::Dot(span),
            Kind::Nil => Arg::Nil(span),
            Kind::Variable => {
                if !self.vars.contains(&tok.text) {
                    return Err(go_err(
                        format!("undefined variable {}", quote_str(&tok.text)),
                        span,
                    ));
                }
                Arg::Variable {
                    span: span.clone(),
                    idents: vec![Name {
                        text: tok.text.clone(),
                        span,
                    }],
                }
            }
            Kind::Field => Arg::Field {
                span: span.clone(),
                idents: vec![field_name(&tok)],
            },
            Kind::Bool => Arg::Bool(span, tok.text == "true"),
            Kind::CharConstant => {
                let n = parse_char_constant(&tok.text).map_err(|m| go_err(m, span.clone()))?;
                Arg::Number(span, n)
            }
            Kind::Complex => return Err(complex_unsupported(span)),
            Kind::Number => {
                if tok.text.ends_with('i') {
                    return Err(complex_unsupported(span));
                }
                let n = parse_number(&tok.text).map_err(|m| go_err(m, span.clone()))?;
                Arg::Number(span, n)
            }
            Kind::LeftParen => {
                self.enter(span.clone())?;
                let pipe = self.pipeline("parenthesized pipeline", Kind::RightParen)?;
                self.depth = self.depth.saturating_sub(1);
                let close = self.token_at(self.pos.saturating_sub(1)).span.end;
                Arg::Pipe {
                    span: span.start..close,
                    pipe: Box::new(pipe),
                }
            }
            Kind::String | Kind::RawString => {
                let value = unquote(&tok.text).map_err(|m| go_err(m, span.clone()))?;
                Arg::Str {
                    span,
                    text: tok.text.clone(),
                    value,
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

fn field_name(tok: &Token) -> Name {
    Name {
        text: tok.text.trim_start_matches('.').to_string(),
        span: tok.span.clone(),
    }
}

fn complex_unsupported(span: Range<usize>) -> PErr {
    PErr {
        message:
            "complex and imaginary numbers are not supported in Forklift name templates by mtvt"
                .into(),
        span,
        go: None,
    }
}

fn unknown_function(src: &str, tok: &Token) -> TemplateError {
    let go = format!("function {} not defined", quote_str(&tok.text));
    let hint = funcs::function_names()
        .find(|f| f.eq_ignore_ascii_case(&tok.text))
        .map(|f| format!(" (did you mean \"{f}\"?)"))
        .unwrap_or_else(|| {
            " (Forklift allows the Go builtins and these Sprig functions: ".to_string()
                + &funcs::sprig_function_names().collect::<Vec<_>>().join(", ")
                + ")"
        });
    TemplateError::new(
        TemplateErrorKind::UnknownFunction,
        format!("{go}{hint}"),
        tok.span.clone(),
        Some(format!(
            "template: template:{}: {go}",
            line_of(src, tok.span.start)
        )),
    )
}
