//! Plan validation (`pkg/controller/plan/validation.go` and the adapters' validators): the
//! provider pair, target namespace, maps, warm and migration-type support, hooks, name
//! templates and the per-VM checks, each as a staged condition with Forklift's type,
//! category, reason, message and `items`. `Ready` is decided by the caller.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use mtvt_gotemplate::forklift::{PvcNameData, TemplateKind, validate, validate_pvc_name_template};
use mtvt_k8s_names::is_dns1123_subdomain;
use serde_json::Value;

use super::super::catalog::{Lookup, SourceView, SourceVm, SrcRef};
use super::super::conditions::{CRITICAL, Cnd, Conditions, WARN, has_condition};
use super::super::json_edit::text;
use super::super::maps::validate_provider_pair;
use super::super::{Ctx, gvr};
use super::status::VmStatus;
use crate::lab::ProviderKind;
use crate::store::{ListOptions, object};

/// What validation resolved, for execution.
#[derive(Default)]
pub struct Referenced {
    /// Source Provider CR.
    pub source: Option<Arc<Value>>,
    /// Destination Provider CR.
    pub destination: Option<Arc<Value>>,
    /// NetworkMap.
    pub network_map: Option<Arc<Value>>,
    /// StorageMap.
    pub storage_map: Option<Arc<Value>>,
}

/// Whether the plan is warm (`warm: true` wins over `type`).
pub fn is_warm(plan: &Value) -> bool {
    plan.pointer("/spec/warm").and_then(Value::as_bool) == Some(true)
        || text(plan, "/spec/type") == "warm"
}

fn map_ref(ctx: &Ctx, plan: &Value, which: &str, cnd: &mut Conditions) -> Option<Arc<Value>> {
    let (ref_type, not_ready, label, g) = if which == "network" {
        (
            "NetworkMapRefNotValid",
            "NetworkMapNotReady",
            "Network",
            gvr::network_maps(),
        )
    } else {
        (
            "StorageRefNotValid",
            "StorageMapNotReady",
            "Storage",
            gvr::storage_maps(),
        )
    };
    let ns = text(plan, &format!("/spec/map/{which}/namespace"));
    let name = text(plan, &format!("/spec/map/{which}/name"));
    let msg = format!("Map.{label} is not valid.");
    if ns.is_empty() || name.is_empty() {
        cnd.set(Cnd::new(ref_type, CRITICAL, "NotSet", &msg));
        return None;
    }
    match ctx.store.get(&g, ns, name) {
        Err(_) => {
            cnd.set(Cnd::new(ref_type, CRITICAL, "NotFound", &msg));
            None
        }
        Ok(m) => {
            if !has_condition(&m, "Ready") {
                cnd.set(Cnd::new(
                    not_ready,
                    CRITICAL,
                    "",
                    &format!("Map.{label} does not have Ready condition."),
                ));
            }
            Some(m)
        }
    }
}

/// Validates the plan-level fields; returns what it resolved.
pub fn validate_plan(ctx: &Ctx, plan: &Value, cnd: &mut Conditions) -> Referenced {
    let mut r = Referenced::default();
    let (source, destination) = validate_provider_pair(ctx, plan.pointer("/spec/provider"), cnd);
    r.source = source;
    r.destination = destination;
    if cnd.has("SourceProviderNotReady") || r.source.is_none() {
        return r;
    }
    let tns = text(plan, "/spec/targetNamespace");
    if tns.is_empty() {
        cnd.set(Cnd::new(
            "NamespaceNotValid",
            CRITICAL,
            "NotSet",
            "Target namespace is not valid.",
        ));
    } else if !is_dns1123_subdomain(tns) {
        cnd.set(Cnd::new(
            "NamespaceNotValid",
            CRITICAL,
            "NotValid",
            "Target namespace is not valid.",
        ));
    }
    r.network_map = map_ref(ctx, plan, "network", cnd);
    if let Some(nm) = &r.network_map {
        let src_type = r
            .source
            .as_ref()
            .map(|s| text(s, "/spec/type").to_string())
            .unwrap_or_default();
        let preserve = plan
            .pointer("/spec/preserveStaticIPs")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let entries = nm
            .pointer("/spec/map")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if preserve
            && src_type == "vsphere"
            && entries
                .iter()
                .any(|e| text(e, "/destination/type") == "pod")
        {
            cnd.set(Cnd::new("NetMapPreservingIPsOnPodNetwork", WARN, "", "Your migration plan preserves the static IPs of VMs and uses Pod Networking target network mapping. This combination isn't supported, because VM IPs aren't preserved in Pod Networking migrations."));
        }
        for e in &entries {
            if text(e, "/destination/type") != "multus" {
                continue;
            }
            let dns = text(e, "/destination/namespace");
            if dns != tns && dns != "default" {
                cnd.set(Cnd::new("NetMapDestinationNADNotValid", CRITICAL, "NotValid", &format!(
                    "Destination NAD {dns}/{} must be in either the target namespace ({tns}) or the default namespace. Pods cannot reference network attachment definitions from other namespaces.",
                    text(e, "/destination/name"))));
                break;
            }
        }
    }
    if text(plan, "/spec/type") != "conversion" {
        r.storage_map = map_ref(ctx, plan, "storage", cnd);
    }
    if cnd.has_blocker() {
        return r;
    }
    let stype = r
        .source
        .as_ref()
        .map(|s| text(s, "/spec/type").to_string())
        .unwrap_or_default();
    // oVirt warm migration is behind the controller's feature gate (on unless the
    // ForkliftController sets `controller_ovirt_warm_migration: "false"`).
    let ovirt_warm = ovirt_warm_enabled(ctx);
    if is_warm(plan) && !(stype == "vsphere" || (stype == "ovirt" && ovirt_warm)) {
        cnd.set(Cnd::new(
            "WarmMigrationNotReady",
            CRITICAL,
            "NotSupported",
            "Warm migration from the source provider is not supported.",
        ));
    }
    let mtype = text(plan, "/spec/type");
    let type_ok = match stype.as_str() {
        "vsphere" => matches!(mtype, "" | "cold" | "warm" | "conversion"),
        "openshift" => matches!(mtype, "" | "cold"),
        "ovirt" => matches!(mtype, "" | "cold") || (mtype == "warm" && ovirt_warm),
        _ => matches!(mtype, "" | "cold"),
    };
    if !type_ok {
        cnd.set(Cnd::new(
            "MigrationTypeNotValid",
            CRITICAL,
            "NotSupported",
            &format!("`{mtype}` migration from the source provider is not supported."),
        ));
    }
    validate_hooks(ctx, plan, cnd);
    for (field, kind, label) in [
        ("volumeNameTemplate", TemplateKind::VolumeName, "Volume"),
        ("networkNameTemplate", TemplateKind::NetworkName, "Network"),
    ] {
        let t = text(plan, &format!("/spec/{field}"));
        if !t.is_empty() && !validate(kind, Some(&stype), t).is_empty() {
            cnd.set(Cnd::new(
                "NotValid",
                CRITICAL,
                "",
                &format!("{label} name template is invalid."),
            ));
        }
    }
    r
}

/// The ForkliftController's `controller_ovirt_warm_migration` gate (CRD default `"true"`).
fn ovirt_warm_enabled(ctx: &Ctx) -> bool {
    ctx.store
        .get(
            &gvr::forklift_controllers(),
            &ctx.settings.mtv_namespace,
            "forklift-controller",
        )
        .ok()
        .and_then(|f| {
            f.pointer("/spec/controller_ovirt_warm_migration").map(|v| {
                v.as_str()
                    .map_or(v.as_bool() != Some(false), |s| s != "false")
            })
        })
        .unwrap_or(true)
}

fn validate_hooks(ctx: &Ctx, plan: &Value, cnd: &mut Conditions) {
    let (mut not_valid, mut not_ready, mut step_bad) = (Vec::new(), Vec::new(), Vec::new());
    for vm in plan
        .pointer("/spec/vms")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for h in vm
            .get("hooks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let ns = text(h, "/hook/namespace");
            let name = text(h, "/hook/name");
            let step = text(h, "/step");
            let item = format!("{ns}/{name}");
            if !matches!(step, "PreHook" | "PostHook") {
                step_bad.push(format!("{item} step:{step}"));
            }
            if ns.is_empty() || name.is_empty() {
                not_valid.push(item);
                continue;
            }
            match ctx.store.get(&gvr::hooks(), ns, name) {
                Err(_) => not_valid.push(item),
                Ok(hk) => {
                    if text(&hk, "/spec/image").is_empty() && hk.pointer("/spec/aap").is_none() {
                        not_valid.push(item);
                    } else if !has_condition(&hk, "Ready") {
                        not_ready.push(item);
                    }
                }
            }
        }
    }
    if !not_valid.is_empty() {
        cnd.set(
            Cnd::new("HookNotValid", CRITICAL, "NotFound", "Hook is not valid.").items(not_valid),
        );
    }
    if !not_ready.is_empty() {
        cnd.set(
            Cnd::new(
                "HookNotReady",
                CRITICAL,
                "",
                "Hook does not have `Ready` condition.",
            )
            .items(not_ready),
        );
    }
    if !step_bad.is_empty() {
        cnd.set(
            Cnd::new(
                "HookStepNotValid",
                CRITICAL,
                "NotValid",
                "Hook step is not valid.",
            )
            .items(step_bad),
        );
    }
}

/// The target VM name (`targetName`, the recorded `newName`, or the source name when valid).
pub fn target_name(spec_vm: &Value, status: Option<&VmStatus>, vm: &SourceVm) -> String {
    mtvt_k8s_names::resolve_target_vm_name(
        Some(text(spec_vm, "/targetName")).filter(|s| !s.is_empty()),
        status
            .map(|s| s.new_name.as_str())
            .filter(|s| !s.is_empty()),
        &vm.name,
        &vm.id,
    )
}

/// IDs in a map's `status.references` (`pod` for a `{type: pod}` reference).
fn reference_ids(map: &Value) -> HashSet<String> {
    map.pointer("/status/references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| {
            if text(r, "/type") == "pod" {
                "pod".to_string()
            } else {
                text(r, "/id").to_string()
            }
        })
        .collect()
}

/// The storage-map entry of a storage id.
pub fn storage_entry<'a>(
    map: &'a Value,
    view: &SourceView<'_>,
    storage: &str,
) -> Option<&'a Value> {
    map.pointer("/spec/map")
        .and_then(Value::as_array)?
        .iter()
        .find(|e| {
            let r = SrcRef::from_json(e.get("source").unwrap_or(&Value::Null));
            view.storage(&r).is_ok_and(|(id, _)| id == storage)
        })
}

/// The network-map entry of a network id.
pub fn network_entry<'a>(
    map: &'a Value,
    view: &SourceView<'_>,
    network: &str,
) -> Option<&'a Value> {
    map.pointer("/spec/map")
        .and_then(Value::as_array)?
        .iter()
        .find(|e| {
            let r = SrcRef::from_json(e.get("source").unwrap_or(&Value::Null));
            view.network(&r).is_ok_and(|(id, _)| id == network)
        })
}

/// Whether the storage map uses an offload plugin.
pub fn uses_offload(map: &Value) -> bool {
    map.pointer("/spec/map")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|e| e.pointer("/offloadPlugin/vsphereXcopyConfig").is_some())
        })
}

/// The per-VM checks.
pub fn validate_vms(
    ctx: &Ctx,
    plan: &Value,
    r: &Referenced,
    statuses: &[VmStatus],
    cnd: &mut Conditions,
) {
    let (Some(source), Some(view)) = (
        r.source.as_ref(),
        r.source.as_ref().and_then(|s| SourceView::open(ctx, s)),
    ) else {
        return;
    };
    let stype = text(source, "/spec/type").to_string();
    let warm = is_warm(plan);
    let tns = text(plan, "/spec/targetNamespace");
    let preserve_ips = plan
        .pointer("/spec/preserveStaticIPs")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let plan_uid = object::uid(plan);
    let net_ids = r
        .network_map
        .as_ref()
        .map(|m| reference_ids(m))
        .unwrap_or_default();
    let sto_ids = r
        .storage_map
        .as_ref()
        .map(|m| reference_ids(m))
        .unwrap_or_default();
    let offload = r.storage_map.as_ref().is_some_and(|m| uses_offload(m)) && stype == "vsphere";
    let dest_vms = ctx
        .store
        .list(&gvr::vms(), None, &ListOptions::default())
        .map(|l| l.items)
        .unwrap_or_default();
    let mut dest_macs = BTreeSet::new();
    for v in dest_vms
        .iter()
        .filter(|v| text(v, "/metadata/labels/plan") != plan_uid)
    {
        for i in v
            .pointer("/spec/template/spec/domain/devices/interfaces")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let mac = text(i, "/macAddress").to_lowercase();
            if !mac.is_empty() {
                dest_macs.insert(mac);
            }
        }
    }
    let mut items: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    let mut seen_ids = HashSet::new();
    let mut seen_targets = HashSet::new();
    let mut template_errors = Vec::new();
    for spec_vm in plan
        .pointer("/spec/vms")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let sref = SrcRef::from_json(spec_vm);
        let status = statuses.iter().find(|s| {
            (!sref.id.is_empty() && s.id == sref.id) || (sref.id.is_empty() && s.name == sref.name)
        });
        if status.is_some_and(|s| s.has("Succeeded")) {
            continue;
        }
        if sref.not_set() && sref.id.is_empty() {
            cnd.set(Cnd::new(
                "VMRefNotValid",
                CRITICAL,
                "NotSet",
                "Either `ID` or `Name` required.",
            ));
            continue;
        }
        let vm = match view.vm(&sref) {
            Ok(v) => v,
            Err(Lookup::NotFound) => {
                items.entry("notFound").or_default().push(sref.display());
                continue;
            }
            Err(Lookup::Ambiguous) => {
                items.entry("ambiguous").or_default().push(sref.display());
                continue;
            }
        };
        let disp = sref.display();
        let tname = text(spec_vm, "/targetName");
        if tname.is_empty() {
            if !is_dns1123_subdomain(&vm.name) {
                items.entry("nameNotValid").or_default().push(disp.clone());
            }
        } else if !is_dns1123_subdomain(tname) {
            items
                .entry("targetNameInvalid")
                .or_default()
                .push(disp.clone());
        }
        if !seen_ids.insert(vm.id.clone()) {
            items.entry("notUnique").or_default().push(disp.clone());
        }
        if !tname.is_empty() && !seen_targets.insert(tname.to_string()) {
            items
                .entry("targetNotUnique")
                .or_default()
                .push(disp.clone());
        }
        let target = target_name(spec_vm, status, &vm);
        if status.is_none()
            && dest_vms
                .iter()
                .any(|d| object::namespace(d) == tns && object::name(d) == target)
        {
            items.entry("alreadyExists").or_default().push(disp.clone());
        }
        if r.network_map.is_some() {
            if vm.nics.iter().any(|n| !net_ids.contains(&n.network)) {
                items
                    .entry("unmappedNetwork")
                    .or_default()
                    .push(disp.clone());
            }
            if let (Some(nm), false) = (&r.network_map, vm.nics.is_empty()) {
                let pods = vm
                    .nics
                    .iter()
                    .filter(|n| {
                        network_entry(nm, &view, &n.network)
                            .is_some_and(|e| text(e, "/destination/type") == "pod")
                    })
                    .count();
                if pods > 1 {
                    items.entry("multiplePod").or_default().push(disp.clone());
                }
            }
        }
        if r.storage_map.is_some() && vm.disks.iter().any(|d| !sto_ids.contains(&d.storage)) {
            items
                .entry("unmappedStorage")
                .or_default()
                .push(disp.clone());
        }
        if vm.host_in_maintenance {
            items.entry("maintenance").or_default().push(disp.clone());
        }
        if stype == "vsphere" {
            if preserve_ips
                && vm
                    .nics
                    .iter()
                    .any(|n| n.ips.is_empty() || !vm.tools_running)
            {
                items.entry("missingIPs").or_default().push(disp.clone());
            }
            if vm.power_on && !vm.tools_running {
                items.entry("tools").or_default().push(disp.clone());
            }
            if warm && !vm.cbt {
                items.entry("cbt").or_default().push(disp.clone());
            }
            if warm && vm.snapshots > 0 {
                items.entry("snapshots").or_default().push(disp.clone());
            }
        }
        if vm.disks.iter().any(|d| d.capacity == 0) && stype != "openshift" {
            items.entry("diskSizes").or_default().push(disp.clone());
        }
        if stype != "openshift"
            && vm
                .nics
                .iter()
                .any(|n| dest_macs.contains(&n.mac.to_lowercase()))
        {
            items.entry("mac").or_default().push(disp.clone());
        }
        if offload
            && let Some(sm) = &r.storage_map
            && vm.disks.iter().any(|d| {
                storage_entry(sm, &view, &d.storage)
                    .is_some_and(|e| e.pointer("/offloadPlugin").is_none())
            })
        {
            items.entry("mixed").or_default().push(disp.clone());
        }
        let tpl = Some(text(spec_vm, "/pvcNameTemplate"))
            .filter(|t| !t.is_empty())
            .or(Some(text(plan, "/spec/pvcNameTemplate")).filter(|t| !t.is_empty()));
        if let Some(tpl) = tpl {
            let disks: Vec<PvcNameData> = vm
                .disks
                .iter()
                .enumerate()
                .map(|(i, d)| pvc_data(plan, &vm, &target, i, d))
                .collect();
            let errs = validate_pvc_name_template(Some(&stype), tpl, &disks);
            // Only what Forklift itself rejects (mtvt's extra static checks carry no Go message).
            if let Some(e) = errs.iter().find(|e| e.go_message.is_some()) {
                let msg = e.go_message.clone().unwrap_or_else(|| e.message.clone());
                template_errors.push(format!("{disp} template:{tpl} error:{msg}"));
            }
        }
    }
    let table: &[(&str, &str, &str, &str, &str)] = &[
        (
            "notFound",
            "VMNotFound",
            CRITICAL,
            "NotFound",
            "VM not found.",
        ),
        (
            "notUnique",
            "DuplicateVM",
            CRITICAL,
            "NotUnique",
            "Duplicate (source) VM.",
        ),
        (
            "ambiguous",
            "DuplicateVM",
            CRITICAL,
            "Ambiguous",
            "VM reference is ambiguous.",
        ),
        (
            "targetNotUnique",
            "DuplicateVM",
            CRITICAL,
            "NotUnique",
            "Duplicate targetName.",
        ),
        (
            "nameNotValid",
            "TargetNameNotValid",
            WARN,
            "NotValid",
            "Target VM name does not comply with DNS1123 RFC, will be automatically changed.",
        ),
        (
            "targetNameInvalid",
            "NotValid",
            CRITICAL,
            "",
            "TargetName is invalid.",
        ),
        (
            "alreadyExists",
            "VMAlreadyExists",
            CRITICAL,
            "NotUnique",
            "Target VM already exists.",
        ),
        (
            "unmappedNetwork",
            "VMNetworksNotMapped",
            CRITICAL,
            "NotValid",
            "VM has unmapped networks.",
        ),
        (
            "unmappedStorage",
            "VMStorageNotMapped",
            CRITICAL,
            "NotValid",
            "VM has unmapped storage.",
        ),
        (
            "maintenance",
            "HostNotReady",
            WARN,
            "InMaintenanceMode",
            "VM host is in maintenance mode.",
        ),
        (
            "multiplePod",
            "VMMultiplePodNetworkMappings",
            CRITICAL,
            "NotValid",
            "VM has more than one interface mapped to the pod network.",
        ),
        (
            "missingIPs",
            "VMMissingGuestIPs",
            WARN,
            "MissingGuestInformation",
            "Guest information on vNICs is missing, cannot preserve static IPs. If this machine has static IP, make sure VMware tools are installed and the VM is running.",
        ),
        (
            "cbt",
            "VMMissingChangedBlockTracking",
            CRITICAL,
            "MissingChangedBlockTracking",
            "Changed Block Tracking (CBT) has not been enabled on some VM. This feature is a prerequisite for VM warm migration.",
        ),
        (
            "snapshots",
            "VMHasSnapshots",
            CRITICAL,
            "NotValid",
            "VM has pre-existing snapshots which are incompatible with warm migration.",
        ),
        (
            "tools",
            "GuestToolsIssue",
            CRITICAL,
            "NotValid",
            "VMware Tools issues detected. This may impact migration performance, guest OS detection, and network configuration. Ensure VMware Tools are properly installed and running before migration. If this is an encrypted VM, please turn the VM off manually before migration.",
        ),
        (
            "diskSizes",
            "InvalidDiskSizes",
            CRITICAL,
            "NotValid",
            "VM has disks with invalid sizes.",
        ),
        (
            "mac",
            "MacConflicts",
            CRITICAL,
            "NotValid",
            "Source VM has a MAC address that conflicts with an existing VM on the destination.",
        ),
        (
            "mixed",
            "VDDKAndOffloadMixedUsage",
            CRITICAL,
            "NotSupported",
            "Copy offload is enabled. MTV does not support mixed copy methods. Each migration plan can use one migration strategy, either VDDK or copy offload. Check your storage map and VMs to ensure they are using the same migration strategy.",
        ),
    ];
    for (key, kind, cat, reason, msg) in table {
        if let Some(list) = items.remove(key) {
            cnd.set(Cnd::new(kind, cat, reason, msg).items(list));
        }
    }
    if !template_errors.is_empty() {
        cnd.set(
            Cnd::new("NotValid", CRITICAL, "", "VM PVC name template is invalid.")
                .items(template_errors),
        );
    }
}

/// The PVC template data of disk `i` of `vm`.
pub fn pvc_data(
    plan: &Value,
    vm: &SourceVm,
    target: &str,
    i: usize,
    d: &super::super::catalog::SourceDisk,
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

/// The provider kind of a Provider CR.
pub fn kind_of(provider: &Value) -> Option<ProviderKind> {
    ProviderKind::parse(text(provider, "/spec/type"))
}
