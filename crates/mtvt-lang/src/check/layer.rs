//! One scenario or fragment body → a checked [`Layer`]: its tags, requirements, plans
//! (with VMs and hooks) and expectation, each value typed and spanned. Layers of a
//! scenario and the fragments it extends are merged afterwards (`merge`).

use super::keyed::Keyed;

use mtvt_vocab::Duration;

use super::Env;
use super::blocks::validate_block;
use super::hooks::{HookDef, check_hook_block};
use super::values::{TypedValue, ValueCtx, enum_value};
use crate::diag::{DiagnosticKind, Sink};
use crate::ir::{Outcome, Requirement, VmIr};
use crate::resolve::DefKind;
use crate::schema::enums::{EnumId, HookStep};
use crate::schema::keys::BlockKind;
use crate::span::{Span, Spanned};
use crate::syntax::ast::{self, Arg, Block, Entry, EntryBody, Name, Value, ValueKind};

/// A checked scenario or fragment body.
#[derive(Debug, Clone, Default)]
pub struct Layer {
    /// Description.
    pub description: Option<Spanned<String>>,
    /// Tags.
    pub tags: Vec<Spanned<Name>>,
    /// Requirements.
    pub requires: Vec<Spanned<Requirement>>,
    /// The default plan (unnamed `plan` block and/or scenario-level `vm`/`hook`).
    pub default_plan: Option<PlanLayer>,
    /// Span of the unnamed `plan` block, if written.
    pub unnamed_plan: Option<Span>,
    /// Named plans.
    pub named_plans: Vec<PlanLayer>,
    /// Scenario-level `vm`/`hook` entries (key, span), for "which plan?" errors.
    pub scenario_level: Vec<(&'static str, Span)>,
    /// The expectation.
    pub expect: Option<ExpectLayer>,
    /// Lifecycle steps after the outcome.
    pub then: Option<super::then::ThenLayer>,
}

/// A checked plan body.
#[derive(Debug, Clone, Default)]
pub struct PlanLayer {
    /// Name of a named plan.
    pub name: Option<Spanned<Name>>,
    /// Typed values by key (span = entry).
    pub values: Keyed<Spanned<TypedValue>>,
    /// Span of the value (argument) of each key, for pointing inside it.
    pub value_spans: Keyed<Span>,
    /// VMs.
    pub vms: Vec<VmLayer>,
    /// Hooks by step.
    pub hooks: Vec<HookLayer>,
    /// The plan block, or the scenario's name for an implicit default plan.
    pub span: Option<Span>,
}

/// A checked `vm` entry (before `count` expansion and timeout defaults).
#[derive(Debug, Clone)]
pub struct VmLayer {
    /// The VM, replica 0, timeout not yet resolved.
    pub ir: VmIr,
    /// `count`.
    pub count: u32,
    /// `guest_agent_timeout` if given.
    pub agent_timeout: Option<Duration>,
    /// Span of the source name.
    pub name_span: Span,
    /// Spans of symbolic datastores / RDM disks (for profile rules).
    pub profile_refs: Vec<ProfileRef>,
}

/// A use of provider-profile data by a VM.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileRef {
    /// A symbolic datastore.
    Datastore(crate::schema::enums::DatastoreSymbol, Span),
    /// An RDM disk.
    Rdm(Span),
}

/// A checked `hook` entry.
#[derive(Debug, Clone)]
pub struct HookLayer {
    /// Step.
    pub step: HookStep,
    /// The validated hook (none after an error).
    pub def: Option<HookDef>,
    /// The definition's name when referenced (`hooks.fail`).
    pub definition: Option<String>,
    /// The `hook` entry.
    pub span: Span,
}

/// A checked `expect` block.
#[derive(Debug, Clone)]
pub struct ExpectLayer {
    /// Module the block was written in (check names resolve from there).
    pub module: usize,
    /// Outcome and the span of its line.
    pub outcome: Option<Spanned<Outcome>>,
    /// Requested check names.
    pub checks: Vec<ast::Path>,
    /// Span of the first `check` line.
    pub first_check: Option<Span>,
    /// A `migration` line was written (even if it could not be read).
    pub has_migration_line: bool,
    /// `within DURATION` (only inside `then`): how long the expectation may take to hold.
    pub within: Option<Spanned<mtvt_vocab::Duration>>,
    /// The block.
    pub span: Span,
}

/// Lowers one scenario/fragment body written in `module`.
pub fn lower_layer(env: &Env<'_>, sink: &mut Sink, module: usize, body: &Block) -> Layer {
    let mut ctx = ValueCtx { sink };
    let typed = validate_block(BlockKind::Scenario, body, &mut ctx);
    let mut layer = Layer::default();
    if let Some(v) = typed.get("description")
        && let TypedValue::Str(s) = &v.node
    {
        layer.description = Some(Spanned::new(s.to_string(), v.span));
    }
    if let Some(v) = typed.get("tags")
        && let TypedValue::Names(names) = &v.node
    {
        layer.tags = names.clone();
    }
    let mut default = PlanLayer::default();
    let mut has_default = false;
    for (def, entry) in &typed.specials {
        match def.name {
            "requires" => {
                if let Some(r) = super::requires::lower_requires(entry, &mut ctx) {
                    layer.requires.push(Spanned::new(r, entry.span));
                }
            }
            "vm" => {
                layer.scenario_level.push(("vm", entry.span));
                default
                    .vms
                    .extend(super::vm::lower_vm(env, entry, &mut ctx));
                has_default = true;
            }
            "hook" => {
                layer.scenario_level.push(("hook", entry.span));
                if let Some(h) = lower_hook_entry(env, module, entry, &mut ctx) {
                    push_hook(&mut default.hooks, h, ctx.sink);
                }
                has_default = true;
            }
            "plan" => lower_plan_entry(
                env,
                module,
                entry,
                &mut layer,
                &mut default,
                &mut has_default,
                &mut ctx,
            ),
            "expect" => {
                if let Some(EntryBody::Block(b)) = &entry.body {
                    layer.expect = Some(super::expect::lower_expect(module, b, &mut ctx));
                }
            }
            "then" => {
                if let Some(EntryBody::Block(b)) = &entry.body {
                    layer.then = Some(super::then::lower_then(module, b, &mut ctx));
                }
            }
            _ => {} // matrix: read by the expansion pass
        }
    }
    if has_default {
        layer.default_plan = Some(default);
    }
    layer
}

fn lower_plan_entry(
    env: &Env<'_>,
    module: usize,
    entry: &Entry,
    layer: &mut Layer,
    default: &mut PlanLayer,
    has_default: &mut bool,
    ctx: &mut ValueCtx<'_>,
) {
    let name = match entry.args.as_slice() {
        [] => None,
        [g] => match g.args.as_slice() {
            [
                Arg::Value(Value {
                    kind: ValueKind::Path(p),
                    ..
                }),
            ] if p.segments.len() == 1 => p.segments.first().cloned(),
            _ => {
                ctx.sink.push(DiagnosticKind::MalformedEntry {
                    span: g.span,
                    key: String::from("plan"),
                    usage: String::from("plan { … }  or  plan NAME { … }"),
                });
                return;
            }
        },
        _ => {
            ctx.sink.push(DiagnosticKind::MalformedEntry {
                span: entry.args_span(),
                key: String::from("plan"),
                usage: String::from("plan { … }  or  plan NAME { … }"),
            });
            return;
        }
    };
    let block = match &entry.body {
        Some(EntryBody::Block(b)) => b,
        Some(EntryBody::Object(o)) => {
            ctx.sink.push(DiagnosticKind::MissingBlock {
                span: o.span,
                key: String::from("plan"),
                help: Some(String::from(
                    "block entries are written `key value` (no colon, one per line or separated by `;`)",
                )),
            });
            return;
        }
        None => {
            ctx.sink.push(DiagnosticKind::MissingBlock {
                span: entry.key.span,
                key: String::from("plan"),
                help: Some(String::from("write `plan { … }` on the same line")),
            });
            return;
        }
    };
    let mut typed = validate_block(BlockKind::Plan, block, ctx);
    let mut plan = match &name {
        Some(_) => PlanLayer::default(),
        None => std::mem::take(default),
    };
    // Each value's span is its first entry's (a repeated key was reported and ignored):
    // walking the entries backwards, the first one is written last.
    for e in block.entries.iter().rev() {
        if let Some((k, _)) = typed.values.get_key_value(e.key.node.as_str()) {
            plan.value_spans.insert(k, value_span(e));
        }
    }
    plan.values.extend(std::mem::take(&mut typed.values));
    for (def, e) in &typed.specials {
        match def.name {
            "vm" => plan.vms.extend(super::vm::lower_vm(env, e, ctx)),
            "storage_map" | "network_map" => lower_map_block(def, e, &mut plan, ctx),
            "hook" => {
                if let Some(h) = lower_hook_entry(env, module, e, ctx) {
                    push_hook(&mut plan.hooks, h, ctx.sink);
                }
            }
            _ => {}
        }
    }
    plan.span = Some(entry.span);
    match name {
        Some(n) => {
            if let Some(first) = layer
                .named_plans
                .iter()
                .find(|p| p.name.as_ref().is_some_and(|x| x.node == n.node))
            {
                let first = first.name.as_ref().map_or(n.span, |x| x.span);
                ctx.sink.push(DiagnosticKind::DuplicatePlanName {
                    span: n.span,
                    name: n.node.as_str().to_owned(),
                    first,
                });
                return;
            }
            plan.name = Some(n);
            layer.named_plans.push(plan);
        }
        None => {
            if let Some(first) = layer.unnamed_plan {
                ctx.sink.push(DiagnosticKind::DuplicateDefaultPlan {
                    span: entry.key.span,
                    first,
                });
            } else {
                layer.unnamed_plan = Some(entry.key.span);
            }
            *default = plan;
            *has_default = true;
        }
    }
}

/// `storage_map { … }` / `network_map { … }`: its `forklift` object becomes the plan's
/// value of the same key (so fragments override it like any plan key).
fn lower_map_block(
    def: &'static crate::schema::keys::KeyDef,
    entry: &Entry,
    plan: &mut PlanLayer,
    ctx: &mut ValueCtx<'_>,
) {
    let (Some(EntryBody::Block(b)), crate::schema::keys::Shape::Block(kind)) =
        (&entry.body, def.shape)
    else {
        return;
    };
    let mut typed = validate_block(kind, b, ctx);
    if let Some(v) = typed.values.remove("forklift") {
        plan.value_spans.insert(def.name, v.span);
        plan.values
            .insert(def.name, Spanned::new(v.node, entry.span));
    }
}

/// The span of an entry's value: its arguments, or its object body.
fn value_span(e: &Entry) -> Span {
    match (&e.body, e.args.is_empty()) {
        (Some(b), true) => b.span(),
        _ => e.args_span(),
    }
}

fn push_hook(hooks: &mut Vec<HookLayer>, h: HookLayer, sink: &mut Sink) {
    if let Some(first) = hooks.iter().find(|x| x.step == h.step) {
        sink.push(DiagnosticKind::DuplicateHookStep {
            span: h.span,
            step: h.step.forklift_name().to_string(),
            first: first.span,
        });
        return;
    }
    hooks.push(h);
}

/// Lowers `hook pre = NAME` / `hook pre { … }`.
pub fn lower_hook_entry(
    env: &Env<'_>,
    module: usize,
    entry: &Entry,
    ctx: &mut ValueCtx<'_>,
) -> Option<HookLayer> {
    let usage = |ctx: &mut ValueCtx<'_>, span: Span| {
        ctx.sink.push(DiagnosticKind::MalformedEntry {
            span,
            key: String::from("hook"),
            usage: crate::schema::keys::HOOK_USAGE.to_string(),
        });
    };
    let args: Vec<&Arg> = entry.flat_args().collect();
    let Some(Arg::Value(Value {
        kind: ValueKind::Path(step_path),
        span: step_span,
    })) = args.first()
    else {
        usage(ctx, entry.span);
        return None;
    };
    if step_path.segments.len() != 1 {
        usage(ctx, *step_span);
        return None;
    }
    let step_name = step_path.text();
    let step = match &*step_name {
        "PreHook" => Some(HookStep::Pre),
        "PostHook" => Some(HookStep::Post),
        other => enum_value(EnumId::HookStep, other, *step_span, ctx).and_then(HookStep::parse),
    }?;
    match (args.as_slice(), &entry.body) {
        ([_], Some(EntryBody::Block(b))) => {
            let dir = env.module_dir(module);
            let def = check_hook_block(
                b,
                entry.key.span.to(*step_span),
                &env.predefined,
                dir.as_deref(),
                ctx,
            );
            Some(HookLayer {
                step,
                def,
                definition: None,
                span: entry.span,
            })
        }
        (
            [
                _,
                Arg::Op(op),
                Arg::Value(Value {
                    kind: ValueKind::Path(p),
                    ..
                }),
            ],
            None,
        ) if op.node == "=" => match env.names.lookup(env.program, module, p, DefKind::Hook) {
            Ok(d) => {
                let def = env.hook_defs.get(&d).cloned().flatten();
                Some(HookLayer {
                    step,
                    def,
                    definition: Some(p.dotted()),
                    span: entry.span,
                })
            }
            Err(e) => {
                ctx.sink.push(e);
                // Kept without a definition so outcome rules know a hook was meant.
                Some(HookLayer {
                    step,
                    def: None,
                    definition: Some(p.dotted()),
                    span: entry.span,
                })
            }
        },
        ([_], None) => {
            ctx.sink.push(DiagnosticKind::MissingBlock {
                span: entry.span,
                key: String::from("hook"),
                help: Some(format!("write `hook {step_name} = hooks.succeed` or `hook {step_name} {{ result fail }}`")),
            });
            None
        }
        _ => {
            usage(ctx, entry.span);
            None
        }
    }
}
