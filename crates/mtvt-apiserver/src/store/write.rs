//! The read-propose-validate-commit loop of every update and patch, with optimistic
//! concurrency. A write that carried a resourceVersion gets 409 Conflict when it is stale or
//! loses a race; one that did not is retried on the fresh object, as the real server's
//! `GuaranteedUpdate` does. Main writes keep `status` when the kind has a status subresource,
//! `/status` writes change nothing else, `/finalize` only `spec.finalizers`; `generation`
//! follows spec changes.

use std::sync::Arc;

use serde_json::{Value, json};

use super::admission::{AdmissionRequest, Operation};
use super::defaults;
use super::error::{ApiError, Cause};
use super::kinds::ResourceKind;
use super::lifecycle::Lifecycle;
use super::options::{Subresource, WriteOptions, Written};
use super::prepare::{Proposal, SYSTEM_FIELDS, check_types};
use super::{Store, object};

/// What committing a validated write found.
enum Commit {
    /// Stored (or, on a dry run, what would be stored).
    Done(Arc<Value>),
    /// The object changed meanwhile and the write had no precondition: propose again.
    Retry,
}

impl Store {
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
            no_new_finalizers(kind, name, &current, &next)?;
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
            let stale_is_error = precondition.is_some();
            match self.commit_existing(kind, ns, name, &current, next, stale_is_error, opts)? {
                Commit::Done(object) => return Ok(Written { object, warnings }),
                Commit::Retry => continue,
            }
        }
        Err(ApiError::stale(kind, name))
    }

    /// Stores `next` under the lock if the object is still `current` (then runs the lifecycle:
    /// finalizers, garbage collection); otherwise 409 when the write had a precondition, a
    /// retry when not. A dry run stores nothing.
    #[allow(clippy::too_many_arguments)]
    fn commit_existing(
        &self,
        kind: &Arc<ResourceKind>,
        ns: &str,
        name: &str,
        current: &Value,
        next: Value,
        stale_is_error: bool,
        opts: &WriteOptions,
    ) -> Result<Commit, ApiError> {
        let mut state = self.lock();
        let now = state
            .get(kind, ns, name)
            .ok_or_else(|| ApiError::not_found(kind, name))?;
        if object::resource_version(&now) != object::resource_version(current) {
            if stale_is_error {
                return Err(ApiError::stale(kind, name));
            }
            return Ok(Commit::Retry);
        }
        if opts.dry_run {
            return Ok(Commit::Done(Arc::new(next)));
        }
        let stored = state.put(kind, next);
        let mut lc = Lifecycle::new(&mut state, self.kinds(), self.clock());
        lc.after_write(kind, &stored);
        lc.run();
        drop(state);
        self.after_commit(kind, &stored);
        Ok(Commit::Done(stored))
    }
}

/// 422 when a write to an object being deleted adds finalizers.
fn no_new_finalizers(
    kind: &ResourceKind,
    name: &str,
    current: &Value,
    next: &Value,
) -> Result<(), ApiError> {
    if !object::is_deleting(current) {
        return Ok(());
    }
    let old = object::finalizers(current);
    let added: Vec<String> = object::finalizers(next)
        .into_iter()
        .filter(|f| !old.contains(f))
        .collect();
    if added.is_empty() {
        return Ok(());
    }
    Err(ApiError::invalid(
        kind,
        name,
        vec![Cause::forbidden(
            "metadata.finalizers",
            &format!(
                "no new finalizers can be added if the object is being deleted, found new finalizers {added:?}"
            ),
        )],
    ))
}
