//! The destination cluster (nodes, storage classes) and the guest credentials tests use.

use std::collections::BTreeMap;

use mtvt_vocab::Secret;

/// A destination cluster node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Node name.
    pub name: String,
    /// Labels (including `kubernetes.io/hostname` and role labels).
    pub labels: BTreeMap<String, String>,
    /// Whether the node runs workloads (has the worker role).
    pub worker: bool,
}

/// A destination storage class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageClass {
    /// Name.
    pub name: String,
    /// CSI provisioner.
    pub provisioner: String,
    /// Annotated as the default class.
    pub default: bool,
    /// `Immediate` or `WaitForFirstConsumer`.
    pub volume_binding_mode: String,
    /// `Delete` or `Retain`.
    pub reclaim_policy: String,
    /// Expansion allowed.
    pub allow_volume_expansion: bool,
    /// Parameters.
    pub parameters: BTreeMap<String, String>,
}

/// The destination OpenShift cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// Nodes.
    pub nodes: Vec<Node>,
    /// Storage classes.
    pub storage_classes: Vec<StorageClass>,
    /// Whether the SMB CSI driver (`smb.csi.k8s.io`) is installed, which Hyper-V
    /// providers need to mount their share (default: yes).
    pub smb_csi_driver: bool,
}

/// Guest OS logins handed to post-migration checks through `.providers.json`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GuestCredentials {
    /// Linux user.
    pub linux_user: String,
    /// Linux password.
    pub linux_password: Secret,
    /// Windows user.
    pub windows_user: String,
    /// Windows password.
    pub windows_password: Secret,
}
