//! §6.8: hooks run as Jobs in the plan namespace with their ConfigMap and labels; a failing
//! playbook fails the Job ("Job has reached the specified backoff limit"); a PreHook failure
//! leaves the source untouched and creates nothing; a PostHook failure keeps the target VM.

use base64::Engine;
use serde_json::{Value, json};

use crate::harness::*;

const OK: &str = "- name: Successful-hook\n  hosts: localhost\n  tasks:\n  - name: Success task\n    debug:\n      msg: \"Hook executed successfully\"\n";
const FAIL: &str = "- name: Failing-post-migration\n  hosts: localhost\n  tasks:\n  - name: Task that will fail\n    fail:\n      msg: \"This hook is designed to fail for testing purposes\"\n";

async fn hook(env: &Env, ns: &str, name: &str, playbook: &str) {
    let b64 = base64::engine::general_purpose::STANDARD.encode(playbook);
    env.create(HOOK, ns, json!({"metadata": {"name": name}, "spec": {"image": "quay.io/konveyor/hook-runner", "playbook": b64}})).await;
    ready(env, HOOK, ns, name).await;
}

fn failed_step(plan: &Value) -> String {
    plan["status"]["migration"]["vms"][0]["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s.get("error").is_some())
        .map(|s| s["name"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn post_hook_failure_keeps_the_target_vm() {
    let env = Env::start().await;
    namespace(&env, "hk").await;
    hook(&env, "hk", "pre", OK).await;
    hook(&env, "hk", "post", FAIL).await;
    // standard_plan creates the namespace itself: use a second namespace for the plan.
    let s = standard_plan(
        &env,
        "hk-plan",
        "vsphere",
        &["mtv-tests-rhel8"],
        json!({"targetPowerState": "off"}),
    )
    .await;
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
    let plan = finished(&env, &s, 20).await;
    assert!(
        has(&plan, "Failed"),
        "{}",
        serde_json::to_string_pretty(&plan["status"]).unwrap()
    );
    assert_eq!(failed_step(&plan), "PostHook");
    let vs = &plan["status"]["migration"]["vms"][0];
    assert_eq!(vs["error"]["phase"], "PostHook");
    assert_eq!(
        vs["error"]["reasons"][0],
        "Job has reached the specified backoff limit"
    );
    let steps: Vec<&str> = vs["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(steps.first(), Some(&"Initialize"));
    assert_eq!(steps.get(1), Some(&"PreHook"));
    assert_eq!(steps.last(), Some(&"PostHook"));
    // The Migration mirrors the Plan only while the Plan is Ready; the kept target VM's
    // MACs make the failed plan MacConflicts right after (validation.go:1005-1010
    // re-validates every VM that did not succeed; vsphere/validator.go:261-285 does not
    // exclude the plan's own target VM), so the Migration ends Failed or PlanNotReady.
    let m = env.get(MIGRATION, &s.ns, "m").await;
    assert!(
        has(&m, "Failed") || has(&m, "PlanNotReady"),
        "migration {}\nplan {}",
        m["status"],
        plan["status"]["conditions"]
    );
    // The target VM stays (off as requested); the source is off.
    let vm = env.get(VM, &s.ns, "mtv-tests-rhel8").await;
    assert_eq!(vm["spec"]["runStrategy"], "Halted");
    // Hook Jobs live in the plan namespace, with the hook labels and their ConfigMap.
    let jobs = env.list(JOB, &s.ns).await;
    let post = jobs
        .iter()
        .find(|j| j["metadata"]["labels"]["step"] == "PostHook")
        .expect("PostHook job");
    assert!(
        post["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with(&format!("plan-1-{}-posthook-", s.vm_ids[0]))
    );
    assert_eq!(post["spec"]["backoffLimit"], 1);
    assert_eq!(post["metadata"]["labels"]["plan"], plan["metadata"]["uid"]);
    let failed = post["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Failed")
        .unwrap();
    assert_eq!(failed["reason"], "BackoffLimitExceeded");
    assert_eq!(post["status"]["failed"], 2);
    let cms = env.list(CONFIGMAP, &s.ns).await;
    let cm = cms
        .iter()
        .find(|c| c["metadata"]["labels"]["step"] == "PostHook")
        .unwrap();
    assert_eq!(cm["data"]["playbook.yml"], FAIL);
    // The pod log is the playbook's output.
    let pods = env.list(POD, &s.ns).await;
    let pod = pods
        .iter()
        .find(|p| p["metadata"]["labels"]["job-name"] == post["metadata"]["name"])
        .unwrap();
    let api: kube::Api<k8s_openapi::api::core::v1::Pod> =
        kube::Api::namespaced(env.kube.clone(), &s.ns);
    let log = api.logs(&name_of(pod), &Default::default()).await.unwrap();
    assert!(
        log.contains("fatal: [localhost]: FAILED!") && log.contains("PLAY RECAP"),
        "{log}"
    );
    // The PreHook Job succeeded and was cleaned up or is complete.
    env.emu.shutdown().await;
}

#[tokio::test]
async fn pre_hook_failure_leaves_the_source_untouched() {
    let env = Env::start().await;
    let s = standard_plan(&env, "hk", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    vsphere_power_on(&env, &s.vm_ids[0]).await;
    hook(&env, "hk", "pre", FAIL).await;
    let hooks = json!([{"hook": {"name": "pre", "namespace": "hk"}, "step": "PreHook"}]);
    env.patch(
        PLAN,
        &s.ns,
        &s.plan,
        json!({"spec": {"vms": [{"id": s.vm_ids[0], "hooks": hooks}]}}),
    )
    .await;
    // Wait until the inventory shows the VM on (no GuestToolsIssue: tools run) and the plan is ready.
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 20).await;
    assert!(has(&plan, "Failed"));
    assert_eq!(failed_step(&plan), "PreHook");
    assert_eq!(
        plan["status"]["migration"]["vms"][0]["error"]["phase"],
        "PreHook"
    );
    assert!(env.list(VM, &s.ns).await.is_empty());
    assert!(env.list(DV, &s.ns).await.is_empty());
    assert!(env.list(PVC, &s.ns).await.is_empty());
    let uid = env.get(PROVIDER, &s.ns, "src").await["metadata"]["uid"]
        .as_str()
        .unwrap()
        .to_string();
    let vm = inventory(
        &env,
        &format!("providers/vsphere/{uid}/vms/{}", s.vm_ids[0]),
    )
    .await;
    assert_eq!(vm["powerState"], "poweredOn");
    env.emu.shutdown().await;
}
