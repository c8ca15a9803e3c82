//! The `dest` model built from the migrated VirtualMachine, its VMI, PVCs and Node (read by
//! `dest_read`): CPU, memory, firmware, NICs with their networks, disks with their PVCs,
//! labels, node, guest agent.
//!
//! Guest-level facts come from KubeVirt's guest-agent data where it answers the question:
//! `guest_static_ips` = the IPv4 addresses the guest agent reports (none without a guest
//! agent). The SSH probe starts as "not attempted" (so `ssh_reachable` reports "not run",
//! never a silent pass); `super::guest` replaces it with a real login's outcome.

use std::collections::BTreeMap;

use mtvt_lang::models::{Cpu, DestDisk, DestNic, DestVm, SshProbe};
use mtvt_lang::schema::enums::{Firmware, PowerState};
use mtvt_vocab::Quantity;
use serde_json::Value;

/// Why SSH is not probed.
pub const SSH_NOT_PROBED: &str = "no SSH login was attempted on this VM";

fn text(v: &Value, p: &str) -> String {
    v.pointer(p)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// MiB of a Kubernetes memory quantity (`4Gi`, `4096Mi`, `4294967296`).
pub fn mib(q: &str) -> i64 {
    Quantity::parse(q)
        .map(|b| i64::try_from(b.0 >> 20).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The PVC (or DataVolume) claim names of a VM's template volumes, with volume names.
pub fn claims(vm: &Value) -> Vec<(String, String)> {
    vm.pointer("/spec/template/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let claim = v
                .pointer("/persistentVolumeClaim/claimName")
                .or_else(|| v.pointer("/dataVolume/name"))
                .and_then(Value::as_str)?;
            Some((text(v, "/name"), claim.to_string()))
        })
        .collect()
}

/// Builds the model from the objects (pure).
pub fn build_dest(
    vm: &Value,
    vmi: Option<&Value>,
    pvcs: &BTreeMap<String, Value>,
    node_labels: BTreeMap<String, String>,
    power: PowerState,
    guest_agent: bool,
) -> DestVm {
    let domain = vm
        .pointer("/spec/template/spec/domain")
        .cloned()
        .unwrap_or(Value::Null);
    let networks = networks(vm, vmi);
    let (nics, ips) = nics(&domain, vmi, &networks);
    DestVm {
        name: text(vm, "/metadata/name"),
        namespace: text(vm, "/metadata/namespace"),
        power,
        run_strategy: text(vm, "/spec/runStrategy"),
        cpu: Cpu {
            sockets: domain
                .pointer("/cpu/sockets")
                .and_then(Value::as_i64)
                .unwrap_or(1),
            cores: domain
                .pointer("/cpu/cores")
                .and_then(Value::as_i64)
                .unwrap_or(1),
        },
        memory_mib: domain
            .pointer("/memory/guest")
            .or_else(|| domain.pointer("/resources/requests/memory"))
            .and_then(Value::as_str)
            .map(mib)
            .unwrap_or(0),
        firmware: firmware(&domain),
        serial: text(&domain, "/firmware/serial"),
        secure_boot: domain
            .pointer("/firmware/bootloader/efi")
            .is_some_and(|efi| {
                efi.pointer("/secureBoot")
                    .and_then(Value::as_bool)
                    .unwrap_or(true)
            }),
        tpm: domain.pointer("/devices/tpm").is_some(),
        labels: string_map(vm.pointer("/metadata/labels")),
        template_labels: string_map(vm.pointer("/spec/template/metadata/labels")),
        node_selector: string_map(vm.pointer("/spec/template/spec/nodeSelector")),
        affinity: vm
            .pointer("/spec/template/spec/affinity")
            .cloned()
            .filter(|a| !a.is_null()),
        node: vmi
            .map(|v| text(v, "/status/nodeName"))
            .filter(|s| !s.is_empty()),
        node_labels,
        nics,
        disks: disks(vm, pvcs),
        guest_agent,
        started_for_checks: false,
        ips,
        guest_static_ips: guest_reported_ipv4(vmi, &networks),
        ssh: SshProbe {
            attempted: false,
            reachable: false,
            detail: SSH_NOT_PROBED.to_string(),
        },
    }
}

fn firmware(domain: &Value) -> Option<Firmware> {
    if domain.pointer("/firmware/bootloader/efi").is_some() {
        Some(Firmware::Efi)
    } else if domain.pointer("/firmware/bootloader/bios").is_some() {
        Some(Firmware::Bios)
    } else {
        None
    }
}

/// Interface name → `pod` or NAD name (from the VMI, else the VM template).
fn networks(vm: &Value, vmi: Option<&Value>) -> BTreeMap<String, String> {
    vmi.or(Some(vm))
        .and_then(|o| {
            o.pointer("/spec/networks")
                .or_else(|| o.pointer("/spec/template/spec/networks"))
        })
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|n| {
            let kind = if n.get("pod").is_some() {
                "pod".to_string()
            } else {
                let full = text(n, "/multus/networkName");
                full.rsplit('/').next().unwrap_or("").to_string()
            };
            (text(n, "/name"), kind)
        })
        .collect()
}

/// The NICs (from the VMI's interfaces, else the template's) and every IP they report.
fn nics(
    domain: &Value,
    vmi: Option<&Value>,
    networks: &BTreeMap<String, String>,
) -> (Vec<DestNic>, Vec<String>) {
    let network = |i: &Value| networks.get(&text(i, "/name")).cloned().unwrap_or_default();
    let Some(ifaces) = vmi
        .and_then(|v| v.pointer("/status/interfaces"))
        .and_then(Value::as_array)
    else {
        let nics = domain
            .pointer("/devices/interfaces")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|i| DestNic {
                name: text(i, "/name"),
                mac: text(i, "/macAddress").to_ascii_lowercase(),
                network: network(i),
                ip: None,
            })
            .collect();
        return (nics, Vec::new());
    };
    let mut ips = Vec::new();
    let nics = ifaces
        .iter()
        .filter(|i| networks.contains_key(&text(i, "/name")))
        .map(|i| {
            for ip in i
                .pointer("/ipAddresses")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(s) = ip.as_str() {
                    ips.push(s.to_string());
                }
            }
            let ip = Some(text(i, "/ipAddress")).filter(|s| !s.is_empty());
            if let Some(ip) = &ip
                && !ips.contains(ip)
            {
                ips.push(ip.clone());
            }
            DestNic {
                name: text(i, "/name"),
                mac: text(i, "/mac").to_ascii_lowercase(),
                network: network(i),
                ip,
            }
        })
        .collect();
    (nics, ips)
}

/// The disks: the template's volumes with their PVCs' class, modes, size and Forklift's
/// disk-source annotations.
fn disks(vm: &Value, pvcs: &BTreeMap<String, Value>) -> Vec<DestDisk> {
    claims(vm)
        .into_iter()
        .enumerate()
        .map(|(i, (volume, claim))| {
            let pvc = pvcs.get(&claim).cloned().unwrap_or(Value::Null);
            let ann = |k: &str| {
                pvc.pointer("/metadata/annotations")
                    .and_then(|a| a.get(k))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            let source = ann("forklift.konveyor.io/disk-source").unwrap_or_default();
            let file = source.rsplit(['/', ' ']).next().unwrap_or("").to_string();
            DestDisk {
                name: volume,
                pvc: claim,
                index: ann("forklift.konveyor.io/disk-index")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(i64::try_from(i).unwrap_or(0)),
                source_file: file,
                shared: pvc
                    .pointer("/metadata/labels/shareable")
                    .and_then(Value::as_str)
                    == Some("true"),
                storage_class: text(&pvc, "/spec/storageClassName"),
                access_modes: pvc
                    .pointer("/spec/accessModes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|m| m.as_str().map(str::to_string))
                    .collect(),
                volume_mode: Some(text(&pvc, "/spec/volumeMode")).filter(|s| !s.is_empty()),
                size: Quantity::parse(&text(&pvc, "/spec/resources/requests/storage"))
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// The IPv4 addresses the guest agent reports on the VMI's interfaces (`infoSource`
/// includes `guest-agent`): addresses configured inside the guest, which is what the
/// static-IP check asks. `None` when it cannot tell: no guest-agent data, or an interface on
/// the pod network, for which KubeVirt reports the pod's address instead of the guest's
/// (masquerade binding). `networks` maps interface names to `pod` or a NAD name.
pub fn guest_reported_ipv4(
    vmi: Option<&Value>,
    networks: &BTreeMap<String, String>,
) -> Option<Vec<String>> {
    let ifaces = vmi?.pointer("/status/interfaces")?.as_array()?;
    let ours: Vec<&Value> = ifaces
        .iter()
        .filter(|i| networks.contains_key(&text(i, "/name")))
        .collect();
    if ours
        .iter()
        .any(|i| networks.get(&text(i, "/name")).is_some_and(|n| n == "pod"))
    {
        return None;
    }
    let from_agent: Vec<&Value> = ours
        .into_iter()
        .filter(|i| text(i, "/infoSource").contains("guest-agent"))
        .collect();
    if from_agent.is_empty() {
        return None;
    }
    let mut ips = Vec::new();
    for i in from_agent {
        let listed = i.pointer("/ipAddresses").and_then(Value::as_array);
        let all = listed
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .chain(Some(text(i, "/ipAddress")));
        for ip in all {
            if !ip.is_empty() && !ip.contains(':') && !ips.contains(&ip) {
                ips.push(ip);
            }
        }
    }
    Some(ips)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn model_from_objects() {
        let vm = json!({"metadata": {"name": "rhel9", "namespace": "t", "labels": {"plan": "u"}},
            "spec": {"runStrategy": "Always", "template": {
                "metadata": {"labels": {"app": "rhel9", "x": "y"}},
                "spec": {"nodeSelector": {"k": "v"},
                    "domain": {"cpu": {"sockets": 2, "cores": 2}, "memory": {"guest": "4Gi"},
                        "firmware": {"serial": "VMware-42", "bootloader": {"efi": {}}},
                        "devices": {"interfaces": [{"name": "net-0", "macAddress": "00:50:56:A1:B2:C3"}]}},
                    "networks": [{"name": "net-0", "pod": {}}, {"name": "net-1", "multus": {"networkName": "default/nad-1"}}],
                    "volumes": [{"name": "vol-0", "persistentVolumeClaim": {"claimName": "p-0"}}]}}}});
        let vmi = json!({"spec": {"networks": [{"name": "net-0", "pod": {}}, {"name": "net-1", "multus": {"networkName": "default/nad-1"}}]},
            "status": {"nodeName": "worker-1", "interfaces": [
                {"name": "net-0", "mac": "00:50:56:A1:B2:C3", "ipAddress": "10.0.0.5", "ipAddresses": ["10.0.0.5"]},
                {"name": "net-1", "mac": "00:50:56:a1:b2:c4"},
                {"name": "lo-extra", "mac": "x"}]}});
        let mut pvcs = BTreeMap::new();
        pvcs.insert("p-0".to_string(), json!({"metadata": {"annotations": {
            "forklift.konveyor.io/disk-source": "[ds1] rhel9/rhel9_1.vmdk", "forklift.konveyor.io/disk-index": "1"}},
            "spec": {"storageClassName": "sc", "accessModes": ["ReadWriteMany"], "volumeMode": "Block",
                "resources": {"requests": {"storage": "30Gi"}}}}));
        let d = build_dest(
            &vm,
            Some(&vmi),
            &pvcs,
            BTreeMap::new(),
            PowerState::On,
            true,
        );
        assert_eq!((d.cpu.sockets, d.cpu.cores, d.memory_mib), (2, 2, 4096));
        assert_eq!(d.firmware, Some(Firmware::Efi));
        assert_eq!(d.nics.len(), 2);
        assert_eq!(d.nics[0].mac, "00:50:56:a1:b2:c3");
        assert_eq!(d.nics[0].network, "pod");
        assert_eq!(d.nics[1].network, "nad-1");
        assert_eq!(d.ips, vec!["10.0.0.5"]);
        assert_eq!(d.node.as_deref(), Some("worker-1"));
        assert_eq!(d.disks[0].source_file, "rhel9_1.vmdk");
        assert_eq!(d.disks[0].index, 1);
        assert_eq!(d.disks[0].size, Quantity::gib(30));
        assert_eq!(d.template_labels["x"], "y");
        assert!(!d.ssh.attempted && d.ssh.detail == SSH_NOT_PROBED);
        assert_eq!(
            d.guest_static_ips, None,
            "no interface data from the guest agent"
        );
        let agent = json!({"status": {"interfaces": [
            {"name": "net-1", "infoSource": "domain, guest-agent", "ipAddress": "10.6.46.32",
             "ipAddresses": ["10.6.46.32", "fe80::1"]},
            {"name": "net-2", "infoSource": "domain", "ipAddress": "192.168.1.9"}]}});
        let mut nets = BTreeMap::new();
        nets.insert("net-1".to_string(), "nad-1".to_string());
        nets.insert("net-2".to_string(), "nad-2".to_string());
        assert_eq!(
            guest_reported_ipv4(Some(&agent), &nets),
            Some(vec!["10.6.46.32".to_string()])
        );
        // a pod-network interface hides the guest's own addresses
        nets.insert("net-0".to_string(), "pod".to_string());
        let with_pod = json!({"status": {"interfaces": [
            {"name": "net-0", "infoSource": "domain, guest-agent", "ipAddress": "10.129.0.5"},
            {"name": "net-1", "infoSource": "domain, guest-agent", "ipAddress": "10.6.46.32"}]}});
        assert_eq!(guest_reported_ipv4(Some(&with_pod), &nets), None);
        // without a VMI, interfaces come from the template
        let d = build_dest(&vm, None, &pvcs, BTreeMap::new(), PowerState::Off, false);
        assert_eq!(d.nics.len(), 1);
        assert_eq!(mib("4096Mi"), 4096);
    }
}
