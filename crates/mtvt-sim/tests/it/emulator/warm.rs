//! §6.14 and the warm timeline: precopies every `controller_precopy_interval` minutes, the VM
//! idles in `CopyingPaused`, and cutover happens at `Migration.spec.cutover` computed from the
//! server's clock (HTTP `Date`), not the client's.
//!
//! The timeline is asserted to within [`LATE`] of virtual time. A controller acts one
//! reconcile after a timer fires, and a reconcile waits for a CPU: on a loaded machine that
//! wall-clock delay, multiplied by the time scale, shows up as virtual lateness. The test
//! runs at [`SCALE`] (not the default 300×) so that [`LATE`] is a full second of wall time,
//! which a loaded 2-core machine stays well within, instead of 0.1 s.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::harness::*;
use mtvt_sim::emulator::EmulatorOptions;

/// Virtual seconds per wall second of this test.
const SCALE: f64 = 30.0;

/// How late (virtual) a timed action may be stamped: one second of wall time at [`SCALE`].
const LATE: i64 = 30;

/// The server's time, from the `Date` header of an API request.
async fn server_now(env: &Env) -> DateTime<Utc> {
    let r = env
        .http
        .get(format!("{}/version", env.emu.url()))
        .bearer_auth(env.emu.token())
        .send()
        .await
        .unwrap();
    let d = r.headers()["date"].to_str().unwrap().to_string();
    DateTime::parse_from_rfc2822(&d).unwrap().to_utc()
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .to_utc()
}

#[tokio::test]
async fn warm_migration_precopies_then_cuts_over_at_the_requested_time() {
    let env = Env::with(EmulatorOptions {
        time_scale: SCALE,
        ..Default::default()
    })
    .await;
    // As the pytest suite and the runner do: the interval first, rolled out by the operator.
    set_precopy_interval(&env, 2, 30).await;
    let s = standard_plan(
        &env,
        "warm",
        "vsphere",
        &["mtv-tests-rhel8"],
        json!({"warm": true}),
    )
    .await;
    vsphere_enable_cbt(&env, &s.vm_ids[0]).await;
    vsphere_power_on(&env, &s.vm_ids[0]).await;
    // Before the inventory refresh the plan sees CBT off; after it, Ready.
    env.wait(PLAN, &s.ns, &s.plan, 10, |p| {
        has(p, "Ready") && !has(p, "VMMissingChangedBlockTracking")
    })
    .await;
    let cutover = server_now(&env).await + Duration::minutes(10);
    migrate(&env, &s, "m", json!({"cutover": cutover.to_rfc3339()})).await;
    // Before cutover the VM waits in CopyingPaused.
    let paused = env
        .wait(PLAN, &s.ns, &s.plan, 30, |p| {
            p["status"]["migration"]["vms"][0]["phase"] == "CopyingPaused"
        })
        .await;
    assert_eq!(
        paused["status"]["migration"]["vms"][0]["warm"]["successes"],
        1
    );
    let plan = finished(&env, &s, 60).await;
    assert!(
        has(&plan, "Succeeded"),
        "{}",
        serde_json::to_string_pretty(&plan["status"]).unwrap()
    );
    let vs = &plan["status"]["migration"]["vms"][0];
    let steps: Vec<&str> = vs["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        vec![
            "Initialize",
            "PreflightInspection",
            "DiskTransfer",
            "Cutover",
            "ImageConversion",
            "VirtualMachineCreation",
            "WaitForFinalSnapshotConsolidation"
        ]
    );
    let warm = &vs["warm"];
    let precopies = warm["precopies"].as_array().unwrap();
    // The initial (full) precopy takes about 3 virtual minutes; then one every 2 minutes until
    // the cutover at 10, then the final one.
    assert!(warm["successes"].as_i64().unwrap() >= 3, "{warm}");
    assert!(precopies.len() >= 4, "{warm}");
    let starts: Vec<DateTime<Utc>> = precopies.iter().map(|p| time(&p["start"])).collect();
    let ends: Vec<DateTime<Utc>> = precopies.iter().map(|p| time(&p["end"])).collect();
    // (A start is stamped one reconcile after the interval elapsed: up to LATE later.)
    for i in 1..precopies.len() - 1 {
        let gap = starts[i] - ends[i - 1];
        assert!(
            gap >= Duration::seconds(119) && gap <= Duration::seconds(120 + LATE),
            "precopy {i} started {gap} after the previous ended"
        );
    }
    for p in precopies {
        assert!(
            p["removeTaskId"].is_string(),
            "every precopy snapshot is removed: {p}"
        );
    }
    let cut = vs["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Cutover")
        .unwrap();
    let cut_started = time(&cut["started"]);
    assert!(
        cut_started >= cutover - Duration::seconds(1),
        "cutover step started {cut_started} before {cutover}"
    );
    assert!(
        cut_started <= cutover + Duration::seconds(LATE),
        "cutover step started {cut_started}, long after {cutover}"
    );
    // The last regular precopy was decided before the cutover; its start is stamped when its
    // snapshot is taken, one reconcile later — the same tolerance as the cutover step.
    let last_before = starts[starts.len() - 2];
    assert!(
        last_before < cutover + Duration::seconds(LATE),
        "a regular precopy started at {last_before}, long after the cutover {cutover}"
    );
    assert!(
        *starts.last().unwrap() >= cutover - Duration::seconds(1),
        "final snapshot after cutover"
    );
    assert_eq!(vs["restorePowerState"], "On");
    // The source was powered off at cutover; the target runs (source was on).
    let uid = env.get(PROVIDER, &s.ns, "src").await["metadata"]["uid"]
        .as_str()
        .unwrap()
        .to_string();
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let src = inventory(
        &env,
        &format!("providers/vsphere/{uid}/vms/{}", s.vm_ids[0]),
    )
    .await;
    assert_eq!(src["powerState"], "poweredOff");
    let vm = env.get(VM, &s.ns, "mtv-tests-rhel8").await;
    assert_eq!(vm["spec"]["runStrategy"], "Always");
    env.emu.shutdown().await;
}
