//! The emulated guest OS: what a QE engineer sees after logging in to a VM on the cluster.
//!
//! * [`model`]: the guest of one VM — OS, users, host name, NICs with their configuration,
//!   files on disks, filesystems, LUKS, firmware, sshd and agent — and how a migration and
//!   the lab's guest faults ([`faults`]) change it.
//! * [`registry`]: the guests of the cluster's VMs, built on first login from what the
//!   controllers recorded and the VMI spec, kept per VM uid.
//! * [`commands`] (Linux) and [`windows`]: a deterministic command set; anything else exits
//!   127 with a message. [`net`]: the NIC views (`ip -j addr`, `nmcli -t`, `ipconfig /all`).
//! * [`sshd`]: an SSH server (russh) over any byte stream, logging in against the model.
//! * [`portforward`]: KubeVirt's `portforward` subresource of every VMI, upgraded to a
//!   WebSocket (`plain.kubevirt.io`) that carries the SSH server, refusing as virt-api does.
//!
//! Nothing here drives a migration; the controllers never read these modules.

pub mod commands;
pub mod faults;
pub mod model;
mod net;
pub mod portforward;
pub mod registry;
pub mod sshd;
pub mod windows;

pub use faults::{GuestFault, GuestFaultKind};
pub use model::{GuestFacts, GuestModel, NicConfig};
pub use registry::GuestRegistry;
