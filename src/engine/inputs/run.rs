//! The rest of a run's inputs once the scenarios are loaded: the cluster connection, the
//! destination storage class (`--storage-class`, else the session's, else the cluster's
//! default StorageClass — the same rule on every cluster, emulated or not), the source CA
//! file, the journal (refusing to overwrite one with objects still to delete) and the
//! run's settings.

use std::path::PathBuf;

use super::{InputError, Loaded};
use crate::cluster::storage_class::default_storage_class;
use crate::cluster::{ConnectError, ConnectOptions, connect};
use crate::engine::context::{Keep, Settings};
use crate::engine::runner::{RunInputs, check_previous_journal};

/// What a run asks for besides the scenarios.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// How to reach the cluster.
    pub cluster: ConnectOptions,
    /// `--storage-class`.
    pub storage_class: Option<String>,
    /// `--source-ca-file`.
    pub source_ca_file: Option<PathBuf>,
    /// Where the journal and diagnostics go (`None`: memory only, no diagnostics).
    pub data_collector: Option<PathBuf>,
    /// What to keep after a scenario.
    pub keep: Keep,
    /// `--must-gather`.
    pub must_gather: bool,
    /// `-j`.
    pub jobs: usize,
    /// `--fail-fast`.
    pub fail_fast: bool,
    /// `--mtv-namespace`.
    pub mtv_namespace: Option<String>,
    /// `--remote-ocp-cluster`.
    pub remote_ocp_cluster: Option<String>,
    /// `--source-namespace`.
    pub source_namespace: String,
    /// `--allow-ovirt-warm`: the cluster enables Forklift's oVirt warm gate.
    pub allow_ovirt_warm: bool,
}

/// A run's inputs, and what the user should know about how they were chosen.
pub struct Prepared {
    /// Everything the run is made of.
    pub inputs: RunInputs,
    /// Notes for the user (the storage class taken from the cluster).
    pub notes: Vec<String>,
}

/// Connects to the cluster and completes the inputs of a run of `loaded`.
pub async fn prepare_run(loaded: Loaded, req: &RunRequest) -> Result<Prepared, InputError> {
    let program = loaded.checked.program;
    if program.scenarios.is_empty() {
        return Err(InputError::Usage(
            "no scenario selected (check the paths, --tag, --skip-tag and --name)".into(),
        ));
    }
    let cluster = match connect(&req.cluster).await {
        Ok(c) => c,
        Err(ConnectError::Usage(m)) => return Err(InputError::Usage(m)),
        Err(e) => return Err(InputError::Infra(e.to_string())),
    };
    let mut notes = Vec::new();
    let storage_class = match &req.storage_class {
        Some(c) => Some(c.clone()),
        None if program.session.storage_class.is_some() => None,
        None => {
            let found = default_storage_class(&cluster.client).await;
            if let Some(c) = &found {
                notes.push(format!(
                    "destination storage class {c} (the cluster's default StorageClass)"
                ));
            }
            found
        }
    };
    if storage_class.is_none()
        && program.session.storage_class.is_none()
        && program
            .scenarios
            .iter()
            .any(|s| s.plans.iter().any(|p| p.storage_class.is_none()))
    {
        return Err(InputError::Usage(
            "no destination storage class: the cluster has no single default StorageClass; pass --storage-class CLASS (or set session { storage_class \"…\" })".into(),
        ));
    }
    let source_ca_pem = match &req.source_ca_file {
        Some(f) => Some(std::fs::read_to_string(f).map_err(|e| {
            InputError::Usage(format!("cannot read --source-ca-file {}: {e}", f.display()))
        })?),
        None => None,
    };
    let journal_path = req
        .data_collector
        .as_ref()
        .map(|d| d.join("resources.json"));
    if let Some(p) = &journal_path {
        check_previous_journal(p).map_err(InputError::Usage)?;
    }
    let inputs = RunInputs {
        program,
        sources: loaded.checked.sources,
        profiles: loaded.profiles,
        providers_file: Some(loaded.providers_file),
        cluster,
        settings: Settings {
            storage_class,
            data_collector: req.data_collector.clone(),
            keep: req.keep,
            must_gather: req.must_gather,
        },
        jobs: req.jobs,
        fail_fast: req.fail_fast,
        mtv_namespace: req.mtv_namespace.clone(),
        remote_ocp_cluster: req.remote_ocp_cluster.clone(),
        source_namespace: req.source_namespace.clone(),
        source_ca_pem,
        journal_path,
        allow_ovirt_warm: req.allow_ovirt_warm,
    };
    Ok(Prepared { inputs, notes })
}
