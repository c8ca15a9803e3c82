//! Teardown from the ledger, in the order that leaves nothing behind: cancel migrations
//! still running and archive plans (waiting until Forklift reports both done), delete the
//! VMs (and their disks) the controller created for our plans, then undo every journal
//! entry newest-first — delete objects (NotFound = done), remove node labels, restore
//! patched fields, delete source clones, remove ESXi keys — and wait until what was deleted is gone, and
//! last that the PersistentVolumes of the claims Forklift made for our plans went with
//! them (`volumes`). An object inside a namespace deleted by the same teardown is gone once
//! that namespace is, so only the namespace is awaited. Errors are collected, never stop
//! the teardown. Against an API server that stopped answering every item fails at once
//! and the errors become one line; the journal keeps what was not undone.
//!
//! Used by scenario teardown, session teardown and `mtvt clean`. It reads the journal; it
//! never creates anything.

mod entries;
mod volumes;
pub mod workloads;

use std::collections::BTreeSet;
use std::time::Duration;

use futures::future::join_all;
use tokio_util::sync::CancellationToken;

use super::conditions::deleted;
use super::journal::{Action, Entry, Journal};
use super::watches::{WaitOptions, Watches};
use crate::cluster::{ClusterLost, ObjectRef, kinds};

/// How long teardown waits for one group of deletions.
pub const GONE_TIMEOUT: Duration = Duration::from_secs(300);

/// Deletes source clones (implemented over the source adapter by the session).
pub trait SourceCleaner: Send + Sync {
    /// Deletes VM `name` (id when known) made through profile `profile`, and its
    /// artifacts; missing = done.
    fn delete<'a>(
        &'a self,
        profile: &'a str,
        name: &'a str,
        id: Option<&'a str>,
        artifacts: &'a [mtvt_source::SourceArtifact],
    ) -> futures::future::BoxFuture<'a, Result<(), String>>;
}

/// What a teardown did and what went wrong.
#[derive(Debug, Default, Clone)]
pub struct TeardownLog {
    /// Entries undone.
    pub undone: usize,
    /// Problems (each says what and why).
    pub errors: Vec<String>,
    /// Namespaces deleted and seen gone (nothing can be left inside them).
    pub gone_namespaces: BTreeSet<String>,
}

/// What a teardown works with.
pub struct Teardown<'a> {
    /// The cluster.
    pub client: &'a kube::Client,
    /// The ledger (entries are marked undone as they are).
    pub journal: &'a Journal,
    /// The run's watches (the deletion waits).
    pub watches: &'a Watches,
    /// Source clones' deleter, when the source is connected.
    pub sources: Option<&'a dyn SourceCleaner>,
    /// ESXi logins by profile (keys installed for the ssh clone method).
    pub esxi: &'a EsxiLogins,
}

/// The ESXi administrator logins of the copy-offload profiles, by profile name.
pub type EsxiLogins = std::collections::BTreeMap<String, mtvt_guest::esxi::EsxiLogin>;

/// The ESXi logins of `profiles` that have one (`esxi_host`, `esxi_user`, `esxi_password`).
pub fn esxi_logins<'p>(
    profiles: impl IntoIterator<Item = &'p mtvt_profiles::Profile>,
) -> EsxiLogins {
    profiles
        .into_iter()
        .filter_map(|p| {
            let co = p.copyoffload.as_ref()?;
            Some((
                p.name.clone(),
                mtvt_guest::esxi::EsxiLogin {
                    host: co.esxi_host.clone()?,
                    user: co.esxi_user.clone()?,
                    password: co.esxi_password.clone()?,
                },
            ))
        })
        .collect()
}

/// The label every object Forklift creates for a plan carries.
pub fn plan_selector(uid: &str) -> String {
    format!("plan={uid}")
}

/// Undoes `entries` (newest first, as [`Journal::pending`] returns them).
pub async fn undo(t: &Teardown<'_>, entries: Vec<Entry>) -> TeardownLog {
    let mut log = TeardownLog::default();
    // teardown is not interruptible: a fresh token that is never cancelled
    let never = CancellationToken::new();
    let doomed = namespaces_deleted(&entries);
    workloads::stop_migrations(t, &entries, &never, &mut log).await;
    let targets = workloads::plan_targets(&entries);
    let claims = volumes::plan_claims(t.client, &targets, &mut log).await;
    workloads::delete_plan_workloads(t, &entries, &doomed, &never, &mut log).await;
    let mut deleted_objects = Vec::new();
    for e in &entries {
        if let Some(object) = entries::undo_entry(t, e, &mut log).await {
            deleted_objects.push(object);
        }
    }
    wait_gone(t, deleted_objects, &never, &mut log).await;
    volumes::wait_released(t.client, &claims, &mut log).await;
    if let Err(e) = t.journal.flush() {
        log.errors.push(e.to_string());
    }
    if let Some(lost) = t.watches.health().lost_reason() {
        one_lost_error(&mut log, &lost, t.journal.pending(None, None).len());
    }
    log
}

/// After a teardown against a lost API server every failed item says the same: one line
/// names the cause and what the journal keeps instead.
fn one_lost_error(log: &mut TeardownLog, lost: &ClusterLost, left: usize) {
    let cause = lost.to_string();
    log.errors.retain(|e| !e.contains(&cause));
    log.errors.push(format!(
        "teardown not finished, {cause}; the journal keeps {left} item(s): run `mtvt clean` on it once the cluster answers"
    ));
}

/// The namespaces these entries delete.
fn namespaces_deleted(entries: &[Entry]) -> BTreeSet<String> {
    entries
        .iter()
        .filter_map(|e| match &e.action {
            Action::Create { object, .. } if object.kind == kinds::NAMESPACE => {
                Some(object.name.clone())
            }
            _ => None,
        })
        .collect()
}

/// Waits until every deleted object is gone: namespaces and what lives outside the deleted
/// namespaces (what lives inside is gone with its namespace).
async fn wait_gone(
    t: &Teardown<'_>,
    objects: Vec<ObjectRef>,
    never: &CancellationToken,
    log: &mut TeardownLog,
) {
    let deleted_namespaces: BTreeSet<&str> = objects
        .iter()
        .filter(|o| o.kind == kinds::NAMESPACE)
        .map(|o| o.name.as_str())
        .collect();
    let awaited: Vec<&ObjectRef> = objects
        .iter()
        .filter(|o| {
            o.namespace
                .as_deref()
                .is_none_or(|ns| !deleted_namespaces.contains(ns))
        })
        .collect();
    let opts = WaitOptions {
        timeout: GONE_TIMEOUT,
        cancel: never,
    };
    let waits = awaited
        .iter()
        .map(|o| t.watches.wait(o, deleted(), &opts, |_| {}));
    for (o, r) in awaited.iter().zip(join_all(waits).await) {
        match r {
            Ok(()) if o.kind == kinds::NAMESPACE => {
                log.gone_namespaces.insert(o.name.clone());
            }
            Ok(()) => {}
            Err(e) => log.errors.push(e.to_string()),
        }
    }
}
