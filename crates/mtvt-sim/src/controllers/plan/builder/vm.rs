//! The migrated KubeVirt VirtualMachine: names and labels, run strategy, the template's
//! disks and volumes (`vol-N`, or by the volume name template), CPU, memory and firmware (or
//! the source template for OpenShift), interfaces, node selector and affinity.

use mtvt_gotemplate::forklift::{VolumeNameData, render_volume_name};
use serde_json::{Value, json};

use super::super::super::catalog::{SourceView, SourceVm};
use super::super::super::json_edit::{put, text};
use super::super::status::VmStatus;
use super::nics::nics;
use super::{Run, vm_labels};
use crate::lab::{Firmware, ProviderKind};

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
) -> Value {
    let kind = view.kind();
    let meta = metadata(run, plan, vm, target, kind, conversion);
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
    let (disks, volumes) = disks_and_volumes(plan, vm, pvcs, kind);
    if kind == ProviderKind::Openshift {
        put(&mut spec_t, "/domain/devices/disks", json!(disks));
        put(&mut spec_t, "/domain/devices/interfaces", json!(interfaces));
    } else {
        put(&mut spec_t, "/domain", domain(vm, kind, disks, interfaces));
    }
    if plan
        .pointer("/spec/enableNestedVirtualization")
        .and_then(Value::as_bool)
        == Some(true)
    {
        // the host's virtualization extension, required of the node
        put(
            &mut spec_t,
            "/domain/cpu/features",
            json!([{"name": "vmx", "policy": "require"}]),
        );
    }
    put(&mut spec_t, "/networks", json!(networks));
    put(&mut spec_t, "/volumes", json!(volumes));
    placement(plan, &mut spec_t);
    json!({
        "apiVersion": "kubevirt.io/v1",
        "kind": "VirtualMachine",
        "metadata": meta,
        "spec": {
            "runStrategy": run_strategy(plan, spec_vm, status, vm),
            "template": {
                "metadata": {"labels": tlabels, "annotations": {"vm.kubevirt.io/flavor": "", "vm.kubevirt.io/os": "", "vm.kubevirt.io/workload": ""}},
                "spec": spec_t,
            },
        },
    })
}

/// Name, namespace, labels (`guestConverted` for converted sources), and the source name and
/// id when the target is renamed.
fn metadata(
    run: &Run,
    plan: &Value,
    vm: &SourceVm,
    target: &str,
    kind: ProviderKind,
    conversion: bool,
) -> Value {
    let tns = text(plan, "/spec/targetNamespace");
    let mut labels = vm_labels(run, &vm.id);
    if matches!(
        kind,
        ProviderKind::Vsphere | ProviderKind::Ova | ProviderKind::Hyperv
    ) {
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
    meta
}

/// One disk (virtio, serial, shareable, boot order) and one volume per claim.
fn disks_and_volumes(
    plan: &Value,
    vm: &SourceVm,
    pvcs: &[String],
    kind: ProviderKind,
) -> (Vec<Value>, Vec<Value>) {
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
        let mut disk = json!({"name": vol, "disk": {"bus": "virtio"}});
        if let Some(d) = vm.disks.get(i) {
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
    (disks, volumes)
}

/// The domain of a converted VM: CPU, memory, firmware (serial and UUID from oVirt), devices.
fn domain(vm: &SourceVm, kind: ProviderKind, disks: Vec<Value>, interfaces: Vec<Value>) -> Value {
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
        "memory": {"guest": mtvt_vocab::Quantity::mib(vm.memory_mb).to_string()},
        "firmware": firmware,
        "devices": {"disks": disks, "interfaces": interfaces, "inputs": [{"type": "tablet", "name": "tablet", "bus": "virtio"}]},
        "resources": {},
    });
    if vm.secure_boot {
        put(&mut domain, "/features/smm/enabled", json!(true));
    }
    if vm.tpm {
        put(&mut domain, "/devices/tpm", json!({"persistent": true}));
    }
    domain
}

/// The plan's node selector (merged over the template's) and affinity.
fn placement(plan: &Value, spec_t: &mut Value) {
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
        put(spec_t, "/nodeSelector", Value::Object(merged));
    }
    if let Some(a) = plan
        .pointer("/spec/targetAffinity")
        .filter(|a| a.is_object())
    {
        put(spec_t, "/affinity", a.clone());
    }
}

/// `determineRunStrategy` (pkg/controller/plan/kubevirt.go:4687-4716): a Windows guest from
/// any source starts unless the target power state is `off`; otherwise the target power
/// state, else the source's.
fn run_strategy(plan: &Value, spec_vm: &Value, status: &VmStatus, vm: &SourceVm) -> &'static str {
    let target = Some(text(spec_vm, "/targetPowerState"))
        .filter(|s| !s.is_empty())
        .unwrap_or(text(plan, "/spec/targetPowerState"));
    if target != "off" && vm.windows {
        return "Always";
    }
    match target {
        "on" => "Always",
        "off" => "Halted",
        _ if status.restore_power_state == "On" => "Always",
        _ => "Halted",
    }
}
