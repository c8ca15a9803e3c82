//! `mtvt clean FILE`: finishes the teardown a run could not (crash, second Ctrl-C,
//! `--skip-teardown`, `--keep`): reads the journal, undoes every entry not yet undone —
//! newest first, exactly as a run's teardown — deletes source clones through the profile
//! recorded in the journal, then audits the cluster for anything of the session left.
//!
//! Exit codes: 0 nothing left, 2 usage (unreadable journal or providers file), 3 objects
//! remain or the cluster is unreachable.

use std::path::PathBuf;
use std::process::ExitCode;

use super::cluster_args::ClusterArgs;
use crate::cluster::{ConnectError, connect};
use crate::engine::cleanup::{self, SourceCleaner, Teardown};
use crate::engine::journal::{Action, Journal};
use crate::engine::names::SESSION_LABEL;
use crate::engine::source::SourceSide;
use crate::engine::sweep::{self, Audit, SourceProbe};
use crate::engine::watches::Watches;
use crate::report::exit;

/// Arguments of `mtvt clean`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Exit codes:
  0  every recorded object is gone and nothing of the session is left
  2  the journal or the providers file cannot be read
  3  objects remain (listed), or the cluster or source cannot be reached")]
pub struct CleanArgs {
    /// The journal of a run (`<data-collector-path>/resources.json`).
    pub journal: PathBuf,
    /// Providers file for deleting source clones (if neither this flag nor
    /// PROVIDERS_JSON_PATH is given: the one the run recorded).
    #[arg(long, value_name = "FILE", env = "PROVIDERS_JSON_PATH")]
    pub providers_file: Option<PathBuf>,
    /// CA certificate (PEM) of the source provider, for deleting source clones.
    #[arg(long, value_name = "FILE")]
    pub source_ca_file: Option<PathBuf>,
    /// Do not verify the source provider's TLS certificate.
    #[arg(long)]
    pub source_insecure_skip_tls_verify: bool,
    /// OpenShift source providers: the namespace holding the source VMs.
    #[arg(long, value_name = "NS", default_value = "mtv-source-vms")]
    pub source_namespace: String,
    /// Clean even though the connection is to another cluster than the journal's (by its
    /// kube-system UID, else its URL). Objects are still deleted only when they carry the
    /// recorded UID or the session label.
    #[arg(long)]
    pub allow_other_cluster: bool,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

/// Refuses (exit 2) a connection to another cluster than the journal's, unless
/// `--allow-other-cluster`.
async fn same_cluster(
    args: &CleanArgs,
    doc: &crate::engine::journal::Document,
    cluster: &crate::cluster::Cluster,
) -> Result<(), ExitCode> {
    use crate::cluster::identity::{cluster_uid, same_cluster};
    let now_uid = cluster_uid(&cluster.client).await;
    let then = (doc.cluster.as_str(), doc.cluster_uid.as_deref());
    if same_cluster(then, (&cluster.url, now_uid.as_deref())) {
        return Ok(());
    }
    let what = match (&doc.cluster_uid, &now_uid) {
        (Some(a), Some(b)) => format!("kube-system UID {a}, the connection's is {b}"),
        _ => format!("{}, the connection is to {}", doc.cluster, cluster.url),
    };
    if args.allow_other_cluster {
        eprintln!(
            "warning: the journal was written for another cluster ({what}); cleaning anyway (--allow-other-cluster)"
        );
        return Ok(());
    }
    eprintln!(
        "error: the journal was written for another cluster ({what}); nothing was deleted. \
         Connect to the journal's cluster ({}), or pass --allow-other-cluster",
        doc.cluster
    );
    Err(ExitCode::from(exit::USAGE))
}

/// The ESXi logins of the profiles whose keys the journal lists as installed (from the
/// providers file recorded in the journal, or `--providers-file`).
fn esxi_logins(
    args: &CleanArgs,
    journal: &Journal,
) -> Result<crate::engine::cleanup::EsxiLogins, ExitCode> {
    let doc = journal.snapshot();
    let profiles: std::collections::BTreeSet<String> = doc
        .entries
        .iter()
        .filter_map(|e| match &e.action {
            Action::EsxiKey { profile, .. } => Some(profile.clone()),
            _ => None,
        })
        .collect();
    if profiles.is_empty() {
        return Ok(Default::default());
    }
    let Some(file) = args
        .providers_file
        .clone()
        .or_else(|| doc.providers_file.as_ref().map(PathBuf::from))
    else {
        eprintln!(
            "error: the journal lists keys installed on ESXi hosts but no providers file: pass --providers-file FILE"
        );
        return Err(ExitCode::from(exit::USAGE));
    };
    let mut loaded = Vec::new();
    for name in &profiles {
        let p = mtvt_profiles::load(&file).map_err(Box::new).and_then(|f| {
            f.profile(name, &|k| std::env::var(k).ok())
                .map_err(Box::new)
        });
        match p {
            Ok(p) => loaded.push(p),
            Err(e) => {
                eprint!("{}", mtvt_lang::profile::render_error(&e));
                return Err(ExitCode::from(exit::USAGE));
            }
        }
    }
    Ok(crate::engine::cleanup::esxi_logins(&loaded))
}

/// The source provider that made the journal's clones (through the providers file
/// recorded in the journal, or `--providers-file`); `None` when there are no clones or it
/// cannot be reached (said as a warning).
async fn connect_source(
    args: &CleanArgs,
    journal: &std::sync::Arc<Journal>,
    cluster: &crate::cluster::Cluster,
) -> Result<Option<SourceSide>, ExitCode> {
    let doc = journal.snapshot();
    let Some(profile_name) = doc.entries.iter().find_map(|e| match &e.action {
        Action::SourceVm { profile, .. } => Some(profile.clone()),
        _ => None,
    }) else {
        return Ok(None);
    };
    let file = args
        .providers_file
        .clone()
        .or_else(|| doc.providers_file.as_ref().map(PathBuf::from));
    let Some(file) = file else {
        eprintln!(
            "error: the journal lists source clones but no providers file: pass --providers-file FILE"
        );
        return Err(ExitCode::from(exit::USAGE));
    };
    let loaded = mtvt_profiles::load(&file).map_err(Box::new).and_then(|f| {
        f.profile(&profile_name, &|k| std::env::var(k).ok())
            .map_err(Box::new)
    });
    let profile = match loaded {
        Ok(p) => p,
        Err(e) => {
            eprint!("{}", mtvt_lang::profile::render_error(&e));
            return Err(ExitCode::from(exit::USAGE));
        }
    };
    let ca = match &args.source_ca_file {
        Some(f) => match std::fs::read(f) {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("error: cannot read --source-ca-file {}: {e}", f.display());
                return Err(ExitCode::from(exit::USAGE));
            }
        },
        None => None,
    };
    let tls = mtvt_source::TlsOptions {
        insecure_skip_verify: args.source_insecure_skip_tls_verify,
        ca_bundle_pem: ca,
    };
    match SourceSide::connect(
        &profile,
        tls,
        &cluster.client,
        &args.source_namespace,
        journal.clone(),
        &doc.session,
    )
    .await
    {
        Ok(s) => Ok(Some(s)),
        Err(e) => {
            eprintln!("warning: {e}; source clones cannot be deleted now");
            Ok(None)
        }
    }
}

/// Runs `mtvt clean`.
pub fn run(args: CleanArgs) -> ExitCode {
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
    runtime.block_on(clean(args))
}

async fn clean(args: CleanArgs) -> ExitCode {
    let journal = match Journal::load(&args.journal) {
        Ok(j) => std::sync::Arc::new(j),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let doc = journal.snapshot();
    let cluster = match connect(&args.cluster.options(None)).await {
        Ok(c) => c,
        Err(ConnectError::Usage(m)) => {
            eprintln!("error: {m}");
            return ExitCode::from(exit::USAGE);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::INFRA);
        }
    };
    if let Err(code) = same_cluster(&args, &doc, &cluster).await {
        return code;
    }
    let pending = journal.remaining();
    // the source provider, when clones were made
    let source = match connect_source(&args, &journal, &cluster).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    eprintln!(
        "cleaning session {}: {} recorded item(s) not yet undone",
        doc.session,
        pending.len()
    );
    let src = source.as_ref().map(|s| s as &dyn SourceCleaner);
    let watches = Watches::new(
        cluster.client.clone(),
        Some(format!("{SESSION_LABEL}={}", doc.session)),
    )
    .with_health(cluster.health.clone());
    let esxi = match esxi_logins(&args, &journal) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let t = Teardown {
        client: &cluster.client,
        journal: &journal,
        watches: &watches,
        sources: src,
        esxi: &esxi,
    };
    let log = cleanup::undo(&t, pending).await;
    if cluster.health.lost_reason().is_some() {
        return verdict(&log.errors, &[], log.undone, &doc.session, &args.journal);
    }
    let probe = source.as_ref().map(|s| s as &dyn SourceProbe);
    let leaks = sweep::sweep(&Audit {
        client: &cluster.client,
        doc: &journal.snapshot(),
        scenario: None,
        sources: probe,
        watches: None,
        gone_namespaces: &log.gone_namespaces,
    })
    .await;
    verdict(&log.errors, &leaks, log.undone, &doc.session, &args.journal)
}

/// Prints what is left and returns the exit code.
fn verdict(
    errors: &[String],
    leaks: &[String],
    undone: usize,
    session: &str,
    journal: &std::path::Path,
) -> ExitCode {
    for e in errors {
        eprintln!("  error: {e}");
    }
    for l in leaks {
        eprintln!("  leftover: {l}");
    }
    if errors.is_empty() && leaks.is_empty() {
        eprintln!("done: {undone} item(s) undone, nothing of session {session} is left");
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{} error(s), {} leftover(s): fix the cause and run `mtvt clean {}` again",
            errors.len(),
            leaks.len(),
            journal.display()
        );
        ExitCode::from(exit::INFRA)
    }
}
