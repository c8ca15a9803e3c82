//! The one table of API kinds `mtvt run` reads and writes, so every request goes through
//! `Api<DynamicObject>` with a hand-built `ApiResource` (no discovery round trips, and the
//! same code path against any API server). Adding a kind is adding one row.
//!
//! This module knows group/version/kind/plural and scope; it must not know how objects of
//! a kind are built or waited on.

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind};

/// One API kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kind {
    /// API group (`""` for core).
    pub group: &'static str,
    /// Version.
    pub version: &'static str,
    /// Kind name.
    pub kind: &'static str,
    /// Resource plural.
    pub plural: &'static str,
    /// Namespaced (else cluster-scoped).
    pub namespaced: bool,
}

const fn k(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
) -> Kind {
    Kind {
        group,
        version,
        kind,
        plural,
        namespaced,
    }
}

/// `v1` Namespace.
pub const NAMESPACE: Kind = k("", "v1", "Namespace", "namespaces", false);
/// `v1` Node.
pub const NODE: Kind = k("", "v1", "Node", "nodes", false);
/// `v1` Secret.
pub const SECRET: Kind = k("", "v1", "Secret", "secrets", true);
/// `v1` ConfigMap.
pub const CONFIG_MAP: Kind = k("", "v1", "ConfigMap", "configmaps", true);
/// `v1` Pod.
pub const POD: Kind = k("", "v1", "Pod", "pods", true);
/// `v1` PersistentVolumeClaim.
pub const PVC: Kind = k(
    "",
    "v1",
    "PersistentVolumeClaim",
    "persistentvolumeclaims",
    true,
);
/// `v1` PersistentVolume.
pub const PV: Kind = k("", "v1", "PersistentVolume", "persistentvolumes", false);
/// `v1` Event.
pub const EVENT: Kind = k("", "v1", "Event", "events", true);
/// `batch/v1` Job.
pub const JOB: Kind = k("batch", "v1", "Job", "jobs", true);
/// OpenShift Route.
pub const ROUTE: Kind = k("route.openshift.io", "v1", "Route", "routes", true);
/// Forklift Provider.
pub const PROVIDER: Kind = k(
    "forklift.konveyor.io",
    "v1beta1",
    "Provider",
    "providers",
    true,
);
/// Forklift Plan.
pub const PLAN: Kind = k("forklift.konveyor.io", "v1beta1", "Plan", "plans", true);
/// Forklift Migration.
pub const MIGRATION: Kind = k(
    "forklift.konveyor.io",
    "v1beta1",
    "Migration",
    "migrations",
    true,
);
/// Forklift StorageMap.
pub const STORAGE_MAP: Kind = k(
    "forklift.konveyor.io",
    "v1beta1",
    "StorageMap",
    "storagemaps",
    true,
);
/// Forklift NetworkMap.
pub const NETWORK_MAP: Kind = k(
    "forklift.konveyor.io",
    "v1beta1",
    "NetworkMap",
    "networkmaps",
    true,
);
/// Forklift Hook.
pub const HOOK: Kind = k("forklift.konveyor.io", "v1beta1", "Hook", "hooks", true);
/// Forklift operator's ForkliftController.
pub const FORKLIFT_CONTROLLER: Kind = k(
    "forklift.konveyor.io",
    "v1beta1",
    "ForkliftController",
    "forkliftcontrollers",
    true,
);
/// KubeVirt VirtualMachine.
pub const VIRTUAL_MACHINE: Kind = k(
    "kubevirt.io",
    "v1",
    "VirtualMachine",
    "virtualmachines",
    true,
);
/// KubeVirt VirtualMachineInstance.
pub const VMI: Kind = k(
    "kubevirt.io",
    "v1",
    "VirtualMachineInstance",
    "virtualmachineinstances",
    true,
);
/// CDI DataVolume.
pub const DATA_VOLUME: Kind = k(
    "cdi.kubevirt.io",
    "v1beta1",
    "DataVolume",
    "datavolumes",
    true,
);
/// Multus NetworkAttachmentDefinition.
pub const NAD: Kind = k(
    "k8s.cni.cncf.io",
    "v1",
    "NetworkAttachmentDefinition",
    "network-attachment-definitions",
    true,
);
/// OLM ClusterServiceVersion.
pub const CSV: Kind = k(
    "operators.coreos.com",
    "v1alpha1",
    "ClusterServiceVersion",
    "clusterserviceversions",
    true,
);
/// OpenShift ClusterVersion (the cluster's release; one object, `version`).
pub const CLUSTER_VERSION: Kind = k(
    "config.openshift.io",
    "v1",
    "ClusterVersion",
    "clusterversions",
    false,
);

/// Every kind of the table.
pub const ALL: &[Kind] = &[
    NAMESPACE,
    NODE,
    SECRET,
    CONFIG_MAP,
    POD,
    PVC,
    EVENT,
    JOB,
    ROUTE,
    PROVIDER,
    PLAN,
    MIGRATION,
    STORAGE_MAP,
    NETWORK_MAP,
    HOOK,
    FORKLIFT_CONTROLLER,
    VIRTUAL_MACHINE,
    VMI,
    DATA_VOLUME,
    NAD,
    CSV,
    CLUSTER_VERSION,
];

/// Kinds whose objects a run may leave behind (created by mtvt or by the controllers on its
/// behalf): the leak sweep lists these.
pub const SWEPT: &[Kind] = &[
    MIGRATION,
    PLAN,
    HOOK,
    STORAGE_MAP,
    NETWORK_MAP,
    PROVIDER,
    VIRTUAL_MACHINE,
    DATA_VOLUME,
    PVC,
    POD,
    JOB,
    CONFIG_MAP,
    NAD,
    SECRET,
    NAMESPACE,
];

impl Kind {
    /// `apiVersion` (`v1`, `forklift.konveyor.io/v1beta1`).
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The kube-rs resource description.
    pub fn api_resource(&self) -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(self.group, self.version, self.kind),
            self.plural,
        )
    }

    /// An API handle: namespaced kinds in `namespace` (all namespaces when `None`),
    /// cluster-scoped kinds ignore it.
    pub fn api(&self, client: &kube::Client, namespace: Option<&str>) -> Api<DynamicObject> {
        let ar = self.api_resource();
        match (self.namespaced, namespace) {
            (true, Some(ns)) => Api::namespaced_with(client.clone(), ns, &ar),
            _ => Api::all_with(client.clone(), &ar),
        }
    }

    /// Looks a kind up by `apiVersion` and `kind` (as recorded in a journal).
    pub fn find(api_version: &str, kind: &str) -> Option<Kind> {
        ALL.iter()
            .find(|k| k.kind == kind && k.api_version() == api_version)
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_and_lookup() {
        assert_eq!(NAMESPACE.api_version(), "v1");
        assert_eq!(PLAN.api_version(), "forklift.konveyor.io/v1beta1");
        assert_eq!(
            Kind::find("forklift.konveyor.io/v1beta1", "Plan"),
            Some(PLAN)
        );
        assert_eq!(Kind::find("v1", "Plan"), None);
        for k in ALL {
            assert_eq!(Kind::find(&k.api_version(), k.kind), Some(*k));
            assert_eq!(k.api_resource().plural, k.plural);
        }
        for k in SWEPT {
            assert!(ALL.contains(k));
        }
    }
}
