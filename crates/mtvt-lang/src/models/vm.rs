//! `vm`: the scenario's declaration of the VM being checked.

use mtvt_vocab::{Duration, Quantity};

use super::model;
use crate::schema::enums::{DiskMode, PowerState, Provisioning, RdmType};

model! {
    /// The scenario's `vm "…" { … }` declaration, with defaults applied.
    Vm as Vm {
        /// Source VM (or template) name as written in the scenario.
        name: String,
        /// Migrate a per-session clone of it.
        clone: bool,
        /// Explicit clone name, none for the generated one.
        clone_name: Option<String>,
        /// Keep capitals and underscores of `clone_name`.
        preserve_name_format: bool,
        /// Source power state requested before migration; none = left unchanged.
        source_power: Option<PowerState>,
        /// The scenario expects a guest agent after migration.
        guest_agent: bool,
        /// How long to wait for the guest agent.
        guest_agent_timeout: Duration,
        /// Provisioning of the clone's disks, none = as the template.
        disk_type: Option<Provisioning>,
        /// Number of source snapshots created before migration.
        snapshots: i64,
        /// Disks added to the clone before migration.
        added_disks: Vec<AddedDisk>,
        /// The scenario gives a LUKS passphrase for the guest's encrypted disks (`luks_passphrase`).
        luks: bool,
    }
}

model! {
    /// A disk added to the source VM before migration (`add_disk { … }`).
    AddedDisk as AddedDisk {
        /// Size; none for RDM disks.
        size: Option<Quantity>,
        /// Disk mode.
        mode: DiskMode,
        /// Provisioning.
        provisioning: Provisioning,
        /// Datastore: `primary`, `secondary`, `non_xcopy` or a literal id; none = the VM's.
        datastore: Option<String>,
        /// Folder inside the datastore.
        path: Option<String>,
        /// RDM compatibility mode for RDM disks.
        rdm: Option<RdmType>,
    }
}
