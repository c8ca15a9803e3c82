//! VDDK validation of vSphere plans (pkg/controller/plan/validation.go:1795-1838,
//! 1863-1951, 1995-2135): the image is the source Provider's `settings.vddkInitImage`, else the
//! ForkliftController's `vddk_image` (the global `VDDK_IMAGE`); with one, a validation Job
//! (`vddk-validator-<plan>`, labels `plan` and `vddk` = MD5 of the image) runs in the target
//! namespace and the Advisory `ValidatingVDDK` holds `Ready` back until it finishes, a failed
//! Job is Critical `VDDKInvalid`; without one, warm plans and `skipGuestConversion` plans
//! without copy offload are Critical `VDDKInitImageUnavailable`.

use std::sync::Arc;

use md5::{Digest, Md5};
use serde_json::{Value, json};

use super::super::super::conditions::{ADVISORY, CRITICAL, Cnd, Conditions};
use super::super::super::json_edit::text;
use super::super::super::{Ctx, gvr};
use super::super::execute::ensure_namespace;
use super::{is_warm, uses_offload};
use crate::store::{ApiError, DeleteOptions, LabelSelector, ListOptions, Propagation, object};

/// The virt-v2v image the validator container runs (the controller's `VIRT_V2V_IMAGE`).
const VIRT_V2V_IMAGE: &str = "quay.io/kubev2v/forklift-virt-v2v:latest";

/// Validates the VDDK image of a vSphere plan (`source` is its source Provider).
pub(super) fn validate(
    ctx: &Ctx,
    plan: &Value,
    source: &Value,
    storage_map: Option<&Arc<Value>>,
    cnd: &mut Conditions,
) -> Result<(), ApiError> {
    if text(source, "/spec/type") != "vsphere" {
        return Ok(());
    }
    let image = vddk_image(ctx, source);
    if !image.is_empty() {
        let job = ensure_job(ctx, plan, source, &image)?;
        job_conditions(&job, cnd);
    }
    let unavailable = |what: &str| {
        Cnd::new(
            "VDDKInitImageUnavailable",
            CRITICAL,
            "NotSet",
            &format!(
                "VDDK image is required for {what} migration. Set it on the source provider or configure a global VDDK image."
            ),
        )
    };
    if image.is_empty() && is_warm(plan) {
        cnd.set(unavailable("warm"));
    }
    let skip = plan
        .pointer("/spec/skipGuestConversion")
        .and_then(Value::as_bool)
        == Some(true);
    if image.is_empty() && skip && !storage_map.is_some_and(|m| uses_offload(m)) {
        cnd.set(unavailable("raw copy mode"));
    }
    Ok(())
}

/// The provider's image, else the global one (pkg/settings/settings.go:133-141).
fn vddk_image(ctx: &Ctx, source: &Value) -> String {
    let own = text(source, "/spec/settings/vddkInitImage");
    if !own.is_empty() {
        return own.to_string();
    }
    ctx.store
        .get(
            &gvr::forklift_controllers(),
            &ctx.settings.mtv_namespace,
            "forklift-controller",
        )
        .map(|fc| text(&fc, "/spec/vddk_image").to_string())
        .unwrap_or_default()
}

/// `ValidatingVDDK` while the Job has no condition; `VDDKInvalid` when it failed.
fn job_conditions(job: &Value, cnd: &mut Conditions) {
    let conds = job
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if conds.is_empty() {
        cnd.set(Cnd::new(
            "ValidatingVDDK",
            ADVISORY,
            "Started",
            "Validating VDDK init image",
        ));
    }
    if conds
        .iter()
        .any(|c| text(c, "/type") == "Failed" && text(c, "/status") == "True")
    {
        cnd.set(Cnd::new(
            "VDDKInvalid",
            CRITICAL,
            "NotSet",
            "VDDK init image is invalid",
        ));
    }
}

fn md5_hex(s: &str) -> String {
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The plan's validation Job for `image` in the target namespace, created when missing;
/// active Jobs of the plan for another image are deleted first.
fn ensure_job(
    ctx: &Ctx,
    plan: &Value,
    source: &Value,
    image: &str,
) -> Result<Arc<Value>, ApiError> {
    let tns = text(plan, "/spec/targetNamespace");
    ensure_namespace(ctx, tns)?;
    let uid = object::uid(plan);
    let sum = md5_hex(image);
    let of_plan = ListOptions {
        labels: LabelSelector::parse(&format!("plan={uid},vddk")).unwrap_or_default(),
        ..Default::default()
    };
    let jobs = ctx.store.list(&gvr::jobs(), Some(tns), &of_plan)?.items;
    let foreground = DeleteOptions {
        propagation: Some(Propagation::Foreground),
        ..Default::default()
    };
    let mut mine = None;
    for j in jobs {
        if text(&j, "/metadata/labels/vddk") == sum {
            mine = Some(j);
        } else if j
            .pointer("/status/active")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            > 0
        {
            let _ = ctx
                .store
                .delete_with(&gvr::jobs(), tns, object::name(&j), &foreground);
        }
    }
    if let Some(j) = mine {
        return Ok(j);
    }
    let mount = json!([{"name": "vddk-vol-mount", "mountPath": "/opt"}]);
    let resources = json!({"requests": {"cpu": "100m", "memory": "150Mi"}, "limits": {"cpu": "1000m", "memory": "500Mi"}});
    let security = json!({"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}});
    let job = json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {
            "generateName": format!("vddk-validator-{}", object::name(plan)), "namespace": tns,
            "labels": {"plan": uid, "vddk": sum},
            "annotations": {"provider": object::name(source), "vddk": image, "plan": object::name(plan)},
        },
        "spec": {"backoffLimit": 2, "completions": 1, "template": {"spec": {
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "restartPolicy": "Never",
            "initContainers": [{"name": "vddk-side-car", "image": image, "imagePullPolicy": "IfNotPresent",
                "volumeMounts": mount, "securityContext": security, "resources": resources}],
            "containers": [{"name": "validator", "image": VIRT_V2V_IMAGE, "volumeMounts": mount,
                "securityContext": security, "resources": resources,
                "command": ["file", "-E", "/opt/vmware-vix-disklib-distrib/lib64/libvixDiskLib.so"]}],
            "volumes": [{"name": "vddk-vol-mount", "emptyDir": {}}],
        }}},
    });
    ctx.store.create(&gvr::jobs(), tns, job)
}

#[cfg(test)]
mod tests {
    #[test]
    fn label_is_the_md5_of_the_image() {
        assert_eq!(super::md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
    }
}
