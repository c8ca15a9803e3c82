//! The built-in table: the kinds a cluster with MTV installed serves, one row each (core,
//! storage, batch, OpenShift routes, Forklift, KubeVirt, CDI, Multus, OLM, CRDs). Columns of
//! CR kinds match their CRDs' `additionalPrinterColumns`, so `kubectl get` looks the same with
//! or without `--crds`.

use super::{Computed, NameRule, ResourceKind};

/// Groups served by kube-apiserver itself or OpenShift (strategic merge patch allowed).
pub(super) const BUILTIN_GROUPS: &[&str] = &[
    "storage.k8s.io",
    "batch",
    "route.openshift.io",
    "apiextensions.k8s.io",
];

fn core(kind: &str, plural: &str) -> ResourceKind {
    ResourceKind::new("", "v1", kind, plural)
}

const READY: &str = ".status.conditions[?(@.type=='Ready')].status";

/// The kinds a cluster with MTV installed serves: one row each.
#[rustfmt::skip]
pub fn builtin_kinds() -> Vec<ResourceKind> {
    use Computed as C;
    let forklift = |kind: &str, plural: &str| {
        ResourceKind::new("forklift.konveyor.io", "v1beta1", kind, plural).status()
    };
    vec![
        // core/v1
        core("Namespace", "namespaces").cluster().status().names(NameRule::Label).short(&["ns"])
            .col("Status", "string", ".status.phase").age().fields(&[("status.phase", "status.phase")]),
        core("Node", "nodes").cluster().status().short(&["no"])
            .computed("Status", "string", C::NodeStatus).computed("Roles", "string", C::NodeRoles)
            .age().col("Version", "string", ".status.nodeInfo.kubeletVersion")
            .fields(&[("spec.unschedulable", "spec.unschedulable")]),
        core("Secret", "secrets").col("Type", "string", ".type")
            .computed("Data", "integer", C::DataCount).age().fields(&[("type", "type")]),
        core("ConfigMap", "configmaps").short(&["cm"]).computed("Data", "integer", C::DataCount).age(),
        core("Pod", "pods").status().short(&["po"]).categories(&["all"])
            .computed("Ready", "string", C::PodReady).computed("Status", "string", C::PodStatus)
            .computed("Restarts", "string", C::PodRestarts).age()
            .wide("IP", "string", ".status.podIP").wide("Node", "string", ".spec.nodeName")
            .fields(&[
                ("spec.nodeName", "spec.nodeName"),
                ("spec.restartPolicy", "spec.restartPolicy"),
                ("spec.schedulerName", "spec.schedulerName"),
                ("spec.serviceAccountName", "spec.serviceAccountName"),
                ("status.phase", "status.phase"),
                ("status.podIP", "status.podIP"),
            ]),
        core("PersistentVolumeClaim", "persistentvolumeclaims").status().short(&["pvc"])
            .col("Status", "string", ".status.phase").col("Volume", "string", ".spec.volumeName")
            .col("Capacity", "string", ".status.capacity.storage")
            .col("Access Modes", "string", ".status.accessModes")
            .col("StorageClass", "string", ".spec.storageClassName").age(),
        core("Service", "services").status().names(NameRule::Dns1035Label).short(&["svc"])
            .categories(&["all"]).col("Type", "string", ".spec.type")
            .col("Cluster-IP", "string", ".spec.clusterIP")
            .col("External-IP", "string", ".spec.externalIPs")
            .computed("Port(s)", "string", C::ServicePorts).age(),
        core("ServiceAccount", "serviceaccounts").short(&["sa"]).age(),
        core("Event", "events").short(&["ev"])
            .computed("Last Seen", "string", C::EventLastSeen).col("Type", "string", ".type")
            .col("Reason", "string", ".reason").computed("Object", "string", C::EventObject)
            .col("Message", "string", ".message")
            .fields(&[
                ("involvedObject.kind", "involvedObject.kind"),
                ("involvedObject.namespace", "involvedObject.namespace"),
                ("involvedObject.name", "involvedObject.name"),
                ("involvedObject.uid", "involvedObject.uid"),
                ("involvedObject.apiVersion", "involvedObject.apiVersion"),
                ("involvedObject.resourceVersion", "involvedObject.resourceVersion"),
                ("involvedObject.fieldPath", "involvedObject.fieldPath"),
                ("reason", "reason"),
                ("reportingComponent", "reportingComponent"),
                ("source", "source.component"),
                ("type", "type"),
            ]),
        // storage.k8s.io/v1
        ResourceKind::new("storage.k8s.io", "v1", "StorageClass", "storageclasses").cluster().short(&["sc"])
            .col("Provisioner", "string", ".provisioner").col("ReclaimPolicy", "string", ".reclaimPolicy")
            .col("VolumeBindingMode", "string", ".volumeBindingMode")
            .col("AllowVolumeExpansion", "boolean", ".allowVolumeExpansion").age(),
        // batch/v1
        ResourceKind::new("batch", "v1", "Job", "jobs").status().with_generation().categories(&["all"])
            .computed("Status", "string", C::JobStatus).computed("Completions", "string", C::JobCompletions)
            .age().fields(&[("status.successful", "status.succeeded")]),
        // route.openshift.io/v1
        ResourceKind::new("route.openshift.io", "v1", "Route", "routes").status()
            .computed("Host/Port", "string", C::RouteHost).col("Path", "string", ".spec.path")
            .col("Services", "string", ".spec.to.name").col("Port", "string", ".spec.port.targetPort")
            .col("Termination", "string", ".spec.tls.termination"),
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
        // apiextensions.k8s.io/v1
        ResourceKind::new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions")
            .cluster().status().with_generation().short(&["crd", "crds"])
            .col("Created At", "string", ".metadata.creationTimestamp"),
    ]
}
