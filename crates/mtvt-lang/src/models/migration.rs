//! `migration`: how the migration of one VM went (from the Migration CR's VM status).

use mtvt_vocab::Duration;

use super::model;
use crate::schema::enums::{MigrationResult, PipelineStep, StepPhase};

model! {
    /// The outcome of migrating this VM (`Migration.status.vms[]`).
    Migration as Migration {
        /// How the VM migration ended.
        result: MigrationResult,
        /// First pipeline step with an error; none on success.
        failed_step: Option<PipelineStep>,
        /// The VM error reasons, joined; none on success.
        error: Option<String>,
        /// Pipeline steps in order.
        steps: Vec<Step>,
        /// RFC 3339 start time.
        started: Option<String>,
        /// RFC 3339 completion time.
        completed: Option<String>,
        /// Completed minus started.
        duration: Option<Duration>,
    }
}

model! {
    /// One pipeline step of the VM migration.
    Step as Step {
        /// Step name.
        name: PipelineStep,
        /// Pending / Running / Completed (none for Cutover before it starts).
        phase: Option<StepPhase>,
        /// RFC 3339 start time.
        started: Option<String>,
        /// RFC 3339 completion time.
        completed: Option<String>,
        /// Error reasons, joined; none when the step did not fail.
        error: Option<String>,
        /// Progress done (MB for disk steps).
        progress_completed: i64,
        /// Progress total (MB for disk steps).
        progress_total: i64,
    }
}
