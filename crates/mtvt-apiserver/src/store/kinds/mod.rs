//! The table of API resources the emulator serves: one row per kind.
//!
//! A row says where a kind lives (group, version, plural), whether it is namespaced, which
//! subresources it has, how its names are validated, which columns `kubectl get` shows and
//! which fields a `fieldSelector` may name. Everything else (storage, REST, watch, discovery,
//! OpenAPI) is generic over these rows, so **adding a kind is adding one row**: to
//! [`builtin_kinds`] for plain Kubernetes, to the table a server is built with
//! ([`Kinds::new`]) for a platform's kinds, or at run time with [`Kinds::register`] (which
//! `--crds` and CRDs created through the API do). This module holds data only; it must not
//! touch objects.

use std::sync::Arc;

use super::schema::Schema;

mod builtin;
mod registry;

pub use builtin::{builtin_kinds, crd_kind, resource_kinds};
pub use registry::Kinds;

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
    /// `ready/desired` replicas of a deployment.
    DeploymentReady,
    /// `Complete`, `Failed` or `Running` from a job's conditions.
    JobStatus,
    /// `kind/name` of an event's involved object.
    EventObject,
    /// Age of an event's `lastTimestamp` (or `eventTime`).
    EventLastSeen,
}

/// A column computed by a function of the object: the printer of a kind that is not part of
/// plain Kubernetes, supplied by whoever registers the kind. Printers are equal when their
/// names are.
#[derive(Clone, Copy)]
pub struct Printer {
    /// Names the printer (compared, and shown by `Debug`).
    pub name: &'static str,
    /// The cell of one object.
    pub cell: fn(&serde_json::Value) -> serde_json::Value,
}

impl PartialEq for Printer {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Printer {}

impl std::fmt::Debug for Printer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Printer").field(&self.name).finish()
    }
}

/// Where a column's cell comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnSource {
    /// A Kubernetes JSONPath such as `.status.conditions[?(@.type=='Ready')].status`.
    Path(String),
    /// Code in the table printer.
    Computed(Computed),
    /// A printer registered with the kind.
    Printer(Printer),
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
    /// `Kind`, e.g. `Widget`.
    pub kind: String,
    /// Plural resource name used in paths, e.g. `widgets`.
    pub plural: String,
    /// Singular name (`kubectl get widget`).
    pub singular: String,
    /// `WidgetList`.
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
    /// A review: `create` only, answered by the server and never stored (the
    /// `authorization.k8s.io` reviews).
    pub create_only: bool,
}

impl ResourceKind {
    /// A namespaced kind with defaults for everything but its identity.
    pub fn new(group: &str, version: &str, kind: &str, plural: &str) -> Self {
        let custom = !group.is_empty() && !builtin::BUILTIN_GROUPS.contains(&group);
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
            create_only: false,
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

    /// `configmaps` or `widgets.example.com` (also the storage key).
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

    /// Served by the platform's own API server rather than defined by a CRD, whatever its
    /// group: strategic merge patch allowed, no `metadata.generation`, updates without a
    /// resourceVersion accepted.
    pub fn native(mut self) -> Self {
        self.custom = false;
        self.generation = false;
        self.unconditional_update = true;
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

    /// A column computed by `printer`.
    pub fn printed(mut self, name: &str, ty: &str, printer: Printer) -> Self {
        self.columns.push(Column {
            name: name.to_string(),
            ty: ty.to_string(),
            priority: 0,
            source: ColumnSource::Printer(printer),
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

    /// Served only by `create`, which answers without storing (see [`Self::create_only`]).
    pub fn review(mut self) -> Self {
        self.create_only = true;
        self
    }

    /// The verbs discovery advertises.
    pub fn verbs(&self) -> Vec<&'static str> {
        if self.create_only {
            return vec!["create"];
        }
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

#[cfg(test)]
mod tests;
