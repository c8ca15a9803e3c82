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
use super::super::itinerary::Flags;
use super::super::status::VmStatus;
use super::{Outcome, selector, tns, volumes};
use crate::store::{ApiError, LabelSelector, object};
use chrono::{DateTime, Utc};

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
    let settings = crate::controllers::forklift_operator::running_settings(env.ctx);
    let image = super::v2v_image::image(env.plan, &settings, &env.ctx.lab.lab().faults);
    let claims: Vec<Value> = volumes(env, vs).iter().enumerate().map(|(i, (_, o))| json!({"name": format!("vol-{i}"), "persistentVolumeClaim": {"claimName": object::name(o)}})).collect();
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"generateName": format!("{}-{}-", object::name(env.plan), vs.id.to_lowercase()), "labels": labels},
        "spec": {
            "restartPolicy": "Never",
            "containers": [{"name": "virt-v2v", "image": image,
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
    let end = match result {
        Ok(()) => End::Succeeded,
        Err(m) => End::Failed(m),
    };
    end_pod(env, vs, &end);
}

/// How the conversion pod ends.
enum End<'a> {
    Succeeded,
    /// virt-v2v exits 1 with this error.
    Failed(&'a str),
    /// The container is killed (SIGKILL: exit code 137), its log cut short.
    Killed,
}

fn end_pod(env: &Env<'_>, vs: &VmStatus, end: &End<'_>) {
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
    let image = text(&p, "/spec/containers/0/image").to_string();
    let (phase, reason, code) = match end {
        End::Succeeded => ("Succeeded", "Completed", 0),
        End::Failed(_) => ("Failed", "Error", 1),
        End::Killed => ("Failed", "Error", 137),
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
        "containerStatuses": [{"name": "virt-v2v", "ready": false, "started": false, "restartCount": 0, "image": image,
            "imageID": format!("{}@sha256:{}", image.split(':').next().unwrap_or_default(), "0".repeat(64)),
            "state": {"terminated": {"exitCode": code, "reason": reason, "startedAt": started, "finishedAt": now}}}],
    }}));
    let elapsed = chrono::DateTime::parse_from_rfc3339(&started)
        .ok()
        .zip(chrono::DateTime::parse_from_rfc3339(&now).ok())
        .map_or(0.0, |(a, b)| {
            (b - a).num_milliseconds().max(0) as f64 / 1000.0
        });
    let disks = if vs.phase == "CopyDisksVirtV2V" {
        volumes(env, vs).len()
    } else {
        0
    };
    let log = match end {
        End::Succeeded => v2v_log(&vs.name, disks, elapsed, None),
        End::Failed(m) => v2v_log(&vs.name, disks, elapsed, Some(m)),
        // Killed while converting: the log stops after the conversion started.
        End::Killed => v2v_log(&vs.name, 0, elapsed, Some("")),
    };
    env.ctx
        .store
        .append_pod_log(tns(env), object::name(&p), &log);
}

/// The message of a VM whose conversion pod failed (migration.go:2263-2265).
pub(super) const POD_FAILED: &str = "Guest conversion failed. See pod logs for details.";

/// `ConvertGuest` as Forklift follows it (`updateConversionProgress`, migration.go:2209-2266):
/// the pod gone fails the VM ("Guest conversion pod not found"), the pod `Failed` fails it
/// with [`POD_FAILED`]; otherwise the conversion is done at `due`. A `kill_conversion` fault
/// (not in a Migration asking to resume the conversion) kills the pod `after` its start.
pub(super) fn convert_guest(
    env: &Env<'_>,
    flags: &Flags,
    vs: &VmStatus,
    vm: Option<&crate::controllers::catalog::SourceVm>,
    (entered, due): (DateTime<Utc>, DateTime<Utc>),
) -> Outcome {
    let now = env.ctx.clock.now();
    match conversion_pod(env, vs)
        .as_deref()
        .map(|p| text(p, "/status/phase"))
    {
        None => return Outcome::Fail("Guest conversion pod not found".into()),
        Some("Failed") => return Outcome::Fail(POD_FAILED.into()),
        _ => {}
    }
    let kill = (!env.resume_requested())
        .then(|| {
            let faults = &env.ctx.lab.lab().faults;
            let (plan, step) = (object::name(env.plan), "ImageConversion");
            faults
                .kill_conversion(plan, &vs.name, "ConvertGuest")
                .or_else(|| faults.kill_conversion(plan, &vs.name, step))
        })
        .flatten()
        .map(|d| entered + chrono::Duration::from_std(d).unwrap_or_default())
        .filter(|k| *k < due);
    if let Some(k) = kill {
        if now < k {
            return Outcome::Wait(Some(k));
        }
        end_pod(env, vs, &End::Killed);
        return Outcome::Fail(POD_FAILED.into());
    }
    if now < due {
        return Outcome::Wait(Some(due));
    }
    if let Some(msg) = conversion_failure(env, vs, vm) {
        return Outcome::Fail(msg);
    }
    if !flags.v2v_copy {
        finish_conversion_pod(env, vs, Ok(()));
    }
    Outcome::Done(None)
}

/// The conversion of `vm` by its pod's image, when that image cannot read the guest
/// ([`super::v2v_image`]): the pod fails with virt-v2v's error in its log and the VM with
/// Forklift's message for a failed conversion pod (pkg/controller/plan/migration.go:2265).
pub(super) fn conversion_failure(
    env: &Env<'_>,
    vs: &VmStatus,
    vm: Option<&crate::controllers::catalog::SourceVm>,
) -> Option<String> {
    let pod = conversion_pod(env, vs)?;
    let settings = crate::controllers::forklift_operator::running_settings(env.ctx);
    let xfs_v4 = super::v2v_image::xfs_v4_linux(vm);
    let err = super::v2v_image::conversion_error(
        xfs_v4,
        text(&pod, "/spec/containers/0/image"),
        &settings,
    )?;
    finish_conversion_pod(env, vs, Err(err));
    Some(POD_FAILED.into())
}

/// What virt-v2v prints, with its `[seconds]` phase markers (clients read the stage reached
/// from them), spread over the `elapsed` seconds the pod ran: the source is opened and
/// inspected, the guest converted, then (when the pod copies, `disks` > 0) each disk copied;
/// an `error` ends the log after the conversion started, as `virt-v2v: error: ...` (an
/// empty one, a killed virt-v2v, just stops it there).
fn v2v_log(vm: &str, disks: usize, elapsed: f64, error: Option<&str>) -> String {
    let mut phases = vec![
        "Setting up the source: -i libvirt".to_string(),
        "Opening the source".into(),
        "Inspecting the source".into(),
        "Checking for sufficient free disk space in the guest".into(),
        format!("Converting {vm} to run on KVM"),
    ];
    if error.is_none() {
        phases.push("Mapping filesystem data to avoid copying unused and blank areas".into());
        phases.push("Closing the overlay".into());
        phases.push("Setting up the destination: -o kubevirt".into());
        phases.extend((1..=disks).map(|i| format!("Copying disk {i}/{disks}")));
        phases.push("Creating output metadata".into());
        phases.push("Finishing off".into());
    }
    let step = elapsed / phases.len() as f64;
    let mut log: String = phases
        .iter()
        .enumerate()
        .map(|(i, p)| format!("[{:>6.1}] {p}\n", step * i as f64))
        .collect();
    if let Some(msg) = error.filter(|m| !m.is_empty()) {
        log.push_str(&format!("virt-v2v: error: {msg}\n"));
    }
    log
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::v2v_log;

    #[test]
    fn the_log_has_virt_v2v_phase_markers_in_time_order() {
        let log = v2v_log("rhel8", 2, 120.0, None);
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines[0], "[   0.0] Setting up the source: -i libvirt");
        assert!(lines.contains(&"[  80.0] Copying disk 1/2"), "{log}");
        assert!(lines.last().unwrap().ends_with("] Finishing off"), "{log}");
        let failed = v2v_log("rhel8", 0, 50.0, Some("inspection failed"));
        assert!(
            failed.ends_with(
                "] Converting rhel8 to run on KVM\nvirt-v2v: error: inspection failed\n"
            ),
            "{failed}"
        );
        assert!(!failed.contains("Copying disk"));
    }
}
