//! Statement and expression evaluation over the typed check IR. Every assert produces an
//! outcome; evaluation never stops at the first failure (only `skip` ends a check).

use std::collections::HashMap;

use super::guest::GuestRequest;
use super::value::{Val, show};
use super::{AssertOutcome, Bindings};
use crate::ir::{ExprIr, ExprIrKind, SpanIr, StmtIr};
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
    pub(super) scopes: Vec<HashMap<String, Result<Val, Interrupt>>>,
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

    pub(super) fn bind(&mut self, name: &str, v: Result<Val, Interrupt>) {
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
}
