//! The session-wide state every scenario of a run shares: the cluster connection, the
//! journal, the executor (applier, shared watches, progress, Ctrl-C), the session's plan
//! context (providers), the connected sources and inventories, and the run settings.

use std::path::PathBuf;
use std::sync::Arc;

use mtvt_lang::ir::SessionIr;
use tokio_util::sync::CancellationToken;

use super::exec::Executor;
use super::inventory::InventorySide;
use super::journal::Journal;
use super::plan::{SessionCtx, SourceCtx};
use super::source::SourceSide;
use crate::cluster::Cluster;

/// What happens to a scenario's objects when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Delete everything (default).
    Never,
    /// Keep the objects of failed scenarios (and the session's) for inspection.
    OnFailure,
    /// Keep everything (same as --skip-teardown).
    Always,
}

/// Run settings that shape every scenario.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `--storage-class`.
    pub storage_class: Option<String>,
    /// Where diagnostics go (none with `--skip-data-collector`).
    pub data_collector: Option<PathBuf>,
    /// Teardown policy.
    pub keep: Keep,
    /// Run `oc adm must-gather` for failed plans.
    pub must_gather: bool,
}

/// One source provider of the run: its plan context, its connected adapter and its
/// inventory.
pub struct SourceBinding {
    /// Names, profile, URL.
    pub ctx: SourceCtx,
    /// The connected adapter.
    pub side: Arc<SourceSide>,
    /// Its Forklift inventory.
    pub inventory: InventorySide,
}

/// Everything a scenario run needs.
pub struct Engine {
    /// The cluster.
    pub cluster: Cluster,
    /// The ledger.
    pub journal: Arc<Journal>,
    /// Runs every step (journalled writes, shared watches, progress, Ctrl-C).
    pub exec: Executor,
    /// Session providers and names.
    pub session: SessionCtx,
    /// Session settings of the scenarios.
    pub session_ir: SessionIr,
    /// The source providers in use (one per profile), connected.
    pub sources: Vec<SourceBinding>,
    /// Run settings.
    pub settings: Settings,
    /// The destination's OpenShift release, read once per run (`scenario::observe`).
    pub openshift: tokio::sync::OnceCell<Option<String>>,
}

impl Engine {
    /// `${env.NAME}` lookup of a run.
    pub fn env(name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    /// Live progress.
    pub fn progress(&self) -> &crate::report::progress::Progress {
        &self.exec.progress
    }

    /// Ctrl-C.
    pub fn cancel(&self) -> &CancellationToken {
        &self.exec.cancel
    }
}

impl Keep {
    /// Whether a scenario (or the session) that ended `failed` keeps its objects.
    pub fn keeps(self, failed: bool) -> bool {
        match self {
            Keep::Always => true,
            Keep::OnFailure => failed,
            Keep::Never => false,
        }
    }
}
