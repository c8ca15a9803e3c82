//! The Forklift operator and its workloads as a client of a real cluster sees them: the
//! Deployments and Running pods in openshift-mtv (what `kubectl-mtv health` and the pytest
//! suite's MTV health check look for), the Ansible operator's conditions on the
//! ForkliftController, and a precopy-interval change that only reaches migrations once the
//! operator rolled out a new forklift-controller pod.

use futures::StreamExt;
use serde_json::{Value, json};

use crate::harness::*;

fn names_with_prefix(pods: &[Value], prefix: &str) -> Vec<Value> {
    pods.iter()
        .filter(|p| name_of(p).starts_with(prefix))
        .cloned()
        .collect()
}

fn condition<'a>(obj: &'a Value, ty: &str) -> &'a Value {
    obj["status"]["conditions"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["type"] == ty))
        .unwrap_or(&Value::Null)
}

/// Upstream names, labels and containers (operator/roles/forkliftcontroller/templates:
/// controller/deployment-controller.yml.j2:5-9,35,318 — `main` and `inventory`;
/// api/deployment-forklift-api.yml.j2:5-9; validation/deployment-validation.yml.j2:5-9;
/// ui-plugin/deployment-ui-plugin.yml.j2:5-9; populator/deployment-populator-controller.yml.j2:5-14;
/// cli-download/deployment-cli-download.yml.j2:5-9; the operator from
/// operator/config/manager/manager.yaml:11-25). kubectl-mtv `health` lists pods labelled
/// `app=forklift` in the operator namespace (pkg/cmd/health/pods.go, ForkliftPodLabelSelector)
/// and reads the ForkliftController's Running/Successful/Failure conditions
/// (pkg/cmd/health/controller.go extractControllerStatus).
#[tokio::test]
async fn forklift_workloads_run_in_the_mtv_namespace() {
    let env = Env::start().await;
    let pods: Vec<Value> = env
        .api(POD, Some(MTV))
        .list(&kube::api::ListParams::default().labels("app=forklift"))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| serde_json::to_value(p).unwrap())
        .collect();
    for prefix in [
        "forklift-operator-",
        "forklift-controller-",
        "forklift-api-",
        "forklift-validation-",
        "forklift-ui-plugin-",
        "forklift-volume-populator-controller-",
        "forklift-cli-download-",
    ] {
        let found = names_with_prefix(&pods, prefix);
        assert_eq!(
            found.len(),
            1,
            "{prefix}: {:?}",
            pods.iter().map(name_of).collect::<Vec<_>>()
        );
        let p = &found[0];
        assert_eq!(p["status"]["phase"], "Running", "{prefix}");
        assert!(has(p, "Ready"), "{prefix}: {}", p["status"]);
        assert!(!p["spec"]["nodeName"].as_str().unwrap().is_empty());
        for cs in p["status"]["containerStatuses"].as_array().unwrap() {
            assert_eq!(cs["ready"], true);
            assert!(cs["state"]["running"]["startedAt"].is_string());
        }
    }
    let controller = &names_with_prefix(&pods, "forklift-controller-")[0];
    let containers: Vec<&str> = controller["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(containers, ["main", "inventory"]);
    assert_eq!(
        controller["metadata"]["labels"]["control-plane"],
        "controller-manager"
    );
    assert_eq!(
        controller_env(&controller["spec"], "PRECOPY_INTERVAL").as_deref(),
        Some("60")
    );
    let d = env.get(DEPLOYMENT, MTV, "forklift-controller").await;
    assert_eq!(d["status"]["readyReplicas"], 1);
    assert!(has(&d, "Available"));
    // The ansible operator's markDone (ansible-operator-plugins
    // internal/ansible/controller/reconcile.go, status/utils.go messages).
    let fc = env
        .get(FORKLIFT_CONTROLLER, MTV, "forklift-controller")
        .await;
    let running = condition(&fc, "Running");
    assert_eq!(
        (&running["status"], &running["reason"], &running["message"]),
        (
            &json!("True"),
            &json!("Successful"),
            &json!("Awaiting next reconciliation")
        )
    );
    let ok = condition(&fc, "Successful");
    assert_eq!(
        (&ok["status"], &ok["message"]),
        (&json!("True"), &json!("Last reconciliation succeeded"))
    );
    assert_eq!(condition(&fc, "Failure")["status"], "False");
    env.emu.shutdown().await;
}

/// Starts a warm migration of `vm` in namespace `ns` with the cutover far away and returns
/// the VM status once the first precopy is done.
async fn first_precopy(env: &Env, ns: &str, vm: &str) -> (PlanSetup, Value) {
    let s = standard_plan(env, ns, "vsphere", &[vm], json!({"warm": true})).await;
    vsphere_enable_cbt(env, &s.vm_ids[0]).await;
    env.wait(PLAN, &s.ns, &s.plan, 10, |p| {
        has(p, "Ready") && !has(p, "VMMissingChangedBlockTracking")
    })
    .await;
    migrate(env, &s, "m", json!({"cutover": "2099-01-01T00:00:00Z"})).await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 20, |p| {
            p["status"]["migration"]["vms"][0]["warm"]["successes"] == 1
        })
        .await;
    (s, p["status"]["migration"]["vms"][0].clone())
}

fn minutes_to_next(vm: &Value) -> i64 {
    let t = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    let end = t(&vm["warm"]["precopies"][0]["end"]);
    (t(&vm["warm"]["nextPrecopyAt"]) - end).num_seconds() / 60
}

/// PRECOPY_INTERVAL is read by the controller at start (pkg/settings/migration.go:25,219),
/// rendered by the operator only when `controller_precopy_interval` is a number
/// (templates/controller/deployment-controller.yml.j2:79-82), and used when a precopy ends
/// (pkg/controller/plan/migration.go:1356: nextPrecopyAt = now + interval). So a spec
/// change goes through an operator run (Running → Successful) and a new controller pod;
/// a precopy already scheduled keeps its time; the next migration uses the new value.
#[tokio::test]
async fn a_precopy_interval_change_reaches_migrations_through_a_new_controller_pod() {
    let env = Env::start().await;
    let (a, vm) = first_precopy(&env, "before", "mtv-tests-rhel8").await;
    assert_eq!(minutes_to_next(&vm), 60, "{vm}");
    let old_pods = env.list(POD, MTV).await;
    let old = names_with_prefix(&old_pods, "forklift-controller-");
    let before = env
        .get(FORKLIFT_CONTROLLER, MTV, "forklift-controller")
        .await;
    let rv = before["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    // Every state the ForkliftController passes through from now on.
    let seen = {
        let api = env.api(FORKLIFT_CONTROLLER, Some(MTV));
        tokio::spawn(async move {
            let params =
                kube::api::WatchParams::default().fields("metadata.name=forklift-controller");
            let mut out = Vec::new();
            let mut started = false;
            let mut w = api.watch(&params, &rv).await.unwrap().boxed();
            while let Some(Ok(kube::api::WatchEvent::Modified(o))) = w.next().await {
                let v = serde_json::to_value(o).unwrap();
                started |= !has(&v, "Successful");
                let done = started && has(&v, "Successful");
                out.push(v);
                if done {
                    break;
                }
            }
            out
        })
    };
    set_precopy_interval(&env, 2, 10).await;
    let seen = tokio::time::timeout(std::time::Duration::from_secs(10), seen)
        .await
        .unwrap()
        .unwrap();
    assert!(
        seen.iter().any(|f| {
            condition(f, "Running")["reason"] == "Running"
                && condition(f, "Running")["message"] == "Running reconciliation"
                && condition(f, "Successful")["status"] == "False"
        }),
        "the operator's run was visible: {seen:?}"
    );
    let pods = env.list(POD, MTV).await;
    let now = names_with_prefix(&pods, "forklift-controller-");
    assert_eq!(now.len(), 1, "the old pod is gone");
    assert_ne!(name_of(&now[0]), name_of(&old[0]), "a new pod");
    assert_eq!(
        controller_env(&now[0]["spec"], "PRECOPY_INTERVAL").as_deref(),
        Some("2")
    );
    // Already scheduled: unchanged.
    let plan_a = env.get(PLAN, &a.ns, &a.plan).await;
    assert_eq!(
        plan_a["status"]["migration"]["vms"][0]["warm"]["nextPrecopyAt"],
        vm["warm"]["nextPrecopyAt"]
    );
    let (_, vm_b) = first_precopy(&env, "after", "mtv-rhel8-warm-2disks2nics").await;
    assert_eq!(minutes_to_next(&vm_b), 2, "{vm_b}");
    env.emu.shutdown().await;
}
