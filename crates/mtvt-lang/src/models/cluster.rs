//! `cluster`: read-only views of the destination cluster's objects around a plan — the
//! PVCs and DataVolumes of its target namespace, the Plan's status conditions — for checks
//! about what a migration (or a lifecycle step after it: archive, delete) left behind.
//! `mtvt run` reads them only for checks that use `cluster`, each time such a check runs.

use std::collections::BTreeMap;

use super::model;

model! {
    /// The destination cluster around this VM's plan, read when the check runs.
    Cluster as Cluster {
        /// PersistentVolumeClaims of the plan's target namespace (all of them, sorted by name).
        pvcs: Vec<ClusterPvc>,
        /// The PVCs of the target namespace as they were when the outcome was observed
        /// (inside `then`: before its first step; in the scenario's `expect`: `pvcs`), to
        /// compare with what a later step left (the same `uid` = the claim was reused).
        outcome_pvcs: Vec<ClusterPvc>,
        /// CDI DataVolumes of the plan's target namespace, sorted by name.
        data_volumes: Vec<ClusterDataVolume>,
        /// The Plan's `status.conditions`; empty once the Plan is deleted.
        plan_conditions: Vec<Condition>,
        /// Whether the Plan still exists.
        plan_exists: bool,
    }
}

model! {
    /// One PersistentVolumeClaim.
    ClusterPvc as ClusterPvc {
        /// `metadata.name`.
        name: String,
        /// `metadata.uid` (unchanged while the claim is reused).
        uid: String,
        /// `status.phase` (`Bound`, `Pending`, `Lost`).
        phase: String,
        /// `Kind/name` of every owner reference.
        owners: Vec<String>,
        /// `metadata.labels`.
        labels: BTreeMap<String, String>,
    }
}

model! {
    /// One CDI DataVolume.
    ClusterDataVolume as ClusterDataVolume {
        /// `metadata.name`.
        name: String,
        /// `status.phase` (`Succeeded`, `ImportInProgress`, …).
        phase: String,
        /// `Kind/name` of every owner reference.
        owners: Vec<String>,
    }
}

model! {
    /// One status condition (Forklift's shape: type, status, category, reason, message).
    Condition as Condition {
        /// Condition type (`Ready`, `Archived`, `VMNetworksNotMapped`, …).
        r#type: String,
        /// `True` or `False`.
        status: String,
        /// Forklift's category (`Critical`, `Error`, `Warn`, `Advisory`, `Required`).
        category: String,
        /// `reason`.
        reason: String,
        /// `message`.
        message: String,
    }
}
