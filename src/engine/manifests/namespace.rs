//! Namespace manifests: the session's and each scenario's namespace, labelled with the
//! session and with the pod-security labels migration pods need (privileged: virt-v2v,
//! importer and hook pods run there).

use serde_json::{Value, json};

use super::{Manifest, Owner, object};
use crate::cluster::kinds;

/// Pod-security labels of every namespace a run creates.
pub const POD_SECURITY_LABELS: &[(&str, &str)] = &[
    ("pod-security.kubernetes.io/enforce", "privileged"),
    ("pod-security.kubernetes.io/audit", "privileged"),
    ("pod-security.kubernetes.io/warn", "privileged"),
    ("security.openshift.io/scc.podSecurityLabelSync", "false"),
];

/// A Namespace.
pub fn namespace(name: &str, owner: &Owner) -> Manifest {
    let mut o = object(kinds::NAMESPACE, name, None, owner);
    if let Some(labels) = o
        .body
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        for (k, v) in POD_SECURITY_LABELS {
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
            "privileged"
        );
        assert_eq!(n.body["metadata"]["labels"]["mtvt.io/session"], "auto-ab12");
    }
}
