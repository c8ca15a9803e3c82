//! The evaluator: walks the tree like Go's `text/template` `exec.go` (`evalPipeline`,
//! `evalCommand`, `evalArg`, `evalCall`, `validateType`), with Go's type checks and
//! error texts (`template: template:1:2: executing "template" at <.VmNam>: ...`).
//!
//! Exists so that rendering is the controller's rendering, errors included. Must not
//! parse or know about Forklift: the data is an opaque struct given by the caller.

use std::ops::Range;

use crate::ast::{Arg, Command, IfNode, Node, Pipe, Tree};
use crate::error::{TemplateError, TemplateErrorKind, location_of};
use crate::funcs::{self, CallError, Func, Param};
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

    fn eval_function(
        &mut self,
        dot: &GoValue,
        name: &str,
        ident: &Arg,
        call_site: &At,
        args: &[Arg],
        fin: Option<GoValue>,
    ) -> EResult<GoValue> {
        let Some(func) = funcs::lookup(name) else {
            return Err(self.render_err(
                &At::arg(ident),
                format!("{} is not a defined function", gofmt::quote_str(name)),
            ));
        };
        self.eval_call(dot, func, ident, call_site, args, fin)
    }

    fn eval_call(
        &mut self,
        dot: &GoValue,
        func: &Func,
        ident: &Arg,
        call_site: &At,
        args: &[Arg],
        fin: Option<GoValue>,
    ) -> EResult<GoValue> {
        let name = func.name;
        let ident_at = At::arg(ident);
        let num_in = args.len() + usize::from(fin.is_some());
        let num_fixed = if func.variadic.is_some() {
            let fixed = func.fixed.len();
            if num_in < fixed {
                return Err(self.render_err(
                    &ident_at,
                    format!(
                        "wrong number of args for {name}: want at least {fixed} got {}",
                        args.len()
                    ),
                ));
            }
            fixed
        } else {
            if num_in != func.fixed.len() {
                return Err(self.render_err(
                    &ident_at,
                    format!(
                        "wrong number of args for {name}: want {} got {num_in}",
                        func.fixed.len()
                    ),
                ));
            }
            args.len()
        };

        if name == "and" || name == "or" {
            let mut value = GoValue::Nil;
            for arg in args {
                value = self.eval_arg(dot, Param::Any, arg)?;
                if value.truth() == (name == "or") {
                    return Ok(value);
                }
            }
            if let Some(f) = fin {
                value = f;
            }
            return Ok(value);
        }

        let mut argv = Vec::with_capacity(num_in + 1);
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            let typ = func.fixed.get(i).copied().unwrap_or(Param::Any);
            if let Some(arg) = args.get(i) {
                argv.push(self.eval_arg(dot, typ, arg)?);
            }
            i += 1;
        }
        if let Some(elem) = func.variadic {
            for arg in args.iter().skip(i) {
                argv.push(self.eval_arg(dot, elem, arg)?);
            }
        }
        if let Some(f) = fin {
            let typ = match func.variadic {
                Some(elem) if num_in > num_fixed => elem,
                _ => func
                    .fixed
                    .get(if func.variadic.is_some() {
                        num_in - 1
                    } else {
                        func.fixed.len().saturating_sub(1)
                    })
                    .copied()
                    .unwrap_or(Param::Any),
            };
            let at = args.last().map_or_else(|| At::arg(ident), At::arg);
            argv.push(self.validate_type(f, typ, &at)?);
        }
        if name == "call" {
            let callee = args.first().map(ToString::to_string).unwrap_or_default();
            argv.insert(0, GoValue::str(&callee));
        }
        match (func.imp)(&argv) {
            Ok(v) => Ok(v),
            Err(CallError::Go(msg)) => {
                Err(self.render_err(call_site, format!("error calling {name}: {msg}")))
            }
            Err(CallError::Unsupported(what)) => Err(self.unsupported(call_site, &what)),
        }
    }

    fn validate_type(&self, value: GoValue, typ: Param, at: &At) -> EResult<GoValue> {
        let ok = match (&value, typ) {
            (_, Param::Any) => return Ok(value),
            (GoValue::Nil, t) => {
                return Err(self.render_err(at, format!("invalid value; expected {}", t.go_name())));
            }
            (GoValue::Str(_), Param::Str)
            | (GoValue::Int(_), Param::Int)
            | (GoValue::Float(_), Param::Float) => true,
            _ => false,
        };
        if ok {
            return Ok(value);
        }
        Err(self.render_err(
            at,
            format!(
                "wrong type for value; expected {}; got {}",
                typ.go_name(),
                value.type_name().unwrap_or_default()
            ),
        ))
    }

    fn eval_arg(&mut self, dot: &GoValue, typ: Param, arg: &Arg) -> EResult<GoValue> {
        let at = At::arg(arg);
        let value = match arg {
            Arg::Dot(_) => dot.clone(),
            Arg::Nil(_) => {
                if typ == Param::Any {
                    return Ok(GoValue::Nil);
                }
                return Err(self.render_err(&at, format!("cannot assign nil to {}", typ.go_name())));
            }
            Arg::Field { idents, .. } => self.eval_field_chain(
                dot.clone(),
                idents.iter().map(|n| n.text.as_str()),
                arg,
                false,
            )?,
            Arg::Variable { idents, .. } => {
                let value = self.var_value(arg, idents.first().map_or("$", |n| n.text.as_str()))?;
                self.eval_field_chain(
                    value,
                    idents.iter().skip(1).map(|n| n.text.as_str()),
                    arg,
                    false,
                )?
            }
            Arg::Pipe { pipe, .. } => self.eval_pipeline(dot, pipe)?,
            Arg::Identifier(name) => self.eval_function(dot, &name.text, arg, &at, &[], None)?,
            Arg::Chain { node, fields, .. } => {
                let receiver = self.eval_arg(dot, Param::Any, node)?;
                self.eval_field_chain(receiver, fields.iter().map(|n| n.text.as_str()), arg, false)?
            }
            literal => return self.eval_literal(typ, literal, &at),
        };
        self.validate_type(value, typ, &at)
    }

    fn eval_literal(&self, typ: Param, arg: &Arg, at: &At) -> EResult<GoValue> {
        match (typ, arg) {
            (Param::Float, Arg::Number(_, Number { float: Some(f), .. })) => Ok(GoValue::Float(*f)),
            (Param::Float, _) => Err(self.render_err(at, format!("expected float; found {arg}"))),
            (Param::Int, Arg::Number(_, Number { int: Some(i), .. })) => Ok(GoValue::Int(*i)),
            (Param::Int, _) => Err(self.render_err(at, format!("expected integer; found {arg}"))),
            (Param::Str, Arg::Str { value, .. }) => Ok(GoValue::Str(value.clone())),
            (Param::Str, _) => Err(self.render_err(at, format!("expected string; found {arg}"))),
            (Param::Any, Arg::Bool(_, b)) => Ok(GoValue::Bool(*b)),
            (Param::Any, Arg::Number(_, n)) => self.ideal_constant(arg, n),
            (Param::Any, Arg::Str { value, .. }) => Ok(GoValue::Str(value.clone())),
            (Param::Any, _) => Err(self.render_err(
                at,
                format!("can't handle assignment of {arg} to empty interface argument"),
            )),
        }
    }
}
