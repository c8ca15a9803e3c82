//! The Forklift operator (an Ansible operator: kubev2v/forklift `operator/watches.yaml`,
//! role `forkliftcontroller`) as clients see it, and the settings the emulated
//! forklift-controller runs with.
//!
//! A ForkliftController in the MTV namespace is reconciled when its generation changes (the
//! Ansible operator's generation-changed predicate): the run starts (`Running`, see
//! [`status`]), takes [`RUN`] of virtual time, then applies what the role renders from the
//! spec ([`templates`]: the forklift-controller ConfigMap and Deployments) and ends
//! `Successful`. A changed pod template makes the Deployment roll out a new pod
//! ([`super::apps`]); the old pod runs until the new one is Ready.
//!
//! The emulated Forklift controllers take their settings from the environment of the
//! running forklift-controller pod ([`running_settings`]), as upstream reads them once at
//! start (`pkg/settings/migration.go:219`): a spec change reaches a migration only once the
//! operator rolled it out. [`install`] writes the state of a cluster where MTV was
//! installed earlier (OLM's operator Deployment, the reconciled ForkliftController and its
//! workloads, all running).

mod status;
pub mod templates;

pub use status::{AWAITING_MESSAGE, RUNNING_MESSAGE, SUCCESSFUL_MESSAGE};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::json_edit::text;
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Started, gvr};
use crate::store::{ApiError, ListOptions, Reason, object};

/// How long one run of the operator's role takes (virtual).
pub const RUN: Duration = Duration::from_secs(20);

/// The ForkliftController the emulator installs.
pub const NAME: &str = "forklift-controller";

/// A run in progress: the generation it reconciles and when it ends.
#[derive(Clone, Copy, Debug)]
struct Run {
    generation: i64,
    due: DateTime<Utc>,
}

/// Per ForkliftController (by uid): the last generation reconciled and the current run.
#[derive(Clone, Debug, Default)]
struct Progress {
    done: Option<i64>,
    run: Option<Run>,
}

type State = Arc<Mutex<HashMap<String, Progress>>>;

pub(super) fn spawn(ctx: &Ctx) -> Vec<Started> {
    let state: State = Arc::default();
    // What the operator reconciled before the emulator started (see `install`).
    for fc in super::all_keys(&ctx.store, &gvr::forklift_controllers()) {
        if let Ok(o) = ctx.store.get(&gvr::forklift_controllers(), &fc.0, &fc.1)
            && is_successful(&o)
        {
            lock(&state).insert(
                object::uid(&o).to_string(),
                Progress {
                    done: Some(object::generation(&o)),
                    run: None,
                },
            );
        }
    }
    let c = ctx.clone();
    let queue = runtime::spawn(
        "forklift-operator",
        &ctx.store,
        &ctx.shutdown,
        vec![Watch::own(gvr::forklift_controllers())],
        move |q, key| reconcile(&c, &state, q, key),
    );
    vec![Started {
        queue,
        gvr: gvr::forklift_controllers(),
    }]
}

fn lock(state: &State) -> std::sync::MutexGuard<'_, HashMap<String, Progress>> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn is_successful(fc: &Value) -> bool {
    fc.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|c| text(c, "/type") == "Successful" && text(c, "/status") == "True")
        })
}

fn reconcile(ctx: &Ctx, state: &State, q: &Queue, key: &Key) -> runtime::Outcome {
    if key.0 != ctx.settings.mtv_namespace {
        return Ok(()); // the operator watches its own namespace only
    }
    let fc = ctx
        .store
        .get(&gvr::forklift_controllers(), &key.0, &key.1)?;
    if object::is_deleting(&fc) {
        return Ok(());
    }
    let uid = object::uid(&fc).to_string();
    let now = ctx.clock.now();
    let progress = lock(state).get(&uid).cloned().unwrap_or_default();
    if let Some(run) = progress.run {
        if now < run.due {
            q.add_at(key.clone(), run.due);
            return Ok(());
        }
        let changed = apply(ctx, &fc)?;
        let done = status::mark_done(
            fc.get("status").unwrap_or(&Value::Null),
            &ctx.now(),
            changed,
        );
        write_status(ctx, key, done)?;
        lock(state).insert(
            uid.clone(),
            Progress {
                done: Some(run.generation),
                run: None,
            },
        );
        // A spec change during the run is reconciled by the next one.
        q.add(key.clone());
        return Ok(());
    }
    let generation = object::generation(&fc);
    if progress.done == Some(generation) {
        return Ok(());
    }
    let running = status::mark_running(fc.get("status").unwrap_or(&Value::Null), &ctx.now());
    write_status(ctx, key, running)?;
    let due = now + chrono::Duration::from_std(RUN).unwrap_or_default();
    lock(state).insert(
        uid,
        Progress {
            done: progress.done,
            run: Some(Run { generation, due }),
        },
    );
    q.add_at(key.clone(), due);
    Ok(())
}

fn write_status(ctx: &Ctx, key: &Key, status: Value) -> Result<(), ApiError> {
    ctx.store.merge_patch_status(
        &gvr::forklift_controllers(),
        &key.0,
        &key.1,
        &json!({"status": status}),
    )?;
    Ok(())
}

/// Creates or replaces `obj` (its spec, labels and data); whether it changed.
fn apply_object(ctx: &Ctx, g: &crate::store::Gvr, obj: Value) -> Result<bool, ApiError> {
    let ns = object::namespace(&obj).to_string();
    let current = match ctx.store.get(g, &ns, object::name(&obj)) {
        Ok(c) => c,
        Err(e) if e.reason == Reason::NotFound => {
            ctx.store.create(g, &ns, obj)?;
            return Ok(true);
        }
        Err(e) => return Err(e),
    };
    let mut next = (*current).clone();
    for field in ["spec", "data"] {
        if let Some(v) = obj.get(field) {
            super::json_edit::put(&mut next, field, v.clone());
        }
    }
    if let Some(l) = obj.pointer("/metadata/labels") {
        super::json_edit::put(&mut next, "/metadata/labels", l.clone());
    }
    if next == *current {
        return Ok(false);
    }
    ctx.store.update(g, &ns, next)?;
    Ok(true)
}

/// Applies what the role renders for `fc`'s spec; how many objects changed.
fn apply(ctx: &Ctx, fc: &Value) -> Result<u32, ApiError> {
    let ns = object::namespace(fc);
    let spec = fc.get("spec").cloned().unwrap_or(json!({}));
    let mut changed = u32::from(apply_object(
        ctx,
        &gvr::config_maps(),
        templates::controller_config(&spec, ns),
    )?);
    let (keep, drop) = templates::deployments(&spec, ns);
    for d in keep {
        changed += u32::from(apply_object(ctx, &gvr::deployments(), d)?);
    }
    for name in drop {
        match ctx.store.delete(&gvr::deployments(), ns, name) {
            Ok(_) => changed += 1,
            Err(e) if e.reason == Reason::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(changed)
}

/// MTV as installed before the emulator started: OLM's operator Deployment (owned by the
/// CSV `csv`), the ForkliftController `fc` reconciled (its status as after a first run) and
/// every workload the role renders for it, running.
pub fn install(ctx: &Ctx, csv: &Value, fc: Value) -> Result<(), ApiError> {
    let ns = object::namespace(csv).to_string();
    let mut operator = templates::operator(&ns);
    super::json_edit::put(
        &mut operator,
        "/metadata/ownerReferences",
        json!([{"apiVersion": "operators.coreos.com/v1alpha1", "kind": "ClusterServiceVersion",
                "name": object::name(csv), "uid": object::uid(csv), "controller": false,
                "blockOwnerDeletion": false}]),
    );
    super::apps::materialize(ctx, operator)?;
    let fc = match ctx
        .store
        .create(&gvr::forklift_controllers(), &ns, fc.clone())
    {
        Err(e) if e.reason == Reason::AlreadyExists => {
            ctx.store
                .get(&gvr::forklift_controllers(), &ns, object::name(&fc))?
        }
        other => other?,
    };
    let spec = fc.get("spec").cloned().unwrap_or(json!({}));
    let cm = templates::controller_config(&spec, &ns);
    if let Err(e) = ctx.store.create(&gvr::config_maps(), &ns, cm)
        && e.reason != Reason::AlreadyExists
    {
        return Err(e);
    }
    let (keep, _) = templates::deployments(&spec, &ns);
    let count = u32::try_from(keep.len()).unwrap_or(u32::MAX);
    for d in keep {
        super::apps::materialize(ctx, d)?;
    }
    let now = ctx.now();
    let status = status::mark_done(&status::mark_running(&json!({}), &now), &now, count);
    write_status(ctx, &(ns, object::name(&fc).to_string()), status)
}

/// The settings the running forklift-controller was started with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControllerSettings {
    /// `PRECOPY_INTERVAL` (minutes; 60 when unset).
    pub precopy_interval_minutes: i64,
    /// `PVC_NAME_TEMPLATE`.
    pub pvc_name_template: Option<String>,
    /// `OCP_PVC_NAME_TEMPLATE`.
    pub ocp_pvc_name_template: Option<String>,
    /// `VIRT_V2V_IMAGE`: the image of conversion pods.
    pub virt_v2v_image: String,
    /// `VIRT_V2V_IMAGE_XFS`: the image of conversion pods of plans with `xfsCompatibility`.
    pub virt_v2v_image_xfs: String,
}

impl Default for ControllerSettings {
    fn default() -> Self {
        Self {
            precopy_interval_minutes: 60,
            pvc_name_template: None,
            ocp_pvc_name_template: None,
            virt_v2v_image: templates::VIRT_V2V_IMAGE.into(),
            virt_v2v_image_xfs: templates::VIRT_V2V_IMAGE_XFS.into(),
        }
    }
}

/// The settings of the forklift-controller pod that leads: the oldest Ready one (a new pod
/// takes over once the old one is gone). Defaults when none runs.
pub fn running_settings(ctx: &Ctx) -> ControllerSettings {
    let ns = &ctx.settings.mtv_namespace;
    let mut pods: Vec<_> = ctx
        .store
        .list(&gvr::pods(), Some(ns), &ListOptions::default())
        .map(|l| l.items)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| {
            text(p, "/metadata/labels/app") == templates::APP
                && text(p, "/metadata/labels/control-plane") == "controller-manager"
                && text(p, "/status/phase") == "Running"
                && !object::is_deleting(p)
        })
        .collect();
    pods.sort_by(|a, b| {
        object::meta_str(a, "creationTimestamp").cmp(object::meta_str(b, "creationTimestamp"))
    });
    let Some(pod) = pods.first() else {
        return ControllerSettings::default();
    };
    let env: HashMap<String, String> = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| text(c, "/name") == "main")
        .flat_map(|c| {
            c.get("env")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .map(|e| {
            (
                text(&e, "/name").to_string(),
                text(&e, "/value").to_string(),
            )
        })
        .collect();
    let get = |k: &str| env.get(k).filter(|v| !v.is_empty()).cloned();
    ControllerSettings {
        // getPositiveEnvLimit (pkg/settings/migration.go): a positive integer, else 60.
        precopy_interval_minutes: get("PRECOPY_INTERVAL")
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|m| *m > 0)
            .unwrap_or(60),
        pvc_name_template: get("PVC_NAME_TEMPLATE"),
        ocp_pvc_name_template: get("OCP_PVC_NAME_TEMPLATE"),
        virt_v2v_image: get("VIRT_V2V_IMAGE").unwrap_or(templates::VIRT_V2V_IMAGE.into()),
        virt_v2v_image_xfs: get("VIRT_V2V_IMAGE_XFS")
            .unwrap_or(templates::VIRT_V2V_IMAGE_XFS.into()),
    }
}
