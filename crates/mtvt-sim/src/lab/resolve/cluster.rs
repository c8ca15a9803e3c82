//! The destination cluster of a lab: nodes (with the labels kube gives them, unique names, at
//! least one worker) and storage classes (unique names, at most one default).

use std::collections::{BTreeMap, BTreeSet};

use super::issue;
use crate::lab::error::LabIssue;
use crate::lab::file::{ClusterFile, NodeRole};
use crate::lab::model::*;

pub(super) fn resolve_cluster(c: ClusterFile, issues: &mut Vec<LabIssue>) -> Cluster {
    let mut seen = BTreeSet::new();
    let mut nodes = Vec::new();
    for (i, n) in c.nodes.into_iter().enumerate() {
        if !seen.insert(n.name.clone()) {
            issue(
                issues,
                format!("cluster.nodes[{i}].name"),
                format!("node {:?} is listed twice", n.name),
                "give every node a unique name",
            );
        }
        let mut labels = BTreeMap::new();
        labels.insert("kubernetes.io/hostname".to_string(), n.name.clone());
        labels.insert("kubernetes.io/os".to_string(), "linux".to_string());
        labels.insert("kubernetes.io/arch".to_string(), "amd64".to_string());
        let worker = n.roles.contains(&NodeRole::Worker);
        if worker {
            labels.insert("node-role.kubernetes.io/worker".to_string(), String::new());
        }
        if n.roles.contains(&NodeRole::ControlPlane) {
            labels.insert(
                "node-role.kubernetes.io/control-plane".to_string(),
                String::new(),
            );
            labels.insert("node-role.kubernetes.io/master".to_string(), String::new());
        }
        if let Some(zone) = n.zone {
            labels.insert("topology.kubernetes.io/zone".to_string(), zone);
        }
        labels.extend(n.labels);
        nodes.push(Node {
            name: n.name,
            labels,
            worker,
        });
    }
    if !nodes.iter().any(|n| n.worker) {
        issue(
            issues,
            "cluster.nodes".into(),
            "no node has the worker role".into(),
            "add `roles: [worker]` to at least one node",
        );
    }
    let mut storage_classes = Vec::new();
    let mut sc_names = BTreeSet::new();
    for (i, s) in c.storage_classes.into_iter().enumerate() {
        if !sc_names.insert(s.name.clone()) {
            issue(
                issues,
                format!("cluster.storage_classes[{i}].name"),
                format!("storage class {:?} is listed twice", s.name),
                "give every storage class a unique name",
            );
        }
        storage_classes.push(StorageClass {
            name: s.name,
            provisioner: s.provisioner,
            default: s.default,
            volume_binding_mode: s.volume_binding_mode.unwrap_or_else(|| "Immediate".into()),
            reclaim_policy: s.reclaim_policy.unwrap_or_else(|| "Delete".into()),
            allow_volume_expansion: s.allow_volume_expansion.unwrap_or(true),
            parameters: s.parameters,
        });
    }
    if storage_classes.iter().filter(|s| s.default).count() > 1 {
        issue(
            issues,
            "cluster.storage_classes".into(),
            "more than one storage class is marked default".into(),
            "keep `default: true` on one class only",
        );
    }
    Cluster {
        nodes,
        storage_classes,
        smb_csi_driver: c.smb_csi_driver,
    }
}
