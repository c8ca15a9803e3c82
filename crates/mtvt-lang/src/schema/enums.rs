//! The enumerations of the language: each is a Rust enum (used by the IR and the models,
//! serialized as the identifier a user writes) and an [`EnumId`] (used by the checker for
//! "bad enum value" and by the docs). Declared once in [`enums!`]; the MTV vocabulary
//! (power state, provisioning, disk mode, provider type, firmware) comes from
//! `mtvt_vocab`, whose spellings are the language's, and is re-exported here so that every
//! enumeration of the language has one path.

use serde::{Deserialize, Serialize};

pub use mtvt_vocab::{DiskMode, Firmware, PowerState, ProviderKind, Provisioning};

macro_rules! first_variant {
    ($first:expr $(, $rest:expr)*) => {
        $first
    };
}

/// Declares one language-only enumeration (`{ Variant = "text", … }`); an entry written
/// `(vocab)` names an `mtvt_vocab` type and declares nothing.
macro_rules! enum_type {
    ($(#[$doc:meta])* $ty:ident (vocab)) => {};
    (
        $(#[$doc:meta])* $ty:ident
        { $( $(#[$vdoc:meta])* $variant:ident = $text:literal ),* $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $ty {
            $( $(#[$vdoc])* #[serde(rename = $text)] $variant, )*
        }

        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];

            /// Every identifier as written, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),*];

            /// The identifier as written in `.mtvt` files.
            pub fn as_str(self) -> &'static str {
                match self { $( $ty::$variant => $text, )* }
            }

            /// Parses the identifier as written in `.mtvt` files.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $( $text => Some($ty::$variant), )* _ => None }
            }
        }

        impl Default for $ty {
            fn default() -> Self {
                first_variant!($($ty::$variant),*)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

macro_rules! enums {
    ($(
        $(#[$doc:meta])*
        $ty:ident as $id:ident $name:literal $body:tt
    )*) => {
        $(
            enum_type!($(#[$doc])* $ty $body);

            impl crate::schema::types::HasType for $ty {
                fn ty() -> crate::schema::types::Type {
                    crate::schema::types::Type::Enum(EnumId::$id)
                }
            }
        )*

        /// Identifies one enumeration for the checker and the docs.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum EnumId { $( $(#[$doc])* $id, )* }

        impl EnumId {
            /// Every enumeration.
            pub const ALL: &'static [EnumId] = &[$(EnumId::$id),*];

            /// Its name in messages and docs (`power`, `provisioning` …).
            pub fn name(self) -> &'static str {
                match self { $( EnumId::$id => $name, )* }
            }

            /// Its values as written.
            pub fn values(self) -> &'static [&'static str] {
                match self { $( EnumId::$id => $ty::NAMES, )* }
            }

            /// True when `s` is one of its values.
            pub fn contains(self, s: &str) -> bool {
                self.values().contains(&s)
            }
        }
    };
}

enums! {
    /// Power state of a VM (`on` / `off`).
    PowerState as Power "power" (vocab)

    /// The plan's `targetPowerState` (`on` / `off` / `auto` = like the source).
    TargetPowerState as TargetPower "target_power_state" { On = "on", Off = "off", Auto = "auto" }

    /// VMware disk provisioning.
    Provisioning as Provisioning "provisioning" (vocab)

    /// VMware disk mode.
    DiskMode as DiskMode "disk_mode" (vocab)

    /// Source provider type.
    ProviderKind as ProviderType "provider_type" (vocab)

    /// VM firmware.
    Firmware as Firmware "firmware" (vocab)

    /// How a migration ended.
    MigrationResult as MigrationResult "migration_result" {
        Succeeded = "succeeded", Failed = "failed", Canceled = "canceled",
    }

    /// Forklift pipeline step names (`status.migration.vms[].pipeline[].name`).
    PipelineStep as PipelineStep "pipeline_step" {
        Initialize = "Initialize",
        PreHook = "PreHook",
        PreflightInspection = "PreflightInspection",
        DiskAllocation = "DiskAllocation",
        DiskTransfer = "DiskTransfer",
        Cutover = "Cutover",
        ImageConversion = "ImageConversion",
        DiskTransferV2v = "DiskTransferV2v",
        ConvertOpenstackSnapshot = "ConvertOpenstackSnapshot",
        VirtualMachineCreation = "VirtualMachineCreation",
        WaitForGuestReboots = "WaitForGuestReboots",
        PostHook = "PostHook",
        WaitForFinalSnapshotConsolidation = "WaitForFinalSnapshotConsolidation",
    }

    /// Forklift's category of a status condition (`status.conditions[].category`).
    ConditionCategory as ConditionCategory "condition_category" {
        Critical = "Critical", Error = "Error", Warn = "Warn", Advisory = "Advisory",
        Required = "Required",
    }

    /// Pipeline step phase.
    StepPhase as StepPhase "step_phase" { Pending = "Pending", Running = "Running", Completed = "Completed" }

    /// Which hook step (`hook pre …` / `hook post …`).
    HookStep as HookStep "hook_step" { Pre = "pre", Post = "post" }

    /// Predefined hook playbooks (`result succeed|fail`) and the expected end of custom ones.
    HookResult as HookResult "hook_result" { Succeed = "succeed", Fail = "fail" }

    /// Where migrated VMs land.
    Destination as Destination "destination" { Local = "local", Remote = "remote" }

    /// RDM disk compatibility mode.
    RdmType as RdmType "rdm_type" { Virtual = "virtual", Physical = "physical" }

    /// Symbolic copy-offload datastores, resolved from the provider profile at run time.
    DatastoreSymbol as Datastore "datastore" {
        Primary = "primary", Secondary = "secondary", NonXcopy = "non_xcopy",
    }
}

impl HookStep {
    /// The Forklift step name (`PreHook` / `PostHook`).
    pub fn forklift_name(self) -> &'static str {
        match self {
            HookStep::Pre => "PreHook",
            HookStep::Post => "PostHook",
        }
    }

    /// The matching pipeline step.
    pub fn pipeline_step(self) -> PipelineStep {
        match self {
            HookStep::Pre => PipelineStep::PreHook,
            HookStep::Post => PipelineStep::PostHook,
        }
    }
}

impl DatastoreSymbol {
    /// The provider-profile field that holds its id (`copyoffload.<field>`).
    pub fn profile_field(self) -> &'static str {
        match self {
            DatastoreSymbol::Primary => "datastore_id",
            DatastoreSymbol::Secondary => "secondary_datastore_id",
            DatastoreSymbol::NonXcopy => "non_xcopy_datastore_id",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_enums_list_their_values() {
        assert_eq!(EnumId::Power.values(), ["on", "off"]);
        assert_eq!(EnumId::Firmware.values(), ["bios", "efi"]);
        assert_eq!(
            EnumId::ProviderType.values(),
            [
                "vsphere",
                "ovirt",
                "openstack",
                "openshift",
                "ova",
                "hyperv"
            ]
        );
        assert_eq!(
            EnumId::Provisioning.values(),
            ["thin", "thick-lazy", "thick-eager"]
        );
        assert!(EnumId::DiskMode.contains("independent_nonpersistent"));
        assert_eq!(EnumId::TargetPower.values(), ["on", "off", "auto"]);
        use crate::schema::types::{HasType, Type};
        assert_eq!(ProviderKind::ty(), Type::Enum(EnumId::ProviderType));
        assert_eq!(TargetPowerState::ty(), Type::Enum(EnumId::TargetPower));
    }
}
