//! The Kubernetes kinds the OpenShift source touches, as `ApiResource`s for
//! `DynamicObject` APIs (no typed KubeVirt/CDI crates needed).

use kube::api::{ApiResource, GroupVersionKind};

/// VirtualMachine, VirtualMachineInstance, PersistentVolumeClaim, VirtualMachineSnapshot.
#[derive(Clone, Debug)]
pub(crate) struct Kinds {
    pub(crate) vm: ApiResource,
    pub(crate) vmi: ApiResource,
    pub(crate) pvc: ApiResource,
    pub(crate) snapshot: ApiResource,
}

fn ar(group: &str, version: &str, kind: &str, plural: &str) -> ApiResource {
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), plural)
}

impl Default for Kinds {
    fn default() -> Self {
        Self {
            vm: ar("kubevirt.io", "v1", "VirtualMachine", "virtualmachines"),
            vmi: ar(
                "kubevirt.io",
                "v1",
                "VirtualMachineInstance",
                "virtualmachineinstances",
            ),
            pvc: ar("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
            snapshot: ar(
                "snapshot.kubevirt.io",
                "v1beta1",
                "VirtualMachineSnapshot",
                "virtualmachinesnapshots",
            ),
        }
    }
}
