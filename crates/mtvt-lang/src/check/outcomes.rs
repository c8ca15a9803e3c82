//! Rules about the expected outcome: a failure at PreHook/PostHook needs a hook that can
//! fail there; no checks after a PreHook failure (no VM exists); warm-only steps cannot
//! fail in cold plans; success cannot be expected with a hook designed to fail; checks need
//! migrated VMs, which a plan-readiness outcome never makes.

use crate::diag::{DiagnosticKind, Sink};
use crate::ir::{HookExpectation, Outcome, ScenarioIr, ThenStep};
use crate::schema::enums::{HookStep, PipelineStep, ProviderKind};

/// Checks the scenario's outcome against its plans and hooks.
pub fn check_outcome(sink: &mut Sink, s: &ScenarioIr, provider: Option<ProviderKind>) {
    let outcome = &s.expect.outcome;
    let span = outcome.span.span();
    check_then(sink, s);
    match &outcome.outcome {
        Outcome::PlanReady | Outcome::PlanNotReady { .. } => {
            if let Some(first) = s.expect.checks.first() {
                sink.push(DiagnosticKind::ChecksWithoutMigration {
                    span: first.requested_at.span(),
                    outcome: span,
                });
            }
        }
        Outcome::Succeeds => {
            for p in &s.plans {
                if let Some(h) = p.hooks.iter().find(|h| h.expected == HookExpectation::Fail) {
                    sink.push(DiagnosticKind::SuccessWithFailingHook {
                        span,
                        step: h.step.forklift_name().to_string(),
                        hook: h.span.span(),
                    });
                }
            }
        }
        Outcome::Fails {
            at: Some(step),
            with: _,
        } => {
            let step = *step;
            if let Some(hook_step) = match step {
                PipelineStep::PreHook => Some(HookStep::Pre),
                PipelineStep::PostHook => Some(HookStep::Post),
                _ => None,
            } {
                let hooks: Vec<_> = s
                    .plans
                    .iter()
                    .flat_map(|p| p.hooks.iter())
                    .filter(|h| h.step == hook_step)
                    .collect();
                let can_fail = hooks.iter().any(|h| h.expected != HookExpectation::Succeed);
                if !can_fail {
                    let name = hook_step.as_str();
                    let help = if hooks.is_empty() {
                        format!("add a failing hook: `hook {name} = hooks.fail`")
                    } else {
                        format!(
                            "the {} hook is designed to succeed: use `hooks.fail` or a custom playbook",
                            step.as_str()
                        )
                    };
                    sink.push(DiagnosticKind::FailsAtHookWithoutFailingHook {
                        span,
                        step: step.as_str().to_string(),
                        help: Some(help),
                    });
                }
                if step == PipelineStep::PreHook
                    && let Some(first) = s.expect.checks.first()
                {
                    sink.push(DiagnosticKind::ChecksAfterPreHookFailure {
                        span: first.requested_at.span(),
                        outcome: span,
                    });
                }
            }
            let all_cold = s.plans.iter().all(|p| !p.warm);
            let reason = not_in_pipeline(step, all_cold, provider);
            if let Some(reason) = reason {
                sink.push(DiagnosticKind::StepNotInPipeline {
                    span,
                    step: step.as_str().to_string(),
                    reason,
                    help: Some(String::from(
                        "cold pipelines are Initialize, [PreHook], DiskAllocation/DiskTransfer, ImageConversion, DiskTransferV2v, VirtualMachineCreation, [WaitForGuestReboots], [PostHook]",
                    )),
                });
            }
        }
        Outcome::Fails { at: None, .. } => {}
    }
}

/// Lifecycle steps follow a Migration: none after a readiness outcome, and an `expect`
/// inside `then` states a Migration's outcome, not the Plan's readiness.
fn check_then(sink: &mut Sink, s: &ScenarioIr) {
    let outcome = &s.expect.outcome;
    if !outcome.outcome.migrates()
        && let Some(first) = s.then.first()
    {
        sink.push(DiagnosticKind::LifecycleWithoutMigration {
            span: first.span.span(),
            outcome: Some(outcome.span.span()),
        });
    }
    for step in &s.then {
        if let ThenStep::Expect(e) = &step.step
            && let Some(o) = e.outcome.as_ref().filter(|o| !o.outcome.migrates())
        {
            sink.push(DiagnosticKind::LifecycleWithoutMigration {
                span: o.span.span(),
                outcome: None,
            });
        }
    }
}

/// Why `step` can never be the failed step of these plans, if it cannot: warm-only steps in
/// cold plans; `Cutover` outside vSphere/oVirt; `PreflightInspection` (`RunInspection`) and
/// `WaitForFinalSnapshotConsolidation` (`All: VSphere|…`) outside vSphere
/// (pkg/controller/plan/migrator/base/migrator.go:334, 361; pkg/apis/forklift/v1beta1/plan.go
/// :569-574); `ConvertOpenstackSnapshot` never, since its phase runs and fails under
/// `DiskTransfer` (migrator.go:284-287).
fn not_in_pipeline(
    step: PipelineStep,
    all_cold: bool,
    provider: Option<ProviderKind>,
) -> Option<String> {
    let source = || provider.map(|p| format!("a {} source", p.display_name()));
    match step {
        PipelineStep::Cutover
        | PipelineStep::WaitForFinalSnapshotConsolidation
        | PipelineStep::PreflightInspection
            if all_cold =>
        {
            Some(String::from("a cold migration"))
        }
        PipelineStep::PreflightInspection | PipelineStep::WaitForFinalSnapshotConsolidation
            if provider.is_some_and(|p| p != ProviderKind::Vsphere) =>
        {
            source()
        }
        PipelineStep::Cutover
            if provider.is_some_and(|p| p != ProviderKind::Vsphere && p != ProviderKind::Ovirt) =>
        {
            source()
        }
        PipelineStep::ConvertOpenstackSnapshot => Some(String::from(
            "any migration (its phase runs under DiskTransfer: expect `fails at DiskTransfer`)",
        )),
        _ => None,
    }
}
