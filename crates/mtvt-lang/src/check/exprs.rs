//! Type checking of check bodies: resolves names (model roots, variables, enum literals),
//! field paths against the model tables, builtin calls and operators, and produces the
//! typed [`StmtIr`]/[`ExprIr`] the evaluator runs. Every error is reported and replaced by
//! an `any`-typed node so checking continues.

use std::collections::HashMap;

mod calls;
mod methods;
mod names;
mod operators;

use super::spans::Spans;
use super::type_rules::type_noun;
use crate::diag::{DiagnosticKind, Sink, suggest};
use crate::ir::{ExprIr, ExprIrKind, LitIr, StmtIr};
use crate::models::{self};
use crate::schema::types::Type;
use crate::span::Span;
use crate::syntax::ast::{Expr, ExprKind, Ident, Stmt};

/// Type checker for one check body.
pub struct ExprChecker<'a, 'b> {
    sink: &'b mut Sink,
    spans: &'b Spans<'a>,
    scopes: Vec<HashMap<String, Type>>,
    /// Where to note the type of every expression checked (for tools' queries).
    types: Option<&'b mut Vec<(Span, Type)>>,
}

impl<'a, 'b> ExprChecker<'a, 'b> {
    /// A checker with an empty scope.
    pub fn new(sink: &'b mut Sink, spans: &'b Spans<'a>) -> Self {
        ExprChecker {
            sink,
            spans,
            scopes: vec![HashMap::new()],
            types: None,
        }
    }

    /// A checker that also notes the span and type of every expression it checks in
    /// `types` (what `query` answers "the type of the expression at this offset" from).
    pub fn noting_types(
        sink: &'b mut Sink,
        spans: &'b Spans<'a>,
        types: &'b mut Vec<(Span, Type)>,
    ) -> Self {
        ExprChecker {
            types: Some(types),
            ..ExprChecker::new(sink, spans)
        }
    }

    /// Checks a statement list in a new scope.
    pub fn check_body(&mut self, stmts: &[Stmt]) -> Vec<StmtIr> {
        self.scopes.push(HashMap::new());
        let out = stmts.iter().map(|s| self.check_stmt(s)).collect();
        self.scopes.pop();
        out
    }

    fn lookup_var(&self, name: &str) -> Option<&Type> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn bind(&mut self, name: &crate::syntax::ast::Ident, ty: Type) {
        if models::root(&name.node).is_some() || self.lookup_var(&name.node).is_some() {
            let help = if models::root(&name.node).is_some() {
                Some(format!("`{}` is a model; pick another name", name.node))
            } else {
                Some(String::from("pick another name"))
            };
            self.sink.push(DiagnosticKind::DuplicateVariable {
                span: name.span,
                name: name.node.as_str().to_owned(),
                help,
            });
        }
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.node.as_str().to_owned(), ty);
        }
    }

    fn check_stmt(&mut self, s: &Stmt) -> StmtIr {
        match s {
            Stmt::Assert {
                cond,
                message,
                span,
            } => {
                let cond = self.check_cond(cond);
                StmtIr::Assert {
                    cond,
                    message: message.as_ref().map(|m| m.node.clone()),
                    span: self.spans.ir(*span),
                }
            }
            Stmt::When {
                branches,
                otherwise,
                span,
            } => {
                let branches = branches
                    .iter()
                    .map(|(c, body)| (self.check_cond(c), self.check_body(body)))
                    .collect();
                let otherwise = otherwise.as_ref().map(|b| self.check_body(b));
                StmtIr::When {
                    branches,
                    otherwise,
                    span: self.spans.ir(*span),
                }
            }
            Stmt::For {
                var,
                iter,
                body,
                span,
            } => {
                let iter = self.check_expr(iter, None);
                let elem = self.element_type(&iter);
                self.scopes.push(HashMap::new());
                self.bind(var, elem);
                let body = stmts_in_scope(self, body);
                self.scopes.pop();
                StmtIr::For {
                    var: var.node.as_str().to_owned(),
                    iter,
                    body,
                    span: self.spans.ir(*span),
                }
            }
            Stmt::Let { name, value, span } => {
                let value = self.check_expr(value, None);
                self.bind(name, value.ty.clone());
                StmtIr::Let {
                    name: name.node.as_str().to_owned(),
                    value,
                    span: self.spans.ir(*span),
                }
            }
            Stmt::Skip { reason, span } => StmtIr::Skip {
                reason: reason.node.clone(),
                span: self.spans.ir(*span),
            },
        }
    }

    fn element_type(&mut self, iter: &ExprIr) -> Type {
        match iter.ty.unwrap_optional() {
            Type::List(t) => (**t).clone(),
            Type::Any => Type::Any,
            other => {
                self.sink.push(DiagnosticKind::NotIterable {
                    span: iter.span.span(),
                    found: type_noun(other),
                });
                Type::Any
            }
        }
    }

    fn check_cond(&mut self, e: &Expr) -> ExprIr {
        let ir = self.check_expr(e, None);
        if !matches!(ir.ty, Type::Bool | Type::Any) {
            let help = match &ir.ty {
                Type::Optional(_) => Some(String::from("compare it with `none`: `x != none`")),
                Type::List(_) | Type::Map(_) => Some(String::from("test its size: `len(x) > 0`")),
                _ => None,
            };
            self.sink.push(DiagnosticKind::ConditionNotBool {
                span: e.span,
                found: type_noun(&ir.ty),
                help,
            });
        }
        ir
    }

    fn node(&self, kind: ExprIrKind, ty: Type, e: &Expr) -> ExprIr {
        ExprIr {
            kind,
            ty,
            span: self.spans.ir(e.span),
        }
    }

    fn any(&self, e: &Expr) -> ExprIr {
        self.node(ExprIrKind::Lit { value: LitIr::None }, Type::Any, e)
    }

    /// Checks an expression; `expected` gives context for bare enum identifiers.
    pub fn check_expr(&mut self, e: &Expr, expected: Option<&Type>) -> ExprIr {
        let ir = self.expr_ir(e, expected);
        if let Some(types) = self.types.as_deref_mut() {
            types.push((e.span, ir.ty.clone()));
        }
        ir
    }

    fn expr_ir(&mut self, e: &Expr, expected: Option<&Type>) -> ExprIr {
        match &e.kind {
            ExprKind::Lit(v) => self.literal(v, e),
            ExprKind::Name(n) => self.name(n, e, expected),
            ExprKind::Field(of, field) => self.field(of, field, e),
            ExprKind::Index(of, index) => self.index(of, index, e),
            ExprKind::Call(func, args) => self.call(func, args, e),
            ExprKind::Method(of, method, args) => self.method(of, method, args, e),
            ExprKind::Comprehension {
                func,
                var,
                iter,
                pred,
            } => self.comprehension(func, var, iter, pred, e),
            ExprKind::Not(of) => {
                let of = self.check_cond(of);
                self.node(ExprIrKind::Not { of: Box::new(of) }, Type::Bool, e)
            }
            ExprKind::Binary(op, lhs, rhs) => self.binary(op.node, lhs, rhs, e),
            ExprKind::List(items) => self.list(items, e),
        }
    }

    /// `of.field`.
    fn field(&mut self, of: &Expr, field: &Ident, e: &Expr) -> ExprIr {
        let of = self.check_expr(of, None);
        let optional = of.ty.is_optional();
        let ty = match of.ty.unwrap_optional() {
            Type::Model(id) => match models::field(*id, &field.node) {
                Some(f) => f.ty.clone(),
                None => {
                    let names: Vec<&str> = models::fields(*id).iter().map(|f| f.name).collect();
                    let help = match crate::schema::methods::method(*id, &field.node) {
                        Some(m) => Some(format!("`{}` is a method: {}", m.name, m.signature)),
                        None => suggest::help(&field.node, &names),
                    };
                    self.sink.push(DiagnosticKind::UnknownField {
                        span: field.span,
                        field: field.node.as_str().to_owned(),
                        ty: id.type_name().to_string(),
                        help,
                    });
                    Type::Any
                }
            },
            Type::Any => Type::Any,
            other => {
                self.sink.push(DiagnosticKind::UnknownField {
                    span: field.span,
                    field: field.node.as_str().to_owned(),
                    ty: other.to_string(),
                    help: Some(format!("`{other}` values have no fields")),
                });
                Type::Any
            }
        };
        let ty = if optional { ty.optional() } else { ty };
        self.node(
            ExprIrKind::Field {
                of: Box::new(of),
                field: field.node.as_str().to_owned(),
            },
            ty,
            e,
        )
    }

    /// `of[index]`.
    fn index(&mut self, of: &Expr, index: &Expr, e: &Expr) -> ExprIr {
        let of = self.check_expr(of, None);
        let index = self.check_expr(index, None);
        let ty = match (of.ty.unwrap_optional(), index.ty.unwrap_optional()) {
            (Type::List(t), Type::Int | Type::Any) => (**t).clone(),
            (Type::Map(t), Type::String | Type::Any) => (**t).clone().optional(),
            (Type::Any, _) => Type::Any,
            (o, i) => {
                self.sink.push(DiagnosticKind::NotIndexable {
                    span: e.span,
                    found: type_noun(o),
                    index: type_noun(i),
                });
                Type::Any
            }
        };
        self.node(
            ExprIrKind::Index {
                of: Box::new(of),
                index: Box::new(index),
            },
            ty,
            e,
        )
    }
}

fn stmts_in_scope(c: &mut ExprChecker<'_, '_>, body: &[Stmt]) -> Vec<StmtIr> {
    body.iter().map(|s| c.check_stmt(s)).collect()
}
