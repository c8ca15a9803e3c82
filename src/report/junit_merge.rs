//! `mtvt report merge`, JUnit side: joins the shards' JUnit files (either layout) into the
//! document a single run writes. Suites of the same name are joined, in the order a single
//! run writes them (by name, `session` last); their cases follow the merged JSON report's
//! scenario order (a scenario-layout case is its scenario by name, a pytest-layout case by
//! its class name); counts are recomputed and times summed. It only reads and rewrites the
//! XML (quick-junit); which shards belong together is decided on the JSON side (`merge`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use quick_junit::{Report, TestCase, TestSuite};

use super::junit_pytest::{class_name, module};
use super::merge::MergeError;

/// The scenarios of the merged report, in order: (file, name).
pub type Order = [(String, String)];

fn position(order: &Order) -> HashMap<String, usize> {
    let mut at = HashMap::new();
    for (i, (file, name)) in order.iter().enumerate() {
        at.entry(name.clone()).or_insert(i);
        at.entry(format!("{}.{}", module(file), class_name(name)))
            .or_insert(i);
    }
    at
}

/// The scenario a case reports (its index in the order), `usize::MAX` for the session case.
fn case_key(c: &TestCase, at: &HashMap<String, usize>) -> usize {
    let by_name = at.get(c.name.as_str());
    let by_class = c.classname.as_ref().and_then(|k| at.get(k.as_str()));
    by_name.or(by_class).copied().unwrap_or(usize::MAX)
}

fn suite_rank(name: &str) -> (bool, String) {
    (name == "session", name.to_string())
}

/// Joins the JUnit documents `files` (path, text).
pub fn merge(files: &[(PathBuf, String)], order: &Order) -> Result<String, MergeError> {
    let mut reports = Vec::new();
    for (path, text) in files {
        let r = Report::deserialize_from_str(text).map_err(|e| {
            MergeError(format!(
                "{}: not a JUnit XML report ({e}); give the junit-report.xml the shards wrote",
                path.display()
            ))
        })?;
        reports.push(r);
    }
    let at = position(order);
    let mut suites: Vec<(String, Vec<TestSuite>)> = Vec::new();
    for suite in reports.iter().flat_map(|r| r.test_suites.iter()) {
        let name = suite.name.as_str().to_string();
        match suites.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(suite.clone()),
            None => suites.push((name, vec![suite.clone()])),
        }
    }
    suites.sort_by_key(|(n, _)| suite_rank(n));
    let name = reports.iter().find_map(|r| r.name.clone());
    let mut out = match name {
        Some(n) => Report::new(n),
        None => Report::unnamed(),
    };
    let time: Duration = reports
        .iter()
        .filter_map(|r| r.time)
        .max()
        .unwrap_or_default();
    out.set_time(time);
    for (_, parts) in suites {
        out.add_test_suite(join(parts, &at));
    }
    out.to_string().map_err(|e| MergeError(e.to_string()))
}

/// One suite from its parts: the properties of the part holding the first case.
fn join(parts: Vec<TestSuite>, at: &HashMap<String, usize>) -> TestSuite {
    let first_key = |s: &TestSuite| {
        (s.test_cases.iter())
            .map(|c| case_key(c, at))
            .min()
            .unwrap_or(usize::MAX)
    };
    let lead = parts.iter().min_by_key(|s| first_key(s)).cloned();
    let mut cases: Vec<TestCase> = parts.iter().flat_map(|s| s.test_cases.clone()).collect();
    cases.sort_by_key(|c| case_key(c, at));
    let time: Duration = parts.iter().filter_map(|s| s.time).sum();
    let name = lead
        .as_ref()
        .map_or_else(String::new, |s| s.name.as_str().to_string());
    let mut suite = TestSuite::new(name);
    if let Some(lead) = lead {
        suite.properties = lead.properties;
        suite.system_out = lead.system_out;
        suite.system_err = lead.system_err;
        suite.extra = lead.extra;
        suite.timestamp = lead.timestamp;
    }
    if parts.iter().any(|s| s.time.is_some()) {
        suite.set_time(time);
    }
    suite.add_test_cases(cases);
    suite
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::report::junit::to_xml;
    use crate::report::tests_support::{report, scenario};
    use crate::report::{RunReport, Status};

    fn with(names: &[(&str, &str, Status)]) -> RunReport {
        report(
            (names.iter())
                .map(|(file, n, st)| {
                    let mut s = scenario(n, *st);
                    s.file = (*file).into();
                    s.duration_ms = 0;
                    if *st == Status::Failed {
                        s.failures = vec![crate::report::Failure::message(Some("cpu"), "2 != 4")];
                    }
                    s
                })
                .collect(),
        )
    }

    #[test]
    fn equals_the_single_run_document() {
        let all = [
            ("b.mtvt", "z", Status::Passed),
            ("a.mtvt", "y", Status::Failed),
            ("b.mtvt", "x", Status::Skipped),
        ];
        let mut single = with(&all);
        single.duration_ms = 0;
        let mut one = with(&[all[2]]);
        one.duration_ms = 0;
        let mut two = with(&[all[0], all[1]]);
        two.duration_ms = 0;
        let files = [
            (PathBuf::from("1.xml"), to_xml(&one).unwrap()),
            (PathBuf::from("2.xml"), to_xml(&two).unwrap()),
        ];
        let order: Vec<(String, String)> = (all.iter())
            .map(|(f, n, _)| (f.to_string(), n.to_string()))
            .collect();
        assert_eq!(merge(&files, &order).unwrap(), to_xml(&single).unwrap());
    }

    #[test]
    fn the_pytest_layout_too() {
        let naming = crate::report::junit_pytest::Naming {
            provider: "vsphere".into(),
            storage_class: "sc".into(),
        };
        let all = [
            ("t/b.mtvt", "zz_cold", Status::Passed),
            ("t/a.mtvt", "aa_warm", Status::Failed),
        ];
        let xml = |r: &RunReport| crate::report::junit_pytest::to_xml(r, &naming).unwrap();
        let mut parts = [with(&[all[1]]), with(&[all[0]]), with(&all)];
        for r in &mut parts {
            r.duration_ms = 0;
        }
        let files = [
            (PathBuf::from("1.xml"), xml(&parts[0])),
            (PathBuf::from("2.xml"), xml(&parts[1])),
        ];
        let order: Vec<(String, String)> = (all.iter())
            .map(|(f, n, _)| (f.to_string(), n.to_string()))
            .collect();
        assert_eq!(merge(&files, &order).unwrap(), xml(&parts[2]));
    }

    #[test]
    fn refuses_what_is_not_junit() {
        let e = merge(&[(PathBuf::from("x.xml"), "{}".into())], &[]).unwrap_err();
        assert!(
            e.to_string().contains("x.xml: not a JUnit XML report"),
            "{e}"
        );
    }
}
