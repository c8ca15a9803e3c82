//! Type checking of binary operators: operand types, enum identifiers typed by the other
//! side, and the help for mismatches.

use super::super::type_rules::{
    compatible, contains_ok, element_context, first_line, is_stringish, mismatch_help, type_noun,
};
use super::ExprChecker;
use super::names::root_of;
use crate::diag::DiagnosticKind;
use crate::ir::{ExprIr, ExprIrKind, LitIr};
use crate::schema::types::Type;
use crate::syntax::ast::{BinOp, Expr, ExprKind};

impl ExprChecker<'_, '_> {
    pub(super) fn is_bare_unknown(&self, e: &Expr) -> bool {
        matches!(&e.kind, ExprKind::Name(n) if self.lookup_var(n).is_none() && root_of(n).is_none())
    }

    pub(super) fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr, e: &Expr) -> ExprIr {
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
