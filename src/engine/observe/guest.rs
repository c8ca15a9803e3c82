//! The SSH probe behind `ssh_reachable(dest)`: a real login to the migrated guest through
//! KubeVirt's port-forward subresource (`mtvt-guest`), the same on every cluster, with the
//! source profile's guest logins (`guest_vm_linux_*` for Linux guests, `guest_vm_win_*` for
//! Windows) and the pytest suite's 300 s budget.
//!
//! The probe runs only for a VM that is powered on and only when a requested check calls
//! `ssh_reachable`; otherwise — and when the profile lacks the login — the probe says why it
//! was not attempted, so the check reports "not run: <reason>". Passwords never reach the
//! probe's detail (`mtvt-guest` scrubs them).

use std::time::Duration;

use mtvt_guest::session::SSH_TIMEOUT;
use mtvt_guest::{Credentials, GuestFamily, GuestSession, OpenOptions, VmiRef};
use mtvt_lang::ir::CheckRefIr;
use mtvt_lang::models::{DestVm, SshProbe};
use mtvt_lang::schema::enums::PowerState;
use mtvt_profiles::Profile;

/// Whether any of `checks` calls `ssh_reachable` (so a login is worth its time).
pub fn wants_ssh(checks: &[CheckRefIr]) -> bool {
    (checks.iter()).any(|c| mtvt_lang::ir::body_calls(&c.check.body, "ssh_reachable"))
}

/// The login for a guest of `family` from `profile`, or why there is none.
pub fn login(profile: &Profile, family: GuestFamily) -> Result<Credentials, String> {
    let linux = (
        profile.guest_vm_linux_user.as_deref(),
        profile.guest_vm_linux_password.as_ref(),
    );
    let windows = (
        profile.guest_vm_win_user.as_deref(),
        profile.guest_vm_win_password.as_ref(),
    );
    Credentials::for_family(family, linux, windows).ok_or_else(|| {
        let keys = match family {
            GuestFamily::Linux => "guest_vm_linux_user/guest_vm_linux_password",
            GuestFamily::Windows => "guest_vm_win_user/guest_vm_win_password",
        };
        format!(
            "provider profile `{}` has no {} guest login ({keys}); add them to log in to the migrated VM",
            profile.name,
            family.as_str()
        )
    })
}

/// The `dest.ssh` model of a migrated VM: a login (on its own session, retried up to
/// `timeout`) when a requested check needs one, the VM is powered on and the profile has
/// the login for its family (`windows` from the source model); otherwise why not.
pub async fn probe_dest(
    client: &kube::Client,
    profile: &Profile,
    checks: &[CheckRefIr],
    dest: &DestVm,
    windows: bool,
    timeout: Duration,
) -> SshProbe {
    if !wants_ssh(checks) {
        return not_probed("no requested check logs in to the guest");
    }
    if dest.power != PowerState::On {
        return not_probed(format!(
            "VM {}/{} is powered off",
            dest.namespace, dest.name
        ));
    }
    let family = if windows {
        GuestFamily::Windows
    } else {
        GuestFamily::Linux
    };
    match login(profile, family) {
        Ok(creds) => {
            probe(
                client,
                &dest.namespace,
                &dest.name,
                family,
                &creds,
                Some(timeout),
            )
            .await
        }
        Err(reason) => not_probed(reason),
    }
}

/// A probe that was not attempted, with the reason.
pub fn not_probed(reason: impl Into<String>) -> SshProbe {
    SshProbe {
        attempted: false,
        reachable: false,
        detail: reason.into(),
    }
}

/// Logs in to VM `namespace/name` (retrying up to `timeout`, the suite's 300 s by default)
/// and runs `true`; the outcome as the `dest.ssh` model.
pub async fn probe(
    client: &kube::Client,
    namespace: &str,
    name: &str,
    family: GuestFamily,
    creds: &Credentials,
    timeout: Option<Duration>,
) -> SshProbe {
    let vmi = VmiRef::new(namespace, name);
    let opts = OpenOptions::with_timeout(timeout.unwrap_or(SSH_TIMEOUT));
    let session = match GuestSession::open(client, &vmi, family, creds, &opts).await {
        Ok(s) => s,
        Err(e) => {
            return SshProbe {
                attempted: true,
                reachable: false,
                detail: e.to_string(),
            };
        }
    };
    let outcome = session.run("echo mtvt-ssh-probe").await;
    session.close().await;
    match outcome {
        Ok(out) if out.exit == 0 => SshProbe {
            attempted: true,
            reachable: true,
            detail: format!("logged in to {vmi} as `{}`", creds.user),
        },
        Ok(out) => SshProbe {
            attempted: true,
            reachable: false,
            detail: format!(
                "logged in to {vmi} as `{}`, but `echo` exited {}: {}",
                creds.user,
                out.exit,
                out.stderr_text().trim()
            ),
        },
        Err(e) => SshProbe {
            attempted: true,
            reachable: false,
            detail: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_login_follows_the_family_and_says_which_keys_are_missing() {
        let json = r#"{"vsphere": {"type": "ovirt", "api_url": "https://e/ovirt-engine/api",
            "fqdn": "e", "username": "u", "password": "p",
            "guest_vm_linux_user": "cloud-user", "guest_vm_linux_password": "pw"}}"#;
        let f = mtvt_profiles::ProvidersFile::parse("p.json", json).unwrap();
        let p = f.profile("vsphere", &|_| None).unwrap();
        assert_eq!(login(&p, GuestFamily::Linux).unwrap().user, "cloud-user");
        let e = login(&p, GuestFamily::Windows).unwrap_err();
        assert!(
            e.contains("guest_vm_win_user") && e.contains("`vsphere`"),
            "{e}"
        );
    }
}
