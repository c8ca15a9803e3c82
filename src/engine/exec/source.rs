//! Source steps: preparing a scenario VM through the source adapter (clone, disks,
//! snapshots, power, facts — journalled by the adapter side) and waiting until the Forklift
//! inventory lists it. Both write what they learn into the [`ScenarioRun`].

use super::{Executor, Output, ScenarioRun};
use crate::engine::context::Engine;
use crate::engine::error::EngineError;
use crate::engine::plan::VmStep;

/// Prepares VM `at` of its plan.
pub(super) async fn prepare(
    _x: &Executor,
    run: &ScenarioRun<'_>,
    at: VmStep,
) -> Result<Output, EngineError> {
    let plan = run
        .ctx
        .plans
        .get(at.plan)
        .ok_or_else(|| EngineError::Setup("internal: plan index".into()))?;
    let vm = plan
        .ir
        .vms
        .get(at.vm)
        .ok_or_else(|| EngineError::Setup("internal: vm index".into()))?;
    let prepared = run
        .source
        .side
        .prepare(run.name(), vm, plan, &Engine::env)
        .await?;
    run.update(at.plan, at.vm, |s| s.prepared = Some(prepared));
    Ok(Output::Nothing)
}

/// Waits until the inventory lists prepared VM `at` as its facts describe it.
pub(super) async fn wait_inventory(
    _x: &Executor,
    run: &ScenarioRun<'_>,
    at: VmStep,
) -> Result<Output, EngineError> {
    let prepared = run
        .prepared(at.plan, at.vm)
        .ok_or_else(|| EngineError::Setup("internal: VM not prepared".into()))?;
    let doc = run
        .source
        .inventory
        .wait_vm(&prepared.name, prepared.facts.as_ref())
        .await?;
    run.update(at.plan, at.vm, |s| s.inventory = Some(doc));
    Ok(Output::Nothing)
}
