//! Evaluating a scenario's expectations on one migrated VM: the outcome (`migration
//! succeeds` / `fails at STEP`) and every check of `expect`, through `mtvt_lang::eval`.
//! Every failed assert becomes a [`Failure`] with VM, check, expected, actual and the
//! scenario line — all of them, not just the first. Checks that cannot run say why.

use mtvt_lang::eval::{AssertOutcome, Bindings, CheckStatus, check_outcome, run_checks};
use mtvt_lang::ir::ScenarioIr;
use mtvt_lang::models::Migration;
use mtvt_lang::source::SourceMap;

use crate::report::{CheckReport, Failure, failure};

/// The outcome check of one VM: `None` when it matched.
pub fn outcome_failure(
    s: &ScenarioIr,
    vm: &str,
    migration: &Migration,
    sources: &SourceMap,
) -> Option<Failure> {
    match check_outcome(&s.expect, migration) {
        AssertOutcome::Fail {
            span,
            message,
            expected,
            actual,
        } => {
            let mut text = message.unwrap_or_else(|| "unexpected migration outcome".into());
            if let Some(e) = &migration.error {
                text.push_str(&format!(" (VM error: {e})"));
            }
            Some(Failure {
                vm: Some(vm.to_string()),
                check: Some("outcome".into()),
                rendered: failure::render(
                    sources,
                    &span,
                    &text,
                    Some(&expected),
                    Some(&actual),
                    None,
                ),
                message: text,
                expected: Some(expected),
                actual: Some(actual),
                location: Some(span.to_string()),
                requested_at: None,
            })
        }
        _ => None,
    }
}

/// Runs every check on one VM.
pub fn run(
    s: &ScenarioIr,
    vm: &str,
    bindings: &Bindings,
    sources: &SourceMap,
) -> (Vec<CheckReport>, Vec<Failure>) {
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for c in run_checks(s, bindings) {
        let mut passed = 0;
        let mut failed = 0;
        for a in &c.asserts {
            match a {
                AssertOutcome::Pass { .. } => passed += 1,
                AssertOutcome::Fail {
                    span,
                    message,
                    expected,
                    actual,
                } => {
                    failed += 1;
                    let text = message
                        .clone()
                        .unwrap_or_else(|| format!("check {} failed", c.name));
                    let help = c
                        .requested_at
                        .as_ref()
                        .map(|r| format!("check `{}` requested at {r}, on VM {vm}", c.name));
                    failures.push(Failure {
                        vm: Some(vm.to_string()),
                        check: Some(c.name.clone()),
                        rendered: failure::render(
                            sources,
                            span,
                            &text,
                            Some(expected),
                            Some(actual),
                            help,
                        ),
                        message: text,
                        expected: Some(expected.clone()),
                        actual: Some(actual.clone()),
                        location: Some(span.to_string()),
                        requested_at: c.requested_at.as_ref().map(ToString::to_string),
                    });
                }
                AssertOutcome::NotRun { .. } => {}
            }
        }
        let (status, reason) = match c.status() {
            CheckStatus::Passed => ("passed", None),
            CheckStatus::Failed => ("failed", None),
            CheckStatus::NotRun(r) => ("not_run", Some(r)),
            CheckStatus::Skipped(r) => ("skipped", Some(r)),
        };
        reports.push(CheckReport {
            name: c.name.clone(),
            status: status.to_string(),
            reason,
            passed,
            failed,
        });
    }
    (reports, failures)
}
