//! Provider controller (`pkg/controller/provider`): validates type, Secret and URL, tests the
//! connection against the backend (a lab source API, this cluster, or nothing), builds the
//! inventory collector ([`collector`]) and waits for its load (`LoadInventory`, then
//! `InventoryCreated`), then sets `Ready` iff there is no blocker and both
//! `ConnectionTestSucceeded` and `InventoryCreated` hold. Phases: `Staging`,
//! `ValidationFailed`, `ConnectionFailed`, `Ready`.

mod collector;
mod connection;
mod hyperv;
pub mod ssh;
pub mod webhook;

use std::sync::Arc;

use base64::Engine;
use serde_json::{Value, json};

use super::conditions::{ADVISORY, CRITICAL, Cnd, Conditions, REQUIRED, WARN};
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Started, gvr};
use crate::store::{ListOptions, object};
use connection::{Failure, connection_test, fingerprint};

const SUPPORTED: &[&str] = &[
    "openshift",
    "vsphere",
    "ovirt",
    "openstack",
    "ova",
    "ec2",
    "hyperv",
    "nutanix",
];

pub(super) fn spawn(ctx: &Ctx) -> Started {
    let c = ctx.clone();
    let by_secret = Watch::mapped(gvr::secrets(), |store, ev| {
        let (ns, name) = runtime::key_of(&ev.object);
        store
            .list(&gvr::providers(), None, &ListOptions::default())
            .map(|l| {
                l.items
                    .iter()
                    .filter(|p| {
                        p.pointer("/spec/secret/name").and_then(Value::as_str) == Some(&name)
                            && p.pointer("/spec/secret/namespace").and_then(Value::as_str)
                                == Some(&ns)
                    })
                    .map(|p| runtime::key_of(p))
                    .collect()
            })
            .unwrap_or_default()
    });
    let queue = runtime::spawn(
        "provider",
        &ctx.store,
        &ctx.shutdown,
        vec![Watch::own(gvr::providers()), by_secret],
        move |q, key| reconcile(&c, q, key),
    );
    Started {
        queue,
        gvr: gvr::providers(),
    }
}

/// A decoded Secret data value.
pub(crate) fn secret_value(secret: &Value, key: &str) -> Option<String> {
    let raw = secret.get("data")?.get(key)?.as_str()?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(raw).ok()?;
    String::from_utf8(bytes).ok()
}

fn required_keys(kind: &str, url: &str, secret: &Value) -> Vec<&'static str> {
    // A CA is needed to verify TLS; the emulator's source APIs speak plain HTTP, where there
    // is nothing to verify.
    let insecure = secret_value(secret, "insecureSkipVerify").as_deref() == Some("true")
        || url.starts_with("http://");
    match kind {
        "openshift" => vec!["token"],
        "vsphere" | "ovirt" => {
            let mut k = vec!["user", "password"];
            if !insecure {
                k.push("cacert");
            }
            k
        }
        "openstack" => vec![
            "username",
            "password",
            "regionName",
            "projectName",
            "domainName",
        ],
        "ova" => vec![],
        // pkg/controller/provider/validation.go:386-391
        "hyperv" => vec!["username", "password", "smbUrl"],
        _ => vec![],
    }
}

fn reconcile(ctx: &Ctx, q: &Queue, key: &Key) -> runtime::Outcome {
    let provider = ctx.store.get(&gvr::providers(), &key.0, &key.1)?;
    let uid = object::uid(&provider);
    if object::is_deleting(&provider) {
        ctx.collectors.remove(uid);
        return Ok(());
    }
    // A changed spec drops the collector (controller.go: !HasReconciled → container.Delete).
    if provider
        .pointer("/status/observedGeneration")
        .and_then(Value::as_i64)
        != Some(object::generation(&provider))
    {
        ctx.collectors.remove(uid);
    }
    let now = ctx.now();
    let mut cnd = Conditions::stage(provider.pointer("/status/conditions"), &now);
    let kind = provider
        .pointer("/spec/type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let url = provider
        .pointer("/spec/url")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (mut phase, secret) = validate(ctx, &provider, kind, url, &mut cnd);
    if !cnd.has_blocker() && !test_connection(ctx, &provider, secret.as_deref(), &mut cnd) {
        phase = "ConnectionFailed";
    }
    let rebuilt_for = if !cnd.has_blocker() && cnd.has("ConnectionTestSucceeded") {
        collector::update(ctx, &provider, secret.as_deref())
    } else {
        None
    };
    if let Some(at) = collector::inventory_condition(ctx, uid, &mut cnd) {
        q.add_at(key.clone(), at);
    }
    ssh::readiness(ctx, &provider, &mut cnd);
    if kind == "vsphere" {
        ssh::ensure_keys(ctx, &provider)?;
        if ssh::uses_ssh(&provider) {
            // re-validated periodically, so an installed key clears SSHNotReady
            q.add_at(
                key.clone(),
                ctx.clock.now() + chrono::Duration::from_std(ssh::RETEST).unwrap_or_default(),
            );
        }
    }
    if let Some(end) = connection::outage_end(ctx, &provider) {
        q.add_at(key.clone(), end + chrono::Duration::milliseconds(1));
    }
    if !cnd.has_blocker() && cnd.has("ConnectionTestSucceeded") && cnd.has("InventoryCreated") {
        cnd.set(Cnd::new("Ready", REQUIRED, "", "The provider is ready."));
        phase = "Ready";
    }
    let mut status = json!({
        "phase": phase,
        "conditions": cnd.finish(),
        "observedGeneration": object::generation(&provider),
    });
    // Recorded when a collector is built for it (controller.go updateContainer).
    if let Some(rv) = rebuilt_for.filter(|rv| !rv.is_empty()) {
        super::json_edit::put(&mut status, "/secretResourceVersion", json!(rv));
    }
    if kind == "vsphere" && phase == "Ready" {
        super::json_edit::put(&mut status, "/fingerprint", json!(fingerprint(url)));
    }
    ctx.store.merge_patch_status(
        &gvr::providers(),
        &key.0,
        &key.1,
        &json!({"status": status}),
    )?;
    Ok(())
}

/// The type, Secret (present, with the keys of the type) and URL checks; returns the phase
/// so far (`Staging` or `ValidationFailed`) and the Secret when found.
fn validate(
    ctx: &Ctx,
    provider: &Value,
    kind: &str,
    url: &str,
    cnd: &mut Conditions,
) -> (&'static str, Option<Arc<Value>>) {
    let host = kind == "openshift" && url.is_empty();
    let mut phase = "Staging";
    let mut secret: Option<Arc<Value>> = None;
    if !SUPPORTED.contains(&kind) {
        cnd.set(Cnd::new(
            "ProviderTypeNotSupported",
            CRITICAL,
            "NotSupported",
            "The provider type is not supported.",
        ));
        phase = "ValidationFailed";
    }
    if !host && phase == "Staging" {
        secret = check_secret(ctx, provider, kind, url, cnd);
        if url.is_empty() {
            cnd.set(Cnd::new(
                "UrlNotValid",
                CRITICAL,
                "NotSet",
                "The `url` is not valid.",
            ));
        } else if kind == "hyperv" {
            hyperv::validate(ctx, provider, secret.as_deref(), cnd);
        } else if kind == "ova" && !nfs_path(url) {
            cnd.set(Cnd::new(
                "UrlNotValid",
                CRITICAL,
                "NotValid",
                "The `url` is not valid: expected an NFS path like server:/path.",
            ));
        }
        if cnd.has_blocker() {
            phase = "ValidationFailed";
        }
    }
    (phase, secret)
}

/// The provider's Secret, which must exist and hold the keys its type needs.
fn check_secret(
    ctx: &Ctx,
    provider: &Value,
    kind: &str,
    url: &str,
    cnd: &mut Conditions,
) -> Option<Arc<Value>> {
    let sns = provider
        .pointer("/spec/secret/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let sname = provider
        .pointer("/spec/secret/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let bad = |reason: &str, msg: String| Cnd::new("SecretNotValid", CRITICAL, reason, &msg);
    if sns.is_empty() || sname.is_empty() {
        cnd.set(bad("NotSet", "The `secret` is not valid.".into()));
        return None;
    }
    match ctx.store.get(&gvr::secrets(), sns, sname) {
        Err(_) => {
            cnd.set(bad("NotFound", "The `secret` is not valid.".into()));
            None
        }
        Ok(s) => {
            let missing: Vec<&str> = required_keys(kind, url, &s)
                .into_iter()
                .filter(|k| secret_value(&s, k).is_none_or(|v| v.is_empty()))
                .collect();
            if !missing.is_empty() {
                cnd.set(
                    bad("DataErr", "The `secret` is not valid.".into())
                        .items(missing.iter().map(|m| m.to_string()).collect()),
                );
            }
            Some(s)
        }
    }
}

/// `Validated`, the TLS warning and the connection test; `false` when the connection failed.
fn test_connection(
    ctx: &Ctx,
    provider: &Value,
    secret: Option<&Value>,
    cnd: &mut Conditions,
) -> bool {
    cnd.set(Cnd::new(
        "Validated",
        ADVISORY,
        "Completed",
        "Validation has been completed.",
    ));
    if let Some(s) = secret
        && secret_value(s, "insecureSkipVerify").as_deref() == Some("true")
    {
        cnd.set(Cnd::new("ConnectionInsecure", WARN, "SkipTLSVerification", "TLS is susceptible to machine-in-the-middle attacks when certificate verification is skipped."));
    }
    match connection_test(ctx, provider, secret) {
        Ok(()) => {
            cnd.set(Cnd::new(
                "ConnectionTestSucceeded",
                REQUIRED,
                "Tested",
                "Connection test, succeeded.",
            ));
            true
        }
        Err(Failure::Auth(msg)) => {
            cnd.set(Cnd::new(
                "ConnectionAuthFailed",
                CRITICAL,
                "Tested",
                &format!("Connection auth failed, error: {msg}"),
            ));
            false
        }
        Err(Failure::Connect(msg)) => {
            cnd.set(Cnd::new(
                "ConnectionTestFailed",
                CRITICAL,
                "Tested",
                &format!("Connection test, failed: {msg}"),
            ));
            false
        }
    }
}

fn nfs_path(url: &str) -> bool {
    match url.split_once(':') {
        Some((host, path)) => {
            !host.is_empty() && path.starts_with('/') && !path.contains(':') && path.len() > 1
        }
        None => false,
    }
}

#[cfg(test)]
mod tests;
