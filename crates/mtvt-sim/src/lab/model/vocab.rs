//! The words of the source world that only the lab speaks: OS families, guest tools and
//! disk buses. Provider kinds, power states, firmware, disk provisioning and disk modes
//! are the MTV vocabulary's (`mtvt-vocab`), re-exported here so the lab reads as one
//! model; this module must not define its own copies of them.

use serde::{Deserialize, Serialize};

pub use mtvt_vocab::{DiskMode, Firmware, PowerState, ProviderKind, Provisioning};

/// Guest operating system family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OsFamily {
    /// Linux guests.
    Linux,
    /// Windows guests.
    Windows,
}

/// Whether guest tools / the guest agent are installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolsInstall {
    /// Installed and current.
    Installed,
    /// Installed, older than the host supports.
    Outdated,
    /// Not installed.
    NotInstalled,
}

/// Disk bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiskBus {
    /// SCSI (vSphere default).
    Scsi,
    /// SATA.
    Sata,
    /// IDE.
    Ide,
    /// NVMe.
    Nvme,
    /// virtio-blk (oVirt, OpenStack, KubeVirt).
    Virtio,
}

impl DiskBus {
    /// Lower-case bus name.
    pub fn as_str(self) -> &'static str {
        match self {
            DiskBus::Scsi => "scsi",
            DiskBus::Sata => "sata",
            DiskBus::Ide => "ide",
            DiskBus::Nvme => "nvme",
            DiskBus::Virtio => "virtio",
        }
    }
}
