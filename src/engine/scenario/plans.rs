//! One plan of a scenario: the inventory's answers for its VMs, its steps (maps, hooks,
//! Plan, Ready, Migration, completion) through the executor — whose outputs give the Plan's
//! uid and its final state — then the observation of every migrated VM (`observe`). A
//! readiness outcome (`plan ready`, `plan not ready …`) ends with the readiness wait; the
//! lifecycle steps of `then { … }` follow the observation (`lifecycle`).

use serde_json::Value;

use super::lifecycle::{Migrated, run_then};
use super::observe::{PlanObservation, observe_plan};
use crate::cluster::kinds;
use crate::engine::context::Engine;
use crate::engine::error::EngineError;
use crate::engine::exec::{Output, ScenarioRun, Scope};
use crate::engine::plan::{self, PlanSteps, Step, Until};
use crate::engine::resolve::ResolvedPlan;
use crate::report::{Failure, StepReport, VmReport};

/// What a plan's execution produced.
#[derive(Default)]
pub(super) struct PlanOutcome {
    pub steps: Vec<StepReport>,
    pub vms: Vec<VmReport>,
    pub failures: Vec<Failure>,
    pub error: Option<EngineError>,
    /// The Plan's uid, once created.
    pub uid: Option<String>,
}

/// Runs plan `p` of the scenario and observes its VMs.
pub(super) async fn run_plan(
    engine: &Engine,
    run: &ScenarioRun<'_>,
    p: &ResolvedPlan,
) -> PlanOutcome {
    let mut out = PlanOutcome::default();
    let vms_state = run.vms_of(p.index);
    let docs: Vec<Value> = vms_state
        .iter()
        .filter_map(|v| v.inventory.clone())
        .collect();
    let answers = match run.source.inventory.answers(&docs).await {
        Ok(a) => a,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let PlanSteps {
        steps,
        network_entries,
    } = plan::migrate_steps(run.ctx, p, &answers);
    let mut outputs = Vec::new();
    let result = engine
        .exec
        .run_steps(Scope::Scenario(run), &steps, &mut out.steps, &mut outputs)
        .await;
    let mut final_plan = None;
    for (step, output) in steps.iter().zip(outputs) {
        match (step, output) {
            (Step::Create(c), Output::Object(o)) if c.manifest.object.kind == kinds::PLAN => {
                out.uid = o.metadata.uid.clone();
            }
            (Step::Wait(w), Output::Object(o)) if w.until == Until::PlanFinished => {
                final_plan = Some(o);
            }
            _ => {}
        }
    }
    if let Err(e) = result {
        out.error = Some(e);
        return out;
    }
    if !run.ctx.ir.expect.outcome.outcome.migrates() {
        // A readiness outcome: the wait that ended the steps was the verdict.
        return out;
    }
    let Some(final_plan) = final_plan else {
        out.error = Some(EngineError::Setup(
            "internal: no Plan after the migration wait".into(),
        ));
        return out;
    };
    let PlanObservation {
        vms,
        failures,
        error,
    } = observe_plan(
        engine,
        run,
        p,
        &answers,
        &vms_state,
        &final_plan,
        &network_entries,
    )
    .await;
    out.vms = vms;
    out.failures = failures;
    out.error = error;
    if out.error.is_none() && !run.ctx.ir.then.is_empty() {
        let migrated = Migrated {
            plan: p,
            answers: &answers,
            vms: &vms_state,
            uid: out.uid.as_deref(),
            network_entries: &network_entries,
        };
        let mut steps = Vec::new();
        let result = run_then(
            engine,
            run,
            &migrated,
            &mut steps,
            &mut out.vms,
            &mut out.failures,
        )
        .await;
        out.steps.extend(steps);
        out.error = result.err();
    }
    out
}
