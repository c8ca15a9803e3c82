//! Connecting to a cluster that cannot be used fails at once with the cause named (issue
//! 15 item 6): an unknown CA, rejected credentials, a refused port, a name that does not
//! resolve — and `--certificate-authority` next to a CA-less kubeconfig is used, not
//! ignored. Driven through `mtvt clean` (it connects first and needs no scenario).

use std::path::Path;
use std::process::Output;

use base64::Engine;
use mtvt_sim::server::Server;
use serde_json::json;

use crate::harness::{Mtvt, install_crypto, stderr};

fn clean(dir: &Path, url: &str, args: &[&str]) -> Output {
    let journal = dir.join("resources.json");
    let doc = json!({"format": "mtvt-journal/1", "session": "auto-conn", "cluster": url,
        "mtv_namespace": "openshift-mtv", "started": "2026-01-01T00:00:00Z", "entries": []});
    std::fs::write(&journal, doc.to_string()).unwrap();
    Mtvt::new()
        .args(["clean", journal.to_str().unwrap()])
        .args(args)
        .output()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unusable_clusters_fail_with_their_cause() {
    install_crypto();
    let handle = Server::builder().start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let yaml = handle.kubeconfig_yaml();
    let url = handle.url();
    let token = handle.token().to_string();
    let ca_b64 = yaml
        .lines()
        .skip_while(|l| !l.contains("certificate-authority-data"))
        .nth(1)
        .map(|l| l.trim().to_string())
        .unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(
        &ca,
        base64::engine::general_purpose::STANDARD
            .decode(&ca_b64)
            .unwrap(),
    )
    .unwrap();

    // a kubeconfig without the CA: the certificate is named, exit 3
    let no_ca: String = yaml
        .lines()
        .filter(|l| !l.contains("certificate-authority-data") && l.trim() != ca_b64)
        .map(|l| format!("{l}\n"))
        .collect();
    let kc = dir.path().join("kc-no-ca");
    std::fs::write(&kc, &no_ca).unwrap();
    let o = clean(dir.path(), url, &["--kubeconfig", kc.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("signed by a CA this client does not trust"),
        "{}",
        stderr(&o)
    );
    // ...and the same kubeconfig with --certificate-authority works
    let o = clean(
        dir.path(),
        url,
        &[
            "--kubeconfig",
            kc.to_str().unwrap(),
            "--certificate-authority",
            ca.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let ca_flag = ["--certificate-authority", ca.to_str().unwrap()];
    let o = clean(
        dir.path(),
        url,
        &[&["--cluster-url", url, "--token", "wrong"][..], &ca_flag].concat(),
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("401 Unauthorized"), "{}", stderr(&o));
    assert!(!stderr(&o).contains(&token));
    let o = clean(
        dir.path(),
        "https://127.0.0.1:1",
        &["--cluster-url", "https://127.0.0.1:1", "--token", "t"],
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("connection refused"), "{}", stderr(&o));
    let o = clean(
        dir.path(),
        "https://nowhere.invalid:6443",
        &[
            "--cluster-url",
            "https://nowhere.invalid:6443",
            "--token",
            "t",
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("does not resolve"), "{}", stderr(&o));
    handle.shutdown().await;
}
