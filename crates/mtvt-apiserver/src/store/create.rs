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
use super::{ResourceRef, Store, object};

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
}
