//! Guest faults of the lab (`faults.guest`, `--guest-fault VM=FAULT`): ways to break a migrated guest so that tests
//! prove each in-guest check can fail. Applied when the migration creates the target VM.

use serde::Deserialize;

/// What breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuestFaultKind {
    /// sshd does not run: the port-forward to port 22 is refused.
    SshdDown,
    /// The guest user's password changed: logins with the profile's password fail.
    WrongPassword,
    /// Static IP configuration is lost: the NICs fall back to DHCP.
    LoseStaticIp,
    /// Every marker file's content is altered.
    CorruptMarker,
    /// The LUKS passphrase given to the migration is wrong: the guest never boots.
    WrongLuksKey,
    /// The guest agent does not run.
    NoAgent,
    /// The guest boots with the other firmware (UEFI ↔ BIOS) and without secure boot or TPM.
    FirmwareMismatch,
    /// The guest's CPU lacks the virtualization extensions (no `vmx`/`svm` flag).
    NoCpuVirt,
}

impl GuestFaultKind {
    /// Every fault name, for messages.
    pub const NAMES: &'static str = "sshd_down, wrong_password, lose_static_ip, corrupt_marker, wrong_luks_key, no_agent, firmware_mismatch, no_cpu_virt";

    /// Parses a fault name.
    pub fn parse(s: &str) -> Option<GuestFaultKind> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
}

/// A fault for the migrated guests of VMs whose source name matches `vm` (`*`, `?` globs).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuestFault {
    /// Source VM name glob.
    pub vm: String,
    /// What breaks.
    pub fault: GuestFaultKind,
}

impl std::str::FromStr for GuestFault {
    type Err = String;

    /// `GLOB=FAULT` (`mtv-win*=lose_static_ip`), as `--guest-fault` takes it.
    fn from_str(s: &str) -> Result<Self, String> {
        let (vm, fault) = s.rsplit_once('=').ok_or_else(|| {
            format!(
                "{s:?} is not VM=FAULT (e.g. mtv-win*=lose_static_ip; faults: {})",
                GuestFaultKind::NAMES
            )
        })?;
        let fault = GuestFaultKind::parse(fault.trim()).ok_or_else(|| {
            format!(
                "unknown guest fault {fault:?}; use one of {}",
                GuestFaultKind::NAMES
            )
        })?;
        if vm.trim().is_empty() {
            return Err(format!(
                "{s:?}: the VM name glob is empty (use * for every VM)"
            ));
        }
        Ok(GuestFault {
            vm: vm.trim().to_string(),
            fault,
        })
    }
}

/// The faults of `faults` that apply to source VM `vm`.
pub fn matching(faults: &[GuestFault], vm: &str) -> Vec<GuestFaultKind> {
    faults
        .iter()
        .filter(|f| crate::lab::glob_match(&f.vm, vm))
        .map(|f| f.fault)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parse_and_match() {
        assert_eq!(
            GuestFaultKind::parse("sshd_down"),
            Some(GuestFaultKind::SshdDown)
        );
        assert_eq!(GuestFaultKind::parse("nope"), None);
        let f = vec![GuestFault {
            vm: "mtv-win*".into(),
            fault: GuestFaultKind::LoseStaticIp,
        }];
        assert_eq!(
            matching(&f, "mtv-win2019-79"),
            vec![GuestFaultKind::LoseStaticIp]
        );
        assert!(matching(&f, "mtv-tests-rhel8").is_empty());
        let parsed: GuestFault = "mtv-win*=lose_static_ip".parse().unwrap();
        assert_eq!(parsed, f[0]);
        assert!(
            "x=nope"
                .parse::<GuestFault>()
                .unwrap_err()
                .contains("lose_static_ip")
        );
        assert!("=sshd_down".parse::<GuestFault>().is_err());
    }
}
