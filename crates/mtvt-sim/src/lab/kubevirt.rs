//! The Kubernetes objects that stand for an OpenShift-type source provider's VMs.
//!
//! An OpenShift source is not served by a source API: its VMs are KubeVirt objects in the
//! emulated API server. This module renders them (Namespace, NADs, DataVolumes, PVCs,
//! VirtualMachines) from the lab so whoever wires the server can create them at start-up.
//! It does not create anything itself.

use mtvt_vocab::Quantity;
use serde_json::{Value, json};

use super::Lab;
use super::model::{Firmware, PowerState, Provider, ProviderKind, Vm};

/// Objects to create for the OpenShift source VMs, in creation order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceObjects {
    /// `v1/Namespace`.
    pub namespaces: Vec<Value>,
    /// `k8s.cni.cncf.io/v1/NetworkAttachmentDefinition`.
    pub network_attachment_definitions: Vec<Value>,
    /// `cdi.kubevirt.io/v1beta1/DataVolume` (phase Succeeded).
    pub data_volumes: Vec<Value>,
    /// `v1/PersistentVolumeClaim` (phase Bound), one per DataVolume.
    pub persistent_volume_claims: Vec<Value>,
    /// `kubevirt.io/v1/VirtualMachine`.
    pub virtual_machines: Vec<Value>,
}

/// `ns/name` for a NAD network id (a bare name lives in `default_ns`).
fn nad_ref(id: &str, default_ns: &str) -> (String, String) {
    match id.split_once('/') {
        Some((ns, n)) => (ns.to_string(), n.to_string()),
        None => (default_ns.to_string(), id.to_string()),
    }
}

/// Renders the objects for every OpenShift-type provider of `lab`.
pub fn openshift_source_objects(lab: &Lab) -> SourceObjects {
    let mut out = SourceObjects::default();
    for p in lab
        .providers
        .iter()
        .filter(|p| p.kind == ProviderKind::Openshift)
    {
        provider_objects(lab, p, &mut out);
    }
    out
}

fn provider_objects(lab: &Lab, p: &Provider, out: &mut SourceObjects) {
    let mut namespaces: Vec<String> = vec![p.project.name.clone()];
    for vm in &p.vms {
        if let Some(ns) = &vm.namespace
            && !namespaces.contains(ns)
        {
            namespaces.push(ns.clone());
        }
    }
    for n in p.networks.iter().filter(|n| n.id != "pod") {
        let (ns, name) = nad_ref(&n.id, &p.project.name);
        if !namespaces.contains(&ns) {
            namespaces.push(ns.clone());
        }
        let config = json!({"cniVersion": "0.3.1", "name": name, "type": "bridge", "bridge": format!("br-{name}"), "vlan": n.vlan}).to_string();
        out.network_attachment_definitions.push(json!({
            "apiVersion": "k8s.cni.cncf.io/v1",
            "kind": "NetworkAttachmentDefinition",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"config": config},
        }));
    }
    for ns in namespaces {
        out.namespaces
            .push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}));
    }
    for vm in p.vms.iter().filter(|v| !v.template) {
        vm_objects(lab, p, vm, out);
    }
}

fn vm_objects(lab: &Lab, p: &Provider, vm: &Vm, out: &mut SourceObjects) {
    let ns = vm
        .namespace
        .clone()
        .unwrap_or_else(|| p.project.name.clone());
    let mut disks = Vec::new();
    let mut volumes = Vec::new();
    for (i, d) in vm.disks.iter().enumerate() {
        let vol = if i == 0 {
            "rootdisk".to_string()
        } else {
            format!("disk-{i}")
        };
        let sc = lab
            .cluster
            .storage_classes
            .iter()
            .find(|s| s.name == d.datastore);
        let block = sc.is_some_and(|s| s.provisioner.contains("rbd"));
        let size = Quantity(u128::from(d.capacity))
            .round_up_to_mib()
            .to_string();
        let mut disk = json!({"name": vol, "disk": {"bus": "virtio"}});
        if i == 0
            && let Some(obj) = disk.as_object_mut()
        {
            obj.insert("bootOrder".into(), json!(1));
        }
        disks.push(disk);
        volumes.push(json!({"name": vol, "dataVolume": {"name": d.file}}));
        let labels = json!({"app": vm.name});
        out.data_volumes.push(json!({
            "apiVersion": "cdi.kubevirt.io/v1beta1",
            "kind": "DataVolume",
            "metadata": {"name": d.file, "namespace": ns, "labels": labels},
            "spec": {"source": {"blank": {}}, "storage": {"resources": {"requests": {"storage": size}}, "storageClassName": d.datastore}},
            "status": {"phase": "Succeeded", "progress": "100.0%"},
        }));
        out.persistent_volume_claims.push(json!({
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": d.file, "namespace": ns, "labels": labels,
                "annotations": {"cdi.kubevirt.io/storage.condition.running": "false", "cdi.kubevirt.io/storage.pod.phase": "Succeeded"},
                "ownerReferences": [{"apiVersion": "cdi.kubevirt.io/v1beta1", "kind": "DataVolume", "name": d.file, "controller": true, "blockOwnerDeletion": true}]},
            "spec": {"accessModes": [if block { "ReadWriteMany" } else { "ReadWriteOnce" }], "resources": {"requests": {"storage": size}},
                "storageClassName": d.datastore, "volumeMode": if block { "Block" } else { "Filesystem" }},
            "status": {"phase": "Bound", "accessModes": [if block { "ReadWriteMany" } else { "ReadWriteOnce" }], "capacity": {"storage": size}},
        }));
    }
    let mut interfaces = Vec::new();
    let mut networks = Vec::new();
    for (i, n) in vm.nics.iter().enumerate() {
        let name = if n.network == "pod" {
            "default".to_string()
        } else {
            format!("nic-{i}")
        };
        if n.network == "pod" {
            interfaces.push(
                json!({"name": name, "masquerade": {}, "macAddress": n.mac, "model": "virtio"}),
            );
            networks.push(json!({"name": name, "pod": {}}));
        } else {
            let (nns, nname) = nad_ref(&n.network, &p.project.name);
            interfaces
                .push(json!({"name": name, "bridge": {}, "macAddress": n.mac, "model": "virtio"}));
            networks
                .push(json!({"name": name, "multus": {"networkName": format!("{nns}/{nname}")}}));
        }
    }
    let bootloader = match vm.firmware {
        Firmware::Efi => json!({"efi": {"secureBoot": vm.secure_boot}}),
        Firmware::Bios => json!({"bios": {}}),
    };
    let running = vm.power == PowerState::On;
    out.virtual_machines.push(json!({
        "apiVersion": "kubevirt.io/v1",
        "kind": "VirtualMachine",
        "metadata": {"name": vm.name, "namespace": ns, "labels": {"app": vm.name},
            "annotations": {"vm.kubevirt.io/os": vm.guest_os.key}},
        "spec": {
            "runStrategy": if running { "Always" } else { "Halted" },
            "template": {
                "metadata": {"labels": {"kubevirt.io/domain": vm.name}},
                "spec": {
                    "domain": {
                        "cpu": {"sockets": vm.cpu_sockets, "cores": vm.cores_per_socket, "threads": 1},
                        "memory": {"guest": Quantity::mib(vm.memory_mb).to_string()},
                        "firmware": {"serial": vm.serial, "uuid": vm.uuid, "bootloader": bootloader},
                        "machine": {"type": "q35"},
                        "devices": {"disks": disks, "interfaces": interfaces},
                    },
                    "networks": networks,
                    "volumes": volumes,
                },
            },
        },
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_lab_openshift_objects() {
        let lab = Lab::default_lab().unwrap();
        let objs = openshift_source_objects(&lab);
        assert!(!objs.namespaces.is_empty());
        let names: Vec<&str> = objs
            .virtual_machines
            .iter()
            .map(|v| v["metadata"]["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"mtv-tests-rhel8"));
        assert_eq!(objs.data_volumes.len(), objs.persistent_volume_claims.len());
        let warm = objs
            .virtual_machines
            .iter()
            .find(|v| v["metadata"]["name"] == "mtv-rhel8-warm-2disks2nics")
            .unwrap();
        let nets = warm["spec"]["template"]["spec"]["networks"]
            .as_array()
            .unwrap();
        assert_eq!(nets.len(), 2);
        assert!(nets[0].get("pod").is_some());
        assert!(
            nets[1]["multus"]["networkName"]
                .as_str()
                .unwrap()
                .contains('/')
        );
        for v in &objs.virtual_machines {
            for vol in v["spec"]["template"]["spec"]["volumes"].as_array().unwrap() {
                let dv = vol["dataVolume"]["name"].as_str().unwrap();
                assert!(
                    objs.persistent_volume_claims
                        .iter()
                        .any(|p| p["metadata"]["name"] == dv)
                );
            }
        }
    }
}
