//! One scenario's lifecycle: resolve it, run its preparation steps (namespaces, source VMs,
//! inventory waits) and then each plan concurrently (`plans`), classify the outcome,
//! collect diagnostics on failure, then tear down its objects and audit leftovers
//! (`teardown`).
//!
//! The result is a [`ScenarioReport`]; nothing here prints (progress goes through events).

mod lifecycle;
mod observe;
mod plans;
mod teardown;

use std::time::Instant;

use futures::future::join_all;
use mtvt_lang::ir::ScenarioIr;

use super::context::{Engine, SourceBinding};
use super::diagnostics::{self, Collect};
use super::error::{Class, EngineError};
use super::exec::{ScenarioRun, Scope, ms};
use super::plan::{self, ScenarioCtx};
use crate::report::progress::Event;
use crate::report::{Failure, ScenarioReport, Status};

/// Runs scenario `ir` with source provider `src` and returns its report.
pub async fn run_scenario(engine: &Engine, src: &SourceBinding, ir: &ScenarioIr) -> ScenarioReport {
    let start = Instant::now();
    engine.progress().send(Event::Started {
        scenario: ir.name.clone(),
    });
    let mut report = ScenarioReport::skipped(ir, "");
    report.reason = None;
    report.status = Status::Passed;
    report.provider = Some(src.ctx.profile.name.clone());
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
    report.storage_class = ctx.plans.first().map(|p| p.storage_class.clone());
    let run = ScenarioRun::new(&ctx, src);
    let mut uids: Vec<Option<String>> = vec![None; ctx.plans.len()];
    let result = lifecycle(engine, &run, &mut report, &mut uids).await;
    classify(&mut report, result);
    let failed = matches!(report.status, Status::Failed | Status::Error);
    if failed && let Some(root) = &engine.settings.data_collector {
        let plans = ctx
            .plans
            .iter()
            .zip(uids)
            .map(|(p, uid)| (p.names.plan.clone(), uid, p.target_namespace.clone()))
            .collect();
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
    teardown::tear_down(engine, src, &ctx, failed, &mut report).await;
    finish(engine, report, start)
}

/// The scenario's status from how its lifecycle ended and what failed.
fn classify(report: &mut ScenarioReport, result: Result<(), EngineError>) {
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
}

fn finish(engine: &Engine, mut report: ScenarioReport, start: Instant) -> ScenarioReport {
    report.duration_ms = ms(start.elapsed());
    engine.progress().send(Event::Finished {
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

/// Preparation, then every plan concurrently; fills the report and the Plans' uids.
async fn lifecycle(
    engine: &Engine,
    run: &ScenarioRun<'_>,
    report: &mut ScenarioReport,
    uids: &mut [Option<String>],
) -> Result<(), EngineError> {
    let steps = plan::prepare_steps(run.ctx);
    let mut outputs = Vec::new();
    engine
        .exec
        .run_steps(
            Scope::Scenario(run),
            &steps,
            &mut report.steps,
            &mut outputs,
        )
        .await?;
    let outcomes = join_all(
        run.ctx
            .plans
            .iter()
            .map(|p| plans::run_plan(engine, run, p)),
    )
    .await;
    let mut first_err = None;
    for (o, uid) in outcomes.into_iter().zip(uids.iter_mut()) {
        report.steps.extend(o.steps);
        report.vms.extend(o.vms);
        report.failures.extend(o.failures);
        *uid = o.uid;
        if let Some(e) = o.error {
            first_err.get_or_insert(e);
        }
    }
    first_err.map_or(Ok(()), Err)
}
