//! A whole run: session id and journal, scenario selection against the cluster's facts
//! (each scenario gets the first provider profile that meets its `requires`), the session's
//! providers (created once, shared), one source and inventory connection per profile in
//! use, scenarios concurrently (`-j`), `--fail-fast`, Ctrl-C, and the session teardown with
//! its leak audit. Produces the [`RunReport`].

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures::StreamExt;
use mtvt_lang::ir::{ProgramIr, ScenarioIr};
use mtvt_lang::schema::enums::Destination;
use mtvt_lang::source::SourceMap;
use mtvt_profiles::Profile;
use mtvt_vocab::ProviderKind;
use tokio_util::sync::CancellationToken;

use super::apply::Applier;
use super::ca_fetch;
use super::cleanup::{self, SourceCleaner};
use super::context::{Engine, Keep, Settings, SourceBinding};
use super::error::{Class, EngineError};
use super::inventory::{InventorySide, InventoryTarget};
use super::journal::{self, Document, Journal, Scope, State};
use super::manifests::Owner;
use super::names::{SessionNames, SourceNames, session_id};
use super::plan::{SessionCtx, SourceCtx, Step, session_steps, source_steps};
use super::scenario::run_scenario;
use super::select::{Decision, RunFacts, decide};
use super::source::SourceSide;
use super::sweep::{self, SourceProbe};
use super::wait::{Check, WaitFor, blockers, condition_true, conditions_text, wait_object};
use crate::cluster::{Cluster, MtvVersion, mtv_version};
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

fn source_url(profile: &Profile, cluster_url: &str) -> String {
    match profile.provider_type {
        ProviderKind::Openshift => cluster_url.to_string(),
        ProviderKind::Ova => profile.api_url.clone(),
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

/// Which profile runs `s`, or why none can.
fn choose(s: &ScenarioIr, facts: &[RunFacts], profiles: &[Profile]) -> Result<usize, String> {
    let mut reasons = Vec::new();
    for (i, f) in facts.iter().enumerate() {
        match decide(s, f) {
            Decision::Run => return Ok(i),
            Decision::Skip(r) => reasons.push(match profiles.get(i) {
                Some(p) if profiles.len() > 1 => format!("profile {}: {r}", p.name),
                _ => r,
            }),
        }
    }
    Err(reasons.join("; "))
}

/// What the run needs before any scenario: the session and its source providers.
struct Prepared {
    session: SessionCtx,
    sources: Vec<Option<SourceBinding>>,
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
    let version = match mtv_version(&inputs.cluster.client, &mtv_namespace).await {
        MtvVersion::Known(v, t) => Ok((v, t)),
        MtvVersion::Unknown(why) => Err(why),
    };
    let remote_cluster = inputs
        .remote_ocp_cluster
        .clone()
        .unwrap_or_else(|| program.session.remote_ocp_cluster.clone());
    let facts: Vec<RunFacts> = inputs
        .profiles
        .iter()
        .map(|p| RunFacts {
            provider_type: p.provider_type.as_str().to_string(),
            mtv_version: version.clone(),
            remote_cluster: remote_cluster.clone(),
            cluster_url: inputs.cluster.url.clone(),
            copyoffload_missing: p
                .copyoffload_missing_fields()
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            has_copyoffload: p.copyoffload.is_some(),
            ovirt_warm_allowed: inputs.allow_ovirt_warm,
        })
        .collect();
    // (slot, scenario, profile index)
    let mut runnable: Vec<(usize, &ScenarioIr, usize)> = Vec::new();
    let mut slots: Vec<Option<ScenarioReport>> = Vec::new();
    for s in &program.scenarios {
        match choose(s, &facts, &inputs.profiles) {
            Ok(p) => {
                runnable.push((slots.len(), s, p));
                slots.push(None);
            }
            Err(reason) => {
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
    let finish = |mut report: RunReport, slots: Vec<Option<ScenarioReport>>| {
        report.scenarios = slots.into_iter().flatten().collect();
        report.duration_ms = super::execute::ms(start.elapsed());
        report
    };
    if runnable.is_empty() {
        return finish(report, slots);
    }
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
            return finish(report, slots);
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
    let applier = Applier::new(inputs.cluster.client.clone(), journal.clone(), &session);
    let used: Vec<bool> = (0..inputs.profiles.len())
        .map(|i| runnable.iter().any(|(_, _, p)| *p == i))
        .collect();
    let remote = runnable
        .iter()
        .any(|(_, s, _)| s.plans.iter().any(|p| p.destination == Destination::Remote));
    let setup = prepare(
        &inputs,
        &session,
        &mtv_namespace,
        remote,
        &used,
        &applier,
        &journal,
        &progress,
        &cancel,
    )
    .await;
    let prepared = match setup {
        Ok(p) => p,
        Err((e, bindings)) => {
            report.error = Some(e.to_string());
            report.interrupted = e.class() == Class::Interrupted;
            for (i, s, _) in &runnable {
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
            let sides: Vec<Arc<SourceSide>> = bindings;
            session_teardown(&inputs, &journal, &sides, &mut report, &progress, false).await;
            return finish(report, slots);
        }
    };
    let sides: Vec<Arc<SourceSide>> = prepared
        .sources
        .iter()
        .flatten()
        .map(|b| b.side.clone())
        .collect();
    let engine = Engine {
        cluster: inputs.cluster.clone(),
        journal: journal.clone(),
        applier,
        session: prepared.session,
        session_ir: program.session.clone(),
        sources: prepared.sources.into_iter().flatten().collect(),
        settings: inputs.settings.clone(),
        progress: progress.clone(),
        cancel: cancel.clone(),
        texts: Arc::new(inputs.sources.clone()),
    };
    let profile_names: Vec<String> = inputs.profiles.iter().map(|p| p.name.clone()).collect();
    let stop = AtomicBool::new(false);
    let results: Vec<(usize, ScenarioReport)> = futures::stream::iter(runnable.iter())
        .map(|(i, s, p)| {
            let engine = &engine;
            let stop = &stop;
            let fail_fast = inputs.fail_fast;
            let profile = profile_names.get(*p).cloned().unwrap_or_default();
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
                let Some(binding) = engine
                    .sources
                    .iter()
                    .find(|b| b.ctx.profile.name == profile)
                else {
                    let mut r = ScenarioReport::skipped(s, "internal: no source for its profile");
                    r.status = Status::Error;
                    return (*i, r);
                };
                let r = run_scenario(engine, binding, s).await;
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
    report.interrupted = cancel.is_cancelled();
    let any_failed = slots
        .iter()
        .flatten()
        .any(|s| matches!(s.status, Status::Failed | Status::Error));
    session_teardown(
        &inputs,
        &journal,
        &sides,
        &mut report,
        &progress,
        any_failed,
    )
    .await;
    finish(report, slots)
}

type SetupError = (EngineError, Vec<Arc<SourceSide>>);

/// Creates the session's objects and connects each profile in use.
#[allow(clippy::too_many_arguments)]
async fn prepare(
    inputs: &RunInputs,
    session: &str,
    mtv_namespace: &str,
    remote: bool,
    used: &[bool],
    applier: &Applier,
    journal: &Arc<Journal>,
    progress: &Progress,
    cancel: &CancellationToken,
) -> Result<Prepared, SetupError> {
    let token = inputs
        .cluster
        .token
        .as_ref()
        .map(|t| t.expose().to_string());
    let openshift_source = inputs
        .profiles
        .iter()
        .zip(used)
        .any(|(p, u)| *u && p.provider_type == ProviderKind::Openshift);
    if (remote || openshift_source) && token.is_none() {
        return Err((EngineError::Setup("a remote destination or an OpenShift source needs the cluster's bearer token, and the kubeconfig has none: log in with a token (oc login, or --cluster-url with --token)".into()), Vec::new()));
    }
    let session_ctx = SessionCtx {
        owner: Owner {
            session: session.to_string(),
            scenario: None,
        },
        names: SessionNames::new(session),
        cluster_url: inputs.cluster.url.clone(),
        cluster_token: token,
        mtv_namespace: mtv_namespace.to_string(),
        remote,
    };
    let runner = SessionStepRunner {
        cluster: &inputs.cluster,
        applier,
        cancel,
        progress,
    };
    let mut sides: Vec<Arc<SourceSide>> = Vec::new();
    // connect to every source first: a wrong password fails before anything is created
    let mut ctxs: Vec<Option<(SourceCtx, Arc<SourceSide>)>> = Vec::new();
    for (profile, used) in inputs.profiles.iter().zip(used) {
        if !used {
            ctxs.push(None);
            continue;
        }
        let (ctx, tls) = source_ctx(inputs, session, profile)
            .await
            .map_err(|e| (e, sides.clone()))?;
        progress.send(Event::Note(format!(
            "connecting to the {} source of profile {}",
            ctx.provider_type(),
            profile.name
        )));
        let side = SourceSide::connect(
            profile,
            tls,
            &inputs.cluster.client,
            &inputs.source_namespace,
            journal.clone(),
            session,
        )
        .await
        .map(Arc::new)
        .map_err(|e| (e, sides.clone()))?;
        sides.push(side.clone());
        ctxs.push(Some((ctx, side)));
    }
    for step in session_steps(&session_ctx) {
        runner.run(&step).await.map_err(|e| (e, sides.clone()))?;
    }
    let mut bindings = Vec::new();
    for entry in ctxs {
        let Some((ctx, side)) = entry else {
            bindings.push(None);
            continue;
        };
        for step in source_steps(&session_ctx, &ctx) {
            runner.run(&step).await.map_err(|e| (e, sides.clone()))?;
        }
        let inv_tls = mtvt_source::TlsOptions {
            insecure_skip_verify: inputs.cluster.insecure
                || inputs.program.session.insecure_verify_skip,
            ca_bundle_pem: inputs.cluster.ca_pem.clone(),
        };
        let token = inputs.cluster.token.clone().ok_or_else(|| {
            (
                EngineError::Setup("the Forklift inventory needs a bearer token and the kubeconfig has none: log in with a token (oc login, or --cluster-url with --token)".into()),
                sides.clone(),
            )
        })?;
        let target = InventoryTarget {
            mtv_namespace,
            token,
            tls: &inv_tls,
            kind: side.kind,
            provider_name: &ctx.names.provider,
            provider_namespace: &session_ctx.names.namespace,
            openshift_namespace: &inputs.source_namespace,
        };
        let inventory = InventorySide::connect(&inputs.cluster.client, &target)
            .await
            .map_err(|e| (e, sides.clone()))?;
        bindings.push(Some(SourceBinding {
            ctx,
            side,
            inventory,
        }));
    }
    Ok(Prepared {
        session: session_ctx,
        sources: bindings,
    })
}

/// The source context of a profile (fetching the endpoint's CA when TLS is verified) and
/// the TLS options mtvt's own adapter uses.
async fn source_ctx(
    inputs: &RunInputs,
    session: &str,
    profile: &Profile,
) -> Result<(SourceCtx, mtvt_source::TlsOptions), EngineError> {
    let insecure = inputs.program.session.source_provider_insecure_skip_verify;
    let url = source_url(profile, &inputs.cluster.url);
    let mut ca = inputs.source_ca_pem.clone();
    let fetch = match profile.provider_type {
        // the pytest suite always fetches oVirt's CA (its image transfer needs it)
        ProviderKind::Ovirt => true,
        ProviderKind::Vsphere | ProviderKind::Openstack => !insecure,
        _ => false,
    };
    if ca.is_none()
        && fetch
        && let Some((host, port)) = ca_fetch::https_target(&url)
    {
        match ca_fetch::fetch_chain(&host, port).await {
            Ok(pem) => ca = Some(pem),
            Err(e) if insecure => tracing::warn!("cannot fetch the source CA: {e}"),
            Err(e) => {
                return Err(EngineError::Setup(format!(
                    "cannot fetch the CA of the source provider of profile {} ({e}); pass --source-ca-file FILE or set session {{ source_provider_insecure_skip_verify true }}",
                    profile.name
                )));
            }
        }
    }
    let tls = mtvt_source::TlsOptions {
        insecure_skip_verify: insecure,
        ca_bundle_pem: ca.clone().map(String::into_bytes),
    };
    let ctx = SourceCtx {
        names: SourceNames::new(session, &profile.name),
        profile: profile.clone(),
        url,
        insecure,
        ca_pem: ca,
    };
    Ok((ctx, tls))
}

/// Runs session steps (creates and waits) before the [`Engine`] exists.
struct SessionStepRunner<'a> {
    cluster: &'a Cluster,
    applier: &'a Applier,
    cancel: &'a CancellationToken,
    progress: &'a Progress,
}

impl SessionStepRunner<'_> {
    async fn run(&self, step: &Step) -> Result<(), EngineError> {
        if self.cancel.is_cancelled() {
            return Err(EngineError::Interrupted);
        }
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
                    class: Class::Infra,
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
    sides: &[Arc<SourceSide>],
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
    // whatever scenarios left (interrupted ones) plus the session's own objects; source clones
    // are deleted through the adapter of the profile that made them
    let entries = journal.pending(None, None);
    let multi = MultiSource(sides);
    let log = cleanup::undo(&inputs.cluster.client, journal, entries, Some(&multi)).await;
    report.teardown_errors.extend(log.errors);
    report.leaks = sweep::sweep(
        &inputs.cluster.client,
        &journal.snapshot(),
        None,
        Some(&multi),
    )
    .await;
}

/// Source clean-up over several profiles: the adapter of the profile that made the VM.
struct MultiSource<'a>(&'a [Arc<SourceSide>]);

impl MultiSource<'_> {
    fn side(&self, profile: &str) -> Result<&SourceSide, String> {
        self.0
            .iter()
            .find(|s| s.profile.name == profile)
            .map(|s| s.as_ref())
            .ok_or_else(|| format!("profile {profile} is not connected"))
    }
}

impl SourceCleaner for MultiSource<'_> {
    fn delete<'a>(
        &'a self,
        profile: &'a str,
        name: &'a str,
        id: Option<&'a str>,
        artifacts: &'a [mtvt_source::SourceArtifact],
    ) -> futures::future::BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            self.side(profile)?
                .delete(profile, name, id, artifacts)
                .await
        })
    }
}

impl SourceProbe for MultiSource<'_> {
    fn exists<'a>(
        &'a self,
        profile: &'a str,
        name: &'a str,
    ) -> futures::future::BoxFuture<'a, Result<bool, String>> {
        Box::pin(async move { self.side(profile)?.exists(profile, name).await })
    }
}
