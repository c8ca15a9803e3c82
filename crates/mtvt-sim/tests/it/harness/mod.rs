//! The shared harness of the emulator's tests: process set-up, kube and HTTPS clients, the
//! shared schemas, loopback servers for routers under test, the default lab, a whole emulator
//! per test ([`env`]), the MTV objects a suite builds ([`plans`]), HTTP API sessions
//! ([`http`]) and a kubectl runner ([`kubectl`]).
#![allow(dead_code)]

pub mod env;
pub mod http;
pub mod kubectl;
pub mod plans;
pub mod sources;

pub use env::*;
pub use plans::*;
pub use sources::*;

use std::path::PathBuf;

use kube::Client;
use kube::config::{KubeConfigOptions, Kubeconfig};
use mtvt_sim::clock::Clock;
use mtvt_sim::lab::{Lab, LabHandle};

pub const MTV: &str = "openshift-mtv";

pub fn init() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
}

/// `$MTVT_SCHEMAS/<dir>` or `<repo>/../shared/schemas/<dir>`.
pub fn schemas(dir: &str) -> PathBuf {
    std::env::var_os("MTVT_SCHEMAS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/schemas")
        })
        .join(dir)
}

/// Whether the shared schemas of `dirs` are there; prints "not run" when not, and fails when
/// `MTVT_REQUIRE_SCHEMAS=1` (CI).
pub fn have_schemas(dirs: &[&str]) -> bool {
    let ok = dirs.iter().all(|d| schemas(d).is_dir());
    assert!(
        ok || std::env::var("MTVT_REQUIRE_SCHEMAS").as_deref() != Ok("1"),
        "MTVT_REQUIRE_SCHEMAS=1 but {} lacks one of {dirs:?}",
        schemas("").display()
    );
    if !ok {
        eprintln!("not run: {} not found", schemas("").display());
    }
    ok
}

/// A kube client for a kubeconfig.
pub async fn client_for(kubeconfig_yaml: &str) -> Client {
    let kc = Kubeconfig::from_yaml(kubeconfig_yaml).expect("kubeconfig parses");
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("kube config");
    Client::try_from(config).expect("kube client")
}

/// An HTTPS client trusting `ca_pem`.
pub fn https_client(ca_pem: &str) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("CA parses");
    reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .expect("reqwest client")
}

/// Serves `app` on a loopback port; returns `http://127.0.0.1:PORT`.
pub async fn serve(app: axum::Router) -> String {
    init();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// The default lab on a clock at `scale`.
pub fn lab(scale: f64) -> LabHandle {
    LabHandle::new(Lab::default_lab().unwrap(), Clock::new(scale))
}
