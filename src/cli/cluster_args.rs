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
    /// Without it and without --kubeconfig, the pytest suite's CLUSTER_HOST, CLUSTER_USERNAME,
    /// CLUSTER_PASSWORD and CLUSTER_VERIFY_SSL=false are read.
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
    /// CA certificate (PEM) of the API server (with a kubeconfig: trusted instead of its CA).
    #[arg(long, value_name = "FILE", help_heading = "Cluster")]
    pub certificate_authority: Option<PathBuf>,
    /// Do not verify the API server's TLS certificate.
    #[arg(long, help_heading = "Cluster")]
    pub insecure_skip_tls_verify: bool,
}

impl ClusterArgs {
    /// The connect options (`kubeconfig` wins over `--kubeconfig`: the emulator's).
    pub fn options(&self, kubeconfig: Option<PathBuf>) -> ConnectOptions {
        self.options_with_env(kubeconfig, |k| std::env::var(k).ok())
    }

    /// [`Self::options`] reading the environment through `env`. Without a kubeconfig flag
    /// or `--cluster-url`, the pytest suite's variables are honoured as its users set them:
    /// `CLUSTER_HOST` (the API URL), `CLUSTER_USERNAME`, `CLUSTER_PASSWORD` and
    /// `CLUSTER_VERIFY_SSL=false` (skip TLS verification).
    fn options_with_env(
        &self,
        kubeconfig: Option<PathBuf>,
        env: impl Fn(&str) -> Option<String>,
    ) -> ConnectOptions {
        let kubeconfig = kubeconfig.or_else(|| self.kubeconfig.clone());
        let suite_env = kubeconfig.is_none() && self.cluster_url.is_none();
        let from_env = |k: &str| {
            suite_env
                .then(|| env(k))
                .flatten()
                .filter(|v| !v.is_empty())
        };
        let verify_off = from_env("CLUSTER_VERIFY_SSL")
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "false" | "0" | "no"));
        let cluster_url = self
            .cluster_url
            .clone()
            .or_else(|| from_env("CLUSTER_HOST"));
        let url_from_env = self.cluster_url.is_none() && cluster_url.is_some();
        let env_if_url = |k: &str| url_from_env.then(|| from_env(k)).flatten();
        ConnectOptions {
            kubeconfig,
            context: self.context.clone(),
            cluster_url,
            token: self.token.clone().map(Secret::new),
            username: self
                .username
                .clone()
                .or_else(|| env_if_url("CLUSTER_USERNAME")),
            password: (self.password.clone())
                .or_else(|| env_if_url("CLUSTER_PASSWORD"))
                .map(Secret::new),
            certificate_authority: self.certificate_authority.clone(),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify || verify_off,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        cluster: ClusterArgs,
    }

    fn suite_env(k: &str) -> Option<String> {
        match k {
            "CLUSTER_HOST" => Some("https://api.example.com:6443".into()),
            "CLUSTER_USERNAME" => Some("kubeadmin".into()),
            "CLUSTER_PASSWORD" => Some("pw".into()),
            "CLUSTER_VERIFY_SSL" => Some("false".into()),
            _ => None,
        }
    }

    #[test]
    fn the_suites_cluster_variables_stand_in_for_the_flags() {
        let args = Cli::parse_from(["t"]).cluster;
        let o = args.options_with_env(None, suite_env);
        assert_eq!(
            o.cluster_url.as_deref(),
            Some("https://api.example.com:6443")
        );
        assert_eq!(o.username.as_deref(), Some("kubeadmin"));
        assert_eq!(o.password.as_ref().map(|p| p.expose()), Some("pw"));
        assert!(o.insecure_skip_tls_verify);
    }

    #[test]
    fn flags_and_kubeconfigs_win_over_the_suites_variables() {
        let args = Cli::parse_from(["t", "--cluster-url", "https://flag:6443"]).cluster;
        let o = args.options_with_env(None, suite_env);
        assert_eq!(o.cluster_url.as_deref(), Some("https://flag:6443"));
        assert_eq!(o.username, None, "CLUSTER_USERNAME belongs to CLUSTER_HOST");
        assert!(!o.insecure_skip_tls_verify);
        // the emulator's kubeconfig (or --kubeconfig) ignores them altogether
        let args = Cli::parse_from(["t"]).cluster;
        let o = args.options_with_env(Some(PathBuf::from("/k")), suite_env);
        assert_eq!(o.cluster_url, None);
        assert_eq!(o.password.map(|p| p.expose().to_string()), None);
    }
}
