//! API errors as kube-apiserver reports them: a `metav1.Status` with a reason, a code and
//! details (name, group, kind, causes).
//!
//! Every failure the store or the HTTP layer produces is an [`ApiError`]; the HTTP layer turns
//! it into a `Status` body with the same code. This module only builds errors; it must not
//! decide when one is due.

use serde_json::{Map, Value, json};

use super::kinds::ResourceKind;

/// The machine-readable `reason` of a `metav1.Status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// 400
    BadRequest,
    /// 401
    Unauthorized,
    /// 403
    Forbidden,
    /// 404
    NotFound,
    /// 409 on create
    AlreadyExists,
    /// 409 on a stale write
    Conflict,
    /// 410
    Gone,
    /// 410 for a too old resourceVersion
    Expired,
    /// 422
    Invalid,
    /// 405
    MethodNotAllowed,
    /// 406
    NotAcceptable,
    /// 413
    RequestEntityTooLarge,
    /// 415
    UnsupportedMediaType,
    /// 429
    TooManyRequests,
    /// 500
    InternalError,
    /// 503
    ServiceUnavailable,
    /// 504
    Timeout,
}

impl Reason {
    /// The string kube-apiserver writes in `Status.reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::BadRequest => "BadRequest",
            Reason::Unauthorized => "Unauthorized",
            Reason::Forbidden => "Forbidden",
            Reason::NotFound => "NotFound",
            Reason::AlreadyExists => "AlreadyExists",
            Reason::Conflict => "Conflict",
            Reason::Gone => "Gone",
            Reason::Expired => "Expired",
            Reason::Invalid => "Invalid",
            Reason::MethodNotAllowed => "MethodNotAllowed",
            Reason::NotAcceptable => "NotAcceptable",
            Reason::RequestEntityTooLarge => "RequestEntityTooLarge",
            Reason::UnsupportedMediaType => "UnsupportedMediaType",
            Reason::TooManyRequests => "TooManyRequests",
            Reason::InternalError => "InternalError",
            Reason::ServiceUnavailable => "ServiceUnavailable",
            Reason::Timeout => "Timeout",
        }
    }

    /// The HTTP status code that goes with the reason.
    pub fn code(self) -> u16 {
        match self {
            Reason::BadRequest => 400,
            Reason::Unauthorized => 401,
            Reason::Forbidden => 403,
            Reason::NotFound => 404,
            Reason::AlreadyExists | Reason::Conflict => 409,
            Reason::Gone | Reason::Expired => 410,
            Reason::Invalid => 422,
            Reason::MethodNotAllowed => 405,
            Reason::NotAcceptable => 406,
            Reason::RequestEntityTooLarge => 413,
            Reason::UnsupportedMediaType => 415,
            Reason::TooManyRequests => 429,
            Reason::InternalError => 500,
            Reason::ServiceUnavailable => 503,
            Reason::Timeout => 504,
        }
    }
}

/// One field-level cause of an `Invalid` error (`details.causes[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    /// `FieldValueInvalid`, `FieldValueRequired`, `FieldValueNotSupported`, ...
    pub reason: String,
    /// The message without the field path, e.g. `Required value`.
    pub message: String,
    /// The field path, e.g. `spec.warm` or `metadata.labels`.
    pub field: String,
}

impl Cause {
    /// A cause with the given reason, field path and message.
    pub fn new(reason: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            reason: reason.to_string(),
            message: message.into(),
            field: field.into(),
        }
    }

    /// `field: Invalid value: <value>: <detail>` (reason `FieldValueInvalid`).
    pub fn invalid(field: impl Into<String>, value: &Value, detail: &str) -> Self {
        Self::new(
            "FieldValueInvalid",
            field,
            format!("Invalid value: {}: {detail}", go_value(value)),
        )
    }

    /// `field: Required value[: detail]` (reason `FieldValueRequired`).
    pub fn required(field: impl Into<String>, detail: &str) -> Self {
        let message = if detail.is_empty() {
            "Required value".to_string()
        } else {
            format!("Required value: {detail}")
        };
        Self::new("FieldValueRequired", field, message)
    }

    /// `field: Forbidden: <detail>` (reason `FieldValueForbidden`).
    pub fn forbidden(field: impl Into<String>, detail: &str) -> Self {
        Self::new("FieldValueForbidden", field, format!("Forbidden: {detail}"))
    }

    /// The `field: message` form used in the Status message.
    pub fn render(&self) -> String {
        if self.field.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.field, self.message)
        }
    }
}

/// Renders a JSON value the way Go's `%#v`-ish field errors show it: strings quoted,
/// numbers and booleans bare, objects and arrays as compact JSON.
pub fn go_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

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

    /// The error as a `metav1.Status` object.
    pub fn to_status(&self) -> Value {
        let mut details = Map::new();
        if let Some(n) = &self.details.name {
            details.insert("name".into(), json!(n));
        }
        if let Some(g) = &self.details.group {
            details.insert("group".into(), json!(g));
        }
        if let Some(k) = &self.details.kind {
            details.insert("kind".into(), json!(k));
        }
        if !self.details.causes.is_empty() {
            let causes: Vec<Value> = self
                .details
                .causes
                .iter()
                .map(|c| {
                    let mut m = Map::new();
                    m.insert("reason".into(), json!(c.reason));
                    m.insert("message".into(), json!(c.message));
                    if !c.field.is_empty() {
                        m.insert("field".into(), json!(c.field));
                    }
                    Value::Object(m)
                })
                .collect();
            details.insert("causes".into(), Value::Array(causes));
        }
        if let Some(s) = self.details.retry_after_seconds {
            details.insert("retryAfterSeconds".into(), json!(s));
        }
        let mut status = Map::new();
        status.insert("kind".into(), json!("Status"));
        status.insert("apiVersion".into(), json!("v1"));
        status.insert("metadata".into(), json!({}));
        status.insert("status".into(), json!("Failure"));
        status.insert("message".into(), json!(self.message));
        status.insert("reason".into(), json!(self.reason.as_str()));
        if !details.is_empty() {
            status.insert("details".into(), Value::Object(details));
        }
        status.insert("code".into(), json!(self.code));
        Value::Object(status)
    }
}

/// A `Status` of `status: Success` (the answer to deleting an object that is gone at once).
pub fn success_status(kind: &ResourceKind, name: &str, uid: &str) -> Value {
    let mut details = Map::new();
    details.insert("name".into(), json!(name));
    if !kind.group.is_empty() {
        details.insert("group".into(), json!(kind.group));
    }
    details.insert("kind".into(), json!(kind.plural));
    if !uid.is_empty() {
        details.insert("uid".into(), json!(uid));
    }
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": Value::Object(details),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::kinds::{Kinds, ResourceKind};

    fn widgets() -> ResourceKind {
        ResourceKind::new("example.com", "v1", "Widget", "widgets")
    }

    #[test]
    fn not_found_names_group_resource() {
        let kinds = Kinds::builtin();
        let s = ApiError::not_found(&widgets(), "p1").to_status();
        assert_eq!(s["message"], "widgets.example.com \"p1\" not found");
        assert_eq!(s["reason"], "NotFound");
        assert_eq!(s["code"], 404);
        assert_eq!(s["details"]["kind"], "widgets");
        assert_eq!(s["details"]["group"], "example.com");
        let cms = kinds.find("", "configmaps").unwrap();
        let s = ApiError::not_found(&cms, "c").to_status();
        assert_eq!(s["message"], "configmaps \"c\" not found");
        assert!(s["details"].get("group").is_none());
    }

    #[test]
    fn invalid_lists_causes() {
        let plans = widgets();
        let one = ApiError::invalid(&plans, "p", vec![Cause::required("spec.vms", "")]);
        assert_eq!(
            one.message,
            "Widget.example.com \"p\" is invalid: spec.vms: Required value"
        );
        let two = ApiError::invalid(
            &plans,
            "p",
            vec![
                Cause::required("spec.a", ""),
                Cause::invalid("spec.b", &json!("x"), "bad"),
            ],
        );
        assert_eq!(
            two.message,
            "Widget.example.com \"p\" is invalid: [spec.a: Required value, spec.b: Invalid value: \"x\": bad]"
        );
        let s = two.to_status();
        assert_eq!(s["code"], 422);
        assert_eq!(s["details"]["kind"], "Widget");
        assert_eq!(s["details"]["causes"][1]["field"], "spec.b");
    }

    #[test]
    fn internal_error_is_500() {
        let s = ApiError::internal("boom").to_status();
        assert_eq!(s["reason"], "InternalError");
        assert_eq!(s["message"], "Internal error occurred: boom");
        assert_eq!(s["code"], 500);
    }
}
