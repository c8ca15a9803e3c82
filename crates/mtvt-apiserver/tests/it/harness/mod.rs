//! The shared harness of the API server's tests: one in-process server per test (built from
//! this crate alone, serving plain Kubernetes plus the test kind `widgets.example.com`), a
//! kube client and a raw HTTPS client for it, object and request builders, a watch reader,
//! fault rules, and a kubectl runner ([`kubectl`]).

pub mod kubectl;

use std::path::PathBuf;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::Client;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::core::Status;
use mtvt_apiserver::api::Faults;
use mtvt_apiserver::server::{Server, ServerBuilder, ServerHandle};
use mtvt_apiserver::store::{Gvr, ResourceKind};
use serde_json::{Value, json};

pub fn init() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
}

/// The test CRDs: `widgets.example.com` (status subresource, printer columns, defaults) and
/// `gadgets.example.com` (no status subresource).
pub fn crds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/crds")
}

/// The served row of the test kind, as a platform would register it: no schema.
pub fn widget_kind() -> ResourceKind {
    ResourceKind::new("example.com", "v1", "Widget", "widgets")
        .status()
        .short(&["wd"])
        .col(
            "Ready",
            "string",
            ".status.conditions[?(@.type=='Ready')].status",
        )
        .col("Mode", "string", ".spec.mode")
        .age()
}

pub fn widgets() -> Gvr {
    Gvr::new("example.com", "v1", "widgets")
}

pub fn widget_ar() -> ApiResource {
    ar("example.com", "v1", "Widget", "widgets")
}

pub fn ar(group: &str, version: &str, kind: &str, plural: &str) -> ApiResource {
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), plural)
}

/// A valid Widget (for the test CRD's schema) named `name`.
pub fn widget_json(name: &str) -> Value {
    json!({
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": name},
        "spec": {
            "source": {"name": "origin", "namespace": "kube-system"},
            "targetNamespace": "default",
            "parts": [{"name": "gear"}],
        },
    })
}

pub fn widget(name: &str) -> DynamicObject {
    serde_json::from_value(widget_json(name)).expect("a DynamicObject")
}

/// A Widget as a kubectl manifest, `enabled` as written.
pub fn widget_manifest(name: &str, ns: &str, enabled: &str) -> String {
    format!(
        "apiVersion: example.com/v1
kind: Widget
metadata:
  name: {name}
  namespace: {ns}
spec:
  source: {{name: origin, namespace: kube-system}}
  targetNamespace: {ns}
  enabled: {enabled}
  mode: fast
  parts:
  - name: gear
"
    )
}

/// A ConfigMap with these labels and data.
pub fn configmap(name: &str, labels: &[(&str, &str)], data: &[(&str, &str)]) -> ConfigMap {
    let map = |kv: &[(&str, &str)]| {
        (!kv.is_empty()).then(|| {
            kv.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
    };
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: map(labels),
            ..Default::default()
        },
        data: map(data),
        ..Default::default()
    }
}

/// The API error of a failed kube call.
pub fn api_err(e: kube::Error) -> Box<Status> {
    match e {
        kube::Error::Api(s) => s,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// Fault rules under `seed`.
pub fn faults(seed: u64, rules: &[&str]) -> Faults {
    Faults {
        seed,
        rules: rules.iter().map(|r| r.parse().unwrap()).collect(),
    }
}

pub struct Sim {
    pub handle: ServerHandle,
    pub client: Client,
    pub http: reqwest::Client,
}

impl Sim {
    /// A server of plain Kubernetes plus the Widget row (no schema).
    pub async fn start() -> Sim {
        Self::with(Server::builder()).await
    }

    /// Like [`Sim::start`], with the test CRDs loaded (schemas, printer columns).
    pub async fn with_crds() -> Sim {
        Self::with(Server::builder().crds_dir(crds_dir())).await
    }

    /// `builder` plus the Widget row.
    pub async fn with(builder: ServerBuilder) -> Sim {
        init();
        let handle = builder
            .kind(widget_kind())
            .start()
            .await
            .expect("server starts");
        let client = client_for(&handle).await;
        let http = http_for(&handle);
        Sim {
            handle,
            client,
            http,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.handle.url(), path)
    }

    /// A request with the bearer token.
    pub fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .bearer_auth(self.handle.token())
    }

    /// Widgets in `ns`.
    pub fn widgets(&self, ns: &str) -> Api<DynamicObject> {
        Api::namespaced_with(self.client.clone(), ns, &widget_ar())
    }
}

pub async fn client_for(handle: &ServerHandle) -> Client {
    let kc = Kubeconfig::from_yaml(&handle.kubeconfig_yaml()).expect("kubeconfig parses");
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("kube config");
    Client::try_from(config).expect("kube client")
}

pub fn http_for(handle: &ServerHandle) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(handle.ca_pem().as_bytes()).expect("CA parses");
    reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .expect("reqwest client")
}

/// Reads up to `n` watch lines (or until the stream ends or `wait` passes).
pub async fn watch_lines(sim: &Sim, path: &str, n: usize, wait: Duration) -> Vec<Value> {
    let resp = sim.req(reqwest::Method::GET, path).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    let mut body = resp.bytes_stream();
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    while out.len() < n {
        let chunk = match tokio::time::timeout_at(deadline, body.next()).await {
            Ok(Some(Ok(c))) => c,
            _ => break,
        };
        buf.extend_from_slice(&chunk);
        while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buf.drain(..=pos).collect();
            out.push(serde_json::from_slice(&line).unwrap());
        }
    }
    out
}
