//! `--junit-layout pytest`: the JUnit shape the mtv-api-tests suite writes, so dashboards and
//! result histories keyed on it keep working. One `pytest` test suite; per scenario the five
//! test cases of the suite's class (`test_create_storagemap`, `test_create_networkmap`,
//! `test_create_plan`, `test_migrate_vms`, `test_check_vms`) named
//! `<test>-<source_provider>-<storage_class>` as the suite renames collected items, with the
//! class name `<file as a module>.Test<ScenarioInCamelCase>` and `source_provider` /
//! `storage_class` properties.
//!
//! Every engine step is timed under its [`Stage`] (setup, the suite's fixtures, counts toward
//! the first case); every failure is filed under the case that would have raised it: a
//! failed step under its stage, the outcome under `test_migrate_vms`, checks under
//! `test_check_vms`. As the suite's incremental classes do, the cases after a failed one are
//! skipped with `previous test failed (NAME)`; leftovers and teardown errors make the last
//! case an error (`failed on teardown`). Only reads the [`RunReport`].

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::failure::rendered;
use super::{Failure, RunReport, ScenarioReport, Stage, Status};

/// The test methods of the suite's class, in order, with the stage each reports.
pub const CASES: [(Stage, &str); 5] = [
    (Stage::StorageMap, "test_create_storagemap"),
    (Stage::NetworkMap, "test_create_networkmap"),
    (Stage::Plan, "test_create_plan"),
    (Stage::Migrate, "test_migrate_vms"),
    (Stage::Check, "test_check_vms"),
];

/// The run's `source_provider` and `storage_class`, for scenarios that did not run (their
/// report names neither).
#[derive(Debug, Clone, Default)]
pub struct Naming {
    /// The first `--provider` (the emulator's `vsphere` with `--sim`).
    pub provider: String,
    /// `--storage-class`, the session's or the cluster's default.
    pub storage_class: String,
}

/// Index in [`CASES`] of the case a stage is reported under.
fn case_index(stage: Stage) -> usize {
    match stage {
        Stage::Setup | Stage::StorageMap => 0,
        Stage::NetworkMap => 1,
        Stage::Plan => 2,
        Stage::Migrate => 3,
        Stage::Check => 4,
    }
}

/// The stage a failure belongs to: the outcome to the migration, an engine error to the
/// step that raised it, everything else (checks, observation) to the checks.
fn stage_of(f: &Failure, s: &ScenarioReport) -> Stage {
    match f.check.as_deref() {
        Some("outcome") => Stage::Migrate,
        Some("run") => s
            .steps
            .iter()
            .find(|st| st.error.is_some())
            .map_or(Stage::Check, |st| st.stage),
        _ => Stage::Check,
    }
}

/// `scenarios/tier0/x.mtvt` → `scenarios.tier0.x`.
pub(crate) fn module(file: &str) -> String {
    let stem = file.strip_suffix(".mtvt").unwrap_or(file);
    let parts: Vec<&str> = stem
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    parts.join(".")
}

/// `sanity_cold_mtv_migration` → `TestSanityColdMtvMigration` (the suite's class names);
/// a matrix variant keeps its `[dim=value]` suffix.
pub(crate) fn class_name(scenario: &str) -> String {
    let (base, variant) = match scenario.find('[') {
        Some(i) => scenario.split_at(i),
        None => (scenario, ""),
    };
    let camel: String = base
        .split(['_', '-'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect();
    format!("Test{camel}{variant}")
}

/// What went wrong in one case.
#[derive(Default)]
struct Bad {
    lines: Vec<String>,
    rendered: Vec<String>,
    error: bool,
}

fn non_success(bad: &Bad, prefix: &str) -> TestCaseStatus {
    let kind = if bad.error {
        NonSuccessKind::Error
    } else {
        NonSuccessKind::Failure
    };
    let mut st = TestCaseStatus::non_success(kind);
    let first = bad.lines.first().cloned().unwrap_or_default();
    st.set_message(format!("{prefix}{first}"));
    st.set_type(if bad.error { "error" } else { "failure" });
    st.set_description(bad.lines.join("\n"));
    st
}

/// The failures of a scenario, per case.
fn bad_cases(s: &ScenarioReport, report: &RunReport) -> [Bad; 5] {
    let mut bad: [Bad; 5] = Default::default();
    let infra = matches!(s.status, Status::Error | Status::Interrupted);
    for f in &s.failures {
        let stage = stage_of(f, s);
        if let Some(b) = bad.get_mut(case_index(stage)) {
            b.lines.push(f.one_line());
            b.rendered.extend(rendered(f, &report.sources));
            b.error |= infra || stage == Stage::Setup;
        }
    }
    let teardown = !s.leaks.is_empty() || !s.teardown_errors.is_empty();
    if s.failures.is_empty() && infra && !teardown {
        bad[0]
            .lines
            .push(s.reason.clone().unwrap_or_else(|| s.status.as_str().into()));
        bad[0].error = true;
    }
    bad
}

/// Per case: the wall time of its steps; the checks get what the steps do not account for
/// (observation, checks, teardown).
fn case_times(s: &ScenarioReport) -> [u64; 5] {
    let mut t = [0u64; 5];
    for st in &s.steps {
        if let Some(c) = t.get_mut(case_index(st.stage)) {
            *c += st.duration_ms;
        }
    }
    let steps: u64 = t.iter().sum();
    t[4] = t[4].saturating_add(s.duration_ms.saturating_sub(steps));
    t
}

fn cases(s: &ScenarioReport, report: &RunReport, naming: &Naming) -> Vec<TestCase> {
    let provider = s.provider.as_deref().unwrap_or(&naming.provider);
    let storage_class = s.storage_class.as_deref().unwrap_or(&naming.storage_class);
    let classname = format!("{}.{}", module(&s.file), class_name(&s.name));
    let bad = bad_cases(s, report);
    let times = case_times(s);
    let mut teardown: Vec<String> = s.leaks.iter().map(|l| format!("leftover: {l}")).collect();
    teardown.extend(s.teardown_errors.iter().map(|e| format!("teardown: {e}")));
    let mut failed_before: Option<String> = None;
    let mut out = Vec::new();
    for (i, (((_, test), b), ms)) in CASES.iter().zip(&bad).zip(times).enumerate() {
        let name = format!("{test}-{provider}-{storage_class}");
        let mut rendered_texts = Vec::new();
        let status = if s.status == Status::Skipped {
            let mut st = TestCaseStatus::skipped();
            st.set_message(s.reason.clone().unwrap_or_default());
            st
        } else if let Some(prev) = &failed_before {
            let mut st = TestCaseStatus::skipped();
            st.set_message(format!("previous test failed ({prev})"));
            st.set_type("pytest.xfail");
            st
        } else if !b.lines.is_empty() {
            failed_before = Some(name.clone());
            rendered_texts.clone_from(&b.rendered);
            let mut st = non_success(b, "");
            if i == CASES.len() - 1 && !teardown.is_empty() {
                st.set_description(format!("{}\n{}", b.lines.join("\n"), teardown.join("\n")));
            }
            st
        } else if i == CASES.len() - 1 && !teardown.is_empty() {
            let t = Bad {
                lines: teardown.clone(),
                error: true,
                ..Bad::default()
            };
            non_success(&t, "failed on teardown: ")
        } else {
            TestCaseStatus::success()
        };
        let mut c = TestCase::new(name, status);
        c.set_classname(classname.as_str());
        c.set_time(Duration::from_millis(ms));
        c.add_property(Property::new("source_provider", provider));
        c.add_property(Property::new("storage_class", storage_class));
        if !rendered_texts.is_empty() {
            c.set_system_err(rendered_texts.join("\n"));
        }
        out.push(c);
    }
    out
}

/// The JUnit document in the suite's layout.
pub fn to_xml(report: &RunReport, naming: &Naming) -> Result<String, String> {
    let mut r = Report::new("pytest tests");
    r.set_time(Duration::from_millis(report.duration_ms));
    let mut suite = TestSuite::new("pytest");
    suite.set_time(Duration::from_millis(report.duration_ms));
    suite.add_property(Property::new("source_provider", naming.provider.as_str()));
    suite.add_property(Property::new(
        "storage_class",
        naming.storage_class.as_str(),
    ));
    for s in &report.scenarios {
        suite.add_test_cases(cases(s, report, naming));
    }
    if let Some(c) = super::junit::session_case(report) {
        suite.add_test_case(c);
    }
    r.add_test_suite(suite);
    r.to_string().map_err(|e| e.to_string())
}

#[cfg(test)]
#[path = "junit_pytest_tests.rs"]
mod tests;
