//! Rules about the expected outcome: a failure at PreHook/PostHook needs a hook that can
//! fail there; no checks after a PreHook failure (no VM exists); warm-only steps cannot
//! fail in cold plans; success cannot be expected with a hook designed to fail.

use crate::diag::{DiagnosticKind, Sink};
use crate::ir::{HookExpectation, Outcome, ScenarioIr};
use crate::schema::enums::{HookStep, PipelineStep, ProviderKind};

/// Checks the scenario's outcome against its plans and hooks.
pub fn check_outcome(sink: &mut Sink, s: &ScenarioIr, provider: Option<ProviderKind>) {
    let outcome = &s.expect.outcome;
    let span = outcome.span.span();
    match outcome.outcome {
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
        Outcome::Fails { at: Some(step) } => {
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
            let reason = match step {
                PipelineStep::Cutover | PipelineStep::WaitForFinalSnapshotConsolidation
                    if all_cold =>
                {
                    Some(String::from("a cold migration"))
                }
                PipelineStep::PreflightInspection if all_cold => {
                    Some(String::from("a cold migration"))
                }
                PipelineStep::PreflightInspection
                | PipelineStep::WaitForFinalSnapshotConsolidation
                | PipelineStep::Cutover
                    if provider.is_some_and(|p| {
                        p != ProviderKind::Vsphere && p != ProviderKind::Ovirt
                    }) =>
                {
                    provider.map(|p| format!("a {} source", p.display_name()))
                }
                PipelineStep::ConvertOpenstackSnapshot
                    if provider.is_some_and(|p| p != ProviderKind::Openstack) =>
                {
                    provider.map(|p| format!("a {} source", p.display_name()))
                }
                _ => None,
            };
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
        Outcome::Fails { at: None } => {}
    }
}
