//! The guests of the cluster's VMs, built the first time someone logs in (from what the
//! controllers recorded for the VM — [`crate::controllers::Guest`] — its VMI spec and the
//! lab's guest logins) and kept per VM uid, so files written in a guest stay there across
//! logins and reboots, and a re-created VM gets a fresh guest. Faults added here break the
//! guests of matching VMs, now and when they are built.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

use super::faults::{GuestFault, GuestFaultKind, matching};
use super::model::{GuestFacts, GuestModel, Logins};
use crate::controllers::Guest;

/// A guest shared by its SSH connections.
pub type SharedGuest = Arc<Mutex<GuestModel>>;

#[derive(Debug, Default)]
struct Inner {
    /// VM uid → (VM name, guest).
    models: HashMap<String, (String, SharedGuest)>,
    faults: Vec<GuestFault>,
}

/// The guests, cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct GuestRegistry(Arc<Mutex<Inner>>);

impl GuestRegistry {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Breaks the guests of VMs named like `fault.vm`, existing and future.
    pub fn add_fault(&self, fault: GuestFault) {
        let mut inner = self.inner();
        for (name, model) in inner.models.values() {
            if crate::lab::glob_match(&fault.vm, name) {
                model
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .apply(fault.fault);
            }
        }
        inner.faults.push(fault);
    }

    /// The guest of VM `name` (uid `uid`), built with `build` the first time.
    pub fn get_or_build(
        &self,
        uid: &str,
        name: &str,
        build: impl FnOnce() -> GuestModel,
    ) -> SharedGuest {
        let mut inner = self.inner();
        if let Some((_, m)) = inner.models.get(uid) {
            return m.clone();
        }
        let faults: Vec<GuestFaultKind> = matching(&inner.faults, name);
        let mut model = build();
        for f in faults {
            model.apply(f);
        }
        let shared = Arc::new(Mutex::new(model));
        inner
            .models
            .insert(uid.to_string(), (name.to_string(), shared.clone()));
        shared
    }
}

fn text<'a>(v: &'a Value, p: &str) -> &'a str {
    v.pointer(p).and_then(Value::as_str).unwrap_or("")
}

/// The facts of the guest running in `vmi` (the VMI object) whose VM the controllers
/// recorded as `guest`: NICs in the VMI's interface order. A NIC whose static configuration
/// the migration kept holds those IPs, on any network: Forklift hands every static guest
/// network to virt-v2v (`V2V_staticIPs`, pkg/controller/plan/adapter/vsphere/builder.go
/// mapMacStaticIps) whatever the NetworkMap says, and its UI only warns that pod networking
/// may then lack connectivity. Otherwise a pod-network NIC gets KubeVirt's masquerade DHCP
/// lease (`10.0.2.2/24`) and another NIC nothing (DHCP without a lease on the lab's networks).
pub fn facts(vmi: &Value, guest: &Guest) -> GuestFacts {
    let empty = Vec::new();
    let networks = vmi
        .pointer("/spec/networks")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let nics = vmi
        .pointer("/spec/domain/devices/interfaces")
        .and_then(Value::as_array)
        .unwrap_or(&empty)
        .iter()
        .map(|iface| {
            let mac = text(iface, "/macAddress").to_lowercase();
            let pod = networks
                .iter()
                .any(|n| text(n, "/name") == text(iface, "/name") && n.get("pod").is_some());
            let ips = guest.ips.get(&mac).cloned().unwrap_or_default();
            if pod && ips.is_empty() {
                return (mac, vec!["10.0.2.2/24".to_string()], false);
            }
            let is_static = !ips.is_empty();
            (mac, ips, is_static)
        })
        .collect();
    let efi = vmi.pointer("/spec/domain/firmware/bootloader/efi");
    GuestFacts {
        os: guest.os.clone(),
        windows: guest.os.starts_with("win"),
        hostname: if guest.hostname.is_empty() {
            text(vmi, "/metadata/name").to_string()
        } else {
            guest.hostname.clone()
        },
        agent: guest.agent,
        nics,
        disks: vmi
            .pointer("/spec/domain/devices/disks")
            .and_then(Value::as_array)
            .map_or(1, Vec::len),
        firmware: if efi.is_some() { "efi" } else { "bios" }.to_string(),
        secure_boot: efi
            .and_then(|e| e.get("secureBoot"))
            .and_then(Value::as_bool)
            .unwrap_or(false),
        tpm: vmi.pointer("/spec/domain/devices/tpm").is_some(),
        root_xfs_v4: guest.root_xfs_v4,
        nested_virt: vmi
            .pointer("/spec/domain/cpu/features")
            .and_then(Value::as_array)
            .is_some_and(|fs| {
                fs.iter().any(|f| {
                    matches!(text(f, "/name"), "vmx" | "svm")
                        && matches!(text(f, "/policy"), "" | "require" | "force")
                })
            }),
        luks: guest.luks,
    }
}

/// The guest of `vmi` with the lab's logins.
pub fn build(vmi: &Value, guest: &Guest, logins: Logins<'_>) -> GuestModel {
    GuestModel::from_facts(&facts(vmi, guest), logins)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use serde_json::json;

    #[test]
    fn facts_from_the_vmi_and_faults_reach_existing_guests() {
        let vmi = json!({"metadata": {"name": "vm1"}, "spec": {
            "networks": [{"name": "a", "pod": {}}, {"name": "b", "multus": {"networkName": "ns/nad"}}],
            "domain": {"firmware": {"bootloader": {"efi": {"secureBoot": true}}},
                "devices": {"interfaces": [{"name": "a", "macAddress": "02:00:00:00:00:0A"},
                                           {"name": "b", "macAddress": "02:00:00:00:00:0b"}],
                            "disks": [{"name": "d0"}, {"name": "d1"}]}}}});
        let mut guest = Guest {
            os: "rhel9".into(),
            ..Guest::default()
        };
        guest
            .ips
            .insert("02:00:00:00:00:0b".into(), vec!["192.168.1.9/24".into()]);
        let f = facts(&vmi, &guest);
        assert_eq!(f.hostname, "vm1");
        assert_eq!(
            f.nics[0],
            (
                "02:00:00:00:00:0a".into(),
                vec!["10.0.2.2/24".into()],
                false
            )
        );
        assert!(f.nics[1].2);
        assert_eq!(
            (f.disks, f.firmware.as_str(), f.secure_boot),
            (2, "efi", true)
        );

        let reg = GuestRegistry::default();
        let g = reg.get_or_build("uid1", "vm1", || {
            build(&vmi, &guest, (("u", "p"), ("A", "W")))
        });
        assert!(g.lock().unwrap().login("u", "p"));
        reg.add_fault(GuestFault {
            vm: "vm*".into(),
            fault: GuestFaultKind::WrongPassword,
        });
        assert!(!g.lock().unwrap().login("u", "p"));
        let again = reg.get_or_build("uid1", "vm1", || unreachable!());
        assert!(Arc::ptr_eq(&g, &again));
        let other = reg.get_or_build("uid2", "vm1", || {
            build(&vmi, &guest, (("u", "p"), ("A", "W")))
        });
        assert!(!other.lock().unwrap().login("u", "p"));
    }
}
