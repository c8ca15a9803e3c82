//! Observing the VMs a plan migrated, all at once: per VM, the `migration` model from the
//! Plan's status (phase timings, the expected outcome), the `source` model before and after
//! the migration, the `dest` model from the cluster, and every check of `expect` over them.
//! Reports and failures are merged in the plan's VM order; the first error stops the merge
//! (as a sequential observation would have stopped there).

use futures::future::join_all;
use kube::api::DynamicObject;
use mtvt_lang::eval::Bindings;
use mtvt_lang::ir::VmIr;
use mtvt_lang::models::{Migration, SourceVm};
use mtvt_vocab::ProviderKind;
use serde_json::Value;

use crate::cluster::openshift_version;
use crate::engine::assert;
use crate::engine::context::Engine;
use crate::engine::error::EngineError;
use crate::engine::exec::{ScenarioRun, VmState};
use crate::engine::observe::cluster::{read_cluster, wants_cluster};
use crate::engine::observe::dest_read::{DestReader, observe_dest};
use crate::engine::observe::guest;
use crate::engine::observe::guest_ask::{self, GuestAsker, GuestWaits};
use crate::engine::observe::provider::source_secret_insecure;
use crate::engine::observe::{migration, plan::plan_model, source as source_model, vm::vm_model};
use crate::engine::plan::PlanAnswers;
use crate::engine::resolve::ResolvedPlan;
use crate::report::{Failure, PhaseTiming, VmReport};

/// What observing a plan's VMs produced.
#[derive(Default)]
pub(super) struct PlanObservation {
    pub vms: Vec<VmReport>,
    pub failures: Vec<Failure>,
    pub error: Option<EngineError>,
}

/// One VM's observation.
struct VmObservation {
    report: VmReport,
    failures: Vec<Failure>,
    error: Option<EngineError>,
}

/// What every VM's observation shares.
struct PlanView<'a> {
    engine: &'a Engine,
    run: &'a ScenarioRun<'a>,
    plan: &'a ResolvedPlan,
    plan_json: Value,
    plan_model: mtvt_lang::models::Plan,
    kind: ProviderKind,
}

/// The destination cluster's OpenShift release, `None` when it cannot be read (the
/// `serial` check then says "not run"). Read once per run: a cluster is not upgraded
/// under a test run.
pub(super) async fn destination_version(engine: &Engine) -> Option<String> {
    engine
        .openshift
        .get_or_init(|| async {
            match openshift_version(&engine.cluster.client).await {
                Ok(v) => Some(v),
                Err(why) => {
                    tracing::debug!("{why}");
                    None
                }
            }
        })
        .await
        .clone()
}

/// Observes every VM of plan `p` once its migration ended (`final_plan`).
pub(super) async fn observe_plan(
    engine: &Engine,
    run: &ScenarioRun<'_>,
    p: &ResolvedPlan,
    answers: &PlanAnswers,
    vms: &[VmState],
    final_plan: &DynamicObject,
    network_entries: &[Value],
) -> PlanObservation {
    let kind = run.source.side.kind;
    let openshift = destination_version(engine).await;
    let plan_json = serde_json::to_value(final_plan).unwrap_or(Value::Null);
    let mut model = plan_model(p, kind, network_entries, openshift);
    model.source_provider_insecure_skip_verify =
        engine.session_ir.source_provider_insecure_skip_verify;
    model.source_secret_insecure_skip_verify = match source_secret_insecure(
        &engine.cluster.client,
        &engine.exec.watches,
        &plan_json,
    )
    .await
    {
        Ok(v) => v,
        Err(why) => {
            tracing::warn!("source Provider TLS setting: {why}");
            None
        }
    };
    let view = PlanView {
        engine,
        run,
        plan: p,
        plan_json,
        plan_model: model,
        kind,
    };
    let observations = join_all(p.ir.vms.iter().enumerate().map(|(i, vm_ir)| {
        let inventory_id = answers.vms.get(i).map(|v| v.id.clone()).unwrap_or_default();
        observe_vm(&view, vm_ir, vms.get(i), inventory_id)
    }))
    .await;
    let mut out = PlanObservation::default();
    for o in observations {
        out.vms.push(o.report);
        out.failures.extend(o.failures);
        if o.error.is_some() {
            out.error = o.error;
            break;
        }
    }
    out
}

async fn observe_vm(
    v: &PlanView<'_>,
    vm_ir: &VmIr,
    state: Option<&VmState>,
    inventory_id: String,
) -> VmObservation {
    let prepared = state.and_then(|s| s.prepared.as_ref());
    let src_name = prepared.map(|p| p.name.clone()).unwrap_or_default();
    let status = migration::vm_status(&v.plan_json, &inventory_id, &src_name)
        .cloned()
        .unwrap_or(Value::Null);
    let mig = migration::from_vm_status(&status);
    let mut o = VmObservation {
        report: vm_report(&v.plan.names.plan, &src_name, &mig),
        failures: Vec::new(),
        error: None,
    };
    let ir = v.run.ctx.ir;
    o.failures
        .extend(assert::outcome_failure(ir, &src_name, &mig));
    let source = source_vm(v, state, &src_name, &mut o.failures).await;
    let dest_name = status
        .get("newName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| src_name.clone());
    let agent = vm_ir
        .guest_agent
        .then_some(vm_ir.guest_agent_timeout.to_std());
    v.engine
        .progress()
        .step(v.run.name(), format!("observe {dest_name}"));
    let reader = DestReader {
        client: &v.engine.cluster.client,
        watches: &v.engine.exec.watches,
        cancel: v.engine.cancel(),
    };
    match observe_dest(&reader, &v.plan.target_namespace, &dest_name, agent).await {
        Ok(Some((mut dest, _))) => {
            o.report.destination = Some(dest.name.clone());
            let profile = &v.run.source.side.profile;
            let waits = GuestWaits::within(v.plan.ir.timeout.to_std());
            dest.ssh = guest::probe_dest(
                &v.engine.cluster.client,
                profile,
                &ir.expect.checks,
                &dest,
                source.is_windows,
                waits.login,
            )
            .await;
            if !ir.expect.checks.is_empty() {
                let vm_m = vm_model(vm_ir, &v.engine.session.names.session);
                let mut bindings = Bindings::new(&source, &dest, &v.plan_model, &vm_m, &mig);
                if wants_cluster(&ir.expect.checks) {
                    match read_cluster(
                        &v.engine.cluster.client,
                        &v.plan.plan_ref(),
                        &v.plan.target_namespace,
                    )
                    .await
                    {
                        Ok(c) => bindings = bindings.with_cluster(&c),
                        Err(e) => {
                            o.error = Some(e);
                            return o;
                        }
                    }
                }
                let client = &v.engine.cluster.client;
                let mut asker = GuestAsker::new(client, profile, &dest, source.is_windows, waits);
                let outcomes =
                    guest_ask::evaluate(&ir.expect.checks, &mut bindings, &mut asker).await;
                asker.close().await;
                let (checks, failures) = assert::report(&src_name, outcomes);
                o.report.checks = checks;
                o.failures.extend(failures);
            }
        }
        Ok(None) if !ir.expect.checks.is_empty() => o.failures.push(Failure {
            vm: Some(src_name.clone()),
            location: Some(ir.expect.span.clone()),
            ..Failure::message(
                Some("checks"),
                format!(
                    "no VirtualMachine {}/{dest_name} to check: the migration did not create it",
                    v.plan.target_namespace
                ),
            )
        }),
        Ok(None) => {}
        Err(e) => o.error = Some(e),
    }
    o
}

/// The report of one VM from its migration model (checks come later).
fn vm_report(plan: &str, source: &str, mig: &Migration) -> VmReport {
    VmReport {
        plan: plan.to_string(),
        source: source.to_string(),
        destination: None,
        result: Some(mig.result.as_str().to_string()),
        failed_step: mig.failed_step.map(|s| s.as_str().to_string()),
        phases: mig
            .steps
            .iter()
            .map(|s| PhaseTiming {
                name: s.name.as_str().to_string(),
                phase: s.phase.map(|p| p.as_str().to_string()),
                started: s.started.clone(),
                completed: s.completed.clone(),
                duration_ms: match (&s.started, &s.completed) {
                    (Some(a), Some(b)) => migration::millis_between(a, b),
                    _ => None,
                },
                error: s.error.clone(),
            })
            .collect(),
        checks: Vec::new(),
    }
}

/// The `source` model: the facts read before the migration (the inventory's document for
/// OVA), with what the source says after it.
async fn source_vm(
    v: &PlanView<'_>,
    state: Option<&VmState>,
    src_name: &str,
    failures: &mut Vec<Failure>,
) -> SourceVm {
    let prepared = state.and_then(|s| s.prepared.as_ref());
    let doc = state.and_then(|s| s.inventory.as_ref());
    let mut source = match (prepared.and_then(|p| p.facts.as_ref()), doc) {
        (Some(f), _) => source_model::from_facts(f, v.kind),
        (None, Some(d)) if v.kind == ProviderKind::Ova => source_model::from_ova_inventory(d),
        (None, Some(d)) if v.kind == ProviderKind::Hyperv => {
            crate::engine::observe::source_hyperv::from_hyperv_inventory(d)
        }
        _ => SourceVm::default(),
    };
    if let Some(vm_ref) = prepared.and_then(|p| p.vm.as_ref()) {
        match v.run.source.side.facts(vm_ref).await {
            Ok(after) => source = source_model::with_after(source, &after),
            Err(e) => failures.push(Failure {
                vm: Some(src_name.to_string()),
                ..Failure::message(
                    Some("source"),
                    format!("cannot read the source VM after migration: {e}"),
                )
            }),
        }
    }
    source
}
