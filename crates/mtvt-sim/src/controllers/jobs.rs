//! The Job controller and the "kubelet" of job pods: a Job gets pods from its template
//! (`<job>-xxxxx`, job labels, owned by the Job), one at a time, until one succeeds
//! (`Complete`) or more than `backoffLimit` failed (`Failed`, `BackoffLimitExceeded`, "Job has
//! reached the specified backoff limit"). A scheduled job pod runs for a short virtual time;
//! when it mounts a ConfigMap with `playbook.yml` (hooks) the playbook is evaluated
//! ([`super::playbook`]), its log becomes the pod log and its result the exit code; a pod
//! with an image the lab's `failing_images` fault names exits 1.

use std::time::Duration;

use serde_json::{Value, json};

use super::json_edit::text;
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Started, gvr};
use crate::store::{ApiError, ListOptions, object};

/// The label and annotation of an Indexed Job's pod that hold its completion index.
pub const INDEX_KEY: &str = "batch.kubernetes.io/job-completion-index";

/// How long a job pod runs (virtual).
pub const RUN: Duration = Duration::from_secs(8);

fn owner_job(pod: &Value) -> Option<String> {
    pod.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)?
        .iter()
        .find(|r| text(r, "/kind") == "Job")
        .map(|r| text(r, "/name").to_string())
}

pub(super) fn spawn(ctx: &Ctx) -> Vec<Started> {
    let c = ctx.clone();
    let jobs = runtime::spawn(
        "job",
        &ctx.store,
        &ctx.shutdown,
        vec![
            Watch::own(gvr::jobs()),
            Watch::mapped(gvr::pods(), |_, ev| {
                owner_job(&ev.object)
                    .map(|j| vec![(object::namespace(&ev.object).to_string(), j)])
                    .unwrap_or_default()
            }),
        ],
        move |q, key| reconcile_job(&c, q, key),
    );
    let c = ctx.clone();
    let pods = runtime::spawn(
        "kubelet",
        &ctx.store,
        &ctx.shutdown,
        vec![Watch::mapped(gvr::pods(), |_, ev| {
            if owner_job(&ev.object).is_some() {
                vec![runtime::key_of(&ev.object)]
            } else {
                Vec::new()
            }
        })],
        move |q, key| reconcile_pod(&c, q, key),
    );
    vec![
        Started {
            queue: jobs,
            gvr: gvr::jobs(),
        },
        Started {
            queue: pods,
            gvr: gvr::pods(),
        },
    ]
}

pub(super) fn cond(kind: &str, reason: &str, msg: &str, now: &str) -> Value {
    json!({"type": kind, "status": "True", "reason": reason, "message": msg, "lastProbeTime": now, "lastTransitionTime": now})
}

fn reconcile_job(ctx: &Ctx, _q: &Queue, key: &Key) -> runtime::Outcome {
    let job = ctx.store.get(&gvr::jobs(), &key.0, &key.1)?;
    if object::is_deleting(&job) {
        return Ok(());
    }
    let done = job
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter().any(|c| {
                matches!(text(c, "/type"), "Complete" | "Failed") && text(c, "/status") == "True"
            })
        });
    if done {
        return Ok(());
    }
    let now = ctx.now();
    let pods: Vec<_> = ctx
        .store
        .list(&gvr::pods(), Some(&key.0), &ListOptions::default())
        .map(|l| l.items)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| {
            p.pointer("/metadata/ownerReferences")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|r| text(r, "/uid") == object::uid(&job)))
        })
        .collect();
    if text(&job, "/spec/completionMode") == "Indexed" {
        return super::indexed_jobs::reconcile(ctx, &job, &pods, key);
    }
    let count = |ph: &str| {
        pods.iter()
            .filter(|p| text(p, "/status/phase") == ph)
            .count() as i64
    };
    let (succeeded, failed) = (count("Succeeded"), count("Failed"));
    let active = pods
        .iter()
        .filter(|p| {
            matches!(text(p, "/status/phase"), "Pending" | "Running") && !object::is_deleting(p)
        })
        .count() as i64;
    let completions = job
        .pointer("/spec/completions")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let backoff = job
        .pointer("/spec/backoffLimit")
        .and_then(Value::as_i64)
        .unwrap_or(6);
    let start = Some(text(&job, "/status/startTime").to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or(now.clone());
    let mut status = json!({"startTime": start, "active": active, "succeeded": succeeded, "failed": failed, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {}});
    if succeeded >= completions {
        super::json_edit::put(
            &mut status,
            "/conditions",
            json!([
                cond(
                    "SuccessCriteriaMet",
                    "CompletionsReached",
                    "Reached expected number of succeeded pods",
                    &now
                ),
                cond(
                    "Complete",
                    "CompletionsReached",
                    "Reached expected number of succeeded pods",
                    &now
                )
            ]),
        );
        super::json_edit::put(&mut status, "/completionTime", json!(now));
    } else if failed > backoff {
        let msg = "Job has reached the specified backoff limit";
        super::json_edit::put(
            &mut status,
            "/conditions",
            json!([
                cond("FailureTarget", "BackoffLimitExceeded", msg, &now),
                cond("Failed", "BackoffLimitExceeded", msg, &now)
            ]),
        );
    } else if active == 0 {
        create_pod(ctx, &job, None)?;
        super::json_edit::put(&mut status, "/active", json!(1));
    }
    ctx.store
        .merge_patch_status(&gvr::jobs(), &key.0, &key.1, &json!({"status": status}))?;
    Ok(())
}

/// Creates a pod of `job`; of an Indexed Job, the pod of completion `index` (named
/// `<job>-<index>-`, the index in its annotation and label as the Job controller sets them).
pub(super) fn create_pod(ctx: &Ctx, job: &Value, index: Option<usize>) -> Result<(), ApiError> {
    let (ns, name, uid) = (object::namespace(job), object::name(job), object::uid(job));
    let mut labels = job
        .pointer("/spec/template/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (k, v) in [
        ("batch.kubernetes.io/controller-uid", uid),
        ("batch.kubernetes.io/job-name", name),
        ("controller-uid", uid),
        ("job-name", name),
    ] {
        labels.insert(k.into(), json!(v));
    }
    let mut annotations = serde_json::Map::new();
    let mut prefix = format!("{name}-");
    if let Some(i) = index {
        labels.insert(INDEX_KEY.into(), json!(i.to_string()));
        annotations.insert(INDEX_KEY.into(), json!(i.to_string()));
        prefix = format!("{name}-{i}-");
    }
    ctx.store.create(&gvr::pods(), ns, json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"generateName": prefix, "namespace": ns, "labels": labels, "annotations": annotations,
            "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": name, "uid": uid, "controller": true, "blockOwnerDeletion": true}]},
        "spec": job.pointer("/spec/template/spec").cloned().unwrap_or(json!({})),
    }))?;
    Ok(())
}

/// The playbook a pod would run: a mounted ConfigMap's `playbook.yml`, when the container
/// runs ansible-runner.
fn playbook_of(ctx: &Ctx, pod: &Value) -> Option<String> {
    let runs_ansible = pod
        .pointer("/spec/containers/0/command")
        .and_then(Value::as_array)
        .is_some_and(|c| {
            c.iter()
                .any(|x| x.as_str().is_some_and(|s| s.contains("ansible")))
        });
    if !runs_ansible {
        return None;
    }
    pod.pointer("/spec/volumes")
        .and_then(Value::as_array)?
        .iter()
        .find_map(|v| {
            let cm = text(v, "/configMap/name");
            if cm.is_empty() {
                return None;
            }
            let o = ctx
                .store
                .get(&gvr::config_maps(), object::namespace(pod), cm)
                .ok()?;
            o.pointer("/data/playbook.yml")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
}

/// The first (init) container image of the pod that the lab's `failing_images` fault makes
/// fail.
fn failing_image(ctx: &Ctx, pod: &Value) -> Option<String> {
    let faults = &ctx.lab.lab().faults;
    ["/spec/initContainers", "/spec/containers"]
        .iter()
        .filter_map(|p| pod.pointer(p).and_then(Value::as_array))
        .flatten()
        .map(|c| text(c, "/image"))
        .find(|i| faults.image_fails(i))
        .map(str::to_string)
}

/// `initContainerStatuses` of a pod whose init containers all ran to completion.
fn init_statuses(pod: &Value, now: &str) -> Value {
    let list: Vec<Value> = pod
        .pointer("/spec/initContainers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| json!({"name": text(c, "/name"), "image": text(c, "/image"), "imageID": "", "ready": true, "restartCount": 0,
            "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now}}}))
        .collect();
    json!(list)
}

fn reconcile_pod(ctx: &Ctx, q: &Queue, key: &Key) -> runtime::Outcome {
    let pod = ctx.store.get(&gvr::pods(), &key.0, &key.1)?;
    if object::is_deleting(&pod) || text(&pod, "/spec/nodeName").is_empty() {
        return Ok(());
    }
    if let Some(k) = ctx.settings.mtvt_kubelet.as_ref().filter(|k| k.runs(&pod)) {
        return super::mtvt_pods::reconcile(ctx, k, &pod);
    }
    let now = ctx.now();
    let container = text(&pod, "/spec/containers/0/name").to_string();
    let image = text(&pod, "/spec/containers/0/image").to_string();
    match text(&pod, "/status/phase") {
        "Pending" => {
            let mut status = json!({
                "phase": "Running", "startTime": now, "podIP": "10.131.0.42", "hostIP": "192.168.10.21",
                "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": now}, {"type": "Ready", "status": "True", "lastTransitionTime": now}],
                "containerStatuses": [{"name": container, "image": image, "imageID": "", "ready": true, "restartCount": 0, "started": true, "state": {"running": {"startedAt": now}}}],
            });
            let init = init_statuses(&pod, &now);
            if init.as_array().is_some_and(|a| !a.is_empty()) {
                super::json_edit::put(&mut status, "/initContainerStatuses", init);
            }
            ctx.store.merge_patch_status(
                &gvr::pods(),
                &key.0,
                &key.1,
                &json!({ "status": status }),
            )?;
            q.add_after(key.clone(), RUN);
        }
        "Running" => {
            let started = chrono::DateTime::parse_from_rfc3339(text(&pod, "/status/startTime"))
                .map(|t| t.to_utc())
                .unwrap_or(ctx.clock.now());
            let due = started + chrono::Duration::from_std(RUN).unwrap_or_default();
            if ctx.clock.now() < due {
                q.add_at(key.clone(), due);
                return Ok(());
            }
            let (code, log) = match (failing_image(ctx, &pod), playbook_of(ctx, &pod)) {
                (Some(bad), _) => (1, format!("emulated container {bad}: exited 1\n")),
                (None, Some(pb)) => {
                    let r = super::playbook::run(&pb);
                    (r.exit_code, r.log)
                }
                (None, None) => (0, format!("emulated container {image}: exited 0\n")),
            };
            ctx.store.set_pod_log(&key.0, &key.1, &log);
            let (phase, reason) = if code == 0 {
                ("Succeeded", "Completed")
            } else {
                ("Failed", "Error")
            };
            ctx.store.merge_patch_status(&gvr::pods(), &key.0, &key.1, &json!({"status": {
                "phase": phase,
                "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": now}, {"type": "Ready", "status": "False", "reason": "PodCompleted", "lastTransitionTime": now}],
                "containerStatuses": [{"name": container, "image": image, "imageID": "", "ready": false, "restartCount": 0, "started": false,
                    "state": {"terminated": {"exitCode": code, "reason": reason, "startedAt": text(&pod, "/status/startTime"), "finishedAt": now}}}],
            }}))?;
        }
        _ => {}
    }
    Ok(())
}
