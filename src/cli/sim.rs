//! `mtvt sim`: runs the MTV emulator — Kubernetes API server, Forklift inventory, source
//! APIs and the Forklift/KubeVirt/CDI controllers — so that kubectl, kube-rs and `mtvt run`
//! can be used against it with zero setup.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use mtvt_sim::api::{FaultRule, Faults};
use mtvt_sim::emulator::{DEFAULT_TIME_SCALE, Emulator, EmulatorOptions, parse_step_fault};
use mtvt_sim::lab::{self, Lab};
use mtvt_vocab::DurationUnit;

/// Run the MTV emulator.
#[derive(Debug, Args)]
pub struct SimArgs {
    #[command(subcommand)]
    pub command: SimCommand,
}

#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Serve the MTV emulator on 127.0.0.1 until Ctrl-C (or SIGTERM).
    ///
    /// Starts the Kubernetes API server (HTTPS, random bearer token), the Forklift inventory
    /// behind the `forklift-inventory` Route of the MTV namespace, one source API per
    /// vSphere/oVirt/OpenStack lab provider, and the controllers: Providers, maps and Plans
    /// are validated and Migrations run like MTV. Writes a kubeconfig with --kubeconfig-out
    /// and the lab's `.providers.json` with --providers-out. Use -v to log every request.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port of the API server on 127.0.0.1 (0 picks any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Write the kubeconfig to FILE (mode 0600; it holds the token).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig_out: Option<PathBuf>,
    /// Write the `.providers.json` of the lab (profiles pointing at this emulator) to FILE
    /// (mode 0600; it holds the lab passwords).
    #[arg(long, value_name = "FILE")]
    pub providers_out: Option<PathBuf>,
    /// Lab file (YAML or JSON) describing the source providers, VMs, destination cluster
    /// and step faults; default: the built-in lab (see docs/emulator.md).
    #[arg(long, value_name = "FILE")]
    pub lab: Option<PathBuf>,
    /// Load more CustomResourceDefinitions from DIR (repeatable); objects of their kinds are
    /// then validated against the CRD's openAPIV3Schema like a real API server does. The 14
    /// Forklift CRDs are installed already; a CRD of the same name replaces the built-in one.
    #[arg(long = "crds", value_name = "DIR")]
    pub crds: Vec<PathBuf>,
    /// Virtual seconds per wall-clock second for every controller timer, timestamp and the
    /// HTTP Date header (a 30 GiB cold migration takes about 4 virtual minutes).
    /// Between 0.001 and 1000000.
    #[arg(long, default_value_t = DEFAULT_TIME_SCALE, value_name = "FACTOR", value_parser = parse_scale)]
    pub time_scale: f64,
    /// Virtual delay before source-side changes (clones, power, snapshots) show in the
    /// inventory, e.g. 3s, 500ms, 1m (at most 1d).
    #[arg(long, default_value = "3s", value_name = "DURATION", value_parser = parse_delay)]
    pub inventory_refresh_delay: Duration,
    /// The MTV namespace (host Provider, ForkliftController, inventory Route).
    #[arg(long, default_value = "openshift-mtv", value_name = "NS")]
    pub mtv_namespace: String,
    /// Inject API faults (repeatable): one action of error=409|429|500|503|504,
    /// latency=200ms, drop-watch=N, reset-watch=N, plus optional rate=0..1,
    /// verbs=create|update|..., resources=plans|pods, times=N.
    /// Example: --fault error=503,rate=0.1,verbs=create,resources=plans
    #[arg(long = "fault", value_name = "RULE", value_parser = parse_fault)]
    pub faults: Vec<FaultRule>,
    /// Seed for API fault decisions (same seed and request order, same faults).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub fault_seed: u64,
    /// Make a migration step fail or run slower (repeatable), added to the lab's faults:
    /// vm=GLOB,step=NAME,fail=MESSAGE or vm=GLOB,step=NAME,slow=FACTOR[,extra=SECONDS],
    /// vm=GLOB,step=NAME,outage=SECONDS (the source unreachable), vm=GLOB,step=ConvertGuest,kill=SECONDS
    /// (virt-v2v killed that long into the conversion), optional plan=GLOB, probability=0..1. Example: --step-fault vm=mtv-win*,step=DiskTransfer,fail=disk copy failed
    #[arg(long = "step-fault", value_name = "RULE", value_parser = parse_step_fault)]
    pub step_faults: Vec<lab::FaultRule>,
    /// Break the migrated guest of matching VMs (repeatable), added to the lab's faults.guest:
    /// VM_GLOB=FAULT with FAULT one of sshd_down, wrong_password, lose_static_ip,
    /// corrupt_marker, wrong_luks_key, no_agent. Example: --guest-fault mtv-win*=lose_static_ip
    #[arg(long = "guest-fault", value_name = "VM=FAULT")]
    pub guest_faults: Vec<mtvt_sim::guest::GuestFault>,
    /// Seed for step-fault probabilities (overrides the lab file's faults.seed).
    #[arg(long, value_name = "N")]
    pub step_fault_seed: Option<u64>,
    /// Namespace the kubeconfig context selects.
    #[arg(long, default_value = "default", value_name = "NS")]
    pub namespace: String,
    /// Job pods of this image (any tag) run as local processes of the mtvt binary, so a
    /// `mtvt job` runs end to end here; other pods stay emulated.
    #[arg(long, value_name = "IMAGE", default_value = mtvt_sim::controllers::MTVT_IMAGE, help_heading = "mtvt pods")]
    pub mtvt_image: String,
    /// The binary mtvt pods run [default: this mtvt].
    #[arg(long, value_name = "FILE", help_heading = "mtvt pods")]
    pub mtvt_binary: Option<PathBuf>,
    /// Working directory of mtvt pods (the image's /opt/mtvt: scenario paths resolve here)
    /// [default: the current directory].
    #[arg(long, value_name = "DIR", help_heading = "mtvt pods")]
    pub mtvt_workdir: Option<PathBuf>,
    /// Where mtvt pods' volumes live; a claim CLAIM of namespace NS is DIR/NS/claims/CLAIM
    /// (the results of `mtvt job`) [default: mtvt-sim-kubelet-PID in the temp dir, made when a
    /// pod needs it].
    #[arg(long, value_name = "DIR", help_heading = "mtvt pods")]
    pub kubelet_dir: Option<PathBuf>,
}

impl ServeArgs {
    /// How mtvt pods run.
    fn mtvt_kubelet(&self) -> Result<mtvt_sim::controllers::MtvtKubelet, String> {
        let binary = match &self.mtvt_binary {
            Some(b) => b.clone(),
            None => std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?,
        };
        let workdir = match &self.mtvt_workdir {
            Some(d) => d.clone(),
            None => std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?,
        };
        let dir = self.kubelet_dir.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("mtvt-sim-kubelet-{}", std::process::id()))
        });
        Ok(mtvt_sim::controllers::MtvtKubelet::new(
            &self.mtvt_image,
            binary,
            workdir,
            dir,
        ))
    }
}

fn parse_fault(s: &str) -> Result<FaultRule, String> {
    s.parse()
}

/// `--inventory-refresh-delay`: a duration, where a bare number is seconds.
fn parse_delay(s: &str) -> Result<Duration, String> {
    let d = mtvt_vocab::Duration::parse(s, Some(DurationUnit::Seconds))
        .map(mtvt_vocab::Duration::to_std)
        .map_err(|e| e.to_string())?;
    if d > Duration::from_secs(86_400) {
        return Err(String::from("at most 1d (a day of virtual time)"));
    }
    Ok(d)
}

/// The clock's scale: a finite factor between 0.001 and 1000000.
pub(crate) fn parse_scale(s: &str) -> Result<f64, String> {
    let f: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if !(0.001..=1_000_000.0).contains(&f) {
        return Err(format!(
            "`{s}` is out of range: virtual seconds per wall second, between 0.001 and 1000000"
        ));
    }
    Ok(f)
}

impl SimArgs {
    pub fn run(self) -> ExitCode {
        match self.command {
            SimCommand::Serve(args) => serve(args),
        }
    }
}

/// The lab of `--lab` (else the built-in one when step faults are given), with the step
/// faults added; `None`: the emulator's default lab.
fn lab_of(args: &ServeArgs) -> Result<Option<Lab>, String> {
    let lab = match &args.lab {
        None => None,
        Some(path) => Some(Lab::from_path(path).map_err(|e| e.to_string())?),
    };
    if args.step_faults.is_empty() && args.step_fault_seed.is_none() && args.guest_faults.is_empty()
    {
        return Ok(lab);
    }
    let mut l = match lab {
        Some(l) => l,
        None => Lab::default_lab().map_err(|e| e.to_string())?,
    };
    l.faults.rules.extend(args.step_faults.iter().cloned());
    l.faults.guest.extend(args.guest_faults.iter().cloned());
    if let Some(seed) = args.step_fault_seed {
        l.faults.seed = seed;
    }
    Ok(Some(l))
}

fn serve(args: ServeArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let kubelet = match args.mtvt_kubelet() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: mtvt pods: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        // listening from the start: a SIGINT while the emulator starts stops it too (one that
        // came before a listener was lost when the shell had SIGINT ignored, as for `cmd &`)
        let mut stop = Stop::listen();
        let lab = match lab_of(&args) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        let opts = EmulatorOptions {
            mtvt_kubelet: Some(kubelet),
            lab,
            time_scale: args.time_scale,
            crds_dirs: args.crds.clone(),
            api_faults: Faults { seed: args.fault_seed, rules: args.faults.clone() },
            mtv_namespace: args.mtv_namespace.clone(),
            port: args.port,
            inventory_refresh_delay: args.inventory_refresh_delay,
            namespace: args.namespace.clone(),
        };
        let started = tokio::select! {
            e = Emulator::start(opts) => e,
            () = stop.wait() => {
                println!("mtvt sim: interrupted while starting; shutting down");
                return ExitCode::SUCCESS;
            }
        };
        let emu = match started {
            Ok(e) => e,
            Err(e) => {
                eprintln!("error: mtvt sim serve: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("mtvt sim: Kubernetes API at {} (time x{})", emu.url(), args.time_scale);
        if let Some(url) = emu.inventory_url() {
            println!("mtvt sim: Forklift inventory at {url} (Route forklift-inventory in {})", args.mtv_namespace);
        }
        for (name, url) in emu.source_endpoints() {
            println!("mtvt sim: source API {name} at {url}");
        }
        if let Some(path) = &args.kubeconfig_out {
            if let Err(e) = emu.write_kubeconfig(path) {
                eprintln!("error: cannot write the kubeconfig to {}: {e}", path.display());
                emu.shutdown().await;
                return ExitCode::FAILURE;
            }
            println!("mtvt sim: kubeconfig written; run: export KUBECONFIG={}", path.display());
        } else {
            println!("mtvt sim: no --kubeconfig-out given; clients need the bearer token, so pass --kubeconfig-out FILE");
        }
        if let Some(path) = &args.providers_out {
            let text = serde_json::to_string_pretty(&emu.providers_json()).unwrap_or_default();
            if let Err(e) = mtvt_sim::write_private(path, &text) {
                eprintln!("error: cannot write the providers file to {}: {e}", path.display());
                emu.shutdown().await;
                return ExitCode::FAILURE;
            }
            println!("mtvt sim: .providers.json written to {}", path.display());
        }
        stop.wait().await;
        println!("mtvt sim: shutting down");
        emu.shutdown().await;
        ExitCode::SUCCESS
    })
}

/// SIGINT and SIGTERM, listened to from when it is made.
struct Stop {
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl Stop {
    fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Stop {
                int: signal(SignalKind::interrupt()).ok(),
                term: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        Stop {}
    }

    async fn wait(&mut self) {
        #[cfg(unix)]
        {
            let Stop { int, term } = self;
            let int = async {
                match int.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let term = async {
                match term.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = int => {}
                () = term => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_delay("3s").unwrap(), Duration::from_secs(3));
        assert_eq!(parse_delay("3").unwrap(), Duration::from_secs(3));
        assert_eq!(parse_delay("1.5").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_delay("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_delay("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_delay("x").is_err());
    }
}
