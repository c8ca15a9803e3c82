//! kubectl, a client nobody here wrote, against the server: create, apply, get, label,
//! patch, wait, delete, get --watch, logs, explain, and a CRD-invalid custom resource.
//!
//! Runs with `$MTVT_KUBECTL` (default `kubectl` on PATH) and every binary listed in
//! `$MTVT_KUBECTL_EXTRA` (colon-separated, e.g. Debian's 1.20 kubectl). Without kubectl the tests
//! print "not run: kubectl not found", unless `MTVT_REQUIRE_KUBECTL=1` makes that a failure.

use std::time::Duration;

use mtvt_apiserver::store::Gvr;
use serde_json::{Value, json};

use crate::harness::kubectl::{Kubectl, kubectls, read_until};
use crate::harness::{Sim, widget_manifest, widgets};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_lifecycle_of_a_custom_resource() {
    for bin in kubectls() {
        let sim = Sim::with_crds().await;
        let k = Kubectl::new(bin.clone(), &sim.handle);
        assert!(
            k.ok_async(&["create", "namespace", "team-a"])
                .await
                .contains("namespace/team-a created")
        );
        let manifest = widget_manifest("widget-a", "team-a", "false");
        let out = k
            .run_async(&["apply", "-f", "-"], Some(manifest.clone()))
            .await;
        assert!(
            out.ok && out.stdout.contains("widget.example.com/widget-a created"),
            "{bin:?}: {}{}",
            out.stdout,
            out.stderr
        );

        // get --watch, started before the changes it must report.
        let watch = k.spawn(&[
            "get",
            "widgets",
            "-n",
            "team-a",
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
            &k.ok_async(&["get", "widget", "widget-a", "-n", "team-a", "-o", "json"])
                .await,
        )
        .unwrap();
        assert_eq!(got["spec"]["targetNamespace"], "team-a");
        assert_eq!(got["spec"]["retainParts"], true, "CRD default applied");
        assert!(
            got["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
                .is_string()
        );
        assert!(
            k.ok_async(&["label", "widget", "widget-a", "-n", "team-a", "team=qe"])
                .await
                .contains("labeled")
        );
        assert!(
            k.ok_async(&[
                "patch",
                "widget",
                "widget-a",
                "-n",
                "team-a",
                "--type",
                "merge",
                "-p",
                "{\"spec\":{\"description\":\"hello\"}}"
            ])
            .await
            .contains("patched")
        );
        let got: Value = serde_json::from_str(
            &k.ok_async(&["get", "widget", "widget-a", "-n", "team-a", "-o", "json"])
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
                "widget/widget-a",
                "-n",
                "team-a",
                "--timeout=20s",
            ])
            .await
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        sim.handle
            .store()
            .merge_patch_status(
                &widgets(),
                "team-a",
                "widget-a",
                &json!({"status": {"conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}),
            )
            .unwrap();
        assert!(waiter.await.unwrap().contains("condition met"));

        let table = k.ok_async(&["get", "widgets", "-n", "team-a"]).await;
        let mut rows = table.lines();
        assert!(
            rows.next()
                .unwrap()
                .split_whitespace()
                .eq(["NAME", "READY", "MODE", "AGE"]),
            "{table}"
        );
        let row: Vec<&str> = rows.next().unwrap().split_whitespace().collect();
        assert_eq!(row[..3], ["widget-a", "True", "fast"], "{table}");

        assert!(
            k.ok_async(&["delete", "widget", "widget-a", "-n", "team-a"])
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
            k.ok_async(&["delete", "namespace", "team-a"])
                .await
                .contains("deleted")
        );
        let out = k.run(&["get", "namespace", "team-a"]);
        assert!(!out.ok && out.stderr.contains("NotFound"), "{}", out.stderr);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_rejects_an_invalid_custom_resource_with_its_field_path() {
    for bin in kubectls() {
        let sim = Sim::with_crds().await;
        let k = Kubectl::new(bin, &sim.handle);
        let out = tokio::task::block_in_place(|| {
            k.run_stdin(
                &["apply", "-f", "-"],
                Some(&widget_manifest("bad", "default", "\"yes\"")),
            )
        });
        assert!(!out.ok);
        assert!(
            out.stderr.contains("The Widget \"bad\" is invalid: spec.enabled: Invalid value: \"string\": spec.enabled in body must be of type boolean"),
            "{}",
            out.stderr
        );
        let out = tokio::task::block_in_place(|| {
            k.run_stdin(
                &["create", "-f", "-"],
                Some(&widget_manifest("bad", "default", "\"yes\"")),
            )
        });
        assert!(
            !out.ok && out.stderr.contains("spec.enabled"),
            "{}",
            out.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_typed_commands_logs_and_discovery() {
    for bin in kubectls() {
        let sim = Sim::with_crds().await;
        let k = Kubectl::new(bin.clone(), &sim.handle);
        tokio::task::block_in_place(|| {
            k.ok(&[
                "create",
                "secret",
                "generic",
                "db-creds",
                "-n",
                "kube-system",
                "--from-literal=user=admin",
                "--from-literal=password=s3cret",
            ]);
            k.ok(&["create", "configmap", "cm1", "--from-literal=a=b"]);
            let secret: Value = serde_json::from_str(&k.ok(&[
                "get",
                "secret",
                "db-creds",
                "-n",
                "kube-system",
                "-o",
                "json",
            ]))
            .unwrap();
            assert_eq!(secret["data"]["user"], "YWRtaW4=");
            assert_eq!(secret["type"], "Opaque");
            let cms = k.ok(&["get", "cm"]);
            assert!(cms.contains("cm1"), "{cms}");
            let ns = k.ok(&["get", "ns"]);
            for n in ["default", "kube-system"] {
                assert!(ns.contains(n), "{ns}");
            }
            let resources = k.ok(&["api-resources"]);
            assert!(
                resources.contains("widgets") && resources.contains("customresourcedefinitions"),
                "{resources}"
            );
        });
        let store = sim.handle.store();
        store
            .create(&Gvr::core("pods"), "default", json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "job-abc"}, "spec": {"containers": [{"name": "main", "image": "runner"}]}}))
            .unwrap();
        store.set_pod_log("default", "job-abc", "PLAY [all] ***\nok: [localhost]\n");
        tokio::task::block_in_place(|| {
            assert_eq!(
                k.ok(&["logs", "job-abc"]),
                "PLAY [all] ***\nok: [localhost]\n"
            );
            let labelled = k.run(&["label", "cm", "cm1", "team=qe"]);
            assert!(labelled.ok, "{}", labelled.stderr);
            let wrong = k.run(&["get", "sprockets"]);
            assert!(!wrong.ok);
        });
        let version = k.run(&["explain", "widget.spec.enabled"]);
        if version.ok {
            assert!(version.stdout.contains("enabled"), "{}", version.stdout);
        } else {
            // kubectl < 1.27 explains from /openapi/v2, which the emulator serves empty.
            eprintln!("{bin:?}: explain not supported: {}", version.stderr.trim());
        }
    }
}
