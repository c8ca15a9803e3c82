//! Merging the layers of a scenario (the fragments it extends, then its own body; later
//! layers override keys, VMs and tags accumulate, hooks override per step, the last
//! `expect` wins) and building the scenario's IR with defaults applied.

use std::collections::BTreeMap;
use std::sync::Arc;

use mtvt_vocab::Duration;

use super::Env;
use super::layer::{ExpectLayer, HookLayer, Layer, PlanLayer};
use super::then::{ThenLayer, ThenLayerStep};
use super::values::TypedValue;
use crate::diag::{DiagnosticKind, Sink};
use crate::ir::{
    CheckRefIr, ExpectIr, HookIr, InterpString, OutcomeIr, PlanIr, ScenarioIr, ThenExpectIr,
    ThenStep, ThenStepIr, VmIr,
};
use crate::resolve::DefKind;
use crate::schema::enums::{Destination, TargetPowerState};
use crate::span::{Span, Spanned};
use crate::syntax::ast::Name;

/// Merges layers in order (base fragments first, the scenario last).
pub fn merge(layers: Vec<Layer>) -> Layer {
    let mut out = Layer::default();
    for l in layers {
        if l.description.is_some() {
            out.description = l.description;
        }
        for t in l.tags {
            if !out.tags.iter().any(|x| x.node == t.node) {
                out.tags.push(t);
            }
        }
        out.requires.extend(l.requires);
        out.default_plan = match (out.default_plan.take(), l.default_plan) {
            (Some(mut a), Some(b)) => {
                merge_plan(&mut a, b);
                Some(a)
            }
            (a, b) => b.or(a),
        };
        if l.unnamed_plan.is_some() {
            out.unnamed_plan = l.unnamed_plan;
        }
        for p in l.named_plans {
            let name = p.name.as_ref().map(|n| n.node.clone());
            match out
                .named_plans
                .iter_mut()
                .find(|x| x.name.as_ref().map(|n| &n.node) == name.as_ref())
            {
                Some(existing) => merge_plan(existing, p),
                None => out.named_plans.push(p),
            }
        }
        out.scenario_level.extend(l.scenario_level);
        if l.expect.is_some() {
            out.expect = l.expect;
        }
        if l.then.is_some() {
            out.then = l.then;
        }
    }
    out
}

/// The checks an `expect` block requests, composites flattened, each once, in order.
fn resolve_checks(env: &Env<'_>, sink: &mut Sink, expect: &ExpectLayer) -> Vec<CheckRefIr> {
    let mut checks: Vec<CheckRefIr> = Vec::new();
    for path in &expect.checks {
        match env
            .names
            .lookup(env.program, expect.module, path, DefKind::Check)
        {
            Ok(d) => {
                let leaves = env.checks.get(&d).map(Vec::as_slice).unwrap_or(&[]);
                let (requested_at, requested_as) =
                    (env.spans.ir(path.span), Arc::<str>::from(&*path.text()));
                checks.reserve(leaves.len());
                for c in leaves {
                    if !checks.iter().any(|x| x.check.qualified == c.qualified) {
                        checks.push(CheckRefIr {
                            check: Arc::clone(c),
                            requested_at: requested_at.clone(),
                            requested_as: Arc::clone(&requested_as),
                        });
                    }
                }
            }
            Err(e) => sink.push(e),
        }
    }
    checks
}

/// The lifecycle steps of a `then` block, with the checks of its `expect` blocks resolved.
fn build_then(env: &Env<'_>, sink: &mut Sink, then: &ThenLayer) -> Vec<ThenStepIr> {
    then.steps
        .iter()
        .map(|s| ThenStepIr {
            step: match &s.node {
                ThenLayerStep::Archive => ThenStep::Archive,
                ThenLayerStep::DeletePlan => ThenStep::DeletePlan,
                ThenLayerStep::DeleteVms => ThenStep::DeleteVms,
                ThenLayerStep::Migrate {
                    resume_conversion,
                    cancel_at,
                } => ThenStep::Migrate {
                    resume_conversion: *resume_conversion,
                    cancel_at: *cancel_at,
                },
                ThenLayerStep::WaitPlan(c) => ThenStep::WaitPlan {
                    condition: c.clone(),
                },
                ThenLayerStep::Expect(e) => ThenStep::Expect(ThenExpectIr {
                    outcome: e.outcome.as_ref().map(|o| OutcomeIr {
                        outcome: o.node.clone(),
                        span: env.spans.ir(o.span),
                    }),
                    checks: resolve_checks(env, sink, e),
                    within: e.within.as_ref().map(|w| w.node),
                    span: env.spans.ir(e.span),
                }),
            },
            span: env.spans.ir(s.span),
        })
        .collect()
}

fn merge_plan(base: &mut PlanLayer, mut over: PlanLayer) {
    // Passthrough objects merge field by field (a fragment's `forklift { a: 1 }` and the
    // scenario's `forklift { b: 2 }` give both); any other key the later layer replaces.
    for key in ["forklift", "storage_map", "network_map"] {
        if let (Some(TypedValue::Object(b)), Some(TypedValue::Object(o))) = (
            base.values.get(key).map(|v| &v.node),
            over.values.get_mut(key).map(|v| &mut v.node),
        ) {
            let later = std::mem::take(&mut o.json);
            let mut merged = b.json.clone();
            deep_merge(&mut merged, later);
            o.json = merged;
        }
    }
    base.values.extend(over.values);
    base.value_spans.extend(over.value_spans);
    base.vms.extend(over.vms);
    for h in over.hooks {
        base.hooks.retain(|x| x.step != h.step);
        base.hooks.push(h);
    }
    if over.span.is_some() {
        base.span = over.span;
    }
}

/// Merges `over` into `base`: objects field by field, recursively; anything else (arrays
/// included, as a JSON merge patch does) replaced.
fn deep_merge(base: &mut serde_json::Value, over: serde_json::Value) {
    match (base, over) {
        (serde_json::Value::Object(b), serde_json::Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => deep_merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

/// Context of one scenario variant.
pub struct ScenarioHead<'a> {
    /// Variant name.
    pub name: String,
    /// Declared name.
    pub base_name: &'a Spanned<Name>,
    /// Rendered parameters.
    pub params: BTreeMap<String, String>,
    /// The declaration.
    pub span: Span,
    /// Every `extends` resolved; when not, missing keys may be the fragment's and are
    /// not reported.
    pub complete: bool,
}

/// Builds the IR of a merged scenario. Returns the IR and the merged plan layers (in the
/// same order as `plans`) for the semantic rules.
pub fn build_scenario(
    env: &Env<'_>,
    sink: &mut Sink,
    head: ScenarioHead<'_>,
    mut merged: Layer,
) -> Option<(ScenarioIr, Vec<PlanLayer>)> {
    let anchor = head.base_name.span;
    if !merged.named_plans.is_empty() {
        if let Some(u) = merged.unnamed_plan {
            sink.push(DiagnosticKind::UnnamedPlanWithNamedPlans { span: u });
        }
        for (key, span) in &merged.scenario_level {
            sink.push(DiagnosticKind::MixedPlanStyles {
                span: *span,
                key: (*key).to_string(),
            });
        }
    }
    // The plan layers move out of `merged` (the rest of it is only read below).
    let mut plan_layers: Vec<PlanLayer> = if merged.named_plans.is_empty() {
        vec![merged.default_plan.take().unwrap_or_default()]
    } else {
        std::mem::take(&mut merged.named_plans)
    };
    let plans: Vec<PlanIr> = plan_layers
        .iter_mut()
        .map(|p| build_plan(env, sink, p, anchor))
        .collect();
    for (p, layer) in plans.iter().zip(&plan_layers) {
        if p.vms.is_empty() && head.complete {
            let what = match &p.name {
                Some(n) => format!("plan `{n}`"),
                None => format!("scenario `{}`", head.base_name.node),
            };
            sink.push(DiagnosticKind::NoVms {
                span: layer.span.unwrap_or(anchor),
                what,
            });
        }
        check_duplicate_vms(sink, layer);
    }
    let expect = match &merged.expect {
        None if !head.complete => return None,
        None => {
            sink.push(DiagnosticKind::MissingKey {
                span: anchor,
                key: String::from("expect"),
                context: format!("scenario `{}`", head.base_name.node),
                help: Some(String::from(
                    "add `expect { migration succeeds; check standard }`",
                )),
            });
            return None;
        }
        Some(e) => e,
    };
    let checks = resolve_checks(env, sink, expect);
    if let Some(w) = &expect.within {
        sink.push(DiagnosticKind::MalformedEntry {
            span: w.span,
            key: String::from("within"),
            usage: String::from("within DURATION, in an `expect` inside `then` only"),
        });
    }
    let Some(outcome) = &expect.outcome else {
        if expect.has_migration_line {
            return None;
        }
        sink.push(DiagnosticKind::MissingKey {
            span: expect.span,
            key: String::from("migration"),
            context: String::from("the `expect` block"),
            help: Some(String::from(
                "state the outcome: `migration succeeds`, `migration fails at PostHook` or `plan ready`",
            )),
        });
        return None;
    };
    let ir = ScenarioIr {
        name: head.name,
        base_name: head.base_name.node.as_str().to_owned(),
        params: head.params,
        description: merged.description.map(|d| d.node),
        tags: merged
            .tags
            .iter()
            .map(|t| t.node.as_str().to_owned())
            .collect(),
        requires: merged
            .requires
            .iter()
            .map(|r| crate::ir::RequirementIr {
                requirement: r.node.clone(),
                span: env.spans.ir(r.span),
            })
            .collect(),
        plans,
        expect: ExpectIr {
            outcome: OutcomeIr {
                outcome: outcome.node.clone(),
                span: env.spans.ir(outcome.span),
            },
            checks,
            span: env.spans.ir(expect.span),
        },
        then: merged
            .then
            .as_ref()
            .map(|t| build_then(env, sink, t))
            .unwrap_or_default(),
        span: env.spans.ir(head.span),
        profile: crate::facts::ProfileChoice::Unspecified,
    };
    Some((ir, plan_layers))
}

fn check_duplicate_vms(sink: &mut Sink, plan: &PlanLayer) {
    for (i, vm) in plan.vms.iter().enumerate() {
        let earlier = plan
            .vms
            .iter()
            .take(i)
            .find(|o| o.ir.source_name == vm.ir.source_name && (!o.ir.clone || !vm.ir.clone));
        if let Some(first) = earlier {
            sink.push(DiagnosticKind::DuplicateVm {
                span: vm.name_span,
                name: vm.ir.source_name.clone(),
                first: first.name_span,
            });
        }
    }
}

/// The IR of one plan. Moves the affinity's JSON out of `p` (no copy of the tree).
fn build_plan(env: &Env<'_>, sink: &mut Sink, p: &mut PlanLayer, anchor: Span) -> PlanIr {
    let target_affinity = match p.values.get_mut("target_affinity").map(|s| &mut s.node) {
        Some(TypedValue::Object(o)) => Some(std::mem::take(&mut o.json)),
        _ => None,
    };
    let mut object = |k: &str| match p.values.get_mut(k).map(|s| &mut s.node) {
        Some(TypedValue::Object(o)) => Some(std::mem::take(&mut o.json)),
        _ => None,
    };
    let (forklift, storage_map_forklift, network_map_forklift) = (
        object("forklift"),
        object("storage_map"),
        object("network_map"),
    );
    let p = &*p;
    let v = |k: &str| p.values.get(k).map(|s| &s.node);
    let flag = |k: &str| match v(k) {
        Some(TypedValue::Bool(b)) => Some(*b),
        _ => None,
    };
    let text = |k: &str| match v(k) {
        Some(TypedValue::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let map = |k: &str| -> BTreeMap<String, InterpString> {
        match v(k) {
            Some(TypedValue::StrMap(m)) => m
                .iter()
                .map(|(k, v)| (k.node.as_str().to_owned(), v.node.clone()))
                .collect(),
            _ => BTreeMap::new(),
        }
    };
    let duration = |k: &str| match v(k) {
        Some(TypedValue::Duration(d)) => Some(*d),
        _ => None,
    };
    let session = &env.session;
    let warm = flag("warm").unwrap_or(false);
    let copy_offload = flag("copy_offload").unwrap_or(false);
    if !warm && let Some(s) = p.values.get("cutover_after") {
        sink.push(DiagnosticKind::WarmOnlyKey {
            span: s.span,
            key: String::from("cutover_after"),
        });
    }
    let guest_agent_timeout =
        duration("guest_agent_timeout").unwrap_or(session.guest_agent_timeout);
    let mut vms: Vec<VmIr> = Vec::new();
    for vm in &p.vms {
        for replica in 0..vm.count.max(1) {
            let mut ir = vm.ir.clone();
            ir.replica = replica;
            ir.guest_agent_timeout = vm.agent_timeout.unwrap_or(guest_agent_timeout);
            vms.push(ir);
        }
    }
    PlanIr {
        name: p.name.as_ref().map(|n| n.node.as_str().to_owned()),
        vms,
        hooks: p.hooks.iter().filter_map(|h| hook_ir(env, h)).collect(),
        warm,
        copy_offload,
        target_power_state: match v("target_power_state") {
            Some(TypedValue::Enum(s)) => TargetPowerState::parse(s),
            _ => None,
        },
        preserve_static_ips: flag("preserve_static_ips"),
        target_namespace: text("target_namespace"),
        multus_namespace: text("multus_namespace"),
        pvc_name_template: match v("pvc_name_template") {
            Some(TypedValue::Raw(t)) => Some(t.clone()),
            _ if copy_offload => Some(String::from("pvc")),
            _ => None,
        },
        pvc_name_template_use_generate_name: flag("pvc_name_template_use_generate_name"),
        target_node_selector: map("target_node_selector"),
        target_labels: map("target_labels"),
        target_affinity,
        migrate_shared_disks: flag("migrate_shared_disks"),
        enable_nested_virtualization: flag("enable_nested_virtualization"),
        xfs_compatibility: flag("xfs_compatibility"),
        run_preflight_inspection: flag("run_preflight_inspection"),
        rdm_as_lun: flag("rdm_as_lun"),
        forklift,
        storage_map_forklift,
        network_map_forklift,
        storage_class: text("storage_class"),
        destination: match v("destination") {
            Some(TypedValue::Enum(s)) => Destination::parse(s).unwrap_or(Destination::Local),
            _ => Destination::Local,
        },
        timeout: duration("timeout").unwrap_or(session.plan_wait_timeout),
        guest_agent_timeout,
        cutover_after: warm.then(|| {
            duration("cutover_after").unwrap_or_else(|| {
                Duration::mins(u64::try_from(session.mins_before_cutover).unwrap_or(0))
            })
        }),
        span: env.spans.ir(p.span.unwrap_or(anchor)),
        key_spans: p
            .values
            .iter()
            .map(|(k, s)| (k, env.spans.ir(s.span)))
            .collect(),
    }
}

fn hook_ir(env: &Env<'_>, h: &HookLayer) -> Option<HookIr> {
    let def = h.def.as_ref()?;
    Some(HookIr {
        step: h.step,
        definition: h.definition.clone(),
        source: def.source.clone(),
        playbook_text: Arc::clone(&def.playbook_text),
        expected: def.expected,
        image: def.image.clone(),
        service_account: def.service_account.clone(),
        deadline: def.deadline,
        forklift: def.forklift.clone(),
        span: env.spans.ir(h.span),
    })
}
