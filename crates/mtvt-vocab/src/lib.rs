//! The MTV vocabulary: each kind of fact that more than one mtvt crate speaks about,
//! defined once.
//!
//! Why this crate exists: the checker, the profiles loader, the source adapters, the
//! runner and the emulator all name provider kinds, power states, disk modes, firmware,
//! disk provisioning, secrets, Kubernetes quantities, durations, Kubernetes names and
//! Forklift's target-VM names.
//! Before this crate each of them had its own enum or parser and converted between them
//! through strings, with silent fallbacks where the spellings did not meet. Here every
//! such type parses with [`std::str::FromStr`] (and serde) into an error that names the
//! valid set, and prints with [`std::fmt::Display`] as the upstream spelling.
//!
//! What it must not do: know about scenarios, diagnostics, HTTP, files or the process
//! environment, and fall back to a default when a value does not parse. Every function
//! is pure, except the random suffix Forklift gives an otherwise empty VM name
//! ([`forklift_vm_name`]). Generic Kubernetes name rules stay in `mtvt-k8s-names` (re-exported as
//! [`names`]) so a generic Kubernetes API server can use them without seeing MTV.
//!
//! ```
//! use mtvt_vocab::{Duration, DurationUnit, ProviderKind, Quantity};
//! let kind: ProviderKind = "ovirt".parse().unwrap();
//! assert_eq!(kind.display_name(), "oVirt");
//! assert!("rhv".parse::<ProviderKind>().unwrap_err().to_string().contains("vsphere, ovirt"));
//! assert_eq!("1.5Gi".parse::<Quantity>().unwrap().to_string(), "1536Mi");
//! assert_eq!(Duration::parse("5", Some(DurationUnit::Seconds)).unwrap(), Duration::secs(5));
//! assert!("5".parse::<Duration>().is_err(), "a bare number has no unit");
//! ```

mod duration;
mod name_set;
mod provider;
mod quantity;
mod secret;
mod vm;
mod vm_name;

pub use duration::{Duration, DurationError, DurationUnit};
pub use name_set::UnknownName;
pub use provider::ProviderKind;
pub use quantity::{Quantity, QuantityError};
pub use secret::Secret;
pub use vm::{DiskMode, Firmware, PowerState, Provisioning};
pub use vm_name::{
    forklift_vm_name, forklift_vm_name_with_suffix, has_ascii_alphanumeric, resolve_target_vm_name,
};

/// Kubernetes name and label rules (`k8s.io/apimachinery` validation, with its error
/// texts): a re-export of `mtvt-k8s-names`, so crates that speak MTV need one vocabulary
/// dependency. Forklift's VM-name sanitiser is MTV vocabulary and lives at this crate's
/// root ([`forklift_vm_name`], [`resolve_target_vm_name`]).
pub mod names {
    pub use mtvt_k8s_names::*;
}
