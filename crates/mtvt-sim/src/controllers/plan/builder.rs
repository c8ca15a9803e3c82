//! What the plan controller creates on the destination (`pkg/controller/plan/kubevirt.go` and
//! the adapters' builders): labels, DataVolumes per disk (names from `pvcNameTemplate`), and
//! the KubeVirt VirtualMachine (names, run strategy, CPU, memory, firmware, interfaces
//! `net-N`, volumes `vol-N`, template labels, node selector, affinity). Pure functions from
//! the plan, the source VM and the maps to JSON manifests.

use mtvt_gotemplate::forklift::{
    NetworkNameData, PvcName, VolumeNameData, render_network_name, render_pvc_name,
    render_volume_name,
};
use serde_json::{Map, Value, json};

use super::super::catalog::{SourceDisk, SourceView, SourceVm};
use super::super::json_edit::{put, text};
use super::status::VmStatus;
use super::validation::{network_entry, pvc_data, storage_entry};
use crate::lab::{Firmware, ProviderKind};
use crate::store::object;

/// Identity of the running migration, for labels.
#[derive(Clone, Debug, Default)]
pub struct Run {
    /// Plan name.
    pub plan_name: String,
    /// Plan namespace.
    pub plan_ns: String,
    /// Plan UID.
    pub plan_uid: String,
    /// Migration UID.
    pub migration_uid: String,
}

/// `planLabels`.
pub fn plan_labels(run: &Run) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("migration".into(), json!(run.migration_uid));
    m.insert("plan".into(), json!(run.plan_uid));
    m.insert("plan-name".into(), json!(run.plan_name));
    m.insert("plan-namespace".into(), json!(run.plan_ns));
    m
}

/// `vmLabels`.
pub fn vm_labels(run: &Run, vm_id: &str) -> Map<String, Value> {
    let mut m = plan_labels(run);
    m.insert("vmID".into(), json!(vm_id));
    m.insert("resource".into(), json!("vm-config"));
    m
}

/// `NGi` or `NMi`.
pub fn quantity_mib(mib: u64) -> String {
    if mib.is_multiple_of(1024) {
        format!("{}Gi", mib / 1024)
    } else {
        format!("{mib}Mi")
    }
}

/// Disk capacity rounded up to MiB, as a quantity.
pub fn quantity_bytes(bytes: u64) -> String {
    quantity_mib(bytes.div_ceil(1 << 20))
}

/// The template in effect for a VM's PVC names (VM → plan → controller setting → default).
pub fn pvc_template<'a>(
    plan: &'a Value,
    spec_vm: &'a Value,
    controller: Option<&'a str>,
) -> Option<&'a str> {
    [
        text(spec_vm, "/pvcNameTemplate"),
        text(plan, "/spec/pvcNameTemplate"),
    ]
    .into_iter()
    .find(|t| !t.is_empty())
    .or(controller.filter(|t| !t.is_empty()))
}

/// The DataVolume of one disk.
#[allow(clippy::too_many_arguments)]
pub fn data_volume(
    run: &Run,
    plan: &Value,
    spec_vm: &Value,
    view: &SourceView<'_>,
    storage_map: &Value,
    vm: &SourceVm,
    target: &str,
    index: usize,
    disk: &SourceDisk,
    v2v: bool,
    controller_template: Option<&str>,
) -> Value {
    let kind = view.kind();
    let labels = vm_labels(run, &vm.id);
    let mut ann = labels.clone();
    let disk_source = match kind {
        ProviderKind::Openshift => disk
            .pvc
            .as_ref()
            .map(|(n, p)| format!("{n}/{p}"))
            .unwrap_or_default(),
        ProviderKind::Vsphere => disk.file.clone(),
        _ => disk.id.clone(),
    };
    ann.insert(
        "forklift.konveyor.io/disk-source".into(),
        json!(disk_source),
    );
    ann.insert(
        "forklift.konveyor.io/disk-index".into(),
        json!(index.to_string()),
    );
    ann.insert(
        "cdi.kubevirt.io/storage.deleteAfterCompletion".into(),
        json!("false"),
    );
    let warm = super::validation::is_warm(plan);
    if warm || kind == ProviderKind::Openshift {
        ann.insert(
            "cdi.kubevirt.io/storage.bind.immediate.requested".into(),
            json!("true"),
        );
    }
    if warm {
        ann.insert(
            "cdi.kubevirt.io/storage.usePopulator".into(),
            json!("false"),
        );
    }
    let entry = storage_entry(storage_map, view, &disk.storage);
    let mut storage =
        json!({"resources": {"requests": {"storage": quantity_bytes(disk.capacity)}}});
    if let Some(e) = entry {
        let sc = text(e, "/destination/storageClass");
        if !sc.is_empty() {
            put(&mut storage, "/storageClassName", json!(sc));
        }
        let am = text(e, "/destination/accessMode");
        if !am.is_empty() {
            put(&mut storage, "/accessModes", json!([am]));
        }
        let vmode = text(e, "/destination/volumeMode");
        if !vmode.is_empty() {
            put(&mut storage, "/volumeMode", json!(vmode));
        }
    }
    let source = if v2v {
        json!({"blank": {}})
    } else {
        match kind {
            ProviderKind::Vsphere => {
                json!({"vddk": {"backingFile": disk.file, "uuid": vm.uuid, "url": "", "secretRef": "", "thumbprint": ""}})
            }
            ProviderKind::Ovirt => {
                json!({"imageio": {"diskId": disk.id, "url": "", "secretRef": ""}})
            }
            ProviderKind::Openshift => {
                let (ns, name) = disk.pvc.clone().unwrap_or_default();
                json!({"pvc": {"namespace": ns, "name": name}})
            }
            _ => json!({"http": {"url": format!("https://source.invalid/{}", disk.id)}}),
        }
    };
    let mut dv = json!({
        "apiVersion": "cdi.kubevirt.io/v1beta1",
        "kind": "DataVolume",
        "metadata": {"namespace": text(plan, "/spec/targetNamespace"), "labels": labels, "annotations": ann},
        "spec": {"source": source, "storage": storage},
    });
    let data = pvc_data(plan, vm, target, index, disk);
    let use_generate = plan
        .pointer("/spec/pvcNameTemplateUseGenerateName")
        .and_then(Value::as_bool);
    match render_pvc_name(
        pvc_template(plan, spec_vm, controller_template),
        kind.as_str(),
        &data,
        use_generate,
    ) {
        Ok(PvcName::Name(n)) => put(&mut dv, "/metadata/name", json!(n)),
        Ok(PvcName::GenerateName(g)) => put(&mut dv, "/metadata/generateName", json!(g)),
        Err(_) => put(
            &mut dv,
            "/metadata/generateName",
            json!(format!("{}-{}-disk-{index}-", object::name(plan), target)),
        ),
    }
    dv
}

fn run_strategy(
    plan: &Value,
    spec_vm: &Value,
    status: &VmStatus,
    vm: &SourceVm,
    windows_reboot: bool,
) -> &'static str {
    let target = Some(text(spec_vm, "/targetPowerState"))
        .filter(|s| !s.is_empty())
        .unwrap_or(text(plan, "/spec/targetPowerState"));
    if windows_reboot && target != "off" && vm.windows {
        return "Always";
    }
    match target {
        "on" => "Always",
        "off" => "Halted",
        _ if status.restore_power_state == "On" => "Always",
        _ => "Halted",
    }
}

/// The migrated VirtualMachine. `pvcs` are the claim names of the disks, in disk order.
#[allow(clippy::too_many_arguments)]
pub fn virtual_machine(
    run: &Run,
    plan: &Value,
    spec_vm: &Value,
    status: &VmStatus,
    view: &SourceView<'_>,
    network_map: &Value,
    vm: &SourceVm,
    target: &str,
    pvcs: &[String],
    conversion: bool,
    windows_reboot: bool,
) -> Value {
    let kind = view.kind();
    let tns = text(plan, "/spec/targetNamespace");
    let mut labels = vm_labels(run, &vm.id);
    if matches!(kind, ProviderKind::Vsphere | ProviderKind::Ova) {
        labels.insert(
            "guestConverted".into(),
            json!(if conversion { "true" } else { "false" }),
        );
    }
    let mut meta = json!({"name": target, "namespace": tns, "labels": labels});
    if target != vm.name {
        put(
            &mut meta,
            "/annotations",
            json!({"openshift.io/display-name": vm.name, "original-ID": vm.id}),
        );
    }
    let mut tlabels = plan
        .pointer("/spec/targetLabels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    tlabels.insert("app".into(), json!(target));
    let (interfaces, networks) = nics(plan, view, network_map, vm, kind);
    let mut spec_t = if kind == ProviderKind::Openshift {
        vm.object
            .as_ref()
            .and_then(|o| o.pointer("/spec/template/spec"))
            .cloned()
            .unwrap_or(json!({}))
    } else {
        json!({})
    };
    let volume_tpl = text(plan, "/spec/volumeNameTemplate");
    let mut disks = Vec::new();
    let mut volumes = Vec::new();
    for (i, claim) in pvcs.iter().enumerate() {
        let vol = if kind == ProviderKind::Vsphere && !volume_tpl.is_empty() {
            render_volume_name(
                volume_tpl,
                &VolumeNameData {
                    pvc_name: claim.clone(),
                    volume_index: i as i64,
                },
            )
            .unwrap_or(format!("vol-{i}"))
        } else if kind == ProviderKind::Openshift {
            vm.disks
                .get(i)
                .map(|d| d.id.clone())
                .unwrap_or(format!("vol-{i}"))
        } else {
            format!("vol-{i}")
        };
        let d = vm.disks.get(i);
        let mut disk = json!({"name": vol, "disk": {"bus": "virtio"}});
        if let Some(d) = d {
            let serial: String = if d.serial.is_empty() {
                String::new()
            } else {
                d.serial
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .take(20)
                    .collect()
            };
            if !serial.is_empty() {
                put(&mut disk, "/serial", json!(serial));
            }
            if d.shared {
                put(&mut disk, "/shareable", json!(true));
                put(&mut disk, "/cache", json!("none"));
            }
        }
        if i == 0 {
            put(&mut disk, "/bootOrder", json!(1));
        }
        disks.push(disk);
        if kind == ProviderKind::Openshift {
            volumes.push(json!({"name": vol, "dataVolume": {"name": claim}}));
        } else {
            volumes.push(json!({"name": vol, "persistentVolumeClaim": {"claimName": claim}}));
        }
    }
    if kind == ProviderKind::Openshift {
        put(&mut spec_t, "/domain/devices/disks", json!(disks));
        put(&mut spec_t, "/domain/devices/interfaces", json!(interfaces));
    } else {
        let bootloader = match vm.firmware {
            Firmware::Efi => json!({"efi": {"secureBoot": vm.secure_boot}}),
            Firmware::Bios => json!({"bios": {}}),
        };
        let mut cpu = json!({"sockets": vm.cpu.0, "cores": vm.cpu.1});
        if kind == ProviderKind::Ovirt {
            put(&mut cpu, "/threads", json!(1));
        }
        let mut firmware = json!({"serial": vm.serial, "bootloader": bootloader});
        if kind == ProviderKind::Ovirt {
            put(
                &mut firmware,
                "/serial",
                json!(if vm.serial.is_empty() {
                    vm.id.clone()
                } else {
                    vm.serial.clone()
                }),
            );
            put(&mut firmware, "/uuid", json!(vm.id));
        }
        let mut domain = json!({
            "cpu": cpu,
            "memory": {"guest": quantity_mib(vm.memory_mb)},
            "firmware": firmware,
            "devices": {"disks": disks, "interfaces": interfaces, "inputs": [{"type": "tablet", "name": "tablet", "bus": "virtio"}]},
            "resources": {},
        });
        if vm.secure_boot {
            put(&mut domain, "/features/smm/enabled", json!(true));
        }
        put(&mut spec_t, "/domain", domain);
    }
    put(&mut spec_t, "/networks", json!(networks));
    put(&mut spec_t, "/volumes", json!(volumes));
    if let Some(ns) = plan
        .pointer("/spec/targetNodeSelector")
        .and_then(Value::as_object)
    {
        let mut merged = spec_t
            .get("nodeSelector")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        merged.extend(ns.clone());
        put(&mut spec_t, "/nodeSelector", Value::Object(merged));
    }
    if let Some(a) = plan
        .pointer("/spec/targetAffinity")
        .filter(|a| a.is_object())
    {
        put(&mut spec_t, "/affinity", a.clone());
    }
    json!({
        "apiVersion": "kubevirt.io/v1",
        "kind": "VirtualMachine",
        "metadata": meta,
        "spec": {
            "runStrategy": run_strategy(plan, spec_vm, status, vm, windows_reboot),
            "template": {
                "metadata": {"labels": tlabels, "annotations": {"vm.kubevirt.io/flavor": "", "vm.kubevirt.io/os": "", "vm.kubevirt.io/workload": ""}},
                "spec": spec_t,
            },
        },
    })
}

fn nics(
    plan: &Value,
    view: &SourceView<'_>,
    network_map: &Value,
    vm: &SourceVm,
    kind: ProviderKind,
) -> (Vec<Value>, Vec<Value>) {
    let tpl = text(plan, "/spec/networkNameTemplate");
    let mut interfaces = Vec::new();
    let mut networks = Vec::new();
    let src_ifaces = vm
        .object
        .as_ref()
        .and_then(|o| o.pointer("/spec/template/spec/domain/devices/interfaces"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut n = 0;
    for nic in &vm.nics {
        let Some(e) = network_entry(network_map, view, &nic.network) else {
            continue;
        };
        let dtype = text(e, "/destination/type");
        if dtype == "ignored" || dtype.is_empty() {
            continue;
        }
        let name = if kind == ProviderKind::Vsphere && !tpl.is_empty() {
            render_network_name(
                tpl,
                &NetworkNameData {
                    network_name: text(e, "/destination/name").into(),
                    network_namespace: text(e, "/destination/namespace").into(),
                    network_type: dtype.into(),
                    network_index: n,
                },
            )
            .unwrap_or(format!("net-{n}"))
        } else if kind == ProviderKind::Openshift {
            src_ifaces
                .iter()
                .find(|i| text(i, "/macAddress") == nic.mac)
                .map(|i| text(i, "/name").to_string())
                .unwrap_or(format!("net-{n}"))
        } else {
            format!("net-{n}")
        };
        n += 1;
        let mut iface = json!({"name": name, "model": "virtio", "macAddress": nic.mac});
        if dtype == "pod" {
            put(&mut iface, "/masquerade", json!({}));
            networks.push(json!({"name": name, "pod": {}}));
        } else {
            put(&mut iface, "/bridge", json!({}));
            let nad = format!(
                "{}/{}",
                text(e, "/destination/namespace"),
                text(e, "/destination/name")
            );
            networks.push(json!({"name": name, "multus": {"networkName": nad}}));
        }
        interfaces.push(iface);
    }
    (interfaces, networks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(quantity_mib(4096), "4Gi");
        assert_eq!(quantity_mib(1536), "1536Mi");
        assert_eq!(quantity_bytes(30 << 30), "30Gi");
        assert_eq!(quantity_bytes(1), "1Mi");
    }

    #[test]
    fn labels() {
        let run = Run {
            plan_name: "p".into(),
            plan_ns: "n".into(),
            plan_uid: "u".into(),
            migration_uid: "m".into(),
        };
        let l = vm_labels(&run, "vm-1");
        assert_eq!(l.get("vmID"), Some(&json!("vm-1")));
        assert_eq!(l.get("resource"), Some(&json!("vm-config")));
        assert_eq!(l.get("plan-name"), Some(&json!("p")));
    }
}
