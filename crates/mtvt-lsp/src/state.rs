//! The server's shared state: options, profile VM names, the background checks of each
//! document, and the analysis of each document (`mtvt_lang::query::Analysis`, kept until
//! any open document changes); with the lock helpers every handler uses. It holds state
//! and computes nothing but what it caches.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use mtvt_lang::CheckOptions;
use mtvt_lang::query::Analysis;
use tower_lsp_server::ls_types::Uri;

use crate::profile::ProfileConfig;
use crate::vm_names;

/// Source VM names with where they come from.
pub(crate) type VmNames = Arc<Vec<(String, String)>>;

/// Server state shared by the handlers and the background checks.
pub(crate) struct Shared {
    pub(crate) config: ProfileConfig,
    pub(crate) opts: RwLock<Arc<CheckOptions>>,
    pub(crate) profile_vms: RwLock<Vec<(String, String)>>,
    pub(crate) profile_error: Mutex<Option<String>>,
    pub(crate) roots: RwLock<Vec<PathBuf>>,
    pub(crate) workspace_vms: Mutex<Option<VmNames>>,
    pub(crate) checks: Mutex<HashMap<Uri, CheckState>>,
    /// Bumped whenever an open document changes (an import may be one of them).
    pub(crate) generation: AtomicU64,
    /// The last analysis of each document, with the generation it was made at.
    pub(crate) analyses: Mutex<HashMap<Uri, (u64, Arc<Analysis>)>>,
}

/// The background check of one document.
#[derive(Debug, Default)]
pub(crate) struct CheckState {
    pub(crate) running: bool,
    /// The document changed (or an import did) while the check ran.
    pub(crate) again: bool,
}

pub(crate) fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn lock<T>(l: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    l.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Inputs of a document's [`Analysis`].
pub(crate) struct AnalysisInputs {
    pub(crate) uri: Uri,
    pub(crate) name: String,
    pub(crate) text: Arc<str>,
    pub(crate) dir: Option<PathBuf>,
    pub(crate) stdlib: mtvt_lang::Stdlib,
    pub(crate) overlay: mtvt_lang::Overlay,
    pub(crate) shared: Arc<Shared>,
}

impl AnalysisInputs {
    /// The document's analysis: the cached one while no document changed, else a new one
    /// (blocking: imports are read from disk).
    pub(crate) fn analysis(&self) -> Arc<Analysis> {
        let generation = self.shared.generation.load(Ordering::SeqCst);
        if let Some((g, a)) = lock(&self.shared.analyses).get(&self.uri)
            && *g == generation
        {
            return a.clone();
        }
        let a = Arc::new(Analysis::new(
            &self.name,
            &self.text,
            self.dir.as_deref(),
            &self.stdlib,
            self.overlay.clone(),
        ));
        lock(&self.shared.analyses).insert(self.uri.clone(), (generation, a.clone()));
        a
    }
}

/// Source VM names: the profile's, then the workspace's (scanned once, until a save).
/// Blocking (the first call reads the workspace).
pub(crate) fn vm_names(shared: &Shared) -> VmNames {
    let cached = lock(&shared.workspace_vms).clone();
    let workspace = match cached {
        Some(v) => v,
        None => {
            let roots = read(&shared.roots).clone();
            let v = Arc::new(vm_names::scan(&roots));
            *lock(&shared.workspace_vms) = Some(v.clone());
            v
        }
    };
    let mut all: Vec<(String, String)> = read(&shared.profile_vms)
        .iter()
        .map(|(n, p)| (n.clone(), format!("provider profile {p}")))
        .collect();
    all.extend(workspace.iter().cloned());
    Arc::new(all)
}
