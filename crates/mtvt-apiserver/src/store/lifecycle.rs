//! Deletion as kube-apiserver and kube-controller-manager do it together: finalizers hold an
//! object in `deletionTimestamp` state until removed; `propagationPolicy` adds the
//! `foregroundDeletion` or `orphan` finalizer; the garbage collector deletes dependents whose
//! owners are all gone (ownerReferences), orphans dependents, and clears foreground owners once
//! their dependents are gone; deleting a namespace marks it `Terminating`, deletes everything in
//! it and removes it once empty.
//!
//! Where the real cluster does this asynchronously in controllers, the emulator does it in the
//! same store transaction (a work queue drained under the lock), so every step is still a
//! separate, watchable write. This module decides deletion mechanics only; who may delete is
//! checked by the caller.

use std::collections::VecDeque;
use std::sync::Arc;

use serde_json::{Value, json};

use super::error::ApiError;
use super::kinds::{Kinds, ResourceKind};
use super::object;
use super::state::{ObjRef, State};
use crate::clock::Clock;

/// How dependents are treated when their owner is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    /// Delete the owner now; the garbage collector deletes dependents afterwards (default).
    Background,
    /// Delete dependents first; the owner waits with the `foregroundDeletion` finalizer.
    Foreground,
    /// Keep dependents, removing their ownerReferences (`orphan` finalizer).
    Orphan,
}

impl Propagation {
    /// Parses `Background` / `Foreground` / `Orphan`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Background" => Some(Self::Background),
            "Foreground" => Some(Self::Foreground),
            "Orphan" => Some(Self::Orphan),
            _ => None,
        }
    }
}

/// The result of a delete.
#[derive(Clone, Debug)]
pub enum Deleted {
    /// Removed from storage now; the object's last state.
    Gone(Arc<Value>),
    /// Marked with `deletionTimestamp`, waiting on finalizers; the marked object.
    Pending(Arc<Value>),
}

const FOREGROUND: &str = "foregroundDeletion";
const ORPHAN: &str = "orphan";

enum Work {
    Removed {
        uid: String,
        namespace: String,
        owners: Vec<String>,
    },
    Reconsider(ObjRef),
    Sweep(String),
}

/// Deletion work on the locked state.
pub(crate) struct Lifecycle<'a> {
    pub state: &'a mut State,
    pub kinds: &'a Kinds,
    pub clock: &'a Clock,
    queue: VecDeque<Work>,
}

fn namespace_pending(kind: &ResourceKind, obj: &Value) -> bool {
    kind.group.is_empty()
        && kind.plural == "namespaces"
        && obj
            .get("spec")
            .and_then(|s| s.get("finalizers"))
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
}

/// Whether a deleting object has nothing left holding it.
pub fn ready_to_remove(kind: &ResourceKind, obj: &Value) -> bool {
    object::is_deleting(obj) && object::finalizers(obj).is_empty() && !namespace_pending(kind, obj)
}

impl<'a> Lifecycle<'a> {
    pub fn new(state: &'a mut State, kinds: &'a Kinds, clock: &'a Clock) -> Self {
        Self {
            state,
            kinds,
            clock,
            queue: VecDeque::new(),
        }
    }

    fn kind_of(&self, r: &ObjRef) -> Option<Arc<ResourceKind>> {
        self.kinds.by_group_resource(&r.group_resource)
    }

    fn remove_now(&mut self, kind: &Arc<ResourceKind>, ns: &str, name: &str) -> Option<Arc<Value>> {
        let last = self.state.remove(kind, ns, name)?;
        self.queue.push_back(Work::Removed {
            uid: object::uid(&last).to_string(),
            namespace: ns.to_string(),
            owners: object::owner_uids(&last),
        });
        Some(last)
    }

    /// Deletes one object with `policy` (no preconditions: the caller checked them).
    pub fn delete(
        &mut self,
        kind: &Arc<ResourceKind>,
        ns: &str,
        name: &str,
        policy: Propagation,
    ) -> Result<Deleted, ApiError> {
        let current = self
            .state
            .get(kind, ns, name)
            .ok_or_else(|| ApiError::not_found(kind, name))?;
        if object::is_deleting(&current) {
            return Ok(Deleted::Pending(current));
        }
        let mut finalizers = object::finalizers(&current);
        let extra = match policy {
            Propagation::Foreground => Some(FOREGROUND),
            Propagation::Orphan => Some(ORPHAN),
            Propagation::Background => None,
        };
        if let Some(f) = extra
            && !finalizers.iter().any(|x| x == f)
        {
            finalizers.push(f.to_string());
        }
        if finalizers.is_empty() && !namespace_pending(kind, &current) {
            let last = self
                .remove_now(kind, ns, name)
                .ok_or_else(|| ApiError::not_found(kind, name))?;
            return Ok(Deleted::Gone(last));
        }
        let mut marked = (*current).clone();
        object::set_meta(
            &mut marked,
            "deletionTimestamp",
            json!(self.clock.now_rfc3339()),
        );
        object::set_meta(&mut marked, "deletionGracePeriodSeconds", json!(0));
        object::set_finalizers(&mut marked, &finalizers);
        let generation = object::generation(&marked);
        if generation > 0 {
            object::set_meta(&mut marked, "generation", json!(generation + 1));
        }
        let is_namespace = kind.group.is_empty() && kind.plural == "namespaces";
        if is_namespace && let Some(m) = marked.as_object_mut() {
            m.insert("status".into(), json!({"phase": "Terminating"}));
        }
        let stored = self.state.put(kind, marked);
        if is_namespace {
            self.queue.push_back(Work::Sweep(name.to_string()));
        }
        self.queue.push_back(Work::Reconsider(ObjRef {
            group_resource: kind.group_resource(),
            namespace: ns.to_string(),
            name: name.to_string(),
        }));
        Ok(Deleted::Pending(stored))
    }

    /// After a write of `obj`: removes it if it was deleting and nothing holds it any more, or
    /// re-examines its system finalizers.
    pub fn after_write(&mut self, kind: &Arc<ResourceKind>, obj: &Arc<Value>) {
        if !object::is_deleting(obj) {
            return;
        }
        self.queue.push_back(Work::Reconsider(ObjRef {
            group_resource: kind.group_resource(),
            namespace: object::namespace(obj).to_string(),
            name: object::name(obj).to_string(),
        }));
    }

    fn write_finalizers(
        &mut self,
        kind: &Arc<ResourceKind>,
        obj: &Value,
        list: &[String],
    ) -> Arc<Value> {
        let mut next = obj.clone();
        object::set_finalizers(&mut next, list);
        self.state.put(kind, next)
    }

    fn reconsider(&mut self, r: &ObjRef) {
        let (Some(kind), Some(mut obj)) = (self.kind_of(r), self.state.get_ref(r)) else {
            return;
        };
        if !object::is_deleting(&obj) {
            return;
        }
        let uid = object::uid(&obj).to_string();
        let mut fins = object::finalizers(&obj);
        if fins.iter().any(|f| f == ORPHAN) {
            for dep in self.state.dependents_of(&uid) {
                let (Some(dk), Some(d)) = (self.kind_of(&dep), self.state.get_ref(&dep)) else {
                    continue;
                };
                let mut next = (*d).clone();
                if let Some(refs) = next
                    .get_mut("metadata")
                    .and_then(|m| m.get_mut("ownerReferences"))
                    .and_then(Value::as_array_mut)
                {
                    refs.retain(|o| o.get("uid").and_then(Value::as_str) != Some(uid.as_str()));
                    if refs.is_empty() {
                        object::remove_meta(&mut next, "ownerReferences");
                    }
                }
                self.state.put(&dk, next);
            }
            fins.retain(|f| f != ORPHAN);
            obj = self.write_finalizers(&kind, &obj, &fins);
        }
        if fins.iter().any(|f| f == FOREGROUND) {
            for dep in self.state.dependents_of(&uid) {
                if let Some(dk) = self.kind_of(&dep) {
                    // Dependents already gone or deleting are fine.
                    let _ = self.delete(&dk, &dep.namespace, &dep.name, Propagation::Background);
                }
            }
            let remaining = self
                .state
                .dependents_of(&uid)
                .into_iter()
                .filter(|d| self.state.get_ref(d).is_some())
                .count();
            if remaining == 0 {
                fins.retain(|f| f != FOREGROUND);
                obj = self.write_finalizers(&kind, &obj, &fins);
            }
        }
        if namespace_pending(&kind, &obj) && self.state.namespace_count(&r.name) == 0 {
            let mut next = (*obj).clone();
            if let Some(spec) = next.get_mut("spec").and_then(Value::as_object_mut) {
                spec.insert("finalizers".into(), json!([]));
            }
            obj = self.state.put(&kind, next);
        }
        if ready_to_remove(&kind, &obj) {
            self.remove_now(&kind, &r.namespace, &r.name);
        }
    }

    fn removed(&mut self, uid: &str, namespace: &str, owners: &[String]) {
        for dep in self.state.dependents_of(uid) {
            let Some(d) = self.state.get_ref(&dep) else {
                continue;
            };
            let alive = object::owner_uids(&d)
                .iter()
                .any(|o| o != uid && self.state.by_uid(o).is_some());
            if !alive && let Some(dk) = self.kind_of(&dep) {
                let _ = self.delete(&dk, &dep.namespace, &dep.name, Propagation::Background);
            }
        }
        self.state.forget_dependents(uid);
        for o in owners {
            if let Some(r) = self.state.by_uid(o).cloned() {
                self.queue.push_back(Work::Reconsider(r));
            }
        }
        if !namespace.is_empty() {
            self.queue.push_back(Work::Reconsider(ObjRef {
                group_resource: "namespaces".to_string(),
                namespace: String::new(),
                name: namespace.to_string(),
            }));
        }
    }

    fn sweep(&mut self, ns: &str) {
        for r in self.state.refs_in_namespace(ns) {
            if let Some(k) = self.kind_of(&r) {
                let _ = self.delete(&k, &r.namespace, &r.name, Propagation::Background);
            }
        }
    }

    /// Drains the work queue.
    pub fn run(&mut self) {
        let mut steps = 0usize;
        while let Some(w) = self.queue.pop_front() {
            steps += 1;
            if steps > 10_000_000 {
                tracing::error!("deletion work queue did not settle; stopping");
                break;
            }
            match w {
                Work::Removed {
                    uid,
                    namespace,
                    owners,
                } => self.removed(&uid, &namespace, &owners),
                Work::Reconsider(r) => self.reconsider(&r),
                Work::Sweep(ns) => self.sweep(&ns),
            }
        }
    }
}
