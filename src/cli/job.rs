//! `mtvt job`: prints the manifests of a sharded in-cluster run (`job`) for
//! `kubectl apply -f -`. Reads the providers file; prints nothing but the manifests on
//! stdout.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::job::{JobSpec, to_yaml};
use crate::report::exit;

/// Arguments of `mtvt job`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Prints, for `kubectl apply -f -`: the Namespace, a ServiceAccount with a ClusterRole and its
binding (the verbs the runner uses, per resource), the providers file as a Secret (its
content is in the output: pipe it, do not log it), a ReadWriteMany claim for the results,
and an Indexed Job (completions = --shards) whose pod I runs
  mtvt run --shard $(JOB_COMPLETION_INDEX)/N --providers-file /etc/mtvt/providers/providers.json
           --data-collector-path /results/shard-I --report-json /results/shard-I/report.json RUN_ARGS
with the pod's ServiceAccount (in-cluster config). When the Job is complete, copy /results
from the claim and join the shards: `mtvt report merge results/ --out merged/`.

Example:
  mtvt job --shards 3 --image quay.io/me/mtvt:1.0 -- --provider vsphere scenarios/tier0 | kubectl apply -f -
See docs/running.md (Running in the cluster).")]
pub struct JobArgs {
    /// Shards: the Job's completions, one `mtvt run --shard I/N` per index.
    #[arg(long, value_name = "N")]
    pub shards: usize,
    /// Pods running at a time [default: --shards].
    #[arg(long, value_name = "N")]
    pub parallelism: Option<usize>,
    /// The mtvt image (built from the repository's Dockerfile and pushed where the cluster
    /// pulls from). The emulator runs pods of this image's name as local mtvt processes.
    #[arg(long, value_name = "IMAGE", default_value = mtvt_sim::controllers::MTVT_IMAGE)]
    pub image: String,
    /// Name of the Job (and prefix of its ServiceAccount, Secret and claim).
    #[arg(long, value_name = "NAME", default_value = "mtvt")]
    pub name: String,
    /// Namespace of the Job.
    #[arg(long, value_name = "NS", default_value = "mtvt")]
    pub namespace: String,
    /// Providers file put in the Secret (the pytest suite's .providers.json format).
    #[arg(
        long,
        value_name = "FILE",
        env = "PROVIDERS_JSON_PATH",
        default_value = ".providers.json"
    )]
    pub providers_file: PathBuf,
    /// Size of the results claim.
    #[arg(long, value_name = "SIZE", default_value = "1Gi")]
    pub results_size: String,
    /// Storage class of the results claim (ReadWriteMany) [default: the cluster's].
    #[arg(long, value_name = "CLASS")]
    pub results_storage_class: Option<String>,
    /// Arguments of each pod's `mtvt run` after `--`: scenario paths (in the image, relative
    /// to /opt/mtvt), --provider, selection, --set...
    #[arg(last = true, value_name = "RUN_ARGS")]
    pub run_args: Vec<String>,
}

/// Runs `mtvt job`.
pub fn run(args: JobArgs) -> ExitCode {
    if args.shards == 0 || args.parallelism == Some(0) {
        eprintln!("error: --shards and --parallelism must be at least 1");
        return ExitCode::from(exit::USAGE);
    }
    let owned = [
        "--shard",
        "--providers-file",
        "--data-collector-path",
        "--report-json",
    ];
    if let Some(a) = (args.run_args.iter()).find(|a| owned.iter().any(|o| a.starts_with(o))) {
        eprintln!("error: {a} is set by `mtvt job` for each pod; leave it out of RUN_ARGS");
        return ExitCode::from(exit::USAGE);
    }
    let providers = match std::fs::read(&args.providers_file) {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "error: cannot read the providers file {}: {e} (pass --providers-file FILE)",
                args.providers_file.display()
            );
            return ExitCode::from(exit::USAGE);
        }
    };
    let spec = JobSpec {
        name: args.name,
        namespace: args.namespace,
        image: args.image,
        shards: args.shards,
        parallelism: args.parallelism.unwrap_or(args.shards).min(args.shards),
        providers,
        results_size: args.results_size,
        results_storage_class: args.results_storage_class,
        run_args: args.run_args,
    };
    match to_yaml(&spec) {
        Ok(text) => {
            print!("{text}");
            ExitCode::from(exit::PASSED)
        }
        Err(e) => {
            eprintln!("error: cannot render the manifests: {e}");
            ExitCode::from(exit::INFRA)
        }
    }
}
