//! Statement and expression evaluation over the typed check IR. Every assert produces an
//! outcome; evaluation never stops at the first failure (only `skip` ends a check).

use std::collections::HashMap;

use super::guest::GuestRequest;
use super::value::{Val, compare, equal, from_json, show};
use super::{AssertOutcome, Bindings, builtins};
use crate::ir::{Comprehension, ExprIr, ExprIrKind, LitIr, Root, SpanIr, StmtIr};
use crate::models::ModelId;
use crate::schema::types::Type;
use crate::syntax::ast::BinOp;

/// Why an expression has no value.
#[derive(Debug, Clone, PartialEq)]
pub enum Interrupt {
    /// Cannot be evaluated in this environment (e.g. no SSH path).
    NotRun(String),
    /// A runtime error (index out of range, bad model data, …).
    Error(String),
}

impl Interrupt {
    /// A runtime error.
    pub fn error(msg: impl Into<String>) -> Self {
        Interrupt::Error(msg.into())
    }
}

/// Evaluation state of one check.
pub struct Exec<'b> {
    pub(super) bindings: &'b Bindings,
    /// Variables bound to guest data, and the guest read they came from (for messages).
    pub(super) guest_vars: HashMap<String, GuestRequest>,
    scopes: Vec<HashMap<String, Result<Val, Interrupt>>>,
    /// Outcomes so far.
    pub outcomes: Vec<AssertOutcome>,
    /// Set by `skip`: (reason, span).
    pub skipped: Option<(String, SpanIr)>,
    /// Guest requests met without an answer.
    pub(super) pending: Vec<GuestRequest>,
}

impl<'b> Exec<'b> {
    /// A fresh evaluation.
    pub fn new(bindings: &'b Bindings) -> Self {
        Exec {
            bindings,
            guest_vars: HashMap::new(),
            scopes: vec![HashMap::new()],
            outcomes: Vec::new(),
            skipped: None,
            pending: Vec::new(),
        }
    }

    /// Runs statements in a new scope; returns false once `skip` ran.
    pub fn run(&mut self, stmts: &[StmtIr]) -> bool {
        self.scopes.push(HashMap::new());
        let mut go_on = true;
        for s in stmts {
            if !self.stmt(s) {
                go_on = false;
                break;
            }
        }
        self.scopes.pop();
        go_on
    }

    fn bind(&mut self, name: &str, v: Result<Val, Interrupt>) {
        if let Some(s) = self.scopes.last_mut() {
            s.insert(name.to_string(), v);
        }
    }

    fn stmt(&mut self, s: &StmtIr) -> bool {
        match s {
            StmtIr::Assert {
                cond,
                message,
                span,
            } => {
                let outcome = self.assert(cond, message.clone(), span);
                self.outcomes.push(outcome);
                true
            }
            StmtIr::When {
                branches,
                otherwise,
                span,
            } => {
                for (cond, body) in branches {
                    match self.expr(cond) {
                        Ok(Val::Bool(true)) => return self.run(body),
                        Ok(Val::Bool(false)) => {}
                        Ok(v) => {
                            self.outcomes.push(AssertOutcome::Fail {
                                span: span.clone(),
                                message: Some(String::from("condition is not a bool")),
                                expected: String::from("true or false"),
                                actual: show(&v),
                            });
                            return true;
                        }
                        Err(Interrupt::NotRun(reason)) => {
                            self.outcomes.push(AssertOutcome::NotRun {
                                span: span.clone(),
                                reason,
                            });
                            return true;
                        }
                        Err(Interrupt::Error(e)) => {
                            self.outcomes.push(AssertOutcome::Fail {
                                span: span.clone(),
                                message: Some(String::from("the condition could not be evaluated")),
                                expected: String::from("a value"),
                                actual: e,
                            });
                            return true;
                        }
                    }
                }
                match otherwise {
                    Some(body) => self.run(body),
                    None => true,
                }
            }
            StmtIr::For {
                var,
                iter,
                body,
                span,
            } => {
                if let Some(r) = self.first_guest_read(iter) {
                    self.guest_vars.insert(var.clone(), r);
                }
                let items = match self.expr(iter) {
                    Ok(Val::List(items)) => items,
                    Ok(Val::None) => Vec::new(),
                    Ok(v) => {
                        self.outcomes.push(AssertOutcome::Fail {
                            span: span.clone(),
                            message: Some(String::from("cannot iterate")),
                            expected: String::from("a list"),
                            actual: show(&v),
                        });
                        return true;
                    }
                    Err(Interrupt::NotRun(reason)) => {
                        self.outcomes.push(AssertOutcome::NotRun {
                            span: span.clone(),
                            reason,
                        });
                        return true;
                    }
                    Err(Interrupt::Error(e)) => {
                        self.outcomes.push(AssertOutcome::Fail {
                            span: span.clone(),
                            message: Some(String::from("the list could not be evaluated")),
                            expected: String::from("a list"),
                            actual: e,
                        });
                        return true;
                    }
                };
                for item in items {
                    self.scopes.push(HashMap::new());
                    self.bind(var, Ok(item));
                    let go_on = self.run(body);
                    self.scopes.pop();
                    if !go_on {
                        return false;
                    }
                }
                true
            }
            StmtIr::Let { name, value, .. } => {
                if let Some(r) = self.first_guest_read(value) {
                    self.guest_vars.insert(name.clone(), r);
                }
                let v = self.expr(value);
                self.bind(name, v);
                true
            }
            StmtIr::Skip { reason, span } => {
                self.skipped = Some((reason.clone(), span.clone()));
                false
            }
        }
    }

    fn assert(&mut self, cond: &ExprIr, message: Option<String>, span: &SpanIr) -> AssertOutcome {
        match self.expr(cond) {
            Ok(Val::Bool(true)) => AssertOutcome::Pass { span: span.clone() },
            Ok(Val::Bool(false)) => {
                let (expected, mut actual) = self.explain(cond);
                if let Some(context) = self.guest_context(cond) {
                    actual = format!("{actual} ({context})");
                }
                AssertOutcome::Fail {
                    span: span.clone(),
                    message,
                    expected,
                    actual,
                }
            }
            Ok(v) => AssertOutcome::Fail {
                span: span.clone(),
                message,
                expected: String::from("true"),
                actual: show(&v),
            },
            Err(Interrupt::NotRun(reason)) => AssertOutcome::NotRun {
                span: span.clone(),
                reason,
            },
            Err(Interrupt::Error(e)) => AssertOutcome::Fail {
                span: span.clone(),
                message,
                expected: String::from("a value"),
                actual: format!("error: {e}"),
            },
        }
    }

    /// Expected/actual texts of a failed condition: for comparisons the right side is
    /// the expectation and the left side the actual value.
    fn explain(&mut self, cond: &ExprIr) -> (String, String) {
        let shown = |r: Result<Val, Interrupt>| match r {
            Ok(v) => show(&v),
            Err(Interrupt::NotRun(s) | Interrupt::Error(s)) => s,
        };
        match &cond.kind {
            ExprIrKind::Binary { op, lhs, rhs } if !matches!(op, BinOp::And | BinOp::Or) => {
                let (l, r) = (self.expr(lhs), self.expr(rhs));
                let expected = match op {
                    BinOp::Eq => shown(r),
                    BinOp::Ne => format!("not {}", shown(r)),
                    BinOp::In => format!("one of {}", shown(r)),
                    BinOp::Contains => format!("containing {}", shown(r)),
                    other => format!("{} {}", other.as_str(), shown(r)),
                };
                (expected, shown(l))
            }
            ExprIrKind::Not { of } => (String::from("false"), shown(self.expr(of))),
            ExprIrKind::Call { func, args } if func == "pvc_name_matches" => {
                let arg = |me: &mut Self, i: usize| match args.get(i) {
                    Some(a) => shown(me.expr(a)),
                    None => String::new(),
                };
                let generate =
                    matches!(args.get(2).map(|a| self.expr(a)), Some(Ok(Val::Bool(true))));
                let expected = arg(self, 1);
                let expected = if generate {
                    format!("{expected} + 5 generated characters")
                } else {
                    expected
                };
                (expected, arg(self, 0))
            }
            ExprIrKind::Call { func, args } if func == "ssh_reachable" => {
                let probe = args.first().map(|a| self.expr(a));
                match probe {
                    Some(Ok(v)) => super::builtins::ssh_explain(&v),
                    _ => (String::from("true"), String::from("false")),
                }
            }
            _ => (String::from("true"), String::from("false")),
        }
    }

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
            ExprIrKind::Field { of, field } => match self.expr(of)? {
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
            },
            ExprIrKind::Index { of, index } => {
                let (c, i) = (self.expr(of)?, self.expr(index)?);
                match (c, i) {
                    (Val::None, _) => Ok(Val::None),
                    (Val::List(items), Val::Int(n)) => usize::try_from(n)
                        .ok()
                        .and_then(|n| items.get(n).cloned())
                        .ok_or_else(|| {
                            Interrupt::error(format!(
                                "index {n} out of range ({} items)",
                                items.len()
                            ))
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
            } => {
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
