//! Provider controller (`pkg/controller/provider`): validates type, Secret and URL, tests the
//! connection against the backend (a lab source API, this cluster, or nothing), waits for the
//! inventory to load (one refresh delay), then sets `Ready` iff there is no blocker and both
//! `ConnectionTestSucceeded` and `InventoryCreated` hold. Phases: `Staging`,
//! `ValidationFailed`, `ConnectionFailed`, `Ready`.

use std::sync::Arc;

use base64::Engine;
use serde_json::{Value, json};

use super::catalog::{Backend, backend_of, host_of};
use super::conditions::{ADVISORY, CRITICAL, Cnd, Conditions, REQUIRED, WARN};
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Started, gvr};
use crate::lab::ProviderKind;
use crate::store::{ListOptions, object};

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
        _ => vec![],
    }
}

fn reconcile(ctx: &Ctx, q: &Queue, key: &Key) -> runtime::Outcome {
    let provider = ctx.store.get(&gvr::providers(), &key.0, &key.1)?;
    if object::is_deleting(&provider) {
        return Ok(());
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
    let host = kind == "openshift" && url.is_empty();
    let mut phase = "Staging";
    let mut secret_rv = String::new();
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
        } else {
            match ctx.store.get(&gvr::secrets(), sns, sname) {
                Err(_) => cnd.set(bad("NotFound", "The `secret` is not valid.".into())),
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
                    secret_rv = object::resource_version(&s).to_string();
                    secret = Some(s);
                }
            }
        }
        if url.is_empty() {
            cnd.set(Cnd::new(
                "UrlNotValid",
                CRITICAL,
                "NotSet",
                "The `url` is not valid.",
            ));
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
    if !cnd.has_blocker() {
        cnd.set(Cnd::new(
            "Validated",
            ADVISORY,
            "Completed",
            "Validation has been completed.",
        ));
        if let Some(s) = &secret
            && secret_value(s, "insecureSkipVerify").as_deref() == Some("true")
        {
            cnd.set(Cnd::new("ConnectionInsecure", WARN, "SkipTLSVerification", "TLS is susceptible to machine-in-the-middle attacks when certificate verification is skipped."));
        }
        match connection_test(ctx, &provider, secret.as_deref()) {
            Ok(()) => {
                cnd.set(Cnd::new(
                    "ConnectionTestSucceeded",
                    REQUIRED,
                    "Tested",
                    "Connection test, succeeded.",
                ));
                let since = super::conditions::find(&provider, "ConnectionTestSucceeded")
                    .and_then(|c| c.get("lastTransitionTime"))
                    .and_then(Value::as_str)
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.to_utc());
                let loaded = since.is_some_and(|t| {
                    ctx.clock
                        .now()
                        .signed_duration_since(t)
                        .to_std()
                        .unwrap_or_default()
                        >= ctx.settings.refresh_delay
                });
                if loaded || super::conditions::has_condition(&provider, "InventoryCreated") {
                    cnd.set(Cnd::new(
                        "InventoryCreated",
                        REQUIRED,
                        "Completed",
                        "The inventory has been loaded.",
                    ));
                } else {
                    cnd.set(Cnd::new(
                        "LoadInventory",
                        ADVISORY,
                        "Started",
                        "Loading the inventory.",
                    ));
                    q.add_after(key.clone(), ctx.settings.refresh_delay);
                }
            }
            Err(Failure::Auth(msg)) => {
                phase = "ConnectionFailed";
                cnd.set(Cnd::new(
                    "ConnectionAuthFailed",
                    CRITICAL,
                    "Tested",
                    &format!("Connection auth failed, error: {msg}"),
                ));
            }
            Err(Failure::Connect(msg)) => {
                phase = "ConnectionFailed";
                cnd.set(Cnd::new(
                    "ConnectionTestFailed",
                    CRITICAL,
                    "Tested",
                    &format!("Connection test, failed: {msg}"),
                ));
            }
        }
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
    if !secret_rv.is_empty() {
        super::json_edit::put(&mut status, "/secretResourceVersion", json!(secret_rv));
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

fn nfs_path(url: &str) -> bool {
    match url.split_once(':') {
        Some((host, path)) => {
            !host.is_empty() && path.starts_with('/') && !path.contains(':') && path.len() > 1
        }
        None => false,
    }
}

fn fingerprint(url: &str) -> String {
    let h = crate::lab::uuid_for(&[url, "fingerprint"])
        .replace('-', "")
        .to_uppercase();
    h.as_bytes()
        .chunks(2)
        .take(20)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

enum Failure {
    Auth(String),
    Connect(String),
}

fn connection_test(ctx: &Ctx, provider: &Value, secret: Option<&Value>) -> Result<(), Failure> {
    let url = provider
        .pointer("/spec/url")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let unreachable = || {
        let host = host_of(url)
            .split(':')
            .next()
            .unwrap_or_default()
            .to_string();
        Failure::Connect(format!(
            "Get \"{url}\": dial tcp: lookup {host}: no such host"
        ))
    };
    let get = |k: &str| secret.and_then(|s| secret_value(s, k)).unwrap_or_default();
    match backend_of(ctx, provider) {
        None => Err(unreachable()),
        Some(Backend::Cluster) => {
            if url.is_empty() || get("token") == ctx.settings.token {
                Ok(())
            } else {
                Err(Failure::Auth("Unauthorized".into()))
            }
        }
        Some(Backend::Lab(name)) => {
            let Some(p) = ctx.lab.lab().provider(&name) else {
                return Err(unreachable());
            };
            let creds = &p.credentials;
            let (user, password) = match p.kind {
                ProviderKind::Vsphere | ProviderKind::Ovirt => (get("user"), get("password")),
                ProviderKind::Openstack => (get("username"), get("password")),
                _ => return Ok(()),
            };
            if user == creds.username && password == creds.password.expose() {
                Ok(())
            } else {
                let msg = match p.kind {
                    ProviderKind::Vsphere => {
                        "ServerFaultCode: Cannot complete login due to an incorrect user name or password."
                    }
                    ProviderKind::Ovirt => {
                        "access_denied: Cannot authenticate user: the user name or password is incorrect."
                    }
                    _ => "The request you have made requires authentication. (HTTP 401)",
                };
                Err(Failure::Auth(msg.into()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfs_paths() {
        assert!(nfs_path("nfs.mtv.lab:/exports/ova"));
        assert!(!nfs_path("/exports/ova"));
        assert!(!nfs_path("nfs:"));
    }

    #[test]
    fn fingerprint_shape() {
        let f = fingerprint("https://x/sdk");
        assert_eq!(f.split(':').count(), 16);
    }
}
