//! A scenario's steps, in two halves: [`prepare_steps`] (namespaces, source VM preparation,
//! inventory waits) and, once the inventory has answered, [`migrate_steps`] per plan (NADs,
//! copy-offload Secret, maps, hooks, node labels, Plan, Ready wait, precopy interval,
//! Migration, completion wait).

use std::collections::BTreeSet;

use mtvt_forklift::copy_offload;
use mtvt_forklift::mappings::{network_map_entries, storage_map_entries};
use mtvt_lang::ir::{Outcome, ScenarioIr, VmIr};
use mtvt_lang::schema::enums::HookStep;

use super::super::journal::Scope;
use super::super::manifests::{
    self, Owner, PlanManifest, ProviderPair, hook, nad, network_map, opaque_secret, storage_map,
};
use super::super::resolve::ResolvedPlan;
use super::answers::source_name;
use super::{
    Create, PLAN_READY_TIMEOUT, PlanAnswers, SessionCtx, SourceCtx, Step, Until, VmStep, Wait,
    local_destination_step, ready,
};

/// One scenario, resolved.
#[derive(Debug, Clone)]
pub struct ScenarioCtx<'a> {
    /// The checked scenario.
    pub ir: &'a ScenarioIr,
    /// The session.
    pub session: &'a SessionCtx,
    /// The source provider it migrates from.
    pub source: &'a SourceCtx,
    /// Its namespace.
    pub namespace: String,
    /// Labels of its objects.
    pub owner: Owner,
    /// Its plans.
    pub plans: Vec<ResolvedPlan>,
    /// Warm precopy interval in minutes (`session.snapshots_interval`).
    pub precopy_minutes: i64,
}

impl<'a> ScenarioCtx<'a> {
    /// Resolves scenario `ir` for the session: its namespace, labels and plans.
    pub fn new(
        ir: &'a ScenarioIr,
        session: &'a SessionCtx,
        source: &'a SourceCtx,
        session_ir: &mtvt_lang::ir::SessionIr,
        cli_storage_class: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let namespace = super::super::names::scenario_namespace(&session.names.session, &ir.name);
        let inputs = super::super::resolve::ResolveInputs {
            session: &session.names.session,
            scenario: &ir.name,
            namespace: &namespace,
            session_ir,
            cli_storage_class,
            env,
        };
        let plans = ir
            .plans
            .iter()
            .enumerate()
            .map(|(i, p)| super::super::resolve::resolve_plan(i, p, &inputs))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ScenarioCtx {
            ir,
            session,
            source,
            owner: Owner {
                session: session.names.session.clone(),
                scenario: Some(ir.name.clone()),
            },
            namespace,
            plans,
            precopy_minutes: session_ir.snapshots_interval,
        })
    }
}

fn describe_vm(vm: &VmIr, plan: &ResolvedPlan, provider_type: &str) -> String {
    let base = source_name(vm, provider_type);
    let mut parts = Vec::new();
    if vm.clone && provider_type != "ova" {
        let mut c = format!("clone {provider_type} VM {base}");
        if let Some(t) = vm.disk_type {
            c.push_str(&format!(" ({t} disks)"));
        }
        if let Some(ds) = &vm.target_datastore {
            c.push_str(&format!(" onto datastore {}", datastore_text(ds)));
        }
        if plan.ir.warm {
            c.push_str(" with changed block tracking");
        }
        parts.push(c);
    } else {
        parts.push(format!("use {provider_type} VM {base} as is"));
    }
    for d in &vm.added_disks {
        let mut s = match (&d.rdm, d.size) {
            (Some(r), _) => format!("add an RDM disk ({r})"),
            (None, Some(q)) => format!("add a {q} {} disk", d.provisioning),
            (None, None) => "add a disk".to_string(),
        };
        if let Some(ds) = &d.datastore {
            s.push_str(&format!(" on {}", datastore_text(ds)));
        }
        if let Some(p) = &d.path {
            s.push_str(&format!(" under {p}/"));
        }
        parts.push(s);
    }
    if vm.snapshots > 0 {
        parts.push(format!("create {} snapshot(s)", vm.snapshots));
    }
    match vm.source_power {
        Some(p) => parts.push(format!("power {p}")),
        None => parts.push("leave the power state".to_string()),
    }
    parts.push("read its facts".to_string());
    parts.join("; ")
}

fn datastore_text(ds: &mtvt_lang::ir::DatastoreRef) -> String {
    match ds {
        mtvt_lang::ir::DatastoreRef::Symbol(s) => format!("the profile's {s} datastore"),
        mtvt_lang::ir::DatastoreRef::Id(id) => id.clone(),
    }
}

/// Namespaces, the local destination Provider and source preparation.
pub fn prepare_steps(ctx: &ScenarioCtx<'_>) -> Vec<Step> {
    let mut steps = vec![Step::create(
        Scope::Scenario,
        manifests::namespace(&ctx.namespace, &ctx.owner),
    )];
    let local = ctx.plans.iter().any(|p| !p.remote());
    if local {
        steps.push(local_destination_step(
            ctx.session,
            &ctx.namespace,
            &ctx.owner,
        ));
    }
    let mut ensured = BTreeSet::new();
    for p in &ctx.plans {
        for ns in [&p.target_namespace, &p.multus_namespace] {
            if *ns != ctx.namespace && ns != "default" && ensured.insert(ns.clone()) {
                let session_owner = Owner {
                    session: ctx.owner.session.clone(),
                    scenario: None,
                };
                steps.push(Step::EnsureNamespace(manifests::namespace(
                    ns,
                    &session_owner,
                )));
            }
        }
    }
    let provider_type = ctx.source.provider_type();
    for p in &ctx.plans {
        for (i, vm) in p.ir.vms.iter().enumerate() {
            steps.push(Step::PrepareVm {
                vm: VmStep {
                    plan: p.index,
                    vm: i,
                },
                summary: describe_vm(vm, p, provider_type),
            });
        }
    }
    if local {
        steps.push(ready(&ctx.namespace, &ctx.session.names.local_destination));
    }
    for p in &ctx.plans {
        for i in 0..p.ir.vms.len() {
            steps.push(Step::WaitInventory(VmStep {
                plan: p.index,
                vm: i,
            }));
        }
    }
    steps
}

/// The steps of one plan, and what the run needs to know about the objects they create.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSteps {
    /// In order.
    pub steps: Vec<Step>,
    /// The NetworkMap's `spec.map` entries (the `plan` model's network mapping).
    pub network_entries: Vec<serde_json::Value>,
}

/// The steps of plan `plan` once the inventory has answered.
pub fn migrate_steps(
    ctx: &ScenarioCtx<'_>,
    plan: &ResolvedPlan,
    answers: &PlanAnswers,
) -> PlanSteps {
    let n = &plan.names;
    let ns = ctx.namespace.as_str();
    // Warm: the operator rolls the precopy interval out before the maps are made, as the
    // pytest suite's class fixture does.
    let mut steps = Vec::new();
    if plan.ir.warm {
        steps.push(Step::SetPrecopyInterval {
            minutes: ctx.precopy_minutes,
        });
    }
    let (map_steps, network_entries) = map_steps(ctx, plan, answers);
    steps.extend(map_steps);
    let mut hooks = Vec::new();
    for h in &plan.ir.hooks {
        let name = match h.step {
            HookStep::Pre => &n.pre_hook,
            HookStep::Post => &n.post_hook,
        };
        steps.push(Step::create(Scope::Scenario, hook(name, ns, &ctx.owner, h)));
        hooks.push((h.step.forklift_name(), name.clone()));
    }
    for (key, value) in &plan.node_selector {
        steps.push(Step::LabelNode {
            key: key.clone(),
            value: value.clone(),
        });
    }
    let mut vm_luks = Vec::new();
    for (i, passphrase) in plan.luks.iter().enumerate() {
        vm_luks.push(passphrase.as_ref().map(|p| {
            let name = format!("{}-luks-{i}", n.plan);
            let data = serde_json::json!({ "passphrase": p });
            steps.push(Step::create(
                Scope::Scenario,
                opaque_secret(&name, ns, &ctx.owner, data),
            ));
            name
        }));
    }
    let plan_manifest = plan_manifest(ctx, plan, answers, hooks, vm_luks);
    let plan_ref = plan_manifest.object.clone();
    steps.push(Step::Create(Create {
        scope: Scope::Scenario,
        manifest: plan_manifest,
        target_namespace: Some(plan.target_namespace.clone()),
    }));
    let readiness = match &ctx.ir.expect.outcome.outcome {
        Outcome::PlanNotReady {
            condition,
            category,
        } => Until::PlanNotReady {
            condition: condition.clone(),
            category: category.map(|c| c.as_str().to_string()),
        },
        _ => Until::PlanReady,
    };
    steps.push(Step::Wait(Wait {
        object: plan_ref.clone(),
        until: readiness,
        timeout: PLAN_READY_TIMEOUT,
    }));
    if !ctx.ir.expect.outcome.outcome.migrates() {
        // `plan ready` / `plan not ready …`: the scenario ends with the Plan's readiness.
        return PlanSteps {
            steps,
            network_entries,
        };
    }
    steps.push(Step::StartMigration {
        manifest: manifests::migration(&n.migration, ns, &ctx.owner, &n.plan, None),
        cutover_after: plan.cutover_after.map(|d| d.to_std()),
    });
    // Forklift makes the populators' Secret when the migration starts; the pytest suite
    // waits for it right after creating the Migration (copyoffload_migration.py
    // `execute_copyoffload_migration`, `wait_for_plan_secret`: 60 s, then a warning).
    if plan.ir.copy_offload && ctx.source.profile.copyoffload.is_some() {
        steps.push(Step::WaitPlanSecret {
            namespace: plan.target_namespace.clone(),
            plan: n.plan.clone(),
        });
    }
    steps.push(Step::Wait(Wait {
        object: plan_ref,
        until: Until::PlanFinished,
        timeout: plan.ir.timeout.to_std(),
    }));
    PlanSteps {
        steps,
        network_entries,
    }
}

/// The source and destination Providers of a plan: the session's source Provider, and
/// the session's remote destination or the scenario's local one.
fn providers<'a>(ctx: &'a ScenarioCtx<'_>, plan: &ResolvedPlan) -> ProviderPair<'a> {
    let names = &ctx.session.names;
    let (destination, destination_namespace) = if plan.remote() {
        (names.remote_destination.as_str(), names.namespace.as_str())
    } else {
        (names.local_destination.as_str(), ctx.namespace.as_str())
    };
    ProviderPair {
        source: &ctx.source.names.provider,
        source_namespace: &names.namespace,
        destination,
        destination_namespace,
    }
}

/// The NADs of extra NICs, the copy-offload Secret, the StorageMap and the NetworkMap;
/// and the NetworkMap's entries.
fn map_steps(
    ctx: &ScenarioCtx<'_>,
    plan: &ResolvedPlan,
    answers: &PlanAnswers,
) -> (Vec<Step>, Vec<serde_json::Value>) {
    let n = &plan.names;
    let (ns, owner) = (ctx.namespace.as_str(), &ctx.owner);
    let create = |manifest| Step::create(Scope::Scenario, manifest);
    let pair = providers(ctx, plan);
    let mut steps = Vec::new();
    // NADs for every network after the first (the first goes to the pod network)
    for i in 1..answers.network_sources.len() {
        let name = format!("{}-{i}", n.nad_base);
        steps.push(create(nad(&name, &plan.multus_namespace, owner, i)));
    }
    let storage_entries = match (&ctx.source.profile.copyoffload, plan.ir.copy_offload) {
        (Some(co), true) => {
            let data = copy_offload::storage_secret_data(co).string_data();
            steps.push(create(opaque_secret(&n.offload_secret, ns, owner, data)));
            copy_offload::map_entries(
                &copy_offload::offload_datastores(co, &answers.datastore_ids),
                &plan.storage_class,
                &n.offload_secret,
                co.storage_vendor_product,
            )
        }
        _ => storage_map_entries(&answers.storage_sources, &plan.storage_class),
    };
    let storage_entries = with_passthrough(storage_entries, plan.ir.storage_map_forklift.as_ref());
    let storage = storage_map(&n.storage_map, ns, owner, pair, storage_entries);
    steps.push(create(storage));
    let network_entries = with_passthrough(
        network_map_entries(
            &answers.network_sources,
            &n.nad_base,
            &plan.multus_namespace,
            false,
        ),
        plan.ir.network_map_forklift.as_ref(),
    );
    let network = network_map(&n.network_map, ns, owner, pair, network_entries.clone());
    steps.push(create(network));
    (steps, network_entries)
}

/// Map entries with a `storage_map`/`network_map` block's `forklift` fields merged in.
fn with_passthrough(
    mut entries: Vec<serde_json::Value>,
    extra: Option<&serde_json::Value>,
) -> Vec<serde_json::Value> {
    if let Some(extra) = extra {
        for e in &mut entries {
            manifests::merge_passthrough(e, extra);
        }
    }
    entries
}

/// The first-class boolean Plan features the scenario sets, as `(spec field, value)`.
fn plan_flags(ir: &mtvt_lang::ir::PlanIr) -> Vec<(&'static str, bool)> {
    [
        ("migrateSharedDisks", ir.migrate_shared_disks),
        (
            "enableNestedVirtualization",
            ir.enable_nested_virtualization,
        ),
        ("xfsCompatibility", ir.xfs_compatibility),
        ("runPreflightInspection", ir.run_preflight_inspection),
        ("rdmAsLun", ir.rdm_as_lun),
    ]
    .into_iter()
    .filter_map(|(field, v)| v.map(|on| (field, on)))
    .collect()
}

/// The Plan CR.
fn plan_manifest(
    ctx: &ScenarioCtx<'_>,
    plan: &ResolvedPlan,
    answers: &PlanAnswers,
    hooks: Vec<(&'static str, String)>,
    vm_luks: Vec<Option<String>>,
) -> manifests::Manifest {
    let n = &plan.names;
    manifests::plan(
        &ctx.owner,
        &PlanManifest {
            name: &n.plan,
            namespace: &ctx.namespace,
            providers: providers(ctx, plan),
            storage_map: &n.storage_map,
            network_map: &n.network_map,
            target_namespace: &plan.target_namespace,
            vms: answers.vms.clone(),
            hooks,
            warm: plan.ir.warm,
            target_power_state: plan.target_power_state,
            preserve_static_ips: plan.ir.preserve_static_ips.unwrap_or(false),
            pvc_name_template: plan.pvc_name_template.as_deref(),
            pvc_name_template_use_generate_name: plan.pvc_name_template_use_generate_name,
            target_node_selector: &plan.node_selector,
            target_labels: &plan.target_labels,
            target_affinity: plan.ir.target_affinity.as_ref(),
            flags: plan_flags(&plan.ir),
            forklift: plan.ir.forklift.as_ref(),
            vm_forklift: plan.ir.vms.iter().map(|v| v.forklift.as_ref()).collect(),
            vm_luks,
        },
    )
}
