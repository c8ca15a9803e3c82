//! Assembles [`SourceVmFacts`] for a vSphere VM from `GET /api/vcenter/vm/{vm}` (CPU,
//! memory, boot, identity, NICs with network names), the VI/JSON `config` (disk backings:
//! datastore, mode, provisioning, sharing; guest id; CBT; template), `/tools`, the guest
//! interfaces (IPs, static or DHCP) while tools run, the datastore list and snapshots.

use std::collections::BTreeMap;

use mtvt_vocab::{Firmware, PowerState, Provisioning};
use reqwest::Method;
use serde_json::Value;

use super::vim::{self, disk_mode, disks_of};
use super::{KIND, VsphereClient};
use crate::error::SourceError;
use crate::http;
use crate::model::{DiskFacts, GuestToolsState, NicFacts, SourceVmFacts, VmRef};

/// The guest-visible system serial vSphere derives from the BIOS UUID
/// (`VMware-42 2c 6a 2a 5e a9 10 83-39 f3 3b 14 0f ff b4 44`), as Forklift sets it.
pub fn vmware_serial(bios_uuid: &str) -> Option<String> {
    let hex: String = bios_uuid.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let bytes: Vec<String> = (0..16)
        .filter_map(|i| hex.get(i * 2..i * 2 + 2).map(str::to_lowercase))
        .collect();
    let (a, b) = bytes.split_at(8);
    Some(format!("VMware-{}-{}", a.join(" "), b.join(" ")))
}

/// [`DiskFacts`] of a VI/JSON `VirtualDisk` device; `datastores` maps ids to names.
pub(crate) fn disk_facts(d: &Value, datastores: &[(String, String)]) -> DiskFacts {
    let ds = d
        .pointer("/backing/datastore/value")
        .and_then(Value::as_str)
        .map(str::to_string);
    let file = d
        .pointer("/backing/fileName")
        .and_then(Value::as_str)
        .map(str::to_string);
    let ds_name = ds
        .as_ref()
        .and_then(|id| datastores.iter().find(|(i, _)| i == id))
        .map(|(_, n)| n.clone())
        .or_else(|| {
            // `[name] path` carries the name even when the list missed it.
            file.as_deref()
                .and_then(|f| f.strip_prefix('['))
                .and_then(|f| f.split_once(']'))
                .map(|(n, _)| n.to_string())
        });
    let thin = d
        .pointer("/backing/thinProvisioned")
        .and_then(Value::as_bool);
    let eager = d.pointer("/backing/eagerlyScrub").and_then(Value::as_bool);
    let flat = d.pointer("/backing/_typeName").and_then(Value::as_str)
        == Some("VirtualDiskFlatVer2BackingInfo");
    DiskFacts {
        key: d
            .get("key")
            .map(|k| k.to_string().trim_matches('"').to_string())
            .unwrap_or_default(),
        file,
        datastore_id: ds,
        datastore_name: ds_name,
        capacity_bytes: d
            .get("capacityInBytes")
            .and_then(Value::as_u64)
            .or_else(|| {
                d.get("capacityInKB")
                    .and_then(Value::as_u64)
                    .map(|k| k * 1024)
            }),
        provisioning: flat.then(|| {
            Provisioning::from_vsphere_flags(thin.unwrap_or(false), eager.unwrap_or(false))
        }),
        mode: disk_mode(d),
        shared: d.pointer("/backing/sharing").and_then(Value::as_str) == Some("sharingMultiWriter"),
        controller_key: d.get("controllerKey").and_then(Value::as_i64),
        unit_number: d.get("unitNumber").and_then(Value::as_i64),
    }
}

fn s(v: &Value, ptr: &str) -> Option<String> {
    v.pointer(ptr).and_then(Value::as_str).map(str::to_string)
}

/// What VMware Tools report about one guest NIC.
#[derive(Default)]
struct GuestNet {
    ips: Vec<String>,
    manual: bool,
    prefix: Option<u8>,
    gateway: Option<String>,
}

/// The guest's NICs by MAC (`guest/networking/interfaces`) with the default gateway of each
/// (`guest/networking/routes`, `interface_index` = position in the interface list); empty
/// while the guest networking answers 503.
async fn guest_networking(
    c: &VsphereClient,
    id: &str,
) -> Result<BTreeMap<String, GuestNet>, SourceError> {
    let mut guest = BTreeMap::new();
    let rb = c.req(
        Method::GET,
        &format!("api/vcenter/vm/{id}/guest/networking/interfaces"),
    )?;
    let reply = http::send_any(KIND, rb).await?;
    if !reply.status.is_success() {
        return if reply.status.as_u16() == 503 {
            Ok(guest)
        } else {
            Err(reply.into_api_error())
        };
    }
    let mut macs = Vec::new();
    for i in reply.value()?.as_array().into_iter().flatten() {
        let mac = s(i, "/mac_address").unwrap_or_default().to_lowercase();
        let addrs = (i.pointer("/ip/ip_addresses").and_then(Value::as_array))
            .cloned()
            .unwrap_or_default();
        let first_v4 = addrs
            .iter()
            .find(|a| s(a, "/ip_address").is_some_and(|ip| !ip.contains(':')));
        let net = GuestNet {
            ips: addrs.iter().filter_map(|a| s(a, "/ip_address")).collect(),
            manual: (addrs.iter())
                .any(|a| a.get("origin").and_then(Value::as_str) == Some("MANUAL")),
            prefix: first_v4
                .and_then(|a| a.get("prefix_length").and_then(Value::as_u64))
                .and_then(|p| u8::try_from(p).ok()),
            gateway: None,
        };
        macs.push(mac.clone());
        guest.insert(mac, net);
    }
    let rb = c.req(
        Method::GET,
        &format!("api/vcenter/vm/{id}/guest/networking/routes"),
    )?;
    let reply = http::send_any(KIND, rb).await?;
    if reply.status.is_success() {
        for r in reply.value()?.as_array().into_iter().flatten() {
            let default = s(r, "/network").as_deref() == Some("0.0.0.0")
                && r.get("prefix_length").and_then(Value::as_u64) == Some(0);
            let index = r.get("interface_index").and_then(Value::as_u64);
            let mac = index.and_then(|i| macs.get(usize::try_from(i).ok()?));
            if let (true, Some(mac), Some(gw)) = (default, mac, s(r, "/gateway_address"))
                && let Some(net) = guest.get_mut(mac)
            {
                net.gateway.get_or_insert(gw);
            }
        }
    }
    Ok(guest)
}

pub(crate) async fn collect(c: &VsphereClient, vm: &VmRef) -> Result<SourceVmFacts, SourceError> {
    let info = c.get(&format!("api/vcenter/vm/{}", vm.id)).await?;
    let config = vim::config(c, &vm.id).await?;
    let tools = c.get(&format!("api/vcenter/vm/{}/tools", vm.id)).await?;
    let datastores = c.datastores().await?;
    let snapshots = vim::snapshots(c, vm).await?;
    let tools_state = match (
        tools.get("run_state").and_then(Value::as_str),
        tools.get("version_status").and_then(Value::as_str),
    ) {
        (Some("RUNNING"), _) => GuestToolsState::Running,
        (_, Some("NOT_INSTALLED")) => GuestToolsState::NotInstalled,
        (Some(_), _) => GuestToolsState::NotRunning,
        (None, _) => GuestToolsState::Unknown,
    };
    let guest = if tools_state == GuestToolsState::Running {
        guest_networking(c, &vm.id).await?
    } else {
        BTreeMap::new()
    };
    let mut nic_entries: Vec<(u64, &Value)> = info
        .get("nics")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.parse().unwrap_or(u64::MAX), v))
        .collect();
    nic_entries.sort_by_key(|(k, _)| *k);
    let nics = nic_entries
        .iter()
        .map(|(_, n)| {
            let mac = s(n, "/mac_address").unwrap_or_default().to_lowercase();
            let g = guest.get(&mac);
            NicFacts {
                network: s(n, "/backing/network_name")
                    .filter(|x| !x.is_empty())
                    .or_else(|| s(n, "/backing/network")),
                ips: g.map(|g| g.ips.clone()).unwrap_or_default(),
                static_ip: g.map(|g| g.manual),
                prefix: g.and_then(|g| g.prefix),
                gateway: g.and_then(|g| g.gateway.clone()),
                mac,
            }
        })
        .collect();
    let mut disks: Vec<DiskFacts> = disks_of(&config)
        .iter()
        .map(|d| disk_facts(d, &datastores))
        .collect();
    disks.sort_by_key(|d| d.key.parse::<u64>().unwrap_or(u64::MAX));
    let count = info
        .pointer("/cpu/count")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let cores = info
        .pointer("/cpu/cores_per_socket")
        .and_then(Value::as_u64)
        .filter(|c| *c > 0)
        .unwrap_or(1);
    let uuid = s(&info, "/identity/bios_uuid").or_else(|| s(&config, "/uuid"));
    Ok(SourceVmFacts {
        provider: KIND,
        name: s(&info, "/name").unwrap_or_else(|| vm.name.clone()),
        id: vm.id.clone(),
        serial: uuid.as_deref().and_then(vmware_serial),
        uuid,
        power_state: if s(&info, "/power_state").as_deref() == Some("POWERED_ON") {
            PowerState::On
        } else {
            PowerState::Off
        },
        template: config
            .get("template")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        cpu_sockets: u32::try_from(count / cores).ok(),
        cpu_cores_per_socket: u32::try_from(cores).ok(),
        cpu_count: u32::try_from(count).unwrap_or(u32::MAX),
        memory_mib: info
            .pointer("/memory/size_MiB")
            .and_then(Value::as_u64)
            .unwrap_or(0),
        firmware: match s(&info, "/boot/type")
            .or_else(|| s(&config, "/firmware"))
            .map(|x| x.to_lowercase())
            .as_deref()
        {
            Some("efi") => Some(Firmware::Efi),
            Some("bios") => Some(Firmware::Bios),
            _ => None,
        },
        guest_os: s(&config, "/guestId").or_else(|| s(&info, "/guest_OS")),
        guest_tools: tools_state,
        cbt_enabled: config.get("changeTrackingEnabled").and_then(Value::as_bool),
        nics,
        disks,
        snapshots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serial_format_matches_forklift() {
        assert_eq!(
            vmware_serial("422c6a2a-5ea9-1083-39f3-3b140fffb444").as_deref(),
            Some("VMware-42 2c 6a 2a 5e a9 10 83-39 f3 3b 14 0f ff b4 44")
        );
        assert_eq!(vmware_serial("nope"), None);
    }

    #[test]
    fn disk_backings() {
        let d = json!({"_typeName": "VirtualDisk", "key": 2001, "capacityInKB": 1024,
            "controllerKey": 1000, "unitNumber": 1,
            "backing": {"_typeName": "VirtualDiskFlatVer2BackingInfo", "fileName": "[ds9] vm/vm_1.vmdk",
                        "datastore": {"value": "datastore-9"}, "diskMode": "independent_persistent",
                        "thinProvisioned": false, "eagerlyScrub": true, "sharing": "sharingMultiWriter"}});
        let f = disk_facts(&d, &[]);
        assert_eq!(f.key, "2001");
        assert_eq!(f.capacity_bytes, Some(1 << 20));
        assert_eq!(f.datastore_id.as_deref(), Some("datastore-9"));
        assert_eq!(f.datastore_name.as_deref(), Some("ds9"));
        assert_eq!(f.provisioning, Some(Provisioning::ThickEager));
        assert_eq!(f.mode, Some(mtvt_vocab::DiskMode::IndependentPersistent));
        assert!(f.shared);
        assert_eq!((f.controller_key, f.unit_number), (Some(1000), Some(1)));
    }
}
