//! Key tables of the `vm` block and its `add_disk` blocks.

use super::{Block, V, Value};
use super::{BlockKind, KeyDef};
use crate::schema::enums::EnumId;
use crate::schema::forklift::ForkliftTarget;

pub(super) const VM_KEYS: &[KeyDef] = &[
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

pub(super) const ADD_DISK_KEYS: &[KeyDef] = &[
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
