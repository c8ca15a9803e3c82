//! The `dest` model: the migrated VirtualMachine, its VMI, PVCs and Node. As the pytest
//! suite does, the VM's power state is read once it settles (Running or Stopped), its guest
//! agent is awaited when the scenario expects one on a running VM, and a stopped VM is
//! started to read its VMI (interfaces, node), then returned to its run strategy.
//!
//! Guest-level facts come from KubeVirt's guest-agent data where it answers the question:
//! `guest_static_ips` = the IPv4 addresses the guest agent reports (none without a guest
//! agent). What still needs a login is not faked: the SSH probe says why it was not attempted,
//! so the `ssh` check reports "not run" with that reason — never a silent pass.

use std::collections::BTreeMap;
use std::time::Duration;

use kube::api::{DynamicObject, Patch, PatchParams};
use mtvt_lang::models::{Cpu, DestDisk, DestNic, DestVm, SshProbe};
use mtvt_lang::schema::enums::{Firmware, PowerState};
use mtvt_vocab::Quantity;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::super::error::{Class, EngineError, is_not_found};
use super::super::retry::with_retry;
use super::super::wait::{Check, WaitFor, condition_true, conditions_text, wait_object};
use crate::cluster::kinds;

/// How long the VM may take to settle in Running or Stopped (the pytest suite's 120 s).
pub const SETTLE_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a started VM may take to get a running VMI.
pub const START_TIMEOUT: Duration = Duration::from_secs(300);

/// Why SSH is not probed.
pub const SSH_NOT_PROBED: &str = "mtvt run has no guest network path to log in (no SSH probe is made); the guest-agent check covers guest liveness";

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
    let cpu = Cpu {
        sockets: domain
            .pointer("/cpu/sockets")
            .and_then(Value::as_i64)
            .unwrap_or(1),
        cores: domain
            .pointer("/cpu/cores")
            .and_then(Value::as_i64)
            .unwrap_or(1),
    };
    let memory = domain
        .pointer("/memory/guest")
        .or_else(|| domain.pointer("/resources/requests/memory"))
        .and_then(Value::as_str)
        .map(mib)
        .unwrap_or(0);
    let firmware = if domain.pointer("/firmware/bootloader/efi").is_some() {
        Some(Firmware::Efi)
    } else if domain.pointer("/firmware/bootloader/bios").is_some() {
        Some(Firmware::Bios)
    } else {
        None
    };
    let networks: BTreeMap<String, String> = vmi
        .or(Some(vm))
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
        .collect();
    let mut ips = Vec::new();
    let nics: Vec<DestNic> = match vmi
        .and_then(|v| v.pointer("/status/interfaces"))
        .and_then(Value::as_array)
    {
        Some(ifaces) => ifaces
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
                    network: networks.get(&text(i, "/name")).cloned().unwrap_or_default(),
                    ip,
                }
            })
            .collect(),
        None => domain
            .pointer("/devices/interfaces")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|i| DestNic {
                name: text(i, "/name"),
                mac: text(i, "/macAddress").to_ascii_lowercase(),
                network: networks.get(&text(i, "/name")).cloned().unwrap_or_default(),
                ip: None,
            })
            .collect(),
    };
    let disks = claims(vm)
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
        .collect();
    let node = vmi
        .map(|v| text(v, "/status/nodeName"))
        .filter(|s| !s.is_empty());
    let guest_static_ips = guest_reported_ipv4(vmi, &networks);
    DestVm {
        name: text(vm, "/metadata/name"),
        namespace: text(vm, "/metadata/namespace"),
        power,
        run_strategy: text(vm, "/spec/runStrategy"),
        cpu,
        memory_mib: memory,
        firmware,
        serial: text(&domain, "/firmware/serial"),
        labels: string_map(vm.pointer("/metadata/labels")),
        template_labels: string_map(vm.pointer("/spec/template/metadata/labels")),
        node_selector: string_map(vm.pointer("/spec/template/spec/nodeSelector")),
        affinity: vm
            .pointer("/spec/template/spec/affinity")
            .cloned()
            .filter(|a| !a.is_null()),
        node,
        node_labels,
        nics,
        disks,
        guest_agent,
        ips,
        guest_static_ips,
        ssh: SshProbe {
            attempted: false,
            reachable: false,
            detail: SSH_NOT_PROBED.to_string(),
        },
    }
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

fn json_of(o: &DynamicObject) -> Value {
    serde_json::to_value(o).unwrap_or(Value::Null)
}

/// Reads the migrated VM `namespace/name`; `None` when it does not exist. With
/// `agent_timeout`, a running VM's guest agent is awaited that long.
pub async fn observe_dest(
    client: &kube::Client,
    namespace: &str,
    name: &str,
    agent_timeout: Option<Duration>,
    cancel: &CancellationToken,
) -> Result<Option<(DestVm, Value)>, EngineError> {
    let vms = kinds::VIRTUAL_MACHINE.api(client, Some(namespace));
    let vmis = kinds::VMI.api(client, Some(namespace));
    let what = format!("VirtualMachine {namespace}/{name}");
    match with_retry(|| async { vms.get(name).await }).await {
        Ok(_) => {}
        Err(e) if is_not_found(&e) => return Ok(None),
        Err(e) => return Err(EngineError::api(format!("get {what}"), &e)),
    }
    let settle = WaitFor {
        what: what.clone(),
        condition: "settle in Running or Stopped".into(),
        timeout: SETTLE_TIMEOUT,
        class: Class::Failure,
    };
    let status_of = |o: &DynamicObject| {
        o.data
            .pointer("/status/printableStatus")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let settled = wait_object(
        &vms,
        name,
        &settle,
        cancel,
        |o| match o {
            Some(o) if matches!(status_of(o).as_str(), "Running" | "Stopped") => {
                Check::Done(o.clone())
            }
            Some(_) => Check::Pending,
            None => Check::Fail("the VirtualMachine was deleted".into()),
        },
        |o| format!("printableStatus {}", status_of(o)),
        |_| {},
    )
    .await;
    let vm_obj = match settled {
        Ok(o) => o,
        Err(EngineError::Timeout { .. }) => with_retry(|| async { vms.get(name).await })
            .await
            .map_err(|e| EngineError::api(format!("get {what}"), &e))?,
        Err(e) => return Err(e),
    };
    let power = if status_of(&vm_obj) == "Running" {
        PowerState::On
    } else {
        PowerState::Off
    };
    let mut guest_agent = false;
    let mut started_by_us: Option<Value> = None;
    if power == PowerState::On {
        if let Some(t) = agent_timeout {
            let spec = WaitFor {
                what: format!("VirtualMachineInstance {namespace}/{name}"),
                condition: "report AgentConnected".into(),
                timeout: t,
                class: Class::Failure,
            };
            guest_agent = match wait_object(
                &vmis,
                name,
                &spec,
                cancel,
                |o| match o {
                    Some(o) if condition_true(o, "AgentConnected") => Check::Done(true),
                    _ => Check::Pending,
                },
                conditions_text,
                |_| {},
            )
            .await
            {
                Ok(b) => b,
                Err(EngineError::Timeout { .. }) => false,
                Err(e) => return Err(e),
            };
        } else if let Ok(vmi) = vmis.get(name).await {
            guest_agent = condition_true(&vmi, "AgentConnected");
        }
    } else {
        // start it to read the VMI (interfaces, node), as the pytest suite does
        started_by_us = Some(
            vm_obj
                .data
                .pointer("/spec/runStrategy")
                .cloned()
                .unwrap_or(json!("Halted")),
        );
        let patch = json!({"spec": {"runStrategy": "Always"}});
        with_retry(|| async {
            vms.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
                .await
        })
        .await
        .map_err(|e| EngineError::api(format!("start {what}"), &e))?;
        let spec = WaitFor {
            what: format!("VirtualMachineInstance {namespace}/{name}"),
            condition: "run".into(),
            timeout: START_TIMEOUT,
            class: Class::Failure,
        };
        wait_object(
            &vmis,
            name,
            &spec,
            cancel,
            |o| match o {
                Some(o)
                    if o.data.pointer("/status/phase").and_then(Value::as_str)
                        == Some("Running") =>
                {
                    Check::Done(())
                }
                _ => Check::Pending,
            },
            |o| {
                format!(
                    "phase {}",
                    o.data
                        .pointer("/status/phase")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                )
            },
            |_| {},
        )
        .await?;
    }
    let vmi = match vmis.get(name).await {
        Ok(v) => Some(json_of(&v)),
        Err(e) if is_not_found(&e) => None,
        Err(e) => {
            return Err(EngineError::api(
                format!("get VirtualMachineInstance {namespace}/{name}"),
                &e,
            ));
        }
    };
    let vm_json = json_of(&vm_obj);
    let mut pvcs = BTreeMap::new();
    let pvc_api = kinds::PVC.api(client, Some(namespace));
    for (_, claim) in claims(&vm_json) {
        match with_retry(|| async { pvc_api.get(&claim).await }).await {
            Ok(p) => {
                pvcs.insert(claim, json_of(&p));
            }
            Err(e) if is_not_found(&e) => {}
            Err(e) => {
                return Err(EngineError::api(
                    format!("get PersistentVolumeClaim {namespace}/{claim}"),
                    &e,
                ));
            }
        }
    }
    let mut node_labels = BTreeMap::new();
    if let Some(node) = vmi
        .as_ref()
        .map(|v| text(v, "/status/nodeName"))
        .filter(|s| !s.is_empty())
    {
        let nodes = kinds::NODE.api(client, None);
        if let Ok(n) = with_retry(|| async { nodes.get(&node).await }).await {
            node_labels = n.metadata.labels.unwrap_or_default().into_iter().collect();
        }
    }
    let model = build_dest(
        &vm_json,
        vmi.as_ref(),
        &pvcs,
        node_labels,
        power,
        guest_agent,
    );
    if let Some(previous) = started_by_us {
        let patch = json!({"spec": {"runStrategy": previous}});
        with_retry(|| async {
            vms.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
                .await
        })
        .await
        .map_err(|e| EngineError::api(format!("stop {what} again"), &e))?;
        let spec = WaitFor {
            what: format!("VirtualMachineInstance {namespace}/{name}"),
            condition: "stop".into(),
            timeout: START_TIMEOUT,
            class: Class::Failure,
        };
        wait_object(
            &vmis,
            name,
            &spec,
            cancel,
            |o| {
                if o.is_none() {
                    Check::Done(())
                } else {
                    Check::Pending
                }
            },
            |o| {
                format!(
                    "phase {}",
                    o.data
                        .pointer("/status/phase")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                )
            },
            |_| {},
        )
        .await?;
    }
    Ok(Some((model, vm_json)))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(!d.ssh.attempted && d.ssh.detail.contains("no guest network path"));
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
