//! The VM's volumes at `CreateDataVolumes`: one DataVolume per disk (with the first warm
//! checkpoint), or, for a disk the storage map copies through an XCOPY offload plugin, a
//! populator PVC annotated with what the populator needs.

use serde_json::{Value, json};

use super::super::super::catalog::{SourceDisk, SourceVm};
use super::super::super::gvr;
use super::super::super::json_edit::{put, text};
use super::super::builder;
use super::super::execute::Env;
use super::super::itinerary::Flags;
use super::super::status::VmStatus;
use super::{tns, volumes};
use crate::store::ApiError;

/// The storage-map entry with an XCOPY offload plugin that copies `disk`, as Forklift's
/// builder picks it: an RDM disk first goes to the one entry whose storage vendor is its
/// LUN's array's (Forklift reads the vendor from the NAA prefix), then, like any disk, to
/// the entry of its datastore (an RDM's is the mapping file's).
fn offload_entry<'a>(env: &'a Env<'_>, disk: &SourceDisk) -> Option<&'a Value> {
    let sm = env.refd.storage_map.as_deref()?;
    let offload = |e: &&Value| e.pointer("/offloadPlugin/vsphereXcopyConfig").is_some();
    if let Some(r) = &disk.rdm
        && let Some(vendor) = env
            .view
            .datastore(&r.array_datastore)
            .and_then(|d| d.vendor)
    {
        let by_vendor: Vec<&Value> = sm
            .pointer("/spec/map")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(offload)
            .filter(|e| text(e, "/offloadPlugin/vsphereXcopyConfig/storageVendorProduct") == vendor)
            .collect();
        if let [one] = by_vendor.as_slice() {
            return Some(one);
        }
    }
    super::super::validation::storage_entry(sm, &env.view, &disk.storage).filter(offload)
}

pub(super) fn create_volumes(
    env: &Env<'_>,
    flags: &Flags,
    vs: &VmStatus,
    spec_vm: &Value,
    vm: &SourceVm,
) -> Result<(), ApiError> {
    if !volumes(env, vs).is_empty() {
        return Ok(());
    }
    let Some(sm) = env.refd.storage_map.as_deref() else {
        return Ok(());
    };
    let target = super::super::validation::target_name(spec_vm, Some(vs), vm);
    for (i, d) in vm.disks.iter().enumerate() {
        let mut dv = builder::data_volume(
            &env.run,
            env.plan,
            spec_vm,
            &env.view,
            sm,
            vm,
            &target,
            i,
            d,
            flags.v2v_copy,
            env.controller_pvc_template.as_deref(),
        );
        // Separate copy and conversion: the disks can be found again by a Migration resuming
        // the conversion (kubevirt.go:2838-2846).
        if flags.separate_copy_and_conversion() {
            put(
                &mut dv,
                "/metadata/labels/vmUUID",
                json!(super::vm_uuid(env, vm)),
            );
        }
        if flags.warm
            && let Some(p) = vs.warm.as_ref().and_then(|w| w.precopies.last())
        {
            put(
                &mut dv,
                "/spec/checkpoints",
                json!([{"previous": "", "current": p.snapshot}]),
            );
            put(&mut dv, "/spec/finalCheckpoint", json!(false));
        }
        if let Some(e) = offload_entry(env, d) {
            // Copy offload: a populator PVC instead of a DataVolume.
            let mut pvc = populator_pvc(env, vs, i, d, e, &dv);
            if let Some(source) = env.refd.source.as_deref() {
                super::super::super::xcopy_ssh::annotate(env.ctx, source, vm, &mut pvc);
            }
            env.ctx.store.create(&gvr::pvcs(), tns(env), pvc)?;
        } else {
            env.ctx.store.create(&gvr::data_volumes(), tns(env), dv)?;
        }
    }
    Ok(())
}

/// The populator PVC of disk `i` (`d`), copied through the offload entry `e`, with the
/// metadata of its DataVolume `dv`.
fn populator_pvc(
    env: &Env<'_>,
    vs: &VmStatus,
    i: usize,
    d: &SourceDisk,
    e: &Value,
    dv: &Value,
) -> Value {
    let mut pvc = json!({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": dv.get("metadata").cloned().unwrap_or(Value::Null),
        "spec": {
            "accessModes": [Some(text(e, "/destination/accessMode")).filter(|s| !s.is_empty()).unwrap_or("ReadWriteOnce")],
            "volumeMode": Some(text(e, "/destination/volumeMode")).filter(|s| !s.is_empty()).unwrap_or("Block"),
            "resources": {"requests": {"storage": builder::disk_quantity(d.capacity)}},
            "storageClassName": text(e, "/destination/storageClass"),
            "dataSourceRef": {"apiGroup": "forklift.konveyor.io", "kind": "VSphereXcopyVolumePopulator", "name": format!("{}-{}", vs.id, i)},
        },
    });
    put(
        &mut pvc,
        "/metadata/annotations/copy-offload",
        json!(d.file),
    );
    put(
        &mut pvc,
        "/metadata/annotations/forklift.konveyor.io~1xcopy-secret",
        json!(text(e, "/offloadPlugin/vsphereXcopyConfig/secretRef")),
    );
    put(
        &mut pvc,
        "/metadata/annotations/forklift.konveyor.io~1xcopy-vendor",
        json!(text(
            e,
            "/offloadPlugin/vsphereXcopyConfig/storageVendorProduct"
        )),
    );
    // The data sits on the datastore's array, or for an RDM on its LUN's array.
    let source_ds = d
        .rdm
        .as_ref()
        .map_or(d.storage.as_str(), |r| r.array_datastore.as_str());
    let xcopy = env.view.datastore(source_ds).is_some_and(|ds| ds.xcopy);
    put(
        &mut pvc,
        "/metadata/annotations/forklift.konveyor.io~1xcopy-capable",
        json!(if xcopy { "true" } else { "false" }),
    );
    if let Some(r) = &d.rdm {
        put(
            &mut pvc,
            "/metadata/annotations/forklift.konveyor.io~1rdm-lun",
            json!(r.lun),
        );
    }
    if let Some(ds) = env.view.datastore(source_ds) {
        put(
            &mut pvc,
            "/metadata/annotations/forklift.konveyor.io~1datastore-vendor",
            json!(ds.vendor.unwrap_or_default()),
        );
    }
    fix_meta_keys(&mut pvc);
    pvc
}

/// Annotations set with `put` used `~1` for `/`; turn them back into real keys.
fn fix_meta_keys(obj: &mut Value) {
    if let Some(a) = obj
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        let keys: Vec<String> = a.keys().filter(|k| k.contains("~1")).cloned().collect();
        for k in keys {
            if let Some(v) = a.remove(&k) {
                a.insert(k.replace("~1", "/"), v);
            }
        }
    }
}
