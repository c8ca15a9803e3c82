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
use crate::cluster::kinds::Kind;

pub use hook::hook;
pub use maps::{ProviderPair, nad, network_map, storage_map};
pub use migration::migration;
pub use namespace::namespace;
pub use plan::{PlanManifest, PlanVm, plan};
pub use provider::{local_destination, remote_destination, source_provider};
pub use secret::{SourceSecretInput, offload_secret, remote_token_secret, source_secret};

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

/// A manifest skeleton: apiVersion, kind, metadata (name, namespace, labels).
pub fn object(kind: Kind, name: &str, namespace: Option<&str>, owner: &Owner) -> Value {
    let mut meta = Map::new();
    meta.insert("name".into(), json!(name));
    if let (true, Some(ns)) = (kind.namespaced, namespace) {
        meta.insert("namespace".into(), json!(ns));
    }
    meta.insert("labels".into(), json!(owner.labels()));
    json!({
        "apiVersion": kind.api_version(),
        "kind": kind.kind,
        "metadata": Value::Object(meta),
    })
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

/// An `ObjectReference` `{name, namespace}`.
pub fn reference(name: &str, namespace: &str) -> Value {
    json!({"name": name, "namespace": namespace})
}

/// The (kind, namespace, name) of a manifest.
pub fn identity(manifest: &Value) -> Option<(Kind, Option<String>, String)> {
    let api_version = manifest.get("apiVersion")?.as_str()?;
    let kind = manifest.get("kind")?.as_str()?;
    let kind = Kind::find(api_version, kind)?;
    let name = manifest.pointer("/metadata/name")?.as_str()?.to_string();
    let ns = manifest
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .map(str::to_string);
    Some((kind, ns, name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::kinds;

    #[test]
    fn skeleton_and_identity() {
        let owner = Owner {
            session: "auto-ab12".into(),
            scenario: Some("a[b=c]".into()),
        };
        let o = object(kinds::PLAN, "p", Some("ns"), &owner);
        assert_eq!(o["metadata"]["labels"]["mtvt.io/scenario"], "a-b-c");
        assert_eq!(o["metadata"]["labels"]["mtvt.io/session"], "auto-ab12");
        let (k, ns, n) = identity(&o).unwrap();
        assert_eq!(
            (k, ns.as_deref(), n.as_str()),
            (kinds::PLAN, Some("ns"), "p")
        );
        let n = object(kinds::NAMESPACE, "x", Some("ignored"), &owner);
        assert!(n["metadata"].get("namespace").is_none());
    }
}
