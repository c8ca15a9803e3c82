//! The DataVolume of one disk: labels and Forklift's annotations, the storage the storage
//! map gives its datastore, the CDI source of the provider type (or blank for a virt-v2v
//! copy), and its name from the PVC name template.

use mtvt_gotemplate::forklift::{PvcName, render_pvc_name};
use serde_json::{Map, Value, json};

use super::super::super::catalog::{SourceDisk, SourceView, SourceVm};
use super::super::super::json_edit::{put, text};
use super::super::validation::{is_warm, pvc_data, storage_entry};
use super::{Run, disk_quantity, pvc_template, vm_labels};
use crate::lab::ProviderKind;
use crate::store::object;

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
    let ann = annotations(&labels, plan, kind, index, disk);
    let storage = storage(storage_map, view, disk);
    let source = if v2v {
        json!({"blank": {}})
    } else {
        cdi_source(kind, vm, disk)
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

/// The VM labels plus Forklift's disk annotations and CDI's binding and populator hints.
fn annotations(
    labels: &Map<String, Value>,
    plan: &Value,
    kind: ProviderKind,
    index: usize,
    disk: &SourceDisk,
) -> Map<String, Value> {
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
    let warm = is_warm(plan);
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
    ann
}

/// The disk's size and what the storage-map entry of its datastore says (class, access and
/// volume mode).
fn storage(storage_map: &Value, view: &SourceView<'_>, disk: &SourceDisk) -> Value {
    let entry = storage_entry(storage_map, view, &disk.storage);
    let mut storage = json!({"resources": {"requests": {"storage": disk_quantity(disk.capacity)}}});
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
    storage
}

/// The CDI import source of a disk of a provider of `kind`.
fn cdi_source(kind: ProviderKind, vm: &SourceVm, disk: &SourceDisk) -> Value {
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
}
