//! The `text/template/parse` parser for the subset Forklift templates use: actions,
//! pipelines, parenthesised commands, variables and `if`/`else if`/`else`/`end`.
//!
//! Exists to build the tree with spans and to reproduce Go's parse errors (message
//! and position). Unknown functions are collected and parsing continues, so a
//! checker can report all of them at once; the first one is what Go would report.
//! Must not evaluate anything. `range`, `with`, `define`, `template`, `block`,
//! `break` and `continue` are rejected with an explanation, and complex numbers
//! are rejected as unsupported.

use std::ops::Range;

use crate::ast::{Arg, Command, IfNode, Name, Node, Pipe, Tree};
use crate::error::{TemplateError, TemplateErrorKind, line_of};
use crate::funcs;
use crate::gofmt::quote_str;
use crate::lexer::{Kind, Token, lex};
use crate::literal::{parse_char_constant, parse_number, unquote};

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

    fn pipeline(&mut self, context: &str, end: Kind) -> PResult<Pipe> {
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

    fn check_pipeline(&self, cmds: &[Command], context: &str, span: &Range<usize>) -> PResult<()> {
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

    fn command(&mut self) -> PResult<Command> {
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

    fn operand(&mut self) -> PResult<Option<Arg>> {
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

    fn term(&mut self) -> PResult<Option<Arg>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn first_error(src: &str) -> TemplateError {
        parse_source(src)
            .errors
            .into_iter()
            .next()
            .expect("an error")
    }

    #[test]
    fn parses_the_supported_subset() {
        for src in [
            "pvc",
            "{{.VmName}}-disk-{{.DiskIndex}}",
            "{{trunc 15 .PlanName}}-{{trunc 15 .TargetVmName}}-disk-{{.DiskIndex}}",
            "{{ .FileName | trimSuffix \".vmdk\" | replace \"_\" \"-\" }}-{{.DiskIndex}}",
            "{{if eq .DiskIndex .RootDiskIndex}}root{{else if .Shared}}shared{{else}}data{{end}}",
            "{{- $n := lower .VmName -}}{{ $n }}-{{ $ := . }}{{ $.PlanName }}",
            "{{ printf \"%s-%03d\" (lower .VmName) .DiskIndex }}",
            "{{/* comment */}}{{ (.VmName) }}",
            "{{ 'a' }}{{ 1.5 }}{{ 0x1F }}{{ `raw` }}{{ print nil }}",
            // Go accepts a trailing pipe symbol.
            "{{ .VmName | }}",
        ] {
            let out = parse_source(src);
            assert!(out.errors.is_empty(), "{src}: {:?}", out.errors);
            assert!(out.tree.is_some());
        }
    }

    #[test]
    fn go_error_messages() {
        let cases = [
            ("{{}}", "missing value for command"),
            ("{{end}}", "unexpected {{end}}"),
            ("{{else}}", "unexpected {{else}}"),
            ("{{if .A}}x", "unexpected EOF"),
            (
                "{{if .A}}1{{else}}2{{else}}3{{end}}",
                "expected end; found {{else}}",
            ),
            ("{{if}}{{end}}", "missing value for if"),
            ("{{$x}}", "undefined variable \"$x\""),
            ("{{if $x := 1}}{{end}}{{$x}}", "undefined variable \"$x\""),
            ("{{printf 3, 4}}", "unexpected \",\" in operand"),
            ("{{12|.}}", "non executable command in pipeline stage 2"),
            (
                "{{.|printf|\"e\"}}",
                "non executable command in pipeline stage 3",
            ),
            (
                "{{printf \"%d\" ( ) }}",
                "missing value for parenthesized pipeline",
            ),
            (
                "{{\"hello\".guys}}",
                "unexpected . after term \"\\\"hello\\\"\"",
            ),
            ("{{1.E}}", "illegal number syntax: \"1.E\""),
            ("{{break}}", "{{break}} outside {{range}}"),
            (
                "{{ 99999999999999999999 }}",
                "integer overflow: \"99999999999999999999\"",
            ),
            ("{{ \"\\q\" }}", "invalid syntax"),
        ];
        for (src, want) in cases {
            let err = first_error(src);
            assert_eq!(
                err.go_message.as_deref().map(|m| m
                    .split(": ")
                    .skip(2)
                    .collect::<Vec<_>>()
                    .join(": ")),
                Some(want.to_string()),
                "{src}"
            );
            assert_eq!(err.kind, TemplateErrorKind::Syntax, "{src}");
        }
    }

    #[test]
    fn unknown_functions_are_all_collected() {
        let src = "{{ trimsuffix \"a\" .X }}-{{ nope }}";
        let out = parse_source(src);
        assert!(out.tree.is_some());
        assert_eq!(out.errors.len(), 2);
        let first = &out.errors[0];
        assert_eq!(&src[first.span.clone()], "trimsuffix");
        assert_eq!(
            first.message,
            "function \"trimsuffix\" not defined (did you mean \"trimSuffix\"?)"
        );
        assert_eq!(
            first.go_message.as_deref(),
            Some("template: template:1: function \"trimsuffix\" not defined")
        );
        assert!(
            out.errors[1]
                .message
                .contains("these Sprig functions: lower, upper")
        );
    }

    #[test]
    fn unsupported_constructs() {
        for (src, kw) in [
            ("{{range .X}}{{end}}", "range"),
            ("{{with .X}}{{end}}", "with"),
            ("{{define \"x\"}}{{end}}", "define"),
            ("{{template \"x\"}}", "template"),
            ("{{block \"x\" .}}{{end}}", "block"),
            ("{{if .A}}{{else with .B}}{{end}}", "with"),
        ] {
            let err = first_error(src);
            assert_eq!(&src[err.span.clone()], kw, "{src}");
            assert!(
                err.message
                    .starts_with(&format!("{{{{{kw}}}}} is not supported")),
                "{}",
                err.message
            );
            assert_eq!(err.go_message, None);
        }
        assert_eq!(first_error("{{ 1i }}").go_message, None);
    }

    #[test]
    fn nesting_limit() {
        let deep = format!("{{{{{}1{}}}}}", "(".repeat(150), ")".repeat(150));
        let err = first_error(&deep);
        assert!(err.message.contains("limit of 100"), "{}", err.message);
        let ifs = "{{if 1}}".repeat(120) + &"{{end}}".repeat(120);
        assert!(first_error(&ifs).message.contains("limit"));
    }

    #[test]
    fn spans() {
        let src = "ab {{ .VmName | lower }} cd";
        let tree = parse_source(src).tree.unwrap();
        let Node::Action { span, pipe } = &tree.root[1] else {
            panic!()
        };
        assert_eq!(&src[span.clone()], "{{ .VmName | lower }}");
        assert_eq!(&src[pipe.span.clone()], ".VmName | lower ");
        assert_eq!(pipe.to_string(), ".VmName | lower");
        let err = first_error("x\n{{ .A | 3 }}");
        assert_eq!(
            err.go_message.as_deref(),
            Some("template: template:2: non executable command in pipeline stage 2")
        );
    }
}
