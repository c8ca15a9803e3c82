//! The write path shared by HTTP handlers and in-process controllers: create (generateName,
//! uid, timestamps, generation), update and patch with optimistic concurrency, status and
//! namespace-finalize subresources, delete with preconditions — each running defaulting,
//! admission hooks and validation in kube-apiserver's order before one locked commit.
//!
//! Validation and admission run outside the lock; the commit re-checks the resourceVersion and
//! retries (for unconditional writes) or answers 409 Conflict (for writes that carried one), the
//! same guarantee etcd's compare-and-swap gives a real server.

use std::sync::Arc;

use rand::Rng;
use serde_json::{Value, json};

use super::admission::{AdmissionRequest, Operation};
use super::defaults;
use super::error::{ApiError, Cause};
use super::kinds::ResourceKind;
use super::lifecycle::{Deleted, Lifecycle, Propagation};
use super::names::{self, MAX_GENERATE_PREFIX};
use super::object;
use super::patch::{PatchType, apply_patch};
use super::{ListOptions, ResourceRef, Store, crds};

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
    fn name(self) -> Option<&'static str> {
        match self {
            Subresource::Main => None,
            Subresource::Status => Some("status"),
            Subresource::Finalize => Some("finalize"),
        }
    }
}

/// A proposed new object and the resourceVersion the caller required, if any.
pub(crate) struct Proposal {
    pub obj: Value,
    pub precondition: Option<String>,
}

const SYSTEM_FIELDS: &[&str] = &[
    "uid",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "selfLink",
    "managedFields",
];

/// A random RFC 4122 version-4 UUID.
pub fn new_uid() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn random_suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut rng = rand::rng();
    (0..5)
        .map(|_| {
            ALPHABET
                .get(rng.random_range(0..ALPHABET.len()))
                .copied()
                .unwrap_or(b'x') as char
        })
        .collect()
}

fn snippet(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 200 {
        format!("{}...", s.chars().take(200).collect::<String>())
    } else {
        s
    }
}

/// Checks (and for built-in kinds fills) `apiVersion` and `kind` of a request body.
pub(crate) fn check_types(kind: &ResourceKind, obj: &mut Value) -> Result<(), ApiError> {
    let shown = snippet(obj);
    let Some(map) = obj.as_object_mut() else {
        return Err(ApiError::bad_request(format!(
            "the body of the request must be a JSON object, got '{shown}'"
        )));
    };
    let av = map
        .get("apiVersion")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let k = map
        .get("kind")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    match (av, k) {
        (None, None) if !kind.custom => {
            map.insert("apiVersion".into(), json!(kind.api_version()));
            map.insert("kind".into(), json!(kind.kind));
            Ok(())
        }
        (_, None) => Err(ApiError::bad_request(format!(
            "Object 'Kind' is missing in '{shown}'"
        ))),
        (None, _) => Err(ApiError::bad_request(format!(
            "Object 'apiVersion' is missing in '{shown}'"
        ))),
        (Some(av), Some(k)) => {
            if av != kind.api_version() {
                Err(ApiError::bad_request(format!(
                    "the API version in the data ({av}) does not match the expected API version ({})",
                    kind.api_version()
                )))
            } else if k != kind.kind {
                Err(ApiError::bad_request(format!(
                    "the kind in the data ({k}) does not match the expected kind ({}) of {}",
                    kind.kind,
                    kind.group_resource()
                )))
            } else {
                Ok(())
            }
        }
    }
}

impl Store {
    /// Defaults, validates names and the CRD schema; returns warnings.
    fn validate(
        &self,
        kind: &ResourceKind,
        obj: &mut Value,
        fv: FieldValidation,
    ) -> Result<Vec<String>, ApiError> {
        let name = object::name(obj).to_string();
        let empty = serde_json::Map::new();
        let mut causes =
            names::metadata_causes(kind.name_rule, object::meta(obj).unwrap_or(&empty), &name);
        let mut warnings = Vec::new();
        if let Some(schema) = &kind.schema {
            let outcome = schema.apply(obj);
            if !outcome.unknown_fields.is_empty() {
                let listed: Vec<String> = outcome
                    .unknown_fields
                    .iter()
                    .map(|f| format!("unknown field {f:?}"))
                    .collect();
                match fv {
                    FieldValidation::Strict => {
                        return Err(ApiError::bad_request(format!(
                            "{k} in version {v:?} cannot be handled as a {k}: strict decoding error: {}",
                            listed.join(", "),
                            k = kind.kind,
                            v = kind.version,
                        )));
                    }
                    FieldValidation::Warn => warnings.extend(listed),
                    FieldValidation::Ignore => {}
                }
            }
            causes.extend(outcome.causes);
        }
        if crds::is_crd_kind(kind)
            && let Err(e) = crds::kind_from_crd(obj, None)
        {
            causes.push(Cause::invalid("spec", &Value::Null, &e.to_string()));
        }
        if causes.is_empty() {
            Ok(warnings)
        } else {
            Err(ApiError::invalid(kind, &name, causes))
        }
    }

    fn after_commit(&self, kind: &ResourceKind, stored: &Value) {
        if crds::is_crd_kind(kind) {
            let existing = crds::crd_target(stored).and_then(|(g, p)| self.kinds().find(&g, &p));
            match crds::kind_from_crd(stored, existing.as_deref()) {
                Ok(k) => {
                    self.register_kind(k);
                }
                Err(e) => {
                    tracing::warn!(crd = object::name(stored), error = %e, "stored CRD does not describe a kind")
                }
            }
        }
    }

    /// Creates an object (`namespace` is ignored for cluster-scoped kinds).
    pub fn create(
        &self,
        r: &impl ResourceRef,
        namespace: &str,
        obj: Value,
    ) -> Result<Arc<Value>, ApiError> {
        Ok(self
            .create_with(r, namespace, obj, &WriteOptions::default())?
            .object)
    }

    /// Creates an object with options.
    pub fn create_with(
        &self,
        r: &impl ResourceRef,
        namespace: &str,
        mut obj: Value,
        opts: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let kind = self.kind(r)?;
        check_types(&kind, &mut obj)?;
        let ns = if kind.namespaced { namespace } else { "" };
        if kind.namespaced {
            let body_ns = object::namespace(&obj);
            if ns.is_empty() {
                return Err(ApiError::bad_request(format!(
                    "{} is namespaced: a namespace is required",
                    kind.group_resource()
                )));
            }
            if !body_ns.is_empty() && body_ns != ns {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            object::set_meta(&mut obj, "namespace", json!(ns));
        } else {
            object::remove_meta(&mut obj, "namespace");
        }
        if !object::resource_version(&obj).is_empty() {
            return Err(ApiError::bad_request(
                "resourceVersion should not be set on objects to be created",
            ));
        }
        for f in SYSTEM_FIELDS {
            object::remove_meta(&mut obj, f);
        }
        let mut name = object::name(&obj).to_string();
        let generate = object::meta_str(&obj, "generateName").to_string();
        let generated = name.is_empty() && !generate.is_empty();
        if generated {
            let prefix: String = generate.chars().take(MAX_GENERATE_PREFIX).collect();
            name = format!("{prefix}{}", random_suffix());
            object::set_meta(&mut obj, "name", json!(name));
        }
        defaults::on_create(&kind, &mut obj, &self.clock().now_rfc3339());
        let req = AdmissionRequest {
            operation: Operation::Create,
            kind: &kind,
            namespace: ns,
            name: &name,
            subresource: None,
            old: None,
            dry_run: opts.dry_run,
        };
        self.admission().mutate(&req, &mut obj)?;
        object::set_meta(&mut obj, "name", json!(name));
        let warnings = self.validate(&kind, &mut obj, opts.field_validation)?;
        self.admission().validate(&req, &obj)?;
        object::set_meta(&mut obj, "uid", json!(new_uid()));
        object::set_meta(
            &mut obj,
            "creationTimestamp",
            json!(self.clock().now_rfc3339()),
        );
        if kind.generation {
            object::set_meta(&mut obj, "generation", json!(1));
        }
        let mut state = self.lock();
        if kind.namespaced
            && let Some(ns_kind) = self.kinds().find("", "namespaces")
        {
            match state.get(&ns_kind, "", ns) {
                None => return Err(ApiError::not_found(&ns_kind, ns)),
                Some(n) if object::is_deleting(&n) => {
                    return Err(ApiError::forbidden(
                        &kind,
                        &name,
                        &format!(
                            "unable to create new content in namespace {ns} because it is being terminated"
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        if state.get(&kind, ns, &name).is_some() {
            let mut e = ApiError::already_exists(&kind, &name);
            if generated {
                e.message
                    .push_str(", the server was not able to generate a unique name for the object");
            }
            return Err(e);
        }
        if opts.dry_run {
            return Ok(Written {
                object: Arc::new(obj),
                warnings,
            });
        }
        let stored = state.put(&kind, obj);
        drop(state);
        self.after_commit(&kind, &stored);
        Ok(Written {
            object: stored,
            warnings,
        })
    }

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
        let body = patch.to_string();
        Ok(self
            .patch_with(
                r,
                namespace,
                name,
                PatchType::Merge,
                body.as_bytes(),
                Subresource::Main,
                &WriteOptions::default(),
            )?
            .object)
    }

    /// JSON merge patch of `status` only (the patch is `{"status": {...}}`).
    pub fn merge_patch_status(
        &self,
        r: &impl ResourceRef,
        namespace: &str,
        name: &str,
        patch: &Value,
    ) -> Result<Arc<Value>, ApiError> {
        let body = patch.to_string();
        Ok(self
            .patch_with(
                r,
                namespace,
                name,
                PatchType::Merge,
                body.as_bytes(),
                Subresource::Status,
                &WriteOptions::default(),
            )?
            .object)
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

    /// Deletes an object with the default (Background) propagation.
    pub fn delete(
        &self,
        r: &impl ResourceRef,
        namespace: &str,
        name: &str,
    ) -> Result<Deleted, ApiError> {
        self.delete_with(r, namespace, name, &DeleteOptions::default())
    }

    /// Deletes an object: removed at once, or marked for deletion while finalizers remain.
    pub fn delete_with(
        &self,
        r: &impl ResourceRef,
        namespace: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Deleted, ApiError> {
        let kind = self.kind(r)?;
        let ns = if kind.namespaced { namespace } else { "" };
        if kind.group.is_empty()
            && kind.plural == "namespaces"
            && matches!(name, "default" | "kube-system" | "kube-public")
        {
            return Err(ApiError::forbidden(
                &kind,
                name,
                "this namespace may not be deleted",
            ));
        }
        let mut state = self.lock();
        let current = state
            .get(&kind, ns, name)
            .ok_or_else(|| ApiError::not_found(&kind, name))?;
        if let Some(uid) = opts.uid.as_deref().filter(|u| !u.is_empty())
            && uid != object::uid(&current)
        {
            return Err(ApiError::conflict(
                &kind,
                name,
                &format!(
                    "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                    object::uid(&current)
                ),
            ));
        }
        if let Some(rv) = opts.resource_version.as_deref().filter(|r| !r.is_empty())
            && rv != object::resource_version(&current)
        {
            return Err(ApiError::conflict(
                &kind,
                name,
                &format!(
                    "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {}",
                    object::resource_version(&current)
                ),
            ));
        }
        let policy = opts.propagation.unwrap_or(Propagation::Background);
        if opts.dry_run {
            let held = !object::finalizers(&current).is_empty()
                || policy != Propagation::Background
                || lifecycle_held(&kind, &current);
            if held {
                let mut marked = (*current).clone();
                object::set_meta(
                    &mut marked,
                    "deletionTimestamp",
                    json!(self.clock().now_rfc3339()),
                );
                return Ok(Deleted::Pending(Arc::new(marked)));
            }
            return Ok(Deleted::Gone(current));
        }
        let mut lc = Lifecycle::new(&mut state, self.kinds(), self.clock());
        let result = lc.delete(&kind, ns, name, policy)?;
        lc.run();
        Ok(result)
    }

    /// Deletes every object a list selects; returns what was deleted (or marked).
    pub fn delete_collection(
        &self,
        r: &impl ResourceRef,
        namespace: Option<&str>,
        list: &ListOptions,
        opts: &DeleteOptions,
    ) -> Result<Vec<Arc<Value>>, ApiError> {
        let kind = self.kind(r)?;
        let page = self.list(
            &kind,
            namespace,
            &ListOptions {
                limit: None,
                continue_token: None,
                ..list.clone()
            },
        )?;
        let mut out = Vec::new();
        for item in page.items {
            match self.delete_with(&kind, object::namespace(&item), object::name(&item), opts) {
                Ok(Deleted::Gone(o) | Deleted::Pending(o)) => out.push(o),
                Err(e) if e.code == 404 => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}

fn lifecycle_held(kind: &ResourceKind, obj: &Value) -> bool {
    kind.group.is_empty()
        && kind.plural == "namespaces"
        && !super::lifecycle::ready_to_remove(kind, &{
            let mut o = obj.clone();
            object::set_meta(&mut o, "deletionTimestamp", json!("x"));
            o
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_v4() {
        let u = new_uid();
        assert_eq!(u.len(), 36);
        assert_eq!(u.chars().nth(14), Some('4'));
        assert_ne!(u, new_uid());
    }

    #[test]
    fn suffix_alphabet() {
        let s = random_suffix();
        assert_eq!(s.len(), 5);
        assert!(s.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
    }
}
