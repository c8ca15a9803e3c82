//! The guest-conversion pod (virt-v2v): created once per VM with the plan's convertor labels
//! and node selector and the VM's volumes, and finished (status, container state, log) when
//! conversion ends.

use serde_json::{Value, json};

use super::super::super::gvr;
use super::super::super::json_edit::text;
use super::super::builder::vm_labels;
use super::super::execute::Env;
use super::super::status::VmStatus;
use super::{selector, tns, volumes};
use crate::store::{ApiError, LabelSelector, object};

pub(super) fn create_conversion_pod(env: &Env<'_>, vs: &VmStatus) -> Result<(), ApiError> {
    let mut opts = selector(env, vs);
    opts.labels = LabelSelector::parse(&format!(
        "migration={},vmID={},forklift.app=virt-v2v",
        env.run.migration_uid, vs.id
    ))
    .unwrap_or_default();
    if env
        .ctx
        .store
        .list(&gvr::pods(), Some(tns(env)), &opts)
        .is_ok_and(|l| !l.items.is_empty())
    {
        return Ok(());
    }
    let mut labels = vm_labels(&env.run, &vs.id);
    labels.insert("forklift.app".into(), json!("virt-v2v"));
    if let Some(extra) = env
        .plan
        .pointer("/spec/convertorLabels")
        .and_then(Value::as_object)
    {
        labels.extend(extra.clone());
    }
    let claims: Vec<Value> = volumes(env, vs).iter().enumerate().map(|(i, (_, o))| json!({"name": format!("vol-{i}"), "persistentVolumeClaim": {"claimName": object::name(o)}})).collect();
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"generateName": format!("{}-{}-", object::name(env.plan), vs.id.to_lowercase()), "labels": labels},
        "spec": {
            "restartPolicy": "Never",
            "containers": [{"name": "virt-v2v", "image": "quay.io/kubev2v/forklift-virt-v2v:latest",
                            "env": [{"name": "V2V_vmName", "value": vs.name}]}],
            "volumes": claims,
            "nodeSelector": env.plan.pointer("/spec/convertorNodeSelector").cloned().unwrap_or(json!({})),
        },
    });
    env.ctx.store.create(&gvr::pods(), tns(env), pod)?;
    Ok(())
}

fn conversion_pod(env: &Env<'_>, vs: &VmStatus) -> Option<std::sync::Arc<Value>> {
    let mut opts = selector(env, vs);
    opts.labels = LabelSelector::parse(&format!(
        "migration={},vmID={},forklift.app=virt-v2v",
        env.run.migration_uid, vs.id
    ))
    .unwrap_or_default();
    env.ctx
        .store
        .list(&gvr::pods(), Some(tns(env)), &opts)
        .ok()?
        .items
        .into_iter()
        .next()
}

pub(super) fn finish_conversion_pod(env: &Env<'_>, vs: &VmStatus, ok: bool) {
    if let Some(p) = conversion_pod(env, vs) {
        let now = env.ctx.now();
        let (phase, reason, code) = if ok {
            ("Succeeded", "Completed", 0)
        } else {
            ("Failed", "Error", 1)
        };
        let _ = env.ctx.store.merge_patch_status(&gvr::pods(), tns(env), object::name(&p), &json!({"status": {
            "phase": phase,
            "containerStatuses": [{"name": "virt-v2v", "ready": false, "restartCount": 0, "image": "quay.io/kubev2v/forklift-virt-v2v:latest", "imageID": "",
                "state": {"terminated": {"exitCode": code, "reason": reason, "startedAt": text(&p, "/status/startTime"), "finishedAt": now}}}],
        }}));
        env.ctx.store.append_pod_log(tns(env), object::name(&p), &format!(
            "virt-v2v: Opening the source\nvirt-v2v: Inspecting the source\nvirt-v2v: Converting {} to run on KVM\nvirt-v2v: Copying disk(s)\nvirt-v2v: Finishing off\n",
            vs.name
        ));
    }
}
