//! Building the kube client of a run from the user's inputs: a kubeconfig (default kube
//! rules, `--kubeconfig`, `--context`), or an explicit `--cluster-url` with a bearer token
//! or an OpenShift username/password login, or in a pod its ServiceAccount (`in_cluster`). TLS verification stays on unless the user
//! skips it. The result also keeps what other clients of the same cluster need: the API
//! URL, the bearer token (inventory Route, remote destination provider) and the CA.
//!
//! It must not send any request except the OAuth login; it never logs a token or password.

use std::path::PathBuf;

use kube::config::{KubeConfigOptions, Kubeconfig};
use mtvt_vocab::Secret;
use secrecy::ExposeSecret;

use super::health::Health;
use super::oauth;

/// How to reach the cluster.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// Kubeconfig file (default: `KUBECONFIG`, then `~/.kube/config`).
    pub kubeconfig: Option<PathBuf>,
    /// Context of the kubeconfig (default: its current context).
    pub context: Option<String>,
    /// Explicit API URL (bypasses the kubeconfig).
    pub cluster_url: Option<String>,
    /// Bearer token for `cluster_url`.
    pub token: Option<Secret>,
    /// OpenShift user for an OAuth login against `cluster_url`.
    pub username: Option<String>,
    /// Its password.
    pub password: Option<Secret>,
    /// PEM file with the CA of `cluster_url`.
    pub certificate_authority: Option<PathBuf>,
    /// Skip TLS certificate verification of the API server.
    pub insecure_skip_tls_verify: bool,
}

/// A connected cluster.
#[derive(Clone)]
pub struct Cluster {
    /// The kube client.
    pub client: kube::Client,
    /// API server URL.
    pub url: String,
    /// The bearer token, when the credentials are a token (needed by the inventory Route and
    /// remote destination providers).
    pub token: Option<Secret>,
    /// CA certificates (PEM) the kubeconfig trusts for this cluster.
    pub ca_pem: Option<Vec<u8>>,
    /// TLS verification of the API server is skipped.
    pub insecure: bool,
    /// Whether the API server still answers (fed by every request of `client`).
    pub health: Health,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("url", &self.url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("insecure", &self.insecure)
            .finish_non_exhaustive()
    }
}

/// Why the cluster cannot be reached.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Inputs are missing or contradictory.
    #[error("{0}")]
    Usage(String),
    /// The kubeconfig could not be read or used.
    #[error("cannot use the kubeconfig{where_}: {message}")]
    Kubeconfig {
        /// ` FILE` or empty.
        where_: String,
        /// What went wrong.
        message: String,
    },
    /// The OpenShift OAuth login failed.
    #[error("OpenShift login to {url} failed: {message}")]
    Login {
        /// API URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The API server cannot be used (TLS, credentials, network), cause named.
    #[error("cannot use the API server at {url}: {cause}")]
    Unusable {
        /// API URL.
        url: String,
        /// What is wrong and what to do.
        cause: String,
    },
    /// The client could not be built.
    #[error("cannot build the Kubernetes client for {url}: {message}")]
    Client {
        /// API URL.
        url: String,
        /// What went wrong.
        message: String,
    },
}

/// Builds the client (and logs in to OpenShift when a username is given), then probes
/// the API server so that an unusable one fails here with its cause named.
pub async fn connect(opts: &ConnectOptions) -> Result<Cluster, ConnectError> {
    let cluster = build(opts).await?;
    super::probe::probe(&cluster.client)
        .await
        .map_err(|cause| ConnectError::Unusable {
            url: cluster.url.clone(),
            cause: cause.to_string(),
        })?;
    cluster.health.watch(cluster.client.clone());
    Ok(cluster)
}

/// The client and facts of [`connect`] without the probe (an OAuth login still talks to
/// the cluster).
async fn build(opts: &ConnectOptions) -> Result<Cluster, ConnectError> {
    let mut config = match &opts.cluster_url {
        Some(url) => explicit_config(opts, url).await?,
        None => {
            if opts.token.is_some() || opts.username.is_some() {
                return Err(ConnectError::Usage(
                    "--token and --username need --cluster-url (or put the credentials in the kubeconfig)"
                        .into(),
                ));
            }
            let env = |k: &str| std::env::var(k).ok();
            match (&opts.kubeconfig, super::in_cluster::detect(env)) {
                (None, Some(ic)) => super::in_cluster::config(&ic)?,
                _ => kubeconfig_config(opts).await?,
            }
        }
    };
    if opts.insecure_skip_tls_verify {
        config.accept_invalid_certs = true;
    }
    let url = config
        .cluster_url
        .to_string()
        .trim_end_matches('/')
        .to_string();
    let token = match (&config.auth_info.token, &config.auth_info.token_file) {
        (Some(t), _) => Some(Secret::new(t.expose_secret())),
        (None, Some(file)) => std::fs::read_to_string(file)
            .ok()
            .map(|t| Secret::new(t.trim())),
        (None, None) => None,
    };
    if url.starts_with("http://") && (token.is_some() || config.auth_info.password.is_some()) {
        return Err(ConnectError::Usage(format!(
            "{url} is plain HTTP: mtvt never sends a bearer token or a password without TLS; use the https:// URL of the API server"
        )));
    }
    let ca_pem = config.root_cert.as_ref().map(|ders| der_to_pem(ders));
    let insecure = config.accept_invalid_certs;
    let health = Health::new(&url);
    let client = client_of(config, &health).map_err(|message| ConnectError::Client {
        url: url.clone(),
        message,
    })?;
    Ok(Cluster {
        client,
        url,
        token,
        ca_pem,
        insecure,
        health,
    })
}

/// Answers 429, 503 and 504 are retried at most [`RETRIES`] times, 50 ms doubling to 2 s
/// apart (kube's default policy waits up to 1000 s between 15 attempts: a run stalled
/// silently for minutes); every request feeds `health`.
pub fn client_of(mut config: kube::Config, health: &Health) -> Result<kube::Client, String> {
    use std::time::Duration;
    config.default_retry = false;
    let policy = kube::client::retry::RetryPolicy::new(
        Duration::from_millis(50),
        Duration::from_secs(2),
        RETRIES,
        false,
    )
    .map_err(|e| e.to_string())?;
    let client = kube::client::ClientBuilder::try_from(config)
        .map_err(|e| e.to_string())?
        .with_layer(&tower::buffer::BufferLayer::new(1024))
        .with_layer(&tower::retry::RetryLayer::new(policy))
        .with_layer(&health.layer())
        .build();
    Ok(client)
}

/// Retries of a 429, 503 or 504 answer inside the client.
pub const RETRIES: u32 = 5;

async fn explicit_config(opts: &ConnectOptions, url: &str) -> Result<kube::Config, ConnectError> {
    let uri: http::Uri = url
        .parse()
        .map_err(|e| ConnectError::Usage(format!("--cluster-url '{url}' is not a URL: {e}")))?;
    let mut config = kube::Config::new(uri);
    if let Some(path) = &opts.certificate_authority {
        config.root_cert = Some(read_ca(path)?);
    }
    config.accept_invalid_certs = opts.insecure_skip_tls_verify;
    let token = match (&opts.token, &opts.username) {
        (Some(t), None) => t.clone(),
        (None, Some(user)) => {
            let password = opts.password.clone().ok_or_else(|| {
                ConnectError::Usage(format!(
                    "--username {user} needs --password (or MTVT_PASSWORD)"
                ))
            })?;
            let ca = config.root_cert.as_ref().map(|d| der_to_pem(d));
            oauth::login(
                url,
                user,
                &password,
                ca.as_deref(),
                opts.insecure_skip_tls_verify,
            )
            .await
            .map_err(|message| ConnectError::Login {
                url: url.to_string(),
                message,
            })?
        }
        (Some(_), Some(_)) => {
            return Err(ConnectError::Usage(
                "give either --token or --username/--password, not both".into(),
            ));
        }
        (None, None) => {
            return Err(ConnectError::Usage(format!(
                "--cluster-url {url} needs credentials: --token TOKEN (or MTVT_TOKEN), or --username USER with --password"
            )));
        }
    };
    config.auth_info.token = Some(token.expose().to_string().into());
    Ok(config)
}

async fn kubeconfig_config(opts: &ConnectOptions) -> Result<kube::Config, ConnectError> {
    let options = KubeConfigOptions {
        context: opts.context.clone(),
        ..KubeConfigOptions::default()
    };
    let where_ = opts
        .kubeconfig
        .as_ref()
        .map(|p| format!(" {}", p.display()))
        .unwrap_or_default();
    let result = match &opts.kubeconfig {
        Some(path) => {
            let kc = Kubeconfig::read_from(path).map_err(|e| ConnectError::Kubeconfig {
                where_: where_.clone(),
                message: e.to_string(),
            })?;
            kube::Config::from_custom_kubeconfig(kc, &options).await
        }
        None => kube::Config::from_kubeconfig(&options).await,
    };
    let mut config = result.map_err(|e| ConnectError::Kubeconfig {
        where_,
        message: format!(
            "{e} (pass --kubeconfig FILE, set KUBECONFIG, or use --cluster-url with --token)"
        ),
    })?;
    // --certificate-authority next to a kubeconfig: trusted instead of the kubeconfig's CA.
    if let Some(path) = &opts.certificate_authority {
        config.root_cert = Some(read_ca(path)?);
    }
    Ok(config)
}

/// The certificates of a `--certificate-authority` PEM file.
fn read_ca(path: &std::path::Path) -> Result<Vec<Vec<u8>>, ConnectError> {
    let pem = std::fs::read(path).map_err(|e| {
        ConnectError::Usage(format!(
            "cannot read --certificate-authority {}: {e}",
            path.display()
        ))
    })?;
    pem_to_der(&pem).map_err(|m| {
        ConnectError::Usage(format!(
            "--certificate-authority {} is not PEM: {m}",
            path.display()
        ))
    })
}

/// DER certificates as one PEM bundle.
pub fn der_to_pem(ders: &[Vec<u8>]) -> Vec<u8> {
    use base64::Engine;
    let mut out = String::new();
    for der in ders {
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let mut rest = b64.as_str();
        while !rest.is_empty() {
            let (line, tail) = rest.split_at(rest.len().min(64));
            out.push_str(line);
            out.push('\n');
            rest = tail;
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out.into_bytes()
}

/// PEM certificates to DER blocks.
pub fn pem_to_der(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    use base64::Engine;
    let text = std::str::from_utf8(pem).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut body: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line == "-----BEGIN CERTIFICATE-----" {
            body = Some(String::new());
        } else if line == "-----END CERTIFICATE-----" {
            let b = body.take().unwrap_or_default();
            let der = base64::engine::general_purpose::STANDARD
                .decode(b.as_bytes())
                .map_err(|e| e.to_string())?;
            out.push(der);
        } else if let Some(b) = body.as_mut() {
            b.push_str(line);
        }
    }
    if out.is_empty() {
        return Err("no CERTIFICATE block".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trip() {
        let ders = vec![vec![1u8, 2, 3, 250], (0..200u8).collect()];
        let pem = der_to_pem(&ders);
        assert!(String::from_utf8_lossy(&pem).starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert_eq!(pem_to_der(&pem).unwrap(), ders);
        assert!(pem_to_der(b"nothing").is_err());
    }

    #[tokio::test]
    async fn explicit_url_needs_credentials() {
        let opts = ConnectOptions {
            cluster_url: Some("https://api.example:6443".into()),
            ..ConnectOptions::default()
        };
        let e = connect(&opts).await.unwrap_err().to_string();
        assert!(e.contains("needs credentials"), "{e}");
        let opts = ConnectOptions {
            token: Some(Secret::new("t")),
            ..ConnectOptions::default()
        };
        let e = connect(&opts).await.unwrap_err().to_string();
        assert!(e.contains("need --cluster-url"), "{e}");
    }

    #[tokio::test]
    async fn a_token_never_goes_over_plain_http() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let opts = ConnectOptions {
            cluster_url: Some("http://api.example:8080".into()),
            token: Some(Secret::new("sha256~very-secret")),
            ..ConnectOptions::default()
        };
        let e = build(&opts).await.unwrap_err().to_string();
        assert!(e.contains("plain HTTP"), "{e}");
        assert!(!e.contains("very-secret"), "{e}");
    }

    #[tokio::test]
    async fn explicit_url_with_token_keeps_it_secret() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let opts = ConnectOptions {
            cluster_url: Some("https://api.example:6443".into()),
            token: Some(Secret::new("sha256~very-secret")),
            ..ConnectOptions::default()
        };
        let c = build(&opts).await.unwrap();
        assert_eq!(c.url, "https://api.example:6443");
        assert_eq!(
            c.token.as_ref().map(Secret::expose),
            Some("sha256~very-secret")
        );
        assert!(!format!("{c:?}").contains("very-secret"));
    }
}
