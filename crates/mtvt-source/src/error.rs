//! Errors of the source adapters.
//!
//! Every variant says what failed, where (provider, HTTP method and URL path — never a query
//! string, header or body that could carry a credential) and, where it helps, what to do.
//! [`SourceError::Unsupported`] is not a failure of the source: the engine turns it into
//! `not run: <reason>`.

use std::time::Duration;

use mtvt_vocab::ProviderKind;

/// A source-side operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// Credentials refused.
    #[error(
        "{provider}: authentication failed at {url} (HTTP {status}): {message}; check the username and password of the provider profile"
    )]
    Auth {
        /// Provider type.
        provider: ProviderKind,
        /// Login URL (no credentials in it).
        url: String,
        /// HTTP status.
        status: u16,
        /// What the server said.
        message: String,
    },
    /// The operation cannot be done on this provider type (the engine reports it as
    /// `not run: <reason>`; nothing was changed on the source).
    #[error("{provider}: {operation} is not supported: {reason}")]
    Unsupported {
        /// Operation name (`clone_vm`, `enable_cbt`, …).
        operation: &'static str,
        /// Provider type.
        provider: ProviderKind,
        /// Why.
        reason: String,
    },
    /// An object does not exist.
    #[error("{provider}: {what} was not found{hint}")]
    NotFound {
        /// Provider type.
        provider: ProviderKind,
        /// What was looked for (`VM 'rhel8'`).
        what: String,
        /// Extra help (starts with `; ` when set).
        hint: String,
    },
    /// The source API answered with an error status.
    #[error("{provider}: {method} {path} returned HTTP {status}: {message}")]
    Api {
        /// Provider type.
        provider: ProviderKind,
        /// HTTP method.
        method: String,
        /// URL path (no query).
        path: String,
        /// HTTP status.
        status: u16,
        /// Error text from the body (protocol-specific fields), or the body's start.
        message: String,
    },
    /// The request did not get an answer.
    #[error(
        "{provider}: cannot reach {url}: {message} (check the profile's api_url/fqdn, the network and the TLS settings)"
    )]
    Transport {
        /// Provider type.
        provider: ProviderKind,
        /// Scheme, host and path (no query).
        url: String,
        /// The transport error chain.
        message: String,
    },
    /// The answer did not have the expected shape.
    #[error("{provider}: unexpected response from {path}: {message}")]
    Protocol {
        /// Provider type.
        provider: ProviderKind,
        /// URL path.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// An asynchronous source task failed (vSphere task, OpenStack server in ERROR, …).
    #[error("{provider}: {operation} of '{vm}' failed: {message}")]
    TaskFailed {
        /// Provider type.
        provider: ProviderKind,
        /// Operation.
        operation: &'static str,
        /// VM name or id.
        vm: String,
        /// The source's message.
        message: String,
    },
    /// A bounded wait ended without the condition (HTTP APIs: backoff polling; KubeVirt: a
    /// watch).
    #[error(
        "{provider}: timed out after {waited:?} waiting for {condition} of '{vm}'; last state seen: {last_state}"
    )]
    Timeout {
        /// Provider type.
        provider: ProviderKind,
        /// VM name or id (or other object).
        vm: String,
        /// The condition waited for.
        condition: String,
        /// How long it waited.
        waited: Duration,
        /// The last state observed.
        last_state: String,
    },
    /// The request itself is invalid (bad clone name, unknown datastore, …).
    #[error("{provider}: invalid request: {message}")]
    InvalidRequest {
        /// Provider type.
        provider: ProviderKind,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The profile cannot be used to reach the provider.
    #[error("{provider}: unusable provider profile: {message}")]
    Config {
        /// Provider type.
        provider: ProviderKind,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// An operation was called before `connect()`.
    #[error("{provider}: not connected; call connect() first")]
    NotConnected {
        /// Provider type.
        provider: ProviderKind,
    },
    /// A Kubernetes API call of the OpenShift source failed.
    #[error("openshift: {operation}: {source}")]
    Kube {
        /// What was being done (`get VirtualMachine src-vms/rhel8`).
        operation: String,
        /// kube's error (the API Status or transport failure).
        #[source]
        source: kube::Error,
    },
}

impl SourceError {
    /// True for [`SourceError::Unsupported`].
    pub fn is_unsupported(&self) -> bool {
        matches!(self, SourceError::Unsupported { .. })
    }

    /// True for [`SourceError::NotFound`], a 404 [`SourceError::Api`] or a Kubernetes NotFound.
    pub fn is_not_found(&self) -> bool {
        match self {
            SourceError::NotFound { .. } => true,
            SourceError::Api { status, .. } => *status == 404,
            SourceError::Kube {
                source: kube::Error::Api(s),
                ..
            } => s.code == 404,
            _ => false,
        }
    }

    /// A [`SourceError::NotFound`] without hint.
    pub(crate) fn not_found(provider: ProviderKind, what: impl Into<String>) -> Self {
        SourceError::NotFound {
            provider,
            what: what.into(),
            hint: String::new(),
        }
    }

    /// A [`SourceError::Unsupported`].
    pub(crate) fn unsupported(
        provider: ProviderKind,
        operation: &'static str,
        reason: impl Into<String>,
    ) -> Self {
        SourceError::Unsupported {
            operation,
            provider,
            reason: reason.into(),
        }
    }
}

/// Renders an error and its `source()` chain on one line (`a: b: c`).
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_and_where() {
        let e = SourceError::Api {
            provider: ProviderKind::Vsphere,
            method: "POST".into(),
            path: "/api/vcenter/vm/vm-1/power".into(),
            status: 400,
            message: "ALREADY_IN_DESIRED_STATE".into(),
        };
        assert_eq!(
            e.to_string(),
            "vsphere: POST /api/vcenter/vm/vm-1/power returned HTTP 400: ALREADY_IN_DESIRED_STATE"
        );
        let u = SourceError::unsupported(ProviderKind::Ova, "clone_vm", "no source API");
        assert!(u.is_unsupported());
        assert_eq!(
            u.to_string(),
            "ova: clone_vm is not supported: no source API"
        );
        assert!(SourceError::not_found(ProviderKind::Ovirt, "VM 'x'").is_not_found());
        assert!(!e.is_not_found());
    }
}
