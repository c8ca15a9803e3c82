//! One scenario or fragment body → a checked [`Layer`]: its tags, requirements, plans
//! (with VMs and hooks) and expectation, each value typed and spanned. Layers of a
//! scenario and the fragments it extends are merged afterwards (`merge`).

use std::collections::BTreeMap;

use super::Env;
use super::blocks::validate_block;
use super::hooks::{HookDef, check_hook_block};
use super::values::{TypedValue, ValueCtx, enum_value};
use crate::diag::{DiagnosticKind, Sink, suggest};
use crate::ir::{AddedDiskIr, DatastoreRef, Outcome, Requirement, VersionOp, VmIr};
use crate::resolve::DefKind;
use crate::schema::enums::{
    DiskMode, EnumId, HookStep, PipelineStep, PowerState, ProviderKind, Provisioning, RdmType,
};
use crate::schema::keys::{BlockKind, MIGRATION_USAGE, REQUIRES_USAGE};
use crate::span::{Span, Spanned};
use crate::syntax::ast::{self, Arg, Block, Entry, EntryBody, Value, ValueKind};
use crate::units::Duration;

/// A checked scenario or fragment body.
#[derive(Debug, Clone, Default)]
pub struct Layer {
    /// Description.
    pub description: Option<Spanned<String>>,
    /// Tags.
    pub tags: Vec<Spanned<String>>,
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
}

/// A checked plan body.
#[derive(Debug, Clone, Default)]
pub struct PlanLayer {
    /// Name of a named plan.
    pub name: Option<Spanned<String>>,
    /// Typed values by key (span = entry).
    pub values: BTreeMap<&'static str, Spanned<TypedValue>>,
    /// Span of the value (argument) of each key, for pointing inside it.
    pub value_spans: BTreeMap<&'static str, Span>,
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
                if let Some(r) = lower_requires(entry, &mut ctx) {
                    layer.requires.push(Spanned::new(r, entry.span));
                }
            }
            "vm" => {
                layer.scenario_level.push(("vm", entry.span));
                default.vms.extend(lower_vm(env, entry, &mut ctx));
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
                    layer.expect = Some(lower_expect(module, b, &mut ctx));
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
    let typed = validate_block(BlockKind::Plan, block, ctx);
    let mut plan = match &name {
        Some(_) => PlanLayer::default(),
        None => std::mem::take(default),
    };
    for (k, v) in typed.values {
        if let Some(e) = block.entries.iter().find(|e| e.key.node == k) {
            plan.value_spans.insert(k, value_span(e));
        }
        plan.values.insert(k, v);
    }
    for (def, e) in &typed.specials {
        match def.name {
            "vm" => plan.vms.extend(lower_vm(env, e, ctx)),
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
                    name: n.node.clone(),
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

fn lower_requires(entry: &Entry, ctx: &mut ValueCtx<'_>) -> Option<Requirement> {
    let malformed = |ctx: &mut ValueCtx<'_>, span: Span| {
        ctx.sink.push(DiagnosticKind::MalformedEntry {
            span,
            key: String::from("requires"),
            usage: REQUIRES_USAGE.to_string(),
        });
    };
    let Some(first_group) = entry.args.first() else {
        malformed(ctx, entry.key.span);
        return None;
    };
    let word = match first_group.args.first() {
        Some(Arg::Value(Value {
            kind: ValueKind::Path(p),
            ..
        })) if p.segments.len() == 1 => p.dotted(),
        _ => {
            malformed(ctx, first_group.span);
            return None;
        }
    };
    let rest: Vec<&Arg> = first_group.args.iter().skip(1).collect();
    match word.as_str() {
        "provider" => {
            let mut types = Vec::new();
            let mut idents: Vec<&Arg> = rest;
            for g in entry.args.iter().skip(1) {
                idents.extend(g.args.iter());
            }
            if idents.is_empty() {
                malformed(ctx, entry.span);
                return None;
            }
            for a in idents {
                match a {
                    Arg::Value(Value {
                        kind: ValueKind::Path(p),
                        span,
                    }) if p.segments.len() == 1 => {
                        if let Some(t) = enum_value(EnumId::ProviderType, &p.dotted(), *span, ctx) {
                            types.extend(ProviderKind::parse(t));
                        }
                    }
                    other => malformed(ctx, other.span()),
                }
            }
            (!types.is_empty()).then_some(Requirement::Provider { types })
        }
        "mtv" => {
            let (op, version) = match rest.as_slice() {
                [Arg::Op(op), Arg::Value(v)] if entry.args.len() == 1 => (op, v),
                _ => {
                    malformed(ctx, entry.args_span());
                    return None;
                }
            };
            let op = match op.node.as_str() {
                ">=" => VersionOp::Ge,
                ">" => VersionOp::Gt,
                "<=" => VersionOp::Le,
                "<" => VersionOp::Lt,
                "==" => VersionOp::Eq,
                "!=" => VersionOp::Ne,
                _ => {
                    malformed(ctx, op.span);
                    return None;
                }
            };
            let version = match &version.kind {
                ValueKind::Version(v) => v.clone(),
                ValueKind::Int(n) if *n >= 0 => vec![n.unsigned_abs()],
                _ => {
                    malformed(ctx, version.span);
                    return None;
                }
            };
            Some(Requirement::Mtv { op, version })
        }
        "remote_cluster" | "copyoffload" if rest.is_empty() && entry.args.len() == 1 => {
            Some(if word == "copyoffload" {
                Requirement::CopyOffload
            } else {
                Requirement::RemoteCluster
            })
        }
        _ => {
            let known = ["provider", "mtv", "remote_cluster", "copyoffload"];
            match suggest::suggest(&word, known) {
                Some(s) if s != word => ctx.sink.push(DiagnosticKind::BadEnumValue {
                    span: first_group.args.first().map_or(first_group.span, Arg::span),
                    value: word,
                    what: String::from("requirement"),
                    help: Some(format!("did you mean `{s}`?")),
                }),
                _ => malformed(ctx, entry.args_span()),
            }
            None
        }
    }
}

/// Lowers a `vm "NAME" { … }` entry.
fn lower_vm(env: &Env<'_>, entry: &Entry, ctx: &mut ValueCtx<'_>) -> Option<VmLayer> {
    let (name, name_span) = match entry.args.as_slice() {
        [g] => match g.args.as_slice() {
            [
                Arg::Value(Value {
                    kind: ValueKind::Str(parts),
                    span,
                }),
            ] => match super::values::interp_string("vm", parts, false, ctx) {
                Some(s) => (s.to_string(), *span),
                None => return None,
            },
            [
                Arg::Value(Value {
                    kind: ValueKind::Raw(s),
                    span,
                }),
            ] => (s.clone(), *span),
            [Arg::Value(v)] => {
                ctx.sink.push(DiagnosticKind::WrongType {
                    span: v.span,
                    key: String::from("vm"),
                    expected: String::from("the source VM name in quotes"),
                    found: v.kind.describe().to_string(),
                    help: Some(format!(
                        "write `vm \"{}\"`",
                        super::super::expand::matrix::render(v)
                    )),
                });
                return None;
            }
            _ => {
                ctx.sink.push(DiagnosticKind::WrongArgCount {
                    span: g.span,
                    key: String::from("vm"),
                    problem: String::from("takes one VM name"),
                    help: Some(String::from("write one `vm \"NAME\"` entry per VM")),
                });
                return None;
            }
        },
        [] => {
            ctx.sink.push(DiagnosticKind::WrongArgCount {
                span: entry.key.span,
                key: String::from("vm"),
                problem: String::from("needs the source VM name"),
                help: Some(String::from("write `vm \"mtv-tests-rhel8\"`")),
            });
            return None;
        }
        _ => {
            ctx.sink.push(DiagnosticKind::WrongArgCount {
                span: entry.args_span(),
                key: String::from("vm"),
                problem: String::from("takes one VM name"),
                help: Some(String::from("write one `vm \"NAME\"` entry per VM")),
            });
            return None;
        }
    };
    let empty = Block {
        entries: Vec::new(),
        span: entry.span,
    };
    let block = match &entry.body {
        Some(EntryBody::Block(b)) => b,
        Some(EntryBody::Object(o)) => {
            ctx.sink.push(DiagnosticKind::MissingBlock {
                span: o.span,
                key: String::from("vm"),
                help: Some(String::from(
                    "block entries are written `key value` (no colon)",
                )),
            });
            &empty
        }
        None => &empty,
    };
    let typed = validate_block(BlockKind::Vm, block, ctx);
    let get = |k: &str| typed.get(k).map(|v| &v.node);
    let mut profile_refs = Vec::new();
    let target_datastore = match get("target_datastore") {
        Some(TypedValue::Datastore(d)) => {
            if let (DatastoreRef::Symbol(s), Some(v)) = (d, typed.get("target_datastore")) {
                profile_refs.push(ProfileRef::Datastore(*s, v.span));
            }
            Some(d.clone())
        }
        _ => None,
    };
    let mut added_disks = Vec::new();
    for e in typed.special("add_disk") {
        if let Some(EntryBody::Block(b)) = &e.body
            && let Some(d) = lower_add_disk(env, e, b, ctx, &mut profile_refs)
        {
            added_disks.push(d);
        }
    }
    let count = match get("count") {
        Some(TypedValue::Int(n)) => u32::try_from(*n).unwrap_or(u32::MAX),
        _ => 1,
    };
    let clone = !matches!(get("clone"), Some(TypedValue::Bool(false)));
    if count > 1 && !clone {
        let span = typed.get("count").map_or(entry.span, |v| v.span);
        ctx.sink.push(DiagnosticKind::CountWithoutClone {
            span,
            count: i64::from(count),
        });
    }
    let key_spans = typed
        .key_spans
        .iter()
        .map(|(k, s)| ((*k).to_string(), *s))
        .collect::<BTreeMap<String, Span>>();
    let ir = VmIr {
        source_name: name,
        name_for: match get("name_for") {
            Some(TypedValue::ProviderNames(m)) => m.clone(),
            _ => BTreeMap::new(),
        },
        replica: 0,
        clone,
        clone_name: match get("clone_name") {
            Some(TypedValue::Str(s)) => Some(s.clone()),
            _ => None,
        },
        preserve_name_format: matches!(get("preserve_name_format"), Some(TypedValue::Bool(true))),
        source_power: match get("source_power") {
            Some(TypedValue::Enum(p)) => PowerState::parse(p),
            _ => None,
        },
        guest_agent: matches!(get("guest_agent"), Some(TypedValue::Bool(true))),
        guest_agent_timeout: Duration(0),
        disk_type: match get("disk_type") {
            Some(TypedValue::Enum(p)) => Provisioning::parse(p),
            _ => None,
        },
        target_datastore,
        snapshots: match get("snapshots") {
            Some(TypedValue::Int(n)) => u32::try_from(*n).unwrap_or(u32::MAX),
            _ => 0,
        },
        added_disks,
        span: env.spans.ir(entry.span),
        key_spans: key_spans
            .into_iter()
            .map(|(k, s)| (k, env.spans.ir(s)))
            .collect(),
    };
    let agent_timeout = match get("guest_agent_timeout") {
        Some(TypedValue::Duration(d)) => Some(*d),
        _ => None,
    };
    Some(VmLayer {
        ir,
        count,
        agent_timeout,
        name_span,
        profile_refs,
    })
}

fn lower_add_disk(
    env: &Env<'_>,
    entry: &Entry,
    block: &Block,
    ctx: &mut ValueCtx<'_>,
    refs: &mut Vec<ProfileRef>,
) -> Option<AddedDiskIr> {
    let typed = validate_block(BlockKind::AddDisk, block, ctx);
    let get = |k: &str| typed.get(k).map(|v| &v.node);
    let rdm = match get("rdm") {
        Some(TypedValue::Enum(r)) => RdmType::parse(r),
        _ => None,
    };
    let size = match get("size") {
        Some(TypedValue::Quantity(q)) => Some(*q),
        _ => None,
    };
    if let Some(rdm_span) = typed.key_spans.get("rdm") {
        refs.push(ProfileRef::Rdm(*rdm_span));
        for other in ["size", "provisioning"] {
            if let Some(s) = typed.key_spans.get(other) {
                ctx.sink.push(DiagnosticKind::ConflictingKeys {
                    span: *s,
                    key: other.to_string(),
                    other: String::from("rdm"),
                    other_span: *rdm_span,
                    help: Some(String::from(
                        "an RDM disk maps the whole LUN: remove `size` and `provisioning`",
                    )),
                });
            }
        }
    } else if !typed.key_spans.contains_key("size") && !typed.values.contains_key("size") {
        ctx.sink.push(DiagnosticKind::MissingKey {
            span: entry.key.span,
            key: String::from("size"),
            context: String::from("`add_disk`"),
            help: Some(String::from(
                "give the disk a size, e.g. `size 30Gi` (or make it `rdm virtual`)",
            )),
        });
    }
    let datastore = match get("datastore") {
        Some(TypedValue::Datastore(d)) => {
            if let (DatastoreRef::Symbol(s), Some(v)) = (d, typed.get("datastore")) {
                refs.push(ProfileRef::Datastore(*s, v.span));
            }
            Some(d.clone())
        }
        _ => None,
    };
    Some(AddedDiskIr {
        size,
        mode: match get("mode") {
            Some(TypedValue::Enum(m)) => DiskMode::parse(m).unwrap_or(DiskMode::Persistent),
            _ => DiskMode::Persistent,
        },
        provisioning: match get("provisioning") {
            Some(TypedValue::Enum(p)) => Provisioning::parse(p).unwrap_or(Provisioning::Thin),
            _ => Provisioning::Thin,
        },
        datastore,
        path: match get("path") {
            Some(TypedValue::Raw(p)) => Some(p.clone()),
            _ => None,
        },
        rdm,
        span: env.spans.ir(entry.span),
    })
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
    let step_name = step_path.dotted();
    let step = match step_name.as_str() {
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

fn lower_expect(module: usize, block: &Block, ctx: &mut ValueCtx<'_>) -> ExpectLayer {
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
    let words: Vec<(String, Span)> = e
        .flat_args()
        .map(|a| match a {
            Arg::Value(Value {
                kind: ValueKind::Path(p),
                span,
            }) => (p.dotted(), *span),
            other => (String::new(), other.span()),
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
                    value: w.clone(),
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
