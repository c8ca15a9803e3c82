#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use super::*;
use crate::report::tests_support::{report, scenario};
use crate::report::{CheckStatus, PhaseTiming};

fn phase(name: &str, started: &str, completed: Option<&str>, phase: &str) -> PhaseTiming {
    PhaseTiming {
        name: name.into(),
        phase: Some(phase.into()),
        started: Some(started.into()),
        completed: completed.map(str::to_string),
        duration_ms: None,
        error: None,
    }
}

fn sample(diagnostics: Option<String>) -> RunReport {
    let mut s = scenario("cold <b>&", Status::Failed);
    s.vms = vec![VmReport {
        plan: "p".into(),
        source: "vm-1".into(),
        destination: Some("vm-1".into()),
        result: Some("succeeded".into()),
        failed_step: None,
        phases: vec![
            phase(
                "Initialize",
                "2026-01-01T00:00:00Z",
                Some("2026-01-01T00:00:10Z"),
                "Completed",
            ),
            phase(
                "DiskTransferV2v",
                "2026-01-01T00:00:10Z",
                Some("2026-01-01T00:00:40Z"),
                "Completed",
            ),
        ],
        checks: vec![
            CheckReport {
                name: "cpu".into(),
                status: CheckStatus::Failed,
                reason: None,
                passed: 1,
                failed: 1,
            },
            CheckReport {
                name: "ssh".into(),
                status: CheckStatus::Skipped,
                reason: Some("no guest login".into()),
                passed: 0,
                failed: 0,
            },
        ],
    }];
    s.failures = vec![Failure {
        vm: Some("vm-1".into()),
        expected: Some("8".into()),
        actual: Some("2".into()),
        ..Failure::message(Some("cpu"), "cores differ")
    }];
    s.diagnostics = diagnostics;
    report(vec![s])
}

#[test]
fn timeline_positions_on_one_scale_per_scenario() {
    let r = sample(None);
    let scale = scale(&r.scenarios[0].vms);
    let p = phases(&r.scenarios[0].vms[0], scale);
    assert_eq!(
        (p[0].left.as_str(), p[0].width.as_str()),
        ("0.00%", "25.00%")
    );
    assert_eq!(
        (p[1].left.as_str(), p[1].width.as_str()),
        ("25.00%", "75.00%")
    );
}

#[test]
fn page_has_checks_with_expected_and_actual_escaped_and_self_contained() {
    let html = render(&sample(None), Path::new("/tmp")).unwrap();
    assert!(
        html.contains(r#"<td class="expected mono">8</td><td class="actual mono">2</td>"#),
        "{html}"
    );
    assert!(html.contains("no guest login"), "{html}");
    assert!(html.contains("cold &lt;b&gt;&amp;"), "{html}");
    assert!(!html.contains("<b>&"), "{html}");
    assert!(
        html.contains(
            r#"class="bar step-DiskTransferV2v Completed" style="left:25.00%;width:75.00%""#
        ),
        "{html}"
    );
    // nothing loaded from elsewhere
    for needle in [
        "<script", "<link", "src=", "http://", "https://", "@import", "url(",
    ] {
        assert!(!html.contains(needle), "{needle} in {html}");
    }
}

#[test]
fn diagnostics_linked_relative_to_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let diag = dir.path().join("dc").join("cold x");
    std::fs::create_dir_all(&diag).unwrap();
    std::fs::write(diag.join("objects.yaml"), "---\n").unwrap();
    let html = render(&sample(Some(diag.display().to_string())), dir.path()).unwrap();
    // minijinja escapes `/` as `&#x2f;` (the browser reads `dc/cold%20x/objects.yaml`)
    assert!(
        html.contains(r#"<a href="dc&#x2f;cold%20x&#x2f;objects.yaml">objects.yaml</a>"#),
        "{html}"
    );
    let elsewhere = render(
        &sample(Some(diag.display().to_string())),
        Path::new("/nowhere"),
    )
    .unwrap();
    assert!(
        elsewhere.contains(r#"href="file:&#x2f;&#x2f;&#x2f;"#),
        "{elsewhere}"
    );
}
