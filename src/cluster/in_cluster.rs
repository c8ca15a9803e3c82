//! In-cluster configuration, for `mtvt run` in a pod (`mtvt job`): the API server from
//! `KUBERNETES_SERVICE_HOST` / `KUBERNETES_SERVICE_PORT`, the pod's ServiceAccount token and
//! CA from its directory (`/var/run/secrets/kubernetes.io/serviceaccount`, or
//! `MTVT_SERVICEACCOUNT_DIR`: the emulator's kubelet runs pods as local processes and puts
//! the files elsewhere). Used only when neither `--kubeconfig`, `--cluster-url` nor
//! `KUBECONFIG` names a cluster. It reads files; it sends nothing and logs no token.

use std::path::PathBuf;

use super::ConnectError;
use super::connect::pem_to_der;

/// Where Kubernetes mounts a pod's ServiceAccount.
pub const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
/// Overrides [`SERVICE_ACCOUNT_DIR`].
pub const SERVICE_ACCOUNT_DIR_ENV: &str = "MTVT_SERVICEACCOUNT_DIR";

/// The API server and the ServiceAccount directory of the pod this runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InCluster {
    /// `https://HOST:PORT`.
    pub url: String,
    /// Holds `token` and `ca.crt`.
    pub dir: PathBuf,
}

/// The pod's in-cluster settings when this runs in a pod and nothing else names a cluster.
pub fn detect(env: impl Fn(&str) -> Option<String>) -> Option<InCluster> {
    if env("KUBECONFIG").is_some_and(|k| !k.is_empty()) {
        return None;
    }
    let host = env("KUBERNETES_SERVICE_HOST").filter(|h| !h.is_empty())?;
    let port = env("KUBERNETES_SERVICE_PORT")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "443".into());
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let dir = env(SERVICE_ACCOUNT_DIR_ENV)
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from(SERVICE_ACCOUNT_DIR), PathBuf::from);
    Some(InCluster {
        url: format!("https://{host}:{port}"),
        dir,
    })
}

/// The client configuration: the token file (re-read by the client as it rotates) and CA.
pub fn config(ic: &InCluster) -> Result<kube::Config, ConnectError> {
    let unusable = |cause: String| ConnectError::Unusable {
        url: ic.url.clone(),
        cause,
    };
    let uri: http::Uri = ic.url.parse().map_err(|e| {
        unusable(format!(
            "KUBERNETES_SERVICE_HOST/PORT do not make a URL: {e}"
        ))
    })?;
    let token = ic.dir.join("token");
    if !token.is_file() {
        return Err(unusable(format!(
            "running in a pod but there is no ServiceAccount token at {} (automountServiceAccountToken off?); mount one or pass --kubeconfig",
            token.display()
        )));
    }
    let ca_path = ic.dir.join("ca.crt");
    let ca = std::fs::read(&ca_path)
        .map_err(|e| unusable(format!("cannot read {}: {e}", ca_path.display())))?;
    let mut config = kube::Config::new(uri);
    config.root_cert = Some(
        pem_to_der(&ca).map_err(|m| unusable(format!("{} is not PEM: {m}", ca_path.display())))?,
    );
    config.auth_info.token_file = Some(token.display().to_string());
    if let Ok(ns) = std::fs::read_to_string(ic.dir.join("namespace")) {
        config.default_namespace = ns.trim().to_string();
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn detects_a_pod_unless_a_kubeconfig_is_named() {
        let pod = |k: &str| match k {
            "KUBERNETES_SERVICE_HOST" => Some("fd00::1".to_string()),
            "KUBERNETES_SERVICE_PORT" => Some("6443".to_string()),
            _ => None,
        };
        let ic = detect(pod).unwrap();
        assert_eq!(ic.url, "https://[fd00::1]:6443");
        assert_eq!(ic.dir, PathBuf::from(SERVICE_ACCOUNT_DIR));
        let with_kc = |k: &str| match k {
            "KUBECONFIG" => Some("/k".to_string()),
            _ => pod(k),
        };
        assert_eq!(detect(with_kc), None);
        assert_eq!(detect(|_| None), None);
    }

    #[test]
    fn a_missing_token_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let ic = InCluster {
            url: "https://10.0.0.1:443".into(),
            dir: dir.path().into(),
        };
        let e = config(&ic).unwrap_err().to_string();
        assert!(e.contains("no ServiceAccount token"), "{e}");
    }
}
