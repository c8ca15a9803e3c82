//! The lifecycle step `cancel at STEP` (`then { migrate; cancel at STEP }`): once a VM of the
//! Migration has reached the pipeline step, every VM it runs is listed in `spec.cancel`, as
//! the pytest suite cancels (utilities/migration_utils.py `cancel_migration`) and Forklift
//! reads it (a listed VM gets condition Canceled, pkg/controller/plan/migration.go). The
//! wait for the Migration's end is the next step's.

use std::time::Duration;

use kube::api::{Patch, PatchParams};
use serde_json::{Value, json};

use super::{Executor, Output};
use crate::cluster::ObjectRef;
use crate::engine::conditions::vm_at_step;
use crate::engine::error::{EngineError, api_message};
use crate::engine::retry::with_retry;
use crate::engine::watches::WaitOptions;

/// Waits (at most `timeout`) until a VM of `migration` reaches `step`, then cancels its VMs.
pub(super) async fn cancel_at(
    x: &Executor,
    migration: &ObjectRef,
    step: &str,
    timeout: Duration,
) -> Result<Output, EngineError> {
    let opts = WaitOptions {
        timeout,
        cancel: &x.cancel,
    };
    let m = x
        .watches
        .wait(migration, vm_at_step(step), &opts, |_| {})
        .await?;
    let vms = cancel_list(&m.data);
    let patch = json!({"spec": {"cancel": vms}});
    let api = migration.api(&x.client);
    let patched = with_retry(|| async {
        api.patch(
            &migration.name,
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
    })
    .await
    .map_err(|e| EngineError::Api {
        action: format!("cancel the VMs of {migration}"),
        message: api_message(&e),
    })?;
    Ok(Output::Object(Box::new(patched)))
}

/// `[{id}]` of every VM of a Migration's status (`{name}` when a VM has no id).
fn cancel_list(migration: &Value) -> Vec<Value> {
    migration
        .pointer("/status/vms")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| match (v.get("id"), v.get("name")) {
            (Some(id), _) if id.as_str().is_some_and(|s| !s.is_empty()) => Some(json!({"id": id})),
            (_, Some(name)) => Some(json!({"name": name})),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_vm_of_the_migration_is_canceled_by_id() {
        let m = json!({"status": {"vms": [{"id": "vm-1", "name": "a"}, {"name": "b"}, {}]}});
        assert_eq!(
            cancel_list(&m),
            vec![json!({"id": "vm-1"}), json!({"name": "b"})]
        );
    }
}
