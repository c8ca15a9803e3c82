//! Update and patch: the read-propose-validate-commit loop with optimistic concurrency. A
//! write that carried a resourceVersion gets 409 Conflict when it is stale or loses a race; one
//! that did not is retried on the fresh object, as the real server's `GuaranteedUpdate` does.
//! Main writes keep `status` when the kind has a status subresource, `/status` writes change
//! nothing else, `/finalize` only `spec.finalizers`; `generation` follows spec changes.

use std::sync::Arc;

use serde_json::{Value, json};

use super::admission::{AdmissionRequest, Operation};
use super::defaults;
use super::error::{ApiError, Cause};
use super::kinds::ResourceKind;
use super::lifecycle::Lifecycle;
use super::options::{Subresource, WriteOptions, Written};
use super::patch::{PatchType, apply_patch};
use super::prepare::{Proposal, SYSTEM_FIELDS, check_types};
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

    fn merge_system_fields(
        kind: &ResourceKind,
        current: &Value,
        proposed: Value,
        sub: Subresource,
        name: &str,
    ) -> Result<Value, ApiError> {
        match sub {
            Subresource::Status => {
                let mut next = current.clone();
                if let Some(m) = next.as_object_mut() {
                    match proposed.get("status") {
                        Some(s) if !s.is_null() => m.insert("status".into(), s.clone()),
                        _ => m.remove("status"),
                    };
                }
                Ok(next)
            }
            Subresource::Finalize => {
                let mut next = current.clone();
                let fin = proposed
                    .get("spec")
                    .and_then(|s| s.get("finalizers"))
                    .cloned()
                    .unwrap_or(json!([]));
                if let Some(spec) = next.get_mut("spec").and_then(Value::as_object_mut) {
                    spec.insert("finalizers".into(), fin);
                }
                Ok(next)
            }
            Subresource::Main => {
                let mut next = proposed;
                check_types(kind, &mut next)?;
                let pname = object::name(&next);
                if !pname.is_empty() && pname != name {
                    return Err(ApiError::bad_request(format!(
                        "the name of the object ({pname}) does not match the name on the URL ({name})"
                    )));
                }
                let puid = object::uid(&next);
                let cuid = object::uid(current);
                if !puid.is_empty() && puid != cuid {
                    return Err(ApiError::conflict(
                        kind,
                        name,
                        &format!(
                            "Precondition failed: UID in precondition: {puid}, UID in object meta: {cuid}"
                        ),
                    ));
                }
                object::set_meta(&mut next, "name", json!(name));
                if kind.namespaced {
                    object::set_meta(&mut next, "namespace", json!(object::namespace(current)));
                } else {
                    object::remove_meta(&mut next, "namespace");
                }
                for f in SYSTEM_FIELDS {
                    match object::meta(current).and_then(|m| m.get(*f)) {
                        Some(v) => object::set_meta(&mut next, f, v.clone()),
                        None => object::remove_meta(&mut next, f),
                    }
                }
                if kind.status_subresource
                    && let Some(m) = next.as_object_mut()
                {
                    match current.get("status") {
                        Some(s) => m.insert("status".into(), s.clone()),
                        None => m.remove("status"),
                    };
                }
                defaults::on_update(kind, current, &mut next);
                Ok(next)
            }
        }
    }

    /// The read-propose-validate-commit loop of every update and patch.
    pub(crate) fn write_existing(
        &self,
        kind: &Arc<ResourceKind>,
        ns: &str,
        name: &str,
        sub: Subresource,
        opts: &WriteOptions,
        mut propose: impl FnMut(&Arc<Value>) -> Result<Proposal, ApiError>,
    ) -> Result<Written, ApiError> {
        for _attempt in 0..64 {
            let current = self
                .lock()
                .get(kind, ns, name)
                .ok_or_else(|| ApiError::not_found(kind, name))?;
            let Proposal { obj, precondition } = propose(&current)?;
            if let Some(rv) = &precondition
                && rv != object::resource_version(&current)
            {
                return Err(ApiError::stale(kind, name));
            }
            let mut next = Self::merge_system_fields(kind, &current, obj, sub, name)?;
            if object::is_deleting(&current) {
                let old = object::finalizers(&current);
                let added: Vec<String> = object::finalizers(&next)
                    .into_iter()
                    .filter(|f| !old.contains(f))
                    .collect();
                if !added.is_empty() {
                    return Err(ApiError::invalid(
                        kind,
                        name,
                        vec![Cause::forbidden(
                            "metadata.finalizers",
                            &format!(
                                "no new finalizers can be added if the object is being deleted, found new finalizers {added:?}"
                            ),
                        )],
                    ));
                }
            }
            let req = AdmissionRequest {
                operation: Operation::Update,
                kind,
                namespace: ns,
                name,
                subresource: sub.name(),
                old: Some(&current),
                dry_run: opts.dry_run,
            };
            self.admission().mutate(&req, &mut next)?;
            let warnings = self.validate(kind, &mut next, opts.field_validation)?;
            self.admission().validate(&req, &next)?;
            if object::comparable(&next) == object::comparable(&current) {
                return Ok(Written {
                    object: current,
                    warnings,
                });
            }
            if kind.generation && sub == Subresource::Main && object::spec_changed(&current, &next)
            {
                object::set_meta(
                    &mut next,
                    "generation",
                    json!(object::generation(&current) + 1),
                );
            }
            let mut state = self.lock();
            let now = state
                .get(kind, ns, name)
                .ok_or_else(|| ApiError::not_found(kind, name))?;
            if object::resource_version(&now) != object::resource_version(&current) {
                if precondition.is_some() {
                    return Err(ApiError::stale(kind, name));
                }
                continue;
            }
            if opts.dry_run {
                return Ok(Written {
                    object: Arc::new(next),
                    warnings,
                });
            }
            let stored = state.put(kind, next);
            let mut lc = Lifecycle::new(&mut state, self.kinds(), self.clock());
            lc.after_write(kind, &stored);
            lc.run();
            drop(state);
            self.after_commit(kind, &stored);
            return Ok(Written {
                object: stored,
                warnings,
            });
        }
        Err(ApiError::stale(kind, name))
    }
}
