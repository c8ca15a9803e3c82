//! One scenario's lifecycle: plan its steps, prepare the source VMs and wait for the
//! inventory, run each plan concurrently (maps, hooks, Plan, Migration, completion),
//! observe every migrated VM, check the expected outcome and every check, collect
//! diagnostics on failure, then tear down its objects and audit leftovers.
//!
//! The result is a [`ScenarioReport`]; nothing here prints (progress goes through events).

use std::time::Instant;

use futures::future::join_all;
use mtvt_lang::eval::Bindings;
use mtvt_lang::ir::ScenarioIr;
use mtvt_vocab::ProviderKind;
use serde_json::Value;

use super::assert;
use super::cleanup::{self, SourceCleaner};
use super::context::{Engine, Keep, SourceBinding};
use super::diagnostics::{self, Collect};
use super::error::{Class, EngineError};
use super::execute::{execute, ms, step_name};
use super::journal::Scope;
use super::observe::{
    dest::observe_dest, migration, plan::plan_model, source as source_model, vm::vm_model,
};
use super::plan::{self, ScenarioCtx, Step};
use super::resolve::ResolvedPlan;
use super::source::PreparedVm;
use super::sweep::{self, SourceProbe};
use crate::report::progress::Event;
use crate::report::{Failure, PhaseTiming, ScenarioReport, Status, StepReport, VmReport};

/// What a plan's execution produced.
#[derive(Default)]
struct PlanOutcome {
    steps: Vec<StepReport>,
    vms: Vec<VmReport>,
    failures: Vec<Failure>,
    error: Option<EngineError>,
}

async fn timed<T>(
    steps: &mut Vec<StepReport>,
    name: String,
    fut: impl std::future::Future<Output = Result<T, EngineError>>,
) -> Result<T, EngineError> {
    let t = Instant::now();
    let r = fut.await;
    steps.push(StepReport {
        name,
        duration_ms: ms(t.elapsed()),
        error: r.as_ref().err().map(ToString::to_string),
    });
    r
}

/// Runs scenario `ir` with source provider `src` and returns its report.
pub async fn run_scenario(engine: &Engine, src: &SourceBinding, ir: &ScenarioIr) -> ScenarioReport {
    let start = Instant::now();
    engine.progress.send(Event::Started {
        scenario: ir.name.clone(),
    });
    let mut report = ScenarioReport::skipped(ir, "");
    report.reason = None;
    report.status = Status::Passed;
    let env = Engine::env;
    let ctx = match ScenarioCtx::new(
        ir,
        &engine.session,
        &src.ctx,
        &engine.session_ir,
        engine.settings.storage_class.as_deref(),
        &env,
    ) {
        Ok(c) => c,
        Err(e) => {
            report.status = Status::Error;
            report.reason = Some(e);
            return finish(engine, report, start);
        }
    };
    report.namespace = Some(ctx.namespace.clone());
    let result = lifecycle(engine, src, &ctx, &mut report).await;
    let plans: Vec<(String, Option<String>, String)> = plan_refs(engine, &ctx);
    match result {
        Ok(()) => {
            if !report.failures.is_empty() {
                report.status = Status::Failed;
            }
        }
        Err(e) => {
            report.status = match e.class() {
                Class::Failure => Status::Failed,
                Class::Infra => Status::Error,
                Class::Interrupted => Status::Interrupted,
            };
            report
                .failures
                .push(Failure::message(Some("run"), e.to_string()));
            report.reason = Some(e.to_string());
        }
    }
    let failed = matches!(report.status, Status::Failed | Status::Error);
    if failed && let Some(root) = &engine.settings.data_collector {
        let dir = diagnostics::collect(
            &engine.cluster.client,
            &Collect {
                root,
                scenario: &ir.name,
                namespace: &ctx.namespace,
                plans,
                providers_namespace: &engine.session.names.namespace,
                must_gather: engine.settings.must_gather,
                kubeconfig: None,
                mtv_namespace: &engine.session.mtv_namespace,
            },
        )
        .await;
        report.diagnostics = Some(dir.display().to_string());
    }
    let keep = match engine.settings.keep {
        Keep::Always => true,
        Keep::OnFailure => failed,
        Keep::Never => false,
    };
    if keep {
        for e in engine
            .journal
            .pending(Some(Scope::Scenario), Some(&ir.name))
        {
            engine.journal.set_state(e.seq, super::journal::State::Kept);
        }
        let _ = engine.journal.flush();
    } else {
        engine.progress.step(&ir.name, "tear down");
        let entries = engine
            .journal
            .pending(Some(Scope::Scenario), Some(&ir.name));
        let cleaner: &dyn SourceCleaner = src.side.as_ref();
        let log = cleanup::undo(
            &engine.cluster.client,
            &engine.journal,
            entries,
            Some(cleaner),
        )
        .await;
        report.teardown_errors = log.errors;
        let probe: &dyn SourceProbe = src.side.as_ref();
        report.leaks = sweep::sweep(
            &engine.cluster.client,
            &engine.journal.snapshot(),
            Some(&ir.name),
            Some(probe),
        )
        .await;
        if (!report.leaks.is_empty() || !report.teardown_errors.is_empty())
            && report.status == Status::Passed
        {
            report.status = Status::Error;
            report.reason = Some(format!(
                "teardown left {} object(s) behind and had {} error(s)",
                report.leaks.len(),
                report.teardown_errors.len()
            ));
        }
    }
    finish(engine, report, start)
}

fn finish(engine: &Engine, mut report: ScenarioReport, start: Instant) -> ScenarioReport {
    report.duration_ms = ms(start.elapsed());
    engine.progress.send(Event::Finished {
        scenario: report.name.clone(),
        status: report.status,
        duration: start.elapsed(),
        reason: match report.status {
            Status::Failed => Some(format!("{} failure(s)", report.failures.len())),
            _ => report.reason.clone(),
        },
    });
    report
}

fn plan_refs(engine: &Engine, ctx: &ScenarioCtx<'_>) -> Vec<(String, Option<String>, String)> {
    let doc = engine.journal.snapshot();
    ctx.plans
        .iter()
        .map(|p| {
            let uid = doc.entries.iter().find_map(|e| match &e.action {
                super::journal::Action::Create {
                    kind,
                    namespace: Some(ns),
                    name,
                    uid,
                    ..
                } if kind == "Plan" && *ns == ctx.namespace && *name == p.names.plan => uid.clone(),
                _ => None,
            });
            (p.names.plan.clone(), uid, p.target_namespace.clone())
        })
        .collect()
}

async fn lifecycle(
    engine: &Engine,
    src: &SourceBinding,
    ctx: &ScenarioCtx<'_>,
    report: &mut ScenarioReport,
) -> Result<(), EngineError> {
    let name = ctx.ir.name.as_str();
    let steps = plan::prepare_steps(ctx);
    let mut prepared: Vec<Vec<Option<PreparedVm>>> = ctx
        .plans
        .iter()
        .map(|p| vec![None; p.ir.vms.len()])
        .collect();
    let mut inventory: Vec<Vec<Option<Value>>> = ctx
        .plans
        .iter()
        .map(|p| vec![None; p.ir.vms.len()])
        .collect();
    let mut i = 0;
    while i < steps.len() {
        if engine.cancel.is_cancelled() {
            return Err(EngineError::Interrupted);
        }
        let Some(step) = steps.get(i) else { break };
        match step {
            Step::PrepareVm { .. } => {
                // every consecutive source step runs concurrently
                let batch: Vec<(usize, usize)> = steps
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .map_while(|s| match s {
                        Step::PrepareVm { plan, vm, .. } => Some((*plan, *vm)),
                        _ => None,
                    })
                    .collect();
                i += batch.len();
                engine
                    .progress
                    .step(name, format!("prepare {} source VM(s)", batch.len()));
                let t = Instant::now();
                let results = join_all(batch.iter().map(|(p, v)| async move {
                    let plan = ctx
                        .plans
                        .get(*p)
                        .ok_or_else(|| EngineError::Setup("internal: plan index".into()))?;
                    let vm = plan
                        .ir
                        .vms
                        .get(*v)
                        .ok_or_else(|| EngineError::Setup("internal: vm index".into()))?;
                    let r = tokio::select! {
                        r = src.side.prepare(name, vm, plan, &Engine::env) => r,
                        _ = engine.cancel.cancelled() => Err(EngineError::Interrupted),
                    };
                    r.map(|pv| (*p, *v, pv))
                }))
                .await;
                let mut first_err = None;
                for r in results {
                    match r {
                        Ok((p, v, pv)) => {
                            if let Some(slot) = prepared.get_mut(p).and_then(|x| x.get_mut(v)) {
                                *slot = Some(pv);
                            }
                        }
                        Err(e) => {
                            first_err.get_or_insert(e);
                        }
                    }
                }
                report.steps.push(StepReport {
                    name: format!("prepare {} source VM(s)", batch.len()),
                    duration_ms: ms(t.elapsed()),
                    error: first_err.as_ref().map(ToString::to_string),
                });
                if let Some(e) = first_err {
                    return Err(e);
                }
            }
            Step::WaitInventory { .. } => {
                let batch: Vec<(usize, usize)> = steps
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .map_while(|s| match s {
                        Step::WaitInventory { plan, vm } => Some((*plan, *vm)),
                        _ => None,
                    })
                    .collect();
                i += batch.len();
                engine
                    .progress
                    .step(name, "wait for the VMs in the Forklift inventory");
                let prepared_ref = &prepared;
                let t = Instant::now();
                let results = join_all(batch.iter().map(|(p, v)| async move {
                    let pv = prepared_ref
                        .get(*p)
                        .and_then(|x| x.get(*v))
                        .and_then(Option::as_ref)
                        .ok_or_else(|| EngineError::Setup("internal: VM not prepared".into()))?;
                    let doc = tokio::select! {
                        r = src.inventory.wait_vm(&pv.name) => r,
                        _ = engine.cancel.cancelled() => Err(EngineError::Interrupted),
                    }?;
                    Ok::<_, EngineError>((*p, *v, doc))
                }))
                .await;
                let mut first_err = None;
                for r in results {
                    match r {
                        Ok((p, v, doc)) => {
                            if let Some(slot) = inventory.get_mut(p).and_then(|x| x.get_mut(v)) {
                                *slot = Some(doc);
                            }
                        }
                        Err(e) => {
                            first_err.get_or_insert(e);
                        }
                    }
                }
                report.steps.push(StepReport {
                    name: "wait for the VMs in the inventory".into(),
                    duration_ms: ms(t.elapsed()),
                    error: first_err.as_ref().map(ToString::to_string),
                });
                if let Some(e) = first_err {
                    return Err(e);
                }
            }
            other => {
                i += 1;
                timed(
                    &mut report.steps,
                    step_name(other),
                    execute(engine, Some(name), other),
                )
                .await?;
            }
        }
    }
    let outcomes = join_all(ctx.plans.iter().map(|p| {
        let vms: Vec<PreparedVm> = prepared
            .get(p.index)
            .into_iter()
            .flatten()
            .flatten()
            .cloned()
            .collect();
        let docs: Vec<Value> = inventory
            .get(p.index)
            .into_iter()
            .flatten()
            .flatten()
            .cloned()
            .collect();
        run_plan(engine, src, ctx, p, vms, docs)
    }))
    .await;
    let mut first_err = None;
    for o in outcomes {
        report.steps.extend(o.steps);
        report.vms.extend(o.vms);
        report.failures.extend(o.failures);
        if let Some(e) = o.error {
            first_err.get_or_insert(e);
        }
    }
    match first_err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

async fn run_plan(
    engine: &Engine,
    src: &SourceBinding,
    ctx: &ScenarioCtx<'_>,
    plan: &ResolvedPlan,
    prepared: Vec<PreparedVm>,
    docs: Vec<Value>,
) -> PlanOutcome {
    let mut out = PlanOutcome::default();
    let name = ctx.ir.name.as_str();
    let answers = match src.inventory.answers(&docs).await {
        Ok(a) => a,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let steps = plan::migrate_steps(ctx, plan, &answers);
    let mut network_entries = Vec::new();
    let mut final_plan = None;
    for step in &steps {
        if engine.cancel.is_cancelled() {
            out.error = Some(EngineError::Interrupted);
            return out;
        }
        if let Step::Create { manifest, .. } = step
            && manifest.get("kind").and_then(Value::as_str) == Some("NetworkMap")
        {
            network_entries = manifest
                .pointer("/spec/map")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
        }
        match timed(
            &mut out.steps,
            step_name(step),
            execute(engine, Some(name), step),
        )
        .await
        {
            Ok(obj) => {
                if matches!(step, Step::WaitMigration { .. }) {
                    final_plan = obj;
                }
            }
            Err(e) => {
                out.error = Some(e);
                return out;
            }
        }
    }
    let Some(final_plan) = final_plan else {
        out.error = Some(EngineError::Setup(
            "internal: no Plan after the migration wait".into(),
        ));
        return out;
    };
    let plan_json = serde_json::to_value(&final_plan).unwrap_or(Value::Null);
    let kind = src.side.kind;
    let plan_m = plan_model(plan, kind, &network_entries);
    for (i, vm_ir) in plan.ir.vms.iter().enumerate() {
        let pv = prepared.get(i);
        let doc = docs.get(i);
        let inv_id = answers.vms.get(i).map(|v| v.id.clone()).unwrap_or_default();
        let src_name = pv.map(|p| p.name.clone()).unwrap_or_default();
        let status = migration::vm_status(&plan_json, &inv_id, &src_name)
            .cloned()
            .unwrap_or(Value::Null);
        let mig = migration::from_vm_status(&status);
        let mut vm_report = VmReport {
            plan: plan.names.plan.clone(),
            source: src_name.clone(),
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
        };
        if let Some(f) = assert::outcome_failure(ctx.ir, &src_name, &mig, &engine.texts) {
            out.failures.push(f);
        }
        // source model: facts before migration, facts after
        let mut source = match (pv.and_then(|p| p.facts.as_ref()), doc) {
            (Some(f), _) => source_model::from_facts(f, kind),
            (None, Some(d)) if kind == ProviderKind::Ova => source_model::from_ova_inventory(d),
            _ => mtvt_lang::models::SourceVm::default(),
        };
        if let Some(vm_ref) = pv.and_then(|p| p.vm.as_ref()) {
            match src.side.facts(vm_ref).await {
                Ok(after) => source = source_model::with_after(source, &after),
                Err(e) => out.failures.push(Failure {
                    vm: Some(src_name.clone()),
                    ..Failure::message(
                        Some("source"),
                        format!("cannot read the source VM after migration: {e}"),
                    )
                }),
            }
        }
        let dest_name = status
            .get("newName")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| src_name.clone());
        let agent = (vm_ir.guest_agent).then_some(vm_ir.guest_agent_timeout.to_std());
        engine.progress.step(name, format!("observe {dest_name}"));
        let observed = observe_dest(
            &engine.cluster.client,
            &plan.target_namespace,
            &dest_name,
            agent,
            &engine.cancel,
        )
        .await;
        match observed {
            Ok(Some((dest, _))) => {
                vm_report.destination = Some(dest.name.clone());
                if !ctx.ir.expect.checks.is_empty() {
                    let vm_m = vm_model(vm_ir, &engine.session.names.session);
                    let bindings = Bindings::new(&source, &dest, &plan_m, &vm_m, &mig);
                    let (checks, failures) =
                        assert::run(ctx.ir, &src_name, &bindings, &engine.texts);
                    vm_report.checks = checks;
                    out.failures.extend(failures);
                }
            }
            Ok(None) => {
                if !ctx.ir.expect.checks.is_empty() {
                    out.failures.push(Failure {
                        vm: Some(src_name.clone()),
                        location: Some(ctx.ir.expect.span.to_string()),
                        ..Failure::message(
                            Some("checks"),
                            format!(
                                "no VirtualMachine {}/{dest_name} to check: the migration did not create it",
                                plan.target_namespace
                            ),
                        )
                    });
                }
            }
            Err(e) => {
                out.error = Some(e);
                out.vms.push(vm_report);
                return out;
            }
        }
        out.vms.push(vm_report);
    }
    out
}
