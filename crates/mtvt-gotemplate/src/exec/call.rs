//! Function calls and arguments: arity checks, `and`/`or` short-circuit, typed
//! argument evaluation (`evalArg`), `validateType`, literal conversion to the
//! parameter type, and the mapping of call errors to Go's "error calling" text.
//!
//! Exists to keep Go's calling convention apart from the tree walk in `mod.rs`.

use super::{At, EResult, Exec};
use crate::ast::Arg;
use crate::funcs::{self, CallError, Func, Param};
use crate::gofmt;
use crate::literal::Number;
use crate::value::GoValue;

impl Exec<'_> {
    pub(super) fn eval_function(
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

    pub(super) fn eval_call(
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

    pub(super) fn validate_type(&self, value: GoValue, typ: Param, at: &At) -> EResult<GoValue> {
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

    pub(super) fn eval_arg(&mut self, dot: &GoValue, typ: Param, arg: &Arg) -> EResult<GoValue> {
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

    pub(super) fn eval_literal(&self, typ: Param, arg: &Arg, at: &At) -> EResult<GoValue> {
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
