//! Type checking of check bodies: resolves names (model roots, variables, enum literals),
//! field paths against the model tables, builtin calls and operators, and produces the
//! typed [`StmtIr`]/[`ExprIr`] the evaluator runs. Every error is reported and replaced by
//! an `any`-typed node so checking continues.

use std::collections::HashMap;

use mtvt_vocab::{Duration, Quantity};

mod methods;

use super::spans::Spans;
use super::type_rules::{
    compatible, contains_ok, element_context, first_line, is_stringish, mismatch_help, type_noun,
};
use crate::diag::{DiagnosticKind, Sink, suggest};
use crate::ir::{Comprehension, ExprIr, ExprIrKind, LitIr, Root, StmtIr};
use crate::models::{self, ROOTS};
use crate::schema::builtins::{BUILTINS, COMPREHENSIONS, CallError, type_call};
use crate::schema::enums::EnumId;
use crate::schema::types::Type;
use crate::span::Span;
use crate::syntax::ast::{BinOp, Expr, ExprKind, Ident, Stmt, StrPart, ValueKind};

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

    /// `func(args)`.
    fn call(&mut self, func: &Ident, args: &[Expr], e: &Expr) -> ExprIr {
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
    fn comprehension(
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
    fn list(&mut self, items: &[Expr], e: &Expr) -> ExprIr {
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

    fn literal(&mut self, v: &ValueKind, e: &Expr) -> ExprIr {
        let (value, ty) = match v {
            ValueKind::Str(parts) => {
                let text: String = parts
                    .iter()
                    .map(|p| match p {
                        StrPart::Text(t) => t.as_str(),
                        StrPart::Interp(_) => "",
                    })
                    .collect();
                (LitIr::Str(text), Type::String)
            }
            ValueKind::Raw(s) | ValueKind::Triple(s) => (LitIr::Str(s.to_string()), Type::String),
            ValueKind::Int(n) => (LitIr::Int(*n), Type::Int),
            ValueKind::Bool(b) => (LitIr::Bool(*b), Type::Bool),
            ValueKind::Quantity(q) => (LitIr::Quantity(Quantity(q.value)), Type::Quantity),
            ValueKind::Duration(ms) => (LitIr::Duration(Duration(*ms)), Type::Duration),
            ValueKind::None => (LitIr::None, Type::None),
            ValueKind::Invalid => return self.any(e),
            ValueKind::Version(_)
            | ValueKind::Path(_)
            | ValueKind::List(_)
            | ValueKind::Object(_) => {
                self.sink.push(DiagnosticKind::TypeMismatch {
                    span: e.span,
                    op: String::from("used as"),
                    left: v.describe().to_string(),
                    right: String::from("a value"),
                    help: Some(String::from(
                        "versions are not values in checks; compare strings or numbers",
                    )),
                });
                return self.any(e);
            }
        };
        self.node(ExprIrKind::Lit { value }, ty, e)
    }

    fn name(&mut self, n: &str, e: &Expr, expected: Option<&Type>) -> ExprIr {
        if let Some(t) = self.lookup_var(n).cloned() {
            return self.node(
                ExprIrKind::Var {
                    name: n.to_string(),
                },
                t,
                e,
            );
        }
        if let Some(root) = root_of(n) {
            let id = models::root(n).map_or(Type::Any, Type::Model);
            return self.node(ExprIrKind::Root { root }, id, e);
        }
        if matches!(expected, Some(Type::Any)) {
            // The other side already failed to type-check: stay quiet.
            return self.any(e);
        }
        if let Some(Type::Enum(en)) = expected.map(Type::unwrap_optional) {
            if en.contains(n) {
                return self.node(
                    ExprIrKind::Lit {
                        value: LitIr::Enum(n.to_string()),
                    },
                    Type::Enum(*en),
                    e,
                );
            }
            self.sink.push(DiagnosticKind::UnknownEnumLiteral {
                span: e.span,
                value: n.to_string(),
                what: en.name().replace('_', " "),
                help: suggest::help(n, en.values()),
            });
            return self.any(e);
        }
        let mut candidates: Vec<String> = ROOTS.iter().map(|(r, _, _)| (*r).to_string()).collect();
        for s in &self.scopes {
            candidates.extend(s.keys().cloned());
        }
        let help = suggest::suggest(n, &candidates).map(|s| format!("did you mean `{s}`?")).or_else(|| {
            EnumId::ALL.iter().any(|en| en.contains(n)).then(|| {
                format!("`{n}` is an enum value; compare it with a field of that type, e.g. `dest.power == {n}`")
            })
        });
        self.sink.push(DiagnosticKind::UnknownName {
            span: e.span,
            name: n.to_string(),
            help,
        });
        self.any(e)
    }

    fn is_bare_unknown(&self, e: &Expr) -> bool {
        matches!(&e.kind, ExprKind::Name(n) if self.lookup_var(n).is_none() && root_of(n).is_none())
    }

    fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr, e: &Expr) -> ExprIr {
        // Let an enum identifier on either side take its type from the other side.
        let (l, r) = if self.is_bare_unknown(lhs) && !self.is_bare_unknown(rhs) {
            let r = self.check_expr(rhs, None);
            let l = self.check_expr(lhs, Some(&element_context(op, &r.ty, false)));
            (l, r)
        } else {
            let l = self.check_expr(lhs, None);
            let r = self.check_expr(rhs, Some(&element_context(op, &l.ty, true)));
            (l, r)
        };
        let ok = match op {
            BinOp::And | BinOp::Or => {
                for side in [&l, &r] {
                    if !matches!(side.ty, Type::Bool | Type::Any) {
                        self.sink.push(DiagnosticKind::ConditionNotBool {
                            span: side.span.span(),
                            found: type_noun(&side.ty),
                            help: None,
                        });
                    }
                }
                true
            }
            BinOp::Eq | BinOp::Ne => compatible(&l.ty, &r.ty),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let (a, b) = (l.ty.unwrap_optional(), r.ty.unwrap_optional());
                matches!(a, Type::Any)
                    || matches!(b, Type::Any)
                    || (a == b && matches!(a, Type::Int | Type::Quantity | Type::Duration))
            }
            BinOp::In => contains_ok(&r.ty, &l.ty),
            BinOp::Contains => contains_ok(&l.ty, &r.ty),
            BinOp::StartsWith | BinOp::EndsWith | BinOp::Matches => {
                is_stringish(&l.ty) && is_stringish(&r.ty)
            }
        };
        if !ok {
            self.sink.push(DiagnosticKind::TypeMismatch {
                span: e.span,
                op: op.as_str().to_string(),
                left: type_noun(&l.ty),
                right: type_noun(&r.ty),
                help: mismatch_help(op, &l, &r),
            });
        }
        if op == BinOp::Matches
            && let ExprIrKind::Lit {
                value: LitIr::Str(pattern),
            } = &r.kind
            && let Err(err) = regex::Regex::new(pattern)
        {
            self.sink.push(DiagnosticKind::InvalidRegex {
                span: rhs.span,
                error: first_line(&err.to_string()),
            });
        }
        self.node(
            ExprIrKind::Binary {
                op,
                lhs: Box::new(l),
                rhs: Box::new(r),
            },
            Type::Bool,
            e,
        )
    }
}

fn stmts_in_scope(c: &mut ExprChecker<'_, '_>, body: &[Stmt]) -> Vec<StmtIr> {
    body.iter().map(|s| c.check_stmt(s)).collect()
}

fn root_of(n: &str) -> Option<Root> {
    Some(match n {
        "source" => Root::Source,
        "dest" => Root::Dest,
        "plan" => Root::Plan,
        "vm" => Root::Vm,
        "migration" => Root::Migration,
        "guest" => Root::Guest,
        "cluster" => Root::Cluster,
        _ => return None,
    })
}
