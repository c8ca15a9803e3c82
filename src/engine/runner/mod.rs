//! A whole run: session id and journal, scenario selection against the cluster's facts
//! (each scenario gets the first provider profile that meets its `requires`), the session's
//! providers and one source and inventory connection per profile in use (`session`),
//! scenarios concurrently (`-j`), `--fail-fast`, Ctrl-C, and the session teardown with its
//! leak audit (`teardown`). Produces the [`RunReport`].

mod select;
mod session;
mod teardown;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures::StreamExt;
use mtvt_lang::ir::{ProgramIr, ScenarioIr};
use mtvt_lang::schema::enums::Destination;
use mtvt_lang::source::SourceMap;
use mtvt_profiles::Profile;
use tokio_util::sync::CancellationToken;

use super::apply::Applier;
use super::context::{Engine, Settings};
use super::error::Class;
use super::exec::{Executor, ms};
use super::journal::{self, Document, Journal};
use super::names::{SESSION_LABEL, session_id};
use super::scenario::run_scenario;
use super::watches::Watches;
use crate::cluster::Cluster;
use crate::report::progress::{Event, Progress};
use crate::report::{RunReport, ScenarioReport, Status};

/// Everything a run is made of.
pub struct RunInputs {
    /// The checked scenarios (already filtered by tag/name).
    pub program: ProgramIr,
    /// Their sources (failure rendering).
    pub sources: SourceMap,
    /// The source provider profiles, in preference order: each scenario runs with the
    /// first one its `requires` accept.
    pub profiles: Vec<Profile>,
    /// The providers file (recorded in the journal for `mtvt clean`).
    pub providers_file: Option<PathBuf>,
    /// The cluster.
    pub cluster: Cluster,
    /// Settings.
    pub settings: Settings,
    /// Concurrent scenarios.
    pub jobs: usize,
    /// Stop starting scenarios after the first failure.
    pub fail_fast: bool,
    /// `--mtv-namespace` (overrides the session's).
    pub mtv_namespace: Option<String>,
    /// `--remote-ocp-cluster` (overrides the session's).
    pub remote_ocp_cluster: Option<String>,
    /// Namespace of OpenShift source VMs.
    pub source_namespace: String,
    /// CA of the source endpoints (PEM), instead of fetching them.
    pub source_ca_pem: Option<String>,
    /// The journal file (none = memory only).
    pub journal_path: Option<PathBuf>,
    /// `--allow-ovirt-warm`: warm oVirt scenarios run (else they are skipped with the reason).
    pub allow_ovirt_warm: bool,
}

/// A scenario chosen to run: its slot in the report and its profile.
struct Runnable<'a> {
    slot: usize,
    scenario: &'a ScenarioIr,
    profile: usize,
}

fn empty_report(session: &str, cluster: &str, sources: Arc<SourceMap>) -> RunReport {
    RunReport::new(session, cluster, sources)
}

/// Refuses to overwrite a journal that still lists objects to delete.
pub fn check_previous_journal(path: &std::path::Path) -> Result<(), String> {
    if !path.exists() {
        return Ok(());
    }
    match Journal::load(path) {
        Ok(j) => {
            let pending = j.remaining();
            if pending.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "{} lists {} object(s) of session {} that were never torn down; run `mtvt clean {}` first (or move the file away)",
                    path.display(),
                    pending.len(),
                    j.snapshot().session,
                    path.display()
                ))
            }
        }
        Err(_) => Ok(()),
    }
}

/// Runs the program.
pub async fn run(inputs: RunInputs, progress: Progress, cancel: CancellationToken) -> RunReport {
    let start = Instant::now();
    let program = &inputs.program;
    let session = session_id(&program.session.target_namespace_prefix, &mut rand::rng());
    let texts = Arc::new(inputs.sources.clone());
    let mut report = empty_report(&session, &inputs.cluster.url, texts);
    let mtv_namespace = inputs
        .mtv_namespace
        .clone()
        .unwrap_or_else(|| program.session.mtv_namespace.clone());
    let (runnable, mut slots) = select::select(&inputs, &mtv_namespace, &progress).await;
    if !runnable.is_empty() {
        let cluster_uid = crate::cluster::identity::cluster_uid(&inputs.cluster.client).await;
        match open_journal(
            &inputs,
            (&session, cluster_uid),
            &mtv_namespace,
            &mut report,
        ) {
            Ok(journal) => {
                progress.send(Event::Note(format!(
                    "session {session} on {} (journal: {})",
                    inputs.cluster.url,
                    report.journal.as_deref().unwrap_or("in memory")
                )));
                let exec = executor(
                    &inputs,
                    &session,
                    &journal,
                    &progress,
                    &cancel,
                    mtv_namespace,
                );
                let run = SessionRun {
                    inputs: &inputs,
                    journal,
                    runnable: &runnable,
                };
                run_session(&run, exec, &mut report, &mut slots).await;
            }
            Err(e) => report.error = Some(e),
        }
    }
    report.scenarios = slots.into_iter().flatten().collect();
    report.duration_ms = ms(start.elapsed());
    report
}

/// The executor of a session: journalled writes, shared watches (the session's own feeds
/// started at once), progress and Ctrl-C.
fn executor(
    inputs: &RunInputs,
    session: &str,
    journal: &Arc<Journal>,
    progress: &Progress,
    cancel: &CancellationToken,
    mtv_namespace: String,
) -> Executor {
    let client = inputs.cluster.client.clone();
    let watches = Arc::new(
        Watches::new(client.clone(), Some(format!("{SESSION_LABEL}={session}")))
            .with_health(inputs.cluster.health.clone()),
    );
    watches.start_session_feeds();
    Executor {
        applier: Applier::new(client.clone(), journal.clone(), session),
        client,
        watches,
        progress: progress.clone(),
        cancel: cancel.clone(),
        mtv_namespace,
    }
}

/// A session with scenarios to run.
struct SessionRun<'a> {
    inputs: &'a RunInputs,
    journal: Arc<Journal>,
    runnable: &'a [Runnable<'a>],
}

/// Sets the session up, runs its scenarios and tears it down.
async fn run_session(
    run: &SessionRun<'_>,
    exec: Executor,
    report: &mut RunReport,
    slots: &mut [Option<ScenarioReport>],
) {
    let inputs = run.inputs;
    let progress = exec.progress.clone();
    let used: Vec<bool> = (0..inputs.profiles.len())
        .map(|i| run.runnable.iter().any(|r| r.profile == i))
        .collect();
    let remote = run.runnable.iter().any(|r| {
        r.scenario
            .plans
            .iter()
            .any(|p| p.destination == Destination::Remote)
    });
    let session = exec.applier.session.clone();
    let watches = exec.watches.clone();
    let (sides, any_failed) =
        match session::prepare(inputs, &session, &exec, &run.journal, &used, remote).await {
            Ok(prepared) => {
                let sides = prepared.sides();
                let engine = Engine {
                    cluster: inputs.cluster.clone(),
                    journal: run.journal.clone(),
                    exec,
                    session: prepared.session,
                    session_ir: inputs.program.session.clone(),
                    sources: prepared.sources,
                    settings: inputs.settings.clone(),
                    openshift: tokio::sync::OnceCell::new(),
                };
                for (slot, r) in run_all(&engine, inputs, run.runnable).await {
                    if let Some(s) = slots.get_mut(slot) {
                        *s = Some(r);
                    }
                }
                report.interrupted = engine.cancel().is_cancelled();
                let failed = slots
                    .iter()
                    .flatten()
                    .any(|s| matches!(s.status, Status::Failed | Status::Error));
                (sides, failed)
            }
            Err((e, sides)) => {
                setup_failed(report, slots, run.runnable, &e);
                (sides, false)
            }
        };
    let t = teardown::SessionEnd {
        inputs,
        journal: &run.journal,
        watches: &watches,
        sides: &sides,
    };
    teardown::session_teardown(&t, report, &progress, any_failed).await;
    if let Some(lost) = inputs.cluster.health.lost_reason() {
        report.error.get_or_insert(lost.to_string());
    }
}

/// Every runnable scenario reported not run, with the setup error.
fn setup_failed(
    report: &mut RunReport,
    slots: &mut [Option<ScenarioReport>],
    runnable: &[Runnable<'_>],
    e: &super::error::EngineError,
) {
    report.error = Some(e.to_string());
    report.interrupted = e.class() == Class::Interrupted;
    for r in runnable {
        if let Some(slot) = slots.get_mut(r.slot) {
            let mut s =
                ScenarioReport::skipped(r.scenario, format!("not run: session setup failed: {e}"));
            s.status = if report.interrupted {
                Status::Interrupted
            } else {
                Status::Error
            };
            *slot = Some(s);
        }
    }
}

/// The journal of the session (written before anything is created).
fn open_journal(
    inputs: &RunInputs,
    (session, cluster_uid): (&str, Option<String>),
    mtv_namespace: &str,
    report: &mut RunReport,
) -> Result<Arc<Journal>, String> {
    let doc = Document {
        format: journal::FORMAT.into(),
        session: session.to_string(),
        cluster: inputs.cluster.url.clone(),
        cluster_uid,
        mtv_namespace: mtv_namespace.to_string(),
        providers_file: inputs
            .providers_file
            .as_ref()
            .map(|p| p.display().to_string()),
        started: report.started.clone(),
        entries: Vec::new(),
    };
    let journal = Journal::create(inputs.journal_path.clone(), doc).map_err(|e| e.to_string())?;
    report.journal = inputs
        .journal_path
        .as_ref()
        .map(|p| p.display().to_string());
    Ok(Arc::new(journal))
}

/// Runs the runnable scenarios, `-j` at a time, honouring `--fail-fast` and Ctrl-C.
async fn run_all(
    engine: &Engine,
    inputs: &RunInputs,
    runnable: &[Runnable<'_>],
) -> Vec<(usize, ScenarioReport)> {
    let profile_names: Vec<String> = inputs.profiles.iter().map(|p| p.name.clone()).collect();
    let stop = AtomicBool::new(false);
    futures::stream::iter(runnable.iter())
        .map(|r| {
            let stop = &stop;
            let profile = profile_names.get(r.profile).cloned().unwrap_or_default();
            async move {
                if engine.cancel().is_cancelled() {
                    let mut s =
                        ScenarioReport::skipped(r.scenario, "interrupted before it started");
                    s.status = Status::Interrupted;
                    return (r.slot, s);
                }
                if stop.load(Ordering::SeqCst) {
                    let s =
                        ScenarioReport::skipped(r.scenario, "not run: --fail-fast after a failure");
                    return (r.slot, s);
                }
                let Some(binding) = engine
                    .sources
                    .iter()
                    .find(|b| b.ctx.profile.name == profile)
                else {
                    let mut s =
                        ScenarioReport::skipped(r.scenario, "internal: no source for its profile");
                    s.status = Status::Error;
                    return (r.slot, s);
                };
                let s = run_scenario(engine, binding, r.scenario).await;
                if inputs.fail_fast && matches!(s.status, Status::Failed | Status::Error) {
                    stop.store(true, Ordering::SeqCst);
                }
                (r.slot, s)
            }
        })
        .buffer_unordered(inputs.jobs.max(1))
        .collect()
        .await
}
