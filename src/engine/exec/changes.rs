//! Changes to objects the run does not own, journalled with what to restore: a label on a
//! schedulable worker node (node-selector plans) and the ForkliftController's precopy
//! interval (warm plans, an integer as the upstream CRD types it). Each is made once per
//! session.

use serde_json::json;

use super::{Executor, Output};
use crate::engine::error::EngineError;

/// Labels a worker node `key=value`.
pub(super) async fn label_node(
    x: &Executor,
    key: &str,
    value: &str,
) -> Result<Output, EngineError> {
    x.applier
        .label_worker_node(key, value)
        .await
        .map(|_| Output::Nothing)
}

/// Sets `spec.controller_precopy_interval` of the ForkliftController (minutes).
pub(super) async fn precopy_interval(x: &Executor, minutes: i64) -> Result<Output, EngineError> {
    x.applier
        .set_controller_field(
            &x.mtv_namespace,
            "controller_precopy_interval",
            json!(minutes),
        )
        .await
        .map(|_| Output::Nothing)
}
