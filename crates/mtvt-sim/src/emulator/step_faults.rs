//! Step-fault rules given on the command line (`mtvt sim serve --step-fault RULE`), added to
//! the lab's `faults` section: `vm=GLOB,step=NAME,fail=MESSAGE` or
//! `vm=GLOB,step=NAME,slow=FACTOR[,extra=SECONDS]`, optional `plan=GLOB` and
//! `probability=0..1`. Same semantics as the lab file (see `lab::Faults`).

use std::time::Duration;

use crate::lab::{FaultAction, FaultRule, STEP_NAMES};

/// Parses one rule.
pub fn parse_step_fault(s: &str) -> Result<FaultRule, String> {
    let mut vm = None;
    let mut plan = None;
    let mut step = None;
    let mut fail = None;
    let mut slow = None;
    let mut extra = None;
    let mut probability = 1.0;
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(|| {
            format!("{part:?} is not key=value (e.g. vm=mtv-*,step=DiskTransfer,fail=boom)")
        })?;
        match k {
            "vm" => vm = Some(v.to_string()),
            "plan" => plan = Some(v.to_string()),
            "step" => step = Some(v.to_string()),
            "fail" => fail = Some(v.to_string()),
            "slow" => {
                slow = Some(
                    v.parse::<f64>()
                        .map_err(|_| format!("slow={v}: expected a number such as 2.5"))?,
                )
            }
            "extra" => {
                let n = v.trim_end_matches('s');
                extra = Some(
                    n.parse::<u64>()
                        .map_err(|_| format!("extra={v}: expected virtual seconds such as 120"))?,
                );
            }
            "probability" => {
                probability = v
                    .parse::<f64>()
                    .map_err(|_| format!("probability={v}: expected a number in 0..1"))?;
                if !(0.0..=1.0).contains(&probability) {
                    return Err(format!("probability={v}: must be between 0 and 1"));
                }
            }
            other => {
                return Err(format!(
                    "unknown key {other:?} (use vm, plan, step, fail, slow, extra, probability)"
                ));
            }
        }
    }
    let step = step.ok_or("missing step=NAME (a pipeline step or itinerary phase)")?;
    if !STEP_NAMES.contains(&step.as_str()) {
        return Err(format!(
            "unknown step {step:?}; use one of: {}",
            STEP_NAMES.join(", ")
        ));
    }
    let action = match (fail, slow.is_some() || extra.is_some()) {
        (Some(message), false) => FaultAction::Fail { message },
        (None, true) => {
            let factor = slow.unwrap_or(1.0);
            if !(factor.is_finite() && factor > 0.0) {
                return Err(format!("slow={factor}: must be a positive number"));
            }
            FaultAction::Slow {
                factor,
                extra: Duration::from_secs(extra.unwrap_or(0)),
            }
        }
        (Some(_), true) => {
            return Err("a rule either fails (fail=) or slows (slow=/extra=), not both".into());
        }
        (None, false) => {
            return Err("the rule has no effect: add fail=MESSAGE or slow=FACTOR".into());
        }
    };
    Ok(FaultRule {
        vm: vm.unwrap_or_else(|| "*".into()),
        plan,
        step,
        action,
        probability,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fail_and_slow() {
        let r = parse_step_fault("vm=mtv-*,step=DiskTransfer,fail=disk copy failed").unwrap();
        assert_eq!(
            r.action,
            FaultAction::Fail {
                message: "disk copy failed".into()
            }
        );
        let r = parse_step_fault("step=CopyDisks,slow=2,extra=30,probability=0.5").unwrap();
        assert_eq!(r.vm, "*");
        assert_eq!(
            r.action,
            FaultAction::Slow {
                factor: 2.0,
                extra: Duration::from_secs(30)
            }
        );
        assert!(
            parse_step_fault("step=Nope,fail=x")
                .unwrap_err()
                .contains("unknown step")
        );
        assert!(parse_step_fault("step=CopyDisks").is_err());
        assert!(parse_step_fault("step=CopyDisks,fail=x,slow=2").is_err());
    }
}
