//! Delete: protected namespaces (403), preconditions on uid and resourceVersion (409),
//! dry runs, then the deletion mechanics of `lifecycle` under the lock; and delete-collection.

use std::sync::Arc;

use serde_json::{Value, json};

use super::error::ApiError;
use super::kinds::ResourceKind;
use super::lifecycle::{Deleted, Lifecycle, Propagation};
use super::options::DeleteOptions;
use super::{ListOptions, ResourceRef, Store, object};

impl Store {
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
