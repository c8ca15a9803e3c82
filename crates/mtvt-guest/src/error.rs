//! What can go wrong on the way into a guest, each failure saying what failed, on which VMI,
//! and what to do. No variant carries a password: details come from the API server, the SSH
//! layer or the guest, and the session scrubs the password out of them anyway
//! ([`GuestError::scrub`]).

use std::time::Duration;

use crate::portforward::VmiRef;

/// A guest-session failure.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GuestError {
    /// The VMI does not exist (the VM is stopped or was never started).
    #[error(
        "no VirtualMachineInstance {vmi}: the VM is not running (start it, or check the VM's run strategy)"
    )]
    VmiNotFound {
        /// The VMI.
        vmi: VmiRef,
    },
    /// The VMI exists but cannot be reached yet (not Running, paused, no interface).
    #[error("VirtualMachineInstance {vmi} is not ready for port-forward: {detail}")]
    VmiNotRunning {
        /// The VMI.
        vmi: VmiRef,
        /// The API server's message.
        detail: String,
    },
    /// The cluster refused the request (authentication or RBAC).
    #[error(
        "port-forward to {vmi} is forbidden: {detail} (the identity needs `get` on `virtualmachineinstances/portforward` in API group subresources.kubevirt.io)"
    )]
    Forbidden {
        /// The VMI.
        vmi: VmiRef,
        /// The API server's message.
        detail: String,
    },
    /// KubeVirt could not connect to the guest's port (nothing listens, the guest is still
    /// booting, a network policy drops virt-api's traffic).
    #[error(
        "port-forward to {vmi} port {port} refused: {detail} (is sshd running in the guest, and may virt-api reach the VM's pod?)"
    )]
    PortForwardRefused {
        /// The VMI.
        vmi: VmiRef,
        /// The guest port.
        port: u16,
        /// What KubeVirt or the API server said.
        detail: String,
    },
    /// The connection to the API server or the WebSocket failed.
    #[error("port-forward connection to {vmi} failed: {detail}")]
    Transport {
        /// The VMI.
        vmi: VmiRef,
        /// What failed.
        detail: String,
    },
    /// The SSH handshake or protocol failed (not an authentication failure).
    #[error("SSH to {vmi} failed: {detail}")]
    Ssh {
        /// The VMI.
        vmi: VmiRef,
        /// What failed.
        detail: String,
    },
    /// The guest rejected the login.
    #[error(
        "SSH login to {vmi} as `{user}` was rejected (wrong user or password: check the provider profile's guest_vm_linux_*/guest_vm_win_* keys)"
    )]
    AuthFailed {
        /// The VMI.
        vmi: VmiRef,
        /// The user name.
        user: String,
    },
    /// The deadline passed; `last` is the last attempt's failure.
    #[error("no SSH session to {vmi} within {}s; last attempt: {last}", waited.as_secs())]
    Timeout {
        /// The VMI.
        vmi: VmiRef,
        /// How long the attempts took.
        waited: Duration,
        /// The last attempt's failure.
        last: Box<GuestError>,
    },
    /// A command could not be run over an open session.
    #[error("running `{command}` in {vmi} failed: {detail}")]
    Command {
        /// The VMI.
        vmi: VmiRef,
        /// The command line.
        command: String,
        /// What failed.
        detail: String,
    },
    /// A file could not be read or written in the guest.
    #[error("{action} {path} in {vmi} failed (exit {exit}): {detail}")]
    File {
        /// The VMI.
        vmi: VmiRef,
        /// `reading` or `writing`.
        action: &'static str,
        /// The guest path.
        path: String,
        /// The command's exit status.
        exit: i64,
        /// Its standard error.
        detail: String,
    },
}

impl GuestError {
    /// Whether another attempt may succeed (the guest may still be booting, the VMI
    /// starting, the network settling). Rejected logins and RBAC refusals are final.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            GuestError::VmiNotFound { .. }
                | GuestError::VmiNotRunning { .. }
                | GuestError::PortForwardRefused { .. }
                | GuestError::Transport { .. }
                | GuestError::Ssh { .. }
        )
    }

    /// A short name of the failure kind (`vmi_not_found`, `auth_failed`, …) for reports.
    pub fn kind(&self) -> &'static str {
        match self {
            GuestError::VmiNotFound { .. } => "vmi_not_found",
            GuestError::VmiNotRunning { .. } => "vmi_not_running",
            GuestError::Forbidden { .. } => "forbidden",
            GuestError::PortForwardRefused { .. } => "port_forward_refused",
            GuestError::Transport { .. } => "transport",
            GuestError::Ssh { .. } => "ssh",
            GuestError::AuthFailed { .. } => "auth_failed",
            GuestError::Timeout { last, .. } => last.kind(),
            GuestError::Command { .. } => "command",
            GuestError::File { .. } => "file",
        }
    }

    /// This error with every occurrence of `secret` in its free-text details replaced by
    /// `<redacted>` (a guest or a server could echo what it was sent).
    pub fn scrub(self, secret: &str) -> GuestError {
        if secret.is_empty() {
            return self;
        }
        let s = |d: String| d.replace(secret, "<redacted>");
        match self {
            GuestError::VmiNotRunning { vmi, detail } => GuestError::VmiNotRunning {
                vmi,
                detail: s(detail),
            },
            GuestError::Forbidden { vmi, detail } => GuestError::Forbidden {
                vmi,
                detail: s(detail),
            },
            GuestError::PortForwardRefused { vmi, port, detail } => {
                GuestError::PortForwardRefused {
                    vmi,
                    port,
                    detail: s(detail),
                }
            }
            GuestError::Transport { vmi, detail } => GuestError::Transport {
                vmi,
                detail: s(detail),
            },
            GuestError::Ssh { vmi, detail } => GuestError::Ssh {
                vmi,
                detail: s(detail),
            },
            GuestError::Timeout { vmi, waited, last } => GuestError::Timeout {
                vmi,
                waited,
                last: Box::new(last.scrub(secret)),
            },
            GuestError::Command {
                vmi,
                command,
                detail,
            } => GuestError::Command {
                vmi,
                command: s(command),
                detail: s(detail),
            },
            GuestError::File {
                vmi,
                action,
                path,
                exit,
                detail,
            } => GuestError::File {
                vmi,
                action,
                path,
                exit,
                detail: s(detail),
            },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbed_and_classified() {
        let vmi = VmiRef::new("ns", "vm");
        let e = GuestError::Timeout {
            vmi: vmi.clone(),
            waited: Duration::from_secs(300),
            last: Box::new(GuestError::Ssh {
                vmi,
                detail: "server said s3cret".into(),
            }),
        }
        .scrub("s3cret");
        let text = e.to_string();
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.contains("300s") && text.contains("ns/vm"), "{text}");
        assert_eq!(e.kind(), "ssh");
        assert!(!e.is_retryable());
    }
}
