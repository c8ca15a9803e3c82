//! Hook steps of a VM migration (`pkg/controller/plan/hook.go`): a ConfigMap (workload,
//! playbook, plan) and a Job in the plan's namespace, both `generateName:
//! <plan>-<vmID>-<step>-` with the hook labels; the step follows the Job: `Failed` → the
//! condition's message, more than 3 failed pods → "Retry limit exceeded.", succeeded → done.

use base64::Engine;
use serde_json::{Value, json};

use super::super::gvr;
use super::super::json_edit::text;
use super::execute::Env;
use super::phases::Outcome;
use super::status::VmStatus;
use crate::store::{ApiError, LabelSelector, ListOptions, Reason, object};

/// Forklift's `HOOK_RETRY`.
const HOOK_RETRY: i64 = 3;

fn hook_ref<'a>(spec_vm: &'a Value, step: &str) -> Option<&'a Value> {
    spec_vm
        .get("hooks")?
        .as_array()?
        .iter()
        .find(|h| text(h, "/step") == step)
}

fn labels_selector(env: &Env<'_>, vs: &VmStatus, step: &str) -> ListOptions {
    let s = format!(
        "plan={},migration={},vmID={},step={step}",
        env.run.plan_uid, env.run.migration_uid, vs.id
    );
    ListOptions {
        labels: LabelSelector::parse(&s).unwrap_or_default(),
        ..Default::default()
    }
}

fn job_of(env: &Env<'_>, vs: &VmStatus, step: &str) -> Option<std::sync::Arc<Value>> {
    let ns = object::namespace(env.plan);
    env.ctx
        .store
        .list(&gvr::jobs(), Some(ns), &labels_selector(env, vs, step))
        .ok()?
        .items
        .into_iter()
        .next()
}

/// Creates the hook ConfigMap and Job unless they exist.
pub fn ensure_job(
    env: &Env<'_>,
    vs: &VmStatus,
    spec_vm: &Value,
    step: &str,
) -> Result<(), ApiError> {
    if job_of(env, vs, step).is_some() {
        return Ok(());
    }
    let href = hook_ref(spec_vm, step).ok_or_else(|| {
        ApiError::new(
            Reason::NotFound,
            format!("no {step} hook for VM {}", vs.name),
        )
    })?;
    let hook = env.ctx.store.get(
        &gvr::hooks(),
        text(href, "/hook/namespace"),
        text(href, "/hook/name"),
    )?;
    let ns = object::namespace(env.plan).to_string();
    let generate = format!("{}-{}-{}-", object::name(env.plan), vs.id, step).to_lowercase();
    let labels = json!({
        "plan": env.run.plan_uid, "migration": env.run.migration_uid, "vmID": vs.id,
        "step": step, "hook": object::uid(&hook), "resource": "hook-config",
    });
    let playbook = base64::engine::general_purpose::STANDARD
        .decode(text(&hook, "/spec/playbook").trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    let workload = env
        .view
        .vm(&super::super::catalog::SrcRef { id: vs.id.clone(), ..Default::default() })
        .map(|v| json!({"vm": {"id": v.id, "name": v.name, "namespace": v.namespace, "powerState": if v.power_on { "poweredOn" } else { "poweredOff" }}}))
        .unwrap_or(json!({}));
    let owner = json!([{"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Plan", "name": object::name(env.plan), "uid": env.run.plan_uid, "controller": true, "blockOwnerDeletion": true}]);
    let cm = env.ctx.store.create(&gvr::config_maps(), &ns, json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"generateName": generate, "namespace": ns, "labels": labels, "ownerReferences": owner},
        "data": {
            "workload.yml": serde_json::to_string_pretty(&workload).unwrap_or_default(),
            "playbook.yml": playbook,
            "plan.yml": serde_json::to_string_pretty(env.plan.get("spec").unwrap_or(&Value::Null)).unwrap_or_default(),
        },
    }))?;
    let sa = [
        text(&hook, "/spec/serviceAccount"),
        text(env.plan, "/spec/serviceAccount"),
    ]
    .into_iter()
    .find(|s| !s.is_empty())
    .unwrap_or("default");
    let mut container = json!({
        "name": "hook", "image": text(&hook, "/spec/image"),
        "volumeMounts": [{"name": "hook", "mountPath": "/tmp/hook"}],
    });
    if !playbook.is_empty()
        && let Some(m) = container.as_object_mut()
    {
        m.insert(
            "command".into(),
            json!([
                "/bin/entrypoint",
                "ansible-runner",
                "run",
                "/tmp/runner",
                "-p",
                "/tmp/hook/playbook.yml"
            ]),
        );
    }
    let mut pod_spec = json!({
        "containers": [container],
        "restartPolicy": "Never",
        "serviceAccountName": sa,
        "volumes": [{"name": "hook", "configMap": {"name": object::name(&cm)}}],
    });
    if let Some(d) = hook
        .pointer("/spec/deadline")
        .and_then(Value::as_i64)
        .filter(|d| *d > 0)
    {
        super::super::json_edit::put(&mut pod_spec, "/activeDeadlineSeconds", json!(d));
    }
    env.ctx.store.create(&gvr::jobs(), &ns, json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"generateName": generate, "namespace": ns, "labels": labels, "ownerReferences": owner},
        "spec": {"backoffLimit": 1, "template": {"metadata": {"labels": labels}, "spec": pod_spec}},
    }))?;
    Ok(())
}

/// The hook step's state from its Job.
pub fn outcome(env: &Env<'_>, vs: &VmStatus, step: &str) -> Outcome {
    let Some(job) = job_of(env, vs, step) else {
        return Outcome::Wait(None);
    };
    let failed_cond = job
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|c| text(c, "/type") == "Failed" && text(c, "/status") == "True")
        });
    if let Some(c) = failed_cond {
        return Outcome::Fail(text(c, "/message").to_string());
    }
    if job
        .pointer("/status/failed")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        > HOOK_RETRY
    {
        return Outcome::Fail("Retry limit exceeded.".into());
    }
    if job
        .pointer("/status/succeeded")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        > 0
    {
        return Outcome::Done(None);
    }
    Outcome::Wait(None)
}
