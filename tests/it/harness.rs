//! What every test of the `mtvt` binary shares (as just's `tests/test.rs`): the [`Mtvt`]
//! command builder (the real binary, the repository as working directory, no colour, the
//! embedded stdlib), scratch directories of scenario files, readers of what a run writes
//! (JSON report, JUnit XML, journal), and the emulator started in this process with step
//! faults, with a kube client to it.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use mtvt_sim::emulator::{Emulator, EmulatorOptions, parse_step_fault};
use mtvt_sim::lab::Lab;
use serde_json::Value;

/// The repository root (the binary's default working directory).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `mtvt ARGS…` as a user runs it.
pub struct Mtvt {
    cmd: Command,
    stdin: Option<String>,
}

impl Mtvt {
    /// The binary in the repository root, with `NO_COLOR=1`, the embedded stdlib and none
    /// of the user's `PROVIDERS_JSON_PATH` or `KUBECONFIG`.
    pub fn new() -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mtvt"));
        cmd.current_dir(repo())
            .env("NO_COLOR", "1")
            .env_remove("MTVT_STDLIB")
            .env_remove("PROVIDERS_JSON_PATH")
            .env_remove("KUBECONFIG");
        Mtvt { cmd, stdin: None }
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Runs in `dir` instead of the repository root.
    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Self {
        self.cmd.current_dir(dir);
        self
    }

    /// Feeds `text` on standard input.
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_string());
        self
    }

    /// The command, to spawn it with piped streams.
    pub fn command(self) -> Command {
        self.cmd
    }

    /// Runs to completion.
    pub fn output(mut self) -> Output {
        let Some(input) = self.stdin.take() else {
            return self.cmd.output().unwrap();
        };
        let mut child = self
            .cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

/// `mtvt ARGS…` in the repository root.
pub fn mtvt(args: &[&str]) -> Output {
    Mtvt::new().args(args).output()
}

/// `mtvt ARGS…` in `dir`.
pub fn mtvt_in(args: &[&str], dir: &Path) -> Output {
    Mtvt::new().args(args).cwd(dir).output()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory holding `files` (name, text), removed when dropped.
pub fn workdir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// `DIR/report.json` of a run.
pub fn report(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap()
}

/// What a JUnit file says.
pub struct Junit {
    /// `(tests, failures, errors, skipped)` of `<testsuites>`.
    pub counts: (usize, usize, usize, usize),
    /// Every testcase name.
    pub cases: Vec<String>,
    /// The message of every `<failure>` and `<error>`.
    pub failures: Vec<String>,
}

/// Reads a JUnit file.
pub fn junit(path: &Path) -> Junit {
    use quick_xml::events::Event;
    let xml = std::fs::read_to_string(path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = Junit {
        counts: (0, 0, 0, 0),
        cases: Vec::new(),
        failures: Vec::new(),
    };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |k: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k.as_bytes())
                        .map(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned()
                        })
                };
                match e.name().as_ref() {
                    b"testsuites" => {
                        let n = |k| attr(k).unwrap().parse::<usize>().unwrap();
                        out.counts = (n("tests"), n("failures"), n("errors"), n("skipped"));
                    }
                    b"testcase" => out.cases.push(attr("name").unwrap()),
                    b"failure" | b"error" => out.failures.push(attr("message").unwrap_or_default()),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The state of every entry of `DIR/resources.json`.
pub fn journal_states(dir: &Path) -> Vec<String> {
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("resources.json")).unwrap())
            .unwrap();
    assert_eq!(j["format"], "mtvt-journal/1");
    j["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["state"].as_str().unwrap().to_string())
        .collect()
}

/// The session id of `DIR/resources.json`.
pub fn journal_session(dir: &Path) -> String {
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("resources.json")).unwrap())
            .unwrap();
    j["session"].as_str().unwrap().to_string()
}

/// rustls' crypto provider (kube and reqwest share it; see src/main.rs).
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A kube client from a kubeconfig text.
pub async fn client_of(kubeconfig_yaml: &str) -> kube::Client {
    use kube::config::{KubeConfigOptions, Kubeconfig};
    install_crypto();
    let kc = Kubeconfig::from_yaml(kubeconfig_yaml).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

/// An emulator in this process with the default lab and `step_faults` (the syntax of
/// `--sim-step-fault`), its kubeconfig and providers file written into `dir` (for an
/// `mtvt` child process), and a client to it.
pub async fn emulator(dir: &Path, step_faults: &[&str]) -> (Emulator, kube::Client) {
    emulator_with_api_faults(dir, step_faults, &[]).await
}

/// [`emulator`] whose API server also injects `api_faults` (the syntax of `mtvt sim serve
/// --fault`, seed 15) from the start, until [`Emulator::set_api_faults`] lifts them (the
/// client is subject to them too).
pub async fn emulator_with_api_faults(
    dir: &Path,
    step_faults: &[&str],
    api_faults: &[&str],
) -> (Emulator, kube::Client) {
    install_crypto();
    let mut lab = Lab::default_lab().unwrap();
    for f in step_faults {
        lab.faults.rules.push(parse_step_fault(f).unwrap());
    }
    let emu = Emulator::start(EmulatorOptions {
        lab: Some(lab),
        api_faults: mtvt_sim::api::Faults {
            seed: 15,
            rules: api_faults.iter().map(|r| r.parse().unwrap()).collect(),
        },
        ..EmulatorOptions::default()
    })
    .await
    .unwrap();
    emu.write_kubeconfig(&dir.join("kubeconfig")).unwrap();
    std::fs::write(dir.join("providers.json"), emu.providers_json().to_string()).unwrap();
    let client = client_of(&emu.kubeconfig_yaml()).await;
    (emu, client)
}

/// `--kubeconfig DIR/kubeconfig --providers-file DIR/providers.json`: the emulator whose
/// files are in `dir` (see [`emulator`]).
pub fn cluster_flags(dir: &Path) -> [String; 4] {
    let d = dir.to_str().unwrap();
    [
        "--kubeconfig".into(),
        format!("{d}/kubeconfig"),
        "--providers-file".into(),
        format!("{d}/providers.json"),
    ]
}

/// `mtvt VERB ARGS` with [`cluster_flags`]; `mtvt run` also gets the tier0 cold scenario,
/// `--provider vsphere` and `--data-collector-path DIR/dc`.
pub fn against(dir: &Path, verb: &str, args: &[&str]) -> Command {
    let d = dir.to_str().unwrap();
    let mut m = Mtvt::new().args([verb]);
    if verb == "run" {
        m = m.args([
            "scenarios/tier0/sanity_cold_mtv_migration.mtvt",
            "--provider",
            "vsphere",
            "--data-collector-path",
            &format!("{d}/dc"),
        ]);
    }
    m.args(args).args(cluster_flags(dir)).command()
}

/// The end of a run's stderr — failures rendered like compile errors, leftovers, skips and
/// the summary line — with what changes from run to run replaced: the session id
/// (`SESSION`), source clones' random suffixes (`-RAND`), durations (`X.Xs`) and the
/// data-collector directory (`DC`).
pub fn run_summary(stderr: &str, data_collector: &Path) -> String {
    let start = stderr.find("\n── ").map_or(0, |i| i + 1);
    let text: String = stderr[start..]
        .lines()
        .filter(|l| !l.starts_with("emulator: "))
        .map(|l| format!("{l}\n"))
        .collect();
    let text = text.replace(data_collector.to_str().unwrap(), "DC");
    let session = regex::Regex::new(r"\bauto-[a-z0-9]{4}\b").unwrap();
    let text = session.replace_all(&text, "SESSION");
    // a source clone's suffix (`VM <session>-<vm>-<suffix>`), also where a long line wraps
    // the name before it
    let clone = regex::Regex::new(r"VM SESSION-[a-z0-9-]+-([a-z0-9]{4})\b").unwrap();
    let suffixes: Vec<String> = clone
        .captures_iter(&text)
        .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
        .collect();
    let mut text = text.into_owned();
    for suffix in suffixes {
        let word = regex::Regex::new(&format!(r"\b{suffix}\b")).unwrap();
        text = word.replace_all(&text, "RAND").into_owned();
    }
    let secs = regex::Regex::new(r"\d+\.\ds\b").unwrap();
    secs.replace_all(&text, "X.Xs").into_owned()
}

/// `mtvt sim serve` as a child process (so a test can kill it like a crashed API server),
/// its kubeconfig and providers file written into `dir` like [`emulator`]'s and its request
/// log into `dir/sim.log`; killed when dropped.
pub struct ServedEmulator {
    /// The `mtvt sim serve` process.
    pub child: std::process::Child,
}

impl ServedEmulator {
    /// Starts `mtvt sim serve ARGS` and waits until both files are written.
    pub fn start(dir: &Path, args: &[&str]) -> Self {
        use std::io::BufRead;
        let mut child = Mtvt::new()
            .args(["sim", "serve", "--kubeconfig-out"])
            .args([dir.join("kubeconfig")])
            .args(["--providers-out"])
            .args([dir.join("providers.json")])
            .args(args)
            .env("RUST_LOG", "warn,mtvt_sim::http=info")
            .command()
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.join("sim.log")).unwrap())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = String::new();
        loop {
            match lines.next() {
                Some(Ok(l)) if l.contains(".providers.json written") => break,
                Some(Ok(l)) => seen.push_str(&l),
                _ => panic!("mtvt sim serve ended before writing its files: {seen}"),
            }
        }
        // keep draining its output so that it never blocks on a full pipe
        std::thread::spawn(move || for _ in lines {});
        ServedEmulator { child }
    }

    /// SIGKILL, as a crash.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServedEmulator {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Spawns `cmd` with its stderr read line by line on a thread; `on_line` sees each line
/// (and may act, e.g. kill something); returns the exit code and stderr, or panics with
/// the log when the process is still running `limit` after `on_line` first returned true.
pub fn run_watching(
    cmd: Command,
    limit: std::time::Duration,
    mut on_line: impl FnMut(&str) -> bool,
) -> (Option<i32>, String, Option<std::time::Duration>) {
    run_watching_pid(cmd, limit, move |line, _| on_line(line))
}

/// [`run_watching`] whose `on_line` also gets the process id (to signal it).
pub fn run_watching_pid(
    mut cmd: Command,
    limit: std::time::Duration,
    mut on_line: impl FnMut(&str, u32) -> bool,
) -> (Option<i32>, String, Option<std::time::Duration>) {
    use std::io::BufRead;
    use std::time::Instant;
    let mut child = cmd.stderr(Stdio::piped()).spawn().unwrap();
    let pid = child.id();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let mut log = String::new();
    let mut acted: Option<Instant> = None;
    let overall = Instant::now();
    loop {
        match rx.recv_timeout(std::time::Duration::from_millis(200)) {
            Ok(line) => {
                log.push_str(&line);
                log.push('\n');
                if acted.is_none() && on_line(&line, pid) {
                    acted = Some(Instant::now());
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        let late = acted.map_or(overall.elapsed() > limit * 10, |t| t.elapsed() > limit);
        if late {
            let _ = child.kill();
            let _ = child.wait();
            match acted {
                Some(_) => panic!("still running {limit:?} after the trigger:\n{log}"),
                None => panic!("still running after {:?}:\n{log}", overall.elapsed()),
            }
        }
    }
    let status = child.wait().unwrap();
    (status.code(), log, acted.map(|t| t.elapsed()))
}
