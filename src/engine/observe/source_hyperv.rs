//! The `source` model of a Hyper-V VM from its Forklift inventory document
//! (pkg/controller/provider/web/hyperv: `cpuCount`, `memoryMB`, `firmware`, `powerState`,
//! `nics[]` with `mac`/`networkName`, `guestNetworks[]` from the KVP exchange with
//! `origin` `Manual` for static addresses, `disks[]` with `capacity`), since mtvt reads
//! Hyper-V hosts through no API of their own. Hyper-V exposes total vCPUs only: one socket,
//! as the pytest suite models it.

use mtvt_lang::models::{Cpu, SourceDisk, SourceNic, SourceVm};
use mtvt_vocab::{Firmware, PowerState, ProviderKind, Quantity};
use serde_json::Value;

fn text(x: &Value, p: &str) -> String {
    x.pointer(p)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn list<'a>(v: &'a Value, p: &str) -> impl Iterator<Item = &'a Value> {
    v.pointer(p).and_then(Value::as_array).into_iter().flatten()
}

fn mask(prefix: i64) -> Option<String> {
    let p = u32::try_from(prefix).ok().filter(|p| *p <= 32)?;
    let bits = u32::MAX.checked_shl(32 - p).unwrap_or(0);
    Some(std::net::Ipv4Addr::from(bits).to_string())
}

fn nic(v: &Value, n: &Value) -> SourceNic {
    let mac = text(n, "/mac").replace('-', ":").to_ascii_lowercase();
    let guest = list(v, "/guestNetworks").find(|g| {
        text(g, "/mac").replace('-', ":").to_ascii_lowercase() == mac
            && !text(g, "/ip").contains(':')
    });
    SourceNic {
        network: text(n, "/networkName"),
        ip: guest.map(|g| text(g, "/ip")).filter(|s| !s.is_empty()),
        static_ip: guest.is_some_and(|g| text(g, "/origin") == "Manual"),
        mask: guest.and_then(|g| g.pointer("/prefix").and_then(Value::as_i64).and_then(mask)),
        gateway: guest.map(|g| text(g, "/gateway")).filter(|s| !s.is_empty()),
        mac,
    }
}

/// `source` from a Hyper-V inventory VM document.
pub fn from_hyperv_inventory(v: &Value) -> SourceVm {
    let int = |p: &str| v.pointer(p).and_then(Value::as_i64).unwrap_or(0);
    let guest_os = text(v, "/guestOS");
    let power = if text(v, "/powerState") == "On" {
        PowerState::On
    } else {
        PowerState::Off
    };
    SourceVm {
        name: text(v, "/name"),
        id: text(v, "/id"),
        provider_type: ProviderKind::Hyperv,
        power,
        power_after: None,
        cpu: Cpu {
            sockets: 1,
            cores: int("/cpuCount").max(1),
        },
        memory_mib: int("/memoryMB"),
        firmware: if text(v, "/firmware") == "efi" {
            Firmware::Efi
        } else {
            Firmware::Bios
        },
        serial: String::new(),
        uuid: text(v, "/uuid"),
        is_windows: guest_os.to_ascii_lowercase().contains("windows"),
        guest_os,
        guest_agent: false,
        nics: list(v, "/nics").map(|n| nic(v, n)).collect(),
        disks: list(v, "/disks")
            .enumerate()
            .map(|(i, d)| SourceDisk {
                key: i64::try_from(i).unwrap_or(0),
                file: text(d, "/windowsPath"),
                datastore: text(d, "/datastore/id"),
                capacity: Quantity(
                    u128::try_from(d.pointer("/capacity").and_then(Value::as_i64).unwrap_or(0))
                        .unwrap_or(0),
                ),
                provisioning: None,
                mode: None,
                shared: false,
                controller_key: None,
                unit_number: None,
            })
            .collect(),
        snapshots: Vec::new(),
        snapshots_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hyperv_inventory() {
        let v = json!({"id": "u1", "name": "win", "cpuCount": 4, "memoryMB": 8192, "firmware": "efi",
            "guestOS": "Microsoft Windows Server 2019 Datacenter", "powerState": "On",
            "nics": [{"mac": "00-15-5D-01-02-03", "networkName": "External Switch", "network": {"id": "n1"}}],
            "guestNetworks": [{"mac": "00:15:5d:01:02:03", "ip": "10.0.0.5", "origin": "Manual", "prefix": 24}],
            "disks": [{"id": "d1", "capacity": 21474836480_i64, "windowsPath": "C:\\\\x.vhdx", "datastore": {"id": "storage-0"}}]});
        let m = from_hyperv_inventory(&v);
        assert_eq!((m.cpu.sockets, m.cpu.cores), (1, 4));
        assert_eq!(m.nics[0].mac, "00:15:5d:01:02:03");
        assert!(m.nics[0].static_ip);
        assert_eq!(m.nics[0].mask.as_deref(), Some("255.255.255.0"));
        assert!(m.is_windows);
        assert_eq!(m.power, PowerState::On);
        assert_eq!(m.disks[0].capacity, Quantity::gib(20));
        assert_eq!(m.disks[0].datastore, "storage-0");
    }
}
