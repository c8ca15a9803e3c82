//! The Hyper-V "adapter": a Hyper-V host is managed over WinRM with the PowerShell
//! Remoting Protocol (the pytest suite's `libs/providers/hyperv.py` clones with
//! Export-VM/Import-VM, powers with Start-VM/Stop-VM, reads NICs from the KVP exchange),
//! which mtvt does not speak yet. Connecting succeeds (nothing is logged in to); every VM
//! operation is [`SourceError::Unsupported`] with the reason, so the engine migrates the
//! named VM itself (no clone) and reads its facts from the Forklift inventory, as for OVA.

use mtvt_vocab::ProviderKind;

use crate::error::SourceError;

/// The reason given for every Hyper-V operation.
pub const NO_CLIENT: &str = "mtvt has no WinRM/PowerShell-remoting client for Hyper-V hosts yet; Hyper-V VMs are migrated as they are (not cloned) and read from the Forklift inventory";

/// A Hyper-V host (its address, for messages only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HypervSource {
    /// The host (`hyperv-01.example.com`).
    pub host: String,
}

impl HypervSource {
    /// The [`SourceError::Unsupported`] for `operation`.
    pub fn unsupported(&self, operation: &'static str) -> SourceError {
        SourceError::unsupported(ProviderKind::Hyperv, operation, NO_CLIENT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_says_why() {
        let h = HypervSource { host: "h".into() };
        let e = h.unsupported("clone_vm");
        assert!(e.is_unsupported());
        assert!(e.to_string().contains("WinRM"), "{e}");
    }
}
