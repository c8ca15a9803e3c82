//! Update and patch: what each proposes from the current object (the body of a PUT, or the
//! current object patched), run through the shared write loop of [`super::write`].

use std::sync::Arc;

use serde_json::{Value, json};

use super::error::{ApiError, Cause};
use super::options::{Subresource, WriteOptions, Written};
use super::patch::{PatchType, apply_patch};
use super::prepare::{Proposal, check_types};
use super::{ResourceRef, Store, object};

impl Store {
    /// Replaces an object (PUT). A non-empty `metadata.resourceVersion` in `obj` is a
    /// precondition (409 Conflict when stale); `status` is kept when the kind has a status
    /// subresource.
    pub fn update(
        &self,
        r: &impl ResourceRef,
        namespace: &str,
        obj: Value,
    ) -> Result<Arc<Value>, ApiError> {
        let name = object::name(&obj).to_string();
        Ok(self
            .update_with(
                r,
                namespace,
                &name,
                obj,
                Subresource::Main,
                &WriteOptions::default(),
            )?
            .object)
    }

    /// Replaces only `status` (PUT `/status`), with the same resourceVersion precondition.
    pub fn update_status(
        &self,
        r: &impl ResourceRef,
        namespace: &str,
        obj: Value,
    ) -> Result<Arc<Value>, ApiError> {
        let name = object::name(&obj).to_string();
        Ok(self
            .update_with(
                r,
                namespace,
                &name,
                obj,
                Subresource::Status,
                &WriteOptions::default(),
            )?
            .object)
    }

    /// PUT with options, to the object or a subresource.
    pub fn update_with(
        &self,
        r: &impl ResourceRef,
        namespace: &str,
        name: &str,
        mut obj: Value,
        sub: Subresource,
        opts: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let kind = self.kind(r)?;
        if sub == Subresource::Status && !kind.status_subresource {
            return Err(ApiError::unknown_resource());
        }
        check_types(&kind, &mut obj)?;
        let ns = if kind.namespaced { namespace } else { "" };
        let body_name = object::name(&obj);
        if !body_name.is_empty() && body_name != name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({body_name}) does not match the name on the URL ({name})"
            )));
        }
        let body_ns = object::namespace(&obj);
        if kind.namespaced && !body_ns.is_empty() && body_ns != ns {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        let rv = object::resource_version(&obj).to_string();
        if rv.is_empty() && sub == Subresource::Main && !kind.unconditional_update {
            return Err(ApiError::invalid(
                &kind,
                name,
                vec![Cause::invalid(
                    "metadata.resourceVersion",
                    &json!("0x0"),
                    "must be specified for an update",
                )],
            ));
        }
        let precondition = Some(rv).filter(|r| !r.is_empty());
        self.write_existing(&kind, ns, name, sub, opts, |_| {
            Ok(Proposal {
                obj: obj.clone(),
                precondition: precondition.clone(),
            })
        })
    }

    /// JSON merge patch of an object (status is kept when the kind has a status subresource).
    pub fn merge_patch(
        &self,
        r: &impl ResourceRef,
        namespace: &str,
        name: &str,
        patch: &Value,
    ) -> Result<Arc<Value>, ApiError> {
        self.merge_patch_to(r, namespace, name, patch, Subresource::Main)
    }

    /// JSON merge patch of `status` only (the patch is `{"status": {...}}`).
    pub fn merge_patch_status(
        &self,
        r: &impl ResourceRef,
        namespace: &str,
        name: &str,
        patch: &Value,
    ) -> Result<Arc<Value>, ApiError> {
        self.merge_patch_to(r, namespace, name, patch, Subresource::Status)
    }

    fn merge_patch_to(
        &self,
        r: &impl ResourceRef,
        namespace: &str,
        name: &str,
        patch: &Value,
        sub: Subresource,
    ) -> Result<Arc<Value>, ApiError> {
        let body = patch.to_string();
        let written = self.patch_with(
            r,
            namespace,
            name,
            PatchType::Merge,
            body.as_bytes(),
            sub,
            &WriteOptions::default(),
        )?;
        Ok(written.object)
    }

    /// Patch of any type, to the object or a subresource.
    #[allow(clippy::too_many_arguments)]
    pub fn patch_with(
        &self,
        r: &impl ResourceRef,
        namespace: &str,
        name: &str,
        ty: PatchType,
        body: &[u8],
        sub: Subresource,
        opts: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let kind = self.kind(r)?;
        if sub == Subresource::Status && !kind.status_subresource {
            return Err(ApiError::unknown_resource());
        }
        let ns = if kind.namespaced { namespace } else { "" };
        let custom = kind.custom;
        self.write_existing(&kind, ns, name, sub, opts, |current| {
            let patched = apply_patch(current, ty, body, custom)?;
            let prv = object::resource_version(&patched);
            let precondition = (!prv.is_empty() && prv != object::resource_version(current))
                .then(|| prv.to_string());
            Ok(Proposal {
                obj: patched,
                precondition,
            })
        })
    }
}
