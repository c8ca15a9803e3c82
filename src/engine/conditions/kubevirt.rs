//! KubeVirt's conditions: a VirtualMachine settled (Running or Stopped), a
//! VirtualMachineInstance running or gone.

use std::time::Instant;

use kube::api::DynamicObject;
use serde_json::Value;

use super::{Check, Condition};

/// A VirtualMachine's `printableStatus` is one of `statuses`; yields the VM. The VM
/// disappearing once seen is a failure.
#[derive(Debug, Clone)]
pub struct VmStatusIn {
    statuses: &'static [&'static str],
    seen: bool,
}

/// The VM settled: Running or Stopped.
pub fn vm_settled() -> VmStatusIn {
    VmStatusIn {
        statuses: &["Running", "Stopped"],
        seen: false,
    }
}

impl Condition for VmStatusIn {
    type Output = DynamicObject;

    fn describe(&self) -> String {
        format!("settle in {}", self.statuses.join(" or "))
    }

    fn check(&mut self, obj: Option<&DynamicObject>, _: Instant) -> Check<DynamicObject> {
        match obj {
            Some(o) if self.statuses.contains(&printable_status(o)) => Check::Done(o.clone()),
            Some(_) => {
                self.seen = true;
                Check::Pending
            }
            None if self.seen => Check::Fail("the VirtualMachine was deleted".into()),
            None => Check::Pending,
        }
    }

    fn state(&self, o: &DynamicObject) -> String {
        format!("printableStatus {}", printable_status(o))
    }
}

/// A VirtualMachineInstance is in `phase` (`None`: it does not exist).
#[derive(Debug, Clone)]
pub struct VmiPhase {
    phase: Option<&'static str>,
    verb: &'static str,
}

/// The VMI runs.
pub fn vmi_running() -> VmiPhase {
    VmiPhase {
        phase: Some("Running"),
        verb: "run",
    }
}

/// The VMI is gone (the VM stopped).
pub fn vmi_stopped() -> VmiPhase {
    VmiPhase {
        phase: None,
        verb: "stop",
    }
}

impl Condition for VmiPhase {
    type Output = ();

    fn describe(&self) -> String {
        self.verb.to_string()
    }

    fn check(&mut self, obj: Option<&DynamicObject>, _: Instant) -> Check<()> {
        let phase = obj.map(|o| o.data.pointer("/status/phase").and_then(Value::as_str));
        match (self.phase, phase) {
            (None, None) => Check::Done(()),
            (Some(want), Some(Some(p))) if p == want => Check::Done(()),
            _ => Check::Pending,
        }
    }

    fn state(&self, o: &DynamicObject) -> String {
        format!(
            "phase {}",
            o.data
                .pointer("/status/phase")
                .and_then(Value::as_str)
                .unwrap_or("")
        )
    }
}

fn printable_status(o: &DynamicObject) -> &str {
    o.data
        .pointer("/status/printableStatus")
        .and_then(Value::as_str)
        .unwrap_or("")
}
