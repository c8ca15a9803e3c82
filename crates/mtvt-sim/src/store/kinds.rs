//! The table of API resources the emulator serves: one row per kind.
//!
//! A row says where a kind lives (group, version, plural), whether it is namespaced, which
//! subresources it has, how its names are validated, which columns `kubectl get` shows and
//! which fields a `fieldSelector` may name. Everything else (storage, REST, watch, discovery,
//! OpenAPI) is generic over these rows, so **adding a kind is adding one row** to
//! [`builtin_kinds`] (or calling [`Kinds::register`] at run time, which `--crds` and part 2's
//! controllers do). This module holds data only; it must not touch objects.

use std::sync::{Arc, RwLock};

use super::schema::Schema;

/// How object names of a kind are validated (kube-apiserver's per-kind name rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    /// DNS-1123 subdomain: lower-case alphanumerics, `-` and `.`, at most 253 characters.
    Subdomain,
    /// DNS-1123 label: lower-case alphanumerics and `-`, at most 63 characters (namespaces).
    Label,
    /// DNS-1035 label: a DNS-1123 label that starts with a letter (services).
    Dns1035Label,
    /// Any string without `/` or `%` that is not `.` or `..`.
    PathSegment,
}

/// A column computed by code rather than read by a JSONPath (the built-in printers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Computed {
    /// `ready/total` containers of a pod.
    PodReady,
    /// A pod's phase, or the waiting/terminated reason of its first unhappy container.
    PodStatus,
    /// Sum of container restart counts.
    PodRestarts,
    /// Number of keys in `data` (+ `binaryData`).
    DataCount,
    /// `Ready`/`NotReady` from a node's `Ready` condition.
    NodeStatus,
    /// Roles from `node-role.kubernetes.io/<role>` labels.
    NodeRoles,
    /// `80/TCP,443/TCP` from `spec.ports`.
    ServicePorts,
    /// `succeeded/completions` of a job.
    JobCompletions,
    /// `Complete`, `Failed` or `Running` from a job's conditions.
    JobStatus,
    /// `kind/name` of an event's involved object.
    EventObject,
    /// Age of an event's `lastTimestamp` (or `eventTime`).
    EventLastSeen,
    /// `host` or `host:port` of a route.
    RouteHost,
}

/// Where a column's cell comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnSource {
    /// A Kubernetes JSONPath such as `.status.conditions[?(@.type=='Ready')].status`.
    Path(String),
    /// Code in the table printer.
    Computed(Computed),
}

/// A printer column for `kubectl get` tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Header (kubectl upper-cases it).
    pub name: String,
    /// OpenAPI type: `string`, `integer`, `number`, `boolean` or `date` (rendered as an age).
    pub ty: String,
    /// Shown only with `-o wide` when > 0.
    pub priority: i32,
    /// Where the cell comes from.
    pub source: ColumnSource,
}

/// One API resource the server serves.
#[derive(Clone, Debug)]
pub struct ResourceKind {
    /// API group (`""` for core).
    pub group: String,
    /// The one served version.
    pub version: String,
    /// `Kind`, e.g. `Plan`.
    pub kind: String,
    /// Plural resource name used in paths, e.g. `plans`.
    pub plural: String,
    /// Singular name (`kubectl get plan`).
    pub singular: String,
    /// `PlanList`.
    pub list_kind: String,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
    /// `kubectl` short names.
    pub short_names: Vec<String>,
    /// Discovery categories, e.g. `all`.
    pub categories: Vec<String>,
    /// Whether `/status` is a subresource (main writes then never change `status`).
    pub status_subresource: bool,
    /// How names are validated.
    pub name_rule: NameRule,
    /// Whether `metadata.generation` is kept and bumped on spec changes.
    pub generation: bool,
    /// Whether an update without `metadata.resourceVersion` is accepted.
    pub unconditional_update: bool,
    /// A custom resource: strategic merge patch is refused (415) as on a real cluster.
    pub custom: bool,
    /// Table columns after `Name`.
    pub columns: Vec<Column>,
    /// Field selector labels beyond `metadata.name` / `metadata.namespace`, as
    /// `(label, dotted path in the object)`.
    pub field_labels: Vec<(String, String)>,
    /// The CRD `openAPIV3Schema` when one was loaded (validation, pruning, defaulting, OpenAPI).
    pub schema: Option<Arc<Schema>>,
}

impl ResourceKind {
    /// A namespaced kind with defaults for everything but its identity.
    pub fn new(group: &str, version: &str, kind: &str, plural: &str) -> Self {
        let custom = !group.is_empty() && !BUILTIN_GROUPS.contains(&group);
        Self {
            group: group.to_string(),
            version: version.to_string(),
            kind: kind.to_string(),
            plural: plural.to_string(),
            singular: kind.to_lowercase(),
            list_kind: format!("{kind}List"),
            namespaced: true,
            short_names: Vec::new(),
            categories: Vec::new(),
            status_subresource: false,
            name_rule: NameRule::Subdomain,
            generation: custom,
            unconditional_update: !custom,
            custom,
            columns: Vec::new(),
            field_labels: Vec::new(),
            schema: None,
        }
    }

    /// `v1` or `group/version`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `configmaps` or `plans.forklift.konveyor.io` (also the storage key).
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `/api/v1` or `/apis/group/version`.
    pub fn path_prefix(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }

    /// Cluster-scoped.
    pub fn cluster(mut self) -> Self {
        self.namespaced = false;
        self
    }

    /// Has a `/status` subresource.
    pub fn status(mut self) -> Self {
        self.status_subresource = true;
        self
    }

    /// Names follow `rule`.
    pub fn names(mut self, rule: NameRule) -> Self {
        self.name_rule = rule;
        self
    }

    /// Short names.
    pub fn short(mut self, names: &[&str]) -> Self {
        self.short_names = names.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Discovery categories.
    pub fn categories(mut self, names: &[&str]) -> Self {
        self.categories = names.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Keeps `metadata.generation` (bumped on spec changes).
    pub fn with_generation(mut self) -> Self {
        self.generation = true;
        self
    }

    /// A JSONPath column.
    pub fn col(mut self, name: &str, ty: &str, path: &str) -> Self {
        self.columns.push(Column {
            name: name.to_string(),
            ty: ty.to_string(),
            priority: 0,
            source: ColumnSource::Path(path.to_string()),
        });
        self
    }

    /// A `-o wide` JSONPath column.
    pub fn wide(mut self, name: &str, ty: &str, path: &str) -> Self {
        self.columns.push(Column {
            name: name.to_string(),
            ty: ty.to_string(),
            priority: 1,
            source: ColumnSource::Path(path.to_string()),
        });
        self
    }

    /// A computed column.
    pub fn computed(mut self, name: &str, ty: &str, how: Computed) -> Self {
        self.columns.push(Column {
            name: name.to_string(),
            ty: ty.to_string(),
            priority: 0,
            source: ColumnSource::Computed(how),
        });
        self
    }

    /// The `Age` column.
    pub fn age(self) -> Self {
        self.col("Age", "date", ".metadata.creationTimestamp")
    }

    /// Extra selectable fields, as `(label, dotted path)`.
    pub fn fields(mut self, labels: &[(&str, &str)]) -> Self {
        self.field_labels = labels
            .iter()
            .map(|(l, p)| (l.to_string(), p.to_string()))
            .collect();
        self
    }

    /// Whether `label` may appear in a field selector.
    pub fn field_path(&self, label: &str) -> Option<String> {
        match label {
            "metadata.name" | "metadata.namespace" => Some(label.to_string()),
            _ => self
                .field_labels
                .iter()
                .find(|(l, _)| l == label)
                .map(|(_, p)| p.clone()),
        }
    }

    /// The verbs discovery advertises.
    pub fn verbs(&self) -> Vec<&'static str> {
        vec![
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch",
        ]
    }
}

/// Groups served by kube-apiserver itself or OpenShift (strategic merge patch allowed).
const BUILTIN_GROUPS: &[&str] = &[
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

/// The registry of served kinds. Cheap to clone; all clones share the table.
#[derive(Clone, Debug)]
pub struct Kinds {
    inner: Arc<RwLock<Vec<Arc<ResourceKind>>>>,
}

impl Kinds {
    /// The built-in table ([`builtin_kinds`]).
    pub fn builtin() -> Self {
        Self {
            inner: Arc::new(RwLock::new(
                builtin_kinds().into_iter().map(Arc::new).collect(),
            )),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Arc<ResourceKind>>> {
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds a kind, or replaces the one with the same group and plural. Returns the stored row.
    pub fn register(&self, kind: ResourceKind) -> Arc<ResourceKind> {
        let kind = Arc::new(kind);
        let mut rows = self
            .inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match rows
            .iter_mut()
            .find(|k| k.group == kind.group && k.plural == kind.plural)
        {
            Some(slot) => *slot = kind.clone(),
            None => rows.push(kind.clone()),
        }
        kind
    }

    /// The kind served at `group`/`version`/`plural`.
    pub fn get(&self, group: &str, version: &str, plural: &str) -> Option<Arc<ResourceKind>> {
        self.read()
            .iter()
            .find(|k| k.group == group && k.version == version && k.plural == plural)
            .cloned()
    }

    /// The kind with `plural` in `group`, whatever its version.
    pub fn find(&self, group: &str, plural: &str) -> Option<Arc<ResourceKind>> {
        self.read()
            .iter()
            .find(|k| k.group == group && k.plural == plural)
            .cloned()
    }

    /// The kind named `kind` (e.g. `Plan`) in `group`.
    pub fn by_kind(&self, group: &str, kind: &str) -> Option<Arc<ResourceKind>> {
        self.read()
            .iter()
            .find(|k| k.group == group && k.kind == kind)
            .cloned()
    }

    /// The kind whose storage key is `group_resource` (`plans.forklift.konveyor.io`).
    pub fn by_group_resource(&self, group_resource: &str) -> Option<Arc<ResourceKind>> {
        self.read()
            .iter()
            .find(|k| k.group_resource() == group_resource)
            .cloned()
    }

    /// Every kind, in table order.
    pub fn all(&self) -> Vec<Arc<ResourceKind>> {
        self.read().clone()
    }

    /// Served groups in table order (core `""` first), each with its versions.
    pub fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for k in self.read().iter() {
            match out.iter_mut().find(|(g, _)| *g == k.group) {
                Some((_, versions)) => {
                    if !versions.contains(&k.version) {
                        versions.push(k.version.clone());
                    }
                }
                None => out.push((k.group.clone(), vec![k.version.clone()])),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_every_kind_the_issue_lists() {
        let kinds = Kinds::builtin();
        for (g, v, p) in [
            ("", "v1", "namespaces"),
            ("", "v1", "nodes"),
            ("", "v1", "secrets"),
            ("", "v1", "configmaps"),
            ("", "v1", "pods"),
            ("", "v1", "persistentvolumeclaims"),
            ("", "v1", "services"),
            ("", "v1", "events"),
            ("storage.k8s.io", "v1", "storageclasses"),
            ("batch", "v1", "jobs"),
            ("route.openshift.io", "v1", "routes"),
            ("forklift.konveyor.io", "v1beta1", "providers"),
            ("forklift.konveyor.io", "v1beta1", "plans"),
            ("forklift.konveyor.io", "v1beta1", "migrations"),
            ("forklift.konveyor.io", "v1beta1", "storagemaps"),
            ("forklift.konveyor.io", "v1beta1", "networkmaps"),
            ("forklift.konveyor.io", "v1beta1", "hooks"),
            ("forklift.konveyor.io", "v1beta1", "hosts"),
            ("forklift.konveyor.io", "v1beta1", "forkliftcontrollers"),
            ("kubevirt.io", "v1", "virtualmachines"),
            ("kubevirt.io", "v1", "virtualmachineinstances"),
            ("cdi.kubevirt.io", "v1beta1", "datavolumes"),
            ("k8s.cni.cncf.io", "v1", "network-attachment-definitions"),
            ("operators.coreos.com", "v1alpha1", "clusterserviceversions"),
        ] {
            assert!(kinds.get(g, v, p).is_some(), "{g}/{v}/{p} missing");
        }
        let ns = kinds.find("", "namespaces").unwrap();
        assert!(!ns.namespaced);
        assert_eq!(ns.name_rule, NameRule::Label);
        let plan = kinds.by_kind("forklift.konveyor.io", "Plan").unwrap();
        assert!(
            plan.custom && plan.generation && plan.status_subresource && !plan.unconditional_update
        );
        let cm = kinds.find("", "configmaps").unwrap();
        assert!(!cm.custom && !cm.generation && cm.unconditional_update);
        assert!(!kinds.find("batch", "jobs").unwrap().custom);
    }

    #[test]
    fn register_replaces_same_group_resource() {
        let kinds = Kinds::builtin();
        let n = kinds.all().len();
        kinds.register(
            ResourceKind::new("forklift.konveyor.io", "v1beta1", "Plan", "plans").short(&["pl"]),
        );
        assert_eq!(kinds.all().len(), n);
        assert_eq!(
            kinds
                .find("forklift.konveyor.io", "plans")
                .unwrap()
                .short_names,
            vec!["pl"]
        );
        kinds.register(ResourceKind::new("example.com", "v1", "Widget", "widgets"));
        assert_eq!(kinds.all().len(), n + 1);
        assert_eq!(kinds.groups().first().unwrap().0, "");
    }

    #[test]
    fn names_and_paths() {
        let kinds = Kinds::builtin();
        let plan = kinds.find("forklift.konveyor.io", "plans").unwrap();
        assert_eq!(plan.api_version(), "forklift.konveyor.io/v1beta1");
        assert_eq!(plan.group_resource(), "plans.forklift.konveyor.io");
        assert_eq!(plan.path_prefix(), "/apis/forklift.konveyor.io/v1beta1");
        let ev = kinds.find("", "events").unwrap();
        assert_eq!(ev.field_path("source").as_deref(), Some("source.component"));
        assert_eq!(
            ev.field_path("metadata.name").as_deref(),
            Some("metadata.name")
        );
        assert!(ev.field_path("spec.bogus").is_none());
    }
}
