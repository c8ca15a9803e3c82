//! Evaluating a scenario's expectations on one migrated VM: the outcome (`migration
//! succeeds` / `fails at STEP`) and every check of `expect`, through `mtvt_lang::eval`.
//! Every failed assert becomes a [`Failure`] with VM, check, expected, actual and the
//! scenario line — all of them, not just the first. Checks that cannot run say why.

use mtvt_lang::eval::{AssertOutcome, CheckOutcome, CheckStatus, check_outcome, judge_outcome};
use mtvt_lang::ir::{OutcomeIr, ScenarioIr};
use mtvt_lang::models::Migration;

use crate::report::{self, CheckReport, Failure};

/// The outcome check of one VM: `None` when it matched.
pub fn outcome_failure(s: &ScenarioIr, vm: &str, migration: &Migration) -> Option<Failure> {
    judged_failure(check_outcome(&s.expect, migration), vm, migration)
}

/// The outcome line `outcome` judged on one VM: `None` when it matched.
pub fn stated_outcome_failure(
    outcome: &OutcomeIr,
    vm: &str,
    migration: &Migration,
) -> Option<Failure> {
    judged_failure(judge_outcome(outcome, migration), vm, migration)
}

fn judged_failure(judged: AssertOutcome, vm: &str, migration: &Migration) -> Option<Failure> {
    match judged {
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
                message: text,
                expected: Some(expected),
                actual: Some(actual),
                location: Some(span),
                requested_at: None,
                at_source: true,
            })
        }
        _ => None,
    }
}

/// The reports and failures of the check outcomes of one VM.
pub fn report(vm: &str, outcomes: Vec<CheckOutcome>) -> (Vec<CheckReport>, Vec<Failure>) {
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for c in outcomes {
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
                    failures.push(Failure {
                        vm: Some(vm.to_string()),
                        check: Some(c.name.clone()),
                        message: message
                            .clone()
                            .unwrap_or_else(|| format!("check {} failed", c.name)),
                        expected: Some(expected.clone()),
                        actual: Some(actual.clone()),
                        location: Some(span.clone()),
                        requested_at: c.requested_at.clone(),
                        at_source: true,
                    });
                }
                AssertOutcome::NotRun { .. } => {}
            }
        }
        let (status, reason) = match c.status() {
            CheckStatus::Passed => (report::CheckStatus::Passed, None),
            CheckStatus::Failed => (report::CheckStatus::Failed, None),
            CheckStatus::NotRun(r) => (report::CheckStatus::NotRun, Some(r)),
            CheckStatus::Skipped(r) => (report::CheckStatus::Skipped, Some(r)),
        };
        reports.push(CheckReport {
            name: c.name.clone(),
            status,
            reason,
            passed,
            failed,
        });
    }
    (reports, failures)
}
