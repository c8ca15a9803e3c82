//! Fault injection rules of a lab: make a migration step fail or run slower for some VMs.
//!
//! The lab only describes and validates the rules and answers "which faults apply to this VM
//! at this step"; the controllers apply them. Decisions are deterministic: the same seed, VM
//! and step always give the same answer.

use std::time::Duration;

use super::error::LabIssue;
use super::file::{FaultRuleFile, FaultsFile};
use super::ids::fnv1a;

/// Pipeline step names and itinerary phase names a rule may target (Forklift §3.2/§3.3).
pub const STEP_NAMES: &[&str] = &[
    // pipeline steps
    "Initialize",
    "PreHook",
    "PostHook",
    "PreflightInspection",
    "DiskAllocation",
    "DiskTransfer",
    "Cutover",
    "ImageConversion",
    "DiskTransferV2v",
    "ConvertOpenstackSnapshot",
    "VirtualMachineCreation",
    "WaitForGuestReboots",
    "WaitForFinalSnapshotConsolidation",
    // itinerary phases
    "Started",
    "StorePowerState",
    "PowerOffSource",
    "WaitForPowerOff",
    "CreateDataVolumes",
    "CopyDisks",
    "AllocateDisks",
    "CreateGuestConversionPod",
    "ConvertGuest",
    "CopyDisksVirtV2V",
    "CreateVM",
    "CreateInitialSnapshot",
    "WaitForInitialSnapshot",
    "StoreInitialSnapshotDeltas",
    "CopyingPaused",
    "RemovePreviousSnapshot",
    "WaitForPreviousSnapshotRemoval",
    "CreateSnapshot",
    "WaitForSnapshot",
    "StoreSnapshotDeltas",
    "AddCheckpoint",
    "RemovePenultimateSnapshot",
    "WaitForPenultimateSnapshotRemoval",
    "CreateFinalSnapshot",
    "WaitForFinalSnapshot",
    "AddFinalCheckpoint",
    "Finalize",
    "RemoveFinalSnapshot",
    "WaitForFinalSnapshotRemoval",
];

/// What a rule does.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultAction {
    /// The step fails with this message (it becomes the step/VM error reason).
    Fail {
        /// Error message.
        message: String,
    },
    /// The VM's source provider becomes unreachable (its connection test fails) when the VM
    /// enters the step, for `duration` of virtual time (`None`: until the emulator stops).
    Outage {
        /// How long.
        duration: Option<Duration>,
    },
    /// The guest-conversion pod (virt-v2v) is killed `after` this much virtual time in
    /// `ConvertGuest`, once its disks were copied (a Migration resuming the conversion is
    /// left alone): the pod ends `Failed` and the VM fails at `ImageConversion` as Forklift
    /// reports a failed conversion pod (the pytest suite's virt-v2v kill before a resume).
    KillConversion {
        /// When, after the VM entered `ConvertGuest`.
        after: Duration,
    },
    /// The step takes `factor` times as long, plus `extra` virtual time.
    Slow {
        /// Duration multiplier (≥ 1 slows down).
        factor: f64,
        /// Added virtual duration.
        extra: Duration,
    },
}

/// One rule.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultRule {
    /// VM name glob (`*` any run, `?` one character).
    pub vm: String,
    /// Plan name glob; `None` = every plan.
    pub plan: Option<String>,
    /// Step or phase name.
    pub step: String,
    /// Effect.
    pub action: FaultAction,
    /// Chance in [0, 1] that the rule fires for a given (VM, step); decided from the seed.
    pub probability: f64,
}

/// The `faults` section.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// Seed for probability decisions.
    pub seed: u64,
    /// Rules, in file order.
    pub rules: Vec<FaultRule>,
    /// Image globs: a job pod with a container or init container of a matching image exits 1
    /// (e.g. a broken VDDK image fails Forklift's VDDK validation Job).
    pub failing_images: Vec<String>,
    /// How long (virtual) a newly built or rebuilt inventory collector stays out of parity,
    /// answering 206; `None` = the inventory refresh delay.
    pub inventory_parity: Option<Duration>,
    /// Emulates a Forklift regression for showing that a scenario catches it: a Migration
    /// with `resumeConversion` is run as a plain re-run (the failed run's VM, DataVolumes
    /// and PVCs deleted, the disks copied again into new PVCs).
    pub resume_recopies: bool,
    /// Broken migrated guests (`faults.guest`): applied to the guest of every VM whose
    /// source name matches, so in-guest checks can be shown to fail.
    pub guest: Vec<crate::guest::GuestFault>,
    /// Forklift features the emulated controllers leave out (`faults.broken`).
    pub broken: Vec<super::BrokenFeature>,
}

impl Faults {
    /// Whether the lab says Forklift's `feature` is broken.
    pub fn breaks(&self, feature: super::BrokenFeature) -> bool {
        self.broken.contains(&feature)
    }

    /// The actions that apply to `vm` of `plan` at `step`, in rule order.
    pub fn effects(&self, plan: &str, vm: &str, step: &str) -> Vec<&FaultAction> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.step == step && glob_match(&r.vm, vm))
            .filter(|(_, r)| r.plan.as_deref().is_none_or(|p| glob_match(p, plan)))
            .filter(|(i, r)| self.roll(*i, vm, step) < r.probability)
            .map(|(_, r)| &r.action)
            .collect()
    }

    /// The failure message for `vm` at `step`, if a `fail` rule fires.
    pub fn failure(&self, plan: &str, vm: &str, step: &str) -> Option<&str> {
        self.effects(plan, vm, step)
            .into_iter()
            .find_map(|a| match a {
                FaultAction::Fail { message } => Some(message.as_str()),
                _ => None,
            })
    }

    /// The source outage `vm` of `plan` causes when it enters `step`, if an `outage` rule
    /// fires (`Some(None)`: until the emulator stops).
    pub fn outage(&self, plan: &str, vm: &str, step: &str) -> Option<Option<Duration>> {
        self.effects(plan, vm, step)
            .into_iter()
            .find_map(|a| match a {
                FaultAction::Outage { duration } => Some(*duration),
                _ => None,
            })
    }

    /// When (after entering the step) a `kill_conversion` rule kills `vm`'s conversion pod.
    pub fn kill_conversion(&self, plan: &str, vm: &str, step: &str) -> Option<Duration> {
        self.effects(plan, vm, step)
            .into_iter()
            .find_map(|a| match a {
                FaultAction::KillConversion { after } => Some(*after),
                _ => None,
            })
    }

    /// `duration` stretched by every `slow` rule that fires for `vm` at `step`.
    pub fn stretch(&self, plan: &str, vm: &str, step: &str, duration: Duration) -> Duration {
        self.effects(plan, vm, step)
            .into_iter()
            .fold(duration, |d, a| match a {
                FaultAction::Slow { factor, extra } => d.mul_f64(*factor) + *extra,
                _ => d,
            })
    }

    /// Whether a job pod running `image` fails.
    pub fn image_fails(&self, image: &str) -> bool {
        self.failing_images.iter().any(|g| glob_match(g, image))
    }

    /// A number in [0, 1) fixed by (seed, rule, vm, step).
    fn roll(&self, rule: usize, vm: &str, step: &str) -> f64 {
        let h = fnv1a(format!("{}/{rule}/{vm}/{step}", self.seed).as_bytes());
        // 53 bits → exact f64 in [0, 1)
        (h >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Shell-style glob with `*` and `?` (no character classes).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if *c == '?' || Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

/// The steps a `kill_conversion` rule may name: the phase the conversion pod converts in,
/// or its pipeline step.
pub const KILL_STEPS: [&str; 2] = ["ConvertGuest", "ImageConversion"];

/// The one effect of a rule: fail, slow down, a source outage, or a killed conversion pod.
fn rule_action(r: &FaultRuleFile, path: &str, issues: &mut Vec<LabIssue>) -> Option<FaultAction> {
    let slow = r.slow_factor.is_some() || r.extra_seconds.is_some();
    let effects = [
        r.fail.is_some(),
        slow,
        r.source_outage_seconds.is_some(),
        r.kill_conversion_after_seconds.is_some(),
    ];
    let mut issue = |message: &str, help: &str| {
        issues.push(LabIssue {
            path: path.to_string(),
            message: message.into(),
            help: help.into(),
        });
        None
    };
    match effects.iter().filter(|e| **e).count() {
        0 => {
            return issue(
                "the rule has no effect",
                "set `fail: <message>`, `slow_factor` and/or `extra_seconds`, `source_outage_seconds`, or `kill_conversion_after_seconds`",
            );
        }
        1 => {}
        _ => {
            return issue(
                "a rule has one effect: fail, slow down, a source outage, or a killed conversion",
                "split it into several rules",
            );
        }
    }
    if let Some(message) = &r.fail {
        return Some(FaultAction::Fail {
            message: message.clone(),
        });
    }
    if let Some(secs) = r.kill_conversion_after_seconds {
        if !KILL_STEPS.contains(&r.step.as_str()) {
            issues.push(LabIssue {
                path: format!("{path}.step"),
                message: format!(
                    "a conversion pod is killed in ConvertGuest, not in {:?}",
                    r.step
                ),
                help: "use step: ConvertGuest (or its pipeline step ImageConversion)".into(),
            });
        }
        return Some(FaultAction::KillConversion {
            after: Duration::from_secs(secs),
        });
    }
    if let Some(secs) = r.source_outage_seconds {
        return Some(FaultAction::Outage {
            duration: (secs > 0).then(|| Duration::from_secs(secs)),
        });
    }
    let factor = r.slow_factor.unwrap_or(1.0);
    if !(factor.is_finite() && factor > 0.0) {
        issues.push(LabIssue {
            path: format!("{path}.slow_factor"),
            message: format!("slow_factor {factor} must be a positive number"),
            help: "use e.g. 2.0 to double the step's duration".into(),
        });
    }
    let extra = Duration::from_secs(r.extra_seconds.unwrap_or(0));
    Some(FaultAction::Slow { factor, extra })
}

/// Checks and converts the file section, appending problems to `issues`.
pub(crate) fn resolve_faults(file: Option<FaultsFile>, issues: &mut Vec<LabIssue>) -> Faults {
    let Some(file) = file else {
        return Faults::default();
    };
    let mut rules = Vec::new();
    for (i, r) in file.rules.into_iter().enumerate() {
        let path = format!("faults.rules[{i}]");
        if !STEP_NAMES.contains(&r.step.as_str()) {
            issues.push(LabIssue {
                path: format!("{path}.step"),
                message: format!("unknown step or phase {:?}", r.step),
                help: format!(
                    "use a Forklift pipeline step or phase name: {}",
                    STEP_NAMES.join(", ")
                ),
            });
        }
        if r.vm.is_empty() {
            issues.push(LabIssue {
                path: format!("{path}.vm"),
                message: "empty VM name pattern".into(),
                help: "use a VM name or a glob such as \"mtv-win*\" or \"*\"".into(),
            });
        }
        let probability = r.probability.unwrap_or(1.0);
        if !(0.0..=1.0).contains(&probability) {
            issues.push(LabIssue {
                path: format!("{path}.probability"),
                message: format!("probability {probability} is outside [0, 1]"),
                help: "use a number between 0 and 1 (1 = always)".into(),
            });
        }
        let Some(action) = rule_action(&r, &path, issues) else {
            continue;
        };
        rules.push(FaultRule {
            vm: r.vm,
            plan: r.plan,
            step: r.step,
            action,
            probability,
        });
    }
    Faults {
        seed: file.seed,
        rules,
        failing_images: file.failing_images,
        inventory_parity: file.inventory_parity_seconds.map(Duration::from_secs),
        resume_recopies: file.resume_recopies,
        guest: file.guest,
        broken: file.broken,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*", "anything"));
        assert!(glob_match("mtv-win*", "mtv-win2019-79"));
        assert!(!glob_match("mtv-win*", "mtv-tests-rhel8"));
        assert!(glob_match("mtv-?in*-79", "mtv-win2019-79"));
        assert!(glob_match("*rhel8", "mtv-tests-rhel8"));
        assert!(!glob_match("rhel8", "mtv-tests-rhel8"));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b*c", "aXXbYY"));
    }

    fn faults(probability: f64, seed: u64) -> Faults {
        Faults {
            seed,
            rules: vec![
                FaultRule {
                    vm: "mtv-*".into(),
                    plan: None,
                    step: "DiskTransfer".into(),
                    action: FaultAction::Fail {
                        message: "disk copy failed".into(),
                    },
                    probability,
                },
                FaultRule {
                    vm: "*".into(),
                    plan: Some("slow-*".into()),
                    step: "DiskTransfer".into(),
                    action: FaultAction::Slow {
                        factor: 2.0,
                        extra: Duration::from_secs(10),
                    },
                    probability: 1.0,
                },
            ],
            failing_images: vec!["*/vddk:broken*".into()],
            inventory_parity: None,
            resume_recopies: false,
            guest: Vec::new(),
            broken: Vec::new(),
        }
    }

    #[test]
    fn failing_images_match_globs() {
        let f = faults(1.0, 0);
        assert!(f.image_fails("registry.lab/vddk:broken-8"));
        assert!(!f.image_fails("registry.lab/vddk:8.0.3"));
    }

    #[test]
    fn fail_and_slow_apply_by_vm_plan_and_step() {
        let f = faults(1.0, 0);
        assert_eq!(
            f.failure("p", "mtv-a", "DiskTransfer"),
            Some("disk copy failed")
        );
        assert_eq!(f.failure("p", "other", "DiskTransfer"), None);
        assert_eq!(f.failure("p", "mtv-a", "CreateVM"), None);
        assert_eq!(
            f.stretch("slow-1", "x", "DiskTransfer", Duration::from_secs(5)),
            Duration::from_secs(20)
        );
        assert_eq!(
            f.stretch("fast", "x", "DiskTransfer", Duration::from_secs(5)),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn probability_is_deterministic_and_roughly_right() {
        let f = faults(0.5, 42);
        let names: Vec<String> = (0..400).map(|i| format!("mtv-{i}")).collect();
        let hits: Vec<bool> = names
            .iter()
            .map(|n| f.failure("p", n, "DiskTransfer").is_some())
            .collect();
        let again: Vec<bool> = names
            .iter()
            .map(|n| f.failure("p", n, "DiskTransfer").is_some())
            .collect();
        assert_eq!(hits, again);
        let count = hits.iter().filter(|h| **h).count();
        assert!((140..260).contains(&count), "{count} of 400");
        assert!(
            faults(0.0, 42)
                .failure("p", "mtv-1", "DiskTransfer")
                .is_none()
        );
    }
}
