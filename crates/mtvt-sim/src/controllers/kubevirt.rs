//! KubeVirt's virt-controller and virt-handler as far as migrations need them: a
//! VirtualMachine's `runStrategy` creates or deletes its VMI (spec copied from the template);
//! a scheduled VMI boots and reports `Running` with interfaces (MAC, pod-network IP, the
//! guest's IPs on bridged networks), guest OS info and `AgentConnected` when the guest runs an
//! agent; the VM shows `printableStatus` (`Stopped`, `Starting`, `Running`, `Stopping`),
//! `Provisioning` while its DataVolumes are populated ([`kubevirt_volumes`]), `ready` and a
//! `Ready` condition. Scheduling itself is the scheduler's.

use std::time::Duration;

use serde_json::{Value, json};

use super::json_edit::{put, text};
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Guest, Started, gvr, kubevirt_volumes};
use crate::store::{ApiError, Reason, object};

/// Virtual time from scheduling to `Running`.
pub const BOOT: Duration = Duration::from_secs(15);
/// Virtual time from `Running` to the guest agent connecting.
pub const AGENT: Duration = Duration::from_secs(20);

pub(super) fn spawn(ctx: &Ctx) -> Started {
    let c = ctx.clone();
    let queue = runtime::spawn(
        "kubevirt",
        &ctx.store,
        &ctx.shutdown,
        vec![
            Watch::own(gvr::vms()),
            Watch::own(gvr::vmis()),
            Watch::mapped(gvr::data_volumes(), |_, ev| {
                kubevirt_volumes::owner_vm(&ev.object)
            }),
        ],
        move |q, key| reconcile(&c, q, key),
    );
    Started {
        queue,
        gvr: gvr::vms(),
    }
}

fn strategy(vm: &Value) -> String {
    match vm.pointer("/spec/runStrategy").and_then(Value::as_str) {
        Some(s) => s.to_string(),
        None if vm.pointer("/spec/running").and_then(Value::as_bool) == Some(true) => {
            "Always".into()
        }
        None => "Halted".into(),
    }
}

fn reconcile(ctx: &Ctx, q: &Queue, key: &Key) -> runtime::Outcome {
    let (ns, name) = (key.0.as_str(), key.1.as_str());
    let vm = ctx.store.get(&gvr::vms(), ns, name).ok();
    let mut vmi = ctx.store.get(&gvr::vmis(), ns, name).ok();
    let mut provisioning = false;
    if let Some(vm) = vm.as_ref().filter(|v| !object::is_deleting(v)) {
        kubevirt_volumes::ensure_data_volumes(ctx, vm)?;
        provisioning = kubevirt_volumes::provisioning(ctx, vm);
        let run = matches!(strategy(vm).as_str(), "Always" | "RerunOnFailure" | "Once");
        match (&vmi, run) {
            // The VMI starts once its DataVolumes are populated.
            (None, true) if !provisioning => vmi = Some(create_vmi(ctx, vm)?),
            (Some(i), false) if !object::is_deleting(i) => {
                ctx.store.delete(&gvr::vmis(), ns, name)?;
                vmi = ctx.store.get(&gvr::vmis(), ns, name).ok();
            }
            _ => {}
        }
    }
    if let Some(i) = vmi.as_ref().filter(|i| !object::is_deleting(i)) {
        advance_vmi(ctx, q, key, i)?;
        vmi = ctx.store.get(&gvr::vmis(), ns, name).ok();
    }
    if let Some(vm) = vm.filter(|v| !object::is_deleting(v)) {
        vm_status(ctx, &vm, vmi.as_deref(), provisioning)?;
    }
    Ok(())
}

fn create_vmi(ctx: &Ctx, vm: &Value) -> Result<std::sync::Arc<Value>, ApiError> {
    let (ns, name) = (object::namespace(vm), object::name(vm));
    let mut labels = vm
        .pointer("/spec/template/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    labels.insert("kubevirt.io/domain".into(), json!(name));
    let mut spec = vm
        .pointer("/spec/template/spec")
        .cloned()
        .unwrap_or(json!({}));
    if spec.pointer("/domain/firmware/uuid").is_none() {
        put(
            &mut spec,
            "/domain/firmware/uuid",
            json!(crate::lab::uuid_for(&[ns, name, "vmi"])),
        );
    }
    if spec.pointer("/domain/machine/type").is_none() {
        put(&mut spec, "/domain/machine/type", json!("pc-q35-rhel9.6.0"));
    }
    let obj = json!({
        "apiVersion": "kubevirt.io/v1", "kind": "VirtualMachineInstance",
        "metadata": {"name": name, "namespace": ns, "labels": labels,
            "annotations": vm.pointer("/spec/template/metadata/annotations").cloned().unwrap_or(json!({})),
            "ownerReferences": [{"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine", "name": name, "uid": object::uid(vm), "controller": true, "blockOwnerDeletion": true}]},
        "spec": spec,
    });
    let created = match ctx.store.create(&gvr::vmis(), ns, obj) {
        Ok(c) => c,
        Err(e) if e.reason == Reason::AlreadyExists => ctx.store.get(&gvr::vmis(), ns, name)?,
        Err(e) => return Err(e),
    };
    ctx.store.merge_patch_status(
        &gvr::vmis(),
        ns,
        name,
        &json!({"status": {"phase": "Pending", "guestOSInfo": {}, "conditions": []}}),
    )?;
    Ok(created)
}

fn since(ctx: &Ctx, t: &str) -> Option<chrono::Duration> {
    chrono::DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|t| ctx.clock.now().signed_duration_since(t.to_utc()))
}

/// A deterministic pod-network address for a VMI.
fn pod_ip(ns: &str, name: &str) -> String {
    let h = crate::lab::uuid_for(&[ns, name, "pod-ip"]);
    let b: Vec<u8> = h.bytes().filter(u8::is_ascii_hexdigit).take(4).collect();
    let n = u32::from_str_radix(std::str::from_utf8(&b).unwrap_or("0"), 16).unwrap_or(0);
    format!(
        "10.{}.{}.{}",
        128 + (n >> 14) % 4,
        (n >> 6) % 256,
        2 + n % 250
    )
}

fn advance_vmi(ctx: &Ctx, q: &Queue, key: &Key, vmi: &Value) -> Result<(), ApiError> {
    match text(vmi, "/status/phase") {
        "Scheduled" => boot(ctx, q, key, vmi),
        "Running" => connect_agent(ctx, q, key, vmi),
        _ => Ok(()),
    }
}

/// The virtual time a VMI entered `phase` (from `phaseTransitionTimestamps`).
fn entered(vmi: &Value, phase: &str) -> String {
    vmi.pointer("/status/phaseTransitionTimestamps")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find(|p| text(p, "/phase") == phase))
        .map(|p| text(p, "/phaseTransitionTimestamp").to_string())
        .unwrap_or_default()
}

/// `Scheduled` → `Running` once the boot time has passed: interfaces (pod IP, guest-agent
/// IPs), conditions, volumes; the agent connects later.
fn boot(ctx: &Ctx, q: &Queue, key: &Key, vmi: &Value) -> Result<(), ApiError> {
    let (ns, name) = (object::namespace(vmi), object::name(vmi));
    let now = ctx.now();
    let elapsed = since(ctx, &entered(vmi, "Scheduled")).unwrap_or_default();
    let boot = chrono::Duration::from_std(BOOT).unwrap_or_default();
    if elapsed < boot {
        q.add_after(key.clone(), (boot - elapsed).to_std().unwrap_or_default());
        return Ok(());
    }
    let guest = ctx.guests.get(ns, name).unwrap_or_default();
    let interfaces = interfaces(vmi, &guest);
    let mut transitions = vmi
        .pointer("/status/phaseTransitionTimestamps")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    transitions.push(json!({"phase": "Running", "phaseTransitionTimestamp": now}));
    ctx.store.merge_patch_status(&gvr::vmis(), ns, name, &json!({"status": {
        "phase": "Running",
        "interfaces": interfaces,
        "phaseTransitionTimestamps": transitions,
        "conditions": [
            {"type": "Ready", "status": "True", "lastProbeTime": null, "lastTransitionTime": now},
            {"type": "LiveMigratable", "status": "True", "lastProbeTime": null, "lastTransitionTime": now},
        ],
        "launcherContainerImageVersion": "registry.redhat.io/container-native-virtualization/virt-launcher-rhel9:v4.19",
        "qosClass": "Burstable",
        "migrationMethod": "BlockMigration",
        "guestOSInfo": {},
        "volumeStatus": vmi.pointer("/spec/volumes").and_then(Value::as_array).map(|a| a.iter().map(|v| json!({"name": text(v, "/name"), "target": ""})).collect::<Vec<_>>()).unwrap_or_default(),
    }}))?;
    if guest.agent {
        q.add_after(key.clone(), AGENT);
    }
    Ok(())
}

/// The VMI's interfaces: the pod IP on the pod network, the guest's IPs (per MAC) elsewhere
/// when its agent runs.
fn interfaces(vmi: &Value, guest: &Guest) -> Vec<Value> {
    let (ns, name) = (object::namespace(vmi), object::name(vmi));
    let networks = vmi
        .pointer("/spec/networks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let ifaces = vmi
        .pointer("/spec/domain/devices/interfaces")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    ifaces
        .iter()
        .enumerate()
        .map(|(i, iface)| {
            let iname = text(iface, "/name");
            let mac = text(iface, "/macAddress").to_lowercase();
            let pod = networks.iter().any(|n| text(n, "/name") == iname && n.get("pod").is_some());
            let ips: Vec<String> = if pod {
                vec![pod_ip(ns, name)]
            } else if guest.agent {
                guest.ips.get(&mac).map(|v| v.iter().map(|ip| ip.split('/').next().unwrap_or_default().to_string()).collect()).unwrap_or_default()
            } else {
                Vec::new()
            };
            let mut o = json!({"name": iname, "mac": mac, "interfaceName": format!("eth{i}"), "infoSource": if guest.agent { "domain, guest-agent" } else { "domain" }, "queueCount": 1});
            if let Some(ip) = ips.first() {
                put(&mut o, "/ipAddress", json!(ip));
                put(&mut o, "/ipAddresses", json!(ips));
            }
            if pod {
                put(&mut o, "/podInterfaceName", json!("eth0"));
            }
            o
        })
        .collect()
}

/// `AgentConnected` (and the guest OS info) once the agent delay after `Running` has passed.
fn connect_agent(ctx: &Ctx, q: &Queue, key: &Key, vmi: &Value) -> Result<(), ApiError> {
    let (ns, name) = (object::namespace(vmi), object::name(vmi));
    let now = ctx.now();
    let guest = ctx.guests.get(ns, name).unwrap_or_default();
    let has_agent = vmi
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|c| text(c, "/type") == "AgentConnected"));
    // A lab guest fault `no_agent` (faults.guest) stops the agent of matching guests.
    let faults = crate::guest::faults::matching(&ctx.lab.lab().faults.guest, name);
    let stopped = faults.contains(&crate::guest::GuestFaultKind::NoAgent);
    if !guest.agent || has_agent || stopped {
        return Ok(());
    }
    let elapsed = since(ctx, &entered(vmi, "Running")).unwrap_or_default();
    let wait = chrono::Duration::from_std(AGENT).unwrap_or_default();
    if elapsed < wait {
        q.add_after(key.clone(), (wait - elapsed).to_std().unwrap_or_default());
        return Ok(());
    }
    let mut conds = vmi
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    conds.push(json!({"type": "AgentConnected", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}));
    let (id, pretty) = os_info(&guest.os);
    ctx.store.merge_patch_status(&gvr::vmis(), ns, name, &json!({"status": {
        "conditions": conds,
        "guestOSInfo": {"id": id, "name": pretty, "prettyName": pretty, "version": "", "kernelRelease": ""},
        "fsFreezeStatus": null,
    }}))?;
    Ok(())
}

fn os_info(os: &str) -> (&'static str, &'static str) {
    match os {
        "rhel7" => ("rhel", "Red Hat Enterprise Linux Server 7.9 (Maipo)"),
        "rhel8" => ("rhel", "Red Hat Enterprise Linux 8.10 (Ootpa)"),
        "rhel9" => ("rhel", "Red Hat Enterprise Linux 9.6 (Plow)"),
        "fedora" => ("fedora", "Fedora Linux 42"),
        o if o.starts_with("win") => ("mswindows", "Microsoft Windows Server"),
        _ => ("linux", "Linux"),
    }
}

fn vm_status(
    ctx: &Ctx,
    vm: &Value,
    vmi: Option<&Value>,
    provisioning: bool,
) -> Result<(), ApiError> {
    let strat = strategy(vm);
    let vmi_phase = vmi.map(|i| text(i, "/status/phase").to_string());
    let deleting = vmi.is_some_and(object::is_deleting);
    let (printable, ready) = match (&vmi_phase, strat.as_str()) {
        (None, _) if provisioning => ("Provisioning", false),
        (None, _) => ("Stopped", false),
        (Some(_), _) if deleting => ("Stopping", false),
        (Some(_), "Halted") => ("Stopping", false),
        (Some(p), _) if p == "Running" => ("Running", true),
        (Some(p), _) if p == "Failed" => ("CrashLoopBackOff", false),
        (Some(p), _)
            if p == "Scheduling"
                && vmi
                    .is_some_and(|i| text(i, "/status/conditions/0/reason") == "Unschedulable") =>
        {
            ("ErrorUnschedulable", false)
        }
        (Some(_), _) if provisioning => ("Provisioning", false),
        (Some(_), _) => ("Starting", false),
    };
    let now = ctx.now();
    let old_ready = vm
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find(|c| text(c, "/type") == "Ready"))
        .cloned();
    let ready_s = if ready { "True" } else { "False" };
    let ready_cond = match old_ready {
        Some(c) if text(&c, "/status") == ready_s => c,
        _ => {
            json!({"type": "Ready", "status": ready_s, "lastProbeTime": null, "lastTransitionTime": now,
            "reason": if ready { "" } else if vmi.is_none() { "VMINotExists" } else { "VMINotReady" }})
        }
    };
    let mut status = json!({
        "printableStatus": printable,
        "ready": ready,
        "created": vmi.is_some(),
        "runStrategy": strat,
        "desiredGeneration": object::generation(vm),
        "observedGeneration": object::generation(vm),
        "conditions": [ready_cond],
        "volumeSnapshotStatuses": vm.pointer("/spec/template/spec/volumes").and_then(Value::as_array).map(|a| a.iter().map(|v| json!({"name": text(v, "/name"), "enabled": false, "reason": "No VolumeSnapshotClass"})).collect::<Vec<_>>()).unwrap_or_default(),
    });
    if !ready && let Some(m) = status.as_object_mut() {
        m.remove("ready");
    }
    ctx.store.merge_patch_status(
        &gvr::vms(),
        object::namespace(vm),
        object::name(vm),
        &json!({"status": status}),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_ips_are_stable_and_in_the_cluster_network() {
        let a = pod_ip("ns", "vm");
        assert_eq!(a, pod_ip("ns", "vm"));
        assert!(a.starts_with("10.12") || a.starts_with("10.13"), "{a}");
    }
}
