//! The object store behind the emulator's Kubernetes API: one generic store for every kind in
//! the [`kinds`] table, with kube-apiserver semantics (resourceVersions, generateName,
//! optimistic concurrency, status subresource, finalizers, garbage collection, namespace
//! lifecycle, watch history).
//!
//! # For in-process controllers
//! [`Store`] is a cheap-to-clone handle. Controllers act on it exactly as a real controller
//! acts through the API, and every write is seen by HTTP watchers:
//! ```no_run
//! # use mtvt_apiserver::store::*; use serde_json::json; use futures::StreamExt;
//! # async fn demo(store: Store) -> Result<(), ApiError> {
//! let widgets = Gvr::new("example.com", "v1", "widgets");
//! let mut events = store.watch(WatchOptions::new(Some(widgets.clone())).start(WatchStart::InitialState))?;
//! while let Some(ev) = events.next().await {
//!     let ev = ev?;                         // Err = history compacted (410): relist and re-watch
//!     let (ns, name) = (ev.object["metadata"]["namespace"].as_str().unwrap_or(""), ev.object["metadata"]["name"].as_str().unwrap_or(""));
//!     store.merge_patch_status(&widgets, ns, name, &json!({"status": {"conditions": []}}))?;
//! }
//! # Ok(()) }
//! ```
//! Reads: [`Store::get`], [`Store::list`]. Writes: [`Store::create`], [`Store::update`]
//! (resourceVersion precondition from the object), [`Store::update_status`],
//! [`Store::merge_patch`], [`Store::merge_patch_status`], [`Store::patch_with`],
//! [`Store::delete`]. Events: [`Store::watch`] (optionally one kind, a namespace, selectors;
//! from now, from the current state, or replaying after a resourceVersion). Admission:
//! [`Store::admission`]. Pod logs: [`Store::set_pod_log`]. Events about objects:
//! [`Store::record_event`]. Extra kinds: [`Store::register_kind`].
//!
//! The store must not know about HTTP; the `api` module translates requests into these calls.

pub mod admission;
pub mod crds;
mod create;
mod defaults;
mod delete;
pub mod error;
mod events;
pub mod kinds;
mod lifecycle;
mod list;
pub mod names;
pub mod object;
mod options;
pub mod patch;
mod pod_logs;
mod prepare;
pub mod schema;
pub mod selectors;
mod state;
mod update;
mod watch;
mod write;

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};
use tokio::sync::broadcast;

pub use admission::{Admission, AdmissionRequest, MutatingHook, Operation, ValidatingHook};
pub use error::{ApiError, Cause, Reason};
pub use kinds::{Kinds, NameRule, Printer, ResourceKind, builtin_kinds, crd_kind, resource_kinds};
pub use lifecycle::{Deleted, Propagation};
pub use list::{ListOptions, ObjectList};
pub use options::{DeleteOptions, FieldValidation, Subresource, WriteOptions, Written};
pub use patch::PatchType;
pub use prepare::new_uid;
pub use selectors::{FieldSelector, LabelSelector};
pub use state::{EventType, ObjRef, WatchEvent};
pub use watch::{WatchOptions, WatchStart, WatchStream};

use crate::clock::Clock;
use state::State;

/// Identifies a resource by group, version and plural name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Gvr {
    /// API group (`""` for core).
    pub group: String,
    /// Version.
    pub version: String,
    /// Plural resource name.
    pub resource: String,
}

impl Gvr {
    /// `Gvr::new("example.com", "v1", "widgets")`
    pub fn new(group: &str, version: &str, resource: &str) -> Self {
        Self {
            group: group.to_string(),
            version: version.to_string(),
            resource: resource.to_string(),
        }
    }

    /// A core/v1 resource: `Gvr::core("pods")`.
    pub fn core(resource: &str) -> Self {
        Self::new("", "v1", resource)
    }
}

/// Anything that names a served kind: a [`Gvr`] or a resolved [`ResourceKind`].
pub trait ResourceRef {
    /// The served kind, or 404 when the server does not serve it.
    fn resolve(&self, kinds: &Kinds) -> Result<Arc<ResourceKind>, ApiError>;
}

impl ResourceRef for Gvr {
    fn resolve(&self, kinds: &Kinds) -> Result<Arc<ResourceKind>, ApiError> {
        kinds
            .get(&self.group, &self.version, &self.resource)
            .ok_or_else(ApiError::unknown_resource)
    }
}

impl ResourceRef for Arc<ResourceKind> {
    fn resolve(&self, _kinds: &Kinds) -> Result<Arc<ResourceKind>, ApiError> {
        Ok(self.clone())
    }
}

/// Store tuning.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// Watch events kept for replay; older resourceVersions get 410 Gone.
    pub history_size: usize,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            history_size: 10_000,
        }
    }
}

struct Inner {
    kinds: Kinds,
    clock: Clock,
    admission: Admission,
    state: Mutex<State>,
    tx: broadcast::Sender<Arc<WatchEvent>>,
    log_tx: broadcast::Sender<(String, String)>,
}

/// A handle on the object store. Cheap to clone; all clones share the objects.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("resource_version", &self.resource_version())
            .finish()
    }
}

impl Store {
    /// An empty store (no namespaces) serving the built-in kinds.
    pub fn new(clock: Clock, config: StoreConfig) -> Self {
        Self::with_kinds(clock, config, Kinds::builtin())
    }

    /// An empty store (no namespaces) serving `kinds`.
    pub fn with_kinds(clock: Clock, config: StoreConfig, kinds: Kinds) -> Self {
        let cap = config.history_size.max(16);
        let (tx, _) = broadcast::channel(cap);
        Self {
            inner: Arc::new(Inner {
                kinds,
                clock,
                admission: Admission::default(),
                state: Mutex::new(State::new(cap, tx.clone())),
                tx,
                log_tx: broadcast::channel(1024).0,
            }),
        }
    }

    /// Creates the (Active) namespace `name`.
    pub fn create_namespace(&self, name: &str) -> Result<Arc<Value>, ApiError> {
        self.create(
            &Gvr::core("namespaces"),
            "",
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}),
        )
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The virtual clock every timestamp comes from.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// The served kinds.
    pub fn kinds(&self) -> &Kinds {
        &self.inner.kinds
    }

    /// Admission hooks (register with `store.admission().add_validating(...)`).
    pub fn admission(&self) -> &Admission {
        &self.inner.admission
    }

    /// Adds (or replaces) a served kind at run time; discovery and OpenAPI follow.
    pub fn register_kind(&self, kind: ResourceKind) -> Arc<ResourceKind> {
        self.inner.kinds.register(kind)
    }

    /// The latest resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.lock().rv
    }

    /// Number of stored objects (all kinds).
    pub fn object_count(&self) -> usize {
        self.lock().object_count()
    }

    /// Resolves a resource reference.
    pub fn kind(&self, r: &impl ResourceRef) -> Result<Arc<ResourceKind>, ApiError> {
        r.resolve(&self.inner.kinds)
    }

    fn scoped_ns<'a>(kind: &ResourceKind, ns: &'a str) -> &'a str {
        if kind.namespaced { ns } else { "" }
    }

    /// Reads one object.
    pub fn get(
        &self,
        r: &impl ResourceRef,
        namespace: &str,
        name: &str,
    ) -> Result<Arc<Value>, ApiError> {
        let kind = self.kind(r)?;
        self.lock()
            .get(&kind, Self::scoped_ns(&kind, namespace), name)
            .ok_or_else(|| ApiError::not_found(&kind, name))
    }

    /// Loads every CRD in `dir` (see [`crds::read_dir`]): each is stored as a
    /// `customresourcedefinitions` object and its kind is served with its schema from then on.
    /// Returns how many were loaded.
    pub fn load_crds(&self, dir: &std::path::Path) -> Result<usize, crds::CrdError> {
        let docs = crds::read_dir(dir)?;
        self.install_crds(&docs)
    }

    /// Installs CRD objects as an operator installer would: each is created as a
    /// `customresourcedefinitions` object, or replaces the spec of the one of the same name
    /// (its labels and annotations are merged, the new ones winning), and its kind is served
    /// with its schema from then on. Returns how many were installed.
    pub fn install_crds(&self, docs: &[Value]) -> Result<usize, crds::CrdError> {
        let gvr = Gvr::new("apiextensions.k8s.io", "v1", "customresourcedefinitions");
        for doc in docs {
            let name = object::name(doc).to_string();
            let mut clean = doc.clone();
            if let Some(m) = clean.as_object_mut() {
                m.remove("status");
            }
            let result = match self.get(&gvr, "", &name) {
                Ok(existing) => {
                    object::set_meta(
                        &mut clean,
                        "resourceVersion",
                        json!(object::resource_version(&existing)),
                    );
                    for field in ["labels", "annotations"] {
                        let mut merged = object::meta(&existing)
                            .and_then(|m| m.get(field))
                            .and_then(Value::as_object)
                            .cloned()
                            .unwrap_or_default();
                        if let Some(new) = object::meta(&clean)
                            .and_then(|m| m.get(field))
                            .and_then(Value::as_object)
                        {
                            merged.extend(new.clone());
                        }
                        if !merged.is_empty() {
                            object::set_meta(&mut clean, field, Value::Object(merged));
                        }
                    }
                    self.update(&gvr, "", clean)
                }
                Err(_) => self.create(&gvr, "", clean),
            };
            result.map_err(|error| crds::CrdError::Rejected { name, error })?;
        }
        Ok(docs.len())
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Arc<WatchEvent>> {
        self.inner.tx.subscribe()
    }
}
