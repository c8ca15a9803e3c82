//! The objects a run creates, as JSON manifests: pure functions of already-resolved inputs
//! (names, labels, profile data, inventory answers). The same functions feed `mtvt run`
//! and `mtvt render`, so what render prints is what a run creates.
//!
//! Nothing here talks to a cluster or resolves `${session}`; secrets go into Secret
//! manifests only (render redacts them, the journal never sees them).

mod hook;
mod maps;
mod migration;
mod namespace;
mod plan;
mod provider;
mod secret;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::names::{SCENARIO_LABEL, SESSION_LABEL, label_value};
use crate::cluster::ObjectRef;
use crate::cluster::kinds::Kind;

pub use hook::hook;
pub use maps::{ProviderPair, nad, network_map, storage_map};
pub use migration::migration;
pub use namespace::namespace;
pub use plan::{PlanManifest, PlanVm, plan};
pub use provider::{local_destination, remote_destination, source_provider};
pub use secret::{SourceSecretInput, ca_key, opaque_secret, remote_token_secret, source_secret};

/// Who an object belongs to: its labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// Session id.
    pub session: String,
    /// Scenario name (none for session-wide objects).
    pub scenario: Option<String>,
}

impl Owner {
    /// Labels `mtvt.io/session` (and `mtvt.io/scenario`).
    pub fn labels(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        m.insert(SESSION_LABEL.to_string(), self.session.clone());
        if let Some(s) = &self.scenario {
            m.insert(SCENARIO_LABEL.to_string(), label_value(s));
        }
        m
    }
}

/// An object to create: the typed reference it was built for and its body. The body's
/// `apiVersion`, `kind` and `metadata` agree with the reference by construction
/// ([`object`]), so nothing downstream reads them back.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// What it is.
    pub object: ObjectRef,
    /// The object as sent to the API server.
    pub body: Value,
}

/// A manifest skeleton: apiVersion, kind, metadata (name, namespace, labels).
pub fn object(kind: Kind, name: &str, namespace: Option<&str>, owner: &Owner) -> Manifest {
    let object = ObjectRef::new(kind, namespace, name);
    let mut meta = Map::new();
    meta.insert("name".into(), json!(name));
    if let Some(ns) = &object.namespace {
        meta.insert("namespace".into(), json!(ns));
    }
    meta.insert("labels".into(), json!(owner.labels()));
    let body = json!({
        "apiVersion": kind.api_version(),
        "kind": kind.kind,
        "metadata": Value::Object(meta),
    });
    Manifest { object, body }
}

/// Sets `key` of a JSON object (no-op on other values; manifests are always objects).
pub fn set(target: &mut Value, key: &str, value: Value) {
    if let Some(o) = target.as_object_mut() {
        o.insert(key.to_string(), value);
    }
}

/// Sets `parent.key` (creating `parent` as an object when missing).
pub fn set_in(target: &mut Value, parent: &str, key: &str, value: Value) {
    if let Some(o) = target.as_object_mut() {
        let p = o
            .entry(parent.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        set(p, key, value);
    }
}

/// Merges a scenario's `forklift { … }` passthrough fields into `target`: objects merge
/// field by field (so `destination: { volumeMode }` keeps the `storageClass` mtvt set),
/// anything else is taken as written. The checker has refused every field mtvt sets, so
/// nothing of mtvt's own is overwritten.
pub fn merge_passthrough(target: &mut Value, extra: &Value) {
    match (target, extra) {
        (Value::Object(t), Value::Object(e)) => {
            for (k, v) in e {
                match t.get_mut(k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge_passthrough(slot, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, e) => *t = e.clone(),
    }
}

/// An `ObjectReference` `{name, namespace}`.
pub fn reference(name: &str, namespace: &str) -> Value {
    json!({"name": name, "namespace": namespace})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::kinds;

    #[test]
    fn skeleton_agrees_with_its_reference() {
        let owner = Owner {
            session: "auto-ab12".into(),
            scenario: Some("a[b=c]".into()),
        };
        let o = object(kinds::PLAN, "p", Some("ns"), &owner);
        assert_eq!(o.body["metadata"]["labels"]["mtvt.io/scenario"], "a-b-c");
        assert_eq!(o.body["metadata"]["labels"]["mtvt.io/session"], "auto-ab12");
        assert_eq!(o.object, ObjectRef::namespaced(kinds::PLAN, "ns", "p"));
        assert_eq!(o.body["kind"], "Plan");
        assert_eq!(o.body["metadata"]["namespace"], "ns");
        let mut spec = json!({"destination": {"storageClass": "sc"}, "source": {"id": "d"}});
        merge_passthrough(
            &mut spec,
            &json!({"destination": {"volumeMode": "Block"}, "extra": [1]}),
        );
        assert_eq!(
            spec,
            json!({"destination": {"storageClass": "sc", "volumeMode": "Block"}, "source": {"id": "d"}, "extra": [1]})
        );
        let n = object(kinds::NAMESPACE, "x", Some("ignored"), &owner);
        assert!(n.body["metadata"].get("namespace").is_none());
        assert_eq!(n.object.namespace, None);
    }
}
