//! The providers file as users have it, through the real binary: broken files never print
//! a secret (each case has its own, looked for in stdout and stderr of `mtvt check`,
//! `mtvt run`, `mtvt render`, and `mtvt clean` against the emulator) while the message
//! still names file:line and the problem; comments and trailing commas load; and
//! `PROVIDERS_JSON_PATH` chooses the file when `--providers-file` is not given.

use std::path::{Path, PathBuf};
use std::process::Output;

use mtvt_sim::server::Server;
use serde_json::json;

use crate::harness::Mtvt;

/// A broken providers file: its text, the secret it holds, the line the error must
/// name and words of the problem.
struct Case {
    name: &'static str,
    text: &'static str,
    secret: &'static str,
    line: usize,
    problem: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "single-quoted key and value (F6)",
        text: "{\n  \"vsphere\": {\n    \"type\": \"vsphere\",\n    'password': 'Sq-Secret-01',\n  }\n}\n",
        secret: "Sq-Secret-01",
        line: 4,
        problem: "key must be a string",
    },
    Case {
        name: "unquoted key (F6)",
        text: "{\n  \"vsphere\": {\n    \"type\": \"vsphere\",\n    password: \"Uq-Secret-02\"\n  }\n}\n",
        secret: "Uq-Secret-02",
        line: 4,
        problem: "key must be a string",
    },
    Case {
        name: "= for : (F6)",
        text: "{\n  \"vsphere\": {\n    \"type\": \"vsphere\",\n    \"password\" = \"Eq-Secret-03\"\n  }\n}\n",
        secret: "Eq-Secret-03",
        line: 4,
        problem: "expected `:`",
    },
    Case {
        name: "single-quoted value",
        text: "{\"vsphere\": {\"type\": \"vsphere\", \"password\": 'Sv-Secret-04'}}",
        secret: "Sv-Secret-04",
        line: 1,
        problem: "expected value",
    },
    Case {
        name: "missing comma after the password",
        text: "{\n  \"vsphere\": {\n    \"password\": \"Mc-Secret-05\"\n    \"username\": \"u\"\n  }\n}\n",
        secret: "Mc-Secret-05",
        line: 4,
        problem: "expected `,` or `}`",
    },
    Case {
        name: "password in a comment next to the error",
        text: "{\n  \"vsphere\": {\n    # the lab password is Cm-Secret-06\n    \"password\": \"x\" \"y\"\n  }\n}\n",
        secret: "Cm-Secret-06",
        line: 4,
        problem: "expected `,` or `}`",
    },
    Case {
        name: "unquoted value",
        text: "{\n  \"vsphere\": {\n    \"password\": Uv-Secret-07,\n  }\n}\n",
        secret: "Uv-Secret-07",
        line: 3,
        problem: "expected value",
    },
    Case {
        name: "unterminated string",
        text: "{\n  \"vsphere\": {\n    \"password\": \"Ut-Secret-08,\n    \"type\": \"vsphere\"\n  }\n}\n",
        secret: "Ut-Secret-08",
        line: 3,
        problem: "control character",
    },
    Case {
        name: "double comma after the password",
        text: "{\"vsphere\": {\"password\": \"Dc-Secret-09\",, \"type\": \"vsphere\"}}",
        secret: "Dc-Secret-09",
        line: 1,
        problem: "key must be a string",
    },
    Case {
        name: "invalid escape inside the password",
        text: "{\n  \"vsphere\": {\n    \"password\": \"Ie-Secret\\q-10\"\n  }\n}\n",
        secret: "Ie-Secret",
        line: 3,
        problem: "invalid escape",
    },
    Case {
        name: "tab inside the password",
        text: "{\n  \"vsphere\": {\n    \"password\": \"Tb-Secret\t-11\"\n  }\n}\n",
        secret: "Tb-Secret",
        line: 3,
        problem: "control character",
    },
    Case {
        name: "storage password without a colon",
        text: "{\n  \"vsphere\": {\n    \"copyoffload\": {\n      \"storage_password\" \"St-Secret-12\"\n    }\n  }\n}\n",
        secret: "St-Secret-12",
        line: 4,
        problem: "expected `:`",
    },
    Case {
        name: "single-quoted ESXi password",
        text: "{\n  \"vsphere\": {\n    \"copyoffload\": {\n      'esxi_password': 'Es-Secret-13'\n    }\n  }\n}\n",
        secret: "Es-Secret-13",
        line: 4,
        problem: "key must be a string",
    },
    Case {
        name: "Python literal after a guest password",
        text: "{\n  \"vsphere\": {\n    \"guest_vm_linux_password\": \"Gl-Secret-14\", \"warm\": True\n  }\n}\n",
        secret: "Gl-Secret-14",
        line: 3,
        problem: "expected value",
    },
    Case {
        name: "unclosed block comment holding a password",
        text: "{\n  \"vsphere\": {\"type\": \"vsphere\"}\n}\n/* old password: Bc-Secret-15\n",
        secret: "Bc-Secret-15",
        line: 4,
        problem: "not closed",
    },
    Case {
        name: "stray slash after the password",
        text: "{\n  \"vsphere\": {\n    \"password\": \"Sl-Secret-16\" / \"x\"\n  }\n}\n",
        secret: "Sl-Secret-16",
        line: 3,
        problem: "starts no comment",
    },
    Case {
        name: "a Python dict on one line",
        text: "{'vsphere': {'type': 'vsphere', 'password': 'Py-Secret-17'}}",
        secret: "Py-Secret-17",
        line: 1,
        problem: "key must be a string",
    },
    Case {
        name: "secret in key position",
        text: "{\n  \"vsphere\": {\n    \"password\":, \"Kp-Secret-18\": 1\n  }\n}\n",
        secret: "Kp-Secret-18",
        line: 3,
        problem: "expected value",
    },
    Case {
        name: "token under an unknown key, with =",
        text: "{\n  \"vsphere\": {\n    \"token\" = \"Tk-Secret-19\"\n  }\n}\n",
        secret: "Tk-Secret-19",
        line: 3,
        problem: "expected `:`",
    },
    Case {
        name: "JSON5 style with a // comment",
        text: "{\n  vsphere: {\n    password: 'J5-Secret-20', // Jx-Secret-20\n  },\n}\n",
        secret: "-Secret-20",
        line: 2,
        problem: "key must be a string",
    },
    Case {
        name: "password split over two lines",
        text: "{\n  \"vsphere\": {\n    \"password\": \"Ml-Secret\n-21\"\n  }\n}\n",
        secret: "Ml-Secret",
        line: 3,
        problem: "control character",
    },
    Case {
        name: "valid file, number password and a comment with the real one",
        text: "{\n  \"vsphere\": {\n    \"type\": \"vsphere\", \"fqdn\": \"f\", \"api_url\": \"https://f/sdk\", \"username\": \"u\",\n    \"password\": 12345, # real: Wt-Secret-22\n  }\n}\n",
        secret: "Wt-Secret-22",
        line: 4,
        problem: "must be a string",
    },
    Case {
        name: "valid file, misspelt password key",
        text: "{\n  \"vsphere\": {\n    \"type\": \"vsphere\", \"fqdn\": \"f\", \"api_url\": \"https://f/sdk\", \"username\": \"u\",\n    \"pasword\": \"Mf-Secret-23\"  # pragma: allowlist secret\n  }\n}\n",
        secret: "Mf-Secret-23",
        line: 2,
        problem: "has no `password`",
    },
];

fn mtvt(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut m = Mtvt::new().args(args);
    for (k, v) in env {
        m = m.env(k, v);
    }
    m.output()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The secret is in neither stream; stderr names `file:line` and the problem; exit 2.
fn reported(case: &Case, verb: &str, file: &Path, out: &Output) -> Result<(), String> {
    let (stdout, stderr) = text(out);
    let what = format!("{verb}: {}", case.name);
    if stdout.contains(case.secret) || stderr.contains(case.secret) {
        return Err(format!("{what}: the secret is printed\n{stdout}{stderr}"));
    }
    let place = format!("{}:{}:", file.display(), case.line);
    if !stderr.contains(&place) {
        return Err(format!("{what}: no {place}\n{stderr}"));
    }
    if !stderr.contains(case.problem) {
        return Err(format!(
            "{what}: the problem `{}` is not named\n{stderr}",
            case.problem
        ));
    }
    if out.status.code() != Some(2) {
        return Err(format!("{what}: exit {:?}\n{stderr}", out.status.code()));
    }
    Ok(())
}

fn assert_reported(case: &Case, verb: &str, file: &Path, out: &Output) {
    if let Err(e) = reported(case, verb, file, out) {
        panic!("{e}");
    }
}

fn write_cases(dir: &Path) -> Vec<PathBuf> {
    assert!(CASES.len() >= 15);
    CASES
        .iter()
        .enumerate()
        .map(|(i, c)| {
            assert!(c.text.contains(c.secret), "{}", c.name);
            let path = dir.join(format!("case{i:02}.providers.json"));
            std::fs::write(&path, c.text).unwrap();
            path
        })
        .collect()
}

#[test]
fn broken_files_never_print_a_secret_in_check_run_and_render() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = dir.path().join("scenarios");
    std::fs::create_dir(&scenarios).unwrap();
    let s = scenarios.to_str().unwrap();
    let nowhere = dir.path().join("no-kubeconfig");
    let mut failures = Vec::new();
    for (case, path) in CASES.iter().zip(write_cases(dir.path())) {
        let f = path.to_str().unwrap();
        let check = ["check", "--provider", "vsphere", "--providers-file", f, s];
        let run = [
            "run",
            "--providers-file",
            f,
            "--provider",
            "vsphere",
            "--kubeconfig",
            nowhere.to_str().unwrap(),
            "--skip-data-collector",
            s,
        ];
        let render = ["render", "--provider", "vsphere", "--providers-file", f, s];
        for args in [&check[..], &run[..], &render[..]] {
            if let Err(e) = reported(case, args[0], &path, &mtvt(args, &[])) {
                failures.push(e);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_file_never_prints_a_secret_in_clean() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let handle = Server::builder().start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    std::fs::write(&kc, handle.kubeconfig_yaml()).unwrap();
    let journal = dir.path().join("resources.json");
    let doc = json!({
        "format": "mtvt-journal/1", "session": "auto-sec1", "cluster": handle.url(),
        "mtv_namespace": "openshift-mtv", "started": "2026-01-01T00:00:00Z",
        "entries": [{"seq": 1, "scope": "session", "action": "source_vm", "profile": "vsphere",
                     "provider_type": "vsphere", "name": "vm-clone", "state": "done"}]
    });
    std::fs::write(&journal, doc.to_string()).unwrap();
    let files = write_cases(dir.path());
    // the three forms of the review's F6, and a password in a comment
    for i in [0, 1, 2, 5] {
        let args = [
            "clean",
            journal.to_str().unwrap(),
            "--kubeconfig",
            kc.to_str().unwrap(),
            "--providers-file",
            files[i].to_str().unwrap(),
        ];
        let out = mtvt(&args, &[]);
        assert_reported(&CASES[i], "clean", &files[i], &out);
    }
}

fn commented_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/mtvt-profiles/tests/fixtures/commented.providers.json")
}

#[test]
fn providers_json_path_chooses_the_file_below_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/tier0/sanity_cold_mtv_migration.mtvt");
    let s = scenario.to_str().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, CASES[0].text).unwrap();
    let commented = commented_file();
    // the variable alone: the commented file (the suite's shape) loads and checks clean
    let out = mtvt(
        &["check", "--provider", "vsphere-copy-offload", s],
        &[("PROVIDERS_JSON_PATH", &commented)],
    );
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // the variable names the broken file: it is the one read
    let out = mtvt(
        &["check", "--provider", "vsphere", s],
        &[("PROVIDERS_JSON_PATH", &broken)],
    );
    assert_reported(&CASES[0], "check (env)", &broken, &out);
    let out = mtvt(
        &["render", "--provider", "vsphere", s],
        &[("PROVIDERS_JSON_PATH", &broken)],
    );
    assert_reported(&CASES[0], "render (env)", &broken, &out);
    // the flag wins over the variable
    let out = mtvt(
        &[
            "check",
            "--provider",
            "vsphere-copy-offload",
            "--providers-file",
            commented.to_str().unwrap(),
            s,
        ],
        &[("PROVIDERS_JSON_PATH", &broken)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
}

#[test]
fn every_verb_with_a_providers_file_shows_the_variable_in_help() {
    for verb in ["check", "run", "render", "clean", "lsp"] {
        let out = mtvt(&[verb, "--help"], &[]);
        let (stdout, _) = text(&out);
        let line = stdout
            .lines()
            .skip_while(|l| !l.contains("--providers-file"))
            .take(6)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            line.contains("PROVIDERS_JSON_PATH"),
            "mtvt {verb} --help:\n{stdout}"
        );
    }
}
