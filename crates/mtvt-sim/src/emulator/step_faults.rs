//! Step-fault rules given on the command line (`mtvt sim serve --step-fault RULE`), added to
//! the lab's `faults` section: `vm=GLOB,step=NAME,fail=MESSAGE`,
//! `vm=GLOB,step=NAME,slow=FACTOR[,extra=SECONDS]` or `vm=GLOB,step=NAME,outage=SECONDS` (the
//! source provider unreachable; 0 = until the emulator stops), `vm=GLOB,step=ConvertGuest,kill=SECONDS`
//! (the conversion pod killed that long into the conversion), optional `plan=GLOB` and
//! `probability=0..1`. Same semantics as the lab file (see `lab::Faults`).

use std::time::Duration;

use crate::lab::{FaultAction, FaultRule, KILL_STEPS, STEP_NAMES};

/// Parses one rule.
pub fn parse_step_fault(s: &str) -> Result<FaultRule, String> {
    let mut vm = None;
    let mut plan = None;
    let mut step = None;
    let mut fail = None;
    let mut slow = None;
    let mut extra = None;
    let mut outage = None;
    let mut kill = None;
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
            "outage" => {
                let n = v.trim_end_matches('s');
                outage = Some(n.parse::<u64>().map_err(|_| {
                    format!("outage={v}: expected virtual seconds such as 600 (0 = until the emulator stops)")
                })?);
            }
            "kill" => {
                let n = v.trim_end_matches('s');
                kill = Some(n.parse::<u64>().map_err(|_| {
                    format!("kill={v}: expected virtual seconds into the conversion such as 20")
                })?);
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
                    "unknown key {other:?} (use vm, plan, step, fail, slow, extra, outage, kill, probability)"
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
    if let Some(secs) = kill {
        if fail.is_some() || slow.is_some() || extra.is_some() || outage.is_some() {
            return Err("a rule has one effect: fail, slow, outage or kill".into());
        }
        if !KILL_STEPS.contains(&step.as_str()) {
            return Err(format!(
                "kill= applies to step=ConvertGuest or step=ImageConversion, not {step:?}"
            ));
        }
        return Ok(FaultRule {
            vm: vm.unwrap_or_else(|| "*".into()),
            plan,
            step,
            action: FaultAction::KillConversion {
                after: Duration::from_secs(secs),
            },
            probability,
        });
    }
    let slowed = slow.is_some() || extra.is_some();
    let action = match (fail, slowed, outage) {
        (Some(message), false, None) => FaultAction::Fail { message },
        (None, true, None) => {
            let factor = slow.unwrap_or(1.0);
            if !(factor.is_finite() && factor > 0.0) {
                return Err(format!("slow={factor}: must be a positive number"));
            }
            FaultAction::Slow {
                factor,
                extra: Duration::from_secs(extra.unwrap_or(0)),
            }
        }
        (None, false, Some(secs)) => FaultAction::Outage {
            duration: (secs > 0).then(|| Duration::from_secs(secs)),
        },
        (None, false, None) => {
            return Err(
                "the rule has no effect: add fail=MESSAGE, slow=FACTOR or outage=SECONDS".into(),
            );
        }
        _ => {
            return Err(
                "a rule has one effect: fail (fail=), slow (slow=/extra=) or outage (outage=)"
                    .into(),
            );
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
        let r = parse_step_fault("vm=*,step=DiskTransfer,outage=600").unwrap();
        assert_eq!(
            r.action,
            FaultAction::Outage {
                duration: Some(Duration::from_secs(600))
            }
        );
        let r = parse_step_fault("step=DiskTransfer,outage=0").unwrap();
        assert_eq!(r.action, FaultAction::Outage { duration: None });
        assert!(parse_step_fault("step=DiskTransfer,outage=1,fail=x").is_err());
        let r = parse_step_fault("vm=mtv-*,step=ConvertGuest,kill=20").unwrap();
        assert_eq!(
            r.action,
            FaultAction::KillConversion {
                after: Duration::from_secs(20)
            }
        );
        assert!(parse_step_fault("step=DiskTransfer,kill=20").is_err());
        assert!(parse_step_fault("step=ConvertGuest,kill=20,fail=x").is_err());
    }
}
