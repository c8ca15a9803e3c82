//! Running kubectl against an emulator: finding the binary (`$MTVT_KUBECTL` or `kubectl` on
//! PATH) and a runner with its own kubeconfig and discovery cache in a temporary directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The kubectl to use, or `None` (and a "not run" line) when missing — unless
/// `MTVT_REQUIRE_KUBECTL=1`, which makes a missing kubectl a failure.
pub fn kubectl() -> Option<PathBuf> {
    let bin = std::env::var_os("MTVT_KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("kubectl"));
    let ok = Command::new(&bin)
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(bin);
    }
    assert!(
        std::env::var("MTVT_REQUIRE_KUBECTL").as_deref() != Ok("1"),
        "kubectl not found ({}) and MTVT_REQUIRE_KUBECTL=1: install kubectl (Debian: kubernetes-client)",
        bin.display()
    );
    eprintln!("not run: kubectl not found");
    None
}

/// kubectl with its own kubeconfig and discovery cache (removed on drop).
pub struct Kubectl {
    bin: PathBuf,
    kubeconfig: PathBuf,
    cache: PathBuf,
    _dir: tempfile::TempDir,
}

impl Kubectl {
    /// A runner whose kubeconfig `write` puts at the path it is given.
    pub fn new(bin: PathBuf, write: impl FnOnce(&Path) -> std::io::Result<()>) -> Kubectl {
        let dir = tempfile::Builder::new()
            .prefix("mtvt-sim-kubectl")
            .tempdir()
            .expect("temp dir");
        let kubeconfig = dir.path().join("kubeconfig");
        write(&kubeconfig).expect("kubeconfig written");
        Kubectl {
            bin,
            kubeconfig,
            cache: dir.path().join("cache"),
            _dir: dir,
        }
    }

    /// Runs with `stdin`; returns success and stdout followed by stderr.
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> (bool, String) {
        let mut cmd = Command::new(&self.bin);
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(&self.cache)
            .args(args);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
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
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }

    /// Runs and asserts success; returns the output.
    pub fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let (ok, out) = self.run(args, stdin);
        assert!(ok, "kubectl {args:?} failed: {out}");
        out
    }
}
