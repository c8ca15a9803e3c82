//! Exit codes of `mtvt run` and `mtvt clean`, in classes like hurl's, so CI can tell "MTV
//! regressed" from "the lab was down":
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | every scenario passed or was skipped; teardown left nothing |
//! | 1 | a scenario failed (unexpected outcome, failed assertion, a Plan that never got Ready, a migration that never ended) |
//! | 2 | static errors in the scenarios, or a usage error (missing input, bad flag) |
//! | 3 | infrastructure error (API, inventory or source unreachable/refusing) or teardown leaks |
//! | 130 | interrupted (Ctrl-C); teardown ran unless a second Ctrl-C aborted it |
//!
//! An infrastructure error outranks failures (the results are not trustworthy), and an
//! interruption outranks everything.

use super::{RunReport, Status};

/// All passed.
pub const PASSED: u8 = 0;
/// A scenario failed.
pub const FAILED: u8 = 1;
/// Static or usage errors.
pub const USAGE: u8 = 2;
/// Infrastructure error or leak.
pub const INFRA: u8 = 3;
/// Ctrl-C.
pub const INTERRUPTED: u8 = 130;

/// The exit code of a run.
pub fn exit_code(r: &RunReport) -> u8 {
    if r.interrupted || r.scenarios.iter().any(|s| s.status == Status::Interrupted) {
        return INTERRUPTED;
    }
    let infra = r.error.is_some()
        || !r.leaks.is_empty()
        || !r.teardown_errors.is_empty()
        || r.scenarios.iter().any(|s| s.status == Status::Error);
    if infra {
        return INFRA;
    }
    if r.scenarios.iter().any(|s| s.status == Status::Failed) {
        return FAILED;
    }
    PASSED
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests_support::{report, scenario};

    #[test]
    fn classes_and_precedence() {
        let mut r = report(vec![
            scenario("a", Status::Passed),
            scenario("b", Status::Skipped),
        ]);
        assert_eq!(exit_code(&r), PASSED);
        r.scenarios.push(scenario("c", Status::Failed));
        assert_eq!(exit_code(&r), FAILED);
        r.leaks.push("Namespace x".into());
        assert_eq!(exit_code(&r), INFRA, "a leak outranks a failure");
        r.leaks.clear();
        r.scenarios.push(scenario("d", Status::Error));
        assert_eq!(exit_code(&r), INFRA);
        r.scenarios.push(scenario("e", Status::Interrupted));
        assert_eq!(exit_code(&r), INTERRUPTED);
    }
}
