//! What the runner's ServiceAccount may do: one rule per API group, the resources of
//! `cluster::kinds` (plus the few the runner reaches outside that table) with the verbs the
//! runner uses on them. A ClusterRole, because a run creates and deletes its namespaces.

use serde_json::{Value, json};

/// Read only: get, list, watch (the runner's own objects it also deletes in its sweep).
const READ: &[&str] = &["get", "list", "watch"];
/// Everything the runner does to objects it owns: create, read, change, delete.
const WRITE: &[&str] = &[
    "get", "list", "watch", "create", "update", "patch", "delete",
];
/// Read and patch: nodes (label/unlabel for `node labels` scenarios), the
/// ForkliftController (the warm precopy interval).
const PATCH: &[&str] = &["get", "list", "watch", "patch"];

/// (API group, resources, verbs), in the order the ClusterRole lists them.
pub const RULES: &[(&str, &[&str], &[&str])] = &[
    (
        "",
        &[
            "namespaces",
            "secrets",
            "configmaps",
            "pods",
            "persistentvolumeclaims",
        ],
        WRITE,
    ),
    ("", &["nodes"], PATCH),
    ("", &["pods/log", "persistentvolumes", "events"], READ),
    ("batch", &["jobs"], WRITE),
    ("storage.k8s.io", &["storageclasses"], READ),
    ("route.openshift.io", &["routes"], READ),
    (
        "forklift.konveyor.io",
        &[
            "providers",
            "plans",
            "migrations",
            "storagemaps",
            "networkmaps",
            "hooks",
        ],
        WRITE,
    ),
    // Warm plans patch `spec.controller_precopy_interval` and restore it at teardown.
    ("forklift.konveyor.io", &["forkliftcontrollers"], PATCH),
    ("kubevirt.io", &["virtualmachines"], WRITE),
    ("kubevirt.io", &["virtualmachineinstances"], READ),
    (
        "subresources.kubevirt.io",
        &["virtualmachineinstances/portforward"],
        &["get"],
    ),
    ("cdi.kubevirt.io", &["datavolumes"], WRITE),
    (
        "k8s.cni.cncf.io",
        &["network-attachment-definitions"],
        WRITE,
    ),
    ("operators.coreos.com", &["clusterserviceversions"], READ),
    // The `serial` check's expected form depends on the OpenShift release.
    ("config.openshift.io", &["clusterversions"], READ),
];

/// The `rules` of the runner's ClusterRole.
pub fn rules() -> Value {
    Value::Array(
        RULES
            .iter()
            .map(|(group, resources, verbs)| {
                json!({"apiGroups": [group], "resources": resources, "verbs": verbs})
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::cluster::kinds;

    /// Every kind the runner talks to is covered by a rule.
    #[test]
    fn every_kind_of_the_runner_has_a_rule() {
        for k in kinds::ALL.iter().chain([&kinds::PV]) {
            assert!(
                RULES
                    .iter()
                    .any(|(g, r, _)| *g == k.group && r.contains(&k.plural)),
                "no RBAC rule for {}/{}",
                k.group,
                k.plural
            );
        }
    }
}
