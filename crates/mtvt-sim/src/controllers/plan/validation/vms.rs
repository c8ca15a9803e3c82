//! The per-VM checks of plan validation: each VM of the plan that has not succeeded yet is
//! looked up at the source and checked for its names, an existing target, unmapped networks
//! and storage, the pod network, host maintenance, guest information, CBT and snapshots for
//! warm migration, disk sizes, MAC conflicts, mixed copy methods and its PVC name template.
//! What is found goes to [`super::vm_concerns`].

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use mtvt_gotemplate::forklift::{PvcNameData, validate_pvc_name_template};
use mtvt_k8s_names::is_dns1123_subdomain;
use serde_json::Value;

use super::super::super::Ctx;
use super::super::super::catalog::{Lookup, SourceDisk, SourceView, SourceVm, SrcRef};
use super::super::super::conditions::{CRITICAL, Cnd, Conditions};
use super::super::super::json_edit::text;
use super::super::status::VmStatus;
use super::destination::{DestinationVms, mac_conflict_text};
use super::maps::{network_entry, reference_ids, storage_entry, uses_offload};
use super::{Referenced, is_warm, vm_concerns};
use crate::store::object;

/// The VMs found with each concern (by finding key), messages that replace a concern's
/// standard text, and what uniqueness checks have seen.
#[derive(Default)]
struct Findings {
    items: BTreeMap<&'static str, Vec<String>>,
    messages: BTreeMap<&'static str, String>,
    seen_ids: HashSet<String>,
    seen_targets: HashSet<String>,
    template_errors: Vec<String>,
}

impl Findings {
    fn add(&mut self, key: &'static str, vm: &str) {
        self.items.entry(key).or_default().push(vm.to_string());
    }

    /// Appends `text` to the concern's message (`; `-separated), as upstream builds it.
    fn say(&mut self, key: &'static str, text: &str) {
        let m = self.messages.entry(key).or_default();
        if !m.is_empty() {
            m.push_str("; ");
        }
        m.push_str(text);
    }
}

/// What every VM of a plan is checked against.
struct VmCheck<'a> {
    plan: &'a Value,
    r: &'a Referenced,
    view: SourceView<'a>,
    stype: String,
    warm: bool,
    tns: &'a str,
    preserve_ips: bool,
    net_ids: HashSet<String>,
    sto_ids: HashSet<String>,
    offload: bool,
    /// The VMs the destination inventory lists.
    dest: DestinationVms,
}

/// The per-VM checks.
pub fn validate_vms(
    ctx: &Ctx,
    plan: &Value,
    r: &Referenced,
    statuses: &[VmStatus],
    cnd: &mut Conditions,
) {
    let Some(check) = VmCheck::new(ctx, plan, r) else {
        return;
    };
    let mut found = Findings::default();
    for spec_vm in plan
        .pointer("/spec/vms")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        check.vm(spec_vm, statuses, &mut found, cnd);
    }
    vm_concerns::emit(found.items, found.messages, found.template_errors, cnd);
}

impl<'a> VmCheck<'a> {
    fn new(ctx: &'a Ctx, plan: &'a Value, r: &'a Referenced) -> Option<Self> {
        let source = r.source.as_ref()?;
        let view = SourceView::open(ctx, source)?;
        let stype = text(source, "/spec/type").to_string();
        let ids = |m: &Option<Arc<Value>>| m.as_ref().map(|m| reference_ids(m)).unwrap_or_default();
        let offload = r.storage_map.as_ref().is_some_and(|m| uses_offload(m)) && stype == "vsphere";
        let dest = DestinationVms::list(ctx, r.destination.as_deref());
        Some(VmCheck {
            plan,
            r,
            view,
            warm: is_warm(plan),
            tns: text(plan, "/spec/targetNamespace"),
            preserve_ips: plan
                .pointer("/spec/preserveStaticIPs")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            net_ids: ids(&r.network_map),
            sto_ids: ids(&r.storage_map),
            offload,
            stype,
            dest,
        })
    }

    /// Checks one VM of the plan (skipped once it succeeded).
    fn vm(&self, spec_vm: &Value, statuses: &[VmStatus], f: &mut Findings, cnd: &mut Conditions) {
        let sref = SrcRef::from_json(spec_vm);
        let status = statuses.iter().find(|s| {
            (!sref.id.is_empty() && s.id == sref.id) || (sref.id.is_empty() && s.name == sref.name)
        });
        if status.is_some_and(|s| s.has("Succeeded")) {
            return;
        }
        if sref.not_set() && sref.id.is_empty() {
            cnd.set(Cnd::new(
                "VMRefNotValid",
                CRITICAL,
                "NotSet",
                "Either `ID` or `Name` required.",
            ));
            return;
        }
        let vm = match self.view.vm(&sref) {
            Ok(v) => v,
            Err(Lookup::NotFound) => return f.add("notFound", &sref.display()),
            Err(Lookup::Ambiguous) => return f.add("ambiguous", &sref.display()),
        };
        // The inventory lookup fills the ref's id and name, which every later item shows
        // (pkg/controller/provider/web/vsphere/client.go:279-289).
        let disp = SrcRef {
            id: vm.id.clone(),
            name: vm.name.clone(),
            ..sref.clone()
        }
        .display();
        names(spec_vm, &vm, &disp, f);
        let target = target_name(spec_vm, status, &vm);
        // Upstream looks the target up by `targetName`, else the source name as it is.
        let lookup = Some(text(spec_vm, "/targetName"))
            .filter(|t| !t.is_empty())
            .unwrap_or(&vm.name);
        if status.is_none() && self.dest.exists(self.tns, lookup) {
            f.add("alreadyExists", &disp);
        }
        self.mappings(&vm, &disp, f);
        if vm.host_in_maintenance {
            f.add("maintenance", &disp);
        }
        self.guest(&vm, &disp, f);
        self.disks_and_macs(&vm, &disp, f);
        self.pvc_template(spec_vm, &vm, &target, &disp, f);
    }

    /// Unmapped networks and storage, more than one NIC on the pod network.
    fn mappings(&self, vm: &SourceVm, disp: &str, f: &mut Findings) {
        if let Some(nm) = &self.r.network_map {
            if vm.nics.iter().any(|n| !self.net_ids.contains(&n.network)) {
                f.add("unmappedNetwork", disp);
            }
            if !vm.nics.is_empty() {
                let pods = vm
                    .nics
                    .iter()
                    .filter(|n| {
                        network_entry(nm, &self.view, &n.network)
                            .is_some_and(|e| text(e, "/destination/type") == "pod")
                    })
                    .count();
                if pods > 1 {
                    f.add("multiplePod", disp);
                }
            }
        }
        if self.r.storage_map.is_some()
            && vm.disks.iter().any(|d| !self.sto_ids.contains(&d.storage))
        {
            f.add("unmappedStorage", disp);
        }
    }

    /// vSphere guest information, tools, the warm-migration prerequisites, and disks VDDK
    /// cannot copy (RDM, independent) when the plan does not offload.
    fn guest(&self, vm: &SourceVm, disp: &str, f: &mut Findings) {
        if self.stype != "vsphere" {
            return;
        }
        let guest_networks = vm.tools_running && vm.nics.iter().any(|n| !n.ips.is_empty());
        if self.preserve_ips && !vm.nics.is_empty() && !guest_networks {
            f.add("missingIPs", disp);
        }
        if vm.power_on && !vm.tools_running {
            f.add("tools", disp);
        }
        if self.warm && !vm.cbt {
            f.add("cbt", disp);
        }
        if self.warm && vm.snapshots > 0 {
            f.add("snapshots", disp);
            // adapter/vsphere/validator.go:593 replaces the text (no final period).
            f.messages.insert(
                "snapshots",
                "VM has pre-existing snapshots which are incompatible with warm migration".into(),
            );
        }
        if !self.offload {
            let rdm = |d: &SourceDisk| d.rdm.as_ref().is_some_and(|r| !self.warm || r.physical);
            if vm.disks.iter().any(rdm) {
                f.add("rdm", disp);
            }
            if vm.disks.iter().any(|d| d.independent) {
                f.add("independent", disp);
            }
        }
    }

    /// Disk sizes, MACs taken on the destination, and disks outside the offload plugin.
    fn disks_and_macs(&self, vm: &SourceVm, disp: &str, f: &mut Findings) {
        if vm.disks.iter().any(|d| d.capacity == 0) && self.stype != "openshift" {
            f.add("diskSizes", disp);
        }
        let conflicts = self.dest.mac_conflicts(vm);
        if self.stype != "openshift" && !conflicts.is_empty() {
            f.add("mac", disp);
            f.say("mac", &mac_conflict_text(disp, &conflicts));
        }
        if self.offload
            && let Some(sm) = &self.r.storage_map
            && vm.disks.iter().any(|d| {
                storage_entry(sm, &self.view, &d.storage)
                    .is_some_and(|e| e.pointer("/offloadPlugin").is_none())
            })
        {
            f.add("mixed", disp);
        }
    }

    /// The PVC name template (the VM's, else the plan's) against the VM's disks.
    fn pvc_template(
        &self,
        spec_vm: &Value,
        vm: &SourceVm,
        target: &str,
        disp: &str,
        f: &mut Findings,
    ) {
        let tpl = Some(text(spec_vm, "/pvcNameTemplate"))
            .filter(|t| !t.is_empty())
            .or(Some(text(self.plan, "/spec/pvcNameTemplate")).filter(|t| !t.is_empty()));
        let Some(tpl) = tpl else {
            return;
        };
        let disks: Vec<PvcNameData> = vm
            .disks
            .iter()
            .enumerate()
            .map(|(i, d)| pvc_data(self.plan, vm, target, i, d))
            .collect();
        let errs = validate_pvc_name_template(Some(&self.stype), tpl, &disks);
        // Only what Forklift itself rejects (mtvt's extra static checks carry no Go message).
        if let Some(e) = errs.iter().find(|e| e.go_message.is_some()) {
            let msg = e.go_message.clone().unwrap_or_else(|| e.message.clone());
            f.template_errors
                .push(format!("{disp} template:{tpl} error:{msg}"));
        }
    }
}

/// Target names: DNS-1123, unique among the plan's VMs; source VMs listed once.
fn names(spec_vm: &Value, vm: &SourceVm, disp: &str, f: &mut Findings) {
    let tname = text(spec_vm, "/targetName");
    if tname.is_empty() {
        if !is_dns1123_subdomain(&vm.name) {
            f.add("nameNotValid", disp);
        }
    } else if !is_dns1123_subdomain(tname) {
        f.add("targetNameInvalid", disp);
    }
    if !f.seen_ids.insert(vm.id.clone()) {
        f.add("notUnique", disp);
    }
    if !tname.is_empty() && !f.seen_targets.insert(tname.to_string()) {
        f.add("targetNotUnique", disp);
    }
}

/// The target VM name (`targetName`, the recorded `newName`, or the source name when valid).
pub fn target_name(spec_vm: &Value, status: Option<&VmStatus>, vm: &SourceVm) -> String {
    mtvt_vocab::resolve_target_vm_name(
        Some(text(spec_vm, "/targetName")).filter(|s| !s.is_empty()),
        status
            .map(|s| s.new_name.as_str())
            .filter(|s| !s.is_empty()),
        &vm.name,
        &vm.id,
    )
}

/// The PVC template data of disk `i` of `vm`.
pub fn pvc_data(
    plan: &Value,
    vm: &SourceVm,
    target: &str,
    i: usize,
    d: &SourceDisk,
) -> PvcNameData {
    let spec_vm = plan
        .pointer("/spec/vms")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|v| text(v, "/id") == vm.id || text(v, "/name") == vm.name)
        });
    // `rootDisk: /dev/sdX` → X - 'a' (default 0).
    let root = spec_vm
        .map(|v| text(v, "/rootDisk"))
        .and_then(|r| r.strip_prefix("/dev/sd"))
        .and_then(|x| x.bytes().next())
        .map_or(0, |b| i64::from(b.saturating_sub(b'a')));
    let file = d
        .file
        .rsplit(['/', ' '])
        .next()
        .unwrap_or(&d.file)
        .to_string();
    let (pvc_ns, pvc_name) = d.pvc.clone().unwrap_or_default();
    PvcNameData {
        vm_name: vm.name.clone(),
        target_vm_name: target.to_string(),
        plan_name: object::name(plan).to_string(),
        disk_index: i as i64,
        root_disk_index: root,
        shared: d.shared,
        file_name: file,
        vm_id: vm.id.clone(),
        win_drive_letter: String::new(),
        source_pvc_name: pvc_name,
        source_pvc_namespace: pvc_ns,
        volume_id: String::new(),
        snapshot_id: String::new(),
        disk_id: d.id.clone(),
    }
}
