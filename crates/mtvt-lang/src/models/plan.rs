//! `plan`: the plan's resolved features as `mtvt run` created them.

use std::collections::BTreeMap;

use super::model;
use crate::schema::enums::{Destination, ProviderKind, TargetPowerState};

model! {
    /// The plan the VM was migrated with, with every default and session value resolved.
    Plan as Plan {
        /// Plan CR name.
        name: String,
        /// Namespace of the Plan CR.
        namespace: String,
        /// Source provider type.
        source_provider_type: ProviderKind,
        /// Warm migration.
        warm: bool,
        /// Copy-offload (XCOPY) storage map.
        copy_offload: bool,
        /// `targetPowerState`, none when unset.
        target_power_state: Option<TargetPowerState>,
        /// `preserveStaticIPs`.
        preserve_static_ips: bool,
        /// `xfsCompatibility`: the conversion used the XFS v4-compatible virt-v2v image.
        xfs_compatibility: bool,
        /// `enableNestedVirtualization`: the VM gets the host CPU's virtualization extensions.
        enable_nested_virtualization: bool,
        /// Namespace the VMs are created in.
        target_namespace: String,
        /// Namespace of the NetworkAttachmentDefinitions for extra NICs.
        multus_namespace: Option<String>,
        /// `pvcNameTemplate` as sent (raw Go template), none when unset.
        pvc_name_template: Option<String>,
        /// Effective `pvcNameTemplateUseGenerateName` (Forklift's default applied).
        pvc_name_template_use_generate_name: bool,
        /// `targetLabels` with `session` resolved.
        target_labels: BTreeMap<String, String>,
        /// `targetNodeSelector` with `session` resolved.
        target_node_selector: BTreeMap<String, String>,
        /// `targetAffinity`, none when unset.
        target_affinity: Option<serde_json::Value>,
        /// Storage class of the StorageMap.
        storage_class: String,
        /// Local or remote destination cluster.
        destination: Destination,
        /// OpenShift release of the destination cluster (ClusterVersion `version`, `4.20.4`); none when it is not OpenShift or could not be read.
        openshift_version: Option<String>,
        /// The session's `source_provider_insecure_skip_verify`: whether the source Provider should skip TLS verification.
        source_provider_insecure_skip_verify: bool,
        /// `insecureSkipVerify` of the source Provider's Secret as the cluster holds it (`"true"`/`"false"`); none when the Secret lacks the key or could not be read.
        source_secret_insecure_skip_verify: Option<String>,
        /// Source network (as in `source.nics[].network`) → `pod` or NAD name, from the NetworkMap.
        network_map: BTreeMap<String, String>,
    }
}
