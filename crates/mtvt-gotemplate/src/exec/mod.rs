//! The evaluator: walks the tree like Go's `text/template` `exec.go` (`evalPipeline`,
//! `evalCommand`, `evalArg`, `evalCall`, `validateType`), with Go's type checks and
//! error texts (`template: template:1:2: executing "template" at <.VmNam>: ...`).
//!
//! Exists so that rendering is the controller's rendering, errors included. Must not
//! parse or know about Forklift: the data is an opaque struct given by the caller.

mod call;

use std::ops::Range;

use crate::ast::{Arg, Command, IfNode, Node, Pipe, Tree};
use crate::error::{TemplateError, TemplateErrorKind, location_of};
use crate::funcs::Param;
use crate::gofmt;
use crate::literal::Number;
use crate::value::GoValue;

/// Largest output mtvt renders (no valid name comes close).
pub(crate) const MAX_OUTPUT: usize = 1 << 20;

/// An error positioned at a node: its span, Go position and Go `String()`.
struct At {
    span: Range<usize>,
    pos: usize,
    context: String,
}

impl At {
    fn arg(arg: &Arg) -> At {
        At {
            span: arg.span(),
            pos: arg.go_pos(),
            context: arg.to_string(),
        }
    }

    fn command(cmd: &Command) -> At {
        At {
            span: cmd.span.clone(),
            pos: cmd.span.start,
            context: cmd.to_string(),
        }
    }

    fn pipe(pipe: &Pipe) -> At {
        At {
            span: pipe.span.clone(),
            pos: pipe.span.start,
            context: pipe.to_string(),
        }
    }
}

struct Exec<'a> {
    src: &'a str,
    vars: Vec<(String, GoValue)>,
    out: Vec<u8>,
}

type EResult<T> = Result<T, TemplateError>;

/// Renders `tree` with `dot` as the data.
pub(crate) fn execute(tree: &Tree, src: &str, dot: GoValue) -> EResult<Vec<u8>> {
    let mut ex = Exec {
        src,
        vars: vec![("$".to_string(), dot.clone())],
        out: Vec::new(),
    };
    ex.walk_list(&dot, &tree.root)?;
    Ok(ex.out)
}

impl Exec<'_> {
    fn fail(&self, at: &At, kind: TemplateErrorKind, msg: String) -> TemplateError {
        let go = format!(
            "template: template:{}: executing \"template\" at <{}>: {msg}",
            location_of(self.src, at.pos),
            at.context
        );
        TemplateError::new(kind, msg, at.span.clone(), Some(go))
    }

    fn render_err(&self, at: &At, msg: String) -> TemplateError {
        self.fail(at, TemplateErrorKind::Render, msg)
    }

    fn unsupported(&self, at: &At, what: &str) -> TemplateError {
        TemplateError::new(
            TemplateErrorKind::Render,
            format!(
                "mtvt does not reproduce {what} in Forklift name templates; simplify the template"
            ),
            at.span.clone(),
            None,
        )
    }

    fn write(&mut self, bytes: &[u8], span: &Range<usize>) -> EResult<()> {
        self.out.extend_from_slice(bytes);
        if self.out.len() > MAX_OUTPUT {
            return Err(TemplateError::new(
                TemplateErrorKind::Render,
                format!("template output exceeds mtvt's limit of {MAX_OUTPUT} bytes"),
                span.clone(),
                None,
            ));
        }
        Ok(())
    }

    fn walk_list(&mut self, dot: &GoValue, nodes: &[Node]) -> EResult<()> {
        for node in nodes {
            match node {
                Node::Text { bytes } => self.write(bytes, &(0..0))?,
                Node::Action { span, pipe } => {
                    let value = self.eval_pipeline(dot, pipe)?;
                    if pipe.decl.is_empty() {
                        let printed = match gofmt::print_action_value(&value) {
                            Ok(p) => p,
                            Err(what) => return Err(self.unsupported(&At::pipe(pipe), &what)),
                        };
                        self.write(&printed, span)?;
                    }
                }
                Node::If(if_node) => self.walk_if(dot, if_node)?,
            }
        }
        Ok(())
    }

    fn walk_if(&mut self, dot: &GoValue, node: &IfNode) -> EResult<()> {
        let mark = self.vars.len();
        let value = self.eval_pipeline(dot, &node.pipe)?;
        if value.truth() {
            self.walk_list(dot, &node.list)?;
        } else if let Some(else_list) = &node.else_list {
            self.walk_list(dot, else_list)?;
        }
        self.vars.truncate(mark);
        Ok(())
    }

    fn eval_pipeline(&mut self, dot: &GoValue, pipe: &Pipe) -> EResult<GoValue> {
        let mut value: Option<GoValue> = None;
        for cmd in &pipe.cmds {
            value = Some(self.eval_command(dot, cmd, value)?);
        }
        let value = value.unwrap_or(GoValue::Nil);
        for var in &pipe.decl {
            if pipe.is_assign {
                match self.vars.iter_mut().rev().find(|(n, _)| *n == var.text) {
                    Some(slot) => slot.1 = value.clone(),
                    None => {
                        return Err(self.render_err(
                            &At::pipe(pipe),
                            format!("undefined variable: {}", var.text),
                        ));
                    }
                }
            } else {
                self.vars.push((var.text.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], fin: &Option<GoValue>) -> EResult<()> {
        if let Some(first) = args.first()
            && (args.len() > 1 || fin.is_some())
        {
            return Err(self.render_err(
                &At::arg(first),
                format!("can't give argument to non-function {first}"),
            ));
        }
        Ok(())
    }

    fn eval_command(
        &mut self,
        dot: &GoValue,
        cmd: &Command,
        fin: Option<GoValue>,
    ) -> EResult<GoValue> {
        let Some(first) = cmd.args.first() else {
            return Ok(GoValue::Nil);
        };
        let has_args = cmd.args.len() > 1 || fin.is_some();
        match first {
            Arg::Field { idents, .. } => self.eval_field_chain(
                dot.clone(),
                idents.iter().map(|n| n.text.as_str()),
                first,
                has_args,
            ),
            Arg::Chain { node, fields, .. } => {
                let receiver = self.eval_arg(dot, Param::Any, node)?;
                self.eval_field_chain(
                    receiver,
                    fields.iter().map(|n| n.text.as_str()),
                    first,
                    has_args,
                )
            }
            Arg::Identifier(name) => {
                let rest = cmd.args.get(1..).unwrap_or_default();
                self.eval_function(dot, &name.text, first, &At::command(cmd), rest, fin)
            }
            Arg::Pipe { pipe, .. } => {
                self.not_a_function(&cmd.args, &fin)?;
                self.eval_pipeline(dot, pipe)
            }
            Arg::Variable { idents, .. } => {
                let value =
                    self.var_value(first, idents.first().map_or("$", |n| n.text.as_str()))?;
                if idents.len() == 1 {
                    self.not_a_function(&cmd.args, &fin)?;
                    return Ok(value);
                }
                self.eval_field_chain(
                    value,
                    idents.iter().skip(1).map(|n| n.text.as_str()),
                    first,
                    has_args,
                )
            }
            other => {
                self.not_a_function(&cmd.args, &fin)?;
                match other {
                    Arg::Bool(_, b) => Ok(GoValue::Bool(*b)),
                    Arg::Dot(_) => Ok(dot.clone()),
                    Arg::Nil(_) => {
                        Err(self.render_err(&At::arg(other), "nil is not a command".into()))
                    }
                    Arg::Number(_, n) => self.ideal_constant(other, n),
                    Arg::Str { value, .. } => Ok(GoValue::Str(value.clone())),
                    _ => Err(self.render_err(
                        &At::arg(other),
                        format!(
                            "can't evaluate command {}",
                            gofmt::quote_str(&other.to_string())
                        ),
                    )),
                }
            }
        }
    }

    fn ideal_constant(&self, node: &Arg, n: &Number) -> EResult<GoValue> {
        let text = n.text.as_str();
        let is_hex_int = text.len() > 2
            && text.starts_with('0')
            && matches!(text.as_bytes().get(1), Some(b'x' | b'X'))
            && !text.contains(['p', 'P']);
        let is_rune = text.starts_with('\'');
        if let Some(f) = n.float
            && !is_hex_int
            && !is_rune
            && text.contains(['.', 'e', 'E', 'p', 'P'])
        {
            return Ok(GoValue::Float(f));
        }
        if let Some(i) = n.int {
            return Ok(GoValue::Int(i));
        }
        if n.uint.is_some() {
            return Err(self.render_err(&At::arg(node), format!("{text} overflows int")));
        }
        Ok(GoValue::Nil)
    }

    fn var_value(&self, node: &Arg, name: &str) -> EResult<GoValue> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => Err(self.render_err(&At::arg(node), format!("undefined variable: {name}"))),
        }
    }

    fn eval_field_chain<'n>(
        &self,
        mut receiver: GoValue,
        idents: impl Iterator<Item = &'n str>,
        node: &Arg,
        has_args: bool,
    ) -> EResult<GoValue> {
        let idents: Vec<&str> = idents.collect();
        let last = idents.len().saturating_sub(1);
        for (i, name) in idents.iter().enumerate() {
            receiver = self.eval_field(name, node, has_args && i == last, receiver)?;
        }
        Ok(receiver)
    }

    fn eval_field(
        &self,
        name: &str,
        node: &Arg,
        has_args: bool,
        receiver: GoValue,
    ) -> EResult<GoValue> {
        let at = At::arg(node);
        match &receiver {
            GoValue::Nil => Ok(GoValue::Nil),
            GoValue::Struct(record) => match record.field(name) {
                Some(value) => {
                    if has_args {
                        return Err(self.render_err(
                            &at,
                            format!("{name} has arguments but cannot be invoked as function"),
                        ));
                    }
                    Ok(value.clone())
                }
                None => Err(self.fail(
                    &at,
                    TemplateErrorKind::UnknownVariable,
                    format!(
                        "can't evaluate field {name} in type {}",
                        receiver.type_name().unwrap_or_default()
                    ),
                )),
            },
            other => Err(self.fail(
                &at,
                TemplateErrorKind::UnknownVariable,
                format!(
                    "can't evaluate field {name} in type {}",
                    other.type_name().unwrap_or_default()
                ),
            )),
        }
    }
}
