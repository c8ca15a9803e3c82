//! Assembles [`SourceVmFacts`] for a KubeVirt VM from the VirtualMachine (CPU, memory,
//! firmware, interfaces and networks, volumes), its VirtualMachineInstance when running
//! (IPs, guest agent, OS), the PVCs behind its volumes (storage class, size) and its
//! VirtualMachineSnapshots. The pure part ([`facts_from`]) is unit-tested.

use std::collections::BTreeMap;

use kube::ResourceExt;
use kube::api::ListParams;
use mtvt_vocab::{Firmware, PowerState, Quantity};
use serde_json::Value;

use super::clone::claim_of;
use super::{DESCRIPTION_ANNOTATION, KIND, OpenshiftSource, kube_err};
use crate::error::SourceError;
use crate::model::{DiskFacts, GuestToolsState, NicFacts, SnapshotFacts, SourceVmFacts, VmRef};

/// Bytes of a Kubernetes quantity (`4Gi`, `4096Mi`); `None` when it is not a whole number
/// of bytes that fits 64 bits (the fact is then unknown, not zero).
fn bytes(q: &str) -> Option<u64> {
    let q: Quantity = q.parse().ok()?;
    u64::try_from(q.bytes()).ok()
}

fn s(v: &Value, ptr: &str) -> Option<String> {
    v.pointer(ptr)
        .and_then(Value::as_str)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
}

fn list<'a>(v: &'a Value, ptr: &str) -> impl Iterator<Item = &'a Value> {
    v.pointer(ptr)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The facts of a VM object, its VMI (if any) and its PVCs by claim name. Pure.
pub(crate) fn facts_from(
    vm: &Value,
    vmi: Option<&Value>,
    pvcs: &BTreeMap<String, Value>,
    snapshots: Vec<SnapshotFacts>,
) -> SourceVmFacts {
    let spec = vm
        .pointer("/spec/template/spec")
        .cloned()
        .unwrap_or_default();
    let num = |p: &str| spec.pointer(p).and_then(Value::as_u64);
    let sockets = num("/domain/cpu/sockets").unwrap_or(1);
    let cores = num("/domain/cpu/cores").unwrap_or(1);
    let threads = num("/domain/cpu/threads").unwrap_or(1);
    let memory = s(&spec, "/domain/memory/guest")
        .or_else(|| s(&spec, "/domain/resources/requests/memory"))
        .and_then(|q| bytes(&q))
        .unwrap_or(0);
    let printable = s(vm, "/status/printableStatus");
    let power = match printable.as_deref() {
        Some("Running") => PowerState::On,
        Some(_) => PowerState::Off,
        None => match s(vm, "/spec/runStrategy").as_deref() {
            Some("Always" | "RerunOnFailure") => PowerState::On,
            _ => PowerState::Off,
        },
    };
    let agent = vmi.map(|i| {
        list(i, "/status/conditions").any(|c| {
            c.get("type").and_then(Value::as_str) == Some("AgentConnected")
                && c.get("status").and_then(Value::as_str) == Some("True")
        })
    });
    let nics = nics_of(&spec, vmi);
    let disks = disks_of(&spec, pvcs);
    let firmware = spec.pointer("/domain/firmware/bootloader").map(|b| {
        if b.get("efi").is_some() {
            Firmware::Efi
        } else {
            Firmware::Bios
        }
    });
    SourceVmFacts {
        provider: KIND,
        name: s(vm, "/metadata/name").unwrap_or_default(),
        id: s(vm, "/metadata/uid").unwrap_or_default(),
        uuid: s(&spec, "/domain/firmware/uuid").or_else(|| s(vm, "/metadata/uid")),
        serial: s(&spec, "/domain/firmware/serial"),
        power_state: power,
        template: false,
        cpu_sockets: u32::try_from(sockets).ok(),
        cpu_cores_per_socket: u32::try_from(cores).ok(),
        cpu_count: u32::try_from(sockets * cores * threads).unwrap_or(u32::MAX),
        memory_mib: memory >> 20,
        firmware: firmware.or(Some(Firmware::Bios)),
        guest_os: s(vm, "/spec/template/metadata/annotations/vm.kubevirt.io~1os")
            .or_else(|| s(vm, "/metadata/annotations/vm.kubevirt.io~1os"))
            .or_else(|| vmi.and_then(|i| s(i, "/status/guestOSInfo/id"))),
        guest_tools: match agent {
            Some(true) => GuestToolsState::Running,
            Some(false) | None => GuestToolsState::NotRunning,
        },
        cbt_enabled: None,
        nics,
        disks,
        snapshots,
    }
}

/// The NICs of the VM's template: MAC, network (pod or Multus), and the IPs its VMI
/// reports.
fn nics_of(spec: &Value, vmi: Option<&Value>) -> Vec<NicFacts> {
    let networks: BTreeMap<String, String> = list(spec, "/networks")
        .filter_map(|n| {
            let name = s(n, "/name")?;
            let net = if n.get("pod").is_some() {
                "pod".to_string()
            } else {
                s(n, "/multus/networkName")?
            };
            Some((name, net))
        })
        .collect();
    let vmi_ifaces: Vec<&Value> = vmi
        .map(|i| list(i, "/status/interfaces").collect())
        .unwrap_or_default();
    list(spec, "/domain/devices/interfaces")
        .map(|i| {
            let name = s(i, "/name").unwrap_or_default();
            let reported = vmi_ifaces
                .iter()
                .find(|r| s(r, "/name").as_deref() == Some(name.as_str()));
            let ips = reported
                .map(|r| {
                    let mut ips: Vec<String> = list(r, "/ipAddresses")
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect();
                    if ips.is_empty() {
                        ips.extend(s(r, "/ipAddress"));
                    }
                    ips
                })
                .unwrap_or_default();
            NicFacts {
                mac: s(i, "/macAddress")
                    .or_else(|| reported.and_then(|r| s(r, "/mac")))
                    .unwrap_or_default()
                    .to_lowercase(),
                network: networks.get(&name).cloned(),
                ips,
                static_ip: None,
                prefix: None,
                gateway: None,
            }
        })
        .collect()
}

/// The disks of the VM's template that are PVCs: claim, storage class and capacity.
fn disks_of(spec: &Value, pvcs: &BTreeMap<String, Value>) -> Vec<DiskFacts> {
    list(spec, "/volumes")
        .filter_map(|v| {
            let claim = claim_of(v)?;
            let pvc = pvcs.get(claim);
            let class = pvc.and_then(|p| s(p, "/spec/storageClassName"));
            Some(DiskFacts {
                key: s(v, "/name").unwrap_or_default(),
                file: Some(claim.to_string()),
                datastore_id: class.clone(),
                datastore_name: class,
                capacity_bytes: pvc
                    .and_then(|p| {
                        s(p, "/status/capacity/storage")
                            .or_else(|| s(p, "/spec/resources/requests/storage"))
                    })
                    .and_then(|q| bytes(&q)),
                provisioning: None,
                mode: None,
                shared: false,
                ..DiskFacts::default()
            })
        })
        .collect()
}

pub(crate) async fn snapshots(
    src: &OpenshiftSource,
    vm: &str,
) -> Result<Vec<SnapshotFacts>, SourceError> {
    let list = src
        .api(&src.kinds.snapshot)
        .list(&ListParams::default())
        .await
        .map_err(kube_err(format!(
            "list VirtualMachineSnapshots in {}",
            src.namespace
        )))?;
    let mut items: Vec<_> = list
        .items
        .into_iter()
        .filter(|o| o.data.pointer("/spec/source/name").and_then(Value::as_str) == Some(vm))
        .collect();
    items.sort_by_key(|o| o.metadata.creation_timestamp.clone().map(|t| t.0));
    Ok(items
        .iter()
        .map(|o| SnapshotFacts {
            name: o.name_any(),
            id: o.uid().unwrap_or_default(),
            description: o
                .annotations()
                .get(DESCRIPTION_ANNOTATION)
                .cloned()
                .unwrap_or_default(),
            ..SnapshotFacts::default()
        })
        .collect())
}

pub(crate) async fn collect(
    src: &OpenshiftSource,
    vm: &VmRef,
) -> Result<SourceVmFacts, SourceError> {
    let obj = src.get_vm(&vm.name).await?;
    let value = serde_json::to_value(&obj).map_err(|e| SourceError::Protocol {
        provider: KIND,
        path: vm.name.clone(),
        message: e.to_string(),
    })?;
    let vmi = src
        .api(&src.kinds.vmi)
        .get_opt(&vm.name)
        .await
        .map_err(kube_err(format!(
            "get VirtualMachineInstance {}/{}",
            src.namespace, vm.name
        )))?
        .map(|o| serde_json::to_value(&o).unwrap_or_default());
    let mut pvcs = BTreeMap::new();
    let pvc_api = src.api(&src.kinds.pvc);
    for v in list(&value, "/spec/template/spec/volumes") {
        if let Some(claim) = claim_of(v)
            && let Some(pvc) = pvc_api.get_opt(claim).await.map_err(kube_err(format!(
                "get PersistentVolumeClaim {}/{claim}",
                src.namespace
            )))?
        {
            pvcs.insert(claim.to_string(), pvc.data);
        }
    }
    let snaps = match snapshots(src, &vm.name).await {
        Ok(s) => s,
        // A cluster without the snapshot API has no snapshots to report.
        Err(e) if e.is_not_found() => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(facts_from(&value, vmi.as_ref(), &pvcs, snaps))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn facts_of_a_running_vm() {
        let vm = json!({"metadata": {"name": "rhel9", "uid": "u-9"},
            "spec": {"runStrategy": "Always", "template": {
                "metadata": {"annotations": {"vm.kubevirt.io/os": "rhel9"}},
                "spec": {"domain": {"cpu": {"sockets": 2, "cores": 1}, "memory": {"guest": "2Gi"},
                    "firmware": {"serial": "ser-1", "bootloader": {"efi": {"secureBoot": false}}},
                    "devices": {"interfaces": [{"name": "default", "macAddress": "02:AA:00:00:00:01"},
                                               {"name": "net1"}]}},
                "networks": [{"name": "default", "pod": {}}, {"name": "net1", "multus": {"networkName": "src/br1"}}],
                "volumes": [{"name": "rootdisk", "dataVolume": {"name": "rhel9-root"}}]}}},
            "status": {"printableStatus": "Running"}});
        let vmi = json!({"status": {"conditions": [{"type": "AgentConnected", "status": "True"}],
            "interfaces": [{"name": "default", "ipAddress": "10.128.0.5", "ipAddresses": ["10.128.0.5"], "mac": "02:aa:00:00:00:01"},
                           {"name": "net1", "mac": "02:aa:00:00:00:02", "ipAddress": "192.168.1.5"}]}});
        let mut pvcs = BTreeMap::new();
        pvcs.insert(
            "rhel9-root".to_string(),
            json!({"spec": {"storageClassName": "ceph-rbd",
            "resources": {"requests": {"storage": "30Gi"}}}}),
        );
        let f = facts_from(&vm, Some(&vmi), &pvcs, Vec::new());
        assert_eq!(f.power_state, PowerState::On);
        assert_eq!(
            (f.cpu_sockets, f.cpu_cores_per_socket, f.cpu_count),
            (Some(2), Some(1), 2)
        );
        assert_eq!(f.memory_mib, 2048);
        assert_eq!(f.firmware, Some(Firmware::Efi));
        assert_eq!(f.serial.as_deref(), Some("ser-1"));
        assert_eq!(f.guest_os.as_deref(), Some("rhel9"));
        assert_eq!(f.guest_tools, GuestToolsState::Running);
        assert_eq!(f.nics[0].mac, "02:aa:00:00:00:01");
        assert_eq!(f.nics[0].network.as_deref(), Some("pod"));
        assert_eq!(f.nics[0].ips, vec!["10.128.0.5"]);
        assert_eq!(f.nics[1].mac, "02:aa:00:00:00:02");
        assert_eq!(f.nics[1].network.as_deref(), Some("src/br1"));
        assert_eq!(f.disks[0].datastore_name.as_deref(), Some("ceph-rbd"));
        assert_eq!(f.disks[0].capacity_bytes, Some(30 << 30));
        let stopped = facts_from(
            &json!({"spec": {"runStrategy": "Halted"}}),
            None,
            &pvcs,
            Vec::new(),
        );
        assert_eq!(stopped.power_state, PowerState::Off);
        assert_eq!(stopped.guest_tools, GuestToolsState::NotRunning);
    }
}
