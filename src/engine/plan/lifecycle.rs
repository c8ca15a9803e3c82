//! The steps of one lifecycle step after the outcome (`then { … }`): archive the Plan,
//! delete it or the VMs it migrated, start another Migration (optionally resuming a failed
//! conversion) and wait for it, or wait for a Plan condition. `expect` blocks inside `then`
//! are no steps: the scenario runner observes and asserts there. Pure, like the rest of
//! `plan`.

use mtvt_lang::ir::ThenStep;
use serde_json::{Value, json};

use super::PLAN_READY_TIMEOUT;
use super::scenario::ScenarioCtx;
use super::step::{Step, Until, Wait};
use crate::cluster::{ObjectRef, kinds};
use crate::engine::manifests;
use crate::engine::resolve::ResolvedPlan;

/// Steps of `step` for `plan`, whose uid (once created) is `plan_uid`; `migration` counts
/// the Migrations of the plan so far (the next one is named `<migration>-<migration + 1>`).
pub fn then_steps(
    ctx: &ScenarioCtx<'_>,
    plan: &ResolvedPlan,
    step: &ThenStep,
    plan_uid: Option<&str>,
    migration: usize,
) -> Vec<Step> {
    let plan_ref = plan.plan_ref();
    match step {
        ThenStep::Archive => vec![Step::ArchivePlan(plan_ref)],
        ThenStep::DeletePlan => vec![Step::Delete(plan_ref)],
        ThenStep::DeleteVms => vec![Step::DeletePlanVms {
            namespace: plan.target_namespace.clone(),
            plan_uid: plan_uid.unwrap_or_default().to_string(),
        }],
        ThenStep::Migrate {
            resume_conversion,
            cancel_at,
        } => {
            let name = format!("{}-{}", plan.names.migration, migration + 1);
            let mut manifest =
                manifests::migration(&name, &ctx.namespace, &ctx.owner, &plan.names.plan, None);
            if *resume_conversion
                && let Some(spec) = manifest.body.get_mut("spec").and_then(Value::as_object_mut)
            {
                spec.insert("resumeConversion".into(), json!(true));
            }
            let migration = ObjectRef::namespaced(kinds::MIGRATION, &ctx.namespace, &name);
            let mut steps = vec![
                // A Migration only runs while its Plan is Ready (a VM a failed migration
                // kept can stand in the way): fail on the blockers, not after the timeout.
                Step::Wait(Wait {
                    object: plan_ref,
                    until: Until::PlanReady,
                    timeout: PLAN_READY_TIMEOUT,
                }),
                Step::StartMigration {
                    manifest,
                    cutover_after: plan.cutover_after.map(|d| d.to_std()),
                },
            ];
            if let Some(step) = cancel_at {
                steps.push(Step::CancelAt {
                    migration: migration.clone(),
                    step: step.to_string(),
                    timeout: plan.ir.timeout.to_std(),
                });
            }
            // The new Migration's own conditions: the Plan still shows how the last one ended.
            steps.push(Step::Wait(Wait {
                object: migration,
                until: Until::PlanFinished,
                timeout: plan.ir.timeout.to_std(),
            }));
            steps
        }
        ThenStep::WaitPlan { condition } => vec![Step::Wait(Wait {
            object: plan_ref,
            until: Until::PlanCondition(condition.clone()),
            timeout: plan.ir.timeout.to_std(),
        })],
        ThenStep::Expect(_) => Vec::new(),
    }
}
