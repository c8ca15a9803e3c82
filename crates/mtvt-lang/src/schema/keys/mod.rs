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

mod plan;
mod scenario;
mod session;
mod vm;

use plan::{HOOK_KEYS, NETWORK_MAP_KEYS, PLAN_KEYS, STORAGE_MAP_KEYS};
use scenario::{EXPECT_KEYS, SCENARIO_KEYS, THEN_KEYS};
use session::{SESSION_KEYS, SOURCE_PROVIDER_KEYS};
use vm::{ADD_DISK_KEYS, VM_KEYS};

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
/// Usage of `delete` inside `then`.
pub const DELETE_USAGE: &str = "delete plan  or  delete vms";
/// Usage of `migrate` inside `then`.
pub const MIGRATE_USAGE: &str = "migrate  or  migrate resume_conversion";
/// Usage of `cancel` inside `then`.
pub const CANCEL_USAGE: &str = "cancel at STEP";
/// Usage of `wait` inside `then`.
pub const WAIT_USAGE: &str = "wait plan CONDITION";
/// Usage of `archive` inside `then`.
pub const ARCHIVE_USAGE: &str = "archive";

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
