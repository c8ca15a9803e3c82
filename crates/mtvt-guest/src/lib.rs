//! Guest sessions: log in to a running KubeVirt VMI and run commands in it, the same way on
//! every cluster.
//!
//! The path is the one `virtctl port-forward` takes: a WebSocket through the Kubernetes API
//! server to KubeVirt's `portforward` subresource of the VMI (subprotocol
//! `plain.kubevirt.io`, raw TCP bytes in binary messages; [`portforward`]), carrying an SSH
//! session (russh; [`ssh`]). Authentication, TLS and proxies are those of the caller's
//! `kube::Client`; no `virtctl` or `ssh` binary is needed.
//!
//! The engine opens a [`GuestSession`] with [`GuestSession::open`] (retrying until a
//! deadline, as the pytest suite retries SSH for 300 s) and runs commands
//! ([`GuestSession::run`]), reads and writes files ([`GuestSession::read_file`],
//! [`GuestSession::write_file`]). Errors ([`GuestError`]) say what failed — the VMI is not
//! running, the port-forward was refused, the login was rejected, the deadline passed — and
//! never carry a password.
//!
//! This crate knows nothing of the language, the engine or the emulator.

pub mod credentials;
pub mod error;
pub mod esxi;
pub mod portforward;
pub mod session;
pub mod ssh;
mod wsbytes;

pub use credentials::{Credentials, GuestFamily};
pub use error::GuestError;
pub use portforward::VmiRef;
pub use session::{CommandOutput, GuestSession, OpenOptions};
