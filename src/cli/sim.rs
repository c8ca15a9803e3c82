//! `mtvt sim`: runs the MTV emulator — today its Kubernetes API server — so that kubectl,
//! kube-rs and `mtvt run` can be used against it with zero setup.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use mtvt_sim::api::{FaultRule, Faults};
use mtvt_sim::server::{DEFAULT_TIME_SCALE, Server};

/// Run the MTV emulator.
#[derive(Debug, Args)]
pub struct SimArgs {
    #[command(subcommand)]
    pub command: SimCommand,
}

#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Serve the emulator's Kubernetes API on 127.0.0.1 until Ctrl-C (or SIGTERM).
    ///
    /// Writes a kubeconfig (server URL, a random bearer token, namespace `default`) so that
    /// `KUBECONFIG=FILE kubectl get ns` works. Starts with namespaces default, kube-system and
    /// openshift-mtv. Use -v to log every request.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Write the kubeconfig to FILE (mode 0600; it holds the token).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig_out: Option<PathBuf>,
    /// Load CustomResourceDefinitions from DIR (repeatable); objects of their kinds are then
    /// validated against the CRD's openAPIV3Schema like a real API server does.
    #[arg(long = "crds", value_name = "DIR")]
    pub crds: Vec<PathBuf>,
    /// Virtual seconds per wall-clock second for every timestamp and the Date header.
    #[arg(long, default_value_t = DEFAULT_TIME_SCALE, value_name = "FACTOR")]
    pub time_scale: f64,
    /// Inject API faults (repeatable): one action of error=409|429|500|503|504,
    /// latency=200ms, drop-watch=N, reset-watch=N, plus optional rate=0..1,
    /// verbs=create|update|..., resources=plans|pods, times=N.
    /// Example: --fault error=503,rate=0.1,verbs=create,resources=plans
    #[arg(long = "fault", value_name = "RULE", value_parser = parse_fault)]
    pub faults: Vec<FaultRule>,
    /// Seed for fault decisions (same seed and request order, same faults).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub fault_seed: u64,
    /// Namespace the kubeconfig context selects.
    #[arg(long, default_value = "default", value_name = "NS")]
    pub namespace: String,
}

fn parse_fault(s: &str) -> Result<FaultRule, String> {
    s.parse()
}

impl SimArgs {
    pub fn run(self) -> ExitCode {
        match self.command {
            SimCommand::Serve(args) => serve(args),
        }
    }
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
    runtime.block_on(async move {
        let mut builder = Server::builder()
            .port(args.port)
            .time_scale(args.time_scale)
            .namespace(&args.namespace)
            .faults(Faults { seed: args.fault_seed, rules: args.faults });
        for dir in &args.crds {
            builder = builder.crds_dir(dir);
        }
        let handle = match builder.start().await {
            Ok(h) => h,
            Err(e) => {
                eprintln!("error: mtvt sim serve: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("mtvt sim: Kubernetes API at {}", handle.url());
        if let Some(path) = &args.kubeconfig_out {
            if let Err(e) = handle.write_kubeconfig(path) {
                eprintln!("error: cannot write the kubeconfig to {}: {e}", path.display());
                handle.shutdown().await;
                return ExitCode::FAILURE;
            }
            println!("mtvt sim: kubeconfig written; run: export KUBECONFIG={}", path.display());
        } else {
            println!("mtvt sim: no --kubeconfig-out given; clients need the bearer token, so pass --kubeconfig-out FILE");
        }
        wait_for_signal().await;
        println!("mtvt sim: shutting down");
        handle.shutdown().await;
        ExitCode::SUCCESS
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
