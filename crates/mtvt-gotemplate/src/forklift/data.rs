//! The data Forklift passes to each template kind (`PVCNameTemplateData`,
//! `VolumeNameTemplateData`, `NetworkNameTemplateData`), as Go structs for the
//! evaluator, and representative samples for validation without a real VM.
//!
//! Exists so field names, Go types and declaration order live in one place.

use super::TemplateKind;
use crate::value::{GoValue, Record};

/// The data of one disk for a PVC name template (`PVCNameTemplateData`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PvcNameData {
    /// `.VmName`: the source VM name.
    pub vm_name: String,
    /// `.TargetVmName`: the DNS-safe target name
    /// (see `mtvt_vocab::resolve_target_vm_name`).
    pub target_vm_name: String,
    /// `.PlanName`
    pub plan_name: String,
    /// `.DiskIndex`: index of the disk among the migrated disks.
    pub disk_index: i64,
    /// `.RootDiskIndex` (vSphere).
    pub root_disk_index: i64,
    /// `.Shared` (vSphere).
    pub shared: bool,
    /// `.FileName`: the disk file name, e.g. `rhel9-vm_1.vmdk` (vSphere).
    pub file_name: String,
    /// `.VmId`: the source VM id.
    pub vm_id: String,
    /// `.WinDriveLetter` (vSphere, lower case; empty without guest tools).
    pub win_drive_letter: String,
    /// `.SourcePVCName` (OpenShift).
    pub source_pvc_name: String,
    /// `.SourcePVCNamespace` (OpenShift).
    pub source_pvc_namespace: String,
    /// `.VolumeID` (EC2).
    pub volume_id: String,
    /// `.SnapshotID` (EC2).
    pub snapshot_id: String,
    /// `.DiskId` (oVirt disk attachment id, Hyper-V VHDX GUID).
    pub disk_id: String,
}

impl PvcNameData {
    pub(super) fn record(&self, pointer: bool) -> Record {
        let s = |v: &String| GoValue::str(v);
        Record {
            type_name: TemplateKind::PvcName.data_type().to_string(),
            pointer,
            fields: vec![
                ("VmName".into(), s(&self.vm_name)),
                ("TargetVmName".into(), s(&self.target_vm_name)),
                ("PlanName".into(), s(&self.plan_name)),
                ("DiskIndex".into(), GoValue::Int(self.disk_index)),
                ("VmId".into(), s(&self.vm_id)),
                ("WinDriveLetter".into(), s(&self.win_drive_letter)),
                ("RootDiskIndex".into(), GoValue::Int(self.root_disk_index)),
                ("Shared".into(), GoValue::Bool(self.shared)),
                ("FileName".into(), s(&self.file_name)),
                ("SourcePVCName".into(), s(&self.source_pvc_name)),
                ("SourcePVCNamespace".into(), s(&self.source_pvc_namespace)),
                ("VolumeID".into(), s(&self.volume_id)),
                ("SnapshotID".into(), s(&self.snapshot_id)),
                ("DiskId".into(), s(&self.disk_id)),
            ],
        }
    }

    /// Representative data for validating a template without a real VM: disk
    /// `disk_index` of a VM `rhel9-vm` in plan `plan-1`, with the provider's fields set
    /// the way its validator sets them (vSphere: `RootDiskIndex` 1, `Shared` false;
    /// EC2: no snapshot yet).
    pub fn sample(provider: Option<&str>, disk_index: i64) -> Self {
        let mut d = PvcNameData {
            vm_name: "rhel9-vm".into(),
            target_vm_name: "rhel9-vm".into(),
            plan_name: "plan-1".into(),
            disk_index,
            ..Default::default()
        };
        let file = if disk_index == 0 {
            "rhel9-vm.vmdk".to_string()
        } else {
            format!("rhel9-vm_{disk_index}.vmdk")
        };
        let letter =
            char::from(b'c' + u8::try_from(disk_index.clamp(0, 23)).unwrap_or(0)).to_string();
        let uuid = format!("5f0c1b9e-7a34-4d1c-9e2b-{:012}", disk_index);
        match provider {
            Some("vsphere") => {
                d.vm_id = "vm-42".into();
                d.root_disk_index = 1;
                d.file_name = file;
                d.win_drive_letter = letter;
            }
            Some("ovirt" | "hyperv") => {
                d.vm_id = "0f6a7c2e-3b1d-4f5a-8c9e-1a2b3c4d5e6f".into();
                d.disk_id = uuid;
            }
            Some("openshift") => {
                d.vm_id = "8d2c9b7a-6e5f-4a3b-9c1d-0e2f4a6b8c0d".into();
                d.source_pvc_name = format!("rhel9-vm-disk-{disk_index}");
                d.source_pvc_namespace = "vms".into();
            }
            Some("ec2") => {
                d.vm_id = "i-0123456789abcdef0".into();
                d.volume_id = format!("vol-0123456789abcdef{disk_index}");
            }
            Some(_) => {
                d.vm_id = "0f6a7c2e-3b1d-4f5a-8c9e-1a2b3c4d5e6f".into();
            }
            None => {
                d.vm_id = "vm-42".into();
                d.root_disk_index = 1;
                d.file_name = file;
                d.win_drive_letter = letter;
                d.source_pvc_name = format!("rhel9-vm-disk-{disk_index}");
                d.source_pvc_namespace = "vms".into();
                d.volume_id = format!("vol-0123456789abcdef{disk_index}");
                d.snapshot_id = format!("snap-0123456789abcdef{disk_index}");
                d.disk_id = uuid;
            }
        }
        d
    }
}

/// The data of one volume for a `volumeNameTemplate`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolumeNameData {
    /// `.PVCName`
    pub pvc_name: String,
    /// `.VolumeIndex`
    pub volume_index: i64,
}

/// The data of one NIC for a `networkNameTemplate`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkNameData {
    /// `.NetworkName`: the NAD name for multus, empty otherwise.
    pub network_name: String,
    /// `.NetworkNamespace`: the NAD namespace for multus.
    pub network_namespace: String,
    /// `.NetworkType`: at run time the map's destination type (`pod`, `multus`).
    pub network_type: String,
    /// `.NetworkIndex`
    pub network_index: i64,
}

impl VolumeNameData {
    pub(super) fn record(&self, pointer: bool) -> Record {
        Record {
            type_name: TemplateKind::VolumeName.data_type().to_string(),
            pointer,
            fields: vec![
                ("PVCName".into(), GoValue::str(&self.pvc_name)),
                ("VolumeIndex".into(), GoValue::Int(self.volume_index)),
            ],
        }
    }
}

impl NetworkNameData {
    pub(super) fn record(&self, pointer: bool) -> Record {
        Record {
            type_name: TemplateKind::NetworkName.data_type().to_string(),
            pointer,
            fields: vec![
                ("NetworkName".into(), GoValue::str(&self.network_name)),
                (
                    "NetworkNamespace".into(),
                    GoValue::str(&self.network_namespace),
                ),
                ("NetworkType".into(), GoValue::str(&self.network_type)),
                ("NetworkIndex".into(), GoValue::Int(self.network_index)),
            ],
        }
    }
}
