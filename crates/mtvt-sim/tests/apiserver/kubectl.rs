//! kubectl, a client nobody here wrote, against the emulator: create, apply, get, label,
//! patch, wait, delete, get --watch, logs, explain, and a CRD-invalid Plan.
//!
//! Runs with `$MTVT_KUBECTL` (default `kubectl` on PATH) and every binary listed in
//! `$MTVT_KUBECTL_EXTRA` (colon-separated, e.g. Debian's 1.20 kubectl). Without kubectl the tests
//! print "not run: kubectl not found", unless `MTVT_REQUIRE_KUBECTL=1` makes that a failure.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mtvt_sim::server::Server;
use mtvt_sim::store::Gvr;
use serde_json::{Value, json};

use crate::common::{Kubectl, Sim, have_schemas, kubectl, plan_manifest, schemas};

fn kubectls() -> Vec<PathBuf> {
    if !have_schemas() {
        return Vec::new();
    }
    let mut out: Vec<PathBuf> = kubectl().into_iter().collect();
    if let Some(extra) = std::env::var_os("MTVT_KUBECTL_EXTRA") {
        out.extend(std::env::split_paths(&extra).filter(|p| p.is_file()));
    }
    out
}

async fn sim_with_crds() -> Sim {
    Sim::with(
        Server::builder()
            .crds_dir(schemas("forklift"))
            .crds_dir(schemas("multus")),
    )
    .await
}

/// Collects lines of a running kubectl until `done` says so or `wait` passes, then kills it.
fn read_until(
    mut child: std::process::Child,
    wait: Duration,
    done: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + wait;
    let mut lines = Vec::new();
    while !done(&lines) {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => lines.push(l),
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    lines
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_lifecycle_of_a_plan() {
    for bin in kubectls() {
        let sim = sim_with_crds().await;
        let k = Kubectl::new(bin.clone(), &sim.handle);
        assert!(
            k.ok_async(&["create", "namespace", "mtv-test"])
                .await
                .contains("namespace/mtv-test created")
        );
        let manifest = plan_manifest("plan-a", "mtv-test", "false");
        let out = k
            .run_async(&["apply", "-f", "-"], Some(manifest.clone()))
            .await;
        assert!(
            out.ok
                && out
                    .stdout
                    .contains("plan.forklift.konveyor.io/plan-a created"),
            "{bin:?}: {}{}",
            out.stdout,
            out.stderr
        );

        // get --watch, started before the changes it must report.
        let watch = k.spawn(&[
            "get",
            "plans",
            "-n",
            "mtv-test",
            "--watch",
            "--output-watch-events",
        ]);
        let watcher = std::thread::spawn(move || {
            read_until(watch, Duration::from_secs(20), |lines| {
                lines.iter().any(|l| l.starts_with("DELETED"))
            })
        });
        tokio::time::sleep(Duration::from_millis(700)).await;

        let out = k
            .run_async(&["apply", "-f", "-"], Some(manifest.clone()))
            .await;
        assert!(
            out.ok && out.stdout.contains("unchanged"),
            "{}{}",
            out.stdout,
            out.stderr
        );
        let got: Value = serde_json::from_str(
            &k.ok_async(&["get", "plan", "plan-a", "-n", "mtv-test", "-o", "json"])
                .await,
        )
        .unwrap();
        assert_eq!(got["spec"]["targetNamespace"], "mtv-test");
        assert_eq!(
            got["spec"]["preserveStaticIPs"], true,
            "CRD default applied"
        );
        assert!(
            got["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
                .is_string()
        );
        assert!(
            k.ok_async(&["label", "plan", "plan-a", "-n", "mtv-test", "team=qe"])
                .await
                .contains("labeled")
        );
        assert!(
            k.ok_async(&[
                "patch",
                "plan",
                "plan-a",
                "-n",
                "mtv-test",
                "--type",
                "merge",
                "-p",
                "{\"spec\":{\"description\":\"hello\"}}"
            ])
            .await
            .contains("patched")
        );
        let got: Value = serde_json::from_str(
            &k.ok_async(&["get", "plan", "plan-a", "-n", "mtv-test", "-o", "json"])
                .await,
        )
        .unwrap();
        assert_eq!(got["metadata"]["labels"]["team"], "qe");
        assert_eq!(got["spec"]["description"], "hello");
        assert_eq!(got["metadata"]["generation"], 2);

        // wait --for=condition after a status write (in-process, as a controller would).
        let kw = k.clone();
        let waiter = tokio::spawn(async move {
            kw.ok_async(&[
                "wait",
                "--for=condition=Ready",
                "plan/plan-a",
                "-n",
                "mtv-test",
                "--timeout=20s",
            ])
            .await
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        sim.handle
            .store()
            .merge_patch_status(
                &Gvr::new("forklift.konveyor.io", "v1beta1", "plans"),
                "mtv-test",
                "plan-a",
                &json!({"status": {"conditions": [{"type": "Ready", "status": "True", "category": "Required", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}),
            )
            .unwrap();
        assert!(waiter.await.unwrap().contains("condition met"));

        let table = k.ok_async(&["get", "plans", "-n", "mtv-test"]).await;
        let mut rows = table.lines();
        assert!(
            rows.next().unwrap().split_whitespace().eq([
                "NAME",
                "READY",
                "EXECUTING",
                "SUCCEEDED",
                "FAILED",
                "AGE"
            ]),
            "{table}"
        );
        assert!(rows.next().unwrap().starts_with("plan-a   True"), "{table}");

        assert!(
            k.ok_async(&["delete", "plan", "plan-a", "-n", "mtv-test"])
                .await
                .contains("deleted")
        );
        let lines = watcher.join().unwrap();
        let events: Vec<&str> = lines
            .iter()
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert!(
            events.contains(&"ADDED")
                && events.contains(&"MODIFIED")
                && events.contains(&"DELETED"),
            "{bin:?}: {lines:?}"
        );

        assert!(
            k.ok_async(&["delete", "namespace", "mtv-test"])
                .await
                .contains("deleted")
        );
        let out = k.run(&["get", "namespace", "mtv-test"]);
        assert!(!out.ok && out.stderr.contains("NotFound"), "{}", out.stderr);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_rejects_an_invalid_plan_with_its_field_path() {
    for bin in kubectls() {
        let sim = sim_with_crds().await;
        let k = Kubectl::new(bin, &sim.handle);
        let out = tokio::task::block_in_place(|| {
            k.run_stdin(
                &["apply", "-f", "-"],
                Some(&plan_manifest("bad", "default", "\"yes\"")),
            )
        });
        assert!(!out.ok);
        assert!(
            out.stderr.contains("The Plan \"bad\" is invalid: spec.warm: Invalid value: \"string\": spec.warm in body must be of type boolean"),
            "{}",
            out.stderr
        );
        let out = tokio::task::block_in_place(|| {
            k.run_stdin(
                &["create", "-f", "-"],
                Some(&plan_manifest("bad", "default", "\"yes\"")),
            )
        });
        assert!(
            !out.ok && out.stderr.contains("spec.warm"),
            "{}",
            out.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_typed_commands_logs_and_discovery() {
    for bin in kubectls() {
        let sim = sim_with_crds().await;
        let k = Kubectl::new(bin.clone(), &sim.handle);
        tokio::task::block_in_place(|| {
            k.ok(&[
                "create",
                "secret",
                "generic",
                "vsphere-creds",
                "-n",
                "openshift-mtv",
                "--from-literal=user=admin",
                "--from-literal=password=s3cret",
            ]);
            k.ok(&["create", "configmap", "cm1", "--from-literal=a=b"]);
            let secret: Value = serde_json::from_str(&k.ok(&[
                "get",
                "secret",
                "vsphere-creds",
                "-n",
                "openshift-mtv",
                "-o",
                "json",
            ]))
            .unwrap();
            assert_eq!(secret["data"]["user"], "YWRtaW4=");
            assert_eq!(secret["type"], "Opaque");
            let cms = k.ok(&["get", "cm"]);
            assert!(cms.contains("cm1"), "{cms}");
            let ns = k.ok(&["get", "ns"]);
            for n in ["default", "kube-system", "openshift-mtv"] {
                assert!(ns.contains(n), "{ns}");
            }
            let resources = k.ok(&["api-resources"]);
            assert!(
                resources.contains("plans") && resources.contains("virtualmachines"),
                "{resources}"
            );
        });
        let store = sim.handle.store();
        store
            .create(&Gvr::core("pods"), "default", json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hook-abc"}, "spec": {"containers": [{"name": "main", "image": "hook-runner"}]}}))
            .unwrap();
        store.set_pod_log("default", "hook-abc", "PLAY [all] ***\nok: [localhost]\n");
        tokio::task::block_in_place(|| {
            assert_eq!(
                k.ok(&["logs", "hook-abc"]),
                "PLAY [all] ***\nok: [localhost]\n"
            );
            let labelled = k.run(&["label", "cm", "cm1", "team=qe"]);
            assert!(labelled.ok, "{}", labelled.stderr);
            let wrong = k.run(&["get", "widgets"]);
            assert!(!wrong.ok);
        });
        let version = k.run(&["explain", "plan.spec.warm"]);
        if version.ok {
            assert!(version.stdout.contains("warm"), "{}", version.stdout);
        } else {
            // kubectl < 1.27 explains from /openapi/v2, which the emulator serves empty.
            eprintln!("{bin:?}: explain not supported: {}", version.stderr.trim());
        }
    }
}
