//! The per-VM concerns of plan validation, as Forklift reports them: one condition per kind of
//! concern (type, category, reason, message) listing the VMs that have it, set in this order.

use std::collections::BTreeMap;

use super::super::super::conditions::{CRITICAL, Cnd, Conditions, WARN};

/// `(finding key, condition type, category, reason, message)`, in the order conditions are set.
const CONCERNS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "notFound",
        "VMNotFound",
        CRITICAL,
        "NotFound",
        "VM not found.",
    ),
    (
        "notUnique",
        "DuplicateVM",
        CRITICAL,
        "NotUnique",
        "Duplicate (source) VM.",
    ),
    (
        "ambiguous",
        "DuplicateVM",
        CRITICAL,
        "Ambiguous",
        "VM reference is ambiguous.",
    ),
    (
        "targetNotUnique",
        "DuplicateVM",
        CRITICAL,
        "NotUnique",
        "Duplicate targetName.",
    ),
    (
        "nameNotValid",
        "TargetNameNotValid",
        WARN,
        "NotValid",
        "Target VM name does not comply with DNS1123 RFC, will be automatically changed.",
    ),
    (
        "targetNameInvalid",
        "NotValid",
        CRITICAL,
        "",
        "TargetName is invalid.",
    ),
    (
        "alreadyExists",
        "VMAlreadyExists",
        CRITICAL,
        "NotUnique",
        "Target VM already exists.",
    ),
    (
        "unmappedNetwork",
        "VMNetworksNotMapped",
        CRITICAL,
        "NotValid",
        "VM has unmapped networks.",
    ),
    (
        "unmappedStorage",
        "VMStorageNotMapped",
        CRITICAL,
        "NotValid",
        "VM has unmapped storage.",
    ),
    (
        "maintenance",
        "HostNotReady",
        WARN,
        "InMaintenanceMode",
        "VM host is in maintenance mode.",
    ),
    (
        "multiplePod",
        "VMMultiplePodNetworkMappings",
        CRITICAL,
        "NotValid",
        "VM has more than one interface mapped to the pod network.",
    ),
    (
        "missingIPs",
        "VMMissingGuestIPs",
        WARN,
        "MissingGuestInformation",
        "Guest information on vNICs is missing, cannot preserve static IPs. Make sure VMware Tools is installed and the VM is running.",
    ),
    (
        "cbt",
        "VMMissingChangedBlockTracking",
        CRITICAL,
        "MissingChangedBlockTracking",
        "Changed Block Tracking (CBT) has not been enabled on some VM. This feature is a prerequisite for VM warm migration.",
    ),
    (
        "snapshots",
        "VMHasSnapshots",
        CRITICAL,
        "NotValid",
        "VM has pre-existing snapshots which are incompatible with warm migration.",
    ),
    (
        "tools",
        "GuestToolsIssue",
        CRITICAL,
        "NotValid",
        "VMware Tools issues detected. This may impact migration performance, guest OS detection, and network configuration. Ensure VMware Tools are properly installed and running before migration. If this is an encrypted VM, please turn the VM off manually before migration.",
    ),
    (
        "diskSizes",
        "InvalidDiskSizes",
        CRITICAL,
        "NotValid",
        "VM has disks with invalid sizes.",
    ),
    (
        "mac",
        "MacConflicts",
        CRITICAL,
        "NotValid",
        "Source VM has a MAC address that conflicts with an existing VM on the destination.",
    ),
    (
        "mixed",
        "VDDKAndOffloadMixedUsage",
        CRITICAL,
        "NotSupported",
        "Copy offload is enabled. MTV does not support mixed copy methods. Each migration plan can use one migration strategy, either VDDK or copy offload. Check your storage map and VMs to ensure they are using the same migration strategy.",
    ),
    (
        "rdm",
        "RDMDiskWarning",
        WARN,
        "NotSupported",
        "VM has RDM disks which are not supported with VDDK transfer. Enable copy-offload (XCOPY) in the storage mapping to migrate RDM disks.",
    ),
    (
        "independent",
        "IndependentDiskWarning",
        WARN,
        "NotSupported",
        "VM has independent disks which are not supported with VDDK transfer. Enable copy-offload (XCOPY) in the storage mapping to migrate independent disks, or change them to 'Dependent' mode in VMware.",
    ),
];

/// Sets one condition per concern that VMs were found with (`items` = the VMs; `messages`
/// replace a concern's standard text), then the PVC name template errors.
pub(super) fn emit(
    mut items: BTreeMap<&str, Vec<String>>,
    messages: BTreeMap<&str, String>,
    template_errors: Vec<String>,
    cnd: &mut Conditions,
) {
    for (key, kind, cat, reason, msg) in CONCERNS {
        if let Some(list) = items.remove(key) {
            let text = messages.get(key).map_or(*msg, String::as_str);
            cnd.set(Cnd::new(kind, cat, reason, text).items(list));
        }
    }
    if !template_errors.is_empty() {
        cnd.set(
            Cnd::new("NotValid", CRITICAL, "", "VM PVC name template is invalid.")
                .items(template_errors),
        );
    }
}
