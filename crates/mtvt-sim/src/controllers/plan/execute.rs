//! Migration execution (`pkg/controller/plan/migration.go`): picks the active or oldest
//! pending Migration, begins a history snapshot, steps every VM through its itinerary with
//! timers on the virtual clock, and ends the snapshot `Succeeded`, `Failed` or `Canceled`.
//! Phase side effects live in [`super::phases`]; this module owns the state machine.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::super::catalog::{SourceView, SourceVm, SrcRef};
use super::super::conditions::{ADVISORY, Cnd, Conditions};
use super::super::json_edit::text;
use super::super::{Ctx, gvr};
use super::builder::Run;
use super::itinerary::{self, Flags};
use super::phases::{self, Outcome};
use super::status::{Progress, StepError, Task, VmStatus};
use super::validation::{Referenced, is_warm, kind_of};
use crate::lab::ProviderKind;
use crate::store::{ApiError, ListOptions, object};

/// When a VM entered its current phase (in-memory, per plan UID and VM id).
#[derive(Clone, Debug)]
pub struct Entered {
    /// The phase.
    pub phase: String,
    /// When it was entered.
    pub at: DateTime<Utc>,
}

/// In-memory executor state shared by reconciles.
#[derive(Clone, Debug, Default)]
pub struct ExecState {
    entered: Arc<Mutex<HashMap<(String, String), Entered>>>,
}

impl ExecState {
    fn get(&self, plan: &str, vm: &str) -> Option<Entered> {
        self.entered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&(plan.into(), vm.into()))
            .cloned()
    }

    fn set(&self, plan: &str, vm: &str, e: Entered) {
        self.entered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert((plan.into(), vm.into()), e);
    }
}

/// `status.migration`.
#[derive(Clone, Debug, Default)]
pub struct MigrationStatus {
    /// `started`
    pub started: Option<String>,
    /// `completed`
    pub completed: Option<String>,
    /// `history`
    pub history: Vec<Value>,
    /// `vms`
    pub vms: Vec<VmStatus>,
}

impl MigrationStatus {
    /// Reads `status.migration` of a plan.
    pub fn read(plan: &Value) -> Self {
        let m = plan.pointer("/status/migration");
        let s = |k: &str| {
            m.and_then(|m| m.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        Self {
            started: s("started"),
            completed: s("completed"),
            history: m
                .and_then(|m| m.get("history"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            vms: m
                .and_then(|m| m.get("vms"))
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .unwrap_or_default(),
        }
    }

    /// As JSON.
    pub fn to_json(&self) -> Value {
        let mut m = json!({"history": self.history, "vms": self.vms});
        if let Some(s) = &self.started {
            super::super::json_edit::put(&mut m, "/started", json!(s));
        }
        if let Some(c) = &self.completed {
            super::super::json_edit::put(&mut m, "/completed", json!(c));
        }
        m
    }
}

fn snapshot_terminal(s: &Value) -> bool {
    ["Succeeded", "Failed", "Canceled"]
        .iter()
        .any(|k| snapshot_has(s, k))
}

fn snapshot_has(s: &Value, kind: &str) -> bool {
    s.get("conditions")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|c| text(c, "/type") == kind && text(c, "/status") == "True")
        })
}

fn cnd_json(kind: &str, msg: &str, reason: &str, now: &str) -> Value {
    let mut c = json!({"type": kind, "status": "True", "category": ADVISORY, "message": msg, "lastTransitionTime": now, "durable": true});
    if !reason.is_empty() {
        super::super::json_edit::put(&mut c, "/reason", json!(reason));
    }
    c
}

fn obj_ref(o: &Value) -> Value {
    json!({"namespace": object::namespace(o), "name": object::name(o), "uid": object::uid(o), "generation": object::generation(o)})
}

/// Everything the per-VM stepping needs.
pub struct Env<'a> {
    /// Controller context.
    pub ctx: &'a Ctx,
    /// The plan.
    pub plan: &'a Value,
    /// Resolved references.
    pub refd: &'a Referenced,
    /// The source view.
    pub view: SourceView<'a>,
    /// The running Migration.
    pub migration: Arc<Value>,
    /// Label identity.
    pub run: Run,
    /// Precopy interval (virtual).
    pub precopy_interval: chrono::Duration,
    /// ForkliftController PVC name template for this source type.
    pub controller_pvc_template: Option<String>,
}

impl Env<'_> {
    /// The `spec.vms[]` entry of a VM status.
    pub fn spec_vm(&self, vs: &VmStatus) -> Value {
        self.plan
            .pointer("/spec/vms")
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter().find(|v| {
                    text(v, "/id") == vs.id
                        || (text(v, "/id").is_empty() && text(v, "/name") == vs.name)
                })
            })
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Whether a spec VM has a hook for `step`.
    pub fn has_hook(spec_vm: &Value, step: &str) -> bool {
        spec_vm
            .get("hooks")
            .and_then(Value::as_array)
            .is_some_and(|h| h.iter().any(|h| text(h, "/step") == step))
    }

    /// The itinerary flags of a VM.
    pub fn flags(&self, spec_vm: &Value, vm: Option<&SourceVm>) -> Flags {
        let source = kind_of(self.refd.source.as_deref().unwrap_or(&Value::Null));
        let warm = is_warm(self.plan);
        let skip = self
            .plan
            .pointer("/spec/skipGuestConversion")
            .and_then(Value::as_bool)
            == Some(true);
        let conversion = matches!(source, Some(ProviderKind::Vsphere | ProviderKind::Ova)) && !skip;
        let dest_host = self
            .refd
            .destination
            .as_ref()
            .is_some_and(|d| text(d, "/spec/url").is_empty());
        let offload = self
            .refd
            .storage_map
            .as_ref()
            .is_some_and(|m| super::validation::uses_offload(m));
        let shared = self
            .plan
            .pointer("/spec/migrateSharedDisks")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let v2v_copy = source == Some(ProviderKind::Ova)
            || (source == Some(ProviderKind::Vsphere)
                && !warm
                && dest_host
                && shared
                && !skip
                && !offload
                && text(self.plan, "/spec/type") != "conversion");
        let target = Some(text(spec_vm, "/targetPowerState"))
            .filter(|s| !s.is_empty())
            .unwrap_or(text(self.plan, "/spec/targetPowerState"));
        Flags {
            source,
            warm,
            pre_hook: Self::has_hook(spec_vm, "PreHook"),
            post_hook: Self::has_hook(spec_vm, "PostHook"),
            conversion,
            v2v_copy,
            inspection: warm
                && source == Some(ProviderKind::Vsphere)
                && conversion
                && self
                    .plan
                    .pointer("/spec/runPreflightInspection")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
            windows_reboot: conversion && target != "off" && vm.is_some_and(|v| v.windows),
        }
    }
}

/// Runs execution for one reconcile. Returns the next virtual time to look again.
pub fn execute(
    ctx: &Ctx,
    st: &ExecState,
    plan: &Value,
    refd: &Referenced,
    cnd: &mut Conditions,
    mig: &mut MigrationStatus,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let now = ctx.now();
    let active = mig
        .history
        .last()
        .filter(|s| !snapshot_terminal(s))
        .cloned();
    let migration = match active {
        Some(snap) => {
            let ns = text(&snap, "/migration/namespace");
            let name = text(&snap, "/migration/name");
            let uid = text(&snap, "/migration/uid");
            match ctx.store.get(&gvr::migrations(), ns, name) {
                Ok(m) if object::uid(&m) == uid => m,
                _ => {
                    cancel_all(ctx, mig, &now, "Deleted");
                    end(mig, cnd, &now, Some("Deleted"));
                    return Ok(None);
                }
            }
        }
        None => {
            if cnd.has_blocker() || !cnd.has("Ready") {
                return Ok(None);
            }
            let Some(m) = pending_migration(ctx, plan, mig) else {
                return Ok(None);
            };
            begin(ctx, plan, refd, &m, cnd, mig)?;
            m
        }
    };
    let Some(source) = refd.source.as_ref() else {
        return Ok(None);
    };
    let Some(view) = SourceView::open(ctx, source) else {
        return Ok(None);
    };
    let run = Run {
        plan_name: object::name(plan).into(),
        plan_ns: object::namespace(plan).into(),
        plan_uid: object::uid(plan).into(),
        migration_uid: object::uid(&migration).into(),
    };
    let fc = ctx
        .store
        .get(
            &gvr::forklift_controllers(),
            &ctx.settings.mtv_namespace,
            "forklift-controller",
        )
        .ok();
    let interval_min = fc
        .as_ref()
        .and_then(|f| f.pointer("/spec/controller_precopy_interval"))
        .and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        })
        .filter(|m| *m > 0)
        .unwrap_or(60);
    let tpl_key = if view.kind() == ProviderKind::Openshift {
        "controller_ocp_pvc_name_template"
    } else {
        "controller_pvc_name_template"
    };
    let controller_pvc_template = fc
        .as_ref()
        .map(|f| text(f, &format!("/spec/{tpl_key}")).to_string())
        .filter(|t| !t.is_empty());
    let env = Env {
        ctx,
        plan,
        refd,
        view,
        migration: migration.clone(),
        run,
        precopy_interval: chrono::Duration::minutes(interval_min),
        controller_pvc_template,
    };
    let cancel: Vec<SrcRef> = migration
        .pointer("/spec/cancel")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(SrcRef::from_json).collect())
        .unwrap_or_default();
    let mut wake: Option<DateTime<Utc>> = None;
    for vs in mig.vms.iter_mut() {
        if vs.phase == "Completed" {
            continue;
        }
        if cancel
            .iter()
            .any(|c| (!c.id.is_empty() && c.id == vs.id) || (c.id.is_empty() && c.name == vs.name))
        {
            phases::cancel_vm(&env, vs);
            continue;
        }
        if let Some(t) = step_vm(&env, st, vs)? {
            wake = Some(wake.map_or(t, |w| w.min(t)));
        }
    }
    if mig.vms.iter().all(|v| v.phase == "Completed") {
        end(mig, cnd, &now, None);
    } else {
        cnd.set(Cnd::new("Executing", ADVISORY, "", "The plan is EXECUTING.").durable());
    }
    Ok(wake)
}

fn pending_migration(ctx: &Ctx, plan: &Value, mig: &MigrationStatus) -> Option<Arc<Value>> {
    let done: Vec<&str> = mig
        .history
        .iter()
        .map(|h| text(h, "/migration/uid"))
        .collect();
    let list = ctx
        .store
        .list(&gvr::migrations(), None, &ListOptions::default())
        .ok()?;
    let mut cands: Vec<Arc<Value>> = list
        .items
        .into_iter()
        .filter(|m| {
            text(m, "/spec/plan/namespace") == object::namespace(plan)
                && text(m, "/spec/plan/name") == object::name(plan)
        })
        .filter(|m| !object::is_deleting(m) && !done.contains(&object::uid(m)))
        .filter(|m| {
            !["Succeeded", "Failed", "Canceled"]
                .iter()
                .any(|k| super::super::conditions::has_condition(m, k))
        })
        .collect();
    cands.sort_by(|a, b| {
        (
            text(a, "/metadata/creationTimestamp"),
            object::namespace(a),
            object::name(a),
        )
            .cmp(&(
                text(b, "/metadata/creationTimestamp"),
                object::namespace(b),
                object::name(b),
            ))
    });
    cands.into_iter().next()
}

fn begin(
    ctx: &Ctx,
    plan: &Value,
    refd: &Referenced,
    m: &Value,
    cnd: &mut Conditions,
    mig: &mut MigrationStatus,
) -> Result<(), ApiError> {
    let now = ctx.now();
    let r = |o: &Option<Arc<Value>>| o.as_ref().map(|v| obj_ref(v)).unwrap_or(Value::Null);
    mig.history.push(json!({
        "conditions": [cnd_json("Executing", "The plan is EXECUTING.", "", &now)],
        "provider": {"source": r(&refd.source), "destination": r(&refd.destination)},
        "plan": obj_ref(plan),
        "map": {"network": r(&refd.network_map), "storage": r(&refd.storage_map)},
        "migration": obj_ref(m),
    }));
    mig.started = Some(now.clone());
    mig.completed = None;
    cnd.delete("Failed");
    cnd.delete("Canceled");
    cnd.set(Cnd::new("Executing", ADVISORY, "", "The plan is EXECUTING.").durable());
    let tns = text(plan, "/spec/targetNamespace");
    if ctx.store.get(&gvr::namespaces(), "", tns).is_err() {
        match ctx.store.create(
            &gvr::namespaces(),
            "",
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": tns}}),
        ) {
            Ok(_) => {}
            Err(e) if e.reason == crate::store::Reason::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    let spec_vms = plan
        .pointer("/spec/vms")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let source = refd.source.as_ref().and_then(|s| SourceView::open(ctx, s));
    let env_flags = |spec_vm: &Value, vm: Option<&SourceVm>| -> Flags {
        // A throw-away Env only to compute flags.
        let dummy = Env {
            ctx,
            plan,
            refd,
            view: match refd.source.as_ref().and_then(|s| SourceView::open(ctx, s)) {
                Some(v) => v,
                None => return Flags::default(),
            },
            migration: Arc::new(m.clone()),
            run: Run::default(),
            precopy_interval: chrono::Duration::minutes(60),
            controller_pvc_template: None,
        };
        dummy.flags(spec_vm, vm)
    };
    let mut vms = Vec::new();
    for spec_vm in &spec_vms {
        let sref = SrcRef::from_json(spec_vm);
        let found = source.as_ref().and_then(|v| v.vm(&sref).ok());
        let (id, name) = found
            .as_ref()
            .map_or((sref.id.clone(), sref.name.clone()), |v| {
                (v.id.clone(), v.name.clone())
            });
        if let Some(old) = mig
            .vms
            .iter()
            .find(|s| s.id == id && s.phase == "Completed" && s.has("Succeeded"))
        {
            vms.push(old.clone());
            continue;
        }
        // Re-running a failed VM: its leftovers go first when `deleteVmOnFailMigration`.
        if let Some(old) = mig.vms.iter().find(|s| s.id == id && s.has("Failed")) {
            let del = old
                .extra
                .get("deleteVmOnFailMigration")
                .and_then(Value::as_bool)
                .or_else(|| {
                    plan.pointer("/spec/deleteVmOnFailMigration")
                        .and_then(Value::as_bool)
                })
                .unwrap_or(true);
            if del {
                cleanup_vm(ctx, plan, &id);
            }
        }
        let flags = env_flags(spec_vm, found.as_ref());
        let first = itinerary::phases(&flags)
            .first()
            .copied()
            .unwrap_or("Started");
        let mut extra = spec_vm.as_object().cloned().unwrap_or_default();
        extra.remove("id");
        extra.remove("name");
        extra.entry("luks").or_insert(json!({}));
        let mut vs = VmStatus {
            id,
            name,
            phase: first.into(),
            pipeline: pipeline(&flags, found.as_ref()),
            extra,
            ..Default::default()
        };
        if let Some(v) = &found {
            vs.firmware = v.firmware.as_str().into();
            if vs.name != v.name {
                vs.name = v.name.clone();
            }
            let target = super::validation::target_name(spec_vm, None, v);
            if text(spec_vm, "/targetName").is_empty() && target != v.name {
                vs.new_name = target;
            }
        }
        if flags.warm {
            vs.warm = Some(Default::default());
        }
        vms.push(vs);
    }
    mig.vms = vms;
    Ok(())
}

/// Deletes the target VM, DataVolumes and PVCs a previous run of this plan made for VM `id`.
fn cleanup_vm(ctx: &Ctx, plan: &Value, id: &str) {
    let tns = text(plan, "/spec/targetNamespace");
    let opts = ListOptions {
        labels: crate::store::LabelSelector::parse(&format!(
            "plan={},vmID={id}",
            object::uid(plan)
        ))
        .unwrap_or_default(),
        ..Default::default()
    };
    for g in [gvr::vms(), gvr::data_volumes(), gvr::pvcs()] {
        for o in ctx
            .store
            .list(&g, Some(tns), &opts)
            .map(|l| l.items)
            .unwrap_or_default()
        {
            let _ = ctx.store.delete(&g, tns, object::name(&o));
        }
    }
}

/// A fresh pipeline for an itinerary.
fn pipeline(f: &Flags, vm: Option<&SourceVm>) -> Vec<Task> {
    let total_mb: i64 = vm
        .map(|v| v.disks.iter().map(|d| (d.capacity >> 20) as i64).sum())
        .unwrap_or(0);
    itinerary::steps(f)
        .into_iter()
        .map(|s| {
            let disk = itinerary::is_disk_step(s);
            let mut t = Task {
                name: s.into(),
                description: itinerary::description(s).into(),
                phase: if s == "Cutover" {
                    String::new()
                } else {
                    "Pending".into()
                },
                progress: Progress {
                    completed: 0,
                    total: if disk { total_mb } else { 1 },
                },
                ..Default::default()
            };
            if disk {
                t.annotations.insert("unit".into(), "MB".into());
                t.tasks = vm
                    .map(|v| {
                        v.disks
                            .iter()
                            .map(|d| Task {
                                name: if d.file.is_empty() {
                                    d.id.clone()
                                } else {
                                    d.file.clone()
                                },
                                phase: "Pending".into(),
                                progress: Progress {
                                    completed: 0,
                                    total: (d.capacity >> 20) as i64,
                                },
                                annotations: [("unit".to_string(), "MB".to_string())].into(),
                                ..Default::default()
                            })
                            .collect()
                    })
                    .unwrap_or_default();
            }
            t
        })
        .collect()
}

/// Moves a VM from `from` to `to`, rolling the pipeline steps.
pub fn transition(flags: &Flags, vs: &mut VmStatus, to: &str, now: &str) {
    let old = itinerary::step_of(flags, &vs.phase);
    let new = itinerary::step_of(flags, to);
    if old != new {
        if let Some(s) = old.and_then(|o| vs.step_mut(o)) {
            s.phase = "Completed".into();
            s.completed = Some(now.into());
            s.progress.completed = s.progress.total;
            for t in s.tasks.iter_mut() {
                t.phase = "Completed".into();
                t.reason = "Transfer completed.".into();
                t.progress.completed = t.progress.total;
                t.completed.get_or_insert_with(|| now.into());
            }
        }
        if let Some(s) = new.and_then(|n| vs.step_mut(n)) {
            s.phase = "Running".into();
            s.started.get_or_insert_with(|| now.into());
        }
    }
    vs.phase = to.into();
}

fn step_vm(
    env: &Env<'_>,
    st: &ExecState,
    vs: &mut VmStatus,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let ctx = env.ctx;
    let spec_vm = env.spec_vm(vs);
    let vm = env
        .view
        .vm(&SrcRef {
            id: vs.id.clone(),
            ..Default::default()
        })
        .ok();
    let flags = env.flags(&spec_vm, vm.as_ref());
    let plan_uid = object::uid(env.plan).to_string();
    for _ in 0..64 {
        let now = ctx.clock.now();
        let now_s = ctx.now();
        if vs.started.is_none() {
            vs.started = Some(now_s.clone());
        }
        if vs.phase == "Completed" {
            phases::succeed_vm(env, vs);
            return Ok(None);
        }
        if itinerary::step_of(&flags, &vs.phase)
            .is_some_and(|s| vs.step(s).is_some_and(|t| t.phase == "Pending"))
        {
            let cur = vs.phase.clone();
            vs.phase = String::new();
            transition(&flags, vs, &cur, &now_s);
        }
        let entered = match st.get(&plan_uid, &vs.id) {
            Some(e) if e.phase == vs.phase => e,
            _ => {
                let e = Entered {
                    phase: vs.phase.clone(),
                    at: now,
                };
                st.set(&plan_uid, &vs.id, e.clone());
                let step = itinerary::step_of(&flags, &vs.phase);
                let fault = super::timing::failure(
                    &ctx.lab.lab().faults,
                    object::name(env.plan),
                    &vs.name,
                    &vs.phase,
                    step,
                );
                if let Some(msg) = fault {
                    phases::fail_vm(env, &flags, vs, &msg);
                    return Ok(None);
                }
                if let Err(msg) = phases::enter(env, &flags, vs, &spec_vm, vm.as_ref()) {
                    phases::fail_vm(env, &flags, vs, &msg);
                    return Ok(None);
                }
                e
            }
        };
        match phases::check(env, &flags, vs, &spec_vm, vm.as_ref(), entered.at)? {
            Outcome::Done(next) => {
                let to = next
                    .map(str::to_string)
                    .or_else(|| itinerary::next(&flags, &vs.phase).map(str::to_string))
                    .unwrap_or("Completed".into());
                transition(&flags, vs, &to, &now_s);
            }
            Outcome::Wait(t) => return Ok(t),
            Outcome::Fail(msg) => {
                phases::fail_vm(env, &flags, vs, &msg);
                return Ok(None);
            }
        }
    }
    Ok(Some(ctx.clock.now()))
}

fn cancel_all(ctx: &Ctx, mig: &mut MigrationStatus, now: &str, reason: &str) {
    let _ = ctx;
    for vs in mig.vms.iter_mut().filter(|v| v.phase != "Completed") {
        vs.phase = "Completed".into();
        vs.completed = Some(now.into());
        vs.conditions.push(cnd_json(
            "Canceled",
            "The migration has been canceled.",
            reason,
            now,
        ));
    }
}

fn end(mig: &mut MigrationStatus, cnd: &mut Conditions, now: &str, reason: Option<&str>) {
    let failed = mig.vms.iter().any(|v| v.has("Failed"));
    let succeeded = mig.vms.iter().any(|v| v.has("Succeeded"));
    let (kind, msg) = if failed {
        ("Failed", "The plan execution has FAILED.")
    } else if succeeded && reason.is_none() {
        ("Succeeded", "The plan execution has SUCCEEDED.")
    } else {
        ("Canceled", "The plan execution has been CANCELED.")
    };
    if let Some(snap) = mig.history.last_mut() {
        let mut conds: Vec<Value> = snap
            .get("conditions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|c| text(c, "/type") != "Executing")
            .collect();
        conds.push(cnd_json(kind, msg, reason.unwrap_or(""), now));
        super::super::json_edit::put(snap, "/conditions", json!(conds));
    }
    mig.completed = Some(now.into());
    cnd.delete("Executing");
    let mut c = Cnd::new(kind, ADVISORY, reason.unwrap_or(""), msg).durable();
    c.status = true;
    cnd.set(c);
}

/// Marks a step failed.
pub fn fail_step(vs: &mut VmStatus, step: Option<&str>, phase: &str, msg: &str, now: &str) {
    if let Some(s) = step.and_then(|s| vs.step_mut(s)) {
        s.error = Some(StepError {
            phase: phase.into(),
            reasons: vec![msg.into()],
        });
        s.completed = Some(now.into());
        s.phase = "Completed".into();
    }
}
