//! Shared helpers: one in-process server per test, a kube client and a raw HTTPS client for it,
//! and a kubectl runner.

use std::path::PathBuf;
use std::process::Command;

use kube::Client;
use kube::config::{KubeConfigOptions, Kubeconfig};
use mtvt_sim::server::{Server, ServerBuilder, ServerHandle};

pub fn init() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
}

/// `<repo>/../shared/schemas/<dir>` (or `$MTVT_SCHEMAS/<dir>`).
pub fn schemas(dir: &str) -> PathBuf {
    std::env::var_os("MTVT_SCHEMAS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/schemas")
        })
        .join(dir)
}

/// Whether the shared Forklift and Multus schemas are there; prints "not run" when not.
pub fn have_schemas() -> bool {
    let ok = schemas("forklift").is_dir() && schemas("multus").is_dir();
    if !ok {
        eprintln!("not run: {} not found", schemas("").display());
    }
    ok
}

pub struct Sim {
    pub handle: ServerHandle,
    pub client: Client,
    pub http: reqwest::Client,
}

impl Sim {
    pub async fn start() -> Sim {
        Self::with(Server::builder()).await
    }

    pub async fn with_crds() -> Sim {
        Self::with(
            Server::builder()
                .crds_dir(schemas("forklift"))
                .crds_dir(schemas("multus")),
        )
        .await
    }

    pub async fn with(builder: ServerBuilder) -> Sim {
        init();
        let handle = builder.start().await.expect("server starts");
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

/// The kubectl to use: `$MTVT_KUBECTL` or `kubectl` on PATH. `None` (and a "not run" line) when
/// missing, unless `MTVT_REQUIRE_KUBECTL=1`, which makes a missing kubectl a failure.
pub fn kubectl() -> Option<PathBuf> {
    let candidate = std::env::var_os("MTVT_KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("kubectl"));
    let found = Command::new(&candidate)
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(candidate);
    }
    if std::env::var("MTVT_REQUIRE_KUBECTL").is_ok_and(|v| v == "1") {
        panic!(
            "kubectl not found ({}) and MTVT_REQUIRE_KUBECTL=1: install kubectl (Debian: kubernetes-client)",
            candidate.display()
        );
    }
    eprintln!("not run: kubectl not found");
    None
}

/// Runs kubectl against a kubeconfig file with its own discovery cache.
#[derive(Clone)]
pub struct Kubectl {
    pub bin: PathBuf,
    pub kubeconfig: PathBuf,
    pub cache: PathBuf,
    _dir: std::sync::Arc<TempDir>,
}

pub struct Out {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Kubectl {
    pub fn new(bin: PathBuf, handle: &ServerHandle) -> Kubectl {
        let dir = TempDir::new("kubectl");
        let kubeconfig = dir.0.join("kubeconfig");
        handle
            .write_kubeconfig(&kubeconfig)
            .expect("kubeconfig written");
        let cache = dir.0.join("cache");
        Kubectl {
            bin,
            kubeconfig,
            cache,
            _dir: std::sync::Arc::new(dir),
        }
    }

    pub fn run(&self, args: &[&str]) -> Out {
        self.run_stdin(args, None)
    }

    pub fn run_stdin(&self, args: &[&str], stdin: Option<&str>) -> Out {
        use std::io::Write;
        let mut cmd = Command::new(&self.bin);
        cmd.env("KUBECONFIG", &self.kubeconfig)
            .arg("--cache-dir")
            .arg(&self.cache)
            .args(args);
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("kubectl spawns");
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(text.as_bytes())
                .expect("stdin written");
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().expect("kubectl runs");
        Out {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs on a blocking thread (for async tests).
    pub async fn run_async(&self, args: &[&str], stdin: Option<String>) -> Out {
        let k = self.clone();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        tokio::task::spawn_blocking(move || {
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            k.run_stdin(&refs, stdin.as_deref())
        })
        .await
        .expect("kubectl task")
    }

    /// Like [`Kubectl::ok`], on a blocking thread.
    pub async fn ok_async(&self, args: &[&str]) -> String {
        let out = self.run_async(args, None).await;
        assert!(
            out.ok,
            "kubectl {args:?} failed:\n{}\n{}",
            out.stdout, out.stderr
        );
        out.stdout
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.ok,
            "kubectl {args:?} failed:\n{}\n{}",
            out.stdout, out.stderr
        );
        out.stdout
    }

    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        Command::new(&self.bin)
            .env("KUBECONFIG", &self.kubeconfig)
            .arg("--cache-dir")
            .arg(&self.cache)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("kubectl spawns")
    }
}

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let n: u64 = rand_suffix();
        let p = std::env::temp_dir().join(format!("mtvt-sim-{tag}-{}-{n:x}", std::process::id()));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    t ^ N
        .fetch_add(1, Ordering::Relaxed)
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

pub fn plan_manifest(name: &str, ns: &str, warm: &str) -> String {
    format!(
        "apiVersion: forklift.konveyor.io/v1beta1
kind: Plan
metadata:
  name: {name}
  namespace: {ns}
spec:
  provider:
    source: {{name: vsphere, namespace: openshift-mtv}}
    destination: {{name: host, namespace: openshift-mtv}}
  map:
    network: {{name: net-map, namespace: {ns}}}
    storage: {{name: st-map, namespace: {ns}}}
  targetNamespace: {ns}
  warm: {warm}
  vms:
  - name: rhel9
"
    )
}

pub fn plan_json(name: &str) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "forklift.konveyor.io/v1beta1",
        "kind": "Plan",
        "metadata": {"name": name},
        "spec": {
            "provider": {"source": {"name": "vsphere", "namespace": "openshift-mtv"}, "destination": {"name": "host", "namespace": "openshift-mtv"}},
            "map": {"network": {"name": "n", "namespace": "default"}, "storage": {"name": "s", "namespace": "default"}},
            "targetNamespace": "default",
            "vms": [{"name": "rhel9"}],
        },
    })
}
