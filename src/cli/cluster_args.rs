//! The cluster connection flags shared by `mtvt run` and `mtvt clean`: kubeconfig and
//! context, or an explicit API URL with a token or an OpenShift login, CA, TLS skip.

use std::path::PathBuf;

use mtvt_vocab::Secret;

use crate::cluster::ConnectOptions;

/// How to reach the cluster.
#[derive(Debug, Clone, clap::Args)]
pub struct ClusterArgs {
    /// Kubeconfig file (default: KUBECONFIG, then ~/.kube/config).
    #[arg(long, value_name = "FILE", help_heading = "Cluster")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context (default: the current context).
    #[arg(long, value_name = "NAME", help_heading = "Cluster")]
    pub context: Option<String>,
    /// API server URL (instead of a kubeconfig); needs --token or --username/--password.
    #[arg(
        long,
        value_name = "URL",
        conflicts_with = "kubeconfig",
        help_heading = "Cluster"
    )]
    pub cluster_url: Option<String>,
    /// Bearer token for --cluster-url.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "MTVT_TOKEN",
        hide_env_values = true,
        help_heading = "Cluster"
    )]
    pub token: Option<String>,
    /// OpenShift user for an OAuth login against --cluster-url.
    #[arg(long, value_name = "USER", help_heading = "Cluster")]
    pub username: Option<String>,
    /// Password of --username.
    #[arg(
        long,
        value_name = "PASSWORD",
        env = "MTVT_PASSWORD",
        hide_env_values = true,
        help_heading = "Cluster"
    )]
    pub password: Option<String>,
    /// CA certificate (PEM) of --cluster-url.
    #[arg(long, value_name = "FILE", help_heading = "Cluster")]
    pub certificate_authority: Option<PathBuf>,
    /// Do not verify the API server's TLS certificate.
    #[arg(long, help_heading = "Cluster")]
    pub insecure_skip_tls_verify: bool,
}

impl ClusterArgs {
    /// The connect options (`kubeconfig` wins over `--kubeconfig`: the emulator's).
    pub fn options(&self, kubeconfig: Option<PathBuf>) -> ConnectOptions {
        ConnectOptions {
            kubeconfig: kubeconfig.or_else(|| self.kubeconfig.clone()),
            context: self.context.clone(),
            cluster_url: self.cluster_url.clone(),
            token: self.token.clone().map(Secret::new),
            username: self.username.clone(),
            password: self.password.clone().map(Secret::new),
            certificate_authority: self.certificate_authority.clone(),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
        }
    }
}
