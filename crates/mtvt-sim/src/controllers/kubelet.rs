//! The kubelet of every pod that runs until it is stopped — a ReplicaSet's, a conversion pod,
//! a bare pod — (Job pods have their own, [`super::jobs`]): [`POD_START`] after the scheduler
//! placed a pod, it is `Running` with `startTime`, its IPs and every container started and
//! Ready, with the kubelet's `Pulled`, `Created` and `Started` Events per container. It
//! never ends a pod: whoever runs the workload does (the plan controller ends the
//! conversion pod with its result), or the pod is deleted.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::json_edit::text;
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Started, gvr};
use crate::store::object;

/// How long a scheduled pod takes to be Running (virtual): image pull and container start.
pub const POD_START: Duration = Duration::from_secs(8);

pub(super) fn spawn(ctx: &Ctx) -> Vec<Started> {
    let c = ctx.clone();
    let queue = runtime::spawn(
        "kubelet",
        &ctx.store,
        &ctx.shutdown,
        vec![Watch::mapped(gvr::pods(), |_, ev| {
            let job_pod = ev
                .object
                .pointer("/metadata/ownerReferences")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|r| text(r, "/kind") == "Job"));
            let pending = text(&ev.object, "/status/phase") == "Pending";
            if job_pod || !pending {
                Vec::new()
            } else {
                vec![runtime::key_of(&ev.object)]
            }
        })],
        move |q, key| reconcile(&c, q, key),
    );
    vec![Started {
        queue,
        gvr: gvr::pods(),
    }]
}

/// The status of a pod whose containers all run since `since`.
pub(super) fn running_status(pod: &Value, since: &str) -> Value {
    let containers = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let uid = object::uid(pod);
    let statuses: Vec<Value> = containers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let image = text(c, "/image");
            json!({
                "name": text(c, "/name"), "image": image,
                "imageID": format!("{}@sha256:{:0>64}", image.split(':').next().unwrap_or(image), format!("{:x}", fnv64(&format!("{image}{uid}")))),
                "containerID": format!("cri-o://{:0>64}", format!("{:x}{i}", fnv64(&format!("{uid}/{i}")))),
                "ready": true, "started": true, "restartCount": 0,
                "state": {"running": {"startedAt": since}}, "lastState": {},
            })
        })
        .collect();
    let cond = |ty: &str| json!({"type": ty, "status": "True", "lastProbeTime": null, "lastTransitionTime": since});
    let octet = fnv64(uid) % 250 + 2;
    json!({
        "phase": "Running", "startTime": since, "qosClass": "Burstable",
        "podIP": format!("10.128.2.{octet}"), "podIPs": [{"ip": format!("10.128.2.{octet}")}],
        "hostIP": "192.168.10.21", "hostIPs": [{"ip": "192.168.10.21"}],
        "conditions": [cond("PodReadyToStartContainers"), cond("Initialized"), cond("Ready"),
                       cond("ContainersReady"), cond("PodScheduled")],
        "containerStatuses": statuses,
    })
}

/// FNV-1a 64 of a string (stable ids and addresses from names).
fn fnv64(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// When the scheduler placed the pod (its `PodScheduled` transition), if it did.
fn scheduled_at(pod: &Value) -> Option<DateTime<Utc>> {
    let t = pod
        .pointer("/status/conditions")
        .and_then(Value::as_array)?
        .iter()
        .find(|c| text(c, "/type") == "PodScheduled" && text(c, "/status") == "True")
        .map(|c| text(c, "/lastTransitionTime"))?;
    DateTime::parse_from_rfc3339(t).ok().map(|t| t.to_utc())
}

fn reconcile(ctx: &Ctx, q: &Queue, key: &Key) -> runtime::Outcome {
    let pod = ctx.store.get(&gvr::pods(), &key.0, &key.1)?;
    if object::is_deleting(&pod)
        || text(&pod, "/spec/nodeName").is_empty()
        || text(&pod, "/status/phase") != "Pending"
    {
        return Ok(());
    }
    let Some(at) = scheduled_at(&pod) else {
        return Ok(());
    };
    let due = at + chrono::Duration::from_std(POD_START).unwrap_or_default();
    if ctx.clock.now() < due {
        q.add_at(key.clone(), due);
        return Ok(());
    }
    let status = running_status(&pod, &ctx.now());
    ctx.store
        .merge_patch_status(&gvr::pods(), &key.0, &key.1, &json!({"status": status}))?;
    for c in pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (name, image) = (text(c, "/name"), text(c, "/image"));
        for (reason, message) in [
            (
                "Pulled",
                format!("Container image \"{image}\" already present on machine"),
            ),
            ("Created", format!("Created container: {name}")),
            ("Started", format!("Started container {name}")),
        ] {
            ctx.store
                .record_event(&pod, "Normal", reason, &message, "kubelet")?;
        }
    }
    Ok(())
}
