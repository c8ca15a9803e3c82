//! docs/running.md's "Coming from mtv-api-tests" table, held to both sides: every option,
//! config key, environment variable and marker the suite documents (`../shared/seeds/`:
//! pytest.ini, conftest.py's options, config.py's globals, the copy-offload and AI
//! variables, the markers; and the newer suite's additions) has a row, and every `--flag`
//! the mtvt column names is a flag of an `mtvt` command (read from its `--help`).

use crate::harness::{Mtvt, repo};

/// What the suite documents, as it is written in the table's pytest column (a token there
/// equals the item, or starts with it followed by `:`, `=`, `(` or a space).
const SUITE: &[&str] = &[
    // pytest.ini and conftest.py
    "--tc=source_provider",
    "--tc=storage_class",
    "--tc=cluster_host",
    "cluster_username",
    "cluster_password",
    "--tc=target_ocp_version",
    "--tc-file",
    "--tc-format",
    "-m",
    "-k",
    "--strict-markers",
    "--collect-only",
    "--setup-plan",
    "--junit-xml",
    "junit_logging",
    "--data-collector-path",
    "--skip-data-collector",
    "--skip-teardown",
    "-n",
    "--dist=loadscope",
    "-v",
    "-s",
    "log_cli_level",
    "--log-file",
    "--openshift-python-wrapper-log-debug",
    "--basetemp",
    "--analyze-with-ai",
    "--jira",
    "--providers-json",
    // config.py globals
    "insecure_verify_skip",
    "source_provider_insecure_skip_verify",
    "number_of_vms",
    "check_vms_signals",
    "target_namespace_prefix",
    "mtv_namespace",
    "vm_name_search_pattern",
    "remote_ocp_cluster",
    "snapshots_interval",
    "mins_before_cutover",
    "plan_wait_timeout",
    "tests_params",
    // environment variables
    "CLUSTER_HOST",
    "CLUSTER_USERNAME",
    "CLUSTER_PASSWORD",
    "CLUSTER_VERIFY_SSL",
    "PROVIDERS_JSON_PATH",
    "COPYOFFLOAD_STORAGE_HOSTNAME",
    "COPYOFFLOAD_STORAGE_USERNAME",
    "COPYOFFLOAD_STORAGE_PASSWORD",
    "COPYOFFLOAD_ONTAP_SVM",
    "COPYOFFLOAD_ESXI_HOST",
    "COPYOFFLOAD_ESXI_USER",
    "COPYOFFLOAD_ESXI_PASSWORD",
    "OPENSHIFT_PYTHON_WRAPPER_LOG_LEVEL",
    "JJI_SERVER_URL",
    "JJI_AI_PROVIDER",
    "JJI_AI_MODEL",
    "JJI_TIMEOUT",
    // markers (the seeds' and the newer suite's)
    "tier0",
    "tier1",
    "warm",
    "remote",
    "copyoffload",
    "copyoffload_sanity",
    "copyoffload_snapshots",
    "shared_disk",
    "deep_inspection",
    "ca_crt",
    "aap",
    "upgrade",
    "incremental",
    "min_mtv_version",
    "jira",
    "skipif",
    "parametrize",
    "usefixtures",
    "vsphere",
    "rhv",
    "openstack",
    "openshift",
    "ova",
    "esxi",
    "hyperv",
];

/// The rows of the section's tables as (pytest cell, mtvt cell).
fn rows() -> Vec<(String, String)> {
    let page = std::fs::read_to_string(repo().join("docs/running.md")).unwrap();
    let start = page
        .find("## Coming from mtv-api-tests")
        .expect("the section in docs/running.md");
    let section = &page[start + 3..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---") && !l.starts_with("| pytest |"))
        .map(|l| {
            let inner = l.trim_start_matches("| ").trim_end_matches(" |");
            let (left, right) = inner.split_once(" | ").expect("two cells");
            (left.to_string(), right.to_string())
        })
        .collect()
}

/// The `code` spans of a cell.
fn code_spans(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

fn names(token: &str, item: &str) -> bool {
    token == item
        || token
            .strip_prefix(item)
            .is_some_and(|rest| rest.starts_with([':', '=', '(', ' ']))
}

#[test]
fn the_pytest_table_maps_every_suite_option() {
    let rows = rows();
    assert!(rows.len() > 30, "{rows:?}");
    let missing: Vec<&str> = SUITE
        .iter()
        .copied()
        .filter(|item| {
            !rows
                .iter()
                .any(|(left, _)| code_spans(left).iter().any(|t| names(t, item)))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "suite options, variables or markers without a row: {missing:?}"
    );

    let mut help = String::new();
    for cmd in [
        &["run"][..],
        &["render"],
        &["check"],
        &["clean"],
        &["import"],
        &["job"],
        &["report", "merge"],
    ] {
        let o = Mtvt::new().args(cmd).args(["--help"]).output();
        assert_eq!(o.status.code(), Some(0), "mtvt {cmd:?} --help");
        help.push_str(&String::from_utf8_lossy(&o.stdout));
    }
    let unknown: Vec<String> = rows
        .iter()
        .flat_map(|(_, right)| code_spans(right))
        .flat_map(|span| span.split([' ', '/', '=', ',']))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .filter(|flag| {
            !help
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .any(|w| w == *flag)
        })
        .map(str::to_string)
        .collect();
    assert!(
        unknown.is_empty(),
        "flags in the mtvt column that no mtvt command has: {unknown:?}"
    );
}
