//! `mtvt import` on a config written in the pytest suite's documented
//! `tests/tests_config/config.py` format (`fixtures/suite_config.py`): the files it writes
//! are what `mtvt check` accepts, the keys it cannot map are listed with their config line,
//! and one generated scenario is a golden file.

use crate::harness::{Mtvt, mtvt, stderr};

const CONFIG: &str = "tests/it/fixtures/suite_config.py";

#[test]
fn imports_the_suites_config_into_scenarios_that_check_clean() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("imported");
    let out = mtvt(&["import", CONFIG, "--out", out_dir.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "copyoffload_multi_disk_migration.mtvt",
            "copyoffload_nonconforming_name_migration.mtvt",
            "post_hook_retain_failed_vm.mtvt",
            "sanity_cold_mtv_migration.mtvt",
            "session.mtvt",
            "warm_migration_comprehensive.mtvt",
        ]
    );
    // the report of what was not mapped, with the config line of each key
    let report: String = err
        .lines()
        .skip_while(|l| !l.starts_with("not mapped"))
        .take_while(|l| l.starts_with("not mapped") || l.starts_with("  "))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!("import_unmapped", report);
    assert!(
        err.contains("imported 6 file(s)") && err.contains(": 0 error(s), 0 warning(s)"),
        "{err}"
    );

    // `mtvt check` on its own accepts them
    let check = Mtvt::new()
        .args(["check".as_ref(), out_dir.as_os_str()])
        .output();
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(
        stderr(&check).contains("checked 5 scenarios"),
        "{}",
        stderr(&check)
    );

    // one generated file, as written
    let warm = std::fs::read_to_string(out_dir.join("warm_migration_comprehensive.mtvt")).unwrap();
    insta::assert_snapshot!("import_warm_migration_comprehensive", warm);
    let hook = std::fs::read_to_string(out_dir.join("post_hook_retain_failed_vm.mtvt")).unwrap();
    assert!(hook.contains("migration fails at PostHook"), "{hook}");

    // files that exist are not overwritten without --force
    let again = mtvt(&["import", CONFIG, "--out", out_dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    let forced = mtvt(&[
        "import",
        CONFIG,
        "--out",
        out_dir.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
}

#[test]
fn a_config_that_is_not_python_or_has_no_tests_params_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.py");
    std::fs::write(&bad, "tests_params = {\n  \"a\": [1,\n}\n").unwrap();
    let out = mtvt(&[
        "import",
        bad.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.py:"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Python syntax error"),
        "{}",
        stderr(&out)
    );
    std::fs::write(&bad, "x = 1\n").unwrap();
    let out = mtvt(&[
        "import",
        bad.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no module-level `tests_params"),
        "{}",
        stderr(&out)
    );
}
