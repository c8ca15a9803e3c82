//! Assembles [`SourceVmFacts`] for an oVirt VM from `GET /vms/{id}`, its NICs (following
//! the vNIC profile's network when the engine resolves `follow`), reported devices (guest
//! IPs), disk attachments (following the disk for size, storage domain and format) and
//! snapshots. What an engine does not return stays `None`.

use mtvt_vocab::{Firmware, PowerState, Provisioning};
use reqwest::Method;
use serde_json::Value;

use super::{KIND, OvirtClient, flag, num};
use crate::error::SourceError;
use crate::http;
use crate::model::{DiskFacts, GuestToolsState, NicFacts, SnapshotFacts, SourceVmFacts, VmRef};

fn s(v: &Value, ptr: &str) -> Option<String> {
    v.pointer(ptr)
        .and_then(Value::as_str)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
}

fn items<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

/// Guest IPs by lower-case MAC from `/reporteddevices`, in reported order.
pub(crate) fn reported_ips(devices: &Value) -> Vec<(String, Vec<String>)> {
    items(devices, "reported_device")
        .map(|d| {
            let mac = s(d, "/mac/address").unwrap_or_default().to_lowercase();
            let ips = d
                .pointer("/ips/ip")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|ip| s(ip, "/address"))
                .collect();
            (mac, ips)
        })
        .collect()
}

/// Regular snapshots of a `/snapshots` list (the `active` pseudo-snapshot dropped).
pub(crate) fn snapshots(list: &Value) -> Vec<SnapshotFacts> {
    items(list, "snapshot")
        .filter(|x| x.get("snapshot_type").and_then(Value::as_str) != Some("active"))
        .map(|x| {
            let description = s(x, "/description").unwrap_or_default();
            SnapshotFacts {
                name: description.clone(),
                id: s(x, "/id").unwrap_or_default(),
                description,
                ..SnapshotFacts::default()
            }
        })
        .collect()
}

fn disk_facts(att: &Value) -> DiskFacts {
    let disk = att.get("disk").cloned().unwrap_or_default();
    let sparse = flag(disk.get("sparse"));
    DiskFacts {
        key: s(&disk, "/id")
            .or_else(|| s(att, "/id"))
            .unwrap_or_default(),
        file: s(&disk, "/name"),
        datastore_id: s(&disk, "/storage_domains/storage_domain/0/id"),
        datastore_name: s(&disk, "/storage_domains/storage_domain/0/name"),
        capacity_bytes: num(disk.get("provisioned_size")),
        provisioning: sparse.map(|sp| {
            if sp {
                Provisioning::Thin
            } else {
                Provisioning::ThickLazy
            }
        }),
        mode: None,
        shared: flag(disk.get("shareable")).unwrap_or(false),
        ..DiskFacts::default()
    }
}

pub(crate) async fn collect(c: &OvirtClient, vm: &VmRef) -> Result<SourceVmFacts, SourceError> {
    let info = c.get(&format!("vms/{}", vm.id)).await?;
    let nics = http::send(
        KIND,
        c.req(Method::GET, &format!("vms/{}/nics", vm.id))?
            .query(&[("follow", "vnic_profile.network")]),
    )
    .await?
    .value()?;
    let devices = c.get(&format!("vms/{}/reporteddevices", vm.id)).await?;
    let attachments = http::send(
        KIND,
        c.req(Method::GET, &format!("vms/{}/diskattachments", vm.id))?
            .query(&[("follow", "disk")]),
    )
    .await?
    .value()?;
    let snaps = c.get(&format!("vms/{}/snapshots", vm.id)).await?;
    let ips = reported_ips(&devices);
    let up = s(&info, "/status").as_deref() == Some("up");
    let sockets = num(info.pointer("/cpu/topology/sockets")).unwrap_or(1);
    let cores = num(info.pointer("/cpu/topology/cores")).unwrap_or(1);
    let threads = num(info.pointer("/cpu/topology/threads")).unwrap_or(1);
    let bios = s(&info, "/bios/type").unwrap_or_default();
    Ok(SourceVmFacts {
        provider: KIND,
        name: s(&info, "/name").unwrap_or_else(|| vm.name.clone()),
        id: vm.id.clone(),
        uuid: Some(vm.id.clone()),
        serial: s(&info, "/serial_number/value").or_else(|| Some(vm.id.clone())),
        power_state: if up { PowerState::On } else { PowerState::Off },
        template: false,
        cpu_sockets: u32::try_from(sockets).ok(),
        cpu_cores_per_socket: u32::try_from(cores).ok(),
        cpu_count: u32::try_from(sockets * cores * threads).unwrap_or(u32::MAX),
        memory_mib: num(info.get("memory")).unwrap_or(0) >> 20,
        firmware: if bios.is_empty() {
            None
        } else if bios.contains("ovmf") || bios.contains("secure_boot") {
            Some(Firmware::Efi)
        } else {
            Some(Firmware::Bios)
        },
        guest_os: s(&info, "/os/type"),
        guest_tools: if info.get("guest_operating_system").is_some() || !ips.is_empty() {
            GuestToolsState::Running
        } else if up {
            GuestToolsState::Unknown
        } else {
            GuestToolsState::NotRunning
        },
        cbt_enabled: None,
        nics: items(&nics, "nic")
            .map(|n| {
                let mac = s(n, "/mac/address").unwrap_or_default().to_lowercase();
                NicFacts {
                    network: s(n, "/vnic_profile/network/name"),
                    ips: ips
                        .iter()
                        .find(|(m, _)| *m == mac)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default(),
                    static_ip: None,
                    prefix: None,
                    gateway: None,
                    mac,
                }
            })
            .collect(),
        disks: items(&attachments, "disk_attachment")
            .map(disk_facts)
            .collect(),
        snapshots: snapshots(&snaps),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_engine_shapes() {
        let devices = json!({"reported_device": [{"mac": {"address": "56:6F:1A:00:00:01"},
            "ips": {"ip": [{"address": "10.0.0.7", "version": "v4"}]}}]});
        assert_eq!(
            reported_ips(&devices),
            vec![(
                "56:6f:1a:00:00:01".to_string(),
                vec!["10.0.0.7".to_string()]
            )]
        );
        let list = json!({"snapshot": [{"id": "a", "description": "Active VM", "snapshot_type": "active"},
                                       {"id": "b", "description": "s1", "snapshot_type": "regular"}]});
        let snaps = snapshots(&list);
        assert_eq!(snaps.len(), 1);
        assert_eq!(snaps[0].name, "s1");
        let att = json!({"id": "d1", "disk": {"id": "d1", "name": "disk1", "provisioned_size": "1073741824",
            "sparse": "false", "shareable": "true", "storage_domains": {"storage_domain": [{"id": "sd1"}]}}});
        let d = disk_facts(&att);
        assert_eq!(d.capacity_bytes, Some(1 << 30));
        assert_eq!(d.provisioning, Some(Provisioning::ThickLazy));
        assert_eq!(d.datastore_id.as_deref(), Some("sd1"));
        assert!(d.shared);
        // an engine that does not follow the disk: only the id is known
        let bare = disk_facts(&json!({"id": "d2", "disk": {"id": "d2", "href": "x"}}));
        assert_eq!((bare.key.as_str(), bare.capacity_bytes), ("d2", None));
    }
}
