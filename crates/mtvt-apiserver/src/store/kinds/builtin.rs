//! The built-in table: the kinds plain Kubernetes serves, one row each (core/v1, `apps`,
//! `authorization.k8s.io`, `storage.k8s.io`, `batch`, `rbac.authorization.k8s.io`,
//! `apiextensions.k8s.io`), with kube's own
//! printer columns. Kinds of
//! a platform or an operator are not built in: whoever builds the server registers them.

use super::{Computed, NameRule, ResourceKind};

/// Groups served by kube-apiserver itself (strategic merge patch allowed); kinds of other
/// groups are custom resources unless marked [`ResourceKind::native`].
pub(super) const BUILTIN_GROUPS: &[&str] = &[
    "apps",
    "authorization.k8s.io",
    "storage.k8s.io",
    "batch",
    "rbac.authorization.k8s.io",
    "apiextensions.k8s.io",
];

fn core(kind: &str, plural: &str) -> ResourceKind {
    ResourceKind::new("", "v1", kind, plural)
}

/// The kinds plain Kubernetes serves: [`resource_kinds`], then [`crd_kind`].
pub fn builtin_kinds() -> Vec<ResourceKind> {
    let mut rows = resource_kinds();
    rows.push(crd_kind());
    rows
}

/// The built-in kinds but the CRD kind: core/v1, `apps`, `authorization.k8s.io`,
/// `storage.k8s.io`, `batch`. A server that
/// serves more kinds composes its table from this, its own rows and [`crd_kind`].
#[rustfmt::skip]
pub fn resource_kinds() -> Vec<ResourceKind> {
    use Computed as C;
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
        core("PersistentVolume", "persistentvolumes").cluster().status().short(&["pv"])
            .col("Capacity", "string", ".spec.capacity.storage")
            .col("Status", "string", ".status.phase").col("StorageClass", "string", ".spec.storageClassName")
            .age(),
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
        // apps/v1 (the Deployment and ReplicaSet controllers are the server builder's to add)
        ResourceKind::new("apps", "v1", "Deployment", "deployments").status().with_generation()
            .short(&["deploy"]).categories(&["all"])
            .computed("Ready", "string", C::DeploymentReady)
            .col("Up-to-date", "integer", ".status.updatedReplicas")
            .col("Available", "integer", ".status.availableReplicas").age(),
        ResourceKind::new("apps", "v1", "ReplicaSet", "replicasets").status().with_generation()
            .short(&["rs"]).categories(&["all"]).col("Desired", "integer", ".spec.replicas")
            .col("Current", "integer", ".status.replicas").col("Ready", "integer", ".status.readyReplicas")
            .age(),
        // authorization.k8s.io/v1 (reviews: create only, answered by `api::review`)
        ResourceKind::new("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews")
            .cluster().review(),
        ResourceKind::new("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews")
            .cluster().review(),
        // storage.k8s.io/v1
        ResourceKind::new("storage.k8s.io", "v1", "StorageClass", "storageclasses").cluster().short(&["sc"])
            .col("Provisioner", "string", ".provisioner").col("ReclaimPolicy", "string", ".reclaimPolicy")
            .col("VolumeBindingMode", "string", ".volumeBindingMode")
            .col("AllowVolumeExpansion", "boolean", ".allowVolumeExpansion").age(),
        // batch/v1
        ResourceKind::new("batch", "v1", "Job", "jobs").status().with_generation().categories(&["all"])
            .computed("Status", "string", C::JobStatus).computed("Completions", "string", C::JobCompletions)
            .age().fields(&[("status.successful", "status.succeeded")]),
        // rbac.authorization.k8s.io/v1 (stored and served; the server does not authorize by them)
        ResourceKind::new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles").cluster()
            .names(NameRule::PathSegment).age(),
        ResourceKind::new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings")
            .cluster().names(NameRule::PathSegment).col("Role", "string", ".roleRef.name").age(),
        ResourceKind::new("rbac.authorization.k8s.io", "v1", "Role", "roles").names(NameRule::PathSegment).age(),
        ResourceKind::new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings")
            .names(NameRule::PathSegment).col("Role", "string", ".roleRef.name").age(),
    ]
}

/// `apiextensions.k8s.io/v1` CustomResourceDefinitions.
#[rustfmt::skip]
pub fn crd_kind() -> ResourceKind {
    ResourceKind::new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions")
        .cluster().status().with_generation().short(&["crd", "crds"])
        .col("Created At", "string", ".metadata.creationTimestamp")
}
