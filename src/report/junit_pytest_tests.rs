#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use super::*;
use crate::report::StepReport;
use crate::report::tests_support::{report, scenario};

fn step(name: &str, stage: Stage, ms: u64, error: Option<&str>) -> StepReport {
    StepReport {
        name: name.into(),
        stage,
        duration_ms: ms,
        error: error.map(str::to_string),
    }
}

/// The steps of a scenario that went through every stage.
fn all_steps() -> Vec<StepReport> {
    vec![
        step("create Namespace ns", Stage::Setup, 100, None),
        step("create StorageMap s", Stage::StorageMap, 10, None),
        step("create NetworkMap n", Stage::NetworkMap, 20, None),
        step("create Plan p", Stage::Plan, 30, None),
        step("create the Migration below", Stage::Migrate, 40, None),
    ]
}

fn naming() -> Naming {
    Naming {
        provider: "vsphere-8.0.1".into(),
        storage_class: "ocs-storagecluster-ceph-rbd".into(),
    }
}

fn sample() -> RunReport {
    let mut passed = scenario("sanity_cold_mtv_migration", Status::Passed);
    passed.file = "scenarios/tier0/sanity_cold_mtv_migration.mtvt".into();
    passed.provider = Some("vsphere".into());
    passed.storage_class = Some("nfs".into());
    passed.steps = all_steps();
    passed.duration_ms = 1000;

    let mut checks = scenario("warm_2disks2nics", Status::Failed);
    checks.steps = all_steps();
    checks.duration_ms = 500;
    checks.failures = vec![Failure {
        vm: Some("vm1".into()),
        expected: Some("8".into()),
        actual: Some("2".into()),
        ..Failure::message(Some("cpu"), "wrong cores")
    }];

    let mut plan = scenario("plan_never_ready", Status::Failed);
    plan.steps = vec![
        step("create StorageMap s", Stage::StorageMap, 10, None),
        step("create NetworkMap n", Stage::NetworkMap, 10, None),
        step(
            "wait until Plan p is Ready",
            Stage::Plan,
            360,
            Some("Plan p never Ready: VMNotFound"),
        ),
    ];
    plan.failures = vec![Failure::message(
        Some("run"),
        "Plan p never Ready: VMNotFound",
    )];

    let mut hook = scenario("post_hook[dim=a]", Status::Failed);
    hook.steps = all_steps();
    hook.failures = vec![Failure {
        vm: Some("vm1".into()),
        expected: Some("failed at PostHook".into()),
        actual: Some("succeeded".into()),
        ..Failure::message(Some("outcome"), "unexpected migration outcome")
    }];

    let mut setup = scenario("source_down", Status::Error);
    setup.steps = vec![step(
        "prepare 1 source VM(s)",
        Stage::Setup,
        5,
        Some("vSphere unreachable"),
    )];
    setup.failures = vec![Failure::message(Some("run"), "vSphere unreachable")];

    let mut leak = scenario("leaky", Status::Error);
    leak.steps = all_steps();
    leak.leaks = vec!["Pod ns/importer-x".into()];

    let mut skipped = scenario("ovirt_only", Status::Skipped);
    skipped.reason = Some("requires provider ovirt".into());

    report(vec![passed, checks, plan, hook, setup, leak, skipped])
}

#[test]
fn pytest_layout_golden() {
    let xml = to_xml(&sample(), &naming()).unwrap();
    insta::assert_snapshot!(xml);
}

#[test]
fn five_cases_per_scenario_named_like_the_suite() {
    let xml = to_xml(&sample(), &naming()).unwrap();
    // 7 scenarios × 5 cases
    assert!(
        xml.contains(r#"<testsuite name="pytest" tests="35""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase name="test_create_storagemap-vsphere-nfs" classname="scenarios.tier0.sanity_cold_mtv_migration.TestSanityColdMtvMigration""#),
        "{xml}"
    );
    // a scenario that did not run is named with the run's provider and class
    assert!(
        xml.contains(
            r#"name="test_check_vms-vsphere-8.0.1-ocs-storagecluster-ceph-rbd" classname="f.TestOvirtOnly""#
        ),
        "{xml}"
    );
    assert!(
        xml.contains(r#"classname="f.TestPostHook[dim=a]""#),
        "{xml}"
    );
}

#[test]
fn failures_go_to_the_case_that_raised_them() {
    let r = sample();
    let n = naming();
    // checks failed: only test_check_vms fails
    let c = cases(&r.scenarios[1], &r, &n);
    assert!(matches!(c[3].status, TestCaseStatus::Success { .. }));
    assert!(matches!(
        c[4].status,
        TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Failure,
            ..
        }
    ));
    // the plan never Ready: test_create_plan fails, the next two are skipped
    let c = cases(&r.scenarios[2], &r, &n);
    assert!(matches!(c[1].status, TestCaseStatus::Success { .. }));
    assert!(matches!(c[2].status, TestCaseStatus::NonSuccess { .. }));
    assert!(matches!(c[3].status, TestCaseStatus::Skipped { .. }));
    assert!(matches!(c[4].status, TestCaseStatus::Skipped { .. }));
    // the outcome: test_migrate_vms
    let c = cases(&r.scenarios[3], &r, &n);
    assert!(matches!(c[2].status, TestCaseStatus::Success { .. }));
    assert!(matches!(c[3].status, TestCaseStatus::NonSuccess { .. }));
    // a setup error: the first case errors
    let c = cases(&r.scenarios[4], &r, &n);
    assert!(matches!(
        c[0].status,
        TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Error,
            ..
        }
    ));
    // a leak: only the last case errors
    let c = cases(&r.scenarios[5], &r, &n);
    assert!(matches!(c[3].status, TestCaseStatus::Success { .. }));
    assert!(matches!(
        c[4].status,
        TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Error,
            ..
        }
    ));
    // skipped: every case skipped with the reason
    let c = cases(&r.scenarios[6], &r, &n);
    assert_eq!(c.len(), 5);
    assert!(
        c.iter()
            .all(|c| matches!(c.status, TestCaseStatus::Skipped { .. }))
    );
}

#[test]
fn times_per_stage_and_the_rest_to_the_checks() {
    let r = sample();
    let t = case_times(&r.scenarios[0]);
    // setup (100) counts toward the storage map (10)
    assert_eq!(t, [110, 20, 30, 40, 800]);
}

#[test]
fn names_of_modules_and_classes() {
    assert_eq!(module("./scenarios/a/b.mtvt"), "scenarios.a.b");
    assert_eq!(module("/abs/x.mtvt"), "abs.x");
    assert_eq!(class_name("sanity_cold-x"), "TestSanityColdX");
    assert_eq!(class_name("m[os=rhel8]"), "TestM[os=rhel8]");
}
