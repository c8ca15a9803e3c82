//! What each itinerary phase does on the cluster and the source (`enter`), when it is done
//! (`check`), and how a VM ends (`succeed_vm`, `fail_vm`, `cancel_vm`): power handling,
//! DataVolumes and populator PVCs, the virt-v2v pod, snapshots and checkpoints of warm
//! migrations, the target VirtualMachine, cleanup. Each concern has its module; this one
//! dispatches on the phase.

mod conversion;
mod copy;
mod finish;
mod target;
mod v2v_image;
mod volumes;
mod warm;

pub use finish::{
    cancel_vm, cleanup_canceled, delete_vm_on_fail, fail_vm, succeed_vm, vm_condition,
};

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::super::catalog::SourceVm;
use super::super::gvr;
use super::super::json_edit::text;
use super::execute::Env;
use super::itinerary::{self, Flags};
use super::status::VmStatus;
use super::timing;
use crate::lab::ProviderKind;
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

pub(super) fn selector(env: &Env<'_>, vs: &VmStatus) -> ListOptions {
    let s = format!("migration={},vmID={}", env.run.migration_uid, vs.id);
    ListOptions {
        labels: LabelSelector::parse(&s).unwrap_or_default(),
        ..Default::default()
    }
}

pub(super) fn tns<'a>(env: &'a Env<'_>) -> &'a str {
    text(env.plan, "/spec/targetNamespace")
}

/// The VM's DataVolumes (and populator PVCs for offloaded disks), ordered by disk index; in a
/// Migration resuming a conversion, the disk PVCs an earlier one copied ([`resume_pvcs`]).
pub(super) fn volumes(env: &Env<'_>, vs: &VmStatus) -> Vec<(String, std::sync::Arc<Value>)> {
    if env.resume() {
        return resume_pvcs(env, vs)
            .into_iter()
            .map(|p| ("pvc".to_string(), p))
            .collect();
    }
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

/// The label value that finds a VM's disks again: the vSphere UUID, else the VM id
/// (`vmUUIDFromInventory`, kubevirt.go:2157-2170).
pub(super) fn vm_uuid(env: &Env<'_>, vm: &SourceVm) -> String {
    if env.view.kind() == ProviderKind::Vsphere && !vm.uuid.is_empty() {
        vm.uuid.clone()
    } else {
        vm.id.clone()
    }
}

/// The disk PVCs of a VM whatever Migration made them (`listDiskPVCsByUUID`,
/// kubevirt.go:2117-2150): labels `vmID` and `vmUUID`, no `prime-` PVC, only PVCs with a
/// disk-source annotation, by disk index.
pub(super) fn resume_pvcs(env: &Env<'_>, vs: &VmStatus) -> Vec<std::sync::Arc<Value>> {
    let Ok(vm) = env.view.vm(&super::super::catalog::SrcRef {
        id: vs.id.clone(),
        ..Default::default()
    }) else {
        return Vec::new();
    };
    let opts = ListOptions {
        labels: LabelSelector::parse(&format!("vmID={},vmUUID={}", vs.id, vm_uuid(env, &vm)))
            .unwrap_or_default(),
        ..Default::default()
    };
    let mut pvcs: Vec<std::sync::Arc<Value>> = env
        .ctx
        .store
        .list(&gvr::pvcs(), Some(tns(env)), &opts)
        .map(|l| l.items)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| !object::name(p).starts_with("prime-"))
        .filter(|p| !text(p, "/metadata/annotations/forklift.konveyor.io~1disk-source").is_empty())
        .collect();
    pvcs.sort_by_key(|o| {
        text(o, "/metadata/annotations/forklift.konveyor.io~1disk-index")
            .parse::<usize>()
            .unwrap_or(0)
    });
    pvcs
}

/// `ValidateResumePVCs` (kubevirt.go:2178-2216): reusable PVCs exist and are `Bound`.
fn validate_resume_pvcs(env: &Env<'_>, vs: &VmStatus) -> Result<(), String> {
    let pvcs = resume_pvcs(env, vs);
    let fail = |m: String| Err(format!("Resume-conversion PVC validation failed: {m}"));
    if pvcs.is_empty() {
        return fail(format!(
            "no reusable PVCs found for VM {:?} in namespace {:?}",
            vs.id,
            tns(env)
        ));
    }
    if let Some(p) = pvcs.iter().find(|p| text(p, "/status/phase") != "Bound") {
        return fail(format!(
            "PVC {:?} is not Bound (phase={}); cannot resume conversion",
            object::name(p),
            text(p, "/status/phase")
        ));
    }
    Ok(())
}

pub(super) fn progress_of(o: &Value) -> f64 {
    let p = text(o, "/status/progress")
        .trim_end_matches('%')
        .parse::<f64>()
        .unwrap_or(0.0);
    (p / 100.0).clamp(0.0, 1.0)
}

pub(super) fn source_power_off(env: &Env<'_>, vm: &SourceVm) {
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

pub(super) fn source_power_on(env: &Env<'_>, vm: &SourceVm) {
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

pub(super) fn source_is_off(env: &Env<'_>, vm: &SourceVm) -> bool {
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
        // Resuming: the disks an earlier Migration copied must be there (migration.go:896-922).
        "Started" if flags.resume => validate_resume_pvcs(env, vs)?,
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
            volumes::create_volumes(env, flags, vs, spec_vm, vm).map_err(|e| e.message)?
        }
        "CreateGuestConversionPod" => {
            // Every disk is copied: a failed conversion can now be resumed (migration.go:1607-1612).
            if !vs.disks_copied && !flags.resume && flags.separate_copy_and_conversion() {
                vs.disks_copied = true;
            }
            conversion::create_conversion_pod(env, vs).map_err(|e| e.message)?
        }
        "CreateVM" => target::create_vm(env, flags, vs, spec_vm, vm).map_err(|e| e.message)?,
        "CreateInitialSnapshot" | "CreateSnapshot" | "CreateFinalSnapshot" => {
            warm::create_snapshot(env, vs, vm, &now)?
        }
        "StoreInitialSnapshotDeltas" | "StoreSnapshotDeltas" => warm::store_deltas(vs, vm, &now),
        "RemovePreviousSnapshot" | "RemovePenultimateSnapshot" | "RemoveFinalSnapshot" => {
            warm::remove_snapshot(env, vs, vm)
        }
        "AddCheckpoint" | "AddFinalCheckpoint" => {
            warm::add_checkpoint(env, vs, vs.phase == "AddFinalCheckpoint")
                .map_err(|e| e.message)?
        }
        _ => {}
    }
    Ok(())
}

pub(super) fn due(
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
            copy::copy_disks(env, flags, vs, now, &now_s, fallback)
        }
        "CopyingPaused" => warm::copying_paused(env, vs, now),
        "AddCheckpoint" => match timed(due(env, flags, vs, vm, entered, base)) {
            Outcome::Done(_) => Outcome::Done(Some("CopyDisks")),
            o => o,
        },
        "CopyDisksVirtV2V" => copy::copy_disks_v2v(env, flags, vs, vm, entered, now, &now_s),
        "ConvertGuest" => conversion::convert_guest(
            env,
            flags,
            vs,
            vm,
            (entered, due(env, flags, vs, vm, entered, base)),
        ),
        "CreateVM" => {
            let _ = spec_vm;
            timed(due(env, flags, vs, vm, entered, base))
        }
        _ => timed(due(env, flags, vs, vm, entered, base)),
    })
}
