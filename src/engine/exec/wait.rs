//! Waits: the named condition of a [`Wait`] step evaluated on the shared watch of its
//! object, under the step's deadline. The migration wait also reports each VM's pipeline
//! step as it moves (live progress, from the same watch — no polling).

use kube::api::DynamicObject;

use super::{Executor, Output, Scope};
use crate::engine::conditions::{
    Condition, current_step, plan_condition, plan_finished, plan_not_ready, plan_ready, plan_vms,
    provider_ready, provider_validated,
};
use crate::engine::error::EngineError;
use crate::engine::plan::{Until, Wait};
use crate::engine::watches::WaitOptions;
use crate::report::progress::{Event, Progress};

/// Runs wait `w`; the output is the object the condition held on.
pub(super) async fn run(x: &Executor, scope: Scope<'_>, w: &Wait) -> Result<Output, EngineError> {
    let opts = WaitOptions {
        timeout: w.timeout,
        cancel: &x.cancel,
    };
    let object = match &w.until {
        Until::ProviderReady => wait_for(x, w, provider_ready(), &opts, |_| {}).await,
        Until::ProviderValidated => wait_for(x, w, provider_validated(), &opts, |_| {}).await,
        Until::PlanReady => wait_for(x, w, plan_ready(), &opts, |_| {}).await,
        Until::PlanCondition(ty) => wait_for(x, w, plan_condition(ty), &opts, |_| {}).await,
        Until::PlanNotReady {
            condition,
            category,
        } => {
            let cond = plan_not_ready(condition, category.as_deref());
            wait_for(x, w, cond, &opts, |_| {}).await
        }
        Until::PlanFinished => {
            let scenario = scope.scenario_name().unwrap_or_default().to_string();
            let progress = x.progress.clone();
            wait_for(x, w, plan_finished(), &opts, move |o| {
                report_pipeline(&progress, &scenario, o);
            })
            .await
        }
    }?;
    Ok(Output::Object(Box::new(object)))
}

async fn wait_for<C: Condition<Output = DynamicObject>>(
    x: &Executor,
    w: &Wait,
    cond: C,
    opts: &WaitOptions<'_>,
    on_update: impl FnMut(&DynamicObject),
) -> Result<DynamicObject, EngineError> {
    x.watches.wait(&w.object, cond, opts, on_update).await
}

/// Sends each VM's current pipeline step of a Plan.
fn report_pipeline(progress: &Progress, scenario: &str, plan: &DynamicObject) {
    for vm in plan_vms(plan) {
        if let Some((step, p)) = current_step(vm) {
            progress.send(Event::Vm {
                scenario: scenario.to_string(),
                vm: vm
                    .get("name")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("?")
                    .to_string(),
                step,
                progress: p,
            });
        }
    }
}
