//! The OVA "adapter": OVA sources are `.ova` files on an NFS share that Forklift reads
//! itself; there is no API to call. Connecting succeeds (nothing to log in to); every VM
//! operation is [`SourceError::Unsupported`] with the reason, so the engine reports the
//! step as not run. Facts about OVA VMs come from the Forklift inventory.

use mtvt_vocab::ProviderKind;

use crate::error::SourceError;

/// The reason given for every OVA operation.
pub const NO_API: &str = "OVA sources are files on an NFS share with no management API (Forklift reads the share); read OVA VMs from the Forklift inventory instead";

/// An OVA source (the NFS share URL, for messages only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OvaSource {
    /// The share (`nfs.example.com:/exports/ova`).
    pub share: String,
}

impl OvaSource {
    /// The [`SourceError::Unsupported`] for `operation`.
    pub fn unsupported(&self, operation: &'static str) -> SourceError {
        SourceError::unsupported(ProviderKind::Ova, operation, NO_API)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_says_why() {
        let ova = OvaSource {
            share: "nfs:/x".into(),
        };
        let e = ova.unsupported("clone_vm");
        assert!(e.is_unsupported());
        assert!(e.to_string().contains("no management API"), "{e}");
    }
}
