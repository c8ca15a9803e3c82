//! Scenario-level IR: the session, scenarios, plans and VMs (hooks and expectations are
//! `expect`'s).

use std::collections::BTreeMap;

use mtvt_vocab::{Duration, Quantity};
use serde::Serialize;

use super::expect::{ExpectIr, HookIr};
use super::values::{DatastoreRef, InterpString, SpanIr};
use crate::schema::enums::{
    Destination, DiskMode, PowerState, ProviderKind, Provisioning, RdmType, TargetPowerState,
};

/// Everything `mtvt check` resolved: suite settings and scenarios in file/declaration order.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ProgramIr {
    /// Suite-wide settings (defaults when no `session` block exists).
    pub session: SessionIr,
    /// Every scenario, matrix-expanded.
    pub scenarios: Vec<ScenarioIr>,
}

/// Suite-wide settings from `session { … }`, defaults applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionIr {
    /// Namespace where MTV runs (`openshift-mtv`).
    pub mtv_namespace: String,
    /// Prefix of the per-run namespace holding Plans, maps, hooks and (by default) VMs.
    pub target_namespace_prefix: String,
    /// Storage class for StorageMaps unless a plan sets one; none = must come from the CLI.
    pub storage_class: Option<InterpString>,
    /// How long to wait for a migration to finish, unless a plan sets `timeout`.
    pub plan_wait_timeout: Duration,
    /// Warm precopy interval in minutes (ForkliftController `controller_precopy_interval`).
    pub snapshots_interval: i64,
    /// Minutes between starting a warm migration and its scheduled cutover.
    pub mins_before_cutover: i64,
    /// Skip TLS verification of the Forklift inventory Route (it gets the bearer token).
    pub insecure_verify_skip: bool,
    /// Skip TLS verification for the source provider (Provider secret `insecureSkipVerify`).
    pub source_provider_insecure_skip_verify: bool,
    /// Remote cluster API host; empty = no remote cluster (`requires remote_cluster` skips).
    pub remote_ocp_cluster: String,
    /// Default wait for the guest agent after migration.
    pub guest_agent_timeout: Duration,
    /// `source_provider { forklift { … } }`: fields merged into every source Provider's `spec`.
    pub source_provider_forklift: Option<serde_json::Value>,
    /// The `session` block, if any.
    pub span: Option<SpanIr>,
}

impl Default for SessionIr {
    fn default() -> Self {
        SessionIr {
            mtv_namespace: String::from("openshift-mtv"),
            target_namespace_prefix: String::from("auto"),
            storage_class: None,
            plan_wait_timeout: Duration::mins(60),
            snapshots_interval: 2,
            mins_before_cutover: 5,
            insecure_verify_skip: false,
            source_provider_insecure_skip_verify: false,
            remote_ocp_cluster: String::new(),
            guest_agent_timeout: Duration::mins(10),
            source_provider_forklift: None,
            span: None,
        }
    }
}

/// One runnable scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioIr {
    /// Unique name; matrix variants are `base[dim=value,…]`.
    pub name: String,
    /// The declared name (without matrix suffix).
    pub base_name: String,
    /// Matrix parameter values of this variant, rendered as text.
    pub params: BTreeMap<String, String>,
    /// The one-line description, if given.
    pub description: Option<String>,
    /// Tags (pytest markers) for selection.
    pub tags: Vec<String>,
    /// Preconditions; a scenario whose requirement is not met is skipped with a reason.
    pub requires: Vec<RequirementIr>,
    /// Plans, run concurrently. Exactly one has `name: None` unless all are named.
    pub plans: Vec<PlanIr>,
    /// Expected outcome and checks.
    pub expect: ExpectIr,
    /// Lifecycle steps after the outcome (`then { … }`), in order; empty for most.
    pub then: Vec<super::lifecycle::ThenStepIr>,
    /// The `scenario` declaration.
    pub span: SpanIr,
    /// The profile it runs with, as far as the checker knows (`facts::choose`).
    pub profile: crate::facts::ProfileChoice,
}

/// A precondition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequirementIr {
    /// What is required.
    pub requirement: Requirement,
    /// The `requires` line.
    pub span: SpanIr,
}

/// What a `requires` line asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Requirement {
    /// The source provider is one of these types.
    Provider {
        /// Accepted types.
        types: Vec<ProviderKind>,
    },
    /// The MTV version compares as stated.
    Mtv {
        /// The comparison.
        op: VersionOp,
        /// Version components (`2.8` → `[2, 8]`).
        version: Vec<u64>,
    },
    /// `session.remote_ocp_cluster` is set.
    RemoteCluster,
    /// The provider profile has a `copyoffload` section.
    CopyOffload,
}

/// Version comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum VersionOp {
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `==`
    #[serde(rename = "==")]
    Eq,
    /// `!=`
    #[serde(rename = "!=")]
    Ne,
}

impl VersionOp {
    /// Whether `actual OP wanted` holds (components compared numerically, missing = 0).
    pub fn holds(self, actual: &[u64], wanted: &[u64]) -> bool {
        let n = actual.len().max(wanted.len());
        let get = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
        let ord = (0..n)
            .map(|i| get(actual, i).cmp(&get(wanted, i)))
            .find(|o| o.is_ne());
        let ord = ord.unwrap_or(std::cmp::Ordering::Equal);
        match self {
            VersionOp::Ge => ord.is_ge(),
            VersionOp::Gt => ord.is_gt(),
            VersionOp::Le => ord.is_le(),
            VersionOp::Lt => ord.is_lt(),
            VersionOp::Eq => ord.is_eq(),
            VersionOp::Ne => ord.is_ne(),
        }
    }
}

/// One MTV Plan with its VMs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanIr {
    /// `None` for the scenario's default plan, else the `plan NAME` name.
    pub name: Option<String>,
    /// VMs, one entry per migrated clone.
    pub vms: Vec<VmIr>,
    /// Hooks attached to every VM of the plan.
    pub hooks: Vec<HookIr>,
    /// `spec.warm`.
    pub warm: bool,
    /// Use a copy-offload (XCOPY) StorageMap (`offloadPlugin.vsphereXcopyConfig`).
    pub copy_offload: bool,
    /// `spec.targetPowerState`; none = unset (Forklift: like the source).
    pub target_power_state: Option<TargetPowerState>,
    /// `spec.preserveStaticIPs`; none = unset (Forklift default: true).
    pub preserve_static_ips: Option<bool>,
    /// Namespace for the VMs; none = the run's target namespace.
    pub target_namespace: Option<InterpString>,
    /// Namespace for NADs of extra NICs; none = the run's target namespace.
    pub multus_namespace: Option<InterpString>,
    /// `spec.pvcNameTemplate` (raw Go template). Copy-offload plans default to `pvc`.
    pub pvc_name_template: Option<String>,
    /// `spec.pvcNameTemplateUseGenerateName`; none = Forklift's default.
    pub pvc_name_template_use_generate_name: Option<bool>,
    /// `spec.targetNodeSelector`.
    pub target_node_selector: BTreeMap<String, InterpString>,
    /// `spec.targetLabels`.
    pub target_labels: BTreeMap<String, InterpString>,
    /// `spec.targetAffinity` (validated as a Kubernetes Affinity).
    pub target_affinity: Option<serde_json::Value>,
    /// `spec.migrateSharedDisks`; none = unset (Forklift: true).
    pub migrate_shared_disks: Option<bool>,
    /// `spec.enableNestedVirtualization`; none = unset (as the source).
    pub enable_nested_virtualization: Option<bool>,
    /// `spec.xfsCompatibility`; none = unset (Forklift: false).
    pub xfs_compatibility: Option<bool>,
    /// `spec.runPreflightInspection`; none = unset (Forklift: true).
    pub run_preflight_inspection: Option<bool>,
    /// `spec.rdmAsLun`; none = unset (Forklift: false).
    pub rdm_as_lun: Option<bool>,
    /// `forklift { … }`: further Plan `spec` fields, checked against the Plan CRD, merged
    /// into the Plan's `spec` (none of them is a field mtvt sets).
    pub forklift: Option<serde_json::Value>,
    /// `storage_map { forklift { … } }`: fields merged into every StorageMap entry.
    pub storage_map_forklift: Option<serde_json::Value>,
    /// `network_map { forklift { … } }`: fields merged into every NetworkMap entry.
    pub network_map_forklift: Option<serde_json::Value>,
    /// StorageMap destination storage class; none = `session.storage_class` / CLI.
    pub storage_class: Option<InterpString>,
    /// Local cluster or the remote one (`session.remote_ocp_cluster`).
    pub destination: Destination,
    /// How long to wait for the migration (default `session.plan_wait_timeout`).
    pub timeout: Duration,
    /// How long to wait for guest agents (default `session.guest_agent_timeout`).
    pub guest_agent_timeout: Duration,
    /// Warm only: delay from migration start to cutover (default `session.mins_before_cutover`).
    pub cutover_after: Option<Duration>,
    /// The `plan` block (or the scenario, for an implicit default plan).
    pub span: SpanIr,
    /// Span of each key as written (`warm`, `target_labels` …).
    pub key_spans: BTreeMap<&'static str, SpanIr>,
}

/// One source VM to migrate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VmIr {
    /// Source VM or template name.
    pub source_name: String,
    /// Source VM name to use instead for these provider types (e.g. OVA's fixed VM).
    pub name_for: BTreeMap<ProviderKind, String>,
    /// 0-based copy number (`count N` yields replicas 0..N).
    pub replica: u32,
    /// Migrate a per-session clone (the default) instead of the VM itself.
    pub clone: bool,
    /// Explicit clone name.
    pub clone_name: Option<InterpString>,
    /// Keep capitals/underscores of `clone_name` (non-conforming name tests).
    pub preserve_name_format: bool,
    /// Power the source on/off before migration; none = leave unchanged.
    pub source_power: Option<PowerState>,
    /// Expect a guest agent after migration.
    pub guest_agent: bool,
    /// Wait for the guest agent this long.
    pub guest_agent_timeout: Duration,
    /// Provisioning of the clone's disks.
    pub disk_type: Option<Provisioning>,
    /// Datastore to place the clone on.
    pub target_datastore: Option<DatastoreRef>,
    /// Snapshots to create before migration.
    pub snapshots: u32,
    /// Disks to add before migration.
    pub added_disks: Vec<AddedDiskIr>,
    /// `forklift { … }`: fields merged into this VM's entry of the Plan's `spec.vms`.
    pub forklift: Option<serde_json::Value>,
    /// LUKS passphrase, put in a Secret that `spec.vms[].luks` references. Serialized as
    /// `<redacted>`: the IR's JSON form may be printed.
    #[serde(serialize_with = "redacted")]
    pub luks_passphrase: Option<InterpString>,
    /// The `vm` entry.
    pub span: SpanIr,
    /// Span of each key as written.
    pub key_spans: BTreeMap<&'static str, SpanIr>,
}

fn redacted<S: serde::Serializer>(v: &Option<InterpString>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(_) => s.serialize_some("<redacted>"),
        None => s.serialize_none(),
    }
}

/// A disk added to the source VM before migration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddedDiskIr {
    /// Size (none for RDM disks).
    pub size: Option<Quantity>,
    /// Disk mode.
    pub mode: DiskMode,
    /// Provisioning.
    pub provisioning: Provisioning,
    /// Datastore; none = the VM's.
    pub datastore: Option<DatastoreRef>,
    /// Folder inside the datastore.
    pub path: Option<String>,
    /// RDM disk from the profile's `rdm_lun_uuid`.
    pub rdm: Option<RdmType>,
    /// The `add_disk` entry.
    pub span: SpanIr,
}
