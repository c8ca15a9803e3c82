//! Errors of the Forklift inventory client. Messages name the URL path (never the bearer
//! token), the HTTP status and Forklift's `X-Reason` header, and say what to check.

use std::time::Duration;

use mtvt_vocab::ProviderKind;

/// An inventory request or wait failed.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    /// The inventory answered with an error status.
    #[error("inventory: {method} {path} returned HTTP {status}{}: {message}",
            reason.as_ref().map(|r| format!(" (X-Reason: {r})")).unwrap_or_default())]
    Http {
        /// HTTP method.
        method: String,
        /// URL path (no query).
        path: String,
        /// HTTP status.
        status: u16,
        /// Forklift's `X-Reason` header (`ProviderNotFound`), if any.
        reason: Option<String>,
        /// The body's start, or a hint for well-known statuses.
        message: String,
    },
    /// No answer.
    #[error(
        "inventory: cannot reach {url}: {message} (check the forklift-inventory Route and TLS settings)"
    )]
    Transport {
        /// Scheme, host and path.
        url: String,
        /// The transport error chain.
        message: String,
    },
    /// An answer of the wrong shape.
    #[error("inventory: unexpected response from {path}: {message}")]
    Protocol {
        /// URL path.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// No Provider of that type and name is in the inventory.
    #[error("inventory: no {kind} provider named '{name}'{}; providers of that type: {}",
            namespace.as_ref().map(|n| format!(" in namespace {n}")).unwrap_or_default(),
            if available.is_empty() { "none".to_string() } else { available.join(", ") })]
    ProviderNotFound {
        /// Provider type.
        kind: ProviderKind,
        /// Provider CR name.
        name: String,
        /// Namespace filter, if any.
        namespace: Option<String>,
        /// Names of the providers of that type.
        available: Vec<String>,
    },
    /// No VM of that name in the provider's inventory.
    #[error("inventory: provider {provider} has no VM named '{name}'{hint}")]
    VmNotFound {
        /// `<type>/<name>` of the provider.
        provider: String,
        /// VM name.
        name: String,
        /// Extra help (starts with `; `).
        hint: String,
    },
    /// A bounded wait (backoff polling: the inventory has no watch here) ended.
    #[error(
        "inventory: timed out after {waited:?} waiting for {condition}; last state seen: {last_state}"
    )]
    Timeout {
        /// What was waited for.
        condition: String,
        /// How long.
        waited: Duration,
        /// The last state observed.
        last_state: String,
    },
    /// The inventory kept answering 206: the provider's collector never reached parity.
    #[error(
        "inventory: GET {path} kept answering HTTP 206 for {waited:?}: the provider's inventory collector has not finished loading (check the Provider's conditions and the forklift-inventory pod's log)"
    )]
    NotInParity {
        /// URL path.
        path: String,
        /// How long requests were retried.
        waited: Duration,
    },
    /// The inventory URL could not be discovered from the Route.
    #[error(
        "inventory: cannot find the forklift-inventory Route in namespace {namespace}: {message}"
    )]
    Route {
        /// MTV namespace.
        namespace: String,
        /// What went wrong and what to do.
        message: String,
    },
    /// Bad client configuration (URL, CA bundle).
    #[error("inventory: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
}

impl InventoryError {
    /// True when the object (VM, provider) does not exist.
    pub fn is_not_found(&self) -> bool {
        match self {
            InventoryError::VmNotFound { .. } | InventoryError::ProviderNotFound { .. } => true,
            InventoryError::Http { status, .. } => *status == 404,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_errors_name_path_status_and_reason() {
        let e = InventoryError::Http {
            method: "GET".into(),
            path: "/providers/vsphere/u1/vms".into(),
            status: 404,
            reason: Some("ProviderNotFound".into()),
            message: "(empty body)".into(),
        };
        assert_eq!(
            e.to_string(),
            "inventory: GET /providers/vsphere/u1/vms returned HTTP 404 (X-Reason: ProviderNotFound): (empty body)"
        );
        assert!(e.is_not_found());
        let p = InventoryError::ProviderNotFound {
            kind: ProviderKind::Ovirt,
            name: "x".into(),
            namespace: None,
            available: vec![],
        };
        assert_eq!(
            p.to_string(),
            "inventory: no ovirt provider named 'x'; providers of that type: none"
        );
    }
}
