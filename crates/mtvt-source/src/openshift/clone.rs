//! KubeVirt clones and added disks, as object builders plus the API calls that apply them.
//!
//! A clone is a new VirtualMachine with the source's template; every PVC-backed volume
//! (`dataVolume` or `persistentVolumeClaim`) becomes a DataVolume template whose source is
//! the original PVC (a CDI clone), MAC addresses and the firmware UUID are dropped so
//! KubeVirt assigns fresh ones. An added disk is a blank DataVolume template plus a disk
//! and a volume in the VM template. Builders are pure functions.

use std::collections::BTreeMap;

use kube::ResourceExt;
use kube::api::{DynamicObject, PostParams};
use mtvt_vocab::{PowerState, Quantity};
use serde_json::{Map, Value, json};

use super::{KIND, OpenshiftSource, kube_err};
use crate::error::SourceError;
use crate::model::{AddDisk, CloneRequest, ClonedVm, DiskFacts, VmRef};
use crate::naming::dns_safe;

/// CDI annotation binding a DataVolume's PVC at once even on a WaitForFirstConsumer
/// storage class, so a halted clone is fully populated before it is migrated.
pub(crate) const BIND_IMMEDIATE: &str = "cdi.kubevirt.io/storage.bind.immediate.requested";

/// The PVC claim a template volume stands on, if any.
pub(crate) fn claim_of(volume: &Value) -> Option<&str> {
    volume
        .pointer("/dataVolume/name")
        .or_else(|| volume.pointer("/persistentVolumeClaim/claimName"))
        .and_then(Value::as_str)
}

/// Builds the clone's VirtualMachine body (`spec` + labels) from the source VM object and
/// its PVCs by claim name. Pure.
pub(crate) fn build_clone(
    source: &Value,
    pvcs: &BTreeMap<String, Value>,
    namespace: &str,
    req: &CloneRequest,
) -> Result<Value, String> {
    let mut template = source
        .pointer("/spec/template")
        .cloned()
        .ok_or("the source VirtualMachine has no spec.template")?;
    let mut dv_templates = Vec::new();
    if let Some(volumes) = template
        .pointer_mut("/spec/volumes")
        .and_then(Value::as_array_mut)
    {
        for volume in volumes.iter_mut() {
            let Some(claim) = claim_of(volume).map(str::to_string) else {
                continue;
            };
            let vol_name = volume
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("disk")
                .to_string();
            let pvc = pvcs.get(&claim).ok_or_else(|| {
                format!("PVC {namespace}/{claim} of volume '{vol_name}' was not found")
            })?;
            let size = pvc
                .pointer("/spec/resources/requests/storage")
                .or_else(|| pvc.pointer("/status/capacity/storage"))
                .cloned()
                .ok_or_else(|| format!("PVC {namespace}/{claim} has no storage request"))?;
            let dv_name = dns_safe(&format!("{}-{vol_name}", req.new_name), 63);
            let mut storage = Map::new();
            storage.insert("resources".into(), json!({"requests": {"storage": size}}));
            for key in ["accessModes", "volumeMode"] {
                if let Some(v) = pvc.pointer(&format!("/spec/{key}")) {
                    storage.insert(key.into(), v.clone());
                }
            }
            let class = req
                .target_datastore
                .clone()
                .map(Value::String)
                .or_else(|| pvc.pointer("/spec/storageClassName").cloned());
            if let Some(c) = class {
                storage.insert("storageClassName".into(), c);
            }
            dv_templates.push(json!({"metadata": {"name": dv_name, "annotations": {BIND_IMMEDIATE: "true"}},
                "spec": {"source": {"pvc": {"namespace": namespace, "name": claim}}, "storage": storage}}));
            *volume = json!({"name": vol_name, "dataVolume": {"name": dv_name}});
        }
    }
    if let Some(ifaces) = template
        .pointer_mut("/spec/domain/devices/interfaces")
        .and_then(Value::as_array_mut)
    {
        for i in ifaces.iter_mut().filter_map(Value::as_object_mut) {
            i.remove("macAddress");
        }
    }
    if let Some(fw) = template
        .pointer_mut("/spec/domain/firmware")
        .and_then(Value::as_object_mut)
    {
        fw.remove("uuid");
    }
    Ok(json!({"spec": {
        "runStrategy": if req.power_on { "Always" } else { "Halted" },
        "dataVolumeTemplates": dv_templates,
        "template": template,
    }}))
}

pub(crate) async fn clone(
    src: &OpenshiftSource,
    base: &VmRef,
    req: &CloneRequest,
) -> Result<ClonedVm, SourceError> {
    if req.disk_provisioning.is_some() {
        return Err(SourceError::unsupported(
            KIND,
            "clone_vm",
            "thin/thick provisioning is a vSphere concept; the storage class decides",
        ));
    }
    if req.enable_cbt {
        return Err(SourceError::unsupported(
            KIND,
            "clone_vm",
            "changed block tracking is a vSphere feature (Forklift has no warm migration from OpenShift)",
        ));
    }
    if mtvt_vocab::names::dns1123_label(&req.new_name).is_err() {
        return Err(SourceError::InvalidRequest {
            provider: KIND,
            message: format!(
                "'{}' cannot name a VirtualMachine: it must be a DNS-1123 label{}",
                req.new_name,
                if req.preserve_name_format {
                    " (preserve_name_format cannot apply to Kubernetes objects)"
                } else {
                    ""
                }
            ),
        });
    }
    let source = src.get_vm(&base.name).await?;
    let mut pvcs = BTreeMap::new();
    let pvc_api = src.api(&src.kinds.pvc);
    for volume in source
        .data
        .pointer("/spec/template/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(claim) = claim_of(volume) {
            let pvc = pvc_api.get(claim).await.map_err(kube_err(format!(
                "get PersistentVolumeClaim {}/{claim}",
                src.namespace
            )))?;
            pvcs.insert(claim.to_string(), pvc.data);
        }
    }
    let body = build_clone(&source.data, &pvcs, &src.namespace, req).map_err(|message| {
        SourceError::InvalidRequest {
            provider: KIND,
            message,
        }
    })?;
    let mut obj = DynamicObject::new(&req.new_name, &src.kinds.vm).within(&src.namespace);
    obj.data = body;
    let created = src
        .vms()
        .create(&PostParams::default(), &obj)
        .await
        .map_err(kube_err(format!(
            "create VirtualMachine {}/{}",
            src.namespace, req.new_name
        )))?;
    let vm = VmRef {
        id: created.uid().unwrap_or_default(),
        name: req.new_name.clone(),
        template: false,
    };
    // Waiting for the target status also waits for the DataVolume clones to finish.
    let want = if req.power_on {
        PowerState::On
    } else {
        PowerState::Off
    };
    src.set_power(&vm, want).await?;
    Ok(ClonedVm {
        vm,
        artifacts: Vec::new(),
    })
}

/// Adds a blank DataVolume template named `<vm>-disk-<n>` with its disk and volume to a VM
/// object. Returns the volume name. Pure.
pub(crate) fn add_blank(vm: &mut Value, disk: &AddDisk) -> Result<String, String> {
    let name = vm
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("vm")
        .to_string();
    let spec = vm
        .get_mut("spec")
        .and_then(Value::as_object_mut)
        .ok_or("the VirtualMachine has no spec")?;
    let existing: Vec<String> = spec
        .get("template")
        .and_then(|t| t.pointer("/spec/volumes"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    let n = (existing.len()..)
        .find(|i| !existing.contains(&format!("disk-{i}")))
        .unwrap_or(existing.len());
    let vol = format!("disk-{n}");
    let dv = dns_safe(&format!("{name}-{vol}"), 63);
    let mut storage = json!({"resources": {"requests": {"storage": Quantity(u128::from(disk.size_bytes)).to_string()}}});
    if let (Some(class), Some(m)) = (&disk.datastore, storage.as_object_mut()) {
        m.insert("storageClassName".into(), json!(class));
    }
    let templates = spec
        .entry("dataVolumeTemplates")
        .or_insert_with(|| json!([]));
    templates
        .as_array_mut()
        .ok_or("spec.dataVolumeTemplates is not a list")?
        .push(
            json!({"metadata": {"name": dv, "annotations": {BIND_IMMEDIATE: "true"}},
                     "spec": {"source": {"blank": {}}, "storage": storage}}),
        );
    let tspec = spec
        .get_mut("template")
        .and_then(|t| t.get_mut("spec"))
        .and_then(Value::as_object_mut)
        .ok_or("the VirtualMachine has no spec.template.spec")?;
    tspec
        .entry("volumes")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .ok_or("spec.template.spec.volumes is not a list")?
        .push(json!({"name": vol, "dataVolume": {"name": dv}}));
    let domain = tspec
        .entry("domain")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or("spec.template.spec.domain is not an object")?;
    let devices = domain
        .entry("devices")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or("domain.devices is not an object")?;
    devices
        .entry("disks")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .ok_or("domain.devices.disks is not a list")?
        .push(json!({"name": vol, "disk": {"bus": "virtio"}}));
    Ok(vol)
}

pub(crate) async fn add_blank_disk(
    src: &OpenshiftSource,
    vm: &VmRef,
    disk: &AddDisk,
) -> Result<DiskFacts, SourceError> {
    // Read-modify-replace; the resourceVersion makes a concurrent change a 409, retried.
    let mut attempts = 0;
    loop {
        attempts += 1;
        let obj = src.get_vm(&vm.name).await?;
        let mut value = serde_json::to_value(&obj).map_err(|e| SourceError::Protocol {
            provider: KIND,
            path: vm.name.clone(),
            message: e.to_string(),
        })?;
        let vol = add_blank(&mut value, disk).map_err(|message| SourceError::InvalidRequest {
            provider: KIND,
            message,
        })?;
        let updated: DynamicObject =
            serde_json::from_value(value).map_err(|e| SourceError::Protocol {
                provider: KIND,
                path: vm.name.clone(),
                message: e.to_string(),
            })?;
        match src
            .vms()
            .replace(&vm.name, &PostParams::default(), &updated)
            .await
        {
            Ok(_) => {
                return Ok(DiskFacts {
                    key: vol.clone(),
                    file: Some(dns_safe(&format!("{}-{vol}", vm.name), 63)),
                    datastore_id: disk.datastore.clone(),
                    datastore_name: disk.datastore.clone(),
                    capacity_bytes: Some(disk.size_bytes),
                    provisioning: None,
                    mode: None,
                    shared: false,
                    ..DiskFacts::default()
                });
            }
            Err(kube::Error::Api(s)) if s.code == 409 && attempts < 3 => continue,
            Err(e) => {
                return Err(kube_err(format!(
                    "update VirtualMachine {}/{}",
                    src.namespace, vm.name
                ))(e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source_vm() -> Value {
        json!({"metadata": {"name": "rhel9", "namespace": "src"},
            "spec": {"runStrategy": "Always", "template": {"metadata": {"labels": {"app": "x"}}, "spec": {
                "domain": {"firmware": {"uuid": "u-1", "serial": "s-1"},
                           "devices": {"interfaces": [{"name": "default", "masquerade": {}, "macAddress": "02:00:00:00:00:01"}],
                                       "disks": [{"name": "rootdisk", "disk": {"bus": "virtio"}}, {"name": "cloudinit", "disk": {}}]}},
                "networks": [{"name": "default", "pod": {}}],
                "volumes": [{"name": "rootdisk", "dataVolume": {"name": "rhel9-rootdisk"}},
                            {"name": "cloudinit", "cloudInitNoCloud": {"userData": "#cloud-config"}}]}}}})
    }

    #[test]
    fn clone_rewrites_volumes_macs_and_uuid() {
        let mut pvcs = BTreeMap::new();
        pvcs.insert(
            "rhel9-rootdisk".to_string(),
            json!({"spec": {"resources": {"requests": {"storage": "30Gi"}}, "accessModes": ["ReadWriteOnce"],
                            "volumeMode": "Block", "storageClassName": "ceph-rbd"}}),
        );
        let req = CloneRequest::new("auto-ab12-rhel9-x7k2");
        let body = build_clone(&source_vm(), &pvcs, "src", &req).unwrap();
        assert_eq!(body["spec"]["runStrategy"], "Halted");
        let dv = &body["spec"]["dataVolumeTemplates"][0];
        assert_eq!(dv["metadata"]["name"], "auto-ab12-rhel9-x7k2-rootdisk");
        assert_eq!(dv["metadata"]["annotations"][BIND_IMMEDIATE], "true");
        assert_eq!(
            dv["spec"]["source"]["pvc"],
            json!({"namespace": "src", "name": "rhel9-rootdisk"})
        );
        assert_eq!(
            dv["spec"]["storage"]["resources"]["requests"]["storage"],
            "30Gi"
        );
        assert_eq!(dv["spec"]["storage"]["storageClassName"], "ceph-rbd");
        assert_eq!(dv["spec"]["storage"]["volumeMode"], "Block");
        let t = &body["spec"]["template"]["spec"];
        assert_eq!(
            t["volumes"][0],
            json!({"name": "rootdisk", "dataVolume": {"name": "auto-ab12-rhel9-x7k2-rootdisk"}})
        );
        assert_eq!(
            t["volumes"][1]["cloudInitNoCloud"]["userData"],
            "#cloud-config"
        );
        assert!(
            t["domain"]["devices"]["interfaces"][0]
                .get("macAddress")
                .is_none()
        );
        assert!(t["domain"]["firmware"].get("uuid").is_none());
        assert_eq!(t["domain"]["firmware"]["serial"], "s-1");
        let mut other = CloneRequest::new("c");
        other.target_datastore = Some("standard-csi".into());
        other.power_on = true;
        let body = build_clone(&source_vm(), &pvcs, "src", &other).unwrap();
        assert_eq!(body["spec"]["runStrategy"], "Always");
        assert_eq!(
            body["spec"]["dataVolumeTemplates"][0]["spec"]["storage"]["storageClassName"],
            "standard-csi"
        );
        let e = build_clone(&source_vm(), &BTreeMap::new(), "src", &other).unwrap_err();
        assert!(e.contains("rhel9-rootdisk"), "{e}");
    }

    #[test]
    fn blank_disk_is_added_everywhere() {
        let mut vm = source_vm();
        let mut disk = AddDisk::new(10 << 30);
        disk.datastore = Some("standard-csi".into());
        let vol = add_blank(&mut vm, &disk).unwrap();
        assert_eq!(vol, "disk-2");
        assert_eq!(
            vm["spec"]["dataVolumeTemplates"][0]["metadata"]["name"],
            "rhel9-disk-2"
        );
        assert_eq!(
            vm["spec"]["dataVolumeTemplates"][0]["spec"]["storage"]["resources"]["requests"]["storage"],
            "10Gi"
        );
        assert_eq!(
            vm["spec"]["template"]["spec"]["volumes"][2]["dataVolume"]["name"],
            "rhel9-disk-2"
        );
        assert_eq!(
            vm["spec"]["template"]["spec"]["domain"]["devices"]["disks"][2]["name"],
            "disk-2"
        );
        let again = add_blank(&mut vm, &AddDisk::new(1 << 30)).unwrap();
        assert_eq!(again, "disk-3");
    }
}
