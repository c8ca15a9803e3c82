//! Key tables of the scenario, its `expect` block and its `then` lifecycle steps.

use super::{
    ARCHIVE_USAGE, BlockKind, CANCEL_USAGE, CHECK_USAGE, DELETE_USAGE, HOOK_USAGE, KeyDef,
    MATRIX_USAGE, MIGRATE_USAGE, MIGRATION_USAGE, PLAN_OUTCOME_USAGE, PLAN_USAGE, REQUIRES_USAGE,
    VM_USAGE, WAIT_USAGE,
};
use super::{Block, Special, V, Value};

pub(super) const SCENARIO_KEYS: &[KeyDef] = &[
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

pub(super) const THEN_KEYS: &[KeyDef] = &[
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
        "cancel",
        Special(CANCEL_USAGE),
        "—",
        "Right after a `migrate`: cancel that Migration once one of its VMs has started pipeline step STEP (`spec.cancel` lists every VM of it; the VMs get condition Canceled); the `migrate` waits for its end.",
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

pub(super) const EXPECT_KEYS: &[KeyDef] = &[
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
