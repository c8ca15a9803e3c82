//! Expression evaluation: literals, model roots, fields, indexing, builtin calls, guest
//! methods, comprehensions and operators. Statements and asserts are `exec`'s; this
//! module only computes values.

use std::collections::HashMap;

use super::builtins;
use super::exec::{Exec, Interrupt};
use super::guest::GuestRequest;
use super::value::{Val, compare, equal, from_json, show};
use crate::ir::{Comprehension, ExprIr, ExprIrKind, LitIr, Root};
use crate::models::ModelId;
use crate::schema::types::Type;
use crate::syntax::ast::BinOp;

impl Exec<'_> {
    /// Evaluates an expression.
    pub fn expr(&mut self, e: &ExprIr) -> Result<Val, Interrupt> {
        match &e.kind {
            ExprIrKind::Lit { value } => Ok(match value {
                LitIr::None => Val::None,
                LitIr::Bool(b) => Val::Bool(*b),
                LitIr::Int(n) => Val::Int(*n),
                LitIr::Str(s) => Val::Str(s.clone()),
                LitIr::Quantity(q) => Val::Quantity(q.0),
                LitIr::Duration(d) => Val::Duration(d.0),
                LitIr::Enum(s) => Val::Enum(s.clone()),
            }),
            ExprIrKind::Root { root: Root::Guest } => {
                Ok(Val::Record(ModelId::Guest, serde_json::json!({})))
            }
            ExprIrKind::Root { root } => {
                let json = match root {
                    Root::Guest => &serde_json::Value::Null,
                    Root::Source => &self.bindings.source,
                    Root::Dest => &self.bindings.dest,
                    Root::Plan => &self.bindings.plan,
                    Root::Vm => &self.bindings.vm,
                    Root::Migration => &self.bindings.migration,
                    Root::Cluster => &self.bindings.cluster,
                };
                from_json(json, &e.ty).map_err(Interrupt::Error)
            }
            ExprIrKind::Var { name } => self
                .scopes
                .iter()
                .rev()
                .find_map(|s| s.get(name))
                .cloned()
                .unwrap_or_else(|| Err(Interrupt::error(format!("`{name}` is not bound")))),
            ExprIrKind::Field { of, field } => self.field(e, of, field),
            ExprIrKind::Index { of, index } => self.index(of, index),
            ExprIrKind::Call { func, args } => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.expr(a)?);
                }
                builtins::call(func, vals, self.bindings)
            }
            ExprIrKind::Method { of, method, args } => {
                let request = self.request(of, method, args)?;
                self.guest(request, &e.ty)
            }
            ExprIrKind::Comprehension {
                func,
                var,
                iter,
                pred,
            } => self.comprehension(*func, var, iter, pred),
            ExprIrKind::Not { of } => match self.expr(of)? {
                Val::Bool(b) => Ok(Val::Bool(!b)),
                v => Err(Interrupt::error(format!("`not` of {}", show(&v)))),
            },
            ExprIrKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs),
            ExprIrKind::List { items } => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.expr(i)?);
                }
                Ok(Val::List(out))
            }
        }
    }

    /// `of.field`: a guest read, a model record's field, or none of none.
    fn field(&mut self, e: &ExprIr, of: &ExprIr, field: &str) -> Result<Val, Interrupt> {
        match self.expr(of)? {
            Val::None => Ok(Val::None),
            Val::Record(ModelId::Guest, _) => match GuestRequest::field(field) {
                Some(r) => self.guest(r, &e.ty),
                None => Err(Interrupt::error(format!("guest has no field `{field}`"))),
            },
            Val::Record(_, j) => {
                let v = j.get(field).unwrap_or(&serde_json::Value::Null);
                from_json(v, &e.ty).map_err(|m| Interrupt::error(format!(".{field}: {m}")))
            }
            v => Err(Interrupt::error(format!(
                "{} has no field `{field}`",
                show(&v)
            ))),
        }
    }

    /// `of[index]`: a list item, a map or object member, or none of none.
    fn index(&mut self, of: &ExprIr, index: &ExprIr) -> Result<Val, Interrupt> {
        let (c, i) = (self.expr(of)?, self.expr(index)?);
        match (c, i) {
            (Val::None, _) => Ok(Val::None),
            (Val::List(items), Val::Int(n)) => usize::try_from(n)
                .ok()
                .and_then(|n| items.get(n).cloned())
                .ok_or_else(|| {
                    Interrupt::error(format!("index {n} out of range ({} items)", items.len()))
                }),
            (Val::Map(m), Val::Str(k)) => Ok(m.get(&k).cloned().unwrap_or(Val::None)),
            (Val::Object(o), Val::Str(k)) => Ok(o
                .get(&k)
                .map_or(Val::None, |v| from_json(v, &Type::Any).unwrap_or(Val::None))),
            (c, i) => Err(Interrupt::error(format!(
                "cannot index {} with {}",
                show(&c),
                show(&i)
            ))),
        }
    }

    /// `all`/`any`/`find`/`count` of `pred` over the items of `iter`, `var` bound to each.
    fn comprehension(
        &mut self,
        func: Comprehension,
        var: &str,
        iter: &ExprIr,
        pred: &ExprIr,
    ) -> Result<Val, Interrupt> {
        let items = match self.expr(iter)? {
            Val::List(items) => items,
            Val::None => Vec::new(),
            v => {
                return Err(Interrupt::error(format!(
                    "cannot iterate over {}",
                    show(&v)
                )));
            }
        };
        let mut count = 0i64;
        for item in items {
            self.scopes.push(HashMap::new());
            self.bind(var, Ok(item.clone()));
            let r = self.expr(pred);
            self.scopes.pop();
            let hit = matches!(r?, Val::Bool(true));
            match func {
                Comprehension::All if !hit => return Ok(Val::Bool(false)),
                Comprehension::Any if hit => return Ok(Val::Bool(true)),
                Comprehension::Find if hit => return Ok(item),
                Comprehension::Count if hit => count += 1,
                _ => {}
            }
        }
        Ok(match func {
            Comprehension::All => Val::Bool(true),
            Comprehension::Any => Val::Bool(false),
            Comprehension::Find => Val::None,
            Comprehension::Count => Val::Int(count),
        })
    }

    fn binary(&mut self, op: BinOp, lhs: &ExprIr, rhs: &ExprIr) -> Result<Val, Interrupt> {
        let truth = |v: Val| match v {
            Val::Bool(b) => Ok(b),
            v => Err(Interrupt::error(format!(
                "expected a bool, found {}",
                show(&v)
            ))),
        };
        match op {
            BinOp::And => {
                if !truth(self.expr(lhs)?)? {
                    return Ok(Val::Bool(false));
                }
                return Ok(Val::Bool(truth(self.expr(rhs)?)?));
            }
            BinOp::Or => {
                if truth(self.expr(lhs)?)? {
                    return Ok(Val::Bool(true));
                }
                return Ok(Val::Bool(truth(self.expr(rhs)?)?));
            }
            _ => {}
        }
        let (l, r) = (self.expr(lhs)?, self.expr(rhs)?);
        let b = match op {
            BinOp::Eq => equal(&l, &r),
            BinOp::Ne => !equal(&l, &r),
            BinOp::Lt => compare(&l, &r).map_err(Interrupt::Error)?.is_lt(),
            BinOp::Le => compare(&l, &r).map_err(Interrupt::Error)?.is_le(),
            BinOp::Gt => compare(&l, &r).map_err(Interrupt::Error)?.is_gt(),
            BinOp::Ge => compare(&l, &r).map_err(Interrupt::Error)?.is_ge(),
            BinOp::In => contains(&r, &l),
            BinOp::Contains => contains(&l, &r),
            BinOp::StartsWith | BinOp::EndsWith | BinOp::Matches => {
                let (Val::Str(s) | Val::Enum(s), Val::Str(p) | Val::Enum(p)) = (&l, &r) else {
                    return Ok(Val::Bool(false));
                };
                match op {
                    BinOp::StartsWith => s.starts_with(p.as_str()),
                    BinOp::EndsWith => s.ends_with(p.as_str()),
                    _ => regex::Regex::new(p)
                        .map_err(|e| Interrupt::error(format!("invalid regex: {e}")))?
                        .is_match(s),
                }
            }
            BinOp::And | BinOp::Or => false,
        };
        Ok(Val::Bool(b))
    }
}

fn contains(container: &Val, item: &Val) -> bool {
    match (container, item) {
        (Val::List(items), x) => items.iter().any(|i| equal(i, x)),
        (Val::Map(m), Val::Str(k) | Val::Enum(k)) => m.contains_key(k),
        (Val::Object(serde_json::Value::Object(o)), Val::Str(k)) => o.contains_key(k),
        (Val::Str(s), Val::Str(sub) | Val::Enum(sub)) => s.contains(sub.as_str()),
        _ => false,
    }
}
