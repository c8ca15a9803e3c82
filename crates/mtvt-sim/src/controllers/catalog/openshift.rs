//! A VirtualMachine of this cluster as an OpenShift source VM: sizing and firmware from its
//! template, disks from its volumes' PVCs, NICs from its interfaces and networks, guest
//! details (IPs, host name, tools) from the lab's OpenShift provider when it knows the VM.
//!
//! A VM whose memory or disk quantities do not parse cannot be read, as Forklift's Go
//! informer cannot decode such an object (`resource.Quantity` unmarshalling fails): it is
//! an error here, never a size of 0.

use serde_json::Value;

use super::super::{Ctx, gvr};
use super::{SourceDisk, SourceNic, SourceVm, quantity_bytes};
use crate::lab::{DiskBus, Firmware, ProviderKind, ToolsInstall, Vm};
use crate::store::object;

pub(super) fn ocp_vm(ctx: &Ctx, vm: &Value) -> Result<SourceVm, String> {
    let ns = object::namespace(vm).to_string();
    let name = object::name(vm).to_string();
    let spec = vm
        .pointer("/spec/template/spec")
        .cloned()
        .unwrap_or(Value::Null);
    let dom = spec.get("domain").cloned().unwrap_or(Value::Null);
    let num = |p: &str| dom.pointer(p).and_then(Value::as_u64).unwrap_or(1) as u32;
    let memory = match dom.pointer("/memory/guest").and_then(Value::as_str) {
        Some(q) => quantity_bytes(q).map_err(|e| {
            format!("VirtualMachine {ns}/{name}: spec.template.spec.domain.memory.guest: {e}")
        })?,
        None => 0,
    } / (1 << 20);
    let disks = disks(ctx, &spec, &ns)?;
    let lab_vm = ctx
        .lab
        .world()
        .providers
        .iter()
        .filter(|p| p.kind == ProviderKind::Openshift)
        .find_map(|p| p.vms.iter().find(|v| v.name == name).cloned());
    let nics = nics(&spec, &dom, &ns, lab_vm.as_ref());
    let running = vm.pointer("/spec/runStrategy").and_then(Value::as_str) == Some("Always")
        || vm
            .pointer("/status/printableStatus")
            .and_then(Value::as_str)
            == Some("Running");
    let os = vm
        .pointer("/metadata/annotations/vm.kubevirt.io~1os")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let firmware = if dom.pointer("/firmware/bootloader/efi").is_some() {
        Firmware::Efi
    } else {
        Firmware::Bios
    };
    let firmware_text = |p: &str| {
        dom.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Ok(SourceVm {
        id: object::uid(vm).to_string(),
        name: name.clone(),
        namespace: ns,
        power_on: running,
        tools_installed: lab_vm
            .as_ref()
            .is_none_or(|v| v.tools != ToolsInstall::NotInstalled),
        tools_running: running,
        cpu: (num("/cpu/sockets"), num("/cpu/cores")),
        memory_mb: memory,
        firmware,
        secure_boot: dom
            .pointer("/firmware/bootloader/efi/secureBoot")
            .and_then(Value::as_bool)
            == Some(true),
        tpm: dom.pointer("/devices/tpm").is_some(),
        serial: firmware_text("/firmware/serial"),
        uuid: firmware_text("/firmware/uuid"),
        windows: os.starts_with("win"),
        os,
        hostname: lab_vm
            .as_ref()
            .map(|v| v.guest_os.hostname.clone())
            .unwrap_or(name),
        root_xfs_v4: lab_vm.as_ref().is_some_and(|v| v.guest_os.root_xfs_v4),
        cbt: false,
        snapshots: 0,
        host_in_maintenance: false,
        disks,
        nics,
        lab_provider: None,
        object: Some(vm.clone()),
    })
}

/// One disk per volume backed by a DataVolume or PVC: its storage class and requested size.
fn disks(ctx: &Ctx, spec: &Value, ns: &str) -> Result<Vec<SourceDisk>, String> {
    let mut disks = Vec::new();
    for vol in spec
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let claim = vol
            .pointer("/dataVolume/name")
            .or_else(|| vol.pointer("/persistentVolumeClaim/claimName"))
            .and_then(Value::as_str);
        let Some(claim) = claim else { continue };
        let pvc = ctx.store.get(&gvr::pvcs(), ns, claim).ok();
        let sc = pvc
            .as_ref()
            .and_then(|p| p.pointer("/spec/storageClassName"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let size = match pvc
            .as_ref()
            .and_then(|p| p.pointer("/spec/resources/requests/storage"))
            .and_then(Value::as_str)
        {
            Some(q) => quantity_bytes(q).map_err(|e| {
                format!("PersistentVolumeClaim {ns}/{claim}: spec.resources.requests.storage: {e}")
            })?,
            None => 0,
        };
        disks.push(SourceDisk {
            id: vol
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            key: 0,
            storage: sc,
            capacity: size,
            file: claim.to_string(),
            bus: DiskBus::Virtio,
            shared: false,
            serial: String::new(),
            pvc: Some((ns.to_string(), claim.to_string())),
            bootable: disks.is_empty(),
            order: (0, 0),
            rdm: None,
            independent: false,
        });
    }
    Ok(disks)
}

/// One NIC per interface: `pod`, or the `namespace/name` of its Multus network; IPs from the
/// lab VM's NIC with the same MAC.
fn nics(spec: &Value, dom: &Value, ns: &str, lab_vm: Option<&Vm>) -> Vec<SourceNic> {
    let nets = spec
        .get("networks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let ifaces = dom
        .pointer("/devices/interfaces")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    ifaces
        .iter()
        .map(|i| {
            let iname = i.get("name").and_then(Value::as_str).unwrap_or_default();
            let net = nets
                .iter()
                .find(|n| n.get("name").and_then(Value::as_str) == Some(iname));
            let network = match net {
                Some(n) if n.get("pod").is_some() => "pod".to_string(),
                Some(n) => {
                    let nn = n
                        .pointer("/multus/networkName")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    if nn.contains('/') {
                        nn.to_string()
                    } else {
                        format!("{ns}/{nn}")
                    }
                }
                None => String::new(),
            };
            let mac = i
                .get("macAddress")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let lab_nic = lab_vm.and_then(|v| v.nics.iter().find(|n| n.mac == mac));
            SourceNic {
                mac,
                network,
                ips: lab_nic
                    .map(|n| {
                        n.ips
                            .iter()
                            .map(|i| format!("{}/{}", i.address, i.prefix))
                            .collect()
                    })
                    .unwrap_or_default(),
                static_ip: lab_nic.is_some_and(|n| n.static_ip),
            }
        })
        .collect()
}
