//! Where a `forklift { … }` passthrough block lands in the Forklift objects mtvt creates,
//! which structural schema checks it (the built-in CRDs of `mtvt-crds`, the same ones the
//! emulator installs: one schema source), and which of its fields mtvt itself sets.
//!
//! Data only: the walk over a written value is `check::forklift`, the merge into a
//! manifest is the runner's.

use std::sync::OnceLock;

use serde_json::Value;

/// The object (or part of one) a passthrough block is merged into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ForkliftTarget {
    /// `plan { forklift { … } }`: the Plan's `spec`.
    PlanSpec,
    /// `vm "x" { forklift { … } }`: this VM's entry of the Plan's `spec.vms`.
    PlanVm,
    /// `hook … { forklift { … } }`: the Hook's `spec`.
    HookSpec,
    /// `plan { storage_map { forklift { … } } }`: every entry of the StorageMap's `spec.map`.
    StorageMapEntry,
    /// `plan { network_map { forklift { … } } }`: every entry of the NetworkMap's `spec.map`.
    NetworkMapEntry,
    /// `session { source_provider { forklift { … } } }`: the source Provider's `spec`.
    ProviderSpec,
}

/// A field of the target that mtvt sets itself, with what controls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reserved {
    /// Dotted field path below the target (`destination.storageClass`).
    pub path: &'static str,
    /// The first-class key that sets it, none when mtvt derives it (names, ids).
    pub key: Option<&'static str>,
    /// Where the key is written (`` for `.mtvt` keys, the provider profile otherwise).
    pub in_profile: bool,
}

const fn key(path: &'static str, key: &'static str) -> Reserved {
    Reserved {
        path,
        key: Some(key),
        in_profile: false,
    }
}

const fn profile(path: &'static str, key: &'static str) -> Reserved {
    Reserved {
        path,
        key: Some(key),
        in_profile: true,
    }
}

const fn derived(path: &'static str) -> Reserved {
    Reserved {
        path,
        key: None,
        in_profile: false,
    }
}

const PLAN_RESERVED: &[Reserved] = &[
    derived("provider"),
    derived("map"),
    derived("vms"),
    key("targetNamespace", "target_namespace"),
    key("warm", "warm"),
    key("targetPowerState", "target_power_state"),
    key("preserveStaticIPs", "preserve_static_ips"),
    key("pvcNameTemplate", "pvc_name_template"),
    key(
        "pvcNameTemplateUseGenerateName",
        "pvc_name_template_use_generate_name",
    ),
    key("targetNodeSelector", "target_node_selector"),
    key("targetLabels", "target_labels"),
    key("targetAffinity", "target_affinity"),
    key("migrateSharedDisks", "migrate_shared_disks"),
    key("enableNestedVirtualization", "enable_nested_virtualization"),
    key("xfsCompatibility", "xfs_compatibility"),
    key("runPreflightInspection", "run_preflight_inspection"),
    key("rdmAsLun", "rdm_as_lun"),
];

const VM_RESERVED: &[Reserved] = &[
    derived("id"),
    derived("name"),
    derived("namespace"),
    key("hooks", "hook"),
    key("luks", "luks_passphrase"),
];

const HOOK_RESERVED: &[Reserved] = &[
    key("image", "image"),
    key("playbook", "playbook"),
    key("serviceAccount", "service_account"),
    key("deadline", "deadline"),
];

const STORAGE_RESERVED: &[Reserved] = &[
    derived("source"),
    key("destination.storageClass", "storage_class"),
    key("offloadPlugin", "copy_offload"),
];

const NETWORK_RESERVED: &[Reserved] = &[derived("source"), derived("destination")];

const PROVIDER_RESERVED: &[Reserved] = &[
    profile("type", "type"),
    profile("url", "api_url"),
    derived("secret"),
    profile("settings.vddkInitImage", "vddk_init_image"),
    profile("settings.esxiCloneMethod", "copyoffload.esxi_clone_method"),
];

impl ForkliftTarget {
    /// Every target, in documentation order.
    pub const ALL: &'static [ForkliftTarget] = &[
        ForkliftTarget::PlanSpec,
        ForkliftTarget::PlanVm,
        ForkliftTarget::HookSpec,
        ForkliftTarget::StorageMapEntry,
        ForkliftTarget::NetworkMapEntry,
        ForkliftTarget::ProviderSpec,
    ];

    /// The Forklift kind whose CRD holds the schema.
    pub fn kind(self) -> &'static str {
        match self {
            ForkliftTarget::PlanSpec | ForkliftTarget::PlanVm => "Plan",
            ForkliftTarget::HookSpec => "Hook",
            ForkliftTarget::StorageMapEntry => "StorageMap",
            ForkliftTarget::NetworkMapEntry => "NetworkMap",
            ForkliftTarget::ProviderSpec => "Provider",
        }
    }

    /// The field path of the target in the object, as messages and docs show it.
    pub fn field(self) -> &'static str {
        match self {
            ForkliftTarget::PlanSpec | ForkliftTarget::HookSpec | ForkliftTarget::ProviderSpec => {
                "spec"
            }
            ForkliftTarget::PlanVm => "spec.vms[]",
            ForkliftTarget::StorageMapEntry | ForkliftTarget::NetworkMapEntry => "spec.map[]",
        }
    }

    /// JSON pointer of the target's schema inside the kind's `openAPIV3Schema`.
    fn pointer(self) -> &'static str {
        match self {
            ForkliftTarget::PlanSpec | ForkliftTarget::HookSpec | ForkliftTarget::ProviderSpec => {
                "/properties/spec"
            }
            ForkliftTarget::PlanVm => "/properties/spec/properties/vms/items",
            ForkliftTarget::StorageMapEntry | ForkliftTarget::NetworkMapEntry => {
                "/properties/spec/properties/map/items"
            }
        }
    }

    /// The fields mtvt sets itself.
    pub fn reserved(self) -> &'static [Reserved] {
        match self {
            ForkliftTarget::PlanSpec => PLAN_RESERVED,
            ForkliftTarget::PlanVm => VM_RESERVED,
            ForkliftTarget::HookSpec => HOOK_RESERVED,
            ForkliftTarget::StorageMapEntry => STORAGE_RESERVED,
            ForkliftTarget::NetworkMapEntry => NETWORK_RESERVED,
            ForkliftTarget::ProviderSpec => PROVIDER_RESERVED,
        }
    }

    /// The structural schema of the target (none only if the built-in CRDs were broken,
    /// which `mtvt-crds`'s tests rule out).
    pub fn schema(self) -> Option<&'static Value> {
        served_schemas()
            .iter()
            .find(|(kind, _)| kind == self.kind())
            .and_then(|(_, schema)| schema.pointer(self.pointer()))
    }
}

impl ForkliftTarget {
    /// The fields of the object at `path` (member keys below the target) with their
    /// schema type, for completion; empty when the path leaves the schema.
    pub fn fields_at(self, path: &[String]) -> Vec<(String, String)> {
        let mut node = self.schema();
        for seg in path {
            node = node.and_then(|n| {
                n.pointer(&format!("/properties/{seg}"))
                    .or_else(|| n.get("additionalProperties").filter(|a| a.is_object()))
            });
        }
        let reserved = |name: &str| {
            let full = path
                .iter()
                .map(String::as_str)
                .chain([name])
                .collect::<Vec<_>>()
                .join(".");
            self.reserved().iter().any(|r| r.path == full)
        };
        node.and_then(|n| n.get("properties"))
            .and_then(Value::as_object)
            .map(|props| {
                props
                    .iter()
                    .filter(|(name, _)| !reserved(name))
                    .map(|(name, s)| {
                        let ty = s.get("type").and_then(Value::as_str).unwrap_or("any");
                        (name.clone(), ty.to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `(kind, openAPIV3Schema of the served version)` of every built-in Forklift CRD, parsed
/// once per process.
fn served_schemas() -> &'static [(String, Value)] {
    static SCHEMAS: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        mtvt_crds::forklift()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|crd| {
                let kind = crd.pointer("/spec/names/kind")?.as_str()?.to_owned();
                let schema = crd
                    .pointer("/spec/versions")?
                    .as_array()?
                    .iter()
                    .find(|v| v.get("served").and_then(Value::as_bool) == Some(true))?
                    .pointer("/schema/openAPIV3Schema")?
                    .clone();
                Some((kind, schema))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn every_target_has_a_schema_holding_its_reserved_fields() {
        for t in ForkliftTarget::ALL {
            let schema = t.schema().unwrap_or_else(|| panic!("{t:?} has no schema"));
            for r in t.reserved() {
                let mut node = schema;
                for seg in r.path.split('.') {
                    node = node
                        .pointer(&format!("/properties/{seg}"))
                        .or_else(|| node.get("additionalProperties"))
                        .unwrap_or_else(|| panic!("{t:?}: {} not in the schema", r.path));
                }
            }
        }
    }
}
