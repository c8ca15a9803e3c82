//! What a VM's pipeline reports (fidelity-review rows 3, 4, 5, 10, 11, 15;
//! pkg/controller/plan/migrator/base/migrator.go, migration.go, hook.go, kubevirt.go).

use base64::Engine;
use mtvt_sim::emulator::EmulatorOptions;
use mtvt_sim::lab::{FaultAction, FaultRule, Lab};
use serde_json::{Value, json};

use crate::harness::*;

fn the_vm(plan: &Value) -> &Value {
    &plan["status"]["migration"]["vms"][0]
}

fn step<'a>(vm: &'a Value, name: &str) -> &'a Value {
    vm["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {}", vm["pipeline"]))
}

fn failing(step: &str) -> Lab {
    let mut lab = Lab::default_lab().unwrap();
    lab.faults.rules.push(FaultRule {
        vm: "*".into(),
        plan: None,
        step: step.into(),
        action: FaultAction::Fail {
            message: "injected".into(),
        },
        probability: 1.0,
    });
    lab
}

async fn run(env: &Env, ns: &str, profile: &str, vm: &str, extra: Value) -> Value {
    let s = standard_plan(env, ns, profile, &[vm], extra).await;
    ready(env, PLAN, &s.ns, &s.plan).await;
    migrate(env, &s, "m", json!({})).await;
    finished(env, &s, 30).await
}

/// OpenStack's `ConvertOpenstackSnapshot` is a phase of `DiskTransfer`: the step of that name
/// is built (MB tasks named `forklift-migration-vm-<vm>-volume-<volume>`, without a phase)
/// but stays `Pending` with no times when the VM succeeds, and a failure in that phase lands
/// on `DiskTransfer` (migrator.go:100-139, 284-287; adapter/openstack/builder.go:697-735).
#[tokio::test]
async fn openstack_snapshot_conversion_is_a_phase_of_disk_transfer() {
    let env = Env::start().await;
    let plan = run(&env, "os", "openstack", "mtv-tests-rhel8", json!({})).await;
    assert!(has(&plan, "Succeeded"), "{}", plan["status"]);
    let vm = the_vm(&plan);
    let conv = step(vm, "ConvertOpenstackSnapshot");
    assert_eq!(conv["phase"], "Pending");
    assert!(conv.get("started").is_none() && conv.get("completed").is_none());
    let task = &conv["tasks"][0];
    let name = task["name"].as_str().unwrap();
    assert!(
        name.starts_with(&format!(
            "forklift-migration-vm-{}-volume-",
            vm["id"].as_str().unwrap()
        )),
        "{name}"
    );
    assert!(
        task.get("phase").is_none(),
        "a task has no phase before progress"
    );
    assert_eq!(conv["progress"]["total"], task["progress"]["total"]);
    assert_eq!(step(vm, "DiskTransfer")["phase"], "Completed");
    env.emu.shutdown().await;

    let env = Env::with(EmulatorOptions {
        lab: Some(failing("ConvertOpenstackSnapshot")),
        ..Default::default()
    })
    .await;
    let plan = run(&env, "os2", "openstack", "mtv-tests-rhel8", json!({})).await;
    let vm = the_vm(&plan);
    assert_eq!(vm["error"]["phase"], "ConvertOpenstackSnapshot");
    assert_eq!(
        step(vm, "DiskTransfer")["error"]["reasons"],
        json!(["injected"])
    );
    assert!(step(vm, "ConvertOpenstackSnapshot").get("error").is_none());
    env.emu.shutdown().await;
}

/// A failed step keeps `phase: Running`, has no `completed`, and its error's phase is the
/// step's (`Running`); the VM error's phase is the VM phase (pkg/apis/forklift/v1beta1/plan/
/// migration.go:182-187, vm.go:313-318).
#[tokio::test]
async fn a_failed_step_stays_running() {
    let env = Env::with(EmulatorOptions {
        lab: Some(failing("DiskTransferV2v")),
        ..Default::default()
    })
    .await;
    let plan = run(&env, "f", "vsphere", "mtv-tests-rhel8", json!({})).await;
    let vm = the_vm(&plan);
    let s = step(vm, "DiskTransferV2v");
    assert_eq!(s["phase"], "Running");
    assert!(s.get("completed").is_none(), "{s}");
    assert_eq!(
        s["error"],
        json!({"phase": "Running", "reasons": ["injected"]})
    );
    assert_eq!(vm["error"]["phase"], "CopyDisksVirtV2V");
    env.emu.shutdown().await;
}

const OK: &str = "- hosts: localhost\n  tasks:\n  - debug: {msg: fine}\n";
const FAIL: &str = "- hosts: localhost\n  tasks:\n  - fail: {msg: boom}\n";

async fn hook(env: &Env, ns: &str, name: &str, playbook: &str) {
    let b64 = base64::engine::general_purpose::STANDARD.encode(playbook);
    env.create(HOOK, ns, json!({"metadata": {"name": name}, "spec": {"image": "quay.io/konveyor/hook-runner", "playbook": b64}})).await;
    ready(env, HOOK, ns, name).await;
}

/// With a PreHook, `Initialize` keeps the completion time of the Started→PreHook transition
/// although it runs again after the hook (`NextPhase` + `Timed.MarkCompleted`, plan/timed.go);
/// a succeeded hook reports progress 1/1 (hook.go:103), a failed one is marked completed but
/// keeps `phase: Running` with the error at `Running` (hook.go:96-101, migration.go:992-1001).
#[tokio::test]
async fn hooks_and_initialize_times() {
    let env = Env::start().await;
    namespace(&env, "hk").await;
    hook(&env, "hk", "pre", OK).await;
    hook(&env, "hk", "post", FAIL).await;
    let s = standard_plan(&env, "hkp", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    let hooks = json!([{"hook": {"name": "pre", "namespace": "hk"}, "step": "PreHook"}, {"hook": {"name": "post", "namespace": "hk"}, "step": "PostHook"}]);
    env.patch(
        PLAN,
        &s.ns,
        &s.plan,
        json!({"spec": {"vms": [{"id": s.vm_ids[0], "hooks": hooks}]}}),
    )
    .await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 30).await;
    let vm = the_vm(&plan);
    let init = step(vm, "Initialize");
    let pre = step(vm, "PreHook");
    assert_eq!(
        init["completed"], pre["started"],
        "Initialize keeps its first completion"
    );
    assert_eq!(pre["progress"], json!({"completed": 1, "total": 1}));
    let post = step(vm, "PostHook");
    assert_eq!(post["phase"], "Running");
    assert!(post["completed"].is_string());
    assert_eq!(post["error"]["phase"], "Running");
    env.emu.shutdown().await;
}

/// A Windows guest from any source starts (`runStrategy: Always`) unless the target power
/// state is `off`, here a powered-off OpenStack VM (kubevirt.go:4687-4716).
#[tokio::test]
async fn windows_guests_from_any_source_start() {
    let env = Env::start().await;
    let plan = run(&env, "w", "openstack", "mtv-win2019-3disks", json!({})).await;
    assert!(has(&plan, "Succeeded"), "{}", plan["status"]);
    let vm = env.list(VM, "w").await.into_iter().next().unwrap();
    assert_eq!(vm["spec"]["runStrategy"], "Always");
    env.emu.shutdown().await;
}

/// Steps that move no disk data finish `Completed` with progress `0/1` (the conversion and
/// hooks excepted), disk steps carry MB tasks named per provider (oVirt: the disk id,
/// adapter/ovirt/builder.go:537-560), and `Cutover` carries the disk tasks with their
/// progress (migrator.go:144-172; migration.go:1591-1605).
#[tokio::test]
async fn step_progress_and_task_names() {
    let env = Env::start().await;
    let plan = run(&env, "c", "vsphere", "mtv-tests-rhel8", json!({})).await;
    let vm = the_vm(&plan);
    for name in ["Initialize", "VirtualMachineCreation"] {
        let s = step(vm, name);
        assert_eq!(
            (&s["phase"], &s["progress"]),
            (&json!("Completed"), &json!({"completed": 0, "total": 1})),
            "{name}"
        );
    }
    assert_eq!(
        step(vm, "ImageConversion")["progress"],
        json!({"completed": 1, "total": 1})
    );
    let copy = step(vm, "DiskTransferV2v");
    assert_eq!(copy["progress"]["completed"], copy["progress"]["total"]);
    assert_eq!(copy["annotations"]["unit"], "MB");
    ovirt_clone(&env, "mtv-tests-rhel8", "rhel8-clone").await;
    // The inventory shows source changes after its refresh delay (3 virtual s).
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let plan = run(&env, "o", "ovirt", "rhel8-clone", json!({})).await;
    let vm = the_vm(&plan);
    let src = env.get(PROVIDER, "o", "src").await;
    let uid = src["metadata"]["uid"].as_str().unwrap();
    let detail = inventory(
        &env,
        &format!("providers/ovirt/{uid}/vms/{}", vm["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(
        step(vm, "DiskTransfer")["tasks"][0]["name"],
        detail["diskAttachments"][0]["disk"]
    );
    env.emu.shutdown().await;
}

/// A warm plan's `Cutover` carries the disk tasks in MB and their progress, while the other
/// non-disk steps finish with `0/1` (migrator.go:144-172; migration.go:1591-1605).
#[tokio::test]
async fn cutover_carries_the_disk_tasks() {
    let env = Env::start().await;
    let s = standard_plan(
        &env,
        "wm",
        "vsphere",
        &["mtv-tests-rhel8"],
        json!({"warm": true}),
    )
    .await;
    vsphere_enable_cbt(&env, &s.vm_ids[0]).await;
    vsphere_power_on(&env, &s.vm_ids[0]).await;
    env.wait(PLAN, &s.ns, &s.plan, 10, |p| {
        has(p, "Ready") && !has(p, "VMMissingChangedBlockTracking")
    })
    .await;
    migrate(&env, &s, "m", json!({"cutover": "2000-01-01T00:00:00Z"})).await;
    let plan = finished(&env, &s, 30).await;
    assert!(has(&plan, "Succeeded"), "{}", plan["status"]);
    let vm = the_vm(&plan);
    let cut = step(vm, "Cutover");
    assert_eq!(cut["annotations"]["unit"], "MB");
    let tasks = cut["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1);
    assert!(tasks[0]["name"].as_str().unwrap().starts_with('['));
    assert!(cut["progress"]["total"].as_i64().unwrap() > 1);
    assert_eq!(cut["progress"]["completed"], cut["progress"]["total"]);
    for name in ["PreflightInspection", "WaitForFinalSnapshotConsolidation"] {
        assert_eq!(
            step(vm, name)["progress"],
            json!({"completed": 0, "total": 1}),
            "{name}"
        );
    }
    env.emu.shutdown().await;
}
