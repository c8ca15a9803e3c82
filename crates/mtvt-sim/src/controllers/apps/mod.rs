//! The cluster's long-running workloads: kube-controller-manager's Deployment and ReplicaSet
//! controllers and the kubelet of the pods they make, as far as Deployments that run one
//! service each need them (Forklift's operator, controller, API, validation, UI plugin...).
//!
//! A Deployment owns one ReplicaSet per pod template (`<deployment>-<pod-template-hash>`);
//! a new template gets a new ReplicaSet, and once its pods are Ready the old ReplicaSets are
//! scaled to 0 (a rolling update). A ReplicaSet keeps `spec.replicas` pods
//! (`<replicaset>-xxxxx`, owned by it); the kubelet ([`super::kubelet`]) runs them.
//! [`materialize`] writes a Deployment with its ReplicaSet and Running pods at once, for
//! workloads that were running before the emulator started.
//!
//! What it must not do: know what the workloads are (that is their operator's business) or
//! model rollout parameters beyond "new pods Ready, then old ones go" (no surge limits,
//! probes, restarts or crash loops).

mod deployment;
mod materialize;
mod replica_set;

pub use materialize::materialize;

use serde_json::Value;

use super::json_edit::text;
use super::runtime::{self, Key, Watch};
use super::{Ctx, Started, gvr};
use crate::store::{ListOptions, object};

/// The label kube-controller-manager adds to a Deployment's ReplicaSets and their pods.
pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";

pub(super) fn spawn(ctx: &Ctx) -> Vec<Started> {
    let c = ctx.clone();
    let deployments = runtime::spawn(
        "deployment",
        &ctx.store,
        &ctx.shutdown,
        vec![
            Watch::own(gvr::deployments()),
            Watch::mapped(gvr::replica_sets(), |_, ev| {
                owner_key(&ev.object, "Deployment")
            }),
        ],
        move |q, key| deployment::reconcile(&c, q, key),
    );
    let c = ctx.clone();
    let replica_sets = runtime::spawn(
        "replicaset",
        &ctx.store,
        &ctx.shutdown,
        vec![
            Watch::own(gvr::replica_sets()),
            Watch::mapped(gvr::pods(), |_, ev| owner_key(&ev.object, "ReplicaSet")),
        ],
        move |q, key| replica_set::reconcile(&c, q, key),
    );
    vec![
        Started {
            queue: deployments,
            gvr: gvr::deployments(),
        },
        Started {
            queue: replica_sets,
            gvr: gvr::replica_sets(),
        },
    ]
}

/// The key of `obj`'s controlling owner of kind `kind` (none, or one).
fn owner_key(obj: &Value, kind: &str) -> Vec<Key> {
    obj.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| text(r, "/kind") == kind)
        .map(|r| {
            (
                object::namespace(obj).to_string(),
                text(r, "/name").to_string(),
            )
        })
        .take(1)
        .collect()
}

/// Objects of `g` in `ns` controlled by the object with `uid`, not being deleted.
fn owned(ctx: &Ctx, g: &crate::store::Gvr, ns: &str, uid: &str) -> Vec<std::sync::Arc<Value>> {
    ctx.store
        .list(g, Some(ns), &ListOptions::default())
        .map(|l| l.items)
        .unwrap_or_default()
        .into_iter()
        .filter(|o| !object::is_deleting(o) && object::owner_uids(o).iter().any(|u| u == uid))
        .collect()
}

/// A controller owner reference to `owner` (of `api_version`/`kind`).
fn controller_ref(owner: &Value, api_version: &str, kind: &str) -> Value {
    serde_json::json!({
        "apiVersion": api_version, "kind": kind, "name": object::name(owner),
        "uid": object::uid(owner), "controller": true, "blockOwnerDeletion": true,
    })
}

/// kube-controller-manager's `pod-template-hash`: the FNV-1a 32-bit hash of the pod
/// template, printed in decimal and encoded with the alphabet of `rand.SafeEncodeString`
/// (no vowels, no look-alike digits).
pub fn pod_template_hash(template: &Value) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let hash = template.to_string().bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash.to_string()
        .bytes()
        .filter_map(|d| ALPHABET.get(usize::from(d) % ALPHABET.len()))
        .map(|b| char::from(*b))
        .collect()
}

/// `spec.replicas` (default 1).
fn replicas(obj: &Value) -> i64 {
    obj.pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1)
}

/// Whether a pod is Ready.
fn pod_ready(pod: &Value) -> bool {
    pod.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|c| text(c, "/type") == "Ready" && text(c, "/status") == "True")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn template_hash_is_stable_and_safe() {
        let t = json!({"metadata": {"labels": {"app": "forklift"}}, "spec": {"containers": [{"name": "main"}]}});
        let h = pod_template_hash(&t);
        assert_eq!(h, pod_template_hash(&t.clone()));
        assert!(!h.is_empty() && h.len() <= 10, "{h}");
        assert!(
            h.bytes()
                .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b)),
            "{h}"
        );
        let other = json!({"metadata": {"labels": {"app": "forklift"}}, "spec": {"containers": [{"name": "other"}]}});
        assert_ne!(h, pod_template_hash(&other));
    }
}
