//! The guest-conversion pod (virt-v2v): created once per VM with the plan's convertor labels
//! and node selector and the VM's volumes (the kubelet runs it), and ended (phase, container
//! state, log) when conversion ends: `Succeeded`, or `Failed` with the error in its log when
//! the VM fails in a phase the pod runs (pkg/controller/plan/migration.go:2263-2265 reads
//! that phase: "Guest conversion failed. See pod logs for details.").

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

/// The phases the conversion pod runs in: a VM failing in one fails the pod.
pub(super) const POD_PHASES: [&str; 2] = ["ConvertGuest", "CopyDisksVirtV2V"];

/// Ends the conversion pod: `Err(message)` fails it with the message at the end of its log.
pub(super) fn finish_conversion_pod(env: &Env<'_>, vs: &VmStatus, result: Result<(), &str>) {
    let Some(p) = conversion_pod(env, vs) else {
        return;
    };
    if matches!(text(&p, "/status/phase"), "Succeeded" | "Failed") {
        return;
    }
    let now = env.ctx.now();
    // A pod the kubelet has not started yet starts and ends now: a terminated container
    // always has a start time (Go clients cannot decode an empty one).
    let started = Some(text(&p, "/status/startTime"))
        .filter(|t| !t.is_empty())
        .unwrap_or(&now)
        .to_string();
    let (phase, reason, code) = match result {
        Ok(()) => ("Succeeded", "Completed", 0),
        Err(_) => ("Failed", "Error", 1),
    };
    let ready_reason = if code == 0 {
        "PodCompleted"
    } else {
        "PodFailed"
    };
    let _ = env.ctx.store.merge_patch_status(&gvr::pods(), tns(env), object::name(&p), &json!({"status": {
        "phase": phase, "startTime": started,
        "conditions": [{"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": started},
                       {"type": "Ready", "status": "False", "reason": ready_reason, "lastProbeTime": null, "lastTransitionTime": now}],
        "containerStatuses": [{"name": "virt-v2v", "ready": false, "started": false, "restartCount": 0, "image": "quay.io/kubev2v/forklift-virt-v2v:latest",
            "imageID": "quay.io/kubev2v/forklift-virt-v2v@sha256:0000000000000000000000000000000000000000000000000000000000000000",
            "state": {"terminated": {"exitCode": code, "reason": reason, "startedAt": started, "finishedAt": now}}}],
    }}));
    let mut log = format!(
        "virt-v2v: Opening the source\nvirt-v2v: Inspecting the source\nvirt-v2v: Converting {} to run on KVM\n",
        vs.name
    );
    match result {
        Ok(()) => log.push_str("virt-v2v: Copying disk(s)\nvirt-v2v: Finishing off\n"),
        Err(msg) => log.push_str(&format!("virt-v2v: error: {msg}\n")),
    }
    env.ctx
        .store
        .append_pod_log(tns(env), object::name(&p), &log);
}
