//! Writing to the cluster with the ledger: every object is recorded in the journal before
//! its create call, labelled with the session, created with retries on transient errors,
//! and adopted when a retried create finds it already made by this session. Node labels
//! and the ForkliftController patch are journalled the same way (with the previous value,
//! so teardown restores it).
//!
//! It must not decide what to create (that is `plan`) nor delete anything (`cleanup`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use kube::api::{DynamicObject, ListParams, Patch, PatchParams, PostParams};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::error::{EngineError, is_already_exists, is_not_found};
use super::journal::{Action, Journal, Scope, State};
use super::manifests::Manifest;
use super::names::SESSION_LABEL;
use super::retry::with_retry;
use crate::cluster::{ObjectRef, kinds, server_time};

/// Creates, labels and patches through the journal.
#[derive(Clone)]
pub struct Applier {
    /// The cluster.
    pub client: kube::Client,
    /// The ledger.
    pub journal: Arc<Journal>,
    /// The session id.
    pub session: String,
    ensured: Arc<Mutex<BTreeSet<String>>>,
    /// ForkliftController fields this session set, by field.
    controller_fields: Arc<Mutex<BTreeMap<String, ControllerPatch>>>,
}

/// What [`Applier::set_controller_field`] did to the ForkliftController.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControllerPatch {
    /// The ForkliftController's name.
    pub name: String,
    /// The server's time just before this session changed the field (the operator runs
    /// after it); `None` when the field had the value already.
    pub changed_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Applier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Applier")
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

fn journal_error(e: super::journal::JournalError) -> EngineError {
    EngineError::Setup(format!(
        "{e} (the run stops: objects must be recorded before they are created)"
    ))
}

impl Applier {
    /// An applier for `session`.
    pub fn new(client: kube::Client, journal: Arc<Journal>, session: &str) -> Self {
        Applier {
            client,
            journal,
            session: session.to_string(),
            ensured: Arc::new(Mutex::new(BTreeSet::new())),
            controller_fields: Arc::new(Mutex::new(BTreeMap::new())),
        }
    }

    fn ours(&self, obj: &DynamicObject) -> bool {
        obj.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(SESSION_LABEL))
            .is_some_and(|v| *v == self.session)
    }

    /// Records `manifest` in the journal, then creates it. `target_namespace` is kept for
    /// Plans (teardown removes what the controller created there).
    pub async fn create(
        &self,
        scope: Scope,
        scenario: Option<&str>,
        manifest: &Manifest,
        target_namespace: Option<&str>,
    ) -> Result<DynamicObject, EngineError> {
        let object = &manifest.object;
        let seq = self
            .journal
            .record(
                scope,
                scenario,
                Action::Create {
                    object: object.clone(),
                    uid: None,
                    target_namespace: target_namespace.map(str::to_string),
                },
            )
            .map_err(journal_error)?;
        let body: DynamicObject = serde_json::from_value(manifest.body.clone())
            .map_err(|e| EngineError::Setup(format!("internal: {object} is not an object: {e}")))?;
        let api = object.api(&self.client);
        let created =
            match with_retry(|| async { api.create(&PostParams::default(), &body).await }).await {
                Ok(o) => o,
                Err(e) if is_already_exists(&e) => self.adopt(object, seq).await?,
                Err(e) => return Err(EngineError::api(format!("create {object}"), &e)),
            };
        let uid = created.metadata.uid.clone();
        self.journal.update(seq, |a| {
            if let Action::Create { uid: u, .. } = a {
                *u = uid;
            }
        });
        self.journal.set_state(seq, State::Done);
        Ok(created)
    }

    /// The object a retried create found already made: ours (this session's label) is
    /// adopted; anyone else's is an error, and the journal entry is dropped.
    async fn adopt(&self, object: &ObjectRef, seq: u64) -> Result<DynamicObject, EngineError> {
        let api = object.api(&self.client);
        let existing = with_retry(|| async { api.get(&object.name).await })
            .await
            .map_err(|e| EngineError::api(format!("get {object}"), &e))?;
        if !self.ours(&existing) {
            self.journal.set_state(seq, State::Undone);
            return Err(EngineError::Setup(format!(
                "{object} already exists and was not created by session {} (delete it or use another name)",
                self.session
            )));
        }
        Ok(existing)
    }

    /// Creates namespace `manifest` unless it exists (journalled, session scope, only when
    /// this run creates it). Returns whether it was created.
    pub async fn ensure_namespace(&self, manifest: &Manifest) -> Result<bool, EngineError> {
        let name = manifest.object.name.clone();
        let mut ensured = self.ensured.lock().await;
        if ensured.contains(&name) {
            return Ok(false);
        }
        let api = kinds::NAMESPACE.api(&self.client, None);
        match with_retry(|| async { api.get(&name).await }).await {
            Ok(_) => {
                ensured.insert(name);
                Ok(false)
            }
            Err(e) if is_not_found(&e) => {
                self.create(Scope::Session, None, manifest, None).await?;
                ensured.insert(name);
                Ok(true)
            }
            Err(e) => Err(EngineError::api(format!("get Namespace {name}"), &e)),
        }
    }

    /// Labels a schedulable worker node `key=value` (once per key and value in a session)
    /// and returns the node's name.
    pub async fn label_worker_node(&self, key: &str, value: &str) -> Result<String, EngineError> {
        let marker = format!("node-label:{key}={value}");
        let mut ensured = self.ensured.lock().await;
        let api = kinds::NODE.api(&self.client, None);
        let selector = format!("{key}={value}");
        if ensured.contains(&marker) {
            let nodes =
                with_retry(|| async { api.list(&ListParams::default().labels(&selector)).await })
                    .await
                    .map_err(|e| EngineError::api("list Nodes", &e))?;
            if let Some(n) = nodes.items.first().and_then(|n| n.metadata.name.clone()) {
                return Ok(n);
            }
        }
        let nodes = with_retry(|| async {
            api.list(&ListParams::default().labels("node-role.kubernetes.io/worker"))
                .await
        })
        .await
        .map_err(|e| EngineError::api("list worker Nodes", &e))?;
        let mut names: Vec<String> = nodes
            .items
            .iter()
            .filter(|n| {
                n.data
                    .pointer("/spec/unschedulable")
                    .and_then(Value::as_bool)
                    != Some(true)
            })
            .filter_map(|n| n.metadata.name.clone())
            .collect();
        names.sort();
        let node = names.into_iter().next().ok_or_else(|| {
            EngineError::Setup(
                "no schedulable Node labelled node-role.kubernetes.io/worker to carry the plan's node selector".into(),
            )
        })?;
        let seq = self
            .journal
            .record(
                Scope::Session,
                None,
                Action::NodeLabel {
                    node: node.clone(),
                    key: key.to_string(),
                    value: value.to_string(),
                },
            )
            .map_err(journal_error)?;
        let patch = json!({"metadata": {"labels": {key: value}}});
        with_retry(|| async {
            api.patch(&node, &PatchParams::default(), &Patch::Merge(&patch))
                .await
        })
        .await
        .map_err(|e| EngineError::api(format!("label Node {node} {key}={value}"), &e))?;
        self.journal.set_state(seq, State::Done);
        ensured.insert(marker);
        Ok(node)
    }

    /// The ForkliftController of `mtv_namespace` (`forklift-controller` if there are several).
    pub async fn forklift_controller(
        &self,
        mtv_namespace: &str,
    ) -> Result<DynamicObject, EngineError> {
        let api = kinds::FORKLIFT_CONTROLLER.api(&self.client, Some(mtv_namespace));
        let list = with_retry(|| async { api.list(&ListParams::default()).await })
            .await
            .map_err(|e| {
                EngineError::api(format!("list ForkliftControllers in {mtv_namespace}"), &e)
            })?;
        let mut items = list.items;
        items.sort_by_key(|o| {
            (
                o.metadata.name.as_deref() != Some("forklift-controller"),
                o.metadata.name.clone(),
            )
        });
        items.into_iter().next().ok_or_else(|| {
            EngineError::Setup(format!(
                "no ForkliftController in namespace {mtv_namespace}: is MTV installed there? (set session {{ mtv_namespace … }} or --mtv-namespace)"
            ))
        })
    }

    /// Sets `spec.<field>` of the ForkliftController in `mtv_namespace` (journalled with the
    /// previous value; once per session: later calls get the first call's answer).
    pub async fn set_controller_field(
        &self,
        mtv_namespace: &str,
        field: &str,
        value: Value,
    ) -> Result<ControllerPatch, EngineError> {
        let mut done = self.controller_fields.lock().await;
        if let Some(patch) = done.get(field) {
            return Ok(patch.clone());
        }
        let api = kinds::FORKLIFT_CONTROLLER.api(&self.client, Some(mtv_namespace));
        let controller = self.forklift_controller(mtv_namespace).await?;
        let name = controller.metadata.name.clone().unwrap_or_default();
        let previous = controller.data.pointer(&format!("/spec/{field}")).cloned();
        if previous.as_ref() == Some(&value) {
            let patch = ControllerPatch {
                name,
                changed_at: None,
            };
            done.insert(field.to_string(), patch.clone());
            return Ok(patch);
        }
        let changed_at = server_time(&self.client)
            .await
            .map_err(|message| EngineError::Api {
                action: "read the server time before patching the ForkliftController".into(),
                message,
            })?;
        let seq = self
            .journal
            .record(
                Scope::Session,
                None,
                Action::Patch {
                    object: ObjectRef::namespaced(kinds::FORKLIFT_CONTROLLER, mtv_namespace, &name),
                    path: format!("spec/{field}"),
                    previous,
                    value: value.clone(),
                },
            )
            .map_err(journal_error)?;
        let patch = json!({"spec": {field: value}});
        with_retry(|| async {
            api.patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                .await
        })
        .await
        .map_err(|e| {
            EngineError::api(
                format!("patch ForkliftController {mtv_namespace}/{name} spec.{field}"),
                &e,
            )
        })?;
        self.journal.set_state(seq, State::Done);
        let patch = ControllerPatch {
            name,
            changed_at: Some(changed_at),
        };
        done.insert(field.to_string(), patch.clone());
        Ok(patch)
    }
}
