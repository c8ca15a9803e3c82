//! Facts about a VM that the source platforms, the scenario language and the emulator
//! share: power state, firmware, disk mode and disk provisioning, spelled as the
//! scenario language writes them (and as vSphere's `diskMode` for disk modes).
//!
//! Exists so a VM read from a source and a VM described in a scenario compare without
//! string conversions. Must not hold platform protocol details beyond the vSphere
//! backing flags of [`Provisioning`], which define what the names mean.

use crate::name_set::closed_set;

closed_set! {
    /// Power state of a VM.
    pub enum PowerState as "power state" {
        /// Running.
        On = "on",
        /// Stopped (or suspended).
        Off = "off",
    }
}

closed_set! {
    /// VM firmware.
    pub enum Firmware as "firmware type" {
        /// Legacy BIOS.
        Bios = "bios",
        /// UEFI.
        Efi = "efi",
    }
}

closed_set! {
    /// VMware disk mode (vSphere `diskMode`).
    pub enum DiskMode as "disk mode" {
        /// Included in snapshots.
        Persistent = "persistent",
        /// Excluded from snapshots, changes kept.
        IndependentPersistent = "independent_persistent",
        /// Excluded from snapshots, changes discarded at power off.
        IndependentNonpersistent = "independent_nonpersistent",
    }
}

closed_set! {
    /// Disk provisioning (the pytest suite's `disk_type` / `provision_type`).
    pub enum Provisioning as "disk provisioning" {
        /// Thin (sparse).
        Thin = "thin",
        /// Thick, lazily zeroed (flat).
        ThickLazy = "thick-lazy",
        /// Thick, eagerly zeroed.
        ThickEager = "thick-eager",
    }
}

impl Provisioning {
    /// vSphere backing flags `(thinProvisioned, eagerlyScrub)`.
    pub const fn vsphere_flags(self) -> (bool, bool) {
        match self {
            Provisioning::Thin => (true, false),
            Provisioning::ThickLazy => (false, false),
            Provisioning::ThickEager => (false, true),
        }
    }

    /// From vSphere backing flags (`thinProvisioned` wins, then `eagerlyScrub`).
    pub const fn from_vsphere_flags(thin: bool, eagerly_scrub: bool) -> Self {
        match (thin, eagerly_scrub) {
            (true, _) => Provisioning::Thin,
            (false, true) => Provisioning::ThickEager,
            (false, false) => Provisioning::ThickLazy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn round_trips<T>(all: &[T], names: &[&str], expect: &[&str])
    where
        T: Copy + PartialEq + std::fmt::Debug + std::fmt::Display + FromStr + serde::Serialize,
        T: serde::de::DeserializeOwned,
        <T as FromStr>::Err: std::fmt::Debug,
    {
        assert_eq!(names, expect);
        for (v, name) in all.iter().zip(names) {
            assert_eq!(v.to_string(), *name);
            assert_eq!(name.parse::<T>().unwrap(), *v);
            assert_eq!(serde_json::to_value(v).unwrap(), *name);
            assert_eq!(serde_json::from_value::<T>((*name).into()).unwrap(), *v);
        }
    }

    #[test]
    fn spellings() {
        round_trips(PowerState::ALL, PowerState::NAMES, &["on", "off"]);
        round_trips(Firmware::ALL, Firmware::NAMES, &["bios", "efi"]);
        round_trips(
            DiskMode::ALL,
            DiskMode::NAMES,
            &[
                "persistent",
                "independent_persistent",
                "independent_nonpersistent",
            ],
        );
        round_trips(
            Provisioning::ALL,
            Provisioning::NAMES,
            &["thin", "thick-lazy", "thick-eager"],
        );
    }

    #[test]
    fn errors_name_the_set() {
        let cases = [
            (
                "On".parse::<PowerState>().unwrap_err().to_string(),
                "`On` is not a power state (use one of: on, off)",
            ),
            (
                "uefi".parse::<Firmware>().unwrap_err().to_string(),
                "`uefi` is not a firmware type (use one of: bios, efi)",
            ),
            (
                "independent-persistent"
                    .parse::<DiskMode>()
                    .unwrap_err()
                    .to_string(),
                "`independent-persistent` is not a disk mode (use one of: persistent, independent_persistent, independent_nonpersistent)",
            ),
            (
                "thick_lazy"
                    .parse::<Provisioning>()
                    .unwrap_err()
                    .to_string(),
                "`thick_lazy` is not a disk provisioning (use one of: thin, thick-lazy, thick-eager)",
            ),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn defaults_are_the_first_values() {
        assert_eq!(PowerState::default(), PowerState::On);
        assert_eq!(Firmware::default(), Firmware::Bios);
        assert_eq!(DiskMode::default(), DiskMode::Persistent);
        assert_eq!(Provisioning::default(), Provisioning::Thin);
    }

    #[test]
    fn vsphere_flags_round_trip() {
        for p in Provisioning::ALL {
            let (thin, eager) = p.vsphere_flags();
            assert_eq!(Provisioning::from_vsphere_flags(thin, eager), *p);
        }
        assert_eq!(
            Provisioning::from_vsphere_flags(true, true),
            Provisioning::Thin,
            "thinProvisioned wins"
        );
    }
}
