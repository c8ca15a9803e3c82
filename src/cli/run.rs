//! `mtvt run`: executes scenarios against a cluster with MTV (or, with `--sim`, against the
//! embedded emulator through the very same code path), then prints a summary and writes
//! the reports. The work is in `engine` and `report`; this file maps flags to inputs, fails
//! fast on missing inputs and picks the exit code.
//!
//! Exit codes: 0 all passed or skipped, 1 a scenario failed, 2 static errors or usage,
//! 3 infrastructure error or teardown leak, 130 interrupted.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use tokio_util::sync::CancellationToken;

use super::cluster_args::ClusterArgs;
use super::inputs::{fail, print_diagnostics};
use super::reports::{self, ReportArgs};
use super::run_shard;
use super::run_sim::SimTarget;
use super::selection::{OverrideArgs, SelectionArgs};
use super::signals::watch_signals;
use crate::engine::context::Keep;
use crate::engine::inputs::{self, RunRequest};
use crate::engine::runner::run as run_engine;
use crate::report::{exit, progress, summary};

/// Arguments of `mtvt run`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Exit codes:
  0    every scenario passed or was skipped, teardown left nothing
  1    a scenario failed (unexpected outcome, failed assertion, Plan never Ready, migration never done)
  2    static errors in the scenarios, or a usage error (missing input, bad flag)
  3    infrastructure error (API, inventory or source unreachable) or objects left after teardown
  130  interrupted (Ctrl-C); teardown ran unless Ctrl-C was pressed twice

Quick start:  mtvt run --sim scenarios/          (the embedded MTV emulator)
Real cluster: mtvt run --provider vsphere --storage-class ocs-storagecluster-ceph-rbd scenarios/tier0
See docs/running.md.")]
pub struct RunArgs {
    /// Scenario files or directories (directories are searched for *.mtvt).
    #[arg(default_value = "scenarios")]
    pub paths: Vec<PathBuf>,

    /// Start the embedded MTV emulator on 127.0.0.1 and run against it (prints its kubeconfig).
    #[arg(long, help_heading = "Emulator")]
    pub sim: bool,
    /// With --sim: keep the emulator serving after the run until Ctrl-C.
    #[arg(long, requires = "sim", help_heading = "Emulator")]
    pub keep_sim: bool,
    /// With --sim: inject an API fault (repeatable; syntax of `mtvt sim serve --fault`),
    /// e.g. error=503,rate=0.1 or drop-watch=3.
    #[arg(
        long = "sim-fault",
        value_name = "RULE",
        requires = "sim",
        value_parser = |s: &str| s.parse::<mtvt_sim::api::FaultRule>(),
        help_heading = "Emulator"
    )]
    pub sim_faults: Vec<mtvt_sim::api::FaultRule>,
    /// With --sim: seed of the fault decisions.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        requires = "sim",
        help_heading = "Emulator"
    )]
    pub sim_fault_seed: u64,
    /// With --sim: the lab file (source VMs, cluster, step faults) instead of the built-in lab.
    #[arg(long, value_name = "FILE", requires = "sim", help_heading = "Emulator")]
    pub sim_lab: Option<PathBuf>,
    /// With --sim: make a migration step fail or run slower (repeatable; syntax of
    /// `mtvt sim serve --step-fault`), e.g. vm=*,step=DiskTransfer,fail=disk copy failed.
    #[arg(
        long = "sim-step-fault",
        value_name = "RULE",
        requires = "sim",
        value_parser = mtvt_sim::emulator::parse_step_fault,
        help_heading = "Emulator"
    )]
    pub sim_step_faults: Vec<mtvt_sim::lab::FaultRule>,
    /// With --sim: break the migrated guest of matching VMs (repeatable; the lab file's
    /// faults.guest): VM_GLOB=FAULT with FAULT one of sshd_down, wrong_password,
    /// lose_static_ip, corrupt_marker, wrong_luks_key, no_agent; e.g. mtv-win*=lose_static_ip.
    #[arg(
        long = "sim-guest-fault",
        value_name = "VM=FAULT",
        requires = "sim",
        help_heading = "Emulator"
    )]
    pub sim_guest_faults: Vec<mtvt_sim::guest::GuestFault>,
    /// With --sim: make the emulated Forklift leave out a feature (repeatable; the lab
    /// file's faults.broken), to show that the scenarios exercising it fail for that
    /// reason: xfs_compatibility, target_labels.
    #[arg(
        long = "sim-break",
        value_name = "FEATURE",
        requires = "sim",
        help_heading = "Emulator"
    )]
    pub sim_break: Vec<mtvt_sim::lab::BrokenFeature>,
    /// With --sim: load more CRDs from DIR (repeatable); the emulator validates objects of their
    /// kinds. The Forklift CRDs are built in; same-named CRDs from DIR replace them.
    #[arg(
        long = "sim-crds",
        value_name = "DIR",
        requires = "sim",
        help_heading = "Emulator"
    )]
    pub sim_crds: Vec<PathBuf>,

    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Namespace where MTV runs (default: the session's mtv_namespace, openshift-mtv).
    #[arg(long, value_name = "NS", help_heading = "Cluster")]
    pub mtv_namespace: Option<String>,
    /// Destination storage class (overrides session.storage_class; a plan's own class wins).
    #[arg(long, value_name = "CLASS", help_heading = "Cluster")]
    pub storage_class: Option<String>,
    /// Remote cluster API host for `requires remote_cluster` scenarios (overrides the
    /// session's; the emulator's host with --sim).
    #[arg(long, value_name = "HOST", help_heading = "Cluster")]
    pub remote_ocp_cluster: Option<String>,

    /// Source provider profile (a key of the providers file; repeatable: each scenario runs
    /// with the first profile its `requires` accept). Default with --sim: `vsphere`, and
    /// `vsphere-copy-offload` for scenarios that require copy-offload.
    #[arg(
        long = "provider",
        value_name = "NAME",
        help_heading = "Source provider"
    )]
    pub providers: Vec<String>,
    /// Providers file (the pytest suite's .providers.json format) [default: .providers.json;
    /// with --sim, the emulator's unless this flag or PROVIDERS_JSON_PATH names one].
    #[arg(
        long,
        value_name = "FILE",
        env = "PROVIDERS_JSON_PATH",
        help_heading = "Source provider"
    )]
    pub providers_file: Option<PathBuf>,
    /// CA certificate (PEM) of the source provider, instead of fetching the one it presents.
    #[arg(long, value_name = "FILE", help_heading = "Source provider")]
    pub source_ca_file: Option<PathBuf>,
    /// OpenShift source providers: the namespace holding the source VMs.
    #[arg(
        long,
        value_name = "NS",
        default_value = "mtv-source-vms",
        help_heading = "Source provider"
    )]
    pub source_namespace: String,
    /// Run warm oVirt scenarios (Forklift feature gate); without it they are skipped.
    #[arg(long, help_heading = "Source provider")]
    pub allow_ovirt_warm: bool,

    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub overrides: OverrideArgs,
    /// Scenarios run concurrently, each in its own namespace.
    #[arg(
        short = 'j',
        long = "jobs",
        value_name = "N",
        default_value_t = 1,
        help_heading = "Selection"
    )]
    pub jobs: usize,
    /// Run only shard I of N (0 <= I < N) of the selection, for N runners that together run
    /// it once (`mtvt job` passes `--shard $(JOB_COMPLETION_INDEX)/N`). The split is by
    /// scenario name: the selected names sorted and dealt round-robin, so it is the same on
    /// every machine. A shard with no scenario exits 0 and still writes its reports; join
    /// the shards' reports with `mtvt report merge`.
    #[arg(long, value_name = "I/N", help_heading = "Selection")]
    pub shard: Option<crate::engine::shard::Shard>,
    /// Start no new scenario after the first failure.
    #[arg(long, help_heading = "Selection")]
    pub fail_fast: bool,

    /// Where the journal (resources.json) and failure diagnostics go.
    #[arg(
        long,
        value_name = "DIR",
        default_value = ".data-collector",
        help_heading = "Teardown and diagnostics"
    )]
    pub data_collector_path: PathBuf,
    /// Write no journal file and collect no diagnostics (teardown still runs from memory).
    #[arg(long, help_heading = "Teardown and diagnostics")]
    pub skip_data_collector: bool,
    /// Leave every object in place (same as --keep always); `mtvt clean` removes them later.
    #[arg(long, help_heading = "Teardown and diagnostics")]
    pub skip_teardown: bool,
    /// What to keep after a scenario: never, on-failure (failed scenarios and the session), always.
    #[arg(long, value_enum, default_value_t = KeepArg::Never, help_heading = "Teardown and diagnostics")]
    pub keep: KeepArg,
    /// Run `oc adm must-gather` for failed plans [default: on when `oc` is on the PATH,
    /// off with --sim].
    #[arg(
        long,
        overrides_with = "no_must_gather",
        help_heading = "Teardown and diagnostics"
    )]
    pub must_gather: bool,
    /// Never run `oc adm must-gather`.
    #[arg(
        long,
        overrides_with = "must_gather",
        help_heading = "Teardown and diagnostics"
    )]
    pub no_must_gather: bool,

    #[command(flatten)]
    pub reports: ReportArgs,
}

/// `--keep`: what happens to a scenario's objects when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeepArg {
    /// Delete everything (default).
    Never,
    /// Keep the objects of failed scenarios (and the session's) for inspection.
    OnFailure,
    /// Keep everything (same as --skip-teardown).
    Always,
}

impl From<KeepArg> for Keep {
    fn from(k: KeepArg) -> Keep {
        match k {
            KeepArg::Never => Keep::Never,
            KeepArg::OnFailure => Keep::OnFailure,
            KeepArg::Always => Keep::Always,
        }
    }
}

fn usage(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(exit::USAGE)
}

/// Runs `mtvt run`.
pub fn run(args: RunArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::INFRA);
        }
    };
    runtime.block_on(run_async(args))
}

async fn run_async(args: RunArgs) -> ExitCode {
    if args.jobs == 0 {
        return usage("-j/--jobs must be at least 1");
    }
    // the emulator, when asked for
    let sim = if args.sim {
        match SimTarget::start(&args).await {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("error: cannot start the emulator: {e}");
                return ExitCode::from(exit::INFRA);
            }
        }
    } else {
        None
    };
    let code = run_target(&args, sim.as_ref()).await;
    if let Some(s) = sim {
        s.finish(args.keep_sim).await;
    }
    code
}

async fn run_target(args: &RunArgs, sim: Option<&SimTarget>) -> ExitCode {
    if args.providers.is_empty() && sim.is_none() {
        return usage(
            "no source provider: pass --provider NAME (a profile of the providers file), or use --sim",
        );
    }
    let mut loaded = match inputs::load(&load_request(args, sim)) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    print_diagnostics(&loaded.checked);
    let errors = loaded.checked.errors();
    if errors > 0 {
        eprintln!("error: {errors} static error(s) in the scenarios (see above); nothing was run");
        return ExitCode::from(exit::USAGE);
    }
    if let Err(e) = loaded.select(&args.selection.filters()) {
        return fail(e);
    }
    let shard = run_shard::split(args.shard, &mut loaded.checked.program.scenarios);
    if let Some(s) = &shard
        && loaded.checked.program.scenarios.is_empty()
    {
        return run_shard::nothing_to_run(args, s.clone(), sim.is_some());
    }
    let prepared = match inputs::prepare_run(loaded, &run_request(args, sim)).await {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    for note in &prepared.notes {
        eprintln!("mtvt: {note}");
    }
    let overrides: Vec<String> = (args.overrides.set.iter())
        .map(|o| format!("{}={}", o.key, o.value))
        .collect();
    if !overrides.is_empty() {
        eprintln!(
            "mtvt: session keys set for this run: {}",
            overrides.join(", ")
        );
    }
    let storage_class = prepared.inputs.settings.storage_class.clone();
    let (progress, printer) = progress::spawn(std::io::stderr().is_terminal());
    let cancel = CancellationToken::new();
    let signals = tokio::spawn(watch_signals(cancel.clone(), progress.clone()));
    let mut report = run_engine(prepared.inputs, progress.clone(), cancel).await;
    report.overrides = overrides;
    report.shard = shard;
    signals.abort();
    drop(progress);
    let _ = printer.await;
    eprint!("{}", summary::render(&report));
    let naming = reports::naming(
        &report,
        &args.providers,
        sim.is_some(),
        storage_class.as_deref(),
    );
    let data_collector = (!args.skip_data_collector).then_some(args.data_collector_path.as_path());
    args.reports.write(&report, data_collector, &naming);
    if let Some(s) = sim {
        s.report(&report);
    }
    ExitCode::from(exit::exit_code(&report))
}

/// The scenarios and profiles to load. With --sim and no --provider: the emulator's plain
/// vSphere profile, and its copy-offload twin for the scenarios that require copy-offload.
fn load_request(args: &RunArgs, sim: Option<&SimTarget>) -> inputs::Request {
    let providers_file = match (&args.providers_file, sim) {
        (Some(f), _) => f.clone(),
        (None, Some(s)) => s.providers_file.clone(),
        (None, None) => PathBuf::from(".providers.json"),
    };
    let (providers, if_present) = match (args.providers.is_empty(), sim) {
        (true, Some(_)) => (
            vec!["vsphere".to_string()],
            vec!["vsphere-copy-offload".to_string()],
        ),
        _ => (args.providers.clone(), Vec::new()),
    };
    inputs::Request {
        paths: args.paths.clone(),
        providers_file,
        providers,
        providers_if_present: if_present,
        // The oVirt warm gate is a property of the cluster, not an error in the scenario: a
        // run skips such scenarios with the reason instead of refusing them.
        allow_ovirt_warm: true,
        session_overrides: args.overrides.set.clone(),
    }
}

/// `--must-gather` / `--no-must-gather`, else on when `oc` is on the PATH (as the pytest
/// suite gathers on every failure) and the target is a real cluster.
fn must_gather(args: &RunArgs, sim: bool) -> bool {
    match (args.must_gather, args.no_must_gather) {
        (true, _) => true,
        (_, true) => false,
        _ => !sim && crate::engine::diagnostics::which("oc").is_some(),
    }
}

/// The run's settings from the flags.
fn run_request(args: &RunArgs, sim: Option<&SimTarget>) -> RunRequest {
    RunRequest {
        cluster: args.cluster.options(sim.map(|s| s.kubeconfig.clone())),
        storage_class: args.storage_class.clone(),
        source_ca_file: args.source_ca_file.clone(),
        data_collector: (!args.skip_data_collector).then(|| args.data_collector_path.clone()),
        keep: if args.skip_teardown {
            Keep::Always
        } else {
            args.keep.into()
        },
        must_gather: must_gather(args, sim.is_some()),
        jobs: args.jobs,
        fail_fast: args.fail_fast,
        mtv_namespace: args.mtv_namespace.clone(),
        // the emulator serves as its own remote cluster: an explicit OpenShift provider with
        // its URL and token, as the pytest suite's remote scenarios do on one cluster
        remote_ocp_cluster: args
            .remote_ocp_cluster
            .clone()
            .or_else(|| sim.map(|_| "127.0.0.1".to_string())),
        source_namespace: args.source_namespace.clone(),
        allow_ovirt_warm: args.allow_ovirt_warm,
    }
}
