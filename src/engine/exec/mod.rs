//! The one executor (chainsaw's one `Operation` interface, a module per verb): it runs
//! session, scenario and plan steps alike — creates through the journal, ensured
//! namespaces, named waits on shared watches, source preparation and inventory waits, node
//! labels, the precopy patch, the migration start, the lifecycle steps after an outcome
//! (archive, delete) — and returns what later steps need
//! ([`Output`]: the created object with its uid, the object a wait ended on). Consecutive
//! source steps of one kind run concurrently as one batch.
//!
//! It decides nothing about which steps run (that is `plan`) and reads scenario state only
//! through [`ScenarioRun`].

mod archive;
mod cancel;
mod changes;
mod create;
mod delete;
pub mod esxi;
mod source;
mod wait;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::join_all;
use kube::api::DynamicObject;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::apply::Applier;
use super::context::SourceBinding;
use super::error::EngineError;
use super::plan::{ScenarioCtx, Step, Until};
use super::source::PreparedVm;
use super::watches::Watches;
use crate::report::StepReport;
use crate::report::progress::{Event, Progress};

/// What a step produced.
#[derive(Debug, Clone)]
pub enum Output {
    /// Nothing later steps read.
    Nothing,
    /// The object created, or the object a wait ended on.
    Object(Box<DynamicObject>),
}

/// What preparation and the inventory returned for one scenario VM.
#[derive(Debug, Clone, Default)]
pub struct VmState {
    /// The prepared source VM.
    pub prepared: Option<PreparedVm>,
    /// Its inventory document.
    pub inventory: Option<Value>,
}

/// One scenario in progress: what its steps read (plans, source) and write (per VM, what
/// preparation and the inventory returned — chainsaw's bindings).
pub struct ScenarioRun<'a> {
    /// The resolved scenario.
    pub ctx: &'a ScenarioCtx<'a>,
    /// Its source provider and inventory.
    pub source: &'a SourceBinding,
    vms: Mutex<Vec<Vec<VmState>>>,
}

impl<'a> ScenarioRun<'a> {
    /// A scenario about to run.
    pub fn new(ctx: &'a ScenarioCtx<'a>, source: &'a SourceBinding) -> Self {
        let vms = ctx
            .plans
            .iter()
            .map(|p| vec![VmState::default(); p.ir.vms.len()])
            .collect();
        ScenarioRun {
            ctx,
            source,
            vms: Mutex::new(vms),
        }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.ctx.ir.name
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Vec<Vec<VmState>>> {
        self.vms.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What is known of the VMs of plan `plan`, in order.
    pub fn vms_of(&self, plan: usize) -> Vec<VmState> {
        self.table().get(plan).cloned().unwrap_or_default()
    }

    fn update(&self, plan: usize, vm: usize, f: impl FnOnce(&mut VmState)) {
        if let Some(s) = self.table().get_mut(plan).and_then(|p| p.get_mut(vm)) {
            f(s);
        }
    }

    fn prepared(&self, plan: usize, vm: usize) -> Option<PreparedVm> {
        self.table()
            .get(plan)
            .and_then(|p| p.get(vm))
            .and_then(|s| s.prepared.clone())
    }
}

/// Where a step runs.
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    /// Session setup (objects shared by every scenario).
    Session,
    /// One scenario.
    Scenario(&'a ScenarioRun<'a>),
}

impl<'a> Scope<'a> {
    fn scenario(&self) -> Result<&'a ScenarioRun<'a>, EngineError> {
        match self {
            Scope::Scenario(s) => Ok(s),
            Scope::Session => Err(EngineError::Setup(
                "internal: a source step outside a scenario".into(),
            )),
        }
    }

    fn scenario_name(&self) -> Option<&'a str> {
        match self {
            Scope::Scenario(s) => Some(s.name()),
            Scope::Session => None,
        }
    }
}

/// Runs steps against the cluster, the source and the inventory.
pub struct Executor {
    /// The cluster.
    pub client: kube::Client,
    /// Journalled writes.
    pub applier: Applier,
    /// Shared watches (every wait).
    pub watches: Arc<Watches>,
    /// Live progress.
    pub progress: Progress,
    /// Ctrl-C.
    pub cancel: CancellationToken,
    /// The MTV namespace (ForkliftController).
    pub mtv_namespace: String,
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor")
            .field("mtv_namespace", &self.mtv_namespace)
            .finish_non_exhaustive()
    }
}

impl Executor {
    /// Runs one step.
    pub async fn run(&self, scope: Scope<'_>, step: &Step) -> Result<Output, EngineError> {
        if self.cancel.is_cancelled() {
            return Err(EngineError::Interrupted);
        }
        self.announce(scope, step);
        let run = self.run_step(scope, step);
        tokio::select! {
            r = run => r,
            lost = self.watches.health().lost() => Err(lost.into()),
        }
    }

    /// One step, unguarded.
    async fn run_step(&self, scope: Scope<'_>, step: &Step) -> Result<Output, EngineError> {
        match step {
            Step::Create(c) => create::create(self, scope, c).await,
            Step::EnsureNamespace(m) => create::ensure_namespace(self, m).await,
            Step::StartMigration {
                manifest,
                cutover_after,
            } => create::start_migration(self, scope, manifest, *cutover_after).await,
            Step::Wait(w) => wait::run(self, scope, w).await,
            Step::PrepareVm { vm, .. } => source::prepare(self, scope.scenario()?, *vm).await,
            Step::WaitInventory(vm) => source::wait_inventory(self, scope.scenario()?, *vm).await,
            Step::LabelNode { key, value } => changes::label_node(self, key, value).await,
            Step::SetPrecopyInterval { minutes } => changes::precopy_interval(self, *minutes).await,
            Step::InstallEsxiKey(k) => esxi::install_key(self, k).await,
            Step::WaitPlanSecret { namespace, plan } => {
                esxi::wait_plan_secret(self, namespace, plan).await
            }
            Step::ArchivePlan(plan) => archive::archive_plan(self, plan).await,
            Step::CancelAt {
                migration,
                step,
                timeout,
            } => cancel::cancel_at(self, migration, step, *timeout).await,
            Step::Delete(object) => delete::delete(self, object).await,
            Step::DeletePlanVms {
                namespace,
                plan_uid,
            } => delete::delete_plan_vms(self, namespace, plan_uid).await,
            Step::Note(_) => Ok(Output::Nothing),
        }
    }

    /// Runs `steps` in order, each timed into `reports` and its output appended to
    /// `outputs` (one per step run); consecutive source steps of one kind run concurrently
    /// as one batch with one report line. Stops at the first error.
    pub async fn run_steps(
        &self,
        scope: Scope<'_>,
        steps: &[Step],
        reports: &mut Vec<StepReport>,
        outputs: &mut Vec<Output>,
    ) -> Result<(), EngineError> {
        let mut rest = steps;
        while let Some(first) = rest.first() {
            if self.cancel.is_cancelled() {
                return Err(EngineError::Interrupted);
            }
            let n = batch_len(rest);
            let (batch, tail) = rest.split_at(n.max(1).min(rest.len()));
            rest = tail;
            let start = Instant::now();
            let result = if is_source_step(first) {
                self.run_batch(scope, batch, outputs).await
            } else {
                self.run(scope, first).await.map(|o| outputs.push(o))
            };
            reports.push(StepReport {
                name: report_name(first, batch.len()),
                stage: first.stage(),
                duration_ms: ms(start.elapsed()),
                error: result.as_ref().err().map(ToString::to_string),
            });
            result?;
        }
        Ok(())
    }

    async fn run_batch(
        &self,
        scope: Scope<'_>,
        batch: &[Step],
        outputs: &mut Vec<Output>,
    ) -> Result<(), EngineError> {
        if let (Some(first), Some(name)) = (batch.first(), scope.scenario_name()) {
            self.progress.step(name, progress_text(first, batch.len()));
        }
        let results = join_all(batch.iter().map(|s| self.run_quietly(scope, s))).await;
        let mut first_err = None;
        for r in results {
            match r {
                Ok(o) => outputs.push(o),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        first_err.map_or(Ok(()), Err)
    }

    /// [`Executor::run`] without its own progress line (the batch has one).
    async fn run_quietly(&self, scope: Scope<'_>, step: &Step) -> Result<Output, EngineError> {
        let run = async {
            match step {
                Step::PrepareVm { vm, .. } => source::prepare(self, scope.scenario()?, *vm).await,
                Step::WaitInventory(vm) => {
                    source::wait_inventory(self, scope.scenario()?, *vm).await
                }
                other => self.run(scope, other).await,
            }
        };
        tokio::select! {
            r = run => r,
            _ = self.cancel.cancelled() => Err(EngineError::Interrupted),
            lost = self.watches.health().lost() => Err(lost.into()),
        }
    }

    fn announce(&self, scope: Scope<'_>, step: &Step) {
        match (scope, step) {
            (Scope::Scenario(s), step) => self.progress.step(s.name(), step.name()),
            (Scope::Session, Step::Create(c)) => self.progress.send(Event::Note(format!(
                "create {} {}",
                c.manifest.object.kind.kind, c.manifest.object.name
            ))),
            (Scope::Session, Step::Wait(w)) => {
                let state = match w.until {
                    Until::ProviderReady | Until::PlanReady => "Ready",
                    Until::ProviderValidated => "Validated",
                    Until::PlanFinished => "finished",
                    Until::PlanNotReady { .. } => "blocked",
                    Until::PlanCondition(_) => "in that condition",
                };
                self.progress.send(Event::Note(format!(
                    "wait until {} {} is {state}",
                    w.object.kind.kind, w.object.name
                )));
            }
            (Scope::Session, Step::InstallEsxiKey(k)) => self.progress.send(Event::Note(format!(
                "install the SSH key of Provider {} on ESXi host {}",
                k.provider.name, k.login.host
            ))),
            (Scope::Session, _) => {}
        }
    }
}

fn is_source_step(s: &Step) -> bool {
    matches!(s, Step::PrepareVm { .. } | Step::WaitInventory(_))
}

/// How many steps from the start of `steps` form one batch (same source verb).
fn batch_len(steps: &[Step]) -> usize {
    let same = |a: &Step, b: &Step| std::mem::discriminant(a) == std::mem::discriminant(b);
    match steps.first() {
        Some(first) if is_source_step(first) => steps.iter().take_while(|s| same(first, s)).count(),
        _ => 1,
    }
}

/// The report line of a step or a batch.
fn report_name(first: &Step, n: usize) -> String {
    match first {
        Step::PrepareVm { .. } => format!("prepare {n} source VM(s)"),
        Step::WaitInventory(_) => "wait for the VMs in the inventory".into(),
        other => other.name(),
    }
}

/// The progress line of a batch.
fn progress_text(first: &Step, n: usize) -> String {
    match first {
        Step::WaitInventory(_) => "wait for the VMs in the Forklift inventory".into(),
        other => report_name(other, n),
    }
}

/// Duration in milliseconds.
pub fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
