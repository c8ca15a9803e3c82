//! Type checking of method calls `of.method(args)` against `schema::methods` (only the
//! `guest` model has methods): unknown methods with "did you mean", a field called as a
//! method, arity and argument types.

use super::ExprChecker;
use crate::diag::{DiagnosticKind, suggest};
use crate::ir::{ExprIr, ExprIrKind};
use crate::models;
use crate::schema::methods::{self, MethodError};
use crate::schema::types::Type;
use crate::syntax::ast::{Expr, Ident};

impl ExprChecker<'_, '_> {
    /// `of.method(args)`: a method of a model record (`guest.run`, `guest.file`).
    pub(super) fn method(&mut self, of: &Expr, method: &Ident, args: &[Expr], e: &Expr) -> ExprIr {
        let of = self.check_expr(of, None);
        let args: Vec<ExprIr> = args.iter().map(|a| self.check_expr(a, None)).collect();
        let types: Vec<Type> = args.iter().map(|a| a.ty.clone()).collect();
        let name = method.node.as_str();
        let ty = match of.ty.unwrap_optional() {
            Type::Any => Type::Any,
            Type::Model(id) => match methods::type_method(*id, name, &types) {
                Ok(t) => t,
                Err(err) => self.method_error(*id, method, &args, err, e),
            },
            other => {
                self.sink.push(DiagnosticKind::UnknownMethod {
                    span: method.span,
                    method: name.to_owned(),
                    ty: other.to_string(),
                    help: Some(format!("`{other}` values have no methods")),
                });
                Type::Any
            }
        };
        self.node(
            ExprIrKind::Method {
                of: Box::new(of),
                method: name.to_owned(),
                args,
            },
            ty,
            e,
        )
    }

    fn method_error(
        &mut self,
        id: models::ModelId,
        method: &Ident,
        args: &[ExprIr],
        err: MethodError,
        e: &Expr,
    ) -> Type {
        let name = method.node.as_str().to_owned();
        let d = match err {
            MethodError::Unknown => {
                let names: Vec<&str> = methods::methods_of(id).map(|m| m.name).collect();
                let help = if names.is_empty() {
                    models::field(id, &name)
                        .map(|_| format!("`{name}` is a field: write it without parentheses"))
                        .or_else(|| Some(format!("`{}` values have no methods", id.type_name())))
                } else {
                    suggest::help(&name, &names).or_else(|| {
                        let all: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                        Some(format!("its methods: {}", all.join(", ")))
                    })
                };
                DiagnosticKind::UnknownMethod {
                    span: method.span,
                    method: name,
                    ty: id.type_name().to_string(),
                    help,
                }
            }
            MethodError::Arity(expected) => DiagnosticKind::WrongArity {
                span: e.span,
                name,
                expected: expected.to_string(),
                found: args.len(),
            },
            MethodError::Arg(i, expected) => {
                let (span, found) = args.get(i).map_or((e.span, String::from("?")), |a| {
                    (a.span.span(), a.ty.to_string())
                });
                DiagnosticKind::ArgumentType {
                    span,
                    func: name,
                    index: i + 1,
                    expected: expected.to_string(),
                    found,
                }
            }
        };
        self.sink.push(d);
        Type::Any
    }
}
