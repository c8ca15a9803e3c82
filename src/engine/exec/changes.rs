//! Changes to objects the run does not own, journalled with what to restore: a label on a
//! schedulable worker node (node-selector plans) and the ForkliftController's precopy
//! interval (warm plans, an integer as the upstream CRD types it). Each is made once per
//! session. The precopy interval reaches Forklift only through its operator (a new
//! forklift-controller pod, `PRECOPY_INTERVAL` being read at start), so its change waits
//! for the operator as the pytest suite does: `Running` before, `Successful` after, 300 s
//! each.

use std::time::Duration;

use serde_json::json;

use super::{Executor, Output};
use crate::cluster::{ObjectRef, kinds};
use crate::engine::conditions::{controller_reconciled, controller_running};
use crate::engine::error::EngineError;
use crate::engine::watches::WaitOptions;

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

/// How long the operator may take to be `Running`, and then `Successful` (pytest's 300 s).
pub const OPERATOR_TIMEOUT: Duration = Duration::from_secs(300);

/// Sets `spec.controller_precopy_interval` of the ForkliftController (minutes) once the
/// operator is `Running`, then waits until a run that ended after the change is
/// `Successful`.
pub(super) async fn precopy_interval(x: &Executor, minutes: i64) -> Result<Output, EngineError> {
    let ns = &x.mtv_namespace;
    let opts = WaitOptions {
        timeout: OPERATOR_TIMEOUT,
        cancel: &x.cancel,
    };
    let controller = x.applier.forklift_controller(ns).await?;
    let name = controller.metadata.name.clone().unwrap_or_default();
    let object = ObjectRef::namespaced(kinds::FORKLIFT_CONTROLLER, ns, &name);
    x.watches
        .wait(&object, controller_running(), &opts, |_| {})
        .await?;
    let patch = x
        .applier
        .set_controller_field(ns, "controller_precopy_interval", json!(minutes))
        .await?;
    let object = ObjectRef::namespaced(kinds::FORKLIFT_CONTROLLER, ns, &patch.name);
    x.watches
        .wait(
            &object,
            controller_reconciled(patch.changed_at),
            &opts,
            |_| {},
        )
        .await
        .map(|o| Output::Object(Box::new(o)))
}
