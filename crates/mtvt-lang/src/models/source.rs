//! `source`: the source VM as the source provider reports it before migration.

use mtvt_vocab::Quantity;

use super::model;
use crate::schema::enums::{DiskMode, Firmware, PowerState, ProviderKind, Provisioning};

model! {
    /// The source VM, read from the source provider right before migration (after the
    /// scenario's `source_power` was applied).
    SourceVm as SourceVm {
        /// VM name in the source provider (the per-session clone's name when cloned).
        name: String,
        /// Provider id of the VM (vSphere moRef `vm-123`, oVirt/OpenStack UUID, OpenShift UID).
        id: String,
        /// Type of the source provider.
        provider_type: ProviderKind,
        /// Power state right before migration.
        power: PowerState,
        /// Power state after the migration ended (Forklift leaves it off after cutover); none when not read.
        power_after: Option<PowerState>,
        /// CPU topology.
        cpu: Cpu,
        /// Memory in MiB.
        memory_mib: i64,
        /// Firmware type.
        firmware: Firmware,
        /// Serial the migrated VM should carry (vSphere: `VMware-42 2c 6a …` form; oVirt: serial number or VM id).
        serial: String,
        /// BIOS UUID (vSphere may expose this raw UUID as the serial instead).
        uuid: String,
        /// Guest OS identifier reported by the provider.
        guest_os: String,
        /// True for Windows guests.
        is_windows: bool,
        /// Guest tools / guest agent running before migration.
        guest_agent: bool,
        /// Network interfaces, in provider order.
        nics: Vec<SourceNic>,
        /// Disks including those the scenario added: vSphere in device position order (controller key, then unit number), the order Forklift numbers them in (`.DiskIndex`); other providers in provider order.
        disks: Vec<SourceDisk>,
        /// Snapshots present before migration.
        snapshots: Vec<Snapshot>,
        /// Snapshots present after migration; none when not read.
        snapshots_after: Option<Vec<Snapshot>>,
    }
}

model! {
    /// CPU topology (`source.cpu`, `dest.cpu`).
    Cpu as Cpu {
        /// Number of sockets.
        sockets: i64,
        /// Cores per socket.
        cores: i64,
    }
}

model! {
    /// A source network interface.
    SourceNic as SourceNic {
        /// MAC address (lower-case, colon-separated).
        mac: String,
        /// Source network name or id, as used in `plan.network_map`.
        network: String,
        /// Primary guest IPv4 address, when the guest reports one.
        ip: Option<String>,
        /// True when the guest configured the address statically (vSphere `origin == manual`).
        static_ip: bool,
        /// Subnet mask of `ip` (`255.255.255.0`), when the guest reports its prefix length.
        mask: Option<String>,
        /// Default gateway through this NIC, when the guest reports it (vSphere guest routes).
        gateway: Option<String>,
    }
}

model! {
    /// A source disk.
    SourceDisk as SourceDisk {
        /// Provider device key (vSphere `2000`…).
        key: i64,
        /// Backing file (`[datastore1] vm/vm_1.vmdk`) or disk id.
        file: String,
        /// Datastore / storage domain id.
        datastore: String,
        /// Capacity.
        capacity: Quantity,
        /// VMware provisioning, when known.
        provisioning: Option<Provisioning>,
        /// VMware disk mode, when known.
        mode: Option<DiskMode>,
        /// Shared between VMs.
        shared: bool,
        /// Key of the controller the disk hangs on (vSphere `controllerKey`); none when unknown.
        controller_key: Option<i64>,
        /// Position on that controller (vSphere `unitNumber`); none when unknown.
        unit_number: Option<i64>,
    }
}

model! {
    /// A source snapshot.
    Snapshot as Snapshot {
        /// Snapshot name.
        name: String,
        /// Provider id of the snapshot.
        id: String,
        /// Power state the snapshot captured (vSphere `poweredOff`, `poweredOn`, `suspended`); none when not read.
        state: Option<String>,
        /// Creation time in UTC to the minute (`2026-12-07T19:40Z`), the precision the pytest suite compares; none when not read.
        created: Option<String>,
    }
}
