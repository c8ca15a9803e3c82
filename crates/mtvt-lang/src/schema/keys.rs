//! Key tables: for every block kind, which keys exist, their shape (value type, nested
//! block or special syntax), default and meaning. The block checker (`check::blocks`)
//! validates entries against these tables and `docs` renders them into
//! docs/language.md, so a key is declared exactly once, here.

use super::enums::EnumId;
use super::forklift::ForkliftTarget;

/// The kinds of blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockKind {
    /// `scenario NAME { … }` and `fragment NAME { … }`.
    Scenario,
    /// `plan [NAME] { … }`.
    Plan,
    /// `vm "NAME" { … }`.
    Vm,
    /// `add_disk { … }` inside a vm.
    AddDisk,
    /// `hook pre|post { … }` and `hook NAME { … }`.
    Hook,
    /// `expect { … }`.
    Expect,
    /// `session { … }`.
    Session,
    /// `storage_map { … }` inside a plan.
    StorageMap,
    /// `network_map { … }` inside a plan.
    NetworkMap,
    /// `source_provider { … }` inside the session.
    SourceProvider,
    /// `then { … }`: lifecycle steps after the outcome, in order.
    Then,
}

impl BlockKind {
    /// Every block kind, in documentation order.
    pub const ALL: &'static [BlockKind] = &[
        BlockKind::Session,
        BlockKind::SourceProvider,
        BlockKind::Scenario,
        BlockKind::Plan,
        BlockKind::StorageMap,
        BlockKind::NetworkMap,
        BlockKind::Vm,
        BlockKind::AddDisk,
        BlockKind::Hook,
        BlockKind::Expect,
        BlockKind::Then,
    ];

    /// How the block is named in messages ("a `plan` block").
    pub fn context(self) -> &'static str {
        match self {
            BlockKind::Scenario => "a scenario",
            BlockKind::Plan => "a `plan` block",
            BlockKind::Vm => "a `vm` block",
            BlockKind::AddDisk => "an `add_disk` block",
            BlockKind::Hook => "a `hook` block",
            BlockKind::Expect => "an `expect` block",
            BlockKind::Session => "the `session` block",
            BlockKind::StorageMap => "a `storage_map` block",
            BlockKind::NetworkMap => "a `network_map` block",
            BlockKind::SourceProvider => "a `source_provider` block",
            BlockKind::Then => "a `then` block",
        }
    }

    /// The syntax that opens the block.
    pub fn syntax(self) -> &'static str {
        match self {
            BlockKind::Scenario => "scenario NAME [extends FRAGMENT, …] { … }",
            BlockKind::Plan => "plan [NAME] { … }",
            BlockKind::Vm => "vm \"SOURCE-VM\" [{ … }]",
            BlockKind::AddDisk => "add_disk { … }",
            BlockKind::Hook => "hook pre|post { … }  ·  hook NAME { … }",
            BlockKind::Expect => "expect { … }",
            BlockKind::Session => "session { … }",
            BlockKind::StorageMap => "storage_map { … }",
            BlockKind::NetworkMap => "network_map { … }",
            BlockKind::SourceProvider => "source_provider { … }",
            BlockKind::Then => "then { … }",
        }
    }

    /// The key table.
    pub fn keys(self) -> &'static [KeyDef] {
        match self {
            BlockKind::Scenario => SCENARIO_KEYS,
            BlockKind::Plan => PLAN_KEYS,
            BlockKind::Vm => VM_KEYS,
            BlockKind::AddDisk => ADD_DISK_KEYS,
            BlockKind::Hook => HOOK_KEYS,
            BlockKind::Expect => EXPECT_KEYS,
            BlockKind::Session => SESSION_KEYS,
            BlockKind::StorageMap => STORAGE_MAP_KEYS,
            BlockKind::NetworkMap => NETWORK_MAP_KEYS,
            BlockKind::SourceProvider => SOURCE_PROVIDER_KEYS,
            BlockKind::Then => THEN_KEYS,
        }
    }

    /// One key by name.
    pub fn key(self, name: &str) -> Option<&'static KeyDef> {
        self.keys().iter().find(|k| k.name == name)
    }
}

/// One key of a block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeyDef {
    /// The key.
    pub name: &'static str,
    /// What follows it.
    pub shape: Shape,
    /// Default when omitted ("—" when there is none).
    pub default: &'static str,
    /// Meaning.
    pub doc: &'static str,
    /// Must be present.
    pub required: bool,
    /// May appear several times.
    pub repeat: bool,
}

/// What follows a key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// One value of this shape.
    Value(ValueShape),
    /// A nested block.
    Block(BlockKind),
    /// A construct with its own syntax (shown as usage).
    Special(&'static str),
}

/// Value shapes of keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueShape {
    /// `true` / `false`.
    Bool,
    /// An integer with a lower bound.
    Int {
        /// Smallest accepted value.
        min: i64,
    },
    /// A string; `interp` says whether `${session}`/`${env.X}` are allowed.
    Str {
        /// Interpolation allowed.
        interp: bool,
    },
    /// A verbatim string (Go template, path): never interpolated.
    Raw,
    /// A (usually multi-line) text: `"""…"""` or a string.
    Text,
    /// `30s`, `5m`, `1h`.
    Duration,
    /// `30Gi`.
    Quantity,
    /// One identifier of an enumeration.
    Enum(EnumId),
    /// `primary` / `secondary` / `non_xcopy` or a quoted datastore id.
    Datastore,
    /// `{ "key": "value" | session, … }` (labels, node selectors).
    StrMap,
    /// `{ key: JSON-like value, … }` (free-form object).
    Object,
    /// Comma-separated identifiers.
    Names,
    /// `{ provider_type: "name", … }`.
    ProviderNames,
    /// `{ field: value, … }` merged into a Forklift object, checked against its CRD.
    Forklift(ForkliftTarget),
}

impl ValueShape {
    /// The type as shown in docs and messages.
    pub fn describe(self) -> String {
        match self {
            ValueShape::Bool => String::from("bool"),
            ValueShape::Int { min } => format!("int ≥ {min}"),
            ValueShape::Str { interp: true } => String::from("string (interpolated)"),
            ValueShape::Str { interp: false } => String::from("string"),
            ValueShape::Raw => String::from("raw string (never interpolated)"),
            ValueShape::Text => String::from("text (\"\"\"…\"\"\" or string)"),
            ValueShape::Duration => String::from("duration"),
            ValueShape::Quantity => String::from("quantity"),
            ValueShape::Enum(e) => e.values().join(" \\| "),
            ValueShape::Datastore => String::from("primary \\| secondary \\| non_xcopy \\| \"id\""),
            ValueShape::StrMap => String::from("map of string → string \\| session"),
            ValueShape::Object => String::from("object"),
            ValueShape::Names => String::from("identifiers, comma-separated"),
            ValueShape::ProviderNames => String::from("map of provider type → string"),
            ValueShape::Forklift(t) => format!("Forklift {} `{}` fields", t.kind(), t.field()),
        }
    }

    /// A short noun for "expected …" messages.
    pub fn expected(self) -> String {
        match self {
            ValueShape::Bool => String::from("`true` or `false`"),
            ValueShape::Int { min } => format!("an integer ≥ {min}"),
            ValueShape::Str { .. } | ValueShape::Raw => String::from("a string"),
            ValueShape::Text => String::from("a text (\"\"\"…\"\"\")"),
            ValueShape::Duration => String::from("a duration (30s, 5m, 1h)"),
            ValueShape::Quantity => String::from("a quantity (30Gi)"),
            ValueShape::Enum(e) => format!("a {}", e.name()),
            ValueShape::Datastore => {
                String::from("a datastore (primary, secondary, non_xcopy or \"id\")")
            }
            ValueShape::StrMap => String::from("a map `{ \"key\": \"value\" }`"),
            ValueShape::Object => String::from("an object `{ key: value }`"),
            ValueShape::Names => String::from("identifiers"),
            ValueShape::ProviderNames => String::from("a map `{ ova: \"name\" }`"),
            ValueShape::Forklift(_) => String::from("an object `{ field: value }`"),
        }
    }
}

macro_rules! key {
    ($name:literal, $shape:expr, $default:literal, $doc:literal) => {
        KeyDef {
            name: $name,
            shape: $shape,
            default: $default,
            doc: $doc,
            required: false,
            repeat: false,
        }
    };
    ($name:literal, $shape:expr, $default:literal, $doc:literal, required) => {
        KeyDef {
            name: $name,
            shape: $shape,
            default: $default,
            doc: $doc,
            required: true,
            repeat: false,
        }
    };
    ($name:literal, $shape:expr, $default:literal, $doc:literal, repeat) => {
        KeyDef {
            name: $name,
            shape: $shape,
            default: $default,
            doc: $doc,
            required: false,
            repeat: true,
        }
    };
}

use Shape::{Block, Special, Value};
use ValueShape as V;

/// Usage of `requires`.
pub const REQUIRES_USAGE: &str = "requires provider vsphere[, ovirt …] | requires mtv >= 2.8 | requires remote_cluster | requires copyoffload";
/// Usage of `hook` inside scenarios and plans.
pub const HOOK_USAGE: &str = "hook pre|post = NAME  or  hook pre|post { … }";
/// Usage of `migration` inside `expect`.
pub const MIGRATION_USAGE: &str =
    "migration succeeds  or  migration fails [at STEP [with \"TEXT\"]]";
/// Usage of `plan` inside `expect`.
pub const PLAN_OUTCOME_USAGE: &str = "plan ready  or  plan not ready CONDITION [category CATEGORY]";
/// Usage of `check` inside `expect`.
pub const CHECK_USAGE: &str = "check NAME[, NAME …]";
/// Usage of `vm`.
pub const VM_USAGE: &str = "vm \"SOURCE-VM\" [{ … }]";
/// Usage of `plan`.
pub const PLAN_USAGE: &str = "plan [NAME] { … }";
/// Usage of `matrix`.
pub const MATRIX_USAGE: &str = "matrix { NAME [value, …] … }";

const SCENARIO_KEYS: &[KeyDef] = &[
    key!(
        "description",
        Value(V::Str { interp: false }),
        "—",
        "One-line description shown in reports."
    ),
    key!(
        "tags",
        Value(V::Names),
        "—",
        "Tags for selection (`mtvt run --tag`): the pytest markers tier0, warm, remote, copyoffload, …"
    ),
    key!(
        "requires",
        Special(REQUIRES_USAGE),
        "—",
        "Precondition; when it does not hold the scenario is skipped with the reason.",
        repeat
    ),
    key!(
        "matrix",
        Special(MATRIX_USAGE),
        "—",
        "Expands the scenario into one variant per combination of values, named `NAME[dim=value,…]`; values are used as `param.dim` or `${param.dim}`."
    ),
    key!(
        "vm",
        Special(VM_USAGE),
        "—",
        "A source VM of the default plan (see the `vm` block).",
        repeat
    ),
    key!(
        "plan",
        Special(PLAN_USAGE),
        "—",
        "The default plan's features (unnamed), or a named plan with its own VMs and hooks; named plans run concurrently.",
        repeat
    ),
    key!(
        "hook",
        Special(HOOK_USAGE),
        "—",
        "A hook of the default plan. One per step.",
        repeat
    ),
    key!(
        "expect",
        Block(BlockKind::Expect),
        "—",
        "Expected outcome and checks.",
        required
    ),
    key!(
        "then",
        Block(BlockKind::Then),
        "—",
        "Lifecycle steps after the outcome, run in order on every plan: archive, delete, another Migration, a wait, and `expect` blocks asserting on what the steps left."
    ),
];

/// Usage of `delete` inside `then`.
pub const DELETE_USAGE: &str = "delete plan  or  delete vms";
/// Usage of `migrate` inside `then`.
pub const MIGRATE_USAGE: &str = "migrate  or  migrate resume_conversion";
/// Usage of `wait` inside `then`.
pub const WAIT_USAGE: &str = "wait plan CONDITION";
/// Usage of `archive` inside `then`.
pub const ARCHIVE_USAGE: &str = "archive";

const THEN_KEYS: &[KeyDef] = &[
    key!(
        "archive",
        Special(ARCHIVE_USAGE),
        "—",
        "Archive the Plan (`spec.archived: true`) and wait until it has condition Archived=True.",
        repeat
    ),
    key!(
        "delete",
        Special(DELETE_USAGE),
        "—",
        "Delete the Plan, or the VirtualMachines it migrated (labelled with the Plan's uid), and wait until they are gone.",
        repeat
    ),
    key!(
        "migrate",
        Special(MIGRATE_USAGE),
        "—",
        "Start another Migration of the plan (`resume_conversion`: `spec.resumeConversion: true`, which reuses the disks a failed conversion left) and wait until it ends.",
        repeat
    ),
    key!(
        "wait",
        Special(WAIT_USAGE),
        "—",
        "Wait until the Plan has condition CONDITION=True.",
        repeat
    ),
    key!(
        "expect",
        Block(BlockKind::Expect),
        "—",
        "Checks on every VM at this point (`cluster` is read again), and optionally the outcome of the latest Migration.",
        repeat
    ),
];

const PLAN_KEYS: &[KeyDef] = &[
    key!(
        "warm",
        Value(V::Bool),
        "false",
        "Warm migration (precopies, then a scheduled cutover)."
    ),
    key!(
        "copy_offload",
        Value(V::Bool),
        "false",
        "Copy-offload: the StorageMap gets `offloadPlugin.vsphereXcopyConfig` built from the provider profile; vSphere only."
    ),
    key!(
        "target_power_state",
        Value(V::Enum(EnumId::TargetPower)),
        "unset (like the source)",
        "`spec.targetPowerState` of the Plan."
    ),
    key!(
        "preserve_static_ips",
        Value(V::Bool),
        "false (always sent, as the pytest suite does)",
        "`spec.preserveStaticIPs`."
    ),
    key!(
        "target_namespace",
        Value(V::Str { interp: true }),
        "the run's namespace",
        "Namespace the migrated VMs are created in (created if missing)."
    ),
    key!(
        "multus_namespace",
        Value(V::Str { interp: true }),
        "the scenario's namespace",
        "Namespace for the NetworkAttachmentDefinitions of extra NICs; with the local destination only the scenario's namespace or `default` (Forklift's restricted host provider sees no other)."
    ),
    key!(
        "pvc_name_template",
        Value(V::Raw),
        "unset (`pvc` for copy-offload)",
        "`spec.pvcNameTemplate`: a Go template (raw, never interpolated), validated like Forklift does."
    ),
    key!(
        "pvc_name_template_use_generate_name",
        Value(V::Bool),
        "unset (Forklift's default)",
        "`spec.pvcNameTemplateUseGenerateName`: the rendered name is a generateName prefix."
    ),
    key!(
        "target_node_selector",
        Value(V::StrMap),
        "{}",
        "`spec.targetNodeSelector`; a `session` value makes it unique per run (mtvt labels a worker node with it)."
    ),
    key!(
        "target_labels",
        Value(V::StrMap),
        "{}",
        "`spec.targetLabels` (applied to the VM template); `session` values are unique per run."
    ),
    key!(
        "target_affinity",
        Value(V::Object),
        "unset",
        "`spec.targetAffinity`: a Kubernetes Affinity (camelCase fields), validated with k8s-openapi."
    ),
    key!(
        "storage_class",
        Value(V::Str { interp: true }),
        "session.storage_class",
        "Destination storage class of the StorageMap."
    ),
    key!(
        "destination",
        Value(V::Enum(EnumId::Destination)),
        "local",
        "`remote`: migrate to an explicit OpenShift provider for `session.remote_ocp_cluster`."
    ),
    key!(
        "timeout",
        Value(V::Duration),
        "session.plan_wait_timeout",
        "How long to wait for the migration to finish."
    ),
    key!(
        "guest_agent_timeout",
        Value(V::Duration),
        "session.guest_agent_timeout",
        "How long to wait for guest agents after migration."
    ),
    key!(
        "cutover_after",
        Value(V::Duration),
        "session.mins_before_cutover",
        "Warm only: time from migration start to the scheduled cutover."
    ),
    key!(
        "migrate_shared_disks",
        Value(V::Bool),
        "unset (Forklift: true)",
        "`spec.migrateSharedDisks`: copy disks shared by several VMs (false: only attach them)."
    ),
    key!(
        "enable_nested_virtualization",
        Value(V::Bool),
        "unset (as the source)",
        "`spec.enableNestedVirtualization`: `true` offers the vmx/svm CPU features to the migrated VMs, `false` disables them; unset keeps the source's setting."
    ),
    key!(
        "xfs_compatibility",
        Value(V::Bool),
        "unset (Forklift: false)",
        "`spec.xfsCompatibility`: convert with the XFS v4-compatible virt-v2v image (`VIRT_V2V_IMAGE_XFS`); drops BTRFS support for the plan."
    ),
    key!(
        "run_preflight_inspection",
        Value(V::Bool),
        "unset (Forklift: true)",
        "`spec.runPreflightInspection`: warm vSphere plans inspect the VMs' base disks (PreflightInspection step) before the first transfer."
    ),
    key!(
        "rdm_as_lun",
        Value(V::Bool),
        "unset (Forklift: false)",
        "`spec.rdmAsLun`: attach vSphere RDM disks as LUNs (`lun: {}`, SCSI passthrough)."
    ),
    key!(
        "forklift",
        Value(V::Forklift(ForkliftTarget::PlanSpec)),
        "{}",
        "Any other field of the Plan's `spec`, merged into it and checked against the Plan CRD (camelCase, as in Forklift): `forklift { skipGuestConversion: true }`."
    ),
    key!(
        "storage_map",
        Block(BlockKind::StorageMap),
        "—",
        "The plan's StorageMap (see the `storage_map` block)."
    ),
    key!(
        "network_map",
        Block(BlockKind::NetworkMap),
        "—",
        "The plan's NetworkMap (see the `network_map` block)."
    ),
    key!(
        "vm",
        Special(VM_USAGE),
        "—",
        "A source VM of this plan.",
        repeat
    ),
    key!(
        "hook",
        Special(HOOK_USAGE),
        "—",
        "A hook attached to every VM of this plan.",
        repeat
    ),
];

const VM_KEYS: &[KeyDef] = &[
    key!(
        "source_power",
        Value(V::Enum(EnumId::Power)),
        "unchanged",
        "Power the source VM on or off before migration."
    ),
    key!(
        "name_for",
        Value(V::ProviderNames),
        "{}",
        "Source VM name to use instead for some provider types, e.g. `{ ova: \"1nisim-rhel9-efi\" }` (OVA's fixed appliance)."
    ),
    key!(
        "guest_agent",
        Value(V::Bool),
        "false",
        "Expect a guest agent on the migrated VM (checked by `guest_agent`)."
    ),
    key!(
        "guest_agent_timeout",
        Value(V::Duration),
        "the plan's",
        "How long to wait for this VM's guest agent."
    ),
    key!(
        "clone",
        Value(V::Bool),
        "true",
        "Migrate a per-session clone of the VM (as the pytest suite does); `false` migrates the VM itself."
    ),
    key!(
        "clone_name",
        Value(V::Str { interp: true }),
        "generated",
        "Name of the clone."
    ),
    key!(
        "preserve_name_format",
        Value(V::Bool),
        "false",
        "Keep capitals and underscores of `clone_name` (Forklift then renames the target VM)."
    ),
    key!(
        "disk_type",
        Value(V::Enum(EnumId::Provisioning)),
        "as the template",
        "Provisioning of the clone's disks."
    ),
    key!(
        "target_datastore",
        Value(V::Datastore),
        "the template's",
        "Datastore to place the clone on."
    ),
    key!(
        "snapshots",
        Value(V::Int { min: 0 }),
        "0",
        "Snapshots to create on the source before migration."
    ),
    key!(
        "count",
        Value(V::Int { min: 1 }),
        "1",
        "Migrate this many clones of the VM in the plan."
    ),
    key!(
        "add_disk",
        Block(BlockKind::AddDisk),
        "—",
        "A disk to add to the clone before migration.",
        repeat
    ),
    key!(
        "luks_passphrase",
        Value(V::Str { interp: true }),
        "—",
        "Passphrase of the guest's LUKS-encrypted disks: mtvt stores it in a Secret of the scenario and points this VM's `spec.vms[].luks` at it. Write `\"${env.NAME}\"` to keep it out of the file."
    ),
    key!(
        "forklift",
        Value(V::Forklift(ForkliftTarget::PlanVm)),
        "{}",
        "Any other field of this VM's entry in the Plan's `spec.vms`, merged into it and checked against the Plan CRD: `forklift { rootDisk: \"/dev/sda\" }`."
    ),
];

const ADD_DISK_KEYS: &[KeyDef] = &[
    key!(
        "size",
        Value(V::Quantity),
        "— (required unless `rdm`)",
        "Disk size."
    ),
    key!(
        "mode",
        Value(V::Enum(EnumId::DiskMode)),
        "persistent",
        "VMware disk mode."
    ),
    key!(
        "provisioning",
        Value(V::Enum(EnumId::Provisioning)),
        "thin",
        "VMware provisioning."
    ),
    key!(
        "datastore",
        Value(V::Datastore),
        "the VM's",
        "Datastore of the disk."
    ),
    key!(
        "path",
        Value(V::Raw),
        "—",
        "Folder inside the datastore (e.g. `shared_disks`)."
    ),
    key!(
        "rdm",
        Value(V::Enum(EnumId::RdmType)),
        "—",
        "Make it an RDM disk on the profile's `rdm_lun_uuid` (no size, no provisioning)."
    ),
];

const HOOK_KEYS: &[KeyDef] = &[
    key!(
        "result",
        Value(V::Enum(EnumId::HookResult)),
        "—",
        "Use the predefined playbook that succeeds or fails (std/hooks `succeed` / `fail`)."
    ),
    key!(
        "playbook",
        Value(V::Text),
        "—",
        "Inline Ansible playbook YAML (dedented `\"\"\"…\"\"\"`)."
    ),
    key!(
        "playbook_base64",
        Value(V::Str { interp: false }),
        "—",
        "Base64-encoded playbook."
    ),
    key!(
        "playbook_file",
        Value(V::Raw),
        "—",
        "Playbook file, relative to the scenario file."
    ),
    key!(
        "expect",
        Value(V::Enum(EnumId::HookResult)),
        "— (may do either)",
        "How a custom playbook is designed to end."
    ),
    key!(
        "image",
        Value(V::Str { interp: false }),
        "quay.io/konveyor/hook-runner",
        "Hook runner image."
    ),
    key!(
        "service_account",
        Value(V::Str { interp: false }),
        "—",
        "Service account of the hook Job."
    ),
    key!(
        "deadline",
        Value(V::Duration),
        "—",
        "Hook Job deadline (`spec.deadline`)."
    ),
    key!(
        "forklift",
        Value(V::Forklift(ForkliftTarget::HookSpec)),
        "{}",
        "Any other field of the Hook's `spec`, merged into it and checked against the Hook CRD."
    ),
];

const STORAGE_MAP_KEYS: &[KeyDef] = &[key!(
    "forklift",
    Value(V::Forklift(ForkliftTarget::StorageMapEntry)),
    "{}",
    "Fields merged into every entry of the StorageMap's `spec.map`, checked against the StorageMap CRD: `forklift { destination: { volumeMode: \"Block\", accessMode: \"ReadWriteMany\" } }`."
)];

const SOURCE_PROVIDER_KEYS: &[KeyDef] = &[key!(
    "forklift",
    Value(V::Forklift(ForkliftTarget::ProviderSpec)),
    "{}",
    "Fields merged into the source Provider's `spec` (type, URL and Secret come from the provider profile), checked against the Provider CRD: `forklift { settings: { useVddkAioOptimization: \"true\" } }`."
)];

const NETWORK_MAP_KEYS: &[KeyDef] = &[key!(
    "forklift",
    Value(V::Forklift(ForkliftTarget::NetworkMapEntry)),
    "{}",
    "Fields merged into every entry of the NetworkMap's `spec.map`, checked against the NetworkMap CRD."
)];

const EXPECT_KEYS: &[KeyDef] = &[
    key!(
        "migration",
        Special(MIGRATION_USAGE),
        "—",
        "The expected outcome of the Migration, for every VM. `fails at STEP` names a Forklift pipeline step (PreHook, PostHook, DiskTransfer, …); `with \"TEXT\"` requires the VM's error to contain TEXT. **Required** unless `plan` states the outcome."
    ),
    key!(
        "plan",
        Special(PLAN_OUTCOME_USAGE),
        "—",
        "The expected outcome is the Plan's readiness, and no Migration is started: `ready` (condition Ready=True), or `not ready` with condition type CONDITION (and its CATEGORY: Critical, Error, Warn, Advisory, Required) standing while Ready is not True."
    ),
    key!(
        "check",
        Special(CHECK_USAGE),
        "—",
        "Checks evaluated on every migrated VM (also after a PostHook failure).",
        repeat
    ),
    key!(
        "within",
        Value(V::Duration),
        "—",
        "Only in an `expect` inside `then`: the expectation is evaluated again (every 5 s) until it holds or this much time has passed, for what the cluster does asynchronously (garbage collection after a delete)."
    ),
];

const SESSION_KEYS: &[KeyDef] = &[
    key!(
        "mtv_namespace",
        Value(V::Str { interp: false }),
        "\"openshift-mtv\"",
        "Namespace where MTV runs."
    ),
    key!(
        "target_namespace_prefix",
        Value(V::Str { interp: false }),
        "\"auto\"",
        "Prefix of the per-run namespace holding Plans, maps, hooks and VMs."
    ),
    key!(
        "storage_class",
        Value(V::Str { interp: true }),
        "— (CLI `--storage-class`)",
        "Destination storage class for every plan."
    ),
    key!(
        "plan_wait_timeout",
        Value(V::Duration),
        "1h",
        "How long to wait for a migration."
    ),
    key!(
        "snapshots_interval",
        Value(V::Int { min: 1 }),
        "2",
        "Warm precopy interval in minutes (ForkliftController `controller_precopy_interval`)."
    ),
    key!(
        "mins_before_cutover",
        Value(V::Int { min: 0 }),
        "5",
        "Minutes from warm migration start to cutover."
    ),
    key!(
        "insecure_verify_skip",
        Value(V::Bool),
        "false",
        "Skip TLS verification of the Forklift inventory Route, which receives the cluster's bearer token (only set it for an ingress whose certificate cannot be verified)."
    ),
    key!(
        "source_provider_insecure_skip_verify",
        Value(V::Bool),
        "false",
        "Skip TLS verification for the source provider."
    ),
    key!(
        "remote_ocp_cluster",
        Value(V::Str { interp: false }),
        "\"\"",
        "Remote cluster API host; empty skips `requires remote_cluster` scenarios."
    ),
    key!(
        "guest_agent_timeout",
        Value(V::Duration),
        "10m",
        "Default wait for guest agents after migration."
    ),
    key!(
        "source_provider",
        Block(BlockKind::SourceProvider),
        "—",
        "The session's source Providers (see the `source_provider` block)."
    ),
];

/// Well-known tags (pytest markers); near misses get a warning.
pub const KNOWN_TAGS: &[&str] = &[
    "tier0",
    "tier1",
    "tier2",
    "warm",
    "cold",
    "remote",
    "copyoffload",
    "hooks",
    "comprehensive",
    "snapshots",
    "scale",
    "smoke",
    "incremental",
    // the newest suite's markers (pytest.ini): scenario, provider and integration markers
    "copyoffload_sanity",
    "copyoffload_snapshots",
    "shared_disk",
    "ova",
    "vsphere",
    "esxi",
    "rhv",
    "hyperv",
    "openstack",
    "openshift",
    "deep_inspection",
    "ca_crt",
    "aap",
    "upgrade",
    "luks",
];
