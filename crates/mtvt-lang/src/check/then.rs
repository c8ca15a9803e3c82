//! `then { … }` blocks: the lifecycle steps after the outcome (`archive`, `delete plan|vms`,
//! `migrate [resume_conversion]` with an optional `cancel at STEP` right after it,
//! `wait plan CONDITION`, `expect { … }`), lowered in order.
//! Check names of nested `expect` blocks are resolved later with the scenario's (`merge`).

use super::blocks::validate_block;
use super::expect::lower_expect;
use super::layer::ExpectLayer;
use super::values::ValueCtx;
use crate::diag::DiagnosticKind;
use crate::schema::enums::PipelineStep;
use crate::schema::keys::{
    ARCHIVE_USAGE, BlockKind, CANCEL_USAGE, DELETE_USAGE, MIGRATE_USAGE, WAIT_USAGE,
};
use crate::span::Spanned;
use crate::syntax::ast::{Arg, Block, Entry, EntryBody, Value, ValueKind};

/// A checked `then` block.
#[derive(Debug, Clone)]
pub struct ThenLayer {
    /// The steps in order.
    pub steps: Vec<Spanned<ThenLayerStep>>,
}

/// One lowered step (an `expect` keeps its layer until its checks are resolved).
#[derive(Debug, Clone)]
pub enum ThenLayerStep {
    /// `archive`.
    Archive,
    /// `delete plan`.
    DeletePlan,
    /// `delete vms`.
    DeleteVms,
    /// `migrate [resume_conversion]`.
    Migrate {
        /// `resume_conversion` given.
        resume_conversion: bool,
        /// `cancel at STEP` right after: the step at which the Migration is canceled.
        cancel_at: Option<PipelineStep>,
    },
    /// `wait plan CONDITION`.
    WaitPlan(String),
    /// `expect { … }`.
    Expect(ExpectLayer),
}

/// Lowers a `then` block.
pub(super) fn lower_then(module: usize, block: &Block, ctx: &mut ValueCtx<'_>) -> ThenLayer {
    let typed = validate_block(BlockKind::Then, block, ctx);
    let mut steps: Vec<Spanned<ThenLayerStep>> = Vec::new();
    for (def, e) in &typed.specials {
        let step = match def.name {
            "expect" => match &e.body {
                Some(EntryBody::Block(b)) => {
                    Some(ThenLayerStep::Expect(lower_expect(module, b, ctx)))
                }
                _ => None,
            },
            "cancel" => {
                cancel_after_migrate(e, steps.last_mut().map(|s| &mut s.node), ctx);
                None
            }
            other => lower_step(other, e, ctx),
        };
        if let Some(s) = step {
            steps.push(Spanned::new(s, e.span));
        }
    }
    ThenLayer { steps }
}

fn lower_step(key: &str, e: &Entry, ctx: &mut ValueCtx<'_>) -> Option<ThenLayerStep> {
    let words: Vec<Option<String>> = e
        .flat_args()
        .map(|a| match a {
            Arg::Value(Value {
                kind: ValueKind::Path(p),
                ..
            }) => Some(p.text().into_owned()),
            _ => None,
        })
        .collect();
    let words: Vec<Option<&str>> = words.iter().map(Option::as_deref).collect();
    let step = match (key, words.as_slice()) {
        ("archive", []) => Some(ThenLayerStep::Archive),
        ("delete", [Some("plan")]) => Some(ThenLayerStep::DeletePlan),
        ("delete", [Some("vms")]) => Some(ThenLayerStep::DeleteVms),
        ("migrate", []) => Some(ThenLayerStep::Migrate {
            resume_conversion: false,
            cancel_at: None,
        }),
        ("migrate", [Some("resume_conversion")]) => Some(ThenLayerStep::Migrate {
            resume_conversion: true,
            cancel_at: None,
        }),
        ("wait", [Some("plan"), Some(cond)]) => Some(ThenLayerStep::WaitPlan(cond.to_string())),
        _ => None,
    };
    if step.is_none() {
        malformed(key, e, ctx);
    }
    step
}

/// `cancel at STEP`: folded into the `migrate` right before it (`previous`); anything else
/// there, a second `cancel`, or a STEP that is no pipeline step is malformed.
fn cancel_after_migrate(e: &Entry, previous: Option<&mut ThenLayerStep>, ctx: &mut ValueCtx<'_>) {
    let words: Vec<String> = e
        .flat_args()
        .filter_map(|a| match a {
            Arg::Value(Value {
                kind: ValueKind::Path(p),
                ..
            }) => Some(p.text().into_owned()),
            _ => None,
        })
        .collect();
    let step = match words.as_slice() {
        [at, step] if at == "at" && e.flat_args().count() == 2 => PipelineStep::parse(step),
        _ => None,
    };
    match (step, previous) {
        (
            Some(step),
            Some(ThenLayerStep::Migrate {
                cancel_at: cancel_at @ None,
                ..
            }),
        ) => *cancel_at = Some(step),
        _ => malformed("cancel", e, ctx),
    }
}

fn malformed(key: &str, e: &Entry, ctx: &mut ValueCtx<'_>) {
    let usage = match key {
        "archive" => ARCHIVE_USAGE,
        "delete" => DELETE_USAGE,
        "migrate" => MIGRATE_USAGE,
        "cancel" => CANCEL_USAGE,
        _ => WAIT_USAGE,
    };
    let span = if e.args.is_empty() {
        e.key.span
    } else {
        e.args_span()
    };
    ctx.sink.push(DiagnosticKind::MalformedEntry {
        span,
        key: key.to_string(),
        usage: usage.to_string(),
    });
}
