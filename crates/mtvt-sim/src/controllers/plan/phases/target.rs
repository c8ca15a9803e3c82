//! The target VirtualMachine at `CreateVM`: created from the builder's manifest (or adopted
//! when this plan created it before), its guest recorded for the KubeVirt controller, and its
//! disks' PVCs owned by it (their DataVolumes go).

use serde_json::{Value, json};

use super::super::super::catalog::SourceVm;
use super::super::super::json_edit::text;
use super::super::super::{Guest, gvr};
use super::super::builder;
use super::super::execute::Env;
use super::super::itinerary::Flags;
use super::super::status::VmStatus;
use super::{tns, volumes};
use crate::lab::ProviderKind;
use crate::store::{ApiError, object};

pub(super) fn create_vm(
    env: &Env<'_>,
    flags: &Flags,
    vs: &mut VmStatus,
    spec_vm: &Value,
    vm: &SourceVm,
) -> Result<(), ApiError> {
    let ctx = env.ctx;
    let ns = tns(env).to_string();
    let target = super::super::validation::target_name(spec_vm, Some(vs), vm);
    let vols = volumes(env, vs);
    let claims: Vec<String> = vols
        .iter()
        .map(|(_, o)| object::name(o).to_string())
        .collect();
    let nm = env.refd.network_map.as_deref().unwrap_or(&Value::Null);
    let manifest = builder::virtual_machine(
        &env.run,
        env.plan,
        spec_vm,
        vs,
        &env.view,
        nm,
        vm,
        &target,
        &claims,
        flags.conversion,
    );
    let manifest = without_target_labels(env, manifest);
    let created = match ctx.store.get(&gvr::vms(), &ns, &target) {
        Ok(existing) if text(&existing, "/metadata/labels/plan") == env.run.plan_uid => existing,
        Ok(_) => {
            return Err(ApiError::new(
                crate::store::Reason::AlreadyExists,
                format!("virtualmachines.kubevirt.io \"{target}\" already exists"),
            ));
        }
        Err(_) => ctx.store.create(&gvr::vms(), &ns, manifest)?,
    };
    let mut record = guest(env, vm);
    record.luks = !text(spec_vm, "/luks/name").is_empty();
    ctx.guests.put(&ns, &target, record);
    let owner = json!({"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine", "name": object::name(&created), "uid": object::uid(&created), "blockOwnerDeletion": true, "controller": false});
    for (kind, o) in &vols {
        let name = object::name(o).to_string();
        own_pvc(env, &ns, &name, &owner, object::uid(&created))?;
        if kind == "dv" {
            let _ = ctx.store.delete(&gvr::data_volumes(), &ns, &name);
        }
    }
    Ok(())
}

/// Forklift copies `spec.targetLabels` onto the VM template (pkg/controller/plan/kubevirt.go:
/// 2946-2947); a broken `target_labels` feature leaves them out (the `app` label stays).
fn without_target_labels(env: &Env<'_>, mut manifest: Value) -> Value {
    if !env
        .ctx
        .lab
        .lab()
        .faults
        .breaks(crate::lab::BrokenFeature::TargetLabels)
    {
        return manifest;
    }
    let keys: Vec<String> = env
        .plan
        .pointer("/spec/targetLabels")
        .and_then(Value::as_object)
        .map(|m| m.keys().filter(|k| *k != "app").cloned().collect())
        .unwrap_or_default();
    if let Some(labels) = manifest
        .pointer_mut("/spec/template/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        for k in keys {
            labels.remove(&k);
        }
    }
    manifest
}

/// What the migrated guest looks like: the source's host name, OS, agent, and the IPs of NICs
/// that keep their guest configuration.
fn guest(env: &Env<'_>, vm: &SourceVm) -> Guest {
    Guest {
        hostname: vm.hostname.clone(),
        os: vm.os.clone(),
        agent: vm.tools_installed,
        root_xfs_v4: vm.root_xfs_v4,
        ips: vm
            .nics
            .iter()
            .filter(|n| {
                n.static_ip || env.view.kind() != ProviderKind::Vsphere || !n.ips.is_empty()
            })
            .map(|n| (n.mac.clone(), n.ips.clone()))
            .collect(),
        luks: false,
    }
}

/// Adds `owner` (the VM, uid `owner_uid`) to the owner references of PVC `ns/name`, if any.
fn own_pvc(
    env: &Env<'_>,
    ns: &str,
    name: &str,
    owner: &Value,
    owner_uid: &str,
) -> Result<(), ApiError> {
    let Ok(pvc) = env.ctx.store.get(&gvr::pvcs(), ns, name) else {
        return Ok(());
    };
    let mut refs = pvc
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !refs.iter().any(|r| text(r, "/uid") == owner_uid) {
        refs.push(owner.clone());
        env.ctx.store.merge_patch(
            &gvr::pvcs(),
            ns,
            name,
            &json!({"metadata": {"ownerReferences": refs}}),
        )?;
    }
    Ok(())
}
