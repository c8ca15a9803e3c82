//! Source provider kinds: the values of Forklift's `Provider.spec.type` that mtvt
//! migrates from, with what Forklift supports for each.
//!
//! Exists so the profiles loader, the checker, the source adapters and the runner agree
//! on one enum and one spelling. Must not hold anything a profile file or a scenario
//! decides (field lists, defaults): only facts about Forklift.
//!
//! Adding a kind (Forklift also knows `ec2` and `nutanix`): add a line to the table below with the exact upstream `type` spelling,
//! then let the compiler list every `match` that must decide what the new kind does.
//! Matches on [`ProviderKind`] are exhaustive on purpose (no `_` arms over kinds).

use crate::name_set::closed_set;

closed_set! {
    /// A source provider type, spelled as Forklift's `Provider.spec.type` (and as the
    /// `type` of a `.providers.json` profile and `requires provider` in a scenario).
    pub enum ProviderKind as "provider type" {
        /// VMware vSphere (vCenter or ESXi).
        Vsphere = "vsphere",
        /// oVirt / Red Hat Virtualization.
        Ovirt = "ovirt",
        /// OpenStack.
        Openstack = "openstack",
        /// OpenShift Virtualization (KubeVirt), another or the same cluster.
        Openshift = "openshift",
        /// OVA files on an NFS share.
        Ova = "ova",
        /// Microsoft Hyper-V (a standalone host or a failover cluster, over WinRM; disks
        /// read from an SMB share).
        Hyperv = "hyperv",
    }
}

impl ProviderKind {
    /// The product name for messages (`vSphere`, `OpenStack` …).
    pub const fn display_name(self) -> &'static str {
        match self {
            ProviderKind::Vsphere => "vSphere",
            ProviderKind::Ovirt => "oVirt",
            ProviderKind::Openstack => "OpenStack",
            ProviderKind::Openshift => "OpenShift",
            ProviderKind::Ova => "OVA",
            ProviderKind::Hyperv => "Hyper-V",
        }
    }

    /// Whether Forklift runs warm migrations from this kind when the ForkliftController
    /// feature gate `feature_ovirt_warm_migration` is `ovirt_warm_gate`: vSphere always,
    /// oVirt only with the gate on, the others never (Hyper-V's plan validator answers
    /// `WarmMigration() false`, pkg/controller/plan/adapter/hyperv/validator.go:22-24).
    pub const fn supports_warm(self, ovirt_warm_gate: bool) -> bool {
        match self {
            ProviderKind::Vsphere => true,
            ProviderKind::Ovirt => ovirt_warm_gate,
            ProviderKind::Openstack
            | ProviderKind::Openshift
            | ProviderKind::Ova
            | ProviderKind::Hyperv => false,
        }
    }

    /// Whether storage copy-offload (`vsphereXcopyConfig`) exists for this kind.
    pub const fn supports_copy_offload(self) -> bool {
        match self {
            ProviderKind::Vsphere => true,
            ProviderKind::Ovirt
            | ProviderKind::Openstack
            | ProviderKind::Openshift
            | ProviderKind::Ova
            | ProviderKind::Hyperv => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_spellings() {
        assert_eq!(
            ProviderKind::NAMES,
            [
                "vsphere",
                "ovirt",
                "openstack",
                "openshift",
                "ova",
                "hyperv"
            ]
        );
        for k in ProviderKind::ALL {
            assert_eq!(k.as_str().parse::<ProviderKind>(), Ok(*k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
            assert_eq!(
                serde_json::from_value::<ProviderKind>(k.as_str().into()).unwrap(),
                *k
            );
        }
    }

    #[test]
    fn unknown_kinds_are_errors() {
        for bad in ["rhv", "vSphere", "VSPHERE", "", " vsphere", "ec2"] {
            let e = bad.parse::<ProviderKind>().unwrap_err();
            assert_eq!(
                e.to_string(),
                format!(
                    "`{bad}` is not a provider type (use one of: vsphere, ovirt, openstack, openshift, ova, hyperv)"
                )
            );
        }
    }

    #[test]
    fn capabilities() {
        let warm: Vec<_> = ProviderKind::ALL
            .iter()
            .map(|k| (k.supports_warm(false), k.supports_warm(true)))
            .collect();
        assert_eq!(
            warm,
            [
                (true, true),
                (false, true),
                (false, false),
                (false, false),
                (false, false),
                (false, false)
            ]
        );
        let offload: Vec<_> = ProviderKind::ALL
            .iter()
            .filter(|k| k.supports_copy_offload())
            .collect();
        assert_eq!(offload, [&ProviderKind::Vsphere]);
        let names: Vec<_> = ProviderKind::ALL.iter().map(|k| k.display_name()).collect();
        assert_eq!(
            names,
            [
                "vSphere",
                "oVirt",
                "OpenStack",
                "OpenShift",
                "OVA",
                "Hyper-V"
            ]
        );
    }
}
