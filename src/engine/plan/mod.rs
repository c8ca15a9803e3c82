//! Plan, then execute: a scenario becomes an ordered list of [`Step`]s — objects to create
//! (as manifests), waits, source preparation, node labels, the precopy patch, the migration
//! start — before anything touches a cluster. `mtvt render` prints these steps; `mtvt run`
//! executes the very same list (`engine::execute`).
//!
//! Building is pure: inventory answers ([`PlanAnswers`]) come in as data (placeholders in
//! render), so every manifest is snapshot-tested.

mod answers;
mod scenario;
mod session;

use std::time::Duration;

use serde_json::Value;

use super::journal::Scope;
use crate::cluster::kinds::Kind;

pub use answers::{PlanAnswers, placeholder_answers, source_name as answers_source_name};
pub use scenario::{ScenarioCtx, migrate_steps, prepare_steps};
pub use session::{SessionCtx, SourceCtx, session_steps, source_steps};

/// How long a source Provider may take to become Ready (the pytest suite's 600 s).
pub const PROVIDER_READY_TIMEOUT: Duration = Duration::from_secs(600);
/// How long a Plan may take to become Ready (the pytest suite's 360 s).
pub const PLAN_READY_TIMEOUT: Duration = Duration::from_secs(360);

/// One step of a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Create an object (recorded in the journal first).
    Create {
        /// Undone at session or scenario teardown.
        scope: Scope,
        /// The object.
        manifest: Value,
    },
    /// Create a namespace the scenario names unless it exists (kept for the session; only a
    /// namespace this run created is deleted).
    EnsureNamespace {
        /// The Namespace.
        manifest: Value,
    },
    /// Wait until a condition of an object is True.
    WaitCondition {
        /// Kind.
        kind: Kind,
        /// Namespace.
        namespace: String,
        /// Name.
        name: String,
        /// Condition type (`Ready`).
        condition: &'static str,
        /// Deadline.
        timeout: Duration,
    },
    /// Prepare source VM `vm` of plan `plan`: clone, disks, snapshots, CBT, power, facts.
    PrepareVm {
        /// Plan index.
        plan: usize,
        /// VM index in the plan.
        vm: usize,
        /// What will be done, for humans.
        summary: String,
    },
    /// Wait until the Forklift inventory shows VM `vm` of plan `plan`.
    WaitInventory {
        /// Plan index.
        plan: usize,
        /// VM index.
        vm: usize,
    },
    /// Label a worker node (node-selector scenarios); removed at session teardown.
    LabelNode {
        /// Label key.
        key: String,
        /// Label value.
        value: String,
    },
    /// Set the ForkliftController precopy interval (minutes); restored at session teardown.
    SetPrecopyInterval {
        /// Minutes.
        minutes: i64,
    },
    /// Create the Migration; warm plans get `cutover` = server time + `cutover_after`.
    StartMigration {
        /// The Migration without `spec.cutover`.
        manifest: Value,
        /// Delay of the cutover.
        cutover_after: Option<Duration>,
    },
    /// A heading for readers of a render; does nothing when executed.
    Note(String),
    /// Wait until the Plan's migration has ended (Succeeded, Failed or Canceled).
    WaitMigration {
        /// Plan name.
        plan: String,
        /// Its namespace.
        namespace: String,
        /// Deadline.
        timeout: Duration,
    },
}
