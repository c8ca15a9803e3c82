//! The ssh clone method of copy offload on the provider side:
//!
//! * [`ensure_keys`]: every vSphere Provider gets a key pair in two Secrets next to it,
//!   `offload-ssh-keys-<provider>-private` (`private-key`) and `…-public` (`public-key`, an
//!   authorized_keys line), labelled and owned by the Provider, made once (the private one
//!   present = done) after the validations (pkg/controller/provider/controller.go:259-266,
//!   480-547; names pkg/lib/util/sshutils.go:53-67, the name cut to 228 characters).
//! * [`readiness`]: with `spec.settings.esxiCloneMethod: ssh` and the inventory loaded, the
//!   key is tried on every ESXi host (vCenter: the inventory's hosts; `sdkEndpoint: esxi`:
//!   the URL's host) and the Warn `SSHNotReady` / Advisory `SSHReady` conditions say which
//!   hosts lack it, with the line to install in the suggestion; both go when every host
//!   answers (pkg/controller/provider/validation.go:1051-1313). Forklift retests every 30 s
//!   (`LongReQ`, pkg/controller/base/controller.go:27; controller.go:299-302).
//!
//! Deviation: the keys are Ed25519, where Forklift generates RSA 2048 (PKCS#1 PEM); what
//! matters here — a key line the hosts must grant — is the same.

use std::time::Duration;

use base64::Engine;
use russh::keys::PrivateKey;
use russh::keys::ssh_key::LineEnding;
use russh::keys::ssh_key::private::Ed25519Keypair;
use serde_json::{Value, json};

use super::super::catalog::{Backend, backend_of, host_of};
use super::super::conditions::{ADVISORY, Cnd, Conditions, WARN};
use super::super::{Ctx, gvr};
use super::secret_value;
use crate::esxi::{KeyAccess, forced_command};
use crate::store::object;

/// How often Forklift re-validates a Ready provider (`LongReQ`).
pub(super) const RETEST: Duration = Duration::from_secs(30);

const CHECKED: &str = "(checked because 'esxiCloneMethod' setting is set to 'ssh')";

/// The provider name as it appears in the key Secrets' names and label.
fn sanitized(name: &str) -> &str {
    name.get(..228).unwrap_or(name)
}

/// `offload-ssh-keys-<provider>-private` and `…-public`.
pub fn secret_names(provider: &str) -> (String, String) {
    let n = sanitized(provider);
    (
        format!("offload-ssh-keys-{n}-private"),
        format!("offload-ssh-keys-{n}-public"),
    )
}

/// Whether `provider` uses the ssh clone method.
pub fn uses_ssh(provider: &Value) -> bool {
    provider
        .pointer("/spec/settings/esxiCloneMethod")
        .and_then(Value::as_str)
        == Some("ssh")
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// Creates the key Secrets of a vSphere provider unless the private one exists.
pub(super) fn ensure_keys(ctx: &Ctx, provider: &Value) -> Result<(), crate::store::ApiError> {
    let ns = object::namespace(provider);
    let (private, public) = secret_names(object::name(provider));
    if ctx.store.get(&gvr::secrets(), ns, &private).is_ok() {
        return Ok(());
    }
    let key = PrivateKey::from(Ed25519Keypair::from_seed(&rand::random::<[u8; 32]>()));
    let (Ok(private_text), Ok(public_text)) = (
        key.to_openssh(LineEnding::LF),
        key.public_key().to_openssh(),
    ) else {
        return Ok(());
    };
    for (name, k, v) in [
        (&private, "private-key", private_text.to_string()),
        (&public, "public-key", format!("{public_text}\n")),
    ] {
        let secret = json!({
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": name, "namespace": ns, "labels": {
                "app.kubernetes.io/name": "forklift",
                "app.kubernetes.io/component": "ssh-keys",
                "app.kubernetes.io/managed-by": "forklift-controller",
                "forklift.konveyor.io/provider": sanitized(object::name(provider)),
            }, "ownerReferences": [{
                "apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Provider",
                "name": object::name(provider), "uid": object::uid(provider),
                "controller": true, "blockOwnerDeletion": true,
            }]},
            "data": {k: b64(&v)},
        });
        match ctx.store.create(&gvr::secrets(), ns, secret) {
            Ok(_) => {}
            Err(e) if e.reason == crate::store::Reason::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The provider's public key, when its Secret holds one.
pub fn public_key(ctx: &Ctx, provider: &Value) -> Option<String> {
    let (_, public) = secret_names(object::name(provider));
    let s = ctx
        .store
        .get(&gvr::secrets(), object::namespace(provider), &public)
        .ok()?;
    secret_value(&s, "public-key")
}

/// One host to test: `id|name|ip` and whether the key works there.
struct Tested {
    item: String,
    name: String,
    ip: String,
    ok: bool,
}

/// Sets or clears `SSHReady`/`SSHNotReady` (see the module doc).
pub(super) fn readiness(ctx: &Ctx, provider: &Value, cnd: &mut Conditions) {
    if provider.pointer("/spec/type").and_then(Value::as_str) != Some("vsphere")
        || !cnd.has("InventoryCreated")
    {
        return;
    }
    if !uses_ssh(provider) {
        cnd.delete("SSHReady");
        cnd.delete("SSHNotReady");
        return;
    }
    let (private, public) = secret_names(object::name(provider));
    let Some(key) = public_key(ctx, provider) else {
        cnd.set(Cnd::new("SSHNotReady", WARN, "SSHKeysNotFound", &format!(
            "SSH keys are being generated {CHECKED}. After keys are created, you must manually install the public key on each ESXi host. Expected secrets: {private}, {public}"
        )));
        return;
    };
    let tested = test_hosts(ctx, provider, &key);
    if tested.is_empty() {
        cnd.set(Cnd::new(
            "SSHNotReady",
            WARN,
            "NoHostsFound",
            &format!("Cannot validate SSH readiness {CHECKED}: no ESXi hosts found in inventory."),
        ));
        return;
    }
    let list = |ok: bool| -> (Vec<String>, String) {
        let hosts: Vec<&Tested> = tested.iter().filter(|t| t.ok == ok).collect();
        let text = hosts
            .iter()
            .map(|t| format!("  - {} ({})\n", t.name, t.ip))
            .collect();
        (hosts.iter().map(|t| t.item.clone()).collect(), text)
    };
    let (good, good_text) = list(true);
    let (bad, bad_text) = list(false);
    if bad.is_empty() {
        cnd.delete("SSHReady");
        cnd.delete("SSHNotReady");
        return;
    }
    if good.is_empty() {
        cnd.delete("SSHReady");
    } else {
        cnd.set(
            Cnd::new("SSHReady", ADVISORY, "SSHConnectivityValidated", &format!("SSH connectivity validated {CHECKED}. See the suggestion field in the Provider's YAML for the list of available ESXi hosts."))
                .items(good)
                .suggestion(&format!("ESXi hosts with SSH connectivity validated:\n\n{good_text}\nTo use the xcopy volume populator, ensure your VMs are located on these ESXi hosts before starting the migration.\n")),
        );
    }
    let line = format!(
        "command=\"{}\",no-port-forwarding,no-agent-forwarding,no-X11-forwarding {key}",
        forced_command()
    );
    cnd.set(
        Cnd::new("SSHNotReady", WARN, "SSHConnectivityFailed", &format!("SSH readiness validation issue {CHECKED}. See the suggestion field in the Provider's YAML for details."))
            .items(bad)
            .suggestion(&format!("HOSTS REQUIRING SSH SETUP:\n\n{bad_text}\nSETUP INSTRUCTIONS:\n\n1. Enable SSH on each ESXi host:\n   vim-cmd hostsvc/enable_ssh\n   vim-cmd hostsvc/start_ssh\n\n2. Add the following line to /etc/ssh/keys-root/authorized_keys on each ESXi host:\n\n{line}\n\n")),
    );
}

/// The hosts Forklift tests and the outcome of its connectivity test on each.
fn test_hosts(ctx: &Ctx, provider: &Value, key: &str) -> Vec<Tested> {
    let ok = |id: &str| {
        ctx.esxi
            .with(id, |h| h.key_access(key) != KeyAccess::Denied)
            .unwrap_or(false)
    };
    let sdk = provider
        .pointer("/spec/settings/sdkEndpoint")
        .and_then(Value::as_str);
    let Some(Backend::Lab(name)) = backend_of(ctx, provider) else {
        return Vec::new();
    };
    let world = ctx.lab.world();
    let Some(p) = world.provider(&name) else {
        return Vec::new();
    };
    if sdk == Some("esxi") {
        // the URL's host: the emulated API's address, never an ESXi host of the lab
        let url = provider
            .pointer("/spec/url")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let ip = host_of(url)
            .split(':')
            .next()
            .unwrap_or_default()
            .to_string();
        let by_ip = p.hosts.iter().find(|h| h.ip == ip);
        return vec![Tested {
            item: format!("{ip}|ESXi|{ip}"),
            name: "ESXi".into(),
            ip: ip.clone(),
            ok: by_ip.is_some_and(|h| ok(&h.id)),
        }];
    }
    p.hosts
        .iter()
        .filter(|h| !h.ip.is_empty())
        .map(|h| Tested {
            item: format!("{}|{}|{}", h.id, h.name, h.ip),
            name: h.name.clone(),
            ip: h.ip.clone(),
            ok: ok(&h.id),
        })
        .collect()
}
