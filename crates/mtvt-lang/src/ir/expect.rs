//! Hook and expectation IR: the hooks attached to a plan and what must hold after the
//! migration (outcome and checks). Data only.

use std::sync::Arc;

use mtvt_vocab::Duration;

use super::check::CheckRefIr;
use super::values::SpanIr;
use crate::schema::enums::{ConditionCategory, HookResult, HookStep, PipelineStep};
use serde::Serialize;

/// A hook attached to a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HookIr {
    /// `PreHook` or `PostHook`.
    pub step: HookStep,
    /// Definition it came from (`hooks.fail`), none for inline hooks.
    pub definition: Option<String>,
    /// Where the playbook came from.
    pub source: PlaybookSource,
    /// The decoded playbook YAML (Forklift's Hook `spec.playbook` is its base64).
    pub playbook_text: Arc<str>,
    /// How the playbook is expected to end.
    pub expected: HookExpectation,
    /// Hook runner image.
    pub image: String,
    /// Service account for the hook Job.
    pub service_account: Option<String>,
    /// Hook Job deadline.
    pub deadline: Option<Duration>,
    /// `forklift { … }`: fields merged into the Hook's `spec`.
    pub forklift: Option<serde_json::Value>,
    /// The `hook` line.
    pub span: SpanIr,
}

/// Origin of a hook playbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum PlaybookSource {
    /// `result succeed|fail`: the stdlib's predefined playbook.
    Predefined(HookResult),
    /// `playbook """…"""`.
    Inline,
    /// `playbook_base64 "…"`.
    Base64,
    /// `playbook_file "path"` (path as written).
    File(String),
}

/// How a hook is expected to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HookExpectation {
    /// Designed to succeed.
    Succeed,
    /// Designed to fail.
    Fail,
    /// A custom playbook without `expect`: may do either.
    Custom,
}

/// What must hold after the migration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectIr {
    /// The expected migration outcome (for every plan).
    pub outcome: OutcomeIr,
    /// Checks to evaluate on every migrated VM, composites flattened, in order.
    pub checks: Vec<CheckRefIr>,
    /// The `expect` block.
    pub span: SpanIr,
}

/// The expected outcome with its span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeIr {
    /// Succeeds or fails.
    pub outcome: Outcome,
    /// The `migration …` line.
    pub span: SpanIr,
}

/// The expected outcomes: of the Migration (per VM), or of the Plan's readiness (no
/// Migration is started).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// Every VM migrates.
    Succeeds,
    /// The migration of every VM fails, at a given pipeline step when stated.
    Fails {
        /// The step that must fail; none = any.
        at: Option<PipelineStep>,
        /// Text the VM's error must contain (`with "…"`); none = any error.
        with: Option<String>,
    },
    /// The Plan becomes Ready; the scenario stops there (`plan ready`).
    PlanReady,
    /// The Plan does not become Ready and has condition `condition` (`plan not ready …`).
    PlanNotReady {
        /// Condition type (`VMNetworksNotMapped`).
        condition: String,
        /// The condition's category, when stated.
        category: Option<ConditionCategory>,
    },
}

impl Outcome {
    /// Whether a Migration runs (false for the plan-readiness outcomes).
    pub fn migrates(&self) -> bool {
        matches!(self, Outcome::Succeeds | Outcome::Fails { .. })
    }
}
