//! What a run creates, read back from the emulator's API server after a kept run, against
//! what the pytest suite (RedHatQE/mtv-api-tests) creates and what upstream Forklift needs
//! (issue 11, items 2 and 9): the local destination Provider next to the Plans (outside
//! Forklift's namespace a host provider is restricted to NADs of its own namespace and
//! `default`), `preserveStaticIPs` always sent, the suite's namespace labels and NAD
//! bridges.

use std::path::Path;

use kube::api::{DynamicObject, ListParams};
use serde_json::Value;

use crate::harness::{Mtvt, cluster_flags, emulator, journal_session, stderr as text};

fn ar(group: &str, version: &str, kind: &str, plural: &str) -> kube::api::ApiResource {
    kube::api::ApiResource::from_gvk_with_plural(
        &kube::api::GroupVersionKind::gvk(group, version, kind),
        plural,
    )
}

/// Every object of `ar` carrying the session label, as JSON.
async fn session_objects(
    client: &kube::Client,
    ar: &kube::api::ApiResource,
    session: &str,
) -> Vec<Value> {
    let api: kube::Api<DynamicObject> = kube::Api::all_with(client.clone(), ar);
    let lp = ListParams::default().labels(&format!("mtvt.io/session={session}"));
    api.list(&lp)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|o| serde_json::to_value(o).unwrap())
        .collect()
}

/// Runs `scenario` (vSphere) against the emulator in `dir`, keeping its objects.
fn kept_run(dir: &Path, scenario: &str) -> std::process::Output {
    let d = dir.to_str().unwrap();
    Mtvt::new()
        .args([
            "run",
            scenario,
            "--provider",
            "vsphere",
            "--storage-class",
            "ocs-storagecluster-ceph-rbd",
            "--keep",
            "always",
            "--data-collector-path",
            &format!("{d}/dc"),
        ])
        .args(cluster_flags(dir))
        .output()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_providers_nads_and_namespaces_are_as_upstream_needs() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, client) = emulator(dir.path(), &[]).await;
    let d = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        kept_run(&d, "scenarios/warm/mtv_migration_warm_2disks2nics.mtvt")
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let session = journal_session(&dir.path().join("dc"));
    let forklift = |kind, plural| ar("forklift.konveyor.io", "v1beta1", kind, plural);

    let plans = session_objects(&client, &forklift("Plan", "plans"), &session).await;
    assert_eq!(plans.len(), 1, "{plans:?}");
    let plan = &plans[0];
    let plan_ns = plan["metadata"]["namespace"].as_str().unwrap();
    // the pytest suite always sends it (false unless the test preserves static IPs)
    assert_eq!(plan["spec"]["preserveStaticIPs"], false, "{plan}");
    // the local destination sits next to the plan (M conftest.py:449-465)
    let dest = &plan["spec"]["provider"]["destination"];
    assert_eq!(dest["namespace"], plan_ns, "{plan}");
    let providers = session_objects(&client, &forklift("Provider", "providers"), &session).await;
    let local = providers
        .iter()
        .find(|p| p["metadata"]["name"] == dest["name"] && p["metadata"]["namespace"] == plan_ns)
        .unwrap_or_else(|| panic!("destination {dest} not found in {providers:?}"));
    assert_eq!(local["spec"]["url"], "");

    // NADs only where the restricted host's inventory lists them (provider.go:196,
    // web/ocp/base.go:294-323), the first on the suite's cnv-bridge
    let nads = session_objects(
        &client,
        &ar(
            "k8s.cni.cncf.io",
            "v1",
            "NetworkAttachmentDefinition",
            "network-attachment-definitions",
        ),
        &session,
    )
    .await;
    assert_eq!(nads.len(), 1, "2 NICs: one NAD ({nads:?})");
    let mut bridges = Vec::new();
    for nad in &nads {
        let ns = nad["metadata"]["namespace"].as_str().unwrap();
        assert!(ns == plan_ns || ns == "default", "NAD in {ns}");
        let config: Value = serde_json::from_str(nad["spec"]["config"].as_str().unwrap()).unwrap();
        bridges.push((config["type"].clone(), config["bridge"].clone()));
    }
    assert_eq!(bridges[0].0, "cnv-bridge");
    assert_eq!(bridges[0].1, "cnv-bridge");
    let map = session_objects(&client, &forklift("NetworkMap", "networkmaps"), &session).await;
    for entry in map[0]["spec"]["map"].as_array().unwrap() {
        if entry["destination"]["type"] == "multus" {
            assert_eq!(entry["destination"]["namespace"], plan_ns, "{entry}");
        }
    }

    // namespaces labelled as the suite's target namespace (M conftest.py:311-334)
    let namespaces =
        session_objects(&client, &ar("", "v1", "Namespace", "namespaces"), &session).await;
    assert!(namespaces.len() >= 2, "{namespaces:?}");
    for ns in &namespaces {
        let labels = &ns["metadata"]["labels"];
        assert_eq!(
            labels["pod-security.kubernetes.io/enforce"], "restricted",
            "{ns}"
        );
        assert_eq!(
            labels["pod-security.kubernetes.io/enforce-version"], "latest",
            "{ns}"
        );
        assert_eq!(
            labels["mutatevirtualmachines.kubemacpool.io"], "ignore",
            "{ns}"
        );
    }
    emu.shutdown().await;
}

/// The source Secret's CA key follows the installed MTV version: `ca.crt` (what Forklift
/// reads first, pkg/lib/util/util.go:128-137) from MTV 2.12 on, `cacert` (deprecated,
/// removed in Forklift 2.14) before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_source_ca_goes_under_the_key_the_installed_mtv_reads() {
    for (version, key, other) in [
        ("2.12.0", "ca.crt", "cacert"),
        ("2.10.0", "cacert", "ca.crt"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (emu, client) = emulator(dir.path(), &[]).await;
        let csv = ar(
            "operators.coreos.com",
            "v1alpha1",
            "ClusterServiceVersion",
            "clusterserviceversions",
        );
        let csvs: kube::Api<DynamicObject> =
            kube::Api::namespaced_with(client.clone(), "openshift-mtv", &csv);
        let name = csvs.list(&ListParams::default()).await.unwrap().items[0]
            .metadata
            .name
            .clone()
            .unwrap();
        let patch = serde_json::json!({"spec": {"version": version}});
        csvs.patch(
            &name,
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(&patch),
        )
        .await
        .unwrap();
        // any well-formed CA will do: the emulator's own
        let ca = emu.ca_pem().to_string();
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, ca).unwrap();
        let d = dir.path().to_path_buf();
        let out = tokio::task::spawn_blocking(move || {
            let d_text = d.to_str().unwrap().to_string();
            Mtvt::new()
                .args([
                    "run",
                    "scenarios/tier0/sanity_cold_mtv_migration.mtvt",
                    "--provider",
                    "vsphere",
                    "--storage-class",
                    "ocs-storagecluster-ceph-rbd",
                    "--keep",
                    "always",
                    "--source-ca-file",
                    d.join("ca.pem").to_str().unwrap(),
                    "--data-collector-path",
                    &format!("{d_text}/dc"),
                ])
                .args(cluster_flags(&d))
                .output()
        })
        .await
        .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let session = journal_session(&dir.path().join("dc"));
        let secrets = session_objects(&client, &ar("", "v1", "Secret", "secrets"), &session).await;
        let source = secrets
            .iter()
            .find(|s| s["data"].get("user").is_some())
            .unwrap_or_else(|| panic!("no source Secret among {}", secrets.len()));
        assert!(source["data"].get(key).is_some(), "MTV {version}: no {key}");
        assert!(
            source["data"].get(other).is_none(),
            "MTV {version}: {other} too"
        );
        emu.shutdown().await;
    }
}
