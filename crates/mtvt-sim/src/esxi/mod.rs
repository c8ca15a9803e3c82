//! The ESXi hosts of the lab's copy-offload vSphere providers, as the ssh clone method
//! (`esxiCloneMethod: ssh`) needs them: each host has a root password, a small filesystem
//! holding `/etc/ssh/keys-root/authorized_keys`, and an SSH server on 127.0.0.1 that an
//! administrator (the runner, as the pytest suite with paramiko) logs in to with the
//! password ([`sshd`], commands in [`shell`]).
//!
//! Forklift reaches a host with the provider's generated key, as root, running the
//! connectivity test `DS=;CMD=status test-task-id` and expecting `SSH_OK`
//! (pkg/lib/util/sshutils.go:69-151). That answer needs a line granting the key whose forced
//! command is Forklift's restricted template (sshutils.go:19-23): an empty `DS=` then echoes
//! `SSH_OK`. [`EsxiHost::key_access`] decides it from the file, in process (the controllers
//! and the populator never dial the hosts' management IPs).
//!
//! Nothing here drives a migration; controllers read [`EsxiHosts`] only to decide.

pub mod shell;
pub mod sshd;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use mtvt_vocab::Secret;

/// Where ESXi keeps root's authorized keys.
pub const AUTHORIZED_KEYS: &str = "/etc/ssh/keys-root/authorized_keys";

/// Forklift's forced command since 2.11 (sshutils.go:23, the shell wrapper of MTV-3931), as
/// it stands between the quotes of `command="…"` in authorized_keys (`\"` escaped).
pub const RESTRICTED_COMMAND: &str = r#"sh -c 'DS=$(echo \"$SSH_ORIGINAL_COMMAND\" | sed -n \"s/^DS=\\([^;]*\\);.*/\\1/p\"); CMD=$(echo \"$SSH_ORIGINAL_COMMAND\" | sed -n \"s/^DS=[^;]*;CMD=\\(.*\\)/\\1/p\"); if [ -z \"$DS\" ]; then echo \"SSH_OK\"; else SSH_ORIGINAL_COMMAND=\"$CMD\" exec sh /vmfs/volumes/$DS/secure-vmkfstools-wrapper; fi'"#;

/// The same before 2.11, when the wrapper was a Python script (v2.10.0 sshutils.go:23).
pub const PYTHON_RESTRICTED_COMMAND: &str = r#"sh -c 'DS=$(echo \"$SSH_ORIGINAL_COMMAND\" | sed -n \"s/^DS=\\([^;]*\\);.*/\\1/p\"); CMD=$(echo \"$SSH_ORIGINAL_COMMAND\" | sed -n \"s/^DS=[^;]*;CMD=\\(.*\\)/\\1/p\"); if [ -z \"$DS\" ]; then echo \"SSH_OK\"; else SSH_ORIGINAL_COMMAND=\"$CMD\" exec python /vmfs/volumes/$DS/secure-vmkfstools-wrapper.py; fi'"#;

/// The forced command the emulated Forklift (of the version its operator CSV reports,
/// [`crate::kinds::MTV_VERSION`]) prints and its populator needs.
pub fn forced_command() -> &'static str {
    let v: Vec<u64> = crate::kinds::MTV_VERSION
        .split('.')
        .filter_map(|p| p.parse().ok())
        .collect();
    if v.as_slice() < [2, 11].as_slice() {
        PYTHON_RESTRICTED_COMMAND
    } else {
        RESTRICTED_COMMAND
    }
}

/// What Forklift gets when it logs in with a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAccess {
    /// `SSH_OK`, and the wrapper the populator uploads runs: the clone can run.
    Ready,
    /// `SSH_OK`, but the forced command runs the other version's wrapper (the Python one
    /// from before 2.11, or the shell one on an older populator).
    OtherWrapper,
    /// No `SSH_OK`: the key is not granted, or not with Forklift's forced command.
    Denied,
}

/// One emulated ESXi host.
#[derive(Debug)]
pub struct EsxiHost {
    /// Host name (`esxi-01.mtv.lab`).
    pub name: String,
    /// Management IP (what Forklift would dial).
    pub ip: String,
    /// ESXi version (`8.0.3`).
    pub version: String,
    root_password: Secret,
    /// Files by absolute path.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl EsxiHost {
    /// A host whose root logs in with `root_password`, with an empty authorized_keys.
    pub fn new(name: &str, ip: &str, version: &str, root_password: Secret) -> Self {
        let mut files = BTreeMap::new();
        files.insert(AUTHORIZED_KEYS.to_string(), Vec::new());
        EsxiHost {
            name: name.to_string(),
            ip: ip.to_string(),
            version: version.to_string(),
            root_password,
            files,
        }
    }

    /// Whether `user`/`password` is root's login.
    pub fn login(&self, user: &str, password: &str) -> bool {
        user == "root" && password == self.root_password.expose()
    }

    /// root's authorized_keys as text.
    pub fn authorized_keys(&self) -> String {
        self.files
            .get(AUTHORIZED_KEYS)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    }

    /// What a login as root with the key `public_key` (an OpenSSH public key line) gets.
    pub fn key_access(&self, public_key: &str) -> KeyAccess {
        let Some(blob) = key_blob(public_key) else {
            return KeyAccess::Denied;
        };
        let text = self.authorized_keys();
        let granting = text.lines().filter(|l| key_blob_of_line(l) == Some(blob));
        let mut best = KeyAccess::Denied;
        for line in granting {
            match line_command(line).as_deref() {
                Some(c) if c == forced_command() => return KeyAccess::Ready,
                Some(RESTRICTED_COMMAND | PYTHON_RESTRICTED_COMMAND) => {
                    best = KeyAccess::OtherWrapper;
                }
                _ => {}
            }
        }
        best
    }
}

/// The base64 blob of an OpenSSH public key line (`ssh-ed25519 AAAA… comment`).
fn key_blob(public_key: &str) -> Option<&str> {
    let mut words = public_key.split_whitespace();
    let kind = words.next()?;
    is_key_type(kind).then_some(())?;
    words.next()
}

fn is_key_type(word: &str) -> bool {
    word.starts_with("ssh-") || word.starts_with("ecdsa-sha2-")
}

/// The key blob an authorized_keys line grants (after its options).
fn key_blob_of_line(line: &str) -> Option<&str> {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.windows(2).find_map(|w| match w {
        [kind, blob] if is_key_type(kind) => Some(*blob),
        _ => None,
    })
}

/// The `command="…"` option of an authorized_keys line, as written between the quotes.
fn line_command(line: &str) -> Option<String> {
    let rest = line.trim_start().strip_prefix("command=\"")?;
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push('\\');
                out.push(chars.next()?);
            }
            '"' => return Some(out),
            c => out.push(c),
        }
    }
    None
}

/// A host shared by its SSH connections and the controllers.
pub type SharedHost = Arc<Mutex<EsxiHost>>;

/// The ESXi hosts, by vSphere host id (`host-12`); cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct EsxiHosts(Arc<HashMap<String, SharedHost>>);

impl EsxiHosts {
    /// The hosts of every lab vSphere provider with a copy-offload profile.
    pub fn of_lab(lab: &crate::lab::Lab) -> Self {
        let mut hosts = HashMap::new();
        for p in &lab.providers {
            let Some(co) = &p.copy_offload else { continue };
            for h in &p.hosts {
                let host = EsxiHost::new(&h.name, &h.ip, &p.version, co.esxi_password.clone());
                hosts.insert(h.id.clone(), Arc::new(Mutex::new(host)));
            }
        }
        EsxiHosts(Arc::new(hosts))
    }

    /// The host with vSphere id `id`.
    pub fn get(&self, id: &str) -> Option<SharedHost> {
        self.0.get(id).cloned()
    }

    /// Every host id, sorted.
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.0.keys().cloned().collect();
        ids.sort();
        ids
    }

    /// Runs `f` on host `id`.
    pub fn with<T>(&self, id: &str, f: impl FnOnce(&mut EsxiHost) -> T) -> Option<T> {
        let h = self.0.get(id)?;
        let mut guard = h.lock().unwrap_or_else(PoisonError::into_inner);
        Some(f(&mut guard))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAA forklift";

    fn host_with(lines: &str) -> EsxiHost {
        let mut h = EsxiHost::new("esx", "10.0.0.1", "8.0.3", Secret::new("pw"));
        h.files
            .insert(AUTHORIZED_KEYS.into(), lines.as_bytes().to_vec());
        h
    }

    #[test]
    fn only_forklifts_forced_command_answers_ssh_ok() {
        // sshutils.go:140-148: success is exactly the output "SSH_OK", which only the
        // restricted template prints for an empty DS=.
        let opts = "no-port-forwarding,no-agent-forwarding,no-X11-forwarding";
        // the emulated operator reports 2.10.0: the Python wrapper's line
        assert_eq!(forced_command(), PYTHON_RESTRICTED_COMMAND);
        let good = format!("command=\"{PYTHON_RESTRICTED_COMMAND}\",{opts} {KEY}\n");
        assert_eq!(host_with(&good).key_access(KEY), KeyAccess::Ready);
        let newer = format!("command=\"{RESTRICTED_COMMAND}\",{opts} {KEY}\n");
        assert_eq!(host_with(&newer).key_access(KEY), KeyAccess::OtherWrapper);
        // the pytest suite's own line (utilities/esxi.py): python runs, no SSH_OK
        let suite = format!(
            "command=\"python /vmfs/volumes/ds1/secure-vmkfstools-wrapper.py\",{opts} {KEY}\n"
        );
        assert_eq!(host_with(&suite).key_access(KEY), KeyAccess::Denied);
        // an unrestricted key runs `DS=;CMD=status …` as a shell line: no SSH_OK either
        assert_eq!(
            host_with(&format!("{KEY}\n")).key_access(KEY),
            KeyAccess::Denied
        );
        assert_eq!(host_with("").key_access(KEY), KeyAccess::Denied);
        let other = good.replace("AAAAIAAA", "AAAAIBBB");
        assert_ne!(other, good);
        assert_eq!(host_with(&other).key_access(KEY), KeyAccess::Denied);
        assert!(host_with("").login("root", "pw"));
        assert!(!host_with("").login("root", "nope"));
    }
}
