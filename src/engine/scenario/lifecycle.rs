//! A plan's lifecycle steps after its outcome (`then { … }`), in order: each action's steps
//! through the executor (archive, delete, another Migration, a wait), and at each `expect`
//! a fresh look at every VM — the latest Migration's status on the Plan, the destination VM
//! if it still exists, the `cluster` model if a check reads it, the guest through its own
//! session (as after the migration) — with its outcome line and checks asserted. The first
//! error stops the lifecycle.

use mtvt_lang::eval::Bindings;
use mtvt_lang::ir::{ThenExpectIr, ThenStep};
use mtvt_lang::models::{Cluster, ClusterPvc, DestVm, SourceVm};
use serde_json::Value;

use crate::engine::assert;
use crate::engine::context::Engine;
use crate::engine::error::{EngineError, api_message, is_not_found};
use crate::engine::exec::{ScenarioRun, Scope, VmState};
use crate::engine::observe::cluster::{read_cluster, wants_cluster};
use crate::engine::observe::dest_read::{DestReader, observe_dest};
use crate::engine::observe::guest;
use crate::engine::observe::guest_ask::{self, GuestAsker, GuestWaits};
use crate::engine::observe::provider::source_secret_insecure;
use crate::engine::observe::{migration, plan::plan_model, source as source_model, vm::vm_model};
use crate::engine::plan::{PlanAnswers, then_steps};
use crate::engine::resolve::ResolvedPlan;
use crate::engine::retry::with_retry;
use crate::report::{Failure, StepReport, VmReport};

/// What a plan's migration left for its lifecycle steps.
pub(super) struct Migrated<'a> {
    pub plan: &'a ResolvedPlan,
    pub answers: &'a PlanAnswers,
    pub vms: &'a [VmState],
    pub uid: Option<&'a str>,
    pub network_entries: &'a [Value],
}

/// Runs the scenario's `then` steps for plan `m.plan`; reports and failures are appended
/// (check reports to the VM reports of the first observation, in the same order).
pub(super) async fn run_then(
    engine: &Engine,
    run: &ScenarioRun<'_>,
    m: &Migrated<'_>,
    steps: &mut Vec<StepReport>,
    vm_reports: &mut [VmReport],
    failures: &mut Vec<Failure>,
) -> Result<(), EngineError> {
    let mut migrations = 1;
    let outcome_pvcs = outcome_pvcs(engine, run, m).await?;
    for s in &run.ctx.ir.then {
        if let ThenStep::Expect(e) = &s.step {
            expect_within(engine, run, m, e, &outcome_pvcs, vm_reports, failures).await?;
            continue;
        }
        let planned = then_steps(run.ctx, m.plan, &s.step, m.uid, migrations);
        if matches!(s.step, ThenStep::Migrate { .. }) {
            migrations += 1;
        }
        let mut outputs = Vec::new();
        engine
            .exec
            .run_steps(Scope::Scenario(run), &planned, steps, &mut outputs)
            .await?;
    }
    Ok(())
}

/// The PVCs of the target namespace when the outcome was observed (`cluster.outcome_pvcs`),
/// read only when an `expect` of the lifecycle reads `cluster`.
async fn outcome_pvcs(
    engine: &Engine,
    run: &ScenarioRun<'_>,
    m: &Migrated<'_>,
) -> Result<Vec<ClusterPvc>, EngineError> {
    let reads = run.ctx.ir.then.iter().any(|s| match &s.step {
        ThenStep::Expect(e) => wants_cluster(&e.checks),
        _ => false,
    });
    if !reads {
        return Ok(Vec::new());
    }
    let c = read_cluster(
        &engine.cluster.client,
        &m.plan.plan_ref(),
        &m.plan.target_namespace,
    )
    .await?;
    Ok(c.pvcs)
}

/// How often an `expect … within` is evaluated again.
const RETRY_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// One `expect` inside `then`: evaluated until it holds or its `within` has passed (once
/// without `within`); the last evaluation is the one reported.
async fn expect_within(
    engine: &Engine,
    run: &ScenarioRun<'_>,
    m: &Migrated<'_>,
    e: &ThenExpectIr,
    outcome_pvcs: &[ClusterPvc],
    vm_reports: &mut [VmReport],
    failures: &mut Vec<Failure>,
) -> Result<(), EngineError> {
    let deadline = e.within.map(|w| std::time::Instant::now() + w.to_std());
    loop {
        let mut reports: Vec<VmReport> = vm_reports.to_vec();
        let mut found = Vec::new();
        expect(engine, run, m, e, outcome_pvcs, &mut reports, &mut found).await?;
        let again = !found.is_empty() && deadline.is_some_and(|d| std::time::Instant::now() < d);
        if !again {
            vm_reports.clone_from_slice(&reports);
            failures.extend(found);
            return Ok(());
        }
        tokio::select! {
            () = tokio::time::sleep(RETRY_EVERY) => {}
            () = engine.cancel().cancelled() => return Err(EngineError::Interrupted),
        }
    }
}

/// One evaluation of an `expect` inside `then`, on every VM of the plan.
async fn expect(
    engine: &Engine,
    run: &ScenarioRun<'_>,
    m: &Migrated<'_>,
    e: &ThenExpectIr,
    outcome_pvcs: &[ClusterPvc],
    vm_reports: &mut [VmReport],
    failures: &mut Vec<Failure>,
) -> Result<(), EngineError> {
    let plan_json = read_plan(engine, m.plan).await?;
    let cluster = if wants_cluster(&e.checks) {
        Some(Cluster {
            outcome_pvcs: outcome_pvcs.to_vec(),
            ..read_cluster(
                &engine.cluster.client,
                &m.plan.plan_ref(),
                &m.plan.target_namespace,
            )
            .await?
        })
    } else {
        None
    };
    let kind = run.source.side.kind;
    let openshift = super::observe::destination_version(engine).await;
    let mut plan_m = plan_model(m.plan, kind, m.network_entries, openshift);
    // The source Provider's TLS settings, as the outcome's observation reads them.
    plan_m.source_provider_insecure_skip_verify =
        engine.session_ir.source_provider_insecure_skip_verify;
    if !plan_json.is_null() {
        plan_m.source_secret_insecure_skip_verify =
            source_secret_insecure(&engine.cluster.client, &engine.exec.watches, &plan_json)
                .await
                .unwrap_or_else(|why| {
                    tracing::warn!("source Provider TLS setting: {why}");
                    None
                });
    }
    let reader = DestReader {
        client: &engine.cluster.client,
        watches: &engine.exec.watches,
        cancel: engine.cancel(),
    };
    for (i, vm_ir) in m.plan.ir.vms.iter().enumerate() {
        let state = m.vms.get(i);
        let prepared = state.and_then(|s| s.prepared.as_ref());
        let src_name = prepared.map(|p| p.name.clone()).unwrap_or_default();
        let id = m
            .answers
            .vms
            .get(i)
            .map(|v| v.id.clone())
            .unwrap_or_default();
        let status = migration::vm_status(&plan_json, &id, &src_name)
            .cloned()
            .unwrap_or(Value::Null);
        let mig = migration::from_vm_status(&status);
        if let Some(o) = &e.outcome {
            failures.extend(assert::stated_outcome_failure(o, &src_name, &mig));
        }
        if e.checks.is_empty() {
            continue;
        }
        let report = vm_reports.get_mut(i);
        let dest_name = report
            .as_ref()
            .and_then(|r| r.destination.clone())
            .unwrap_or_else(|| src_name.clone());
        let mut dest = observe_dest(&reader, &m.plan.target_namespace, &dest_name, None)
            .await?
            .map(|(d, _)| d)
            .unwrap_or_else(DestVm::default);
        let source = match prepared.and_then(|p| p.facts.as_ref()) {
            Some(f) => source_model::from_facts(f, kind),
            None => SourceVm::default(),
        };
        let client = &engine.cluster.client;
        let profile = &run.source.side.profile;
        let waits = GuestWaits::within(m.plan.ir.timeout.to_std());
        let windows = source.is_windows;
        dest.ssh = guest::probe_dest(client, profile, &e.checks, &dest, windows, waits.login).await;
        let vm_m = vm_model(vm_ir, &engine.session.names.session);
        let mut bindings = Bindings::new(&source, &dest, &plan_m, &vm_m, &mig);
        if let Some(c) = &cluster {
            bindings = bindings.with_cluster(c);
        }
        let mut asker = GuestAsker::new(client, profile, &dest, windows, waits);
        let outcomes = guest_ask::evaluate(&e.checks, &mut bindings, &mut asker).await;
        asker.close().await;
        let (checks, fs) = assert::report(&src_name, outcomes);
        if let Some(r) = report {
            r.checks.extend(checks);
        }
        failures.extend(fs);
    }
    Ok(())
}

/// The Plan as it is now (`null` once deleted: the VMs' migration models are then empty).
async fn read_plan(engine: &Engine, plan: &ResolvedPlan) -> Result<Value, EngineError> {
    let object = plan.plan_ref();
    let api = object.api(&engine.cluster.client);
    match with_retry(|| async { api.get(&object.name).await }).await {
        Ok(p) => Ok(serde_json::to_value(p).unwrap_or(Value::Null)),
        Err(e) if is_not_found(&e) => Ok(Value::Null),
        Err(e) => Err(EngineError::Api {
            action: format!("read {object}"),
            message: api_message(&e),
        }),
    }
}
