//! Undoing one journal entry: delete an object (NotFound = done), remove a node label we
//! set, restore a patched field we changed, delete a source clone. An entry is marked
//! undone only when its undo succeeded; every failure is logged with what and why.

use kube::api::{DeleteParams, Patch, PatchParams};
use serde_json::{Value, json};

use super::{Teardown, TeardownLog};
use crate::cluster::{ObjectRef, kinds};
use crate::engine::error::{api_message, is_not_found};
use crate::engine::journal::{Action, Entry, State};
use crate::engine::retry::with_retry;

/// Undoes `e`; returns the object deleted (to await its disappearance).
pub(super) async fn undo_entry(
    t: &Teardown<'_>,
    e: &Entry,
    log: &mut TeardownLog,
) -> Option<ObjectRef> {
    let (result, deleted) = match &e.action {
        Action::Create { object, .. } => match delete(t.client, object).await {
            Ok(was_there) => (Ok(()), was_there.then(|| object.clone())),
            Err(err) => (Err(err), None),
        },
        Action::NodeLabel { node, key, value } => {
            (remove_label(t.client, node, key, value).await, None)
        }
        Action::Patch {
            object,
            path,
            previous,
            value,
        } => (
            restore(t.client, object, path, previous.as_ref(), value).await,
            None,
        ),
        Action::SourceVm {
            profile,
            name,
            id,
            artifacts,
            ..
        } => {
            let r = match t.sources {
                None => Err(format!(
                    "cannot delete {}: the source provider is not connected (run `mtvt clean` with the providers file)",
                    e.action.describe()
                )),
                Some(s) => s
                    .delete(profile, name, id.as_deref(), artifacts)
                    .await
                    .map_err(|err| format!("delete {}: {err}", e.action.describe())),
            };
            (r, None)
        }
    };
    match result {
        Ok(()) => {
            t.journal.set_state(e.seq, State::Undone);
            log.undone += 1;
            deleted
        }
        Err(message) => {
            log.errors.push(message);
            None
        }
    }
}

/// Deletes `object`; `Ok(false)` when it was not there.
async fn delete(client: &kube::Client, object: &ObjectRef) -> Result<bool, String> {
    let api = object.api(client);
    let dp = DeleteParams::background();
    match with_retry(|| async { api.delete(&object.name, &dp).await }).await {
        Ok(_) => Ok(true),
        Err(err) if is_not_found(&err) => Ok(false),
        Err(err) => Err(format!("delete {object}: {}", api_message(&err))),
    }
}

/// Removes label `key` from `node` if it still has the value we set.
async fn remove_label(
    client: &kube::Client,
    node: &str,
    key: &str,
    value: &str,
) -> Result<(), String> {
    let api = kinds::NODE.api(client, None);
    let current = match with_retry(|| async { api.get(node).await }).await {
        Ok(n) => n.metadata.labels.and_then(|l| l.get(key).cloned()),
        Err(err) if is_not_found(&err) => None,
        Err(err) => return Err(format!("get Node {node}: {}", api_message(&err))),
    };
    if current.as_deref() != Some(value) {
        return Ok(());
    }
    let patch = json!({"metadata": {"labels": {key: Value::Null}}});
    with_retry(|| async {
        api.patch(node, &PatchParams::default(), &Patch::Merge(&patch))
            .await
    })
    .await
    .map(|_| ())
    .map_err(|err| format!("remove label {key} on Node {node}: {}", api_message(&err)))
}

/// Puts `previous` back at `path` of `object` if the field still holds what we set.
async fn restore(
    client: &kube::Client,
    object: &ObjectRef,
    path: &str,
    previous: Option<&Value>,
    value: &Value,
) -> Result<(), String> {
    let api = object.api(client);
    let current = match with_retry(|| async { api.get(&object.name).await }).await {
        Ok(obj) => obj,
        Err(err) if is_not_found(&err) => return Ok(()),
        Err(err) => return Err(format!("get {object}: {}", api_message(&err))),
    };
    if current.data.pointer(&format!("/{path}")) != Some(value) {
        return Ok(());
    }
    let patch = nested(path, previous.cloned().unwrap_or(Value::Null));
    with_retry(|| async {
        api.patch(&object.name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
    })
    .await
    .map(|_| ())
    .map_err(|err| format!("restore {object} {path}: {}", api_message(&err)))
}

/// `{"a": {"b": value}}` for path `a/b`.
fn nested(path: &str, value: Value) -> Value {
    path.rsplit('/').fold(value, |acc, key| json!({ key: acc }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_patch() {
        assert_eq!(
            nested("spec/controller_precopy_interval", json!(60)),
            json!({"spec": {"controller_precopy_interval": 60}})
        );
        assert_eq!(nested("spec/x", Value::Null), json!({"spec": {"x": null}}));
    }
}
