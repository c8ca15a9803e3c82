//! The registry of served kinds, shared by the store, the REST layer, discovery and OpenAPI;
//! `--crds`, CRDs created through the API and the server's builder add rows at run time.

use std::sync::{Arc, RwLock};

use super::{ResourceKind, builtin_kinds};

/// The registry of served kinds. Cheap to clone; all clones share the table.
#[derive(Clone, Debug)]
pub struct Kinds {
    inner: Arc<RwLock<Vec<Arc<ResourceKind>>>>,
}

impl Kinds {
    /// The built-in table ([`builtin_kinds`]).
    pub fn builtin() -> Self {
        Self::new(builtin_kinds())
    }

    /// A table of these rows, in this order (the order discovery lists groups in).
    pub fn new(rows: Vec<ResourceKind>) -> Self {
        Self {
            inner: Arc::new(RwLock::new(rows.into_iter().map(Arc::new).collect())),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Arc<ResourceKind>>> {
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds a kind, or replaces the one with the same group and plural. Returns the stored row.
    pub fn register(&self, kind: ResourceKind) -> Arc<ResourceKind> {
        let kind = Arc::new(kind);
        let mut rows = self
            .inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match rows
            .iter_mut()
            .find(|k| k.group == kind.group && k.plural == kind.plural)
        {
            Some(slot) => *slot = kind.clone(),
            None => rows.push(kind.clone()),
        }
        kind
    }

    /// The kind served at `group`/`version`/`plural`.
    pub fn get(&self, group: &str, version: &str, plural: &str) -> Option<Arc<ResourceKind>> {
        self.read()
            .iter()
            .find(|k| k.group == group && k.version == version && k.plural == plural)
            .cloned()
    }

    /// The kind with `plural` in `group`, whatever its version.
    pub fn find(&self, group: &str, plural: &str) -> Option<Arc<ResourceKind>> {
        self.read()
            .iter()
            .find(|k| k.group == group && k.plural == plural)
            .cloned()
    }

    /// The kind named `kind` (e.g. `Widget`) in `group`.
    pub fn by_kind(&self, group: &str, kind: &str) -> Option<Arc<ResourceKind>> {
        self.read()
            .iter()
            .find(|k| k.group == group && k.kind == kind)
            .cloned()
    }

    /// The kind whose storage key is `group_resource` (`widgets.example.com`).
    pub fn by_group_resource(&self, group_resource: &str) -> Option<Arc<ResourceKind>> {
        self.read()
            .iter()
            .find(|k| k.group_resource() == group_resource)
            .cloned()
    }

    /// Every kind, in table order.
    pub fn all(&self) -> Vec<Arc<ResourceKind>> {
        self.read().clone()
    }

    /// Served groups in table order (core `""` first), each with its versions.
    pub fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for k in self.read().iter() {
            match out.iter_mut().find(|(g, _)| *g == k.group) {
                Some((_, versions)) => {
                    if !versions.contains(&k.version) {
                        versions.push(k.version.clone());
                    }
                }
                None => out.push((k.group.clone(), vec![k.version.clone()])),
            }
        }
        out
    }
}
