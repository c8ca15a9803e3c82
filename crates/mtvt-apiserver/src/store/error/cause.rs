//! Field-level causes of `Invalid` errors (`details.causes[]`) and the Go-style rendering of
//! the values they quote.

use serde_json::Value;

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
