//! Plan, then execute: a scenario becomes an ordered list of [`Step`]s — objects to create
//! (as manifests), waits, source preparation, node labels, the precopy patch, the migration
//! start — before anything touches a cluster. `mtvt render` prints these steps; `mtvt run`
//! executes the very same list (`engine::exec`, the one executor).
//!
//! Building is pure: inventory answers ([`PlanAnswers`]) come in as data (placeholders in
//! render), so every manifest is snapshot-tested.

mod answers;
mod lifecycle;
mod scenario;
mod session;
mod step;

use std::time::Duration;

pub use answers::{PlanAnswers, placeholder_answers, source_name as answers_source_name};
pub use lifecycle::then_steps;
pub use scenario::{PlanSteps, ScenarioCtx, migrate_steps, prepare_steps};
pub use session::{SessionCtx, SourceCtx, session_steps, source_steps};
use session::{local_destination_step, ready};
pub use step::{
    Create, EsxiKey, PLAN_SECRET_TIMEOUT, SSH_KEY_SECRET_TIMEOUT, Step, Until, VmStep, Wait,
};

/// How long a source Provider may take to become Ready (the pytest suite's 600 s).
pub const PROVIDER_READY_TIMEOUT: Duration = Duration::from_secs(600);
/// How long a Plan may take to become Ready (the pytest suite's 360 s).
pub const PLAN_READY_TIMEOUT: Duration = Duration::from_secs(360);
