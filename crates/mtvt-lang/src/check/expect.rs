//! `expect { … }` blocks: the outcome line (once: `migration …` or `plan …`) and the
//! `check …` lines.

use std::borrow::Cow;

use super::blocks::validate_block;
use super::layer::ExpectLayer;
use super::values::{TypedValue, ValueCtx, convert_value, enum_value};
use crate::diag::{DiagnosticKind, suggest};
use crate::ir::Outcome;
use crate::schema::enums::{ConditionCategory, EnumId, PipelineStep};
use crate::schema::keys::{BlockKind, MIGRATION_USAGE, PLAN_OUTCOME_USAGE, ValueShape};
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
        within: None,
        span: block.span,
    };
    if let Some(v) = typed.get("within")
        && let TypedValue::Duration(d) = v.node
    {
        out.within = Some(Spanned::new(d, v.span));
    }
    for (def, e) in &typed.specials {
        match def.name {
            "migration" | "plan" => {
                out.has_migration_line = true;
                let lowered = if def.name == "plan" {
                    lower_plan_outcome(e, ctx)
                } else {
                    lower_outcome(e, ctx)
                };
                let Some(o) = lowered else {
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

/// One word of an outcome line: an identifier's text, a string's text, or empty.
#[derive(Debug)]
enum Word<'a> {
    Ident(Cow<'a, str>),
    Text(&'a Value),
    Other,
}

fn words(e: &Entry) -> Vec<(Word<'_>, Span)> {
    e.flat_args()
        .map(|a| match a {
            Arg::Value(Value {
                kind: ValueKind::Path(p),
                span,
            }) => (Word::Ident(p.text()), *span),
            Arg::Value(
                v @ Value {
                    kind: ValueKind::Str(_) | ValueKind::Raw(_),
                    span,
                },
            ) => (Word::Text(v), *span),
            other => (Word::Other, other.span()),
        })
        .collect()
}

impl Word<'_> {
    fn is(&self, w: &str) -> bool {
        matches!(self, Word::Ident(t) if t == w)
    }
}

fn malformed(ctx: &mut ValueCtx<'_>, span: Span, key: &str, usage: &str) {
    ctx.sink.push(DiagnosticKind::MalformedEntry {
        span,
        key: key.to_string(),
        usage: usage.to_string(),
    });
}

fn lower_outcome(e: &Entry, ctx: &mut ValueCtx<'_>) -> Option<Outcome> {
    let words = words(e);
    let bad = |ctx: &mut ValueCtx<'_>| malformed(ctx, e.args_span(), "migration", MIGRATION_USAGE);
    match words.as_slice() {
        [(w, _)] if w.is("succeeds") => Some(Outcome::Succeeds),
        [(w, _)] if w.is("fails") => Some(Outcome::Fails {
            at: None,
            with: None,
        }),
        [(w, _), (at, _), (step, span), rest @ ..] if w.is("fails") && at.is("at") => {
            let with = match rest {
                [] => None,
                [(kw, _), (Word::Text(v), span)] if kw.is("with") => {
                    match convert_value("migration", ValueShape::Raw, v, ctx)? {
                        TypedValue::Raw(t) if !t.is_empty() => Some(t),
                        _ => {
                            ctx.sink.push(DiagnosticKind::ValueOutOfRange {
                                span: *span,
                                key: String::from("migration"),
                                reason: String::from("the error text must not be empty"),
                            });
                            return None;
                        }
                    }
                }
                _ => {
                    bad(ctx);
                    return None;
                }
            };
            let Word::Ident(step) = step else {
                bad(ctx);
                return None;
            };
            let s = enum_value(EnumId::PipelineStep, step, *span, ctx)?;
            PipelineStep::parse(s).map(|at| Outcome::Fails { at: Some(at), with })
        }
        [(Word::Ident(w), span), ..] if w != "fails" && w != "succeeds" => {
            match suggest::suggest(w, ["succeeds", "fails"]) {
                Some(s) => ctx.sink.push(DiagnosticKind::BadEnumValue {
                    span: *span,
                    value: w.to_string(),
                    what: String::from("migration outcome"),
                    help: Some(format!("did you mean `{s}`?")),
                }),
                None => bad(ctx),
            }
            None
        }
        _ => {
            bad(ctx);
            None
        }
    }
}

/// `plan ready` or `plan not ready CONDITION [category CATEGORY]`.
fn lower_plan_outcome(e: &Entry, ctx: &mut ValueCtx<'_>) -> Option<Outcome> {
    let words = words(e);
    let bad = |ctx: &mut ValueCtx<'_>| malformed(ctx, e.args_span(), "plan", PLAN_OUTCOME_USAGE);
    match words.as_slice() {
        [(w, _)] if w.is("ready") => Some(Outcome::PlanReady),
        [(not, _), (ready, _), (Word::Ident(cond), _), rest @ ..]
            if not.is("not") && ready.is("ready") =>
        {
            let category = match rest {
                [] => None,
                [(kw, _), (Word::Ident(c), span)] if kw.is("category") => {
                    let c = enum_value(EnumId::ConditionCategory, c, *span, ctx)?;
                    ConditionCategory::parse(c)
                }
                _ => {
                    bad(ctx);
                    return None;
                }
            };
            Some(Outcome::PlanNotReady {
                condition: cond.to_string(),
                category,
            })
        }
        [(Word::Ident(w), span), ..] if !w.is_empty() && w != "not" && w != "ready" => {
            match suggest::suggest(w, ["ready", "not"]) {
                Some(s) => ctx.sink.push(DiagnosticKind::BadEnumValue {
                    span: *span,
                    value: w.to_string(),
                    what: String::from("plan outcome"),
                    help: Some(format!("did you mean `{s}`?")),
                }),
                None => bad(ctx),
            }
            None
        }
        _ => {
            bad(ctx);
            None
        }
    }
}
