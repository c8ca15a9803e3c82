//! Resuming a failed conversion (`Migration.spec.resumeConversion`): whether the plan can
//! resume at all (migration.go:216-245), each resumable VM's status reset for the
//! ResumeConversion itinerary with its copied disks kept (migrator/base/migrator.go:56-71),
//! the failed run's conversion pod removed (`deleteStaleConversionWorkloads`,
//! migration.go:621-650), and the Plan's `ConversionResumable` condition
//! (validation.go:2525-2560). It never deletes the copied PVCs.

use serde_json::{Value, json};

use super::super::super::catalog::{SourceVm, SrcRef};
use super::super::super::conditions::{ADVISORY, CRITICAL, Cnd, Conditions};
use super::super::super::json_edit::{put, text};
use super::super::super::{Ctx, gvr};
use super::super::itinerary::Flags;
use super::super::status::VmStatus;
use super::super::validation::Referenced;
use super::MigrationStatus;
use super::begin::{flags_of, fresh_status};
use crate::store::{LabelSelector, ListOptions, object};

/// Why Migration `m` cannot resume a conversion of `plan`, if it cannot: a VM whose copy
/// and conversion are one virt-v2v run, or no VM that failed with its disks copied.
pub(super) fn blocker(
    ctx: &Ctx,
    plan: &Value,
    refd: &Referenced,
    m: &Value,
    spec_vms: &[Value],
    mig: &MigrationStatus,
) -> Option<String> {
    let source = refd
        .source
        .as_ref()
        .and_then(|s| super::super::super::catalog::SourceView::open(ctx, s));
    let mut resumable = false;
    for spec_vm in spec_vms {
        let sref = SrcRef::from_json(spec_vm);
        let found = source.as_ref().and_then(|v| v.vm(&sref).ok());
        if !flags_of(ctx, plan, refd, m, spec_vm, found.as_ref()).separate_copy_and_conversion() {
            return Some(format!(
                "Resume conversion is not supported for VM {:?}: disk copy and conversion are not separate phases.",
                sref.id
            ));
        }
        let id = found.as_ref().map_or(sref.id.clone(), |v| v.id.clone());
        resumable |= mig
            .vms
            .iter()
            .any(|s| s.id == id && s.disks_copied && s.has("Failed"));
    }
    (!resumable).then(|| {
        "Resume conversion requires VMs with completed disk copy (DisksCopied=true).".to_string()
    })
}

/// The snapshot of a Migration that could not resume fails (Critical, durable) before any
/// VM is reset; the Plan shows it (controller.go:503-517).
pub(super) fn fail_snapshot(mig: &mut MigrationStatus, cnd: &mut Conditions, msg: &str, now: &str) {
    let c = json!({"type": "Failed", "status": "True", "category": CRITICAL, "message": msg,
        "lastTransitionTime": now, "durable": true});
    if let Some(snap) = mig.history.last_mut() {
        put(snap, "/conditions", json!([c]));
    }
    cnd.delete("Executing");
    cnd.set(Cnd::new("Failed", CRITICAL, "", msg).durable());
}

/// `Reset` of a resumed VM: failure and cancel conditions, error, times and pipeline go, the
/// first phase of the ResumeConversion itinerary comes; `disksCopied`, the warm state and
/// the rest of the status stay.
pub(super) fn reset(
    old: &VmStatus,
    spec_vm: &Value,
    flags: &Flags,
    found: Option<&SourceVm>,
) -> VmStatus {
    let fresh = fresh_status(old.id.clone(), old.name.clone(), spec_vm, flags, found);
    let mut vs = old.clone();
    vs.conditions
        .retain(|c| !matches!(text(c, "/type"), "Failed" | "Canceled"));
    vs.phase = fresh.phase;
    vs.pipeline = fresh.pipeline;
    vs.error = None;
    vs.started = None;
    vs.completed = None;
    vs
}

/// Deletes the conversion pods an earlier Migration of the plan left for VM `id`.
pub(super) fn delete_stale_pods(ctx: &Ctx, plan: &Value, id: &str) {
    let tns = text(plan, "/spec/targetNamespace");
    let opts = ListOptions {
        labels: LabelSelector::parse(&format!(
            "plan={},vmID={id},forklift.app=virt-v2v",
            object::uid(plan)
        ))
        .unwrap_or_default(),
        ..Default::default()
    };
    for p in ctx
        .store
        .list(&gvr::pods(), Some(tns), &opts)
        .map(|l| l.items)
        .unwrap_or_default()
    {
        let _ = ctx.store.delete(&gvr::pods(), tns, object::name(&p));
    }
}

/// `checkConversionResumable` (validation.go:2525-2560): on a Failed plan, the VMs that
/// failed with their disks copied.
pub fn conversion_resumable(cnd: &mut Conditions, mig: &MigrationStatus) {
    cnd.delete("ConversionResumable");
    if !cnd.has("Failed") {
        return;
    }
    let names: Vec<&str> = mig
        .vms
        .iter()
        .filter(|v| v.disks_copied && v.has("Failed"))
        .map(|v| v.name.as_str())
        .collect();
    if names.is_empty() {
        return;
    }
    cnd.set(
        Cnd::new(
            "ConversionResumable",
            ADVISORY,
            "",
            &format!(
                "{} VM(s) have migrated disks available for conversion resume: {}",
                names.len(),
                names.join(", ")
            ),
        )
        .durable(),
    );
}
