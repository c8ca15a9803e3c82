//! Key tables of the `session` block and its `source_provider` blocks.

use super::{Block, V, Value};
use super::{BlockKind, KeyDef};
use crate::schema::forklift::ForkliftTarget;

pub(super) const SESSION_KEYS: &[KeyDef] = &[
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

pub(super) const SOURCE_PROVIDER_KEYS: &[KeyDef] = &[key!(
    "forklift",
    Value(V::Forklift(ForkliftTarget::ProviderSpec)),
    "{}",
    "Fields merged into the source Provider's `spec` (type, URL and Secret come from the provider profile), checked against the Provider CRD: `forklift { settings: { useVddkAioOptimization: \"true\" } }`."
)];
