//! The ssh clone method of copy offload, as the pytest suite prepares it: wait for the
//! public key Forklift generates per vSphere Provider (Secret
//! `offload-ssh-keys-<provider>-public`, key `public-key`; at most 120 s, libs/providers/
//! vmware.py `get_ssh_public_key`) and add it, restricted to Forklift's forced command, to
//! root's authorized_keys on the profile's ESXi host (utilities/esxi.py
//! `install_ssh_key_on_esxi`: skipped when the key is already there), journalled before the
//! write so teardown and `mtvt clean` remove it. And a copy-offload plan's Secret
//! (`<plan>-…`, at most 60 s after the Migration, then a warning). Never prints the key or
//! the password.

use std::time::Duration;

use base64::Engine;
use futures::StreamExt;
use kube::api::{Api, DynamicObject};
use kube::runtime::watcher;
use mtvt_guest::esxi::{self, AUTHORIZED_KEYS, EsxiConnection, EsxiLogin};

use super::{Executor, Output};
use crate::cluster::kinds;
use crate::engine::error::EngineError;
use crate::engine::journal::{Action, Scope, State};
use crate::engine::plan::{EsxiKey, PLAN_SECRET_TIMEOUT, SSH_KEY_SECRET_TIMEOUT};
use crate::report::progress::Event;

/// How long connecting to the ESXi host may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Installs the provider's key on the host (see the module doc).
pub(super) async fn install_key(x: &Executor, k: &EsxiKey) -> Result<Output, EngineError> {
    let ns = k.provider.namespace.as_deref().unwrap_or_default();
    let name = format!("offload-ssh-keys-{}-public", k.provider.name);
    let secret = first_secret(x, ns, SSH_KEY_SECRET_TIMEOUT, |n| n == name)
        .await?
        .ok_or_else(|| {
            EngineError::Setup(format!(
                "Forklift did not create Secret {ns}/{name} within {}s: its provider controller generates it for every vSphere Provider (is forklift-controller running, and is MTV ≥ 2.10?)",
                SSH_KEY_SECRET_TIMEOUT.as_secs()
            ))
        })?;
    let public = secret_text(&secret, "public-key").ok_or_else(|| {
        EngineError::Setup(format!("Secret {ns}/{name} has no readable `public-key`"))
    })?;
    let fp = esxi::fingerprint(&public).ok_or_else(|| {
        EngineError::Setup(format!(
            "the `public-key` of Secret {ns}/{name} is not an OpenSSH public key"
        ))
    })?;
    let line = esxi::restricted_line(&public, k.mtv_version.as_deref());
    let conn = connect(&k.login).await?;
    let current = read_keys(&conn).await?;
    let Some(next) = esxi::with_key(&current, &line, &fp) else {
        x.progress.send(Event::Note(format!(
            "the SSH key of Provider {} is already in {AUTHORIZED_KEYS} on ESXi host {}",
            k.provider.name, k.login.host
        )));
        conn.close().await;
        return Ok(Output::Nothing);
    };
    let written = record_and_write(x, k, &conn, &fp, &next).await;
    let kept = match written {
        Ok(()) => keep_key(&conn, &line, &fp).await,
        Err(e) => Err(e),
    };
    conn.close().await;
    kept?;
    x.progress.send(Event::Note(format!(
        "installed the SSH key {fp} of Provider {} on ESXi host {}",
        k.provider.name, k.login.host
    )));
    Ok(Output::Nothing)
}

/// How often a key another session's write dropped is written again.
const KEY_REWRITES: usize = 5;

/// Another session on the same host (a sharded Job's pods) may read authorized_keys before
/// this write and replace it after, dropping this key: read it back a moment later and
/// write it again while it is missing.
async fn keep_key(conn: &EsxiConnection, line: &str, fp: &str) -> Result<(), EngineError> {
    for _ in 0..KEY_REWRITES {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let current = read_keys(conn).await?;
        match esxi::with_key(&current, line, fp) {
            None => return Ok(()),
            Some(next) => write_keys(conn, &next).await?,
        }
    }
    Err(EngineError::Setup(format!(
        "the SSH key {fp} kept disappearing from {AUTHORIZED_KEYS}: another session rewrites the file at the same time"
    )))
}

/// Journals the key, then writes `next` (authorized_keys with it).
async fn record_and_write(
    x: &Executor,
    k: &EsxiKey,
    conn: &EsxiConnection,
    fp: &str,
    next: &str,
) -> Result<(), EngineError> {
    let seq = x
        .applier
        .journal
        .record(
            Scope::Session,
            None,
            Action::EsxiKey {
                profile: k.profile.clone(),
                host: k.login.host.clone(),
                fingerprint: fp.to_string(),
            },
        )
        .map_err(|e| EngineError::Setup(format!("{e} (the key is not installed unrecorded)")))?;
    write_keys(conn, next).await?;
    x.applier.journal.set_state(seq, State::Done);
    Ok(())
}

/// Removes the key with fingerprint `fp` from the host (teardown); absent = done.
pub async fn remove_key(login: &EsxiLogin, fp: &str) -> Result<(), String> {
    let conn = connect(login).await.map_err(|e| e.to_string())?;
    let result = async {
        let current = read_keys(&conn).await.map_err(|e| e.to_string())?;
        match esxi::without_key(&current, fp) {
            Some(next) => write_keys(&conn, &next).await.map_err(|e| e.to_string()),
            None => Ok(()),
        }
    }
    .await;
    conn.close().await;
    result
}

async fn connect(login: &EsxiLogin) -> Result<EsxiConnection, EngineError> {
    login
        .connect(CONNECT_TIMEOUT)
        .await
        .map_err(|e| EngineError::Setup(e.to_string()))
}

/// root's authorized_keys (empty when the file does not exist).
async fn read_keys(conn: &EsxiConnection) -> Result<String, EngineError> {
    let out = conn
        .run(&format!("cat {AUTHORIZED_KEYS}"), None)
        .await
        .map_err(|e| EngineError::Setup(e.to_string()))?;
    Ok(if out.exit == 0 {
        out.stdout_text()
    } else {
        String::new()
    })
}

/// Replaces root's authorized_keys through a temporary file (mode 600).
async fn write_keys(conn: &EsxiConnection, content: &str) -> Result<(), EngineError> {
    let tmp = format!("/tmp/authorized_keys_{:016x}", rand::random::<u64>());
    let cmd = format!(
        "mkdir -p /etc/ssh/keys-root && cat > {tmp} && mv {tmp} {AUTHORIZED_KEYS} && chmod 600 {AUTHORIZED_KEYS}"
    );
    let out = conn
        .run(&cmd, Some(content.as_bytes()))
        .await
        .map_err(|e| EngineError::Setup(e.to_string()))?;
    if out.exit != 0 {
        let _ = conn.run(&format!("rm -f {tmp}"), None).await;
        return Err(EngineError::Setup(format!(
            "cannot write {AUTHORIZED_KEYS}: exit {} ({})",
            out.exit,
            out.stderr_text().trim()
        )));
    }
    Ok(())
}

/// Waits for a copy-offload plan's Secret; a warning when it does not come.
pub(super) async fn wait_plan_secret(
    x: &Executor,
    namespace: &str,
    plan: &str,
) -> Result<Output, EngineError> {
    let prefix = format!("{plan}-");
    if first_secret(x, namespace, PLAN_SECRET_TIMEOUT, |n| {
        n.starts_with(&prefix)
    })
    .await?
    .is_none()
    {
        x.progress.send(Event::Note(format!(
            "warning: no copy-offload Secret {namespace}/{prefix}… within {}s; continuing (a missing Secret fails the migration with Forklift's own error)",
            PLAN_SECRET_TIMEOUT.as_secs()
        )));
    }
    Ok(Output::Nothing)
}

/// The first Secret of `namespace` whose name satisfies `pred` (a watch, not a poll);
/// `None` after `timeout`.
async fn first_secret(
    x: &Executor,
    namespace: &str,
    timeout: Duration,
    pred: impl Fn(&str) -> bool,
) -> Result<Option<DynamicObject>, EngineError> {
    let api: Api<DynamicObject> = kinds::SECRET.api(&x.client, Some(namespace));
    let stream = watcher::watcher(api, watcher::Config::default());
    let found = async {
        let mut stream = std::pin::pin!(stream);
        while let Some(ev) = stream.next().await {
            let objs = match ev {
                Ok(watcher::Event::Apply(o) | watcher::Event::InitApply(o)) => vec![o],
                Ok(_) => Vec::new(),
                Err(e) => {
                    tracing::debug!("secret watch in {namespace}: {e}");
                    Vec::new()
                }
            };
            if let Some(o) = objs
                .into_iter()
                .find(|o| o.metadata.name.as_deref().is_some_and(&pred))
            {
                return Some(o);
            }
        }
        None
    };
    tokio::select! {
        r = tokio::time::timeout(timeout, found) => Ok(r.ok().flatten()),
        () = x.cancel.cancelled() => Err(EngineError::Interrupted),
    }
}

/// A Secret's `data` value as text.
fn secret_text(secret: &DynamicObject, key: &str) -> Option<String> {
    let raw = secret.data.pointer(&format!("/data/{key}"))?.as_str()?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(raw).ok()?;
    String::from_utf8(bytes).ok()
}
