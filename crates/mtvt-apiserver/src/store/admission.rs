//! Admission hooks: per-resource callbacks that see every create and update before it is
//! stored, like kube's mutating and validating admission webhooks. Whoever builds the server
//! plugs its webhooks in here (from a start hook).
//!
//! Mutating hooks run first (in registration order) and may change the object; then the
//! object is defaulted and validated; then validating hooks run and may only accept or
//! reject. A hook rejects by returning an [`ApiError`] (e.g.
//! `ApiError::denied_by_webhook("validate-widget", Reason::BadRequest, "...")`). Hooks run
//! outside the store lock, so they may read the store; they must not write to it (a write from
//! a hook would race the write being admitted). Hooks apply to HTTP and in-process writes
//! alike; garbage-collector deletions and status writes by finalizer processing skip them.

use std::sync::{Arc, RwLock};

use serde_json::Value;

use super::error::ApiError;
use super::kinds::ResourceKind;

/// The kind of write being admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// POST
    Create,
    /// PUT or PATCH
    Update,
}

/// What a hook is told about the write.
#[derive(Debug)]
pub struct AdmissionRequest<'a> {
    /// Create or update.
    pub operation: Operation,
    /// The kind being written.
    pub kind: &'a ResourceKind,
    /// Namespace (`""` for cluster-scoped kinds).
    pub namespace: &'a str,
    /// Object name (after generateName).
    pub name: &'a str,
    /// `Some("status")` for a status write.
    pub subresource: Option<&'a str>,
    /// The stored object (updates only).
    pub old: Option<&'a Value>,
    /// Whether this is a dry run (`dryRun=All`): hooks must not have side effects then.
    pub dry_run: bool,
}

/// A mutating hook: may change `obj` or reject.
pub type MutatingHook =
    Arc<dyn Fn(&AdmissionRequest<'_>, &mut Value) -> Result<(), ApiError> + Send + Sync>;

/// A validating hook: accepts (`Ok`) or rejects.
pub type ValidatingHook =
    Arc<dyn Fn(&AdmissionRequest<'_>, &Value) -> Result<(), ApiError> + Send + Sync>;

#[derive(Default)]
struct Hooks {
    mutating: Vec<(String, MutatingHook)>,
    validating: Vec<(String, ValidatingHook)>,
}

/// The hook registry (shared by all clones of a store).
#[derive(Clone, Default)]
pub struct Admission {
    hooks: Arc<RwLock<Hooks>>,
}

impl std::fmt::Debug for Admission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let h = self
            .hooks
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f.debug_struct("Admission")
            .field("mutating", &h.mutating.len())
            .field("validating", &h.validating.len())
            .finish()
    }
}

impl Admission {
    /// Registers a mutating hook for the resource `group_resource` (e.g.
    /// `widgets.example.com`, or `configmaps` for core).
    pub fn add_mutating(&self, group_resource: &str, hook: MutatingHook) {
        let mut h = self
            .hooks
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        h.mutating.push((group_resource.to_string(), hook));
    }

    /// Registers a validating hook for `group_resource`.
    pub fn add_validating(&self, group_resource: &str, hook: ValidatingHook) {
        let mut h = self
            .hooks
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        h.validating.push((group_resource.to_string(), hook));
    }

    fn matching<T: Clone>(list: &[(String, T)], gr: &str) -> Vec<T> {
        list.iter()
            .filter(|(g, _)| g == gr)
            .map(|(_, h)| h.clone())
            .collect()
    }

    /// Runs the mutating hooks of the request's resource.
    pub fn mutate(&self, req: &AdmissionRequest<'_>, obj: &mut Value) -> Result<(), ApiError> {
        let hooks = {
            let h = self
                .hooks
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Self::matching(&h.mutating, &req.kind.group_resource())
        };
        for hook in hooks {
            hook(req, obj)?;
        }
        Ok(())
    }

    /// Runs the validating hooks of the request's resource.
    pub fn validate(&self, req: &AdmissionRequest<'_>, obj: &Value) -> Result<(), ApiError> {
        let hooks = {
            let h = self
                .hooks
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Self::matching(&h.validating, &req.kind.group_resource())
        };
        for hook in hooks {
            hook(req, obj)?;
        }
        Ok(())
    }
}
