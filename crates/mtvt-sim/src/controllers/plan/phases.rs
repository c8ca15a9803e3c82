//! What each itinerary phase does on the cluster and the source (`enter`), when it is done
//! (`check`), and how a VM ends (`succeed_vm`, `fail_vm`, `cancel_vm`): power handling,
//! DataVolumes and populator PVCs, the virt-v2v pod, snapshots and checkpoints of warm
//! migrations, the target VirtualMachine, cleanup.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::super::catalog::{SourceDisk, SourceVm};
use super::super::json_edit::{put, text};
use super::super::{Guest, gvr};
use super::builder::{self, vm_labels};
use super::execute::{Env, fail_step};
use super::itinerary::{self, Flags};
use super::status::VmStatus;
use super::status::{Precopy, Progress, StepError};
use super::timing::{self, COPY_BYTES_PER_SEC};
use crate::lab::{ProviderKind, SnapshotSpec};
use crate::store::{ApiError, LabelSelector, ListOptions, object};

/// What a phase check says.
pub enum Outcome {
    /// Done: go to the given phase, or the itinerary's next one.
    Done(Option<&'static str>),
    /// Not yet: look again at this virtual time (or on the next event).
    Wait(Option<DateTime<Utc>>),
    /// The phase failed.
    Fail(String),
}

fn selector(env: &Env<'_>, vs: &VmStatus) -> ListOptions {
    let s = format!("migration={},vmID={}", env.run.migration_uid, vs.id);
    ListOptions {
        labels: LabelSelector::parse(&s).unwrap_or_default(),
        ..Default::default()
    }
}

fn tns<'a>(env: &'a Env<'_>) -> &'a str {
    text(env.plan, "/spec/targetNamespace")
}

/// The VM's DataVolumes (and populator PVCs for offloaded disks), ordered by disk index.
fn volumes(env: &Env<'_>, vs: &VmStatus) -> Vec<(String, std::sync::Arc<Value>)> {
    let mut out = Vec::new();
    let opts = selector(env, vs);
    for (kind, g) in [("dv", gvr::data_volumes()), ("pvc", gvr::pvcs())] {
        for o in env
            .ctx
            .store
            .list(&g, Some(tns(env)), &opts)
            .map(|l| l.items)
            .unwrap_or_default()
        {
            if kind == "pvc" && o.pointer("/spec/dataSourceRef").is_none() {
                continue;
            }
            out.push((kind.to_string(), o));
        }
    }
    out.sort_by_key(|(_, o)| {
        text(o, "/metadata/annotations/forklift.konveyor.io~1disk-index")
            .parse::<usize>()
            .unwrap_or(0)
    });
    out
}

fn progress_of(o: &Value) -> f64 {
    let p = text(o, "/status/progress")
        .trim_end_matches('%')
        .parse::<f64>()
        .unwrap_or(0.0);
    (p / 100.0).clamp(0.0, 1.0)
}

fn source_power_off(env: &Env<'_>, vm: &SourceVm) {
    match &vm.lab_provider {
        Some(p) => {
            let _ = env.ctx.lab.power_off(p, &vm.id);
        }
        None => {
            let _ =
                super::super::kubevirt_api::act(&env.ctx.store, &vm.namespace, &vm.name, "stop");
        }
    }
}

fn source_power_on(env: &Env<'_>, vm: &SourceVm) {
    match &vm.lab_provider {
        Some(p) => {
            let _ = env.ctx.lab.power_on(p, &vm.id);
        }
        None => {
            let _ =
                super::super::kubevirt_api::act(&env.ctx.store, &vm.namespace, &vm.name, "start");
        }
    }
}

fn source_is_off(env: &Env<'_>, vm: &SourceVm) -> bool {
    match &vm.lab_provider {
        Some(p) => env
            .ctx
            .lab
            .find_vm(p, &vm.id)
            .is_ok_and(|v| v.power == crate::lab::PowerState::Off),
        None => env
            .ctx
            .store
            .get(&gvr::vmis(), &vm.namespace, &vm.name)
            .is_err(),
    }
}

/// Side effects of entering `vs.phase`. `Err` fails the VM with that message.
pub fn enter(
    env: &Env<'_>,
    flags: &Flags,
    vs: &mut VmStatus,
    spec_vm: &Value,
    vm: Option<&SourceVm>,
) -> Result<(), String> {
    let Some(vm) = vm else {
        return Err(format!("VM {} not found in the source inventory.", vs.id));
    };
    let now = env.ctx.now();
    match vs.phase.as_str() {
        "PreHook" | "PostHook" => {
            super::hooks::ensure_job(env, vs, spec_vm, &vs.phase.clone()).map_err(|e| e.message)?
        }
        "StorePowerState" => {
            vs.restore_power_state = if env.view.kind() == ProviderKind::Ova {
                String::new()
            } else if vm.power_on {
                "On".into()
            } else {
                "Off".into()
            };
            vs.operating_system = vm.os.clone();
        }
        "PowerOffSource" if vm.power_on || !source_is_off(env, vm) => source_power_off(env, vm),
        "CreateDataVolumes" => {
            create_volumes(env, flags, vs, spec_vm, vm).map_err(|e| e.message)?
        }
        "CreateGuestConversionPod" => create_conversion_pod(env, vs).map_err(|e| e.message)?,
        "CreateVM" => create_vm(env, flags, vs, spec_vm, vm).map_err(|e| e.message)?,
        "CreateInitialSnapshot" | "CreateSnapshot" | "CreateFinalSnapshot" => {
            let mut p = Precopy {
                start: Some(now.clone()),
                ..Default::default()
            };
            if let Some(lp) = &vm.lab_provider {
                let s = env
                    .ctx
                    .lab
                    .create_snapshot(
                        lp,
                        &vm.id,
                        SnapshotSpec {
                            name: "forklift-migration-precopy".into(),
                            description: String::new(),
                            memory: false,
                            quiesce: false,
                        },
                    )
                    .map_err(|e| e.to_string())?;
                p.snapshot = s.id.clone();
                p.create_task_id = format!("task-{}", s.id);
            }
            if let Some(w) = vs.warm.as_mut() {
                w.precopies.push(p);
            }
        }
        "StoreInitialSnapshotDeltas" | "StoreSnapshotDeltas" => {
            let deltas: Vec<Value> = vm
                .disks
                .iter()
                .map(|d| json!({"disk": d.file, "deltaId": format!("52 {}/{}", d.key, now)}))
                .collect();
            if let Some(p) = vs.warm.as_mut().and_then(|w| w.precopies.last_mut()) {
                p.deltas = deltas;
            }
        }
        "RemovePreviousSnapshot" | "RemovePenultimateSnapshot" | "RemoveFinalSnapshot" => {
            // The last precopy's snapshot: its changed blocks are copied and its change ids
            // stored, so the next delta starts from a new snapshot.
            let snap = vs
                .warm
                .as_ref()
                .and_then(|w| w.precopies.last())
                .map(|p| p.snapshot.clone());
            if let (Some(lp), Some(s)) = (&vm.lab_provider, snap.filter(|s| !s.is_empty())) {
                let _ = env.ctx.lab.remove_snapshot(lp, &vm.id, &s);
                if let Some(p) = vs
                    .warm
                    .as_mut()
                    .and_then(|w| w.precopies.iter_mut().find(|p| p.snapshot == s))
                {
                    p.remove_task_id = format!("task-rm-{s}");
                }
            }
        }
        "AddCheckpoint" | "AddFinalCheckpoint" => {
            add_checkpoint(env, vs, vs.phase == "AddFinalCheckpoint").map_err(|e| e.message)?
        }
        _ => {}
    }
    Ok(())
}

fn checkpoint_names(vs: &VmStatus) -> (String, String) {
    let p = vs
        .warm
        .as_ref()
        .map(|w| w.precopies.as_slice())
        .unwrap_or_default();
    let cur = p.last().map(|p| p.snapshot.clone()).unwrap_or_default();
    let prev = p
        .len()
        .checked_sub(2)
        .and_then(|i| p.get(i))
        .map(|p| p.snapshot.clone())
        .unwrap_or_default();
    (prev, cur)
}

fn add_checkpoint(env: &Env<'_>, vs: &VmStatus, last: bool) -> Result<(), ApiError> {
    let (prev, cur) = checkpoint_names(vs);
    for (kind, o) in volumes(env, vs) {
        if kind != "dv" {
            continue;
        }
        let mut cps = o
            .pointer("/spec/checkpoints")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        cps.push(json!({"previous": prev, "current": cur}));
        env.ctx.store.merge_patch(
            &gvr::data_volumes(),
            tns(env),
            object::name(&o),
            &json!({"spec": {"checkpoints": cps, "finalCheckpoint": last}}),
        )?;
    }
    Ok(())
}

/// The storage-map entry with an XCOPY offload plugin that copies `disk`, as Forklift's
/// builder picks it: an RDM disk first goes to the one entry whose storage vendor is its
/// LUN's array's (Forklift reads the vendor from the NAA prefix), then, like any disk, to
/// the entry of its datastore (an RDM's is the mapping file's).
fn offload_entry<'a>(env: &'a Env<'_>, disk: &SourceDisk) -> Option<&'a Value> {
    let sm = env.refd.storage_map.as_deref()?;
    let offload = |e: &&Value| e.pointer("/offloadPlugin/vsphereXcopyConfig").is_some();
    if let Some(r) = &disk.rdm
        && let Some(vendor) = env
            .view
            .datastore(&r.array_datastore)
            .and_then(|d| d.vendor)
    {
        let by_vendor: Vec<&Value> = sm
            .pointer("/spec/map")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(offload)
            .filter(|e| text(e, "/offloadPlugin/vsphereXcopyConfig/storageVendorProduct") == vendor)
            .collect();
        if let [one] = by_vendor.as_slice() {
            return Some(one);
        }
    }
    super::validation::storage_entry(sm, &env.view, &disk.storage).filter(offload)
}

fn create_volumes(
    env: &Env<'_>,
    flags: &Flags,
    vs: &VmStatus,
    spec_vm: &Value,
    vm: &SourceVm,
) -> Result<(), ApiError> {
    if !volumes(env, vs).is_empty() {
        return Ok(());
    }
    let Some(sm) = env.refd.storage_map.as_deref() else {
        return Ok(());
    };
    let target = super::validation::target_name(spec_vm, Some(vs), vm);
    for (i, d) in vm.disks.iter().enumerate() {
        let mut dv = builder::data_volume(
            &env.run,
            env.plan,
            spec_vm,
            &env.view,
            sm,
            vm,
            &target,
            i,
            d,
            flags.v2v_copy,
            env.controller_pvc_template.as_deref(),
        );
        if flags.warm
            && let Some(p) = vs.warm.as_ref().and_then(|w| w.precopies.last())
        {
            put(
                &mut dv,
                "/spec/checkpoints",
                json!([{"previous": "", "current": p.snapshot}]),
            );
            put(&mut dv, "/spec/finalCheckpoint", json!(false));
        }
        if let Some(e) = offload_entry(env, d) {
            // Copy offload: a populator PVC instead of a DataVolume.
            let mut pvc = json!({
                "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": dv.get("metadata").cloned().unwrap_or(Value::Null),
                "spec": {
                    "accessModes": [Some(text(e, "/destination/accessMode")).filter(|s| !s.is_empty()).unwrap_or("ReadWriteOnce")],
                    "volumeMode": Some(text(e, "/destination/volumeMode")).filter(|s| !s.is_empty()).unwrap_or("Block"),
                    "resources": {"requests": {"storage": builder::quantity_bytes(d.capacity)}},
                    "storageClassName": text(e, "/destination/storageClass"),
                    "dataSourceRef": {"apiGroup": "forklift.konveyor.io", "kind": "VSphereXcopyVolumePopulator", "name": format!("{}-{}", vs.id, i)},
                },
            });
            put(
                &mut pvc,
                "/metadata/annotations/copy-offload",
                json!(d.file),
            );
            put(
                &mut pvc,
                "/metadata/annotations/forklift.konveyor.io~1xcopy-secret",
                json!(text(e, "/offloadPlugin/vsphereXcopyConfig/secretRef")),
            );
            put(
                &mut pvc,
                "/metadata/annotations/forklift.konveyor.io~1xcopy-vendor",
                json!(text(
                    e,
                    "/offloadPlugin/vsphereXcopyConfig/storageVendorProduct"
                )),
            );
            // The data sits on the datastore's array, or for an RDM on its LUN's array.
            let source_ds = d
                .rdm
                .as_ref()
                .map_or(d.storage.as_str(), |r| r.array_datastore.as_str());
            let xcopy = env.view.datastore(source_ds).is_some_and(|ds| ds.xcopy);
            put(
                &mut pvc,
                "/metadata/annotations/forklift.konveyor.io~1xcopy-capable",
                json!(if xcopy { "true" } else { "false" }),
            );
            if let Some(r) = &d.rdm {
                put(
                    &mut pvc,
                    "/metadata/annotations/forklift.konveyor.io~1rdm-lun",
                    json!(r.lun),
                );
            }
            if let Some(ds) = env.view.datastore(source_ds) {
                put(
                    &mut pvc,
                    "/metadata/annotations/forklift.konveyor.io~1datastore-vendor",
                    json!(ds.vendor.unwrap_or_default()),
                );
            }
            fix_meta_keys(&mut pvc);
            env.ctx.store.create(&gvr::pvcs(), tns(env), pvc)?;
        } else {
            env.ctx.store.create(&gvr::data_volumes(), tns(env), dv)?;
        }
    }
    Ok(())
}

/// Annotations set with `put` used `~1` for `/`; turn them back into real keys.
fn fix_meta_keys(obj: &mut Value) {
    if let Some(a) = obj
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        let keys: Vec<String> = a.keys().filter(|k| k.contains("~1")).cloned().collect();
        for k in keys {
            if let Some(v) = a.remove(&k) {
                a.insert(k.replace("~1", "/"), v);
            }
        }
    }
}

fn create_conversion_pod(env: &Env<'_>, vs: &VmStatus) -> Result<(), ApiError> {
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

fn finish_conversion_pod(env: &Env<'_>, vs: &VmStatus, ok: bool) {
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

fn create_vm(
    env: &Env<'_>,
    flags: &Flags,
    vs: &mut VmStatus,
    spec_vm: &Value,
    vm: &SourceVm,
) -> Result<(), ApiError> {
    let ctx = env.ctx;
    let ns = tns(env).to_string();
    let target = super::validation::target_name(spec_vm, Some(vs), vm);
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
        flags.windows_reboot,
    );
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
    ctx.guests.put(
        &ns,
        &target,
        Guest {
            hostname: vm.hostname.clone(),
            os: vm.os.clone(),
            agent: vm.tools_installed,
            ips: vm
                .nics
                .iter()
                .filter(|n| {
                    n.static_ip || env.view.kind() != ProviderKind::Vsphere || !n.ips.is_empty()
                })
                .map(|n| (n.mac.clone(), n.ips.clone()))
                .collect(),
        },
    );
    let owner = json!({"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine", "name": object::name(&created), "uid": object::uid(&created), "blockOwnerDeletion": true, "controller": false});
    for (kind, o) in &vols {
        let name = object::name(o).to_string();
        if let Ok(pvc) = ctx.store.get(&gvr::pvcs(), &ns, &name) {
            let mut refs = pvc
                .pointer("/metadata/ownerReferences")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if !refs
                .iter()
                .any(|r| text(r, "/uid") == object::uid(&created))
            {
                refs.push(owner.clone());
                ctx.store.merge_patch(
                    &gvr::pvcs(),
                    &ns,
                    &name,
                    &json!({"metadata": {"ownerReferences": refs}}),
                )?;
            }
        }
        if kind == "dv" {
            let _ = ctx.store.delete(&gvr::data_volumes(), &ns, &name);
        }
    }
    Ok(())
}

fn due(
    env: &Env<'_>,
    flags: &Flags,
    vs: &VmStatus,
    vm: Option<&SourceVm>,
    entered: DateTime<Utc>,
    base: std::time::Duration,
) -> DateTime<Utc> {
    let _ = vm;
    let step = itinerary::step_of(flags, &vs.phase);
    let d = timing::stretched(
        &env.ctx.lab.lab().faults,
        object::name(env.plan),
        &vs.name,
        &vs.phase,
        step,
        base,
    );
    entered + chrono::Duration::from_std(d).unwrap_or_default()
}

fn update_disk_progress(vs: &mut VmStatus, step: &str, fractions: &[f64], now: &str) {
    if let Some(s) = vs.step_mut(step) {
        let mut sum = 0;
        for (t, f) in s
            .tasks
            .iter_mut()
            .zip(fractions.iter().chain(std::iter::repeat(&0.0)))
        {
            t.progress.completed = (t.progress.total as f64 * f) as i64;
            sum += t.progress.completed;
            if *f >= 1.0 {
                t.phase = "Completed".into();
                t.reason = "Transfer completed.".into();
                t.completed.get_or_insert_with(|| now.into());
            } else if *f > 0.0 {
                t.phase = "Running".into();
                t.started.get_or_insert_with(|| now.into());
            }
        }
        if s.tasks.is_empty() {
            let f = fractions.iter().sum::<f64>() / fractions.len().max(1) as f64;
            s.progress.completed = (s.progress.total as f64 * f) as i64;
        } else {
            s.progress.completed = sum;
        }
    }
}

/// Whether phase `vs.phase` is done.
pub fn check(
    env: &Env<'_>,
    flags: &Flags,
    vs: &mut VmStatus,
    spec_vm: &Value,
    vm: Option<&SourceVm>,
    entered: DateTime<Utc>,
) -> Result<Outcome, ApiError> {
    let now = env.ctx.clock.now();
    let now_s = env.ctx.now();
    let windows = vm.is_some_and(|v| v.windows);
    let base = timing::phase_duration(&vs.phase, windows);
    let timed = |t: DateTime<Utc>| {
        if now >= t {
            Outcome::Done(None)
        } else {
            Outcome::Wait(Some(t))
        }
    };
    let fallback = Some(now + chrono::Duration::seconds(30));
    Ok(match vs.phase.as_str() {
        "PreHook" | "PostHook" => super::hooks::outcome(env, vs, &vs.phase.clone()),
        "WaitForPowerOff" => match vm {
            Some(v) if !source_is_off(env, v) => Outcome::Wait(fallback),
            _ => timed(due(env, flags, vs, vm, entered, base)),
        },
        "CopyDisks" | "Finalize" | "AllocateDisks" => {
            let vols = volumes(env, vs);
            if vols.is_empty() {
                return Ok(Outcome::Fail(
                    "No DataVolumes were created for the VM disks.".into(),
                ));
            }
            let (_, cur) = checkpoint_names(vs);
            let warm_copy = flags.warm && vs.phase == "CopyDisks";
            let mut fractions = Vec::new();
            let mut done = true;
            for (kind, o) in &vols {
                let phase = text(o, "/status/phase");
                if phase == "Failed" {
                    let msg = o
                        .pointer("/status/conditions")
                        .and_then(Value::as_array)
                        .and_then(|a| a.iter().find(|c| text(c, "/type") == "Running"))
                        .map(|c| text(c, "/message").to_string())
                        .filter(|m| !m.is_empty())
                        .unwrap_or_else(|| format!("Import of {} failed.", object::name(o)));
                    return Ok(Outcome::Fail(msg));
                }
                let perr = text(
                    o,
                    "/metadata/annotations/forklift.konveyor.io~1populator-error",
                );
                if !perr.is_empty() {
                    return Ok(Outcome::Fail(perr.to_string()));
                }
                let ok = if kind == "pvc" {
                    phase == "Bound"
                } else if warm_copy {
                    text(
                        o,
                        "/metadata/annotations/cdi.kubevirt.io~1storage.checkpoint.copied",
                    ) == cur
                        || phase == "Succeeded"
                } else {
                    phase == "Succeeded"
                };
                done &= ok;
                fractions.push(if ok {
                    1.0
                } else if kind == "pvc" {
                    text(
                        o,
                        "/metadata/annotations/forklift.konveyor.io~1populator-progress",
                    )
                    .parse::<f64>()
                    .unwrap_or(0.0)
                        / 100.0
                } else {
                    progress_of(o)
                });
            }
            if vs.phase == "CopyDisks" && vs.warm.as_ref().is_none_or(|w| w.successes == 0) {
                update_disk_progress(vs, "DiskTransfer", &fractions, &now_s);
            }
            if !done {
                return Ok(Outcome::Wait(fallback));
            }
            if flags.warm
                && vs.phase == "Finalize"
                && let Some(p) = vs.warm.as_mut().and_then(|w| w.precopies.last_mut())
            {
                p.end = Some(now_s.clone());
            }
            if warm_copy {
                let next = now + env.precopy_interval;
                if let Some(w) = vs.warm.as_mut() {
                    w.successes += 1;
                    w.consecutive_failures = 0;
                    w.next_precopy_at =
                        Some(next.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                    if let Some(p) = w.precopies.last_mut() {
                        p.end = Some(now_s.clone());
                    }
                }
            }
            Outcome::Done(None)
        }
        "CopyingPaused" => {
            let cutover = env
                .migration
                .pointer("/spec/vmCutover")
                .and_then(Value::as_array)
                .and_then(|a| a.iter().find(|c| text(c, "/id") == vs.id))
                .map(|c| text(c, "/cutover").to_string())
                .or_else(|| {
                    Some(text(&env.migration, "/spec/cutover").to_string())
                        .filter(|c| !c.is_empty())
                })
                .and_then(|c| DateTime::parse_from_rfc3339(&c).ok())
                .map(|t| t.to_utc());
            let next = vs
                .warm
                .as_ref()
                .and_then(|w| w.next_precopy_at.as_deref())
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.to_utc());
            if cutover.is_some_and(|c| c <= now) {
                Outcome::Done(Some("StorePowerState"))
            } else if next.is_none_or(|n| n <= now) {
                Outcome::Done(None)
            } else {
                let wake = match (cutover, next) {
                    (Some(c), Some(n)) => c.min(n),
                    (None, Some(n)) => n,
                    (Some(c), None) => c,
                    (None, None) => now,
                };
                Outcome::Wait(Some(wake))
            }
        }
        "AddCheckpoint" => match timed(due(env, flags, vs, vm, entered, base)) {
            Outcome::Done(_) => Outcome::Done(Some("CopyDisks")),
            o => o,
        },
        "CopyDisksVirtV2V" => {
            let total: u64 = vm
                .map(|v| v.disks.iter().map(|d| d.capacity).sum())
                .unwrap_or(0);
            let d = timing::copy_duration(total, COPY_BYTES_PER_SEC);
            let end = due(env, flags, vs, vm, entered, d);
            let span = (end - entered).num_milliseconds().max(1) as f64;
            let f = if now >= end {
                1.0
            } else {
                super::super::cdi::quarter((now - entered).num_milliseconds() as f64 / span)
            };
            // Disks are copied one after another.
            let sizes: Vec<u64> = vm
                .map(|v| v.disks.iter().map(|d| d.capacity).collect())
                .unwrap_or_default();
            let mut left = f * total as f64;
            let fractions: Vec<f64> = sizes
                .iter()
                .map(|s| {
                    let take = left.min(*s as f64);
                    left -= take;
                    if *s == 0 { 1.0 } else { take / *s as f64 }
                })
                .collect();
            update_disk_progress(vs, "DiskTransferV2v", &fractions, &now_s);
            if now >= end {
                finish_conversion_pod(env, vs, true);
                Outcome::Done(None)
            } else {
                let tick = (end - now).min(
                    chrono::Duration::milliseconds((span / 4.0) as i64)
                        .max(chrono::Duration::seconds(1)),
                );
                Outcome::Wait(Some(now + tick))
            }
        }
        "ConvertGuest" => match timed(due(env, flags, vs, vm, entered, base)) {
            Outcome::Done(n) => {
                if !flags.v2v_copy {
                    finish_conversion_pod(env, vs, true);
                }
                Outcome::Done(n)
            }
            o => o,
        },
        "CreateVM" => {
            let _ = spec_vm;
            timed(due(env, flags, vs, vm, entered, base))
        }
        _ => timed(due(env, flags, vs, vm, entered, base)),
    })
}

fn vm_condition(kind: &str, msg: &str, reason: &str, now: &str) -> Value {
    let mut c = json!({"type": kind, "status": "True", "category": "Advisory", "message": msg, "lastTransitionTime": now, "durable": true});
    if !reason.is_empty() {
        put(&mut c, "/reason", json!(reason));
    }
    c
}

/// Fails the VM at its current phase.
pub fn fail_vm(env: &Env<'_>, flags: &Flags, vs: &mut VmStatus, msg: &str) {
    let now = env.ctx.now();
    let step = itinerary::step_of(flags, &vs.phase);
    let phase = vs.phase.clone();
    fail_step(vs, step, &phase, msg, &now);
    let err = vs.error.get_or_insert_with(|| StepError {
        phase: phase.clone(),
        reasons: Vec::new(),
    });
    if !err.reasons.iter().any(|r| r == msg) {
        err.reasons.push(msg.into());
    }
    vs.phase = "Completed".into();
    vs.completed = Some(now.clone());
    vs.conditions.retain(|c| text(c, "/type") != "Failed");
    vs.conditions.push(vm_condition(
        "Failed",
        "The VM migration has FAILED.",
        "",
        &now,
    ));
    if let Some(w) = vs.warm.as_mut()
        && flags.warm
        && phase == "CopyDisks"
    {
        w.failures += 1;
        w.consecutive_failures += 1;
    }
}

/// Marks a VM that reached `Completed` without error as succeeded, and cleans up.
pub fn succeed_vm(env: &Env<'_>, vs: &mut VmStatus) {
    if vs.has("Succeeded") || vs.has("Failed") || vs.has("Canceled") {
        return;
    }
    let now = env.ctx.now();
    for s in vs.pipeline.iter_mut() {
        if s.phase != "Completed" {
            s.phase = "Completed".into();
            s.started.get_or_insert_with(|| now.clone());
            s.completed = Some(now.clone());
            s.progress = Progress {
                completed: s.progress.total,
                total: s.progress.total,
            };
        }
    }
    vs.completed = Some(now.clone());
    vs.conditions.push(vm_condition(
        "Succeeded",
        "The VM migration has SUCCEEDED.",
        "",
        &now,
    ));
    // Cleanup: hook Jobs (foreground), per-VM ConfigMaps and Secrets, populator pods.
    let opts = ListOptions {
        labels: LabelSelector::parse(&format!("plan={},vmID={}", env.run.plan_uid, vs.id))
            .unwrap_or_default(),
        ..Default::default()
    };
    let ns = object::namespace(env.plan).to_string();
    for g in [gvr::jobs(), gvr::config_maps()] {
        for o in env
            .ctx
            .store
            .list(&g, Some(&ns), &opts)
            .map(|l| l.items)
            .unwrap_or_default()
        {
            let _ = env.ctx.store.delete_with(
                &g,
                &ns,
                object::name(&o),
                &crate::store::DeleteOptions {
                    propagation: Some(crate::store::Propagation::Foreground),
                    ..Default::default()
                },
            );
        }
    }
}

/// Cancels a VM (`Migration.spec.cancel`): cleans up what was created and powers the source
/// back on when it was on.
pub fn cancel_vm(env: &Env<'_>, vs: &mut VmStatus) {
    let now = env.ctx.now();
    let ns = tns(env).to_string();
    let opts = selector(env, vs);
    for g in [gvr::vms(), gvr::data_volumes(), gvr::pvcs(), gvr::pods()] {
        for o in env
            .ctx
            .store
            .list(&g, Some(&ns), &opts)
            .map(|l| l.items)
            .unwrap_or_default()
        {
            let _ = env.ctx.store.delete(&g, &ns, object::name(&o));
        }
    }
    if vs.restore_power_state == "On"
        && let Ok(vm) = env.view.vm(&super::super::catalog::SrcRef {
            id: vs.id.clone(),
            ..Default::default()
        })
    {
        source_power_on(env, &vm);
    }
    vs.phase = "Completed".into();
    vs.completed = Some(now.clone());
    vs.conditions.push(vm_condition(
        "Canceled",
        "The migration has been canceled.",
        "UserRequested",
        &now,
    ));
}
