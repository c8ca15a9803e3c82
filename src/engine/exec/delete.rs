//! The lifecycle step `delete` (`then { delete plan }`, `then { delete vms }`): an object
//! deleted (foreground is not needed: what it owns goes by garbage collection, which the
//! next expectation may look at) and awaited until gone; or the VirtualMachines a Plan
//! migrated, found by Forklift's `plan=<uid>` label, the way the pytest suite removes a
//! retained VM before looking for leftover PVCs.

use std::time::Duration;

use kube::api::{DeleteParams, ListParams};

use super::{Executor, Output};
use crate::cluster::{ObjectRef, kinds};
use crate::engine::conditions::deleted;
use crate::engine::error::{EngineError, api_message, is_not_found};
use crate::engine::retry::with_retry;
use crate::engine::watches::WaitOptions;

/// How long a deletion may take (finalizers included).
pub const DELETE_TIMEOUT: Duration = Duration::from_secs(300);

/// Deletes `object` and waits until it is gone (already gone is done).
pub(super) async fn delete(x: &Executor, object: &ObjectRef) -> Result<Output, EngineError> {
    let api = object.api(&x.client);
    match with_retry(|| async { api.delete(&object.name, &DeleteParams::default()).await }).await {
        Err(e) if !is_not_found(&e) => {
            return Err(EngineError::Api {
                action: format!("delete {object}"),
                message: api_message(&e),
            });
        }
        _ => {}
    }
    let opts = WaitOptions {
        timeout: DELETE_TIMEOUT,
        cancel: &x.cancel,
    };
    x.watches
        .wait(object, deleted(), &opts, |_| {})
        .await
        .map(|()| Output::Nothing)
}

/// Deletes the VirtualMachines of `namespace` labelled `plan=<plan_uid>` and waits until
/// none is left.
pub(super) async fn delete_plan_vms(
    x: &Executor,
    namespace: &str,
    plan_uid: &str,
) -> Result<Output, EngineError> {
    if plan_uid.is_empty() {
        return Err(EngineError::Setup(
            "internal: the VMs of a Plan without a uid cannot be found".into(),
        ));
    }
    let api = kinds::VIRTUAL_MACHINE.api(&x.client, Some(namespace));
    let lp = ListParams::default().labels(&format!("plan={plan_uid}"));
    match with_retry(|| async { api.delete_collection(&DeleteParams::default(), &lp).await }).await
    {
        Err(e) if !is_not_found(&e) => {
            return Err(EngineError::Api {
                action: format!("delete the VirtualMachines of plan {plan_uid} in {namespace}"),
                message: api_message(&e),
            });
        }
        _ => {}
    }
    let opts = WaitOptions {
        timeout: DELETE_TIMEOUT,
        cancel: &x.cancel,
    };
    x.watches
        .wait_none(kinds::VIRTUAL_MACHINE, namespace, ("plan", plan_uid), &opts)
        .await
        .map(|()| Output::Nothing)
}
