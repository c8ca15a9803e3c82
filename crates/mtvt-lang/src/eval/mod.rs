//! Evaluation of checked checks against model instances: the runner builds the models of
//! one migrated VM ([`Bindings`]), calls [`run_checks`] and gets, per check, one
//! [`AssertOutcome`] per executed `assert` — Pass, Fail (expected, actual, message, span)
//! or NotRun (reason, span). Every failure is collected; only `skip` ends a check early.
//! This module does no I/O.
//!
//! ```no_run
//! use mtvt_lang::eval::{Bindings, run_checks};
//! # fn demo(scenario: &mtvt_lang::ir::ScenarioIr, source: &mtvt_lang::models::SourceVm,
//! #   dest: &mtvt_lang::models::DestVm, plan: &mtvt_lang::models::Plan,
//! #   vm: &mtvt_lang::models::Vm, migration: &mtvt_lang::models::Migration) {
//! let bindings = Bindings::new(source, dest, plan, vm, migration);
//! for check in run_checks(scenario, &bindings) {
//!     println!("{}: {:?}", check.name, check.status());
//! }
//! # }
//! ```

mod builtins;
mod exec;
mod expr;
pub mod guest;
mod value;

use serde::Serialize;

use crate::ir::{CheckIr, CheckRefIr, ExpectIr, Outcome, OutcomeIr, ScenarioIr, SpanIr};
use crate::models::{Cluster, DestVm, Migration, Plan, SourceVm, Vm};
use crate::schema::enums::{MigrationResult, PipelineStep};

pub use exec::Interrupt;
pub use guest::{GuestAnswer, GuestAnswers, GuestRequest};
pub use value::Val;

/// The model instances of one migrated VM, as JSON (see `models`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bindings {
    /// `source`
    pub source: serde_json::Value,
    /// `dest`
    pub dest: serde_json::Value,
    /// `plan`
    pub plan: serde_json::Value,
    /// `vm`
    pub vm: serde_json::Value,
    /// `migration`
    pub migration: serde_json::Value,
    /// What the guest answered so far (`guest`; see [`guest`]).
    pub guest: GuestAnswers,
    /// `cluster` (`null` until [`Bindings::with_cluster`]: read only for checks that use it).
    pub cluster: serde_json::Value,
}

impl Bindings {
    /// Serializes the five models.
    pub fn new(
        source: &SourceVm,
        dest: &DestVm,
        plan: &Plan,
        vm: &Vm,
        migration: &Migration,
    ) -> Self {
        let j = |v: serde_json::Result<serde_json::Value>| v.unwrap_or(serde_json::Value::Null);
        Bindings {
            source: j(serde_json::to_value(source)),
            dest: j(serde_json::to_value(dest)),
            plan: j(serde_json::to_value(plan)),
            vm: j(serde_json::to_value(vm)),
            migration: j(serde_json::to_value(migration)),
            guest: GuestAnswers::for_vm(format!("{}/{}", dest.namespace, dest.name)),
            cluster: serde_json::Value::Null,
        }
    }

    /// These bindings with the `cluster` model.
    pub fn with_cluster(mut self, cluster: &Cluster) -> Self {
        self.cluster = serde_json::to_value(cluster).unwrap_or(serde_json::Value::Null);
        self
    }
}

/// The result of one `assert`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum AssertOutcome {
    /// The condition held.
    Pass {
        /// The assert.
        span: SpanIr,
    },
    /// The condition did not hold (or could not be evaluated).
    Fail {
        /// The assert.
        span: SpanIr,
        /// The assert's message.
        message: Option<String>,
        /// What was expected (right side of a comparison).
        expected: String,
        /// What was found (left side).
        actual: String,
    },
    /// The condition cannot be evaluated here (e.g. no SSH path).
    NotRun {
        /// The assert.
        span: SpanIr,
        /// Why.
        reason: String,
    },
}

/// Summary status of a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum CheckStatus {
    /// Every executed assert passed.
    Passed,
    /// At least one assert failed.
    Failed,
    /// Nothing failed but some assert could not run.
    NotRun(String),
    /// `skip` ran before any assert failed, or nothing was asserted.
    Skipped(String),
}

/// The outcome of one check on one VM.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckOutcome {
    /// Check name (`cpu`).
    pub name: String,
    /// Qualified name (`checks.cpu`).
    pub qualified: String,
    /// Where the scenario asked for it.
    pub requested_at: Option<SpanIr>,
    /// `skip` reason and span, if it ran.
    pub skipped: Option<(String, SpanIr)>,
    /// One outcome per executed assert.
    pub asserts: Vec<AssertOutcome>,
    /// What the check asked of the guest that [`Bindings::guest`] had no answer for (the
    /// asserts reading it are *not run*); answer them and run the check again.
    #[serde(skip)]
    pub pending: Vec<GuestRequest>,
}

impl CheckOutcome {
    /// Failed / not run / skipped / passed, in that order of precedence.
    pub fn status(&self) -> CheckStatus {
        if self
            .asserts
            .iter()
            .any(|a| matches!(a, AssertOutcome::Fail { .. }))
        {
            return CheckStatus::Failed;
        }
        if let Some(AssertOutcome::NotRun { reason, .. }) = self
            .asserts
            .iter()
            .find(|a| matches!(a, AssertOutcome::NotRun { .. }))
        {
            return CheckStatus::NotRun(reason.clone());
        }
        if let Some((reason, _)) = &self.skipped {
            return CheckStatus::Skipped(reason.clone());
        }
        if self.asserts.is_empty() {
            return CheckStatus::Skipped(String::from("nothing to check"));
        }
        CheckStatus::Passed
    }
}

/// Runs one check.
pub fn run_check(check: &CheckIr, bindings: &Bindings) -> CheckOutcome {
    let mut ex = exec::Exec::new(bindings);
    ex.run(&check.body);
    CheckOutcome {
        name: check.name.clone(),
        qualified: check.qualified.clone(),
        requested_at: None,
        skipped: ex.skipped,
        asserts: ex.outcomes,
        pending: ex.pending,
    }
}

/// Runs every check the scenario expects, for one migrated VM.
pub fn run_checks(scenario: &ScenarioIr, bindings: &Bindings) -> Vec<CheckOutcome> {
    run_check_refs(&scenario.expect.checks, bindings)
}

/// Runs these requested checks (those of an `expect` block inside `then`, say) in order.
pub fn run_check_refs(checks: &[CheckRefIr], bindings: &Bindings) -> Vec<CheckOutcome> {
    checks.iter().map(|c| run_ref(c, bindings)).collect()
}

/// The guest requests of `outcomes` still without an answer, each once.
pub fn pending_requests(outcomes: &[CheckOutcome]) -> Vec<GuestRequest> {
    let set: std::collections::BTreeSet<&GuestRequest> =
        outcomes.iter().flat_map(|o| &o.pending).collect();
    set.into_iter().cloned().collect()
}

fn run_ref(c: &CheckRefIr, bindings: &Bindings) -> CheckOutcome {
    let mut out = run_check(&c.check, bindings);
    out.requested_at = Some(c.requested_at.clone());
    out
}

/// Whether a VM's migration ended as the scenario expected (pointing at the `migration`
/// line of the `expect` block). A plan-readiness outcome has no migration to judge: it
/// passes here (the engine judges the Plan itself).
pub fn check_outcome(expect: &ExpectIr, migration: &Migration) -> AssertOutcome {
    judge_outcome(&expect.outcome, migration)
}

/// Whether a VM's migration ended as `outcome` states (pointing at its line).
pub fn judge_outcome(outcome: &OutcomeIr, migration: &Migration) -> AssertOutcome {
    let span = outcome.span.clone();
    let failed_at = |step: PipelineStep| {
        migration.result == MigrationResult::Failed && migration.failed_step == Some(step)
    };
    let mut actual = match (migration.result, migration.failed_step) {
        (MigrationResult::Failed, Some(step)) => format!("failed at {step}"),
        (r, _) => r.as_str().to_string(),
    };
    let (ok, expected) = match &outcome.outcome {
        Outcome::PlanReady | Outcome::PlanNotReady { .. } => return AssertOutcome::Pass { span },
        Outcome::Succeeds => (
            migration.result == MigrationResult::Succeeded,
            String::from("succeeded"),
        ),
        Outcome::Fails { at: None, .. } => (
            migration.result == MigrationResult::Failed,
            String::from("failed"),
        ),
        Outcome::Fails {
            at: Some(step),
            with: None,
        } => (failed_at(*step), format!("failed at {step}")),
        Outcome::Fails {
            at: Some(step),
            with: Some(text),
        } => {
            if let Some(e) = &migration.error {
                actual.push_str(&format!(" with {e:?}"));
            }
            (
                failed_at(*step)
                    && migration
                        .error
                        .as_deref()
                        .is_some_and(|e| e.contains(text.as_str())),
                format!("failed at {step} with an error containing {text:?}"),
            )
        }
    };
    if ok {
        AssertOutcome::Pass { span }
    } else {
        AssertOutcome::Fail {
            span,
            message: Some(String::from("unexpected migration outcome")),
            expected,
            actual,
        }
    }
}
