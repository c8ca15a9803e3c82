//! Key tables of the `plan` block and the blocks inside it (storage and network maps,
//! hooks).

use super::{Block, Special, V, Value};
use super::{BlockKind, HOOK_USAGE, KeyDef, VM_USAGE};
use crate::schema::enums::EnumId;
use crate::schema::forklift::ForkliftTarget;

pub(super) const PLAN_KEYS: &[KeyDef] = &[
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

pub(super) const HOOK_KEYS: &[KeyDef] = &[
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

pub(super) const STORAGE_MAP_KEYS: &[KeyDef] = &[key!(
    "forklift",
    Value(V::Forklift(ForkliftTarget::StorageMapEntry)),
    "{}",
    "Fields merged into every entry of the StorageMap's `spec.map`, checked against the StorageMap CRD: `forklift { destination: { volumeMode: \"Block\", accessMode: \"ReadWriteMany\" } }`."
)];

pub(super) const NETWORK_MAP_KEYS: &[KeyDef] = &[key!(
    "forklift",
    Value(V::Forklift(ForkliftTarget::NetworkMapEntry)),
    "{}",
    "Fields merged into every entry of the NetworkMap's `spec.map`, checked against the NetworkMap CRD."
)];
