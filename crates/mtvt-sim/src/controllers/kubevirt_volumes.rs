//! KubeVirt's handling of a VirtualMachine's DataVolumes (virt-controller): every
//! `spec.dataVolumeTemplates[]` entry becomes a DataVolume named after the template, in the
//! VM's namespace, controlled by the VM (so it goes with the VM), carrying the template's
//! labels, annotations and spec; CDI then makes its PVC. The VM is `Provisioning` while a
//! DataVolume its template uses has not succeeded, and no VMI is started before they have.
//!
//! It only creates DataVolumes and reads their phase; importing/cloning is CDI's.

use serde_json::{Map, Value, json};

use super::Ctx;
use super::gvr;
use super::json_edit::text;
use super::runtime::Key;
use crate::store::{ApiError, Reason, object};

/// Creates the missing DataVolumes of `vm`'s `dataVolumeTemplates`. A same-named DataVolume
/// that already exists is left alone (KubeVirt adopts only its own).
pub(super) fn ensure_data_volumes(ctx: &Ctx, vm: &Value) -> Result<(), ApiError> {
    let ns = object::namespace(vm);
    for t in vm
        .pointer("/spec/dataVolumeTemplates")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = text(t, "/metadata/name");
        if name.is_empty() || ctx.store.get(&gvr::data_volumes(), ns, name).is_ok() {
            continue;
        }
        match ctx
            .store
            .create(&gvr::data_volumes(), ns, data_volume(vm, t))
        {
            Ok(_) => {}
            Err(e) if e.reason == Reason::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The DataVolume KubeVirt makes from one template of `vm`. Pure.
pub(super) fn data_volume(vm: &Value, template: &Value) -> Value {
    let field = |k: &str| {
        template
            .pointer(&format!("/metadata/{k}"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_else(Map::new)
    };
    json!({
        "apiVersion": "cdi.kubevirt.io/v1beta1", "kind": "DataVolume",
        "metadata": {
            "name": text(template, "/metadata/name"),
            "namespace": object::namespace(vm),
            "labels": field("labels"),
            "annotations": field("annotations"),
            "ownerReferences": [{"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine",
                "name": object::name(vm), "uid": object::uid(vm), "controller": true, "blockOwnerDeletion": true}],
        },
        "spec": template.get("spec").cloned().unwrap_or_else(|| json!({})),
    })
}

/// Whether a DataVolume the VM's template uses is still being provisioned (missing, or
/// not `Succeeded`). DataVolumes neither templated nor present count as ready: KubeVirt
/// reports those differently (`DataVolumeNotFound`), which migrations never meet.
pub(super) fn provisioning(ctx: &Ctx, vm: &Value) -> bool {
    let ns = object::namespace(vm);
    let templated: Vec<&str> = vm
        .pointer("/spec/dataVolumeTemplates")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|t| text(t, "/metadata/name"))
        .collect();
    vm.pointer("/spec/template/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| text(v, "/dataVolume/name"))
        .filter(|n| !n.is_empty())
        .any(|n| match ctx.store.get(&gvr::data_volumes(), ns, n) {
            Ok(dv) => text(&dv, "/status/phase") != "Succeeded",
            Err(_) => templated.contains(&n),
        })
}

/// Maps a DataVolume to the VirtualMachine controlling it.
pub(super) fn owner_vm(dv: &Value) -> Vec<Key> {
    dv.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| text(r, "/kind") == "VirtualMachine")
        .map(|r| {
            (
                object::namespace(dv).to_string(),
                text(r, "/name").to_string(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_becomes_an_owned_data_volume() {
        let vm = json!({"metadata": {"name": "vm1", "namespace": "src", "uid": "u-1"},
            "spec": {"dataVolumeTemplates": [{"metadata": {"name": "vm1-root", "labels": {"a": "b"},
                "annotations": {"cdi.kubevirt.io/storage.bind.immediate.requested": "true"}},
                "spec": {"source": {"pvc": {"namespace": "src", "name": "base-root"}},
                         "storage": {"resources": {"requests": {"storage": "30Gi"}}}}}]}});
        let t = &vm["spec"]["dataVolumeTemplates"][0];
        let dv = data_volume(&vm, t);
        assert_eq!(dv["metadata"]["name"], "vm1-root");
        assert_eq!(dv["metadata"]["namespace"], "src");
        assert_eq!(dv["metadata"]["labels"]["a"], "b");
        assert_eq!(
            dv["metadata"]["annotations"]["cdi.kubevirt.io/storage.bind.immediate.requested"],
            "true"
        );
        let owner = &dv["metadata"]["ownerReferences"][0];
        assert_eq!(owner["kind"], "VirtualMachine");
        assert_eq!(owner["uid"], "u-1");
        assert_eq!(owner["controller"], true);
        assert_eq!(dv["spec"]["source"]["pvc"]["name"], "base-root");
        assert_eq!(owner_vm(&dv), vec![("src".into(), "vm1".into())]);
    }
}
