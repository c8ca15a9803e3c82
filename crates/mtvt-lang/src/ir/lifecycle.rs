//! Lifecycle IR: the steps of a scenario's `then { … }` block after its outcome (archive,
//! delete, another Migration, a wait) and the expectations between them.

use mtvt_vocab::Duration;
use serde::Serialize;

use super::check::CheckRefIr;
use super::expect::OutcomeIr;
use super::values::SpanIr;
use crate::schema::enums::PipelineStep;

/// One lifecycle step after the outcome, with its line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThenStepIr {
    /// What to do.
    pub step: ThenStep,
    /// The entry.
    pub span: SpanIr,
}

/// The lifecycle steps of `then { … }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ThenStep {
    /// Archive the Plan and wait for `Archived`.
    Archive,
    /// Delete the Plan and wait until it is gone.
    DeletePlan,
    /// Delete the migrated VirtualMachines and wait until they are gone.
    DeleteVms,
    /// Start another Migration and wait until it ends.
    Migrate {
        /// `spec.resumeConversion`.
        resume_conversion: bool,
        /// `cancel at STEP`: cancel the Migration's VMs once one reaches this step.
        cancel_at: Option<PipelineStep>,
    },
    /// Wait until the Plan has a condition.
    WaitPlan {
        /// Condition type.
        condition: String,
    },
    /// Checks (and optionally the outcome of the latest Migration) at this point.
    Expect(ThenExpectIr),
}

/// An `expect` block inside `then`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThenExpectIr {
    /// The outcome of the latest Migration, when stated.
    pub outcome: Option<OutcomeIr>,
    /// Checks on every VM.
    pub checks: Vec<CheckRefIr>,
    /// How long the expectation may take to hold (`within`); none = it must hold at once.
    pub within: Option<Duration>,
    /// The block.
    pub span: SpanIr,
}
