//! Namespace manifests: the session's and each scenario's namespace, labelled with the
//! session and as the pytest suite labels its target namespace (M `conftest.py:311-334`):
//! pod security `restricted` (Forklift's migration pods are built to run under it) and the
//! KubeMacPool opt-out, so KubeMacPool does not hand migrated VMs new MACs that clash with
//! the preserved source MACs.

use serde_json::{Value, json};

use super::{Manifest, Owner, object};
use crate::cluster::kinds;

/// Labels of every namespace a run creates (besides the session/scenario labels).
pub const NAMESPACE_LABELS: &[(&str, &str)] = &[
    ("pod-security.kubernetes.io/enforce", "restricted"),
    ("pod-security.kubernetes.io/enforce-version", "latest"),
    ("mutatevirtualmachines.kubemacpool.io", "ignore"),
];

/// A Namespace.
pub fn namespace(name: &str, owner: &Owner) -> Manifest {
    let mut o = object(kinds::NAMESPACE, name, None, owner);
    if let Some(labels) = o
        .body
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        for (k, v) in NAMESPACE_LABELS {
            labels.insert((*k).to_string(), json!(v));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        let n = namespace(
            "auto-ab12",
            &Owner {
                session: "auto-ab12".into(),
                scenario: None,
            },
        );
        assert_eq!(n.body["kind"], "Namespace");
        assert_eq!(
            n.body["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
            "restricted"
        );
        assert_eq!(
            n.body["metadata"]["labels"]["mutatevirtualmachines.kubemacpool.io"],
            "ignore"
        );
        assert_eq!(n.body["metadata"]["labels"]["mtvt.io/session"], "auto-ab12");
    }
}
