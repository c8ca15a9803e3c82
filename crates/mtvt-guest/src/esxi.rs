//! The ESXi side of copy offload with `esxiCloneMethod: ssh`: Forklift's provider controller
//! generates a key pair per vSphere Provider (`offload-ssh-keys-<provider>-{private,public}`,
//! pkg/controller/provider/controller.go:480-547) and its xcopy populator logs in to the
//! ESXi host as root with that key, expecting a *restricted* line in
//! `/etc/ssh/keys-root/authorized_keys` (pkg/lib/util/sshutils.go:19-23; the line is built
//! at pkg/controller/provider/validation.go:1187 and cmd/vsphere-copy-offload-populator/
//! internal/vmware/ssh_client.go:180). The pytest suite installs that line with the ESXi
//! root password before the migrations and removes it at teardown (mtv-api-tests
//! utilities/esxi.py `install_ssh_key_on_esxi`, `remove_ssh_key_from_esxi`).
//!
//! Here: the line ([`restricted_line`]), adding it to and removing it from a file's text
//! ([`with_key`], [`without_key`], by the key's SHA-256 fingerprint so a journal never
//! holds the key), and a password login to the host over TCP ([`EsxiLogin::connect`]) that
//! runs commands ([`EsxiConnection::run`]). Never prints the password.

use std::sync::Arc;
use std::time::Duration;

use mtvt_vocab::Secret;
use russh::client::{self, Handle};
use russh::keys::{HashAlg, PublicKey};

use crate::ssh::{CommandOutput, exec};

/// Where ESXi keeps root's authorized keys.
pub const AUTHORIZED_KEYS: &str = "/etc/ssh/keys-root/authorized_keys";

/// The forced command of Forklift ≥ 2.11 (the shell wrapper; MTV-3931), verbatim as the
/// provider's `SSHNotReady` suggestion and the populator print it: an empty `DS=` answers
/// `SSH_OK` (the connectivity test), anything else runs the wrapper on that datastore.
const SHELL_WRAPPER_COMMAND: &str = r#"sh -c 'DS=$(echo \"$SSH_ORIGINAL_COMMAND\" | sed -n \"s/^DS=\\([^;]*\\);.*/\\1/p\"); CMD=$(echo \"$SSH_ORIGINAL_COMMAND\" | sed -n \"s/^DS=[^;]*;CMD=\\(.*\\)/\\1/p\"); if [ -z \"$DS\" ]; then echo \"SSH_OK\"; else SSH_ORIGINAL_COMMAND=\"$CMD\" exec sh /vmfs/volumes/$DS/secure-vmkfstools-wrapper; fi'"#;

/// The same before 2.11, when the wrapper was a Python script (v2.10 sshutils.go:23).
const PYTHON_WRAPPER_COMMAND: &str = r#"sh -c 'DS=$(echo \"$SSH_ORIGINAL_COMMAND\" | sed -n \"s/^DS=\\([^;]*\\);.*/\\1/p\"); CMD=$(echo \"$SSH_ORIGINAL_COMMAND\" | sed -n \"s/^DS=[^;]*;CMD=\\(.*\\)/\\1/p\"); if [ -z \"$DS\" ]; then echo \"SSH_OK\"; else SSH_ORIGINAL_COMMAND=\"$CMD\" exec python /vmfs/volumes/$DS/secure-vmkfstools-wrapper.py; fi'"#;

/// The first MTV version whose populator runs the shell wrapper.
const SHELL_WRAPPER_SINCE: [u64; 2] = [2, 11];

/// The forced command Forklift of `mtv_version` expects (unknown: the current one).
pub fn forced_command(mtv_version: Option<&[u64]>) -> &'static str {
    match mtv_version {
        Some(v) if v < SHELL_WRAPPER_SINCE.as_slice() => PYTHON_WRAPPER_COMMAND,
        _ => SHELL_WRAPPER_COMMAND,
    }
}

/// The authorized_keys line for `public_key` (an OpenSSH public key line, as the
/// `public-key` of the provider's Secret holds it) with Forklift's restrictions.
pub fn restricted_line(public_key: &str, mtv_version: Option<&[u64]>) -> String {
    format!(
        "command=\"{}\",no-port-forwarding,no-agent-forwarding,no-X11-forwarding {}",
        forced_command(mtv_version),
        public_key.trim()
    )
}

/// `SHA256:…` of an OpenSSH public key line; `None` when it is not one.
pub fn fingerprint(public_key: &str) -> Option<String> {
    let key = PublicKey::from_openssh(public_key.trim()).ok()?;
    Some(key.fingerprint(HashAlg::Sha256).to_string())
}

/// The fingerprint of the key an authorized_keys line grants (options skipped).
pub fn line_fingerprint(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.windows(2).find_map(|w| match w {
        [kind, blob] if is_key_type(kind) => fingerprint(&format!("{kind} {blob}")),
        _ => None,
    })
}

/// The base64 blob of the key an authorized_keys line grants (options skipped).
pub fn line_blob(line: &str) -> Option<&str> {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.windows(2).find_map(|w| match w {
        [kind, blob] if is_key_type(kind) => Some(*blob),
        _ => None,
    })
}

fn is_key_type(word: &str) -> bool {
    word.starts_with("ssh-") || word.starts_with("ecdsa-sha2-") || word.starts_with("sk-")
}

/// `content` with `line` appended, or `None` when a line already grants the key with
/// fingerprint `fp` (the suite skips the install then).
pub fn with_key(content: &str, line: &str, fp: &str) -> Option<String> {
    if content
        .lines()
        .any(|l| line_fingerprint(l).as_deref() == Some(fp))
    {
        return None;
    }
    let mut out = content.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(line);
    out.push('\n');
    Some(out)
}

/// `content` without the lines granting the key with fingerprint `fp`, or `None` when
/// there is none (nothing to write).
pub fn without_key(content: &str, fp: &str) -> Option<String> {
    let kept: Vec<&str> = content
        .split_inclusive('\n')
        .filter(|l| line_fingerprint(l).as_deref() != Some(fp))
        .collect();
    let out: String = kept.concat();
    (out.len() != content.len()).then_some(out)
}

/// How to reach an ESXi host's SSH server as its administrator (`esxi_host`, `esxi_user`,
/// `esxi_password` of a copy-offload profile).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EsxiLogin {
    /// `host` or `host:port` (port 22 by default).
    pub host: String,
    /// User (root).
    pub user: String,
    /// Password (redacted when printed).
    pub password: Secret,
}

/// Why the ESXi host could not be used.
#[derive(Debug, thiserror::Error)]
#[error("ESXi host {host}: {detail}")]
pub struct EsxiError {
    /// The host.
    pub host: String,
    /// What failed (never the password).
    pub detail: String,
}

/// Accepts the host key: the administrator's password is what authenticates here, as with
/// the pytest suite's `AutoAddPolicy`; its fingerprint is logged at debug level.
pub struct HostKeyLogger;

impl client::Handler for HostKeyLogger {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        if let russh::keys::PublicKeyOrCertificate::PublicKey { key, .. } = key {
            tracing::debug!(fingerprint = %key.fingerprint(HashAlg::Sha256), "ESXi SSH host key");
        }
        Ok(true)
    }
}

/// A logged-in connection to an ESXi host.
pub struct EsxiConnection {
    host: String,
    handle: Handle<HostKeyLogger>,
}

impl EsxiLogin {
    fn err(&self, detail: impl Into<String>) -> EsxiError {
        EsxiError {
            host: self.host.clone(),
            detail: detail.into(),
        }
    }

    /// `host:port` to dial.
    fn address(&self) -> String {
        let h = self.host.trim();
        let bracketed_v6 = h.starts_with('[') && h.contains("]:");
        let has_port = bracketed_v6 || (h.matches(':').count() == 1);
        if has_port {
            h.to_string()
        } else if h.contains(':') {
            format!("[{h}]:22")
        } else {
            format!("{h}:22")
        }
    }

    /// Connects (within `timeout`) and logs in with the password.
    pub async fn connect(&self, timeout: Duration) -> Result<EsxiConnection, EsxiError> {
        let addr = self.address();
        let tcp = tokio::time::timeout(timeout, tokio::net::TcpStream::connect(&addr))
            .await
            .map_err(|_| self.err(format!("no answer on {addr} within {}s", timeout.as_secs())))?
            .map_err(|e| {
                self.err(format!(
                    "cannot connect to {addr}: {e} (is SSH enabled on the host?)"
                ))
            })?;
        let config = Arc::new(client::Config {
            inactivity_timeout: Some(Duration::from_secs(120)),
            ..client::Config::default()
        });
        let mut handle = client::connect_stream(config, tcp, HostKeyLogger)
            .await
            .map_err(|e| self.err(format!("SSH handshake failed: {e}")))?;
        let auth = handle
            .authenticate_password(self.user.clone(), self.password.expose())
            .await
            .map_err(|e| self.err(format!("SSH login failed: {e}")))?;
        if !auth.success() {
            return Err(self.err(format!(
                "the password of {} was rejected (check esxi_user and esxi_password of the copyoffload profile)",
                self.user
            )));
        }
        Ok(EsxiConnection {
            host: self.host.clone(),
            handle,
        })
    }
}

impl EsxiConnection {
    /// Runs `command` (with `stdin` when given).
    pub async fn run(
        &self,
        command: &str,
        stdin: Option<&[u8]>,
    ) -> Result<CommandOutput, EsxiError> {
        exec(&self.handle, command, stdin)
            .await
            .map_err(|e| EsxiError {
                host: self.host.clone(),
                detail: format!("`{command}` could not run: {e}"),
            })
    }

    /// Ends the session.
    pub async fn close(self) {
        let _ = self
            .handle
            .disconnect(russh::Disconnect::ByApplication, "", "en")
            .await;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    use russh::keys::PrivateKey;
    use russh::keys::ssh_key::private::Ed25519Keypair;

    fn key(seed: u8) -> String {
        PrivateKey::from(Ed25519Keypair::from_seed(&[seed; 32]))
            .public_key()
            .to_openssh()
            .unwrap()
    }

    #[test]
    fn the_restricted_line_is_forklifts_by_version() {
        // validation.go:1187: command="<template>",no-port-forwarding,no-agent-forwarding,
        // no-X11-forwarding <key>; the template's wrapper is a shell script since 2.11.
        let k = key(1);
        let line = restricted_line(&format!("{k}\n"), None);
        assert!(line.starts_with("command=\"sh -c 'DS=$(echo \\\"$SSH_ORIGINAL_COMMAND\\\""));
        assert!(line.contains("exec sh /vmfs/volumes/$DS/secure-vmkfstools-wrapper; fi'\""));
        assert!(line.ends_with(&format!(
            "\",no-port-forwarding,no-agent-forwarding,no-X11-forwarding {k}"
        )));
        let old = restricted_line(&k, Some(&[2, 10, 4]));
        assert!(old.contains("exec python /vmfs/volumes/$DS/secure-vmkfstools-wrapper.py; fi'"));
        assert_eq!(restricted_line(&k, Some(&[2, 11, 0])), line);
    }

    #[test]
    fn add_once_and_remove_by_fingerprint() {
        let (k, other) = (key(1), format!("{} admin", key(2)));
        let fp = fingerprint(&k).unwrap();
        assert!(fp.starts_with("SHA256:"));
        let line = restricted_line(&k, None);
        assert_eq!(line_fingerprint(&line).as_deref(), Some(fp.as_str()));
        let before = other.clone();
        let after = with_key(&before, &line, &fp).unwrap();
        assert_eq!(after, format!("{other}\n{line}\n"));
        assert_eq!(
            with_key(&after, &line, &fp),
            None,
            "already present: skipped"
        );
        assert_eq!(with_key("", &line, &fp).unwrap(), format!("{line}\n"));
        assert_eq!(without_key(&after, &fp).unwrap(), format!("{other}\n"));
        assert_eq!(without_key(&before, &fp), None, "nothing to remove");
        assert_eq!(fingerprint("not a key"), None);
    }

    #[test]
    fn addresses_default_to_port_22() {
        let l = |h: &str| EsxiLogin {
            host: h.into(),
            user: "root".into(),
            password: Secret::new("x"),
        };
        assert_eq!(l("esx1.lab").address(), "esx1.lab:22");
        assert_eq!(l("127.0.0.1:2222").address(), "127.0.0.1:2222");
        assert_eq!(l("fd00::1").address(), "[fd00::1]:22");
        assert_eq!(l("[fd00::1]:2200").address(), "[fd00::1]:2200");
    }
}
