//! Source-side guest access: how a check prepares the source guest before a migration (a
//! data-integrity marker written in the source VM, read back in the migrated one).
//!
//! Two routes exist on real sources, chosen per VM by [`choose_route`]:
//! * **vSphere Guest Operations** (`StartProgramInGuest`, `InitiateFileTransferToGuest` /
//!   `FromGuest` through the vSphere API): needs VMware Tools running in the guest and the
//!   guest login; no network path to the guest.
//! * **SSH to the source guest's address** where the runner can reach it (the same
//!   [`crate::ssh`] client over a TCP connection instead of the port-forward tunnel).
//!
//! Neither is implemented yet: [`choose_route`] names the route a VM would take, and
//! [`SourceAccess::not_run_reason`] is what a check reports meanwhile ("not run: <reason>"),
//! so nothing passes without the guest having been touched.

/// Where the source guest can be reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceRoute {
    /// vSphere Guest Operations on this VM (managed object id).
    VsphereGuestOperations {
        /// The VM's managed object id (`vm-1001`).
        vm: String,
    },
    /// SSH to this address of the source guest.
    Ssh {
        /// IP address (port 22).
        address: String,
    },
}

/// The outcome of choosing a route for one source VM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceAccess {
    /// The guest could be reached this way, but the route is not implemented yet.
    NotImplemented(SourceRoute),
    /// The guest cannot be reached: why.
    Unreachable(String),
}

impl SourceAccess {
    /// The reason a check reports as "not run: <reason>".
    pub fn not_run_reason(&self) -> String {
        match self {
            SourceAccess::NotImplemented(SourceRoute::VsphereGuestOperations { vm }) => format!(
                "source-guest access through vSphere Guest Operations (VM {vm}) is not implemented yet"
            ),
            SourceAccess::NotImplemented(SourceRoute::Ssh { address }) => {
                format!("SSH to the source guest at {address} is not implemented yet")
            }
            SourceAccess::Unreachable(why) => why.clone(),
        }
    }
}

/// The route to a source guest: Guest Operations on vSphere VMs whose tools run, else SSH to
/// the first reported address, else unreachable.
pub fn choose_route(
    provider_type: &str,
    vm_id: &str,
    tools_running: bool,
    addresses: &[String],
) -> SourceAccess {
    if provider_type == "vsphere" && tools_running {
        return SourceAccess::NotImplemented(SourceRoute::VsphereGuestOperations {
            vm: vm_id.to_string(),
        });
    }
    match addresses.first() {
        Some(a) => SourceAccess::NotImplemented(SourceRoute::Ssh { address: a.clone() }),
        None => SourceAccess::Unreachable(format!(
            "the source guest of {vm_id} reports no address and no guest-operations channel"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = choose_route("vsphere", "vm-1001", true, &[]);
        assert!(r.not_run_reason().contains("Guest Operations"));
        let r = choose_route("ovirt", "x", true, &["10.0.0.9".into()]);
        assert_eq!(r, SourceAccess::NotImplemented(SourceRoute::Ssh { address: "10.0.0.9".into() }));
        assert!(matches!(choose_route("ova", "x", false, &[]), SourceAccess::Unreachable(_)));
    }
}
