//! Options and results of writes: `fieldValidation`, `dryRun`, delete options, the targeted
//! subresource, and what a write returns. Plain data; no behaviour beyond parsing.

use std::sync::Arc;

use serde_json::Value;

use super::lifecycle::Propagation;

/// What the server does with fields the schema does not declare (`fieldValidation`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidation {
    /// Drop them silently.
    Ignore,
    /// Drop them and return a warning (the server default).
    #[default]
    Warn,
    /// Reject the request with 400.
    Strict,
}

impl FieldValidation {
    /// Parses `Ignore` / `Warn` / `Strict`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Ignore" => Some(Self::Ignore),
            "Warn" => Some(Self::Warn),
            "Strict" => Some(Self::Strict),
            _ => None,
        }
    }
}

/// Options of a create, update or patch.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// `dryRun=All`: run everything, store nothing.
    pub dry_run: bool,
    /// `fieldValidation`.
    pub field_validation: FieldValidation,
}

/// Options of a delete.
#[derive(Clone, Debug, Default)]
pub struct DeleteOptions {
    /// `propagationPolicy` (default Background).
    pub propagation: Option<Propagation>,
    /// `preconditions.uid`
    pub uid: Option<String>,
    /// `preconditions.resourceVersion`
    pub resource_version: Option<String>,
    /// `dryRun=All`
    pub dry_run: bool,
}

/// The result of a write.
#[derive(Clone, Debug)]
pub struct Written {
    /// The stored object (or what would be stored, on a dry run).
    pub object: Arc<Value>,
    /// Warnings for the `Warning` header (e.g. unknown fields).
    pub warnings: Vec<String>,
}

/// Which part of an object a write targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subresource {
    /// The object; `status` is kept from storage when the kind has a status subresource.
    Main,
    /// `/status`: only `status` changes.
    Status,
    /// `/finalize` of a namespace: only `spec.finalizers` changes.
    Finalize,
}

impl Subresource {
    /// `status` / `finalize`, as admission hooks see it.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Subresource::Main => None,
            Subresource::Status => Some("status"),
            Subresource::Finalize => Some("finalize"),
        }
    }
}
