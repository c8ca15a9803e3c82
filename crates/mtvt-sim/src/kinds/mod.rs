//! The kinds an OpenShift cluster with MTV installed serves beyond plain Kubernetes, one row
//! each: OpenShift routes, Forklift, KubeVirt, CDI, Multus and OLM. Columns of CR kinds match
//! their CRDs' `additionalPrinterColumns`, so `kubectl get` looks the same with or without
//! `--crds`; short names and categories are the upstream ones.
//!
//! [`cluster_kinds`] is the table the emulator's API server is built with: plain Kubernetes
//! (from `mtvt-apiserver`), these rows, then the CRD kind — the order discovery lists groups
//! in. [`forklift_crds`] are the Forklift CRDs as OLM installs them (schemas from
//! `mtvt-crds`, OLM's installed-alongside annotation). This module holds data only; it must
//! not touch objects.

use serde_json::Value;

use crate::store::{Printer, ResourceKind, crd_kind, resource_kinds};

mod olm;
#[cfg(test)]
mod tests;

pub use olm::{
    INSTALLED_ALONGSIDE_PREFIX, MTV_VERSION, csv_name, forklift_crds, installed_alongside_key,
};

/// The OpenShift version the emulated cluster reports (ClusterVersion `version`): 4.20 or
/// later, where Forklift gives vSphere VMs the `VMware-…` BIOS serial.
pub const OPENSHIFT_VERSION: &str = "4.20.4";

/// The namespace MTV is installed in, present from the start.
pub const MTV_NAMESPACE: &str = "openshift-mtv";

const READY: &str = ".status.conditions[?(@.type=='Ready')].status";

/// A route's `Host/Port` cell: `spec.host` (empty when unset).
const ROUTE_HOST: Printer = Printer {
    name: "route-host",
    cell: route_host,
};

fn route_host(obj: &Value) -> Value {
    let host = obj
        .get("spec")
        .and_then(|s| s.get("host"))
        .and_then(Value::as_str)
        .unwrap_or("");
    Value::from(host)
}

/// Every kind the emulator serves: plain Kubernetes, [`openshift_kinds`], [`mtv_kinds`], then
/// the CRD kind.
pub fn cluster_kinds() -> Vec<ResourceKind> {
    let mut rows = resource_kinds();
    rows.extend(openshift_kinds());
    rows.extend(mtv_kinds());
    rows.push(crd_kind());
    rows
}

/// OpenShift platform kinds (served by OpenShift's API server, not by CRDs).
#[rustfmt::skip]
pub fn openshift_kinds() -> Vec<ResourceKind> {
    vec![
        // route.openshift.io/v1
        ResourceKind::new("route.openshift.io", "v1", "Route", "routes").status()
            .native()
            .printed("Host/Port", "string", ROUTE_HOST).col("Path", "string", ".spec.path")
            .col("Services", "string", ".spec.to.name").col("Port", "string", ".spec.port.targetPort")
            .col("Termination", "string", ".spec.tls.termination"),
        // config.openshift.io/v1 (the cluster's OpenShift version: `oc get clusterversion`)
        ResourceKind::new("config.openshift.io", "v1", "ClusterVersion", "clusterversions").cluster()
            .status().native().col("Version", "string", ".status.desired.version")
            .col("Progressing", "string", ".status.conditions[?(@.type=='Progressing')].status"),
    ]
}

/// The kinds of MTV and the operators it drives: Forklift, KubeVirt, CDI, Multus, OLM.
#[rustfmt::skip]
pub fn mtv_kinds() -> Vec<ResourceKind> {
    let forklift = |kind: &str, plural: &str| {
        ResourceKind::new("forklift.konveyor.io", "v1beta1", kind, plural).status()
    };
    vec![
        // forklift.konveyor.io/v1beta1 (columns as in the Forklift CRDs)
        forklift("Provider", "providers").col("Type", "string", ".spec.type")
            .col("Status", "string", ".status.phase").col("Ready", "string", READY)
            .col("Connected", "string", ".status.conditions[?(@.type=='ConnectionTestSucceeded')].status")
            .col("Inventory", "string", ".status.conditions[?(@.type=='InventoryCreated')].status")
            .col("URL", "string", ".spec.url").age(),
        forklift("Plan", "plans").col("Ready", "string", READY)
            .col("Executing", "string", ".status.conditions[?(@.type=='Executing')].status")
            .col("Succeeded", "string", ".status.conditions[?(@.type=='Succeeded')].status")
            .col("Failed", "string", ".status.conditions[?(@.type=='Failed')].status").age(),
        forklift("Migration", "migrations").col("Ready", "string", READY)
            .col("Running", "string", ".status.conditions[?(@.type=='Running')].status")
            .col("Succeeded", "string", ".status.conditions[?(@.type=='Succeeded')].status")
            .col("Failed", "string", ".status.conditions[?(@.type=='Failed')].status").age(),
        forklift("StorageMap", "storagemaps").col("Ready", "string", READY).age(),
        forklift("NetworkMap", "networkmaps").col("Ready", "string", READY).age(),
        forklift("Hook", "hooks").col("Ready", "string", READY).col("Image", "string", ".spec.image").age(),
        forklift("Host", "hosts").col("Ready", "string", READY)
            .col("Connected", "string", ".status.conditions[?(@.type=='ConnectionTestSucceeded')].status")
            .age(),
        forklift("ForkliftController", "forkliftcontrollers").age(),
        // kubevirt.io/v1
        ResourceKind::new("kubevirt.io", "v1", "VirtualMachine", "virtualmachines").status()
            .short(&["vm", "vms"]).categories(&["all"]).age()
            .col("Status", "string", ".status.printableStatus").col("Ready", "string", READY),
        ResourceKind::new("kubevirt.io", "v1", "VirtualMachineInstance", "virtualmachineinstances")
            .status().short(&["vmi", "vmis"]).categories(&["all"]).age()
            .col("Phase", "string", ".status.phase").col("IP", "string", ".status.interfaces[0].ipAddress")
            .col("NodeName", "string", ".status.nodeName").col("Ready", "string", READY),
        // cdi.kubevirt.io/v1beta1
        ResourceKind::new("cdi.kubevirt.io", "v1beta1", "DataVolume", "datavolumes").status()
            .short(&["dv", "dvs"]).categories(&["all"]).col("Phase", "string", ".status.phase")
            .col("Progress", "string", ".status.progress").col("Restarts", "integer", ".status.restartCount")
            .age(),
        // k8s.cni.cncf.io/v1
        {
            let mut nad = ResourceKind::new(
                "k8s.cni.cncf.io",
                "v1",
                "NetworkAttachmentDefinition",
                "network-attachment-definitions",
            )
            .short(&["net-attach-def"])
            .age();
            nad.singular = "network-attachment-definition".to_string();
            nad
        },
        // operators.coreos.com/v1alpha1
        ResourceKind::new("operators.coreos.com", "v1alpha1", "ClusterServiceVersion", "clusterserviceversions")
            .status().short(&["csv", "csvs"]).col("Display", "string", ".spec.displayName")
            .col("Version", "string", ".spec.version").col("Replaces", "string", ".spec.replaces")
            .col("Phase", "string", ".status.phase"),
    ]
}
