//! What a pytest user brings: `-m`/`--tags EXPR` and `-k EXPR` to select, `--set KEY=VALUE`
//! (the suite's `--tc=KEY:VALUE`) to override session keys — on `check`, `render` and a
//! `run` against the emulator.

use crate::harness::{mtvt_in as mtvt, repo, report, stderr, workdir};

/// The example profiles (`render` needs a providers file; the repository has no real one).
const PROFILES: &str = "--providers-file=providers.example.json";

#[test]
fn a_misspelled_set_key_is_a_diagnostic_in_the_set_file() {
    let o = mtvt(
        &["check", "scenarios/", "--set", "storage_clas=ocs"],
        &repo(),
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("mtvt::E0201"), "{err}");
    assert!(err.contains("[--set:2:3]"), "{err}");
    assert!(err.contains("did you mean `storage_class`?"), "{err}");
    // a wrong type is the checker's error too, not the command line's
    let o = mtvt(
        &["check", "scenarios/", "--set", "plan_wait_timeout=soon"],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--set:2"), "{}", stderr(&o));
    // a well-formed override checks clean
    let o = mtvt(
        &["check", "scenarios/", "--set", "plan_wait_timeout=90m"],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn the_suites_own_keys_point_to_their_flags() {
    let o = mtvt(&["check", "scenarios/", "--tc", "x"], &repo());
    assert_eq!(o.status.code(), Some(2));
    let o = mtvt(
        &["check", "scenarios/", "--set", "source_provider:vsphere"],
        &repo(),
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--provider NAME"), "{err}");
}

#[test]
fn a_set_storage_class_reaches_the_rendered_storage_map() {
    let file = "scenarios/tier0/sanity_cold_mtv_migration.mtvt";
    let o = mtvt(
        &["render", file, "--set", "storage_class=from-set", PROFILES],
        &repo(),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.contains("storageClass: from-set"), "{out}");
    // over the files' own session block, key by key
    let profiles = repo().join("providers.example.json");
    let dir = workdir(&[
        (
            "session.mtvt",
            "session {\n  storage_class \"file-sc\"\n  mins_before_cutover 7\n}\n",
        ),
        (
            "s.mtvt",
            "scenario s {\n  vm \"mtv-tests-rhel8\"\n  expect { migration succeeds }\n}\n",
        ),
    ]);
    let args = [
        "render",
        ".",
        "--providers-file",
        profiles.to_str().unwrap(),
    ];
    let o = mtvt(
        &[&args[..], &["--set", "storage_class=from-set"]].concat(),
        dir.path(),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        out.contains("storageClass: from-set") && !out.contains("file-sc"),
        "{out}"
    );
    let o = mtvt(&args, dir.path());
    assert!(String::from_utf8_lossy(&o.stdout).contains("storageClass: file-sc"));
}

#[test]
fn selection_expressions_pick_scenarios_like_pytest() {
    let names = |args: &[&str]| -> Vec<String> {
        let o = mtvt(
            &[&["render", "scenarios/", PROFILES], args].concat(),
            &repo(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        let mut v: Vec<String> = out
            .lines()
            .filter_map(|l| l.strip_prefix("# ===== scenario "))
            .map(|l| l.split_whitespace().next().unwrap_or_default().to_string())
            .collect();
        v.dedup();
        v
    };
    let tier0_cold = names(&["-m", "tier0 and not warm"]);
    assert!(!tier0_cold.is_empty());
    assert!(
        tier0_cold.contains(&"sanity_cold_mtv_migration".to_string()),
        "{tier0_cold:?}"
    );
    assert!(
        tier0_cold.iter().all(|n| !n.contains("warm")),
        "{tier0_cold:?}"
    );
    // (`-k` also matches tags: the copy-offload classes tagged copyoffload_sanity)
    let k = names(&["-k", "SANITY and not warm and not copyoffload"]);
    assert!(
        k.contains(&"sanity_cold_mtv_migration".to_string()),
        "{k:?}"
    );
    assert!(
        k.iter()
            .all(|n| n.contains("sanity") && !n.contains("warm")),
        "{k:?}"
    );
    let o = mtvt(
        &["render", "scenarios/", PROFILES, "-k", "sanity and"],
        &repo(),
    );
    let err = stderr(&o);
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("-k 'sanity and': at column 11"), "{err}");
}

#[test]
fn a_run_records_its_overrides_and_runs_only_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let o = mtvt(
        &[
            "run",
            "--sim",
            "scenarios/",
            "-m",
            "tier0 and not warm",
            "-k",
            "sanity",
            "--set",
            "plan_wait_timeout=20m",
            "--data-collector-path",
            d,
            "--report-json",
            &format!("{d}/report.json"),
        ],
        &repo(),
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("session keys set for this run: plan_wait_timeout=20m"),
        "{err}"
    );
    let r = report(dir.path());
    assert_eq!(r["overrides"][0], "plan_wait_timeout=20m");
    let names: Vec<&str> = r["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sanity_cold_mtv_migration"], "{err}");
}
