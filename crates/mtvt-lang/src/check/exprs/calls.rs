//! Type checking of builtin calls `func(args)`, comprehensions `func(var in iter: pred)`
//! and list literals `[items]` against `schema::builtins`.

use super::super::type_rules::{compatible, type_noun};
use std::collections::HashMap;

use super::ExprChecker;
use crate::diag::{DiagnosticKind, suggest};
use crate::ir::{Comprehension, ExprIr, ExprIrKind};
use crate::schema::builtins::{BUILTINS, COMPREHENSIONS, CallError, type_call};
use crate::schema::types::Type;
use crate::syntax::ast::{Expr, Ident};

impl ExprChecker<'_, '_> {
    /// `func(args)`.
    pub(super) fn call(&mut self, func: &Ident, args: &[Expr], e: &Expr) -> ExprIr {
        let args: Vec<ExprIr> = args.iter().map(|a| self.check_expr(a, None)).collect();
        let types: Vec<Type> = args.iter().map(|a| a.ty.clone()).collect();
        let ty = match type_call(&func.node, &types) {
            Ok(t) => t,
            Err(CallError::Unknown) => {
                let mut names: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
                names.extend(COMPREHENSIONS.iter().map(|b| b.name));
                let mut help = suggest::help(&func.node, &names);
                if COMPREHENSIONS.iter().any(|c| c.name == func.node) {
                    help = Some(format!(
                        "`{}` is written `{}(x in list: condition)`",
                        func.node, func.node
                    ));
                }
                self.sink.push(DiagnosticKind::UnknownFunction {
                    span: func.span,
                    name: func.node.as_str().to_owned(),
                    help,
                });
                Type::Any
            }
            Err(CallError::Arity(expected)) => {
                self.sink.push(DiagnosticKind::WrongArity {
                    span: e.span,
                    name: func.node.as_str().to_owned(),
                    expected: expected.to_string(),
                    found: args.len(),
                });
                Type::Any
            }
            Err(CallError::Arg(i, expected)) => {
                let (span, found) = args.get(i).map_or((e.span, String::from("?")), |a| {
                    (a.span.span(), a.ty.to_string())
                });
                self.sink.push(DiagnosticKind::ArgumentType {
                    span,
                    func: func.node.as_str().to_owned(),
                    index: i + 1,
                    expected: expected.to_string(),
                    found,
                });
                Type::Any
            }
        };
        self.node(
            ExprIrKind::Call {
                func: func.node.as_str().to_owned(),
                args,
            },
            ty,
            e,
        )
    }

    /// `func(var in iter: pred)`.
    pub(super) fn comprehension(
        &mut self,
        func: &Ident,
        var: &Ident,
        iter: &Expr,
        pred: &Expr,
        e: &Expr,
    ) -> ExprIr {
        let kind = match func.node.as_str() {
            "all" => Some(Comprehension::All),
            "any" => Some(Comprehension::Any),
            "find" => Some(Comprehension::Find),
            "count" => Some(Comprehension::Count),
            _ => None,
        };
        let iter_ir = self.check_expr(iter, None);
        let elem = self.element_type(&iter_ir);
        self.scopes.push(HashMap::new());
        self.bind(var, elem.clone());
        let pred_ir = self.check_cond(pred);
        self.scopes.pop();
        let Some(kind) = kind else {
            let names: Vec<&str> = COMPREHENSIONS.iter().map(|c| c.name).collect();
            self.sink.push(DiagnosticKind::UnknownFunction {
                span: func.span,
                name: func.node.as_str().to_owned(),
                help: suggest::help(&func.node, &names),
            });
            return self.any(e);
        };
        let ty = match kind {
            Comprehension::All | Comprehension::Any => Type::Bool,
            Comprehension::Find => elem.optional(),
            Comprehension::Count => Type::Int,
        };
        self.node(
            ExprIrKind::Comprehension {
                func: kind,
                var: var.node.as_str().to_owned(),
                iter: Box::new(iter_ir),
                pred: Box::new(pred_ir),
            },
            ty,
            e,
        )
    }

    /// `[items]`.
    pub(super) fn list(&mut self, items: &[Expr], e: &Expr) -> ExprIr {
        let mut irs: Vec<ExprIr> = Vec::with_capacity(items.len());
        let mut elem: Option<Type> = None;
        for item in items {
            let ir = self.check_expr(item, elem.as_ref());
            match &elem {
                None => elem = Some(ir.ty.clone()),
                Some(t) if !compatible(t, &ir.ty) => {
                    self.sink.push(DiagnosticKind::TypeMismatch {
                        span: item.span,
                        op: String::from("in a list with"),
                        left: type_noun(&ir.ty),
                        right: type_noun(t),
                        help: Some(String::from("list elements must have one type")),
                    });
                }
                Some(_) => {}
            }
            irs.push(ir);
        }
        let ty = Type::List(Box::new(elem.unwrap_or(Type::Any)));
        self.node(ExprIrKind::List { items: irs }, ty, e)
    }
}
