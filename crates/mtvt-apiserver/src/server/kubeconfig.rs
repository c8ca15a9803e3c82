//! The kubeconfig a running emulator hands to clients: one cluster (`https://` URL and the CA
//! that signed the server certificate), one user with the bearer token, one context with the
//! default namespace, as `kubectl` and `kube::Config` read it. Written with mode 0600 because it holds the token.

use std::path::Path;

use serde::Serialize;

#[derive(Serialize)]
struct Kubeconfig<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'a str,
    kind: &'a str,
    clusters: Vec<NamedCluster<'a>>,
    users: Vec<NamedUser<'a>>,
    contexts: Vec<NamedContext<'a>>,
    #[serde(rename = "current-context")]
    current_context: &'a str,
    preferences: std::collections::BTreeMap<String, String>,
}

#[derive(Serialize)]
struct NamedCluster<'a> {
    name: &'a str,
    cluster: Cluster<'a>,
}

#[derive(Serialize)]
struct Cluster<'a> {
    server: &'a str,
    #[serde(rename = "certificate-authority-data")]
    certificate_authority_data: String,
}

#[derive(Serialize)]
struct NamedUser<'a> {
    name: &'a str,
    user: User<'a>,
}

#[derive(Serialize)]
struct User<'a> {
    token: &'a str,
}

#[derive(Serialize)]
struct NamedContext<'a> {
    name: &'a str,
    context: Context<'a>,
}

#[derive(Serialize)]
struct Context<'a> {
    cluster: &'a str,
    user: &'a str,
    namespace: &'a str,
}

/// The name used for the cluster, user and context entries.
pub const NAME: &str = "mtvt-sim";

/// Renders a kubeconfig; `ca_pem` is the CA that signed the server certificate.
pub fn render(server: &str, ca_pem: &str, token: &str, namespace: &str) -> String {
    use base64::Engine;
    let certificate_authority_data = base64::engine::general_purpose::STANDARD.encode(ca_pem);
    let kc = Kubeconfig {
        api_version: "v1",
        kind: "Config",
        clusters: vec![NamedCluster {
            name: NAME,
            cluster: Cluster {
                server,
                certificate_authority_data,
            },
        }],
        users: vec![NamedUser {
            name: NAME,
            user: User { token },
        }],
        contexts: vec![NamedContext {
            name: NAME,
            context: Context {
                cluster: NAME,
                user: NAME,
                namespace,
            },
        }],
        current_context: NAME,
        preferences: Default::default(),
    };
    serde_saphyr::to_string(&kc).unwrap_or_default()
}

/// Writes `text` to `path` readable by the owner only (it holds a token).
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp-mtvt");
    {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_kubeconfig_kube_can_read() {
        let text = render(
            "https://127.0.0.1:1234",
            "-----BEGIN CERTIFICATE-----",
            "tok",
            "default",
        );
        let v: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(
            v["clusters"][0]["cluster"]["server"],
            "https://127.0.0.1:1234"
        );
        assert_eq!(
            v["clusters"][0]["cluster"]["certificate-authority-data"],
            "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"
        );
        assert_eq!(v["users"][0]["user"]["token"], "tok");
        assert_eq!(v["contexts"][0]["context"]["namespace"], "default");
        assert_eq!(v["current-context"], NAME);
    }
}
