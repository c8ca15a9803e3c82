//! Running kubectl (a client nobody here wrote) against a server: finding the binary, a
//! runner with its own kubeconfig and discovery cache, reading a `--watch` until enough lines.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mtvt_apiserver::server::ServerHandle;

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
    _dir: std::sync::Arc<tempfile::TempDir>,
}

pub struct Out {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Kubectl {
    pub fn new(bin: PathBuf, handle: &ServerHandle) -> Kubectl {
        let dir = tempfile::Builder::new()
            .prefix("mtvt-apiserver-kubectl")
            .tempdir()
            .expect("temp dir");
        let kubeconfig = dir.path().join("kubeconfig");
        handle
            .write_kubeconfig(&kubeconfig)
            .expect("kubeconfig written");
        let cache = dir.path().join("cache");
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

/// Collects lines of a running kubectl until `done` says so or `wait` passes, then kills it.
pub fn read_until(
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

/// The kubectls to test with: [`kubectl`] and every binary in `$MTVT_KUBECTL_EXTRA`
/// (colon-separated, e.g. Debian's 1.20 kubectl).
pub fn kubectls() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = kubectl().into_iter().collect();
    if let Some(extra) = std::env::var_os("MTVT_KUBECTL_EXTRA") {
        out.extend(std::env::split_paths(&extra).filter(|p| p.is_file()));
    }
    out
}
