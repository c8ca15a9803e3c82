//! `dest`: the migrated KubeVirt VirtualMachine with its VMI, PVCs and node.

use std::collections::BTreeMap;

use mtvt_vocab::Quantity;

use super::{Cpu, model};
use crate::schema::enums::{Firmware, PowerState};

model! {
    /// The migrated VM: the KubeVirt VirtualMachine, its running instance (VMI), its PVCs
    /// and the node it runs on.
    DestVm as DestVm {
        /// VirtualMachine name (Forklift's DNS-1123 form of the source name).
        name: String,
        /// Namespace the VM landed in.
        namespace: String,
        /// `on` when `status.printableStatus` is Running, else `off`.
        power: PowerState,
        /// `spec.runStrategy` (Always, Halted, …).
        run_strategy: String,
        /// `spec.template.spec.domain.cpu`.
        cpu: Cpu,
        /// `spec.template.spec.domain.memory.guest` in MiB.
        memory_mib: i64,
        /// Firmware type (`efi` when a bootloader.efi is set).
        firmware: Option<Firmware>,
        /// `spec.template.spec.domain.firmware.serial`.
        serial: String,
        /// UEFI secure boot (`firmware.bootloader.efi.secureBoot`, KubeVirt's default true when unset).
        secure_boot: bool,
        /// A virtual TPM (`devices.tpm`) is attached.
        tpm: bool,
        /// VirtualMachine `metadata.labels`.
        labels: BTreeMap<String, String>,
        /// `spec.template.metadata.labels` (where the plan's target labels go).
        template_labels: BTreeMap<String, String>,
        /// `spec.template.spec.nodeSelector`.
        node_selector: BTreeMap<String, String>,
        /// `spec.template.spec.affinity`, none when unset.
        affinity: Option<serde_json::Value>,
        /// Node the VMI runs on; none when not running.
        node: Option<String>,
        /// Labels of that node.
        node_labels: BTreeMap<String, String>,
        /// Network interfaces of the VMI.
        nics: Vec<DestNic>,
        /// Disks, one per PVC-backed volume.
        disks: Vec<DestDisk>,
        /// VMI condition `AgentConnected` is True (awaited up to the VM's `guest_agent_timeout` when the scenario expects an agent; on a VM that ended powered off, after starting it).
        guest_agent: bool,
        /// The VM ended powered off and `mtvt run` started it to read its VMI and guest agent, as the pytest suite does, then stopped it again.
        started_for_checks: bool,
        /// IP addresses reported by the VMI.
        ips: Vec<String>,
        /// Statically configured guest IPv4 addresses read inside the guest (Windows `ipconfig /all`); none when not read.
        guest_static_ips: Option<Vec<String>>,
        /// Result of the SSH probe run by `mtvt run`.
        ssh: SshProbe,
    }
}

model! {
    /// A network interface of the migrated VM.
    DestNic as DestNic {
        /// Interface name (`net-0` …).
        name: String,
        /// MAC address (lower-case, colon-separated).
        mac: String,
        /// `pod` for the pod network, else the NetworkAttachmentDefinition name.
        network: String,
        /// IP address reported for this interface.
        ip: Option<String>,
    }
}

model! {
    /// A disk of the migrated VM and its PVC.
    DestDisk as DestDisk {
        /// Volume name (`vol-0` …).
        name: String,
        /// PVC name.
        pvc: String,
        /// Forklift's disk index (`.DiskIndex` of the PVC name template).
        index: i64,
        /// Base name of the source disk file (`.FileName`, vSphere only).
        source_file: String,
        /// Whether the source disk is shared (`.Shared`).
        shared: bool,
        /// PVC `spec.storageClassName`.
        storage_class: String,
        /// PVC `spec.accessModes`.
        access_modes: Vec<String>,
        /// PVC `spec.volumeMode`.
        volume_mode: Option<String>,
        /// PVC `spec.resources.requests.storage`.
        size: Quantity,
    }
}

model! {
    /// Outcome of the SSH connectivity probe `mtvt run` performs on a running VM.
    SshProbe as SshProbe {
        /// Whether a probe was attempted (false when there is no SSH path, e.g. no guest credentials).
        attempted: bool,
        /// Whether login succeeded.
        reachable: bool,
        /// Why it was not attempted, or the error.
        detail: String,
    }
}
