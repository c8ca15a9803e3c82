//! `expect { … }` blocks: the `migration …` outcome line (once) and the `check …` lines.

use std::borrow::Cow;

use super::blocks::validate_block;
use super::layer::ExpectLayer;
use super::values::{ValueCtx, enum_value};
use crate::diag::{DiagnosticKind, suggest};
use crate::ir::Outcome;
use crate::schema::enums::{EnumId, PipelineStep};
use crate::schema::keys::{BlockKind, MIGRATION_USAGE};
use crate::span::{Span, Spanned};
use crate::syntax::ast::{Arg, Block, Entry, Value, ValueKind};

pub(super) fn lower_expect(module: usize, block: &Block, ctx: &mut ValueCtx<'_>) -> ExpectLayer {
    let typed = validate_block(BlockKind::Expect, block, ctx);
    let mut out = ExpectLayer {
        module,
        outcome: None,
        checks: Vec::new(),
        first_check: None,
        has_migration_line: false,
        span: block.span,
    };
    for (def, e) in &typed.specials {
        match def.name {
            "migration" => {
                out.has_migration_line = true;
                let Some(o) = lower_outcome(e, ctx) else {
                    continue;
                };
                if let Some(first) = &out.outcome {
                    ctx.sink.push(DiagnosticKind::ConflictingOutcome {
                        span: e.span,
                        first: first.span,
                    });
                    continue;
                }
                out.outcome = Some(Spanned::new(o, e.span));
            }
            "check" => {
                out.first_check.get_or_insert(e.span);
                if e.args.is_empty() {
                    ctx.sink.push(DiagnosticKind::MalformedEntry {
                        span: e.span,
                        key: String::from("check"),
                        usage: crate::schema::keys::CHECK_USAGE.to_string(),
                    });
                }
                for g in &e.args {
                    match g.args.as_slice() {
                        [
                            Arg::Value(Value {
                                kind: ValueKind::Path(p),
                                ..
                            }),
                        ] => out.checks.push(p.clone()),
                        _ => ctx.sink.push(DiagnosticKind::MalformedEntry {
                            span: g.span,
                            key: String::from("check"),
                            usage: crate::schema::keys::CHECK_USAGE.to_string(),
                        }),
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn lower_outcome(e: &Entry, ctx: &mut ValueCtx<'_>) -> Option<Outcome> {
    let words: Vec<(Cow<'_, str>, Span)> = e
        .flat_args()
        .map(|a| match a {
            Arg::Value(Value {
                kind: ValueKind::Path(p),
                span,
            }) => (p.text(), *span),
            other => (Cow::Borrowed(""), other.span()),
        })
        .collect();
    let malformed = |ctx: &mut ValueCtx<'_>, span: Span| {
        ctx.sink.push(DiagnosticKind::MalformedEntry {
            span,
            key: String::from("migration"),
            usage: MIGRATION_USAGE.to_string(),
        });
    };
    match words.as_slice() {
        [(w, _)] if w == "succeeds" => Some(Outcome::Succeeds),
        [(w, _)] if w == "fails" => Some(Outcome::Fails { at: None }),
        [(w, _), (at, _), (step, span)] if w == "fails" && at == "at" => {
            let s = enum_value(EnumId::PipelineStep, step, *span, ctx)?;
            PipelineStep::parse(s).map(|at| Outcome::Fails { at: Some(at) })
        }
        [(w, span), ..] if !w.is_empty() && w != "fails" && w != "succeeds" => {
            match suggest::suggest(w, ["succeeds", "fails"]) {
                Some(s) => ctx.sink.push(DiagnosticKind::BadEnumValue {
                    span: *span,
                    value: w.to_string(),
                    what: String::from("migration outcome"),
                    help: Some(format!("did you mean `{s}`?")),
                }),
                None => malformed(ctx, e.args_span()),
            }
            None
        }
        _ => {
            malformed(ctx, e.args_span());
            None
        }
    }
}
