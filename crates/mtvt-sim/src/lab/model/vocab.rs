//! The words of the source world: provider kinds, power states, firmware, OS families,
//! guest tools, disk provisioning, modes and buses, with their upstream spellings.

use serde::{Deserialize, Serialize};

/// The source platforms a lab can describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// VMware vSphere (vCenter).
    Vsphere,
    /// oVirt / Red Hat Virtualization.
    Ovirt,
    /// OpenStack.
    Openstack,
    /// OpenShift Virtualization (KubeVirt) as a source.
    Openshift,
    /// OVA files on an NFS share.
    Ova,
}

impl ProviderKind {
    /// Every kind, in a stable order.
    pub const ALL: [ProviderKind; 5] = [
        ProviderKind::Vsphere,
        ProviderKind::Ovirt,
        ProviderKind::Openstack,
        ProviderKind::Openshift,
        ProviderKind::Ova,
    ];

    /// The Forklift `Provider.spec.type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Vsphere => "vsphere",
            ProviderKind::Ovirt => "ovirt",
            ProviderKind::Openstack => "openstack",
            ProviderKind::Openshift => "openshift",
            ProviderKind::Ova => "ova",
        }
    }

    /// Parses a Forklift provider type.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Power state of a VM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PowerState {
    /// Running.
    On,
    /// Stopped.
    Off,
}

/// Firmware type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Firmware {
    /// Legacy BIOS.
    Bios,
    /// UEFI.
    Efi,
}

impl Firmware {
    /// `bios` / `efi`.
    pub fn as_str(self) -> &'static str {
        match self {
            Firmware::Bios => "bios",
            Firmware::Efi => "efi",
        }
    }
}

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

/// Disk provisioning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provisioning {
    /// Thin (sparse).
    Thin,
    /// Thick, lazily zeroed (flat).
    ThickLazy,
    /// Thick, eagerly zeroed.
    ThickEager,
}

impl Provisioning {
    /// `thin` / `thick-lazy` / `thick-eager`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provisioning::Thin => "thin",
            Provisioning::ThickLazy => "thick-lazy",
            Provisioning::ThickEager => "thick-eager",
        }
    }
}

/// vSphere disk mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiskMode {
    /// Included in snapshots.
    Persistent,
    /// Excluded from snapshots, changes kept.
    IndependentPersistent,
    /// Excluded from snapshots, changes dropped at power off.
    IndependentNonpersistent,
}

impl DiskMode {
    /// The vSphere `diskMode` value.
    pub fn as_str(self) -> &'static str {
        match self {
            DiskMode::Persistent => "persistent",
            DiskMode::IndependentPersistent => "independent_persistent",
            DiskMode::IndependentNonpersistent => "independent_nonpersistent",
        }
    }
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
