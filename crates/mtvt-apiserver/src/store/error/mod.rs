//! API errors as kube-apiserver reports them: a `metav1.Status` with a reason, a code and
//! details (name, group, kind, causes).
//!
//! Every failure the store or the HTTP layer produces is an [`ApiError`]; the HTTP layer turns
//! it into a `Status` body with the same code. This module only builds errors; it must not
//! decide when one is due.

mod cause;
mod reason;
mod status;

pub use cause::{Cause, go_value};
pub use reason::Reason;
pub use status::success_status;

use super::kinds::ResourceKind;

/// `Status.details` of an error.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details {
    /// `details.name`
    pub name: Option<String>,
    /// `details.group`
    pub group: Option<String>,
    /// `details.kind` (the plural resource for most errors, the Kind for `Invalid`)
    pub kind: Option<String>,
    /// `details.causes`
    pub causes: Vec<Cause>,
    /// `details.retryAfterSeconds` and the `Retry-After` header.
    pub retry_after_seconds: Option<u32>,
}

/// An error of the Kubernetes API, rendered as a `metav1.Status`.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// Why it failed.
    pub reason: Reason,
    /// The HTTP code (normally `reason.code()`).
    pub code: u16,
    /// Human-readable message.
    pub message: String,
    /// `details` (boxed: errors travel in `Result`s everywhere).
    pub details: Box<Details>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({} {})",
            self.message,
            self.code,
            self.reason.as_str()
        )
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// An error with a reason and message and no details.
    pub fn new(reason: Reason, message: impl Into<String>) -> Self {
        Self {
            reason,
            code: reason.code(),
            message: message.into(),
            details: Box::default(),
        }
    }

    fn with_target(mut self, kind: &ResourceKind, name: &str) -> Self {
        self.details.name = Some(name.to_string()).filter(|n| !n.is_empty());
        self.details.group = Some(kind.group.clone()).filter(|g| !g.is_empty());
        self.details.kind = Some(kind.plural.clone());
        self
    }

    /// 400 BadRequest.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(Reason::BadRequest, message)
    }

    /// 500 InternalError: `Internal error occurred: <message>`.
    pub fn internal(message: impl std::fmt::Display) -> Self {
        let mut e = Self::new(
            Reason::InternalError,
            format!("Internal error occurred: {message}"),
        );
        e.details.causes.push(Cause::new(
            "UnexpectedServerResponse",
            "",
            message.to_string(),
        ));
        e
    }

    /// 404 for a path that names no resource the server knows.
    pub fn unknown_resource() -> Self {
        Self::new(
            Reason::NotFound,
            "the server could not find the requested resource",
        )
    }

    /// 404 `widgets.example.com "x" not found`.
    pub fn not_found(kind: &ResourceKind, name: &str) -> Self {
        Self::new(
            Reason::NotFound,
            format!("{} {name:?} not found", kind.group_resource()),
        )
        .with_target(kind, name)
    }

    /// 409 `widgets.example.com "x" already exists`.
    pub fn already_exists(kind: &ResourceKind, name: &str) -> Self {
        Self::new(
            Reason::AlreadyExists,
            format!("{} {name:?} already exists", kind.group_resource()),
        )
        .with_target(kind, name)
    }

    /// 409 Conflict: `Operation cannot be fulfilled on <gr> "x": <detail>`.
    pub fn conflict(kind: &ResourceKind, name: &str, detail: &str) -> Self {
        Self::new(
            Reason::Conflict,
            format!(
                "Operation cannot be fulfilled on {} {name:?}: {detail}",
                kind.group_resource()
            ),
        )
        .with_target(kind, name)
    }

    /// The optimistic-concurrency conflict of a stale `resourceVersion`.
    pub fn stale(kind: &ResourceKind, name: &str) -> Self {
        Self::conflict(
            kind,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    /// 422 Invalid: `<Kind>.<group> "x" is invalid: <causes>`.
    pub fn invalid(kind: &ResourceKind, name: &str, causes: Vec<Cause>) -> Self {
        let qualified = if kind.group.is_empty() {
            kind.kind.clone()
        } else {
            format!("{}.{}", kind.kind, kind.group)
        };
        let rendered: Vec<String> = causes.iter().map(Cause::render).collect();
        let list = match rendered.as_slice() {
            [one] => one.clone(),
            many => format!("[{}]", many.join(", ")),
        };
        let mut e = Self::new(
            Reason::Invalid,
            format!("{qualified} {name:?} is invalid: {list}"),
        );
        e.details.name = Some(name.to_string()).filter(|n| !n.is_empty());
        e.details.group = Some(kind.group.clone()).filter(|g| !g.is_empty());
        e.details.kind = Some(kind.kind.clone());
        e.details.causes = causes;
        e
    }

    /// 403 Forbidden: `<gr> "x" is forbidden: <detail>`.
    pub fn forbidden(kind: &ResourceKind, name: &str, detail: &str) -> Self {
        Self::new(
            Reason::Forbidden,
            format!("{} {name:?} is forbidden: {detail}", kind.group_resource()),
        )
        .with_target(kind, name)
    }

    /// 405 MethodNotAllowed.
    pub fn method_not_allowed() -> Self {
        Self::new(
            Reason::MethodNotAllowed,
            "the server does not allow this method on the requested resource",
        )
    }

    /// 410 Expired for a watch or continue token whose history was compacted.
    pub fn expired(requested: u64, oldest: u64) -> Self {
        Self::new(
            Reason::Expired,
            format!("too old resource version: {requested} ({oldest})"),
        )
    }

    /// 415 for a body or patch type the server cannot read.
    pub fn unsupported_media_type(detail: &str) -> Self {
        Self::new(Reason::UnsupportedMediaType, detail.to_string())
    }

    /// An error raised by an admission hook (`admission webhook "<name>" denied the request: ...`).
    pub fn denied_by_webhook(webhook: &str, reason: Reason, message: &str) -> Self {
        Self::new(
            reason,
            format!("admission webhook {webhook:?} denied the request: {message}"),
        )
    }

    /// The HTTP status code.
    pub fn code(&self) -> u16 {
        self.code
    }
}

#[cfg(test)]
mod tests;
