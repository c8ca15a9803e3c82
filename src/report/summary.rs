//! The end-of-run text on stderr: every failure rendered like a compile error (the scenario
//! or stdlib line, expected and actual), skip reasons, leftovers, and one summary line.

use super::failure::rendered;
use super::{RunReport, ScenarioReport, Status};

/// The summary text.
pub fn render(r: &RunReport) -> String {
    let mut out = String::new();
    for s in &r.scenarios {
        if matches!(
            s.status,
            Status::Failed | Status::Error | Status::Interrupted
        ) {
            out.push_str(&failed_scenario(s, r));
        }
    }
    let skipped: Vec<_> = r
        .scenarios
        .iter()
        .filter(|s| s.status == Status::Skipped)
        .collect();
    if !skipped.is_empty() {
        out.push_str("\nskipped:\n");
        for s in skipped {
            out.push_str(&format!(
                "  {} — {}\n",
                s.name,
                s.reason.as_deref().unwrap_or("")
            ));
        }
    }
    if let Some(e) = &r.error {
        out.push_str(&format!("\nerror: {e}\n"));
    }
    if !r.leaks.is_empty() || !r.teardown_errors.is_empty() {
        out.push_str("\nsession teardown:\n");
        for l in &r.leaks {
            out.push_str(&format!("  leftover: {l}\n"));
        }
        for e in &r.teardown_errors {
            out.push_str(&format!("  error: {e}\n"));
        }
    }
    out.push_str(&counts_line(r));
    out
}

/// A failed (or errored, interrupted) scenario: every failure — rendered at its source line
/// when it has one —, leftovers, teardown errors, where the diagnostics are.
fn failed_scenario(s: &ScenarioReport, r: &RunReport) -> String {
    let mut out = format!(
        "\n── {} {} ({}:{})\n",
        s.status.as_str().to_uppercase(),
        s.name,
        s.file,
        s.line
    );
    for f in &s.failures {
        match rendered(f, &r.sources) {
            Some(text) => {
                if let Some(vm) = &f.vm {
                    out.push_str(&format!(
                        "  VM {vm}, check {}:\n",
                        f.check.as_deref().unwrap_or("-")
                    ));
                }
                out.push_str(&text);
            }
            None => out.push_str(&format!("  ✗ {}\n", f.one_line())),
        }
    }
    for l in &s.leaks {
        out.push_str(&format!("  leftover: {l}\n"));
    }
    for e in &s.teardown_errors {
        out.push_str(&format!("  teardown: {e}\n"));
    }
    if let Some(d) = &s.diagnostics {
        out.push_str(&format!("  diagnostics: {d}\n"));
    }
    out
}

/// `27 scenarios: 27 passed, 0 failed, 0 errors, 0 skipped in 5.1s (session auto-ab12)`.
fn counts_line(r: &RunReport) -> String {
    let interrupted = r.count(Status::Interrupted);
    let mut counts = format!(
        "{} passed, {} failed, {} error{}, {} skipped",
        r.count(Status::Passed),
        r.count(Status::Failed),
        r.count(Status::Error),
        if r.count(Status::Error) == 1 { "" } else { "s" },
        r.count(Status::Skipped),
    );
    if interrupted > 0 || r.interrupted {
        counts.push_str(&format!(", {interrupted} interrupted"));
    }
    format!(
        "\n{} scenario{}: {counts} in {:.1}s (session {}{})\n",
        r.scenarios.len(),
        if r.scenarios.len() == 1 { "" } else { "s" },
        r.duration_ms as f64 / 1000.0,
        r.session,
        if r.teardown_skipped {
            ", objects kept"
        } else {
            ""
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Failure;
    use crate::report::tests_support::{report, scenario};

    #[test]
    fn lists_failures_skips_leaks_and_counts() {
        let mut f = scenario("b", Status::Failed);
        f.failures
            .push(Failure::message(Some("cpu"), "CPU sockets differ"));
        let mut s = scenario("c", Status::Skipped);
        s.reason = Some("requires remote_cluster".into());
        let mut r = report(vec![scenario("a", Status::Passed), f, s]);
        r.leaks.push("Namespace auto-x".into());
        let text = render(&r);
        assert!(text.contains("── FAILED b (f.mtvt:1)"), "{text}");
        assert!(text.contains("✗ cpu: CPU sockets differ"), "{text}");
        assert!(text.contains("c — requires remote_cluster"), "{text}");
        assert!(text.contains("leftover: Namespace auto-x"), "{text}");
        assert!(
            text.contains("3 scenarios: 1 passed, 1 failed, 0 errors, 1 skipped in"),
            "{text}"
        );
    }
}
