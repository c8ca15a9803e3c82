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

/// Writes `text` to `path` readable by the owner only (it holds a token or passwords),
/// also over an existing file of any mode: the text goes to a fresh private temporary
/// file in the same folder (created 0600), which then replaces `path` atomically.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.to_path_buf()
        }
        None => std::path::PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".mtvt-private-")
        .tempfile_in(&dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn private_files_end_at_0600_even_over_a_readable_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("p.json");
        std::fs::write(&path, "old").unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
            .unwrap_or_else(|e| panic!("{e}"));
        write_private(&path, "secret").unwrap_or_else(|e| panic!("{e}"));
        let meta = std::fs::metadata(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(
            std::fs::read_to_string(&path).ok().as_deref(),
            Some("secret")
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(left.len(), 1, "no temporary file left");
    }

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
