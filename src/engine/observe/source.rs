//! The `source` model: from the adapter's facts (read right before migration, and again
//! after it for `power_after` / `snapshots_after`), or from the inventory document for OVA
//! sources, which have no API.

use mtvt_lang::models::{Cpu, Snapshot, SourceDisk, SourceNic, SourceVm};
use mtvt_source::{GuestToolsState, SourceVmFacts};
use mtvt_vocab::{Firmware, PowerState, ProviderKind, Quantity};
use serde_json::Value;

fn is_windows(guest_os: &str) -> bool {
    let g = guest_os.to_ascii_lowercase();
    g.contains("win")
}

/// `source` from adapter facts.
pub fn from_facts(f: &SourceVmFacts, kind: ProviderKind) -> SourceVm {
    let sockets = f.cpu_sockets.unwrap_or(f.cpu_count.max(1));
    let cores = f.cpu_cores_per_socket.unwrap_or(1);
    let guest_os = f.guest_os.clone().unwrap_or_default();
    SourceVm {
        name: f.name.clone(),
        id: f.id.clone(),
        provider_type: kind,
        power: f.power_state,
        power_after: None,
        cpu: Cpu {
            sockets: i64::from(sockets),
            cores: i64::from(cores),
        },
        memory_mib: i64::try_from(f.memory_mib).unwrap_or(i64::MAX),
        firmware: f.firmware.unwrap_or(Firmware::Bios),
        serial: f.serial.clone().unwrap_or_default(),
        uuid: f.uuid.clone().unwrap_or_default(),
        is_windows: is_windows(&guest_os),
        guest_os,
        guest_agent: f.guest_tools == GuestToolsState::Running,
        nics: f
            .nics
            .iter()
            .map(|n| SourceNic {
                mac: n.mac.to_ascii_lowercase(),
                network: n.network.clone().unwrap_or_default(),
                ip: n.ips.iter().find(|ip| !ip.contains(':')).cloned(),
                static_ip: n.static_ip.unwrap_or(false),
                mask: n.prefix.map(|p| super::guest_nics::mask_of(i64::from(p))),
                gateway: n.gateway.clone(),
            })
            .collect(),
        disks: by_position(f, kind)
            .into_iter()
            .enumerate()
            .map(|(i, d)| SourceDisk {
                key: d.key.parse().unwrap_or(i64::try_from(i).unwrap_or(0)),
                file: d.file.clone().unwrap_or_else(|| d.key.clone()),
                datastore: d.datastore_id.clone().unwrap_or_default(),
                capacity: Quantity(u128::from(d.capacity_bytes.unwrap_or(0))),
                provisioning: d.provisioning,
                mode: d.mode,
                shared: d.shared,
                controller_key: d.controller_key,
                unit_number: d.unit_number,
            })
            .collect(),
        snapshots: snapshots(f),
        snapshots_after: None,
    }
}

/// The disks of the facts; vSphere's in device position order (controller key, unit number),
/// as Forklift numbers them and the pytest suite orders them.
fn by_position(f: &SourceVmFacts, kind: ProviderKind) -> Vec<&mtvt_source::DiskFacts> {
    let mut disks: Vec<_> = f.disks.iter().collect();
    if kind == ProviderKind::Vsphere {
        disks.sort_by_key(|d| (d.controller_key, d.unit_number));
    }
    disks
}

/// Snapshots of the facts.
pub fn snapshots(f: &SourceVmFacts) -> Vec<Snapshot> {
    f.snapshots
        .iter()
        .map(|s| Snapshot {
            name: s.name.clone(),
            id: s.id.clone(),
            state: s.state.clone(),
            created: s.created.as_deref().map(to_the_minute),
        })
        .collect()
}

/// An RFC 3339 time in UTC to the minute (`2026-12-07T19:40Z`); other text is kept as is.
fn to_the_minute(t: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| {
            d.with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H:%MZ")
                .to_string()
        })
        .unwrap_or_else(|_| t.to_string())
}

/// Adds what was read after the migration.
pub fn with_after(mut model: SourceVm, after: &SourceVmFacts) -> SourceVm {
    model.power_after = Some(after.power_state);
    model.snapshots_after = Some(snapshots(after));
    model
}

/// `source` from an OVA inventory VM (`cpuCount`, `coresPerSocket`, `memoryMB`, `nics[].MAC`,
/// `disks[].Capacity`…). OVA appliances are never powered on.
pub fn from_ova_inventory(v: &Value) -> SourceVm {
    let int = |p: &str| v.pointer(p).and_then(Value::as_i64).unwrap_or(0);
    let text = |x: &Value, p: &str| {
        x.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let cores = int("/coresPerSocket").max(1);
    let count = int("/cpuCount").max(1);
    let guest_os = text(v, "/osType");
    SourceVm {
        name: text(v, "/name"),
        id: text(v, "/id"),
        provider_type: ProviderKind::Ova,
        power: PowerState::Off,
        power_after: None,
        cpu: Cpu {
            sockets: (count / cores).max(1),
            cores,
        },
        memory_mib: int("/memoryMB"),
        firmware: if text(v, "/firmware") == "efi" {
            Firmware::Efi
        } else {
            Firmware::Bios
        },
        serial: String::new(),
        uuid: text(v, "/uuid"),
        is_windows: is_windows(&guest_os),
        guest_os,
        guest_agent: false,
        nics: v
            .pointer("/nics")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|n| SourceNic {
                mac: text(n, "/MAC").to_ascii_lowercase(),
                network: text(n, "/Network"),
                ip: None,
                static_ip: false,
                mask: None,
                gateway: None,
            })
            .collect(),
        disks: v
            .pointer("/disks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, d)| SourceDisk {
                key: i64::try_from(i).unwrap_or(0),
                file: text(d, "/FilePath"),
                datastore: text(d, "/ID"),
                capacity: Quantity(
                    u128::try_from(d.pointer("/Capacity").and_then(Value::as_i64).unwrap_or(0))
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
    fn ova_inventory() {
        let v = json!({"id": "b7", "name": "vm", "cpuCount": 4, "coresPerSocket": 2, "memoryMB": 4096,
            "firmware": "efi", "osType": "windows2019srv_64Guest",
            "nics": [{"MAC": "00:50:56:AA:BB:CC", "Network": "VM Network"}],
            "disks": [{"ID": "k3", "Capacity": 21474836480_i64, "FilePath": "vm.ova"}]});
        let m = from_ova_inventory(&v);
        assert_eq!((m.cpu.sockets, m.cpu.cores), (2, 2));
        assert_eq!(m.nics[0].mac, "00:50:56:aa:bb:cc");
        assert!(m.is_windows);
        assert_eq!(m.firmware, Firmware::Efi);
        assert_eq!(m.disks[0].capacity, Quantity::gib(20));
    }

    #[test]
    fn snapshot_times_are_compared_in_utc_to_the_minute() {
        assert_eq!(to_the_minute("2026-12-07T19:40:59Z"), "2026-12-07T19:40Z");
        assert_eq!(
            to_the_minute("2026-12-07T21:40:01+02:00"),
            "2026-12-07T19:40Z"
        );
        assert_eq!(to_the_minute("yesterday"), "yesterday");
    }
}
