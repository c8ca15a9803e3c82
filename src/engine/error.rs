//! The engine's error values and their classes. A class decides the scenario status and
//! the exit code: [`Class::Failure`] is the product or scenario misbehaving (a Plan that
//! never becomes Ready, a migration that never ends, an unexpected outcome); everything else
//! is [`Class::Infra`] (the API, the inventory or the source provider unreachable or
//! refusing). [`Class::Interrupted`] is Ctrl-C.
//!
//! Every message says what, where, and what was last seen; none carries a secret.

use std::time::Duration;

use crate::cluster::ClusterLost;

/// What kind of problem an error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// The system under test did not do what the scenario expects.
    Failure,
    /// The environment failed (API errors, unreachable sources, leaks).
    Infra,
    /// The user interrupted the run.
    Interrupted,
}

/// An engine error.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A Kubernetes API call failed (after retries where allowed).
    #[error("{action}: {message}")]
    Api {
        /// What was being done (`create Plan ns/p`).
        action: String,
        /// The API's answer.
        message: String,
    },
    /// A wait ran out of time.
    #[error("timed out after {}s waiting for {what} to {condition}; last seen: {last_seen}", waited.as_secs())]
    Timeout {
        /// The object.
        what: String,
        /// The condition.
        condition: String,
        /// How long.
        waited: Duration,
        /// The last state observed (conditions, pipeline step).
        last_seen: String,
        /// Whether the timeout is the product's fault (a controller condition) or the
        /// environment's.
        class: Class,
    },
    /// The source provider or the inventory failed.
    #[error("{action}: {message}")]
    Source {
        /// What was being done.
        action: String,
        /// The error.
        message: String,
    },
    /// The scenario cannot be run as written in this environment.
    #[error("{0}")]
    Setup(String),
    /// The system under test refused or failed (e.g. a Plan with blocking conditions).
    #[error("{0}")]
    Product(String),
    /// Ctrl-C.
    #[error("interrupted")]
    Interrupted,
    /// The API server stopped answering (see [`crate::cluster::health`]).
    #[error(transparent)]
    ClusterLost(#[from] ClusterLost),
}

impl EngineError {
    /// The class of this error.
    pub fn class(&self) -> Class {
        match self {
            EngineError::Api { .. }
            | EngineError::Source { .. }
            | EngineError::Setup(_)
            | EngineError::ClusterLost(_) => Class::Infra,
            EngineError::Timeout { class, .. } => *class,
            EngineError::Product(_) => Class::Failure,
            EngineError::Interrupted => Class::Interrupted,
        }
    }

    /// An API error for `action` (a lost cluster is one error of the whole run, whatever
    /// was being done).
    pub fn api(action: impl Into<String>, e: &kube::Error) -> Self {
        if let Some(lost) = ClusterLost::of(e) {
            return EngineError::ClusterLost(lost.clone());
        }
        EngineError::Api {
            action: action.into(),
            message: api_message(e),
        }
    }
}

/// A readable message for a kube error (Status reason and message, no URLs with tokens).
pub fn api_message(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) => {
            let reason = if s.reason.is_empty() {
                String::new()
            } else {
                format!(" {}", s.reason)
            };
            format!("HTTP {}{reason}: {}", s.code, s.message)
        }
        other => match ClusterLost::of(other) {
            Some(lost) => lost.to_string(),
            None => other.to_string(),
        },
    }
}

/// The HTTP status of an API error.
pub fn status_code(e: &kube::Error) -> Option<u16> {
    match e {
        kube::Error::Api(s) => Some(s.code),
        _ => None,
    }
}

/// NotFound.
pub fn is_not_found(e: &kube::Error) -> bool {
    status_code(e) == Some(404)
}

/// AlreadyExists (409 with that reason).
pub fn is_already_exists(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 409 && s.reason == "AlreadyExists")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(EngineError::Setup("x".into()).class(), Class::Infra);
        assert_eq!(EngineError::Product("x".into()).class(), Class::Failure);
        let t = EngineError::Timeout {
            what: "Plan ns/p".into(),
            condition: "become Ready".into(),
            waited: Duration::from_secs(3),
            last_seen: "Ready=False".into(),
            class: Class::Failure,
        };
        assert_eq!(
            t.to_string(),
            "timed out after 3s waiting for Plan ns/p to become Ready; last seen: Ready=False"
        );
    }
}
