//! How long things take in virtual time: fixed phase durations, disk copy time from size and
//! a documented throughput, and fault stretching/failures from the lab's `faults` section.
//! The numbers are plausible for MTV on a fast lab; they only need to be consistent.

use std::time::Duration;

use crate::lab::Faults;

/// Virtual throughput of a CDI / virt-v2v disk copy: 200 MiB/s.
pub const COPY_BYTES_PER_SEC: u64 = 200 << 20;
/// Virtual throughput of an XCOPY offloaded copy (array-side): 2 GiB/s.
pub const XCOPY_BYTES_PER_SEC: u64 = 2 << 30;
/// A warm precopy after the first one moves this fraction of the disk.
pub const DELTA_FRACTION: f64 = 0.05;

/// Base duration of a phase (disk copies are computed from sizes instead).
pub fn phase_duration(phase: &str, windows: bool) -> Duration {
    let s = match phase {
        "Started" => 1,
        "StorePowerState" => 1,
        "PowerOffSource" => 2,
        "WaitForPowerOff" => 3,
        "CreateDataVolumes" => 2,
        "CreateGuestConversionPod" => 5,
        "ConvertGuest" => {
            if windows {
                180
            } else {
                60
            }
        }
        "ConvertOpenstackSnapshot" => 20,
        "CreateVM" => 2,
        "WaitForGuestReboots" => 60,
        "PreflightInspection" => 30,
        "CreateInitialSnapshot" | "CreateSnapshot" | "CreateFinalSnapshot" => 2,
        "WaitForInitialSnapshot" | "WaitForSnapshot" | "WaitForFinalSnapshot" => 2,
        "WaitForFinalSnapshotRemoval" => 2,
        _ => 1,
    };
    Duration::from_secs(s)
}

/// Time to copy `bytes` at `rate` bytes per second.
pub fn copy_duration(bytes: u64, rate: u64) -> Duration {
    Duration::from_secs_f64(bytes as f64 / rate.max(1) as f64)
}

/// `d` stretched by the slow rules for the phase and its step.
pub fn stretched(
    faults: &Faults,
    plan: &str,
    vm: &str,
    phase: &str,
    step: Option<&str>,
    d: Duration,
) -> Duration {
    let d = faults.stretch(plan, vm, phase, d);
    match step {
        Some(s) => faults.stretch(plan, vm, s, d),
        None => d,
    }
}

/// The injected failure of the phase or its step, if any.
pub fn failure(
    faults: &Faults,
    plan: &str,
    vm: &str,
    phase: &str,
    step: Option<&str>,
) -> Option<String> {
    faults
        .failure(plan, vm, phase)
        .or_else(|| step.and_then(|s| faults.failure(plan, vm, s)))
        .map(str::to_string)
}

/// The source outage an `outage` rule of the phase or its step causes (`Some(None)`: until
/// the emulator stops).
pub fn outage(
    faults: &Faults,
    plan: &str,
    vm: &str,
    phase: &str,
    step: Option<&str>,
) -> Option<Option<Duration>> {
    faults
        .outage(plan, vm, phase)
        .or_else(|| step.and_then(|s| faults.outage(plan, vm, s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_time_from_size() {
        assert_eq!(
            copy_duration(200 << 20, COPY_BYTES_PER_SEC),
            Duration::from_secs(1)
        );
        assert!(copy_duration(30 << 30, COPY_BYTES_PER_SEC) > Duration::from_secs(150));
        assert!(phase_duration("ConvertGuest", true) > phase_duration("ConvertGuest", false));
    }
}
