//! Which cluster this is, beyond its URL: the UID of the `kube-system` namespace, which
//! every Kubernetes cluster has from its first start and never re-creates. A journal
//! records it so that `mtvt clean` cannot be pointed at another cluster by a changed
//! kubeconfig, and a cluster reached under another name is still recognised.

use k8s_openapi::api::core::v1::Namespace;
use kube::Api;

/// The UID of `kube-system`, or `None` when it cannot be read (no permission, or an API
/// server without it).
pub async fn cluster_uid(client: &kube::Client) -> Option<String> {
    let api: Api<Namespace> = Api::all(client.clone());
    api.get_opt("kube-system")
        .await
        .ok()
        .flatten()?
        .metadata
        .uid
}

/// Whether a journal written for (`url`, `uid`) may be cleaned on the cluster at
/// (`now_url`, `now_uid`): by UID when both are known, else by URL.
pub fn same_cluster(
    (url, uid): (&str, Option<&str>),
    (now_url, now_uid): (&str, Option<&str>),
) -> bool {
    match (uid, now_uid) {
        (Some(a), Some(b)) => a == b,
        _ => url.trim_end_matches('/') == now_url.trim_end_matches('/'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uid_decides_when_both_are_known_else_the_url() {
        let a = ("https://api.a:6443", Some("u1"));
        assert!(same_cluster(a, ("https://api.a:6443/", Some("u1"))));
        assert!(
            same_cluster(a, ("https://10.0.0.1:6443", Some("u1"))),
            "another name"
        );
        assert!(
            !same_cluster(a, ("https://api.a:6443", Some("u2"))),
            "re-installed"
        );
        assert!(same_cluster(
            ("https://x", None),
            ("https://x/", Some("u2"))
        ));
        assert!(!same_cluster(("https://x", None), ("https://y", None)));
    }
}
