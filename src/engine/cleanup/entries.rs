//! Undoing one journal entry: delete an object (NotFound = done), remove a node label we
//! set, restore a patched field we changed, delete a source clone, remove the key line we
//! added on an ESXi host (by its fingerprint: other lines stay). An entry is marked
//! undone only when its undo succeeded; every failure is logged with what and why.
//!
//! The journal is input, never trusted: an object is deleted only when it is the one the
//! session created — the recorded UID, or (when the run stopped before learning it) the
//! session label — and the delete carries the UID as a precondition, so an object of the
//! same name made by someone else (another cluster, a re-created namespace, an edited
//! journal naming `kube-system`) is left alone.

use kube::api::{DeleteParams, Patch, PatchParams, Preconditions};
use serde_json::{Value, json};

use super::{Teardown, TeardownLog};
use crate::cluster::{ObjectRef, kinds};
use crate::engine::error::{api_message, is_not_found};
use crate::engine::journal::{Action, Entry, State};
use crate::engine::names::SESSION_LABEL;
use crate::engine::retry::with_retry;

/// Undoes `e`; returns the object deleted (to await its disappearance).
pub(super) async fn undo_entry(
    t: &Teardown<'_>,
    e: &Entry,
    log: &mut TeardownLog,
) -> Option<ObjectRef> {
    let (result, deleted) = match &e.action {
        Action::Create { object, uid, .. } => {
            let owner = Owner {
                uid: uid.as_deref(),
                session: &t.journal.session(),
            };
            match delete(t.client, object, owner).await {
                Ok(was_there) => (Ok(()), was_there.then(|| object.clone())),
                Err(err) => (Err(err), None),
            }
        }
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
        Action::EsxiKey {
            profile,
            fingerprint,
            ..
        } => {
            let r = match t.esxi.get(profile) {
                None => Err(format!(
                    "cannot remove {}: profile {profile} has no esxi_host/esxi_user/esxi_password (run `mtvt clean` with the providers file)",
                    e.action.describe()
                )),
                Some(login) => crate::engine::exec::esxi::remove_key(login, fingerprint)
                    .await
                    .map_err(|err| format!("remove {}: {err}", e.action.describe())),
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

/// What makes an object the session's own.
#[derive(Debug, Clone, Copy)]
struct Owner<'a> {
    /// The UID recorded when it was created.
    uid: Option<&'a str>,
    /// The session, whose label it carries.
    session: &'a str,
}

impl Owner<'_> {
    /// Why `obj` is not the session's object, if it is not.
    fn disowns(&self, obj: &kube::api::DynamicObject) -> Option<String> {
        let meta = &obj.metadata;
        match self.uid {
            Some(uid) if meta.uid.as_deref() != Some(uid) => Some(format!(
                "its UID is {}, the session created {uid}",
                meta.uid.as_deref().unwrap_or("unknown")
            )),
            Some(_) => None,
            None => {
                let label = meta.labels.as_ref().and_then(|l| l.get(SESSION_LABEL));
                (label.map(String::as_str) != Some(self.session)).then(|| {
                    format!(
                        "no UID was recorded and it does not carry {SESSION_LABEL}={}",
                        self.session
                    )
                })
            }
        }
    }
}

/// Deletes `object` if it is `owner`'s; `Ok(false)` when it was not there or is someone
/// else's (then the session's object is gone: there is nothing of ours to delete). With a
/// recorded UID the delete's precondition alone decides (one request); without one the
/// object is read first for its session label.
async fn delete(
    client: &kube::Client,
    object: &ObjectRef,
    owner: Owner<'_>,
) -> Result<bool, String> {
    let api = object.api(client);
    let uid = match owner.uid {
        Some(uid) => uid.to_string(),
        None => match with_retry(|| async { api.get(&object.name).await }).await {
            Ok(current) => match owner.disowns(&current) {
                Some(why) => {
                    tracing::warn!(
                        "left {object} alone: not the object this session created ({why})"
                    );
                    return Ok(false);
                }
                None => current.metadata.uid.unwrap_or_default(),
            },
            Err(err) if is_not_found(&err) => return Ok(false),
            Err(err) => return Err(format!("get {object}: {}", api_message(&err))),
        },
    };
    let dp = DeleteParams {
        preconditions: Some(Preconditions {
            uid: Some(uid),
            resource_version: None,
        }),
        ..DeleteParams::background()
    };
    match with_retry(|| async { api.delete(&object.name, &dp).await }).await {
        Ok(_) => Ok(true),
        Err(err) if is_not_found(&err) => Ok(false),
        Err(kube::Error::Api(e)) if e.code == 409 => {
            tracing::warn!(
                "left {object} alone: not the object this session created (another UID)"
            );
            Ok(false)
        }
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

    fn object(uid: &str, session: Option<&str>) -> kube::api::DynamicObject {
        let mut labels = std::collections::BTreeMap::new();
        if let Some(s) = session {
            labels.insert(SESSION_LABEL.to_string(), s.to_string());
        }
        let mut o = kube::api::DynamicObject::new(
            "x",
            &kube::api::ApiResource::erase::<k8s_openapi::api::core::v1::Namespace>(&()),
        );
        o.metadata.uid = Some(uid.into());
        o.metadata.labels = Some(labels);
        o
    }

    #[test]
    fn only_the_sessions_own_object_is_deleted() {
        let by_uid = Owner {
            uid: Some("u1"),
            session: "auto-ab12",
        };
        assert_eq!(by_uid.disowns(&object("u1", None)), None, "the UID decides");
        let other = by_uid.disowns(&object("u2", Some("auto-ab12"))).unwrap();
        assert!(other.contains("UID is u2"), "{other}");
        let by_label = Owner {
            uid: None,
            session: "auto-ab12",
        };
        assert_eq!(by_label.disowns(&object("u3", Some("auto-ab12"))), None);
        assert!(by_label.disowns(&object("u3", None)).is_some());
        assert!(by_label.disowns(&object("u3", Some("auto-zz99"))).is_some());
    }

    #[test]
    fn nested_patch() {
        assert_eq!(
            nested("spec/controller_precopy_interval", json!(60)),
            json!({"spec": {"controller_precopy_interval": 60}})
        );
        assert_eq!(nested("spec/x", Value::Null), json!({"spec": {"x": null}}));
    }
}
