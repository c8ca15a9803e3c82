//! JUnit XML: the layout choice and the file. The scenario layout (here): one test suite
//! per scenario file, one test case per scenario. Skipped cases carry their reason; failed
//! ones (`failure`) and errored ones (`error`) carry every failure message, one per line,
//! with the rendered source excerpts in `system-err`. The pytest suite's layout is
//! `junit_pytest`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use mtvt_lang::source::SourceMap;

use super::failure::rendered;
use super::junit_pytest::{self, Naming};
use super::{RunReport, ScenarioReport, Status};

/// `--junit-layout`: the shape of the JUnit file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Layout {
    /// One test suite per scenario file, one test case per scenario.
    #[default]
    Scenario,
    /// The pytest suite's: one case per step of its class (storage map, network map, plan,
    /// migrate, check) named `<test>-<source_provider>-<storage_class>`.
    Pytest,
}

fn case(s: &ScenarioReport, sources: &SourceMap) -> TestCase {
    let status = match s.status {
        Status::Passed => TestCaseStatus::success(),
        Status::Skipped => {
            let mut st = TestCaseStatus::skipped();
            if let Some(r) = &s.reason {
                st.set_message(r.as_str());
            }
            st
        }
        Status::Failed | Status::Error | Status::Interrupted => {
            let kind = if s.status == Status::Failed {
                NonSuccessKind::Failure
            } else {
                NonSuccessKind::Error
            };
            let mut st = TestCaseStatus::non_success(kind);
            let mut lines: Vec<String> = s.failures.iter().map(|f| f.one_line()).collect();
            lines.extend(s.leaks.iter().map(|l| format!("leftover: {l}")));
            lines.extend(s.teardown_errors.iter().map(|e| format!("teardown: {e}")));
            let message = match (s.failures.len(), &s.reason) {
                (0, Some(r)) => r.clone(),
                (n, _) => format!(
                    "{n} failure(s): {}",
                    lines.first().cloned().unwrap_or_default()
                ),
            };
            st.set_message(message);
            st.set_type(s.status.as_str());
            st.set_description(lines.join("\n"));
            st
        }
    };
    let mut c = TestCase::new(s.name.as_str(), status);
    c.set_classname(s.file.as_str());
    c.set_time(Duration::from_millis(s.duration_ms));
    let texts: Vec<String> = s
        .failures
        .iter()
        .filter_map(|f| rendered(f, sources))
        .collect();
    if !texts.is_empty() {
        c.set_system_err(texts.join("\n"));
    }
    c
}

/// The `session setup and teardown` error case, when the session had a setup error,
/// leftovers or teardown errors.
pub fn session_case(report: &RunReport) -> Option<TestCase> {
    if report.leaks.is_empty() && report.teardown_errors.is_empty() && report.error.is_none() {
        return None;
    }
    let mut st = TestCaseStatus::non_success(NonSuccessKind::Error);
    let mut lines: Vec<String> = report.error.iter().cloned().collect();
    lines.extend(report.leaks.iter().map(|l| format!("leftover: {l}")));
    lines.extend(
        report
            .teardown_errors
            .iter()
            .map(|e| format!("teardown: {e}")),
    );
    st.set_message(lines.first().cloned().unwrap_or_default());
    st.set_description(lines.join("\n"));
    Some(TestCase::new("session setup and teardown", st))
}

/// The JUnit document in the scenario layout.
pub fn to_xml(report: &RunReport) -> Result<String, String> {
    let mut by_file: BTreeMap<&str, Vec<&ScenarioReport>> = BTreeMap::new();
    for s in &report.scenarios {
        by_file.entry(s.file.as_str()).or_default().push(s);
    }
    let mut r = Report::new("mtvt");
    r.set_time(Duration::from_millis(report.duration_ms));
    for (file, scenarios) in by_file {
        let mut suite = TestSuite::new(file);
        suite.set_time(Duration::from_millis(
            scenarios.iter().map(|s| s.duration_ms).sum(),
        ));
        suite.add_test_cases(scenarios.into_iter().map(|s| case(s, &report.sources)));
        r.add_test_suite(suite);
    }
    if let Some(c) = session_case(report) {
        let mut suite = TestSuite::new("session");
        suite.add_test_case(c);
        r.add_test_suite(suite);
    }
    r.to_string().map_err(|e| e.to_string())
}

/// Writes the JUnit file in `layout`.
pub fn write(
    report: &RunReport,
    path: &Path,
    layout: Layout,
    naming: &Naming,
) -> Result<(), String> {
    let xml = match layout {
        Layout::Scenario => to_xml(report)?,
        Layout::Pytest => junit_pytest::to_xml(report, naming)?,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, xml).map_err(|e| format!("write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Failure;
    use crate::report::tests_support::{report, scenario};

    #[test]
    fn suites_per_file_and_every_failure() {
        let mut failed = scenario("b", Status::Failed);
        failed.failures = vec![
            Failure {
                vm: Some("vm1".into()),
                expected: Some("8".into()),
                actual: Some("2".into()),
                location: Some(mtvt_lang::ir::SpanIr {
                    file: "f.mtvt".into(),
                    start: 0,
                    end: 1,
                    line: 4,
                    column: 3,
                    file_id: mtvt_lang::span::FileId(0),
                }),
                ..Failure::message(Some("cores"), "wrong cores")
            },
            Failure::message(Some("memory"), "memory <differs> & more"),
        ];
        let mut skipped = scenario("c", Status::Skipped);
        skipped.reason = Some("requires provider ovirt".into());
        skipped.file = "other.mtvt".into();
        let r = report(vec![scenario("a", Status::Passed), failed, skipped]);
        let xml = to_xml(&r).unwrap();
        assert!(
            xml.contains(r#"tests="3" skipped="1" failures="1" errors="0""#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<testsuite name="f.mtvt" tests="2""#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<testsuite name="other.mtvt" tests="1""#),
            "{xml}"
        );
        assert!(
            xml.contains("[vm1] cores: wrong cores (expected 8, actual 2) at f.mtvt:4:3"),
            "{xml}"
        );
        assert!(
            xml.contains("memory: memory &lt;differs&gt; &amp; more"),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<skipped message="requires provider ovirt"/>"#),
            "{xml}"
        );
    }
}
