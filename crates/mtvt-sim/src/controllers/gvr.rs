//! The resources the controllers read and write, named once.

use crate::store::Gvr;

const FORKLIFT: &str = "forklift.konveyor.io";

/// `forklift.konveyor.io/v1beta1` resource.
pub fn forklift(resource: &str) -> Gvr {
    Gvr::new(FORKLIFT, "v1beta1", resource)
}

/// Providers.
pub fn providers() -> Gvr {
    forklift("providers")
}
/// Plans.
pub fn plans() -> Gvr {
    forklift("plans")
}
/// Migrations.
pub fn migrations() -> Gvr {
    forklift("migrations")
}
/// NetworkMaps.
pub fn network_maps() -> Gvr {
    forklift("networkmaps")
}
/// StorageMaps.
pub fn storage_maps() -> Gvr {
    forklift("storagemaps")
}
/// Hooks.
pub fn hooks() -> Gvr {
    forklift("hooks")
}
/// ForkliftControllers.
pub fn forklift_controllers() -> Gvr {
    forklift("forkliftcontrollers")
}
/// KubeVirt VirtualMachines.
pub fn vms() -> Gvr {
    Gvr::new("kubevirt.io", "v1", "virtualmachines")
}
/// KubeVirt VirtualMachineInstances.
pub fn vmis() -> Gvr {
    Gvr::new("kubevirt.io", "v1", "virtualmachineinstances")
}
/// CDI DataVolumes.
pub fn data_volumes() -> Gvr {
    Gvr::new("cdi.kubevirt.io", "v1beta1", "datavolumes")
}
/// PVCs.
pub fn pvcs() -> Gvr {
    Gvr::core("persistentvolumeclaims")
}
/// Secrets.
pub fn secrets() -> Gvr {
    Gvr::core("secrets")
}
/// ConfigMaps.
pub fn config_maps() -> Gvr {
    Gvr::core("configmaps")
}
/// Pods.
pub fn pods() -> Gvr {
    Gvr::core("pods")
}
/// Namespaces.
pub fn namespaces() -> Gvr {
    Gvr::core("namespaces")
}
/// Nodes.
pub fn nodes() -> Gvr {
    Gvr::core("nodes")
}
/// Service accounts.
pub fn service_accounts() -> Gvr {
    Gvr::core("serviceaccounts")
}
/// Jobs.
pub fn jobs() -> Gvr {
    Gvr::new("batch", "v1", "jobs")
}
/// StorageClasses.
pub fn storage_classes() -> Gvr {
    Gvr::new("storage.k8s.io", "v1", "storageclasses")
}
/// NetworkAttachmentDefinitions.
pub fn nads() -> Gvr {
    Gvr::new("k8s.cni.cncf.io", "v1", "network-attachment-definitions")
}
/// Deployments.
pub fn deployments() -> Gvr {
    Gvr::new("apps", "v1", "deployments")
}
/// ReplicaSets.
pub fn replica_sets() -> Gvr {
    Gvr::new("apps", "v1", "replicasets")
}
