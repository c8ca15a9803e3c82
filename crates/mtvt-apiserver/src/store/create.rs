//! Create: generateName, system fields, defaulting, admission, validation, namespace checks
//! (404 for a missing namespace, 403 for a terminating one), 409 AlreadyExists, then one
//! locked commit.

use std::sync::Arc;

use serde_json::{Value, json};

use super::admission::{AdmissionRequest, Operation};
use super::defaults;
use super::error::ApiError;
use super::names::MAX_GENERATE_PREFIX;
use super::options::{WriteOptions, Written};
use super::prepare::{SYSTEM_FIELDS, check_types, new_uid, random_suffix};
use super::{ResourceKind, ResourceRef, Store, object};

impl Store {
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
        let ns = scope_namespace(&kind, namespace, &mut obj)?;
        if !object::resource_version(&obj).is_empty() {
            return Err(ApiError::bad_request(
                "resourceVersion should not be set on objects to be created",
            ));
        }
        let (name, generated) = name_new_object(&mut obj);
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
        let object = self.commit_new(&kind, ns, &name, generated, obj, opts.dry_run)?;
        Ok(Written { object, warnings })
    }

    /// Stores a prepared new object under the lock: its namespace must exist and not be
    /// terminating, its name must be free. A dry run stores nothing.
    fn commit_new(
        &self,
        kind: &Arc<ResourceKind>,
        ns: &str,
        name: &str,
        generated: bool,
        obj: Value,
        dry_run: bool,
    ) -> Result<Arc<Value>, ApiError> {
        let mut state = self.lock();
        if kind.namespaced
            && let Some(ns_kind) = self.kinds().find("", "namespaces")
        {
            match state.get(&ns_kind, "", ns) {
                None => return Err(ApiError::not_found(&ns_kind, ns)),
                Some(n) if object::is_deleting(&n) => {
                    return Err(ApiError::forbidden(
                        kind,
                        name,
                        &format!(
                            "unable to create new content in namespace {ns} because it is being terminated"
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        if state.get(kind, ns, name).is_some() {
            let mut e = ApiError::already_exists(kind, name);
            if generated {
                e.message
                    .push_str(", the server was not able to generate a unique name for the object");
            }
            return Err(e);
        }
        if dry_run {
            return Ok(Arc::new(obj));
        }
        let stored = state.put(kind, obj);
        drop(state);
        self.after_commit(kind, &stored);
        Ok(stored)
    }
}

/// The namespace a new object lives in (`""` for cluster-scoped kinds), written into its
/// metadata; the request's and the body's must agree.
fn scope_namespace<'a>(
    kind: &ResourceKind,
    namespace: &'a str,
    obj: &mut Value,
) -> Result<&'a str, ApiError> {
    if !kind.namespaced {
        object::remove_meta(obj, "namespace");
        return Ok("");
    }
    let body_ns = object::namespace(obj);
    if namespace.is_empty() {
        return Err(ApiError::bad_request(format!(
            "{} is namespaced: a namespace is required",
            kind.group_resource()
        )));
    }
    if !body_ns.is_empty() && body_ns != namespace {
        return Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    object::set_meta(obj, "namespace", json!(namespace));
    Ok(namespace)
}

/// Drops the system fields of a new object and names it (from `generateName` when it has no
/// name); returns the name and whether it was generated.
fn name_new_object(obj: &mut Value) -> (String, bool) {
    for f in SYSTEM_FIELDS {
        object::remove_meta(obj, f);
    }
    let mut name = object::name(obj).to_string();
    let generate = object::meta_str(obj, "generateName").to_string();
    let generated = name.is_empty() && !generate.is_empty();
    if generated {
        let prefix: String = generate.chars().take(MAX_GENERATE_PREFIX).collect();
        name = format!("{prefix}{}", random_suffix());
        object::set_meta(obj, "name", json!(name));
    }
    (name, generated)
}
