//! Itineraries (`pkg/controller/plan/migrator/base/migrator.go`): the ordered phases of a
//! VM migration, cold or warm, with the predicates that skip phases, and the pipeline steps
//! phases roll up into (`Initialize`, `DiskTransfer`, `ImageConversion`, ...). Pure tables.

use crate::lab::ProviderKind;

/// What decides which phases run for one VM.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Flags {
    /// Source type.
    pub source: Option<ProviderKind>,
    /// Warm plan.
    pub warm: bool,
    /// The VM has a PreHook.
    pub pre_hook: bool,
    /// The VM has a PostHook.
    pub post_hook: bool,
    /// Guest conversion runs (vSphere/OVA and not skipGuestConversion).
    pub conversion: bool,
    /// virt-v2v copies the disks (OVA; vSphere cold to the host cluster without offload).
    pub v2v_copy: bool,
    /// Preflight inspection (vSphere warm with conversion).
    pub inspection: bool,
    /// Windows guest with conversion and a target that is not `off`.
    pub windows_reboot: bool,
    /// The Migration resumes a failed conversion (`spec.resumeConversion`).
    pub resume: bool,
}

impl Flags {
    /// `HasSeparateCopyAndConversion` (pkg/controller/plan/util/utils.go:230-249): the source
    /// needs conversion and virt-v2v does not copy the disks itself — only then can a failed
    /// conversion be resumed on the copied disks.
    pub fn separate_copy_and_conversion(&self) -> bool {
        matches!(self.source, Some(ProviderKind::Vsphere | ProviderKind::Ova)) && !self.v2v_copy
    }

    fn vsphere(&self) -> bool {
        self.source == Some(ProviderKind::Vsphere)
    }

    fn keep(&self, phase: &str) -> bool {
        match phase {
            "PreHook" => self.pre_hook,
            "PostHook" => self.post_hook,
            "CopyDisks" => !self.v2v_copy,
            "AllocateDisks" | "CopyDisksVirtV2V" => self.v2v_copy,
            "CreateGuestConversionPod" | "ConvertGuest" => self.conversion,
            "StoreInitialSnapshotDeltas"
            | "RemovePreviousSnapshot"
            | "WaitForPreviousSnapshotRemoval"
            | "StoreSnapshotDeltas"
            | "RemovePenultimateSnapshot"
            | "WaitForPenultimateSnapshotRemoval"
            | "RemoveFinalSnapshot"
            | "WaitForFinalSnapshotRemoval" => self.vsphere(),
            "PreflightInspection" => self.inspection,
            "ConvertOpenstackSnapshot" => self.source == Some(ProviderKind::Openstack),
            "WaitForGuestReboots" => self.windows_reboot,
            _ => true,
        }
    }
}

const COLD: &[&str] = &[
    "Started",
    "PreHook",
    "StorePowerState",
    "PowerOffSource",
    "WaitForPowerOff",
    "CreateDataVolumes",
    "CopyDisks",
    "AllocateDisks",
    "CreateGuestConversionPod",
    "ConvertGuest",
    "CopyDisksVirtV2V",
    "ConvertOpenstackSnapshot",
    "CreateVM",
    "WaitForGuestReboots",
    "PostHook",
    "Completed",
];

const WARM: &[&str] = &[
    "Started",
    "PreHook",
    "CreateInitialSnapshot",
    "WaitForInitialSnapshot",
    "StoreInitialSnapshotDeltas",
    "PreflightInspection",
    "CreateDataVolumes",
    "CopyDisks",
    "CopyingPaused",
    "RemovePreviousSnapshot",
    "WaitForPreviousSnapshotRemoval",
    "CreateSnapshot",
    "WaitForSnapshot",
    "StoreSnapshotDeltas",
    "AddCheckpoint",
    "StorePowerState",
    "PowerOffSource",
    "WaitForPowerOff",
    "RemovePenultimateSnapshot",
    "WaitForPenultimateSnapshotRemoval",
    "CreateFinalSnapshot",
    "WaitForFinalSnapshot",
    "AddFinalCheckpoint",
    "Finalize",
    "RemoveFinalSnapshot",
    "CreateGuestConversionPod",
    "ConvertGuest",
    "CreateVM",
    "WaitForGuestReboots",
    "PostHook",
    "WaitForFinalSnapshotRemoval",
    "Completed",
];

/// `resumeConversionItinerary` (migrator/base/migrator.go:410-425): no disk copy and no
/// power-off, the source was powered off by the migration that copied the disks.
const RESUME: &[&str] = &[
    "Started",
    "PreHook",
    "CreateGuestConversionPod",
    "ConvertGuest",
    "CreateVM",
    "WaitForGuestReboots",
    "PostHook",
    "Completed",
];

/// The phases a VM goes through, in order: resuming a conversion comes first, then warm,
/// then cold (`Itinerary`, migrator/base/migrator.go:256-268).
pub fn phases(f: &Flags) -> Vec<&'static str> {
    let table = if f.resume {
        RESUME
    } else if f.warm {
        WARM
    } else {
        COLD
    };
    table.iter().copied().filter(|p| f.keep(p)).collect()
}

/// The phase after `phase` in the itinerary (`None` at `Completed` or when unknown).
pub fn next(f: &Flags, phase: &str) -> Option<&'static str> {
    let list = phases(f);
    let i = list.iter().position(|p| *p == phase)?;
    list.get(i + 1).copied()
}

/// The pipeline step a phase belongs to (`None` for `Completed`).
pub fn step_of(f: &Flags, phase: &str) -> Option<&'static str> {
    Some(match phase {
        "Started"
        | "CreateInitialSnapshot"
        | "WaitForInitialSnapshot"
        | "StoreInitialSnapshotDeltas" => "Initialize",
        "StorePowerState" | "PowerOffSource" | "WaitForPowerOff" if !f.warm => "Initialize",
        "CreateDataVolumes" if f.inspection => "DiskTransfer",
        "CreateDataVolumes" => "Initialize",
        "PreHook" => "PreHook",
        "PostHook" => "PostHook",
        "PreflightInspection" => "PreflightInspection",
        "AllocateDisks" => "DiskAllocation",
        "CopyDisks"
        | "CopyingPaused"
        | "RemovePreviousSnapshot"
        | "WaitForPreviousSnapshotRemoval"
        | "CreateSnapshot"
        | "WaitForSnapshot"
        | "StoreSnapshotDeltas"
        | "AddCheckpoint"
        // A phase of DiskTransfer: the step named after it never runs (migrator.go:284-287).
        | "ConvertOpenstackSnapshot" => "DiskTransfer",
        "StorePowerState"
        | "PowerOffSource"
        | "WaitForPowerOff"
        | "RemovePenultimateSnapshot"
        | "WaitForPenultimateSnapshotRemoval"
        | "CreateFinalSnapshot"
        | "WaitForFinalSnapshot"
        | "AddFinalCheckpoint"
        | "Finalize"
        | "RemoveFinalSnapshot" => "Cutover",
        "CreateGuestConversionPod" | "ConvertGuest" => "ImageConversion",
        "CopyDisksVirtV2V" => "DiskTransferV2v",
        "CreateVM" => "VirtualMachineCreation",
        "WaitForGuestReboots" => "WaitForGuestReboots",
        "WaitForFinalSnapshotRemoval" => "WaitForFinalSnapshotConsolidation",
        _ => return None,
    })
}

/// The description of a pipeline step.
pub fn description(step: &str) -> &'static str {
    match step {
        "Initialize" => "Initialize migration.",
        "PreHook" => "Run pre-migration hook.",
        "PostHook" => "Run post-migration hook.",
        "PreflightInspection" => "Inspect VM before migration.",
        "DiskAllocation" => "Allocate disks.",
        "DiskTransfer" => "Transfer disks.",
        "Cutover" => "Finalize disk transfer.",
        "ImageConversion" => "Convert image to kubevirt.",
        "DiskTransferV2v" => "Copy disks.",
        "ConvertOpenstackSnapshot" => "Convert OpenStack snapshot.",
        "VirtualMachineCreation" => "Create VM.",
        "WaitForGuestReboots" => "Wait for Windows guest reboot after conversion.",
        "WaitForFinalSnapshotConsolidation" => {
            "Waiting for final snapshot removal and consolidation"
        }
        _ => "",
    }
}

/// The pipeline step a phase of the itinerary creates, in `Pipeline()`'s order
/// (pkg/controller/plan/migrator/base/migrator.go:73-255): not every step is one a phase maps
/// to ([`step_of`]) — `ConvertOpenstackSnapshot` is created but never runs.
fn anchor(phase: &str) -> Option<&'static str> {
    Some(match phase {
        "Started" => "Initialize",
        "PreHook" => "PreHook",
        "AllocateDisks" => "DiskAllocation",
        "CopyDisks" => "DiskTransfer",
        "CopyDisksVirtV2V" => "DiskTransferV2v",
        "ConvertOpenstackSnapshot" => "ConvertOpenstackSnapshot",
        "Finalize" => "Cutover",
        "ConvertGuest" => "ImageConversion",
        "PostHook" => "PostHook",
        "CreateVM" => "VirtualMachineCreation",
        "WaitForGuestReboots" => "WaitForGuestReboots",
        "PreflightInspection" => "PreflightInspection",
        "WaitForFinalSnapshotRemoval" => "WaitForFinalSnapshotConsolidation",
        _ => return None,
    })
}

/// The ordered pipeline steps of an itinerary.
pub fn steps(f: &Flags) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for s in phases(f).into_iter().filter_map(anchor) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Whether a step moves disk data: progress in MB with one task per disk (`Cutover` has them
/// too, and no phase until it runs).
pub fn is_disk_step(step: &str) -> bool {
    matches!(
        step,
        "DiskTransfer"
            | "DiskTransferV2v"
            | "DiskAllocation"
            | "ConvertOpenstackSnapshot"
            | "Cutover"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vsphere_cold() -> Flags {
        Flags {
            source: Some(ProviderKind::Vsphere),
            conversion: true,
            v2v_copy: true,
            ..Default::default()
        }
    }

    #[test]
    fn vsphere_cold_to_host_pipeline() {
        assert_eq!(
            steps(&vsphere_cold()),
            vec![
                "Initialize",
                "DiskAllocation",
                "ImageConversion",
                "DiskTransferV2v",
                "VirtualMachineCreation"
            ]
        );
        let hooks = Flags {
            pre_hook: true,
            post_hook: true,
            ..vsphere_cold()
        };
        assert_eq!(steps(&hooks).first(), Some(&"Initialize"));
        assert_eq!(steps(&hooks).get(1), Some(&"PreHook"));
        assert_eq!(steps(&hooks).last(), Some(&"PostHook"));
        assert_eq!(next(&vsphere_cold(), "Started"), Some("StorePowerState"));
        assert_eq!(next(&vsphere_cold(), "CreateVM"), Some("Completed"));
    }

    #[test]
    fn other_pipelines() {
        let ovirt = Flags {
            source: Some(ProviderKind::Ovirt),
            ..Default::default()
        };
        assert_eq!(
            steps(&ovirt),
            vec!["Initialize", "DiskTransfer", "VirtualMachineCreation"]
        );
        let os = Flags {
            source: Some(ProviderKind::Openstack),
            ..Default::default()
        };
        assert_eq!(
            steps(&os),
            vec![
                "Initialize",
                "DiskTransfer",
                "ConvertOpenstackSnapshot",
                "VirtualMachineCreation"
            ]
        );
        let ova = Flags {
            source: Some(ProviderKind::Ova),
            conversion: true,
            v2v_copy: true,
            ..Default::default()
        };
        assert_eq!(
            steps(&ova),
            vec![
                "Initialize",
                "DiskAllocation",
                "ImageConversion",
                "DiskTransferV2v",
                "VirtualMachineCreation"
            ]
        );
        let warm = Flags {
            source: Some(ProviderKind::Vsphere),
            warm: true,
            conversion: true,
            inspection: true,
            ..Default::default()
        };
        assert_eq!(
            steps(&warm),
            vec![
                "Initialize",
                "PreflightInspection",
                "DiskTransfer",
                "Cutover",
                "ImageConversion",
                "VirtualMachineCreation",
                "WaitForFinalSnapshotConsolidation"
            ]
        );
    }

    /// migrator/base/migrator.go:256-268 (resume before warm) and :410-425 (the
    /// ResumeConversion itinerary: Started, PreHook, CreateGuestConversionPod, ConvertGuest,
    /// CreateVM, WaitForGuestReboots, PostHook, Completed).
    #[test]
    fn resume_conversion_skips_copy_and_power_off() {
        let resume = Flags {
            source: Some(ProviderKind::Vsphere),
            warm: true,
            conversion: true,
            inspection: true,
            resume: true,
            ..Default::default()
        };
        assert_eq!(
            phases(&resume),
            vec![
                "Started",
                "CreateGuestConversionPod",
                "ConvertGuest",
                "CreateVM",
                "Completed"
            ]
        );
        assert_eq!(
            steps(&resume),
            vec!["Initialize", "ImageConversion", "VirtualMachineCreation"]
        );
    }
}
