//! A whole run: session id and journal, scenario selection against the cluster's facts,
//! the session's providers (created once, shared), the source and inventory connections,
//! scenarios concurrently (`-j`), `--fail-fast`, Ctrl-C, and the session teardown with its
//! leak audit. Produces the [`RunReport`].

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures::StreamExt;
use mtvt_lang::ir::ProgramIr;
use mtvt_lang::schema::enums::Destination;
use mtvt_lang::source::SourceMap;
use mtvt_profiles::{Profile, ProviderType};
use tokio_util::sync::CancellationToken;

use super::apply::Applier;
use super::ca_fetch;
use super::cleanup::{self, SourceCleaner};
use super::context::{Engine, Keep, Settings};
use super::error::EngineError;
use super::inventory::{InventorySide, InventoryTarget};
use super::journal::{self, Document, Journal, Scope, State};
use super::manifests::Owner;
use super::names::{SessionNames, session_id};
use super::plan::{SessionCtx, session_steps};
use super::scenario::run_scenario;
use super::select::{Decision, RunFacts, decide};
use super::source::SourceSide;
use super::sweep::{self, SourceProbe};
use crate::cluster::{Cluster, MtvVersion, mtv_version};
use crate::report::progress::{Event, Progress};
use crate::report::{RunReport, ScenarioReport, Status};

/// Everything a run is made of.
pub struct RunInputs {
    /// The checked scenarios (already filtered by tag/name).
    pub program: ProgramIr,
    /// Their sources (failure rendering).
    pub sources: SourceMap,
    /// The source provider profile.
    pub profile: Profile,
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
    /// CA of the source endpoint (PEM), instead of fetching it.
    pub source_ca_pem: Option<String>,
    /// The journal file (none = memory only).
    pub journal_path: Option<PathBuf>,
}

fn source_url(profile: &Profile, cluster_url: &str) -> String {
    match profile.provider_type {
        ProviderType::Openshift => cluster_url.to_string(),
        ProviderType::Ova => profile.api_url.clone(),
        _ => mtvt_source::SourceEndpoint::from_profile(profile, Default::default())
            .api_url()
            .map(|u| u.to_string())
            .unwrap_or_else(|_| profile.api_url.clone()),
    }
}

fn empty_report(session: &str, cluster: &str) -> RunReport {
    RunReport {
        session: session.to_string(),
        cluster: cluster.to_string(),
        started: chrono::Utc::now().to_rfc3339(),
        duration_ms: 0,
        scenarios: Vec::new(),
        teardown_errors: Vec::new(),
        leaks: Vec::new(),
        teardown_skipped: false,
        error: None,
        interrupted: false,
        journal: None,
    }
}

/// Refuses to overwrite a journal that still lists objects to delete.
pub fn check_previous_journal(path: &std::path::Path) -> Result<(), String> {
    if !path.exists() {
        return Ok(());
    }
    match Journal::load(path) {
        Ok(j) => {
            let pending = j.pending(None, None);
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
    let mut report = empty_report(&session, &inputs.cluster.url);
    let mtv_namespace = inputs
        .mtv_namespace
        .clone()
        .unwrap_or_else(|| program.session.mtv_namespace.clone());
    // what the requirements are checked against
    let version = match mtv_version(&inputs.cluster.client, &mtv_namespace).await {
        MtvVersion::Known(v, t) => Ok((v, t)),
        MtvVersion::Unknown(why) => Err(why),
    };
    let facts = RunFacts {
        provider_type: inputs.profile.provider_type.as_str().to_string(),
        mtv_version: version,
        remote_cluster: inputs
            .remote_ocp_cluster
            .clone()
            .unwrap_or_else(|| program.session.remote_ocp_cluster.clone()),
        cluster_url: inputs.cluster.url.clone(),
        copyoffload_missing: inputs
            .profile
            .copyoffload_missing_fields()
            .iter()
            .map(|s| (*s).to_string())
            .collect(),
        has_copyoffload: inputs.profile.copyoffload.is_some(),
    };
    let mut runnable = Vec::new();
    let mut slots: Vec<Option<ScenarioReport>> = Vec::new();
    for s in &program.scenarios {
        match decide(s, &facts) {
            Decision::Run => {
                runnable.push((slots.len(), s));
                slots.push(None);
            }
            Decision::Skip(reason) => {
                progress.send(Event::Finished {
                    scenario: s.name.clone(),
                    status: Status::Skipped,
                    duration: std::time::Duration::ZERO,
                    reason: Some(reason.clone()),
                });
                slots.push(Some(ScenarioReport::skipped(s, reason)));
            }
        }
    }
    if runnable.is_empty() {
        report.scenarios = slots.into_iter().flatten().collect();
        report.duration_ms = super::execute::ms(start.elapsed());
        return report;
    }
    // journal
    let doc = Document {
        format: journal::FORMAT.into(),
        session: session.clone(),
        cluster: inputs.cluster.url.clone(),
        mtv_namespace: mtv_namespace.clone(),
        providers_file: inputs
            .providers_file
            .as_ref()
            .map(|p| p.display().to_string()),
        started: report.started.clone(),
        entries: Vec::new(),
    };
    let journal = match Journal::create(inputs.journal_path.clone(), doc) {
        Ok(j) => Arc::new(j),
        Err(e) => {
            report.error = Some(e.to_string());
            report.scenarios = slots.into_iter().flatten().collect();
            return report;
        }
    };
    report.journal = inputs
        .journal_path
        .as_ref()
        .map(|p| p.display().to_string());
    progress.send(Event::Note(format!(
        "session {session} on {} (journal: {})",
        inputs.cluster.url,
        report.journal.as_deref().unwrap_or("in memory")
    )));
    // session context
    let source_insecure = program.session.source_provider_insecure_skip_verify;
    let url = source_url(&inputs.profile, &inputs.cluster.url);
    let mut source_ca = inputs.source_ca_pem.clone();
    let fetch_ca = match inputs.profile.provider_type {
        ProviderType::Ovirt => true,
        ProviderType::Vsphere | ProviderType::Openstack => !source_insecure,
        _ => false,
    };
    if source_ca.is_none()
        && fetch_ca
        && let Some((host, port)) = ca_fetch::https_target(&url)
    {
        match ca_fetch::fetch_chain(&host, port).await {
            Ok(pem) => source_ca = Some(pem),
            Err(e) if source_insecure => tracing::warn!("cannot fetch the source CA: {e}"),
            Err(e) => {
                report.error = Some(format!(
                    "cannot fetch the CA of the source provider ({e}); pass --source-ca-file FILE or set session {{ source_provider_insecure_skip_verify true }}"
                ));
                report.scenarios = slots.into_iter().flatten().collect();
                return report;
            }
        }
    }
    let remote = runnable
        .iter()
        .any(|(_, s)| s.plans.iter().any(|p| p.destination == Destination::Remote));
    let names = SessionNames::new(&session, inputs.profile.provider_type.as_str());
    let token = inputs
        .cluster
        .token
        .as_ref()
        .map(|t| t.expose().to_string());
    if (remote || inputs.profile.provider_type == ProviderType::Openshift) && token.is_none() {
        report.error = Some("a remote destination or an OpenShift source needs the cluster's bearer token, and the kubeconfig has none: log in with a token (oc login / --token)".into());
        report.scenarios = slots.into_iter().flatten().collect();
        return report;
    }
    let session_ctx = SessionCtx {
        owner: Owner {
            session: session.clone(),
            scenario: None,
        },
        names,
        profile: inputs.profile.clone(),
        source_url: url,
        source_insecure,
        source_ca_pem: source_ca.clone(),
        cluster_url: inputs.cluster.url.clone(),
        cluster_token: token,
        mtv_namespace: mtv_namespace.clone(),
        remote,
    };
    let applier = Applier::new(inputs.cluster.client.clone(), journal.clone(), &session);
    // session objects
    let setup = session_setup(
        &inputs,
        &session_ctx,
        &applier,
        &journal,
        &progress,
        &cancel,
        &session,
        source_ca,
    )
    .await;
    let (source, inventory) = match setup {
        Ok(x) => x,
        Err((e, source)) => {
            report.error = Some(e.to_string());
            report.interrupted = matches!(e, EngineError::Interrupted);
            for (i, s) in &runnable {
                if let Some(slot) = slots.get_mut(*i) {
                    let mut r =
                        ScenarioReport::skipped(s, format!("not run: session setup failed: {e}"));
                    r.status = if report.interrupted {
                        Status::Interrupted
                    } else {
                        Status::Error
                    };
                    *slot = Some(r);
                }
            }
            session_teardown(
                &inputs,
                &journal,
                source.as_deref(),
                &mut report,
                &progress,
                false,
            )
            .await;
            report.scenarios = slots.into_iter().flatten().collect();
            report.duration_ms = super::execute::ms(start.elapsed());
            return report;
        }
    };
    let engine = Engine {
        cluster: inputs.cluster.clone(),
        journal: journal.clone(),
        applier,
        session: session_ctx,
        session_ir: program.session.clone(),
        source: source.clone(),
        inventory,
        settings: inputs.settings.clone(),
        progress: progress.clone(),
        cancel: cancel.clone(),
        sources: Arc::new(inputs.sources.clone()),
    };
    let stop = AtomicBool::new(false);
    let results: Vec<(usize, ScenarioReport)> = futures::stream::iter(runnable.iter())
        .map(|(i, s)| {
            let engine = &engine;
            let stop = &stop;
            let fail_fast = inputs.fail_fast;
            async move {
                if engine.cancel.is_cancelled() {
                    let mut r = ScenarioReport::skipped(s, "interrupted before it started");
                    r.status = Status::Interrupted;
                    return (*i, r);
                }
                if stop.load(Ordering::SeqCst) {
                    return (
                        *i,
                        ScenarioReport::skipped(s, "not run: --fail-fast after a failure"),
                    );
                }
                let r = run_scenario(engine, s).await;
                if fail_fast && matches!(r.status, Status::Failed | Status::Error) {
                    stop.store(true, Ordering::SeqCst);
                }
                (*i, r)
            }
        })
        .buffer_unordered(inputs.jobs.max(1))
        .collect()
        .await;
    for (i, r) in results {
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(r);
        }
    }
    report.scenarios = slots.into_iter().flatten().collect();
    report.interrupted = cancel.is_cancelled();
    let any_failed = report
        .scenarios
        .iter()
        .any(|s| matches!(s.status, Status::Failed | Status::Error));
    session_teardown(
        &inputs,
        &journal,
        Some(&source),
        &mut report,
        &progress,
        any_failed,
    )
    .await;
    report.duration_ms = super::execute::ms(start.elapsed());
    report
}

type SetupError = (EngineError, Option<Arc<SourceSide>>);

#[allow(clippy::too_many_arguments)]
async fn session_setup(
    inputs: &RunInputs,
    ctx: &SessionCtx,
    applier: &Applier,
    journal: &Arc<Journal>,
    progress: &Progress,
    cancel: &CancellationToken,
    session: &str,
    source_ca: Option<String>,
) -> Result<(Arc<SourceSide>, InventorySide), SetupError> {
    progress.send(Event::Note(format!(
        "connecting to the {} source of profile {}",
        ctx.provider_type(),
        inputs.profile.name
    )));
    let tls = mtvt_source::TlsOptions {
        insecure_skip_verify: ctx.source_insecure,
        ca_bundle_pem: source_ca.map(String::into_bytes),
    };
    let source = SourceSide::connect(
        &inputs.profile,
        tls,
        &inputs.cluster.client,
        &inputs.source_namespace,
        journal.clone(),
        session,
    )
    .await
    .map(Arc::new)
    .map_err(|e| (e, None))?;
    // a tiny engine view for the session steps
    let engine_view = SessionStepRunner {
        cluster: &inputs.cluster,
        applier,
        cancel,
        progress,
    };
    for step in session_steps(ctx) {
        if cancel.is_cancelled() {
            return Err((EngineError::Interrupted, Some(source)));
        }
        engine_view
            .run(&step)
            .await
            .map_err(|e| (e, Some(source.clone())))?;
    }
    let inv_tls = mtvt_source::TlsOptions {
        insecure_skip_verify: inputs.cluster.insecure
            || inputs.program.session.insecure_verify_skip,
        ca_bundle_pem: inputs.cluster.ca_pem.clone(),
    };
    let token = inputs.cluster.token.clone().ok_or_else(|| {
        (
            EngineError::Setup(
                "the Forklift inventory needs a bearer token and the kubeconfig has none: log in with a token (oc login, or --cluster-url with --token)".into(),
            ),
            Some(source.clone()),
        )
    })?;
    let kind = source.kind;
    let target = InventoryTarget {
        mtv_namespace: &ctx.mtv_namespace,
        token,
        tls: &inv_tls,
        kind,
        provider_name: &ctx.names.source_provider,
        provider_namespace: &ctx.names.namespace,
        openshift_namespace: &inputs.source_namespace,
    };
    let inventory = InventorySide::connect(&inputs.cluster.client, &target)
        .await
        .map_err(|e| (e, Some(source.clone())))?;
    Ok((source, inventory))
}

/// Runs session steps (creates and waits) without a full [`Engine`].
struct SessionStepRunner<'a> {
    cluster: &'a Cluster,
    applier: &'a Applier,
    cancel: &'a CancellationToken,
    progress: &'a Progress,
}

impl SessionStepRunner<'_> {
    async fn run(&self, step: &super::plan::Step) -> Result<(), EngineError> {
        use super::plan::Step;
        use super::wait::{Check, WaitFor, blockers, condition_true, conditions_text, wait_object};
        match step {
            Step::Create { manifest, .. } => {
                let kind = manifest
                    .get("kind")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("?");
                let name = manifest
                    .pointer("/metadata/name")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("?");
                self.progress
                    .send(Event::Note(format!("create {kind} {name}")));
                self.applier
                    .create(Scope::Session, None, manifest, None)
                    .await
                    .map(|_| ())
            }
            Step::WaitCondition {
                kind,
                namespace,
                name,
                condition,
                timeout,
            } => {
                self.progress.send(Event::Note(format!(
                    "wait until {} {name} is {condition}",
                    kind.kind
                )));
                let api = kind.api(&self.cluster.client, Some(namespace));
                let spec = WaitFor {
                    what: format!("{} {namespace}/{name}", kind.kind),
                    condition: format!("have condition {condition}=True"),
                    timeout: *timeout,
                    class: super::error::Class::Infra,
                };
                wait_object(
                    &api,
                    name,
                    &spec,
                    self.cancel,
                    |o| match o {
                        Some(o) if condition_true(o, condition) => Check::Done(()),
                        Some(o)
                            if o.data
                                .pointer("/status/phase")
                                .and_then(serde_json::Value::as_str)
                                == Some("ConnectionFailed") =>
                        {
                            Check::Fail(format!(
                                "the connection test failed: {}",
                                blockers(o).join("; ")
                            ))
                        }
                        _ => Check::Pending,
                    },
                    conditions_text,
                    |_| {},
                )
                .await
                .map_err(|e| match e {
                    EngineError::Product(m) => EngineError::Setup(m),
                    other => other,
                })
            }
            other => Err(EngineError::Setup(format!(
                "internal: unexpected session step {other:?}"
            ))),
        }
    }
}

async fn session_teardown(
    inputs: &RunInputs,
    journal: &Journal,
    source: Option<&SourceSide>,
    report: &mut RunReport,
    progress: &Progress,
    any_failed: bool,
) {
    let keep = match inputs.settings.keep {
        Keep::Always => true,
        Keep::OnFailure => any_failed,
        Keep::Never => false,
    };
    if keep {
        for e in journal.pending(None, None) {
            journal.set_state(e.seq, State::Kept);
        }
        let _ = journal.flush();
        report.teardown_skipped = true;
        progress.send(Event::Note(
            "teardown skipped: the objects stay; `mtvt clean` with the journal removes them".into(),
        ));
        return;
    }
    progress.send(Event::Note("session teardown".into()));
    // whatever scenarios left (interrupted ones) plus the session's own objects
    let entries = journal.pending(None, None);
    let src = source.map(|s| s as &dyn SourceCleaner);
    let log = cleanup::undo(&inputs.cluster.client, journal, entries, src).await;
    report.teardown_errors.extend(log.errors);
    let probe = source.map(|s| s as &dyn SourceProbe);
    report.leaks = sweep::sweep(&inputs.cluster.client, &journal.snapshot(), None, probe).await;
}
