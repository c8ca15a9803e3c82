//! Type checking of literals and bare names: variables in scope, model roots and enum
//! identifiers typed by what the context expects.

use super::ExprChecker;
use crate::diag::{DiagnosticKind, suggest};
use crate::ir::{ExprIr, ExprIrKind, LitIr, Root};
use crate::models::{self, ROOTS};
use crate::schema::enums::EnumId;
use crate::schema::types::Type;
use crate::syntax::ast::{Expr, StrPart, ValueKind};
use mtvt_vocab::{Duration, Quantity};

impl ExprChecker<'_, '_> {
    pub(super) fn literal(&mut self, v: &ValueKind, e: &Expr) -> ExprIr {
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

    pub(super) fn name(&mut self, n: &str, e: &Expr, expected: Option<&Type>) -> ExprIr {
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
}

pub(super) fn root_of(n: &str) -> Option<Root> {
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
