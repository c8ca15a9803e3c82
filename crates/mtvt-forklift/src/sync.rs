//! Whether the inventory has caught up with a prepared source VM. Forklift's collectors
//! show a change some time after it is made on the source, so a VM can be listed before
//! its added disks, its new datastore, its power state or its changed block tracking are;
//! maps built from such a document miss a datastore (`VMStorageNotMapped`) or a network.
//! [`Expected`] is what the source said after preparation; [`Expected::gap`] says what the
//! inventory document does not show yet, per provider type, in the fields of Forklift's
//! web models (vSphere `disks[].datastore.id`, `nics`, `powerState`,
//! `changeTrackingEnabled`; oVirt `diskAttachments`, `nics`, `status`; OpenStack
//! `attachedVolumes`, `status`).
//!
//! Pure: no I/O. Fields the source or the provider type cannot tell are not compared.

use mtvt_source::SourceVmFacts;
use mtvt_vocab::{PowerState, ProviderKind};
use serde_json::Value;

/// What the inventory must show of a prepared VM.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    /// Number of disks.
    pub disks: Option<usize>,
    /// Datastore ids (vSphere moRefs) the disks are on.
    pub datastores: Vec<String>,
    /// Number of NICs.
    pub nics: Option<usize>,
    /// Powered on.
    pub powered_on: Option<bool>,
    /// Changed block tracking enabled (vSphere).
    pub cbt: Option<bool>,
}

impl Expected {
    /// Nothing beyond the VM being listed.
    pub fn listed() -> Self {
        Self::default()
    }

    /// What the source reported after preparation.
    pub fn from_facts(f: &SourceVmFacts) -> Self {
        let mut datastores: Vec<String> = Vec::new();
        for id in f.disks.iter().filter_map(|d| d.datastore_id.clone()) {
            if !datastores.contains(&id) {
                datastores.push(id);
            }
        }
        Expected {
            disks: Some(f.disks.len()),
            datastores,
            nics: Some(f.nics.len()),
            powered_on: Some(f.power_state == PowerState::On),
            cbt: f.cbt_enabled,
        }
    }

    /// What inventory document `vm` of a `kind` provider does not show yet (`None` = all).
    pub fn gap(&self, kind: ProviderKind, vm: &Value) -> Option<String> {
        let fields = match kind {
            ProviderKind::Vsphere => Fields {
                disks: "/disks",
                nics: Some("/nics"),
                power: Some(("/powerState", "poweredOn")),
                cbt: Some("/changeTrackingEnabled"),
                datastores: true,
            },
            ProviderKind::Ovirt => Fields {
                disks: "/diskAttachments",
                nics: Some("/nics"),
                power: Some(("/status", "up")),
                cbt: None,
                datastores: false,
            },
            ProviderKind::Openstack => Fields {
                disks: "/attachedVolumes",
                nics: None,
                power: Some(("/status", "ACTIVE")),
                cbt: None,
                datastores: false,
            },
            // OpenShift sources are read from the cluster itself; OVA and Hyper-V VMs are
            // not prepared through a source API by mtvt.
            ProviderKind::Openshift | ProviderKind::Ova | ProviderKind::Hyperv => return None,
        };
        self.gap_in(&fields, vm)
    }

    fn gap_in(&self, f: &Fields, vm: &Value) -> Option<String> {
        let count = |p: &str| vm.pointer(p).and_then(Value::as_array).map_or(0, Vec::len);
        if let Some(want) = self.disks
            && count(f.disks) != want
        {
            return Some(format!("{} disk(s) of {want}", count(f.disks)));
        }
        if f.datastores {
            let shown: Vec<&str> = disks(vm)
                .filter_map(|d| d.pointer("/datastore/id").and_then(Value::as_str))
                .collect();
            if let Some(missing) = self
                .datastores
                .iter()
                .find(|d| !shown.contains(&d.as_str()))
            {
                return Some(format!("no disk on datastore {missing} yet"));
            }
        }
        if let (Some(want), Some(p)) = (self.nics, f.nics)
            && count(p) != want
        {
            return Some(format!("{} NIC(s) of {want}", count(p)));
        }
        if let (Some(on), Some((p, on_value))) = (self.powered_on, f.power) {
            let shown = vm.pointer(p).and_then(Value::as_str).unwrap_or_default();
            if (shown == on_value) != on {
                let want = if on { "on" } else { "off" };
                return Some(format!("power state {shown:?}, not {want} yet"));
            }
        }
        if let (Some(want), Some(p)) = (self.cbt, f.cbt)
            && vm.pointer(p).and_then(Value::as_bool) != Some(want)
        {
            return Some(format!("changed block tracking not {want} yet"));
        }
        None
    }
}

/// Where a provider type's inventory VM shows each fact.
struct Fields {
    disks: &'static str,
    nics: Option<&'static str>,
    power: Option<(&'static str, &'static str)>,
    cbt: Option<&'static str>,
    datastores: bool,
}

fn disks(vm: &Value) -> impl Iterator<Item = &Value> {
    vm.pointer("/disks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn vsphere_vm(datastores: &[&str], on: bool, cbt: bool) -> Value {
        json!({
            "disks": datastores.iter().map(|d| json!({"datastore": {"kind": "Datastore", "id": d}})).collect::<Vec<_>>(),
            "nics": [{"mac": "00:50:56:00:00:01"}],
            "powerState": if on { "poweredOn" } else { "poweredOff" },
            "changeTrackingEnabled": cbt,
        })
    }

    #[test]
    fn vsphere_gaps_name_what_is_missing() {
        let want = Expected {
            disks: Some(2),
            datastores: vec!["datastore-1".into(), "datastore-2".into()],
            nics: Some(1),
            powered_on: Some(true),
            cbt: Some(true),
        };
        let k = ProviderKind::Vsphere;
        let gap = |vm: &Value| want.gap(k, vm);
        assert_eq!(
            gap(&vsphere_vm(&["datastore-1"], true, true)).unwrap(),
            "1 disk(s) of 2"
        );
        assert_eq!(
            gap(&vsphere_vm(&["datastore-1", "datastore-1"], true, true)).unwrap(),
            "no disk on datastore datastore-2 yet"
        );
        let both = ["datastore-2", "datastore-1"];
        assert!(
            gap(&vsphere_vm(&both, false, true))
                .unwrap()
                .contains("not on")
        );
        assert!(
            gap(&vsphere_vm(&both, true, false))
                .unwrap()
                .contains("tracking")
        );
        assert_eq!(gap(&vsphere_vm(&both, true, true)), None);
        assert_eq!(Expected::listed().gap(k, &json!({})), None);
    }

    #[test]
    fn other_providers_use_their_own_fields() {
        let want = Expected {
            disks: Some(2),
            nics: Some(2),
            powered_on: Some(false),
            ..Expected::default()
        };
        let ovirt = json!({"diskAttachments": [{}, {}], "nics": [{}], "status": "down"});
        assert_eq!(
            want.gap(ProviderKind::Ovirt, &ovirt).unwrap(),
            "1 NIC(s) of 2"
        );
        let openstack = json!({"attachedVolumes": [{"ID": "a"}, {"ID": "b"}], "status": "ACTIVE"});
        assert!(
            want.gap(ProviderKind::Openstack, &openstack)
                .unwrap()
                .contains("not off")
        );
        assert_eq!(want.gap(ProviderKind::Ova, &json!({})), None);
    }
}
