//! Checks certain to skip (W0006): a check named in `expect` whose leading
//! `when COND { skip "…" }` guards are decided by what the scenario states — the plan's
//! features and the source provider type its `requires` (or the profile) fix — and one of
//! them holds for every plan and every possible provider type. `static_ips` on an oVirt
//! scenario or `node_placement` with an empty node selector would only ever report
//! "skipped"; the author meant to test something.
//!
//! The evaluation is three-valued: anything the scenario does not state (the source VM,
//! the destination, the migration) is unknown, and an unknown guard never warns. Checks
//! reached through a composite (`check standard`) or requested by a fragment's `expect` are
//! not judged: those are shared by scenarios on purpose; only the scenario's own `check`
//! lines are.

use crate::diag::{DiagnosticKind, Sink};
use crate::ir::{CheckRefIr, ExprIr, ExprIrKind, LitIr, PlanIr, Root, ScenarioIr, StmtIr};
use crate::schema::enums::ProviderKind;
use crate::syntax::ast::BinOp;

/// A value known statically, or not.
#[derive(Debug, Clone, PartialEq)]
enum Sv {
    Bool(bool),
    Int(i64),
    Enum(String),
    /// `none` (an unset optional).
    Null,
    /// A set optional or a map/list whose length is known.
    Len(i64),
    Unknown,
}

/// What is known while judging one plan with one provider type.
struct Facts<'a> {
    plan: &'a PlanIr,
    provider: Option<ProviderKind>,
}

/// Warns for every directly requested check that skips whatever happens.
pub fn check_certain_skips(sink: &mut Sink, ir: &ScenarioIr, known: Option<&[ProviderKind]>) {
    let providers: Vec<Option<ProviderKind>> = match known {
        Some(k) if !k.is_empty() => k.iter().copied().map(Some).collect(),
        _ => vec![None],
    };
    let own = ir.span.span();
    for r in &ir.expect.checks {
        let at = r.requested_at.span();
        let written_here = at.file == own.file && at.start >= own.start && at.end <= own.end;
        if !requested_directly(r) || !written_here {
            continue;
        }
        let mut reason = None;
        let certain = ir.plans.iter().all(|plan| {
            providers.iter().all(|&provider| {
                let found = skip_reason(&r.check.body, &Facts { plan, provider });
                if reason.is_none() {
                    reason.clone_from(&found);
                }
                found.is_some()
            })
        });
        if certain
            && !ir.plans.is_empty()
            && let Some(reason) = reason
        {
            sink.push(DiagnosticKind::CertainSkip {
                span: r.requested_at.span(),
                check: r.check.name.clone(),
                reason,
            });
        }
    }
}

fn requested_directly(r: &CheckRefIr) -> bool {
    *r.requested_as == *r.check.name || *r.requested_as == *r.check.qualified
}

/// The reason of the first leading guard that certainly holds.
fn skip_reason(body: &[StmtIr], facts: &Facts<'_>) -> Option<String> {
    for stmt in body {
        let StmtIr::When {
            branches,
            otherwise: None,
            ..
        } = stmt
        else {
            return None;
        };
        let [(cond, then)] = branches.as_slice() else {
            return None;
        };
        let [StmtIr::Skip { reason, .. }] = then.as_slice() else {
            return None;
        };
        if eval(cond, facts) == Sv::Bool(true) {
            return Some(reason.clone());
        }
    }
    None
}

fn eval(e: &ExprIr, f: &Facts<'_>) -> Sv {
    match &e.kind {
        ExprIrKind::Lit { value } => match value {
            LitIr::Bool(b) => Sv::Bool(*b),
            LitIr::Int(n) => Sv::Int(*n),
            LitIr::Enum(s) => Sv::Enum(s.clone()),
            LitIr::None => Sv::Null,
            _ => Sv::Unknown,
        },
        ExprIrKind::Field { of, field } => match &of.kind {
            ExprIrKind::Root { root } => field_of(*root, field, f),
            _ => Sv::Unknown,
        },
        ExprIrKind::Not { of } => match eval(of, f) {
            Sv::Bool(b) => Sv::Bool(!b),
            _ => Sv::Unknown,
        },
        ExprIrKind::Call { func, args } if func == "len" => match args.as_slice() {
            [a] => match eval(a, f) {
                Sv::Len(n) => Sv::Int(n),
                _ => Sv::Unknown,
            },
            _ => Sv::Unknown,
        },
        ExprIrKind::Binary { op, lhs, rhs } => binary(*op, eval(lhs, f), eval(rhs, f)),
        _ => Sv::Unknown,
    }
}

fn binary(op: BinOp, l: Sv, r: Sv) -> Sv {
    match op {
        BinOp::And => match (l, r) {
            (Sv::Bool(false), _) | (_, Sv::Bool(false)) => Sv::Bool(false),
            (Sv::Bool(true), Sv::Bool(true)) => Sv::Bool(true),
            _ => Sv::Unknown,
        },
        BinOp::Or => match (l, r) {
            (Sv::Bool(true), _) | (_, Sv::Bool(true)) => Sv::Bool(true),
            (Sv::Bool(false), Sv::Bool(false)) => Sv::Bool(false),
            _ => Sv::Unknown,
        },
        BinOp::Eq | BinOp::Ne => {
            let eq = match (&l, &r) {
                (Sv::Unknown, _) | (_, Sv::Unknown) => return Sv::Unknown,
                (Sv::Null, Sv::Len(_)) | (Sv::Len(_), Sv::Null) => false,
                (a, b) => a == b,
            };
            Sv::Bool(eq == (op == BinOp::Eq))
        }
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => match (l, r) {
            (Sv::Int(a), Sv::Int(b)) => Sv::Bool(match op {
                BinOp::Lt => a < b,
                BinOp::Le => a <= b,
                BinOp::Gt => a > b,
                _ => a >= b,
            }),
            _ => Sv::Unknown,
        },
        _ => Sv::Unknown,
    }
}

fn len(n: usize) -> Sv {
    Sv::Len(i64::try_from(n).unwrap_or(i64::MAX))
}

/// A model field the scenario decides (as `mtvt run` fills the `plan` model).
fn field_of(root: Root, field: &str, f: &Facts<'_>) -> Sv {
    let p = f.plan;
    let provider = || {
        f.provider
            .map_or(Sv::Unknown, |k| Sv::Enum(k.as_str().to_owned()))
    };
    match (root, field) {
        (Root::Source, "provider_type") | (Root::Plan, "source_provider_type") => provider(),
        (Root::Plan, "preserve_static_ips") => Sv::Bool(p.preserve_static_ips.unwrap_or(false)),
        (Root::Plan, "xfs_compatibility") => Sv::Bool(p.xfs_compatibility.unwrap_or(false)),
        (Root::Plan, "enable_nested_virtualization") => {
            Sv::Bool(p.enable_nested_virtualization.unwrap_or(false))
        }
        (Root::Plan, "warm") => Sv::Bool(p.warm),
        (Root::Plan, "copy_offload") => Sv::Bool(p.copy_offload),
        (Root::Plan, "target_node_selector") => len(p.target_node_selector.len()),
        (Root::Plan, "target_labels") => len(p.target_labels.len()),
        (Root::Plan, "pvc_name_template") => p
            .pvc_name_template
            .as_ref()
            .map_or(Sv::Null, |t| len(t.len())),
        (Root::Plan, "target_affinity") => {
            p.target_affinity.as_ref().map_or(Sv::Null, |_| Sv::Len(1))
        }
        _ => Sv::Unknown,
    }
}
