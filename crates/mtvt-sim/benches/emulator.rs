//! Benchmark of the whole emulator (not a timed test: it prints figures).
//!
//! `cargo bench -p mtvt-sim --bench emulator` measures, through kube-rs on loopback at the
//! default time scale:
//! * the time `Emulator::start` takes,
//! * wall time from creating the Migration to the Plan `Succeeded` for a cold vSphere
//!   migration of `mtv-tests-rhel8` (30 GiB), and for 5 plans of it run concurrently,
//! * HTTP requests the emulator served for one migration (client + controllers' view).
//!
//! Set `MTVT_BENCH_QUICK=1` for a smaller run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::{Duration, Instant};

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use mtvt_sim::emulator::{Emulator, EmulatorOptions};
use serde_json::{Value, json};

fn api(
    client: &kube::Client,
    g: &str,
    v: &str,
    k: &str,
    plural: &str,
    ns: &str,
) -> Api<DynamicObject> {
    let ar = ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(g, v, k), plural);
    if ns.is_empty() {
        Api::all_with(client.clone(), &ar)
    } else {
        Api::namespaced_with(client.clone(), ns, &ar)
    }
}

async fn create(a: &Api<DynamicObject>, v: Value) {
    let o: DynamicObject = serde_json::from_value(v).unwrap();
    a.create(&PostParams::default(), &o).await.unwrap();
}

fn has(o: Option<&DynamicObject>, kind: &str) -> bool {
    o.and_then(|o| o.data.pointer("/status/conditions"))
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|c| c["type"] == kind && c["status"] == "True"))
}

/// Sets up one namespace with a vSphere source, maps and a ready plan; returns once Ready.
async fn setup(emu: &Emulator, client: &kube::Client, ns: &str) {
    let p = emu.providers_json()["vsphere"].clone();
    create(
        &api(client, "", "v1", "Namespace", "namespaces", ""),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )
    .await;
    create(&api(client, "", "v1", "Secret", "secrets", ns), json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
        "stringData": {"user": p["username"], "password": p["password"], "insecureSkipVerify": "true"}})).await;
    let f = |k: &str, pl: &str| api(client, "forklift.konveyor.io", "v1beta1", k, pl, ns);
    create(&f("Provider", "providers"), json!({"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Provider", "metadata": {"name": "vs"},
        "spec": {"type": "vsphere", "url": p["api_url"], "secret": {"name": "s", "namespace": ns}}})).await;
    let pair = json!({"source": {"name": "vs", "namespace": ns}, "destination": {"name": "host", "namespace": "openshift-mtv"}});
    create(&f("NetworkMap", "networkmaps"), json!({"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "NetworkMap", "metadata": {"name": "n"},
        "spec": {"provider": pair, "map": [{"source": {"name": "VM Network"}, "destination": {"type": "pod"}}]}})).await;
    create(&f("StorageMap", "storagemaps"), json!({"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "StorageMap", "metadata": {"name": "s"},
        "spec": {"provider": pair, "map": [{"source": {"name": "mtv-ontap-xcopy-01"}, "destination": {"storageClass": "ocs-storagecluster-ceph-rbd"}}]}})).await;
    create(&f("Plan", "plans"), json!({"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Plan", "metadata": {"name": "p"},
        "spec": {"provider": pair, "map": {"network": {"name": "n", "namespace": ns}, "storage": {"name": "s", "namespace": ns}},
                 "targetNamespace": ns, "vms": [{"name": "mtv-tests-rhel8"}]}})).await;
    tokio::time::timeout(
        Duration::from_secs(30),
        kube::runtime::wait::await_condition(
            f("Plan", "plans"),
            "p",
            |o: Option<&DynamicObject>| has(o, "Ready"),
        ),
    )
    .await
    .unwrap()
    .unwrap();
}

async fn migrate(client: &kube::Client, ns: &str) -> Duration {
    let f = |k: &str, pl: &str| api(client, "forklift.konveyor.io", "v1beta1", k, pl, ns);
    let t = Instant::now();
    create(&f("Migration", "migrations"), json!({"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Migration", "metadata": {"name": "m"},
        "spec": {"plan": {"name": "p", "namespace": ns}}})).await;
    let done = tokio::time::timeout(
        Duration::from_secs(60),
        kube::runtime::wait::await_condition(
            f("Plan", "plans"),
            "p",
            |o: Option<&DynamicObject>| has(o, "Succeeded") || has(o, "Failed"),
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(
        has(done.as_ref(), "Succeeded"),
        "plan in {ns} did not succeed"
    );
    t.elapsed()
}

async fn client_for(emu: &Emulator) -> kube::Client {
    let kc = Kubeconfig::from_yaml(&emu.kubeconfig_yaml()).unwrap();
    let c = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    kube::Client::try_from(c).unwrap()
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let quick = std::env::var("MTVT_BENCH_QUICK").is_ok_and(|v| v == "1");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let rounds = if quick { 1 } else { 3 };
        let mut starts = Vec::new();
        let mut cold = Vec::new();
        let mut requests = Vec::new();
        for _ in 0..rounds {
            let t = Instant::now();
            let emu = Emulator::start(EmulatorOptions::default()).await.unwrap();
            starts.push(t.elapsed());
            let client = client_for(&emu).await;
            setup(&emu, &client, "bench").await;
            let before = emu.request_count();
            cold.push(migrate(&client, "bench").await);
            requests.push(emu.request_count() - before);
            emu.shutdown().await;
        }
        let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
        println!(
            "emulator start:                      {}",
            starts
                .iter()
                .map(|d| format!("{:.1} ms", ms(d)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!(
            "cold vSphere 30 GiB, Migration→Succeeded: {}",
            cold.iter()
                .map(|d| format!("{:.0} ms", ms(d)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!(
            "requests served during one migration: {}",
            requests
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        let plans = if quick { 2 } else { 5 };
        let emu = Emulator::start(EmulatorOptions::default()).await.unwrap();
        let client = client_for(&emu).await;
        for i in 0..plans {
            setup(&emu, &client, &format!("bench-{i}")).await;
        }
        let t = Instant::now();
        let runs: Vec<_> = (0..plans)
            .map(|i| {
                let c = client.clone();
                tokio::spawn(async move { migrate(&c, &format!("bench-{i}")).await })
            })
            .collect();
        for r in runs {
            r.await.unwrap();
        }
        println!(
            "{plans} concurrent cold plans, all Succeeded:  {:.0} ms",
            ms(&t.elapsed())
        );
        println!(
            "requests served in total:            {}",
            emu.request_count()
        );
        emu.shutdown().await;
    });
}
