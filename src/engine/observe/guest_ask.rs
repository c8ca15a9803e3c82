//! Answers the `guest` model's reads for one migrated VM (`guest.run`, `guest.file`,
//! `guest.os`, `guest.nics`) over one SSH session, opened on the first read and reused for
//! the rest (KubeVirt's port-forward through the API server, `mtvt-guest`, the suite's
//! 300 s login budget), the same on every cluster. When the VM cannot be logged in to —
//! powered off, no guest login in the provider profile, SSH never answered — every read
//! gets that reason and the asserts reading it are *not run*. Errors never carry the
//! password (`mtvt-guest` scrubs them).
//!
//! [`evaluate`] runs the scenario's checks, answers what they asked and runs them again
//! until nothing is pending.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use mtvt_guest::session::SSH_TIMEOUT;
use mtvt_guest::{GuestFamily, GuestSession, OpenOptions, VmiRef};
use mtvt_lang::eval::{
    Bindings, CheckOutcome, CheckStatus, GuestAnswer, GuestRequest, pending_requests,
    run_check_refs,
};
use mtvt_lang::ir::CheckRefIr;
use mtvt_lang::models::{DestVm, GuestFile, GuestOs, GuestRun};
use mtvt_lang::schema::enums::PowerState;
use mtvt_profiles::Profile;
use serde_json::Value;

use super::guest::login;
use super::guest_nics;

/// Rounds of answering before giving up on a check that keeps asking new things (each
/// round answers everything the previous one asked).
const MAX_ROUNDS: usize = 16;

/// How long a check that read the guest's network configuration (`guest.nics`) and failed
/// is read again, as the suite retries its static-IP check (600 s): a Windows guest applies
/// its restored configuration some time after the first login.
pub const NICS_RETRY: Duration = Duration::from_secs(600);

/// Pause between two re-reads of `guest.nics`.
const NICS_RETRY_EVERY: Duration = Duration::from_secs(10);

/// How long one VM's guest is waited for: the suite's 300 s to log in and 600 s of
/// static-IP re-reads, each bounded by the plan's `timeout` (the scenario's own limit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuestWaits {
    /// Retrying the SSH login.
    pub login: Duration,
    /// Re-reading `guest.nics` while a check that read it fails.
    pub nics: Duration,
}

impl GuestWaits {
    /// The suite's waits, none longer than `limit`.
    pub fn within(limit: Duration) -> Self {
        GuestWaits {
            login: SSH_TIMEOUT.min(limit),
            nics: NICS_RETRY.min(limit),
        }
    }
}

/// The guest of one migrated VM.
pub struct GuestAsker<'a> {
    client: &'a kube::Client,
    vmi: VmiRef,
    family: GuestFamily,
    /// Why no session can be opened, known before trying.
    unavailable: Option<String>,
    session: Option<Result<GuestSession, String>>,
    profile: &'a Profile,
    waits: GuestWaits,
}

impl<'a> GuestAsker<'a> {
    /// The guest of `dest` (a Windows guest when `windows`), logged in to with `profile`'s
    /// guest login for its family, waited for as `waits` says.
    pub fn new(
        client: &'a kube::Client,
        profile: &'a Profile,
        dest: &DestVm,
        windows: bool,
        waits: GuestWaits,
    ) -> Self {
        let family = if windows {
            GuestFamily::Windows
        } else {
            GuestFamily::Linux
        };
        let vmi = VmiRef::new(&dest.namespace, &dest.name);
        let unavailable = (dest.power != PowerState::On)
            .then(|| format!("VM {vmi} is powered off: nothing to log in to"));
        GuestAsker {
            client,
            vmi,
            family,
            unavailable,
            session: None,
            profile,
            waits,
        }
    }

    async fn session(&mut self) -> Result<&GuestSession, String> {
        if let Some(reason) = &self.unavailable {
            return Err(reason.clone());
        }
        if self.session.is_none() {
            let opened = match login(self.profile, self.family) {
                Ok(creds) => {
                    let opts = OpenOptions::with_timeout(self.waits.login);
                    GuestSession::open(self.client, &self.vmi, self.family, &creds, &opts)
                        .await
                        .map_err(|e| e.to_string())
                }
                Err(reason) => Err(reason),
            };
            self.session = Some(opened);
        }
        match &self.session {
            Some(Ok(s)) => Ok(s),
            Some(Err(e)) => Err(e.clone()),
            None => Err(String::from("no guest session")),
        }
    }

    async fn run(&mut self, command: &str) -> Result<GuestRun, String> {
        let out = self
            .session()
            .await?
            .run(command)
            .await
            .map_err(|e| e.to_string())?;
        Ok(GuestRun {
            command: command.to_string(),
            stdout: out.stdout_text(),
            stderr: out.stderr_text(),
            exit: out.exit,
        })
    }

    /// The answer to one read.
    pub async fn answer(&mut self, request: &GuestRequest) -> GuestAnswer {
        let value = match request {
            GuestRequest::Run(command) => to_json(&self.run(command).await?),
            GuestRequest::File(path) => to_json(&self.file(path).await?),
            GuestRequest::Os => to_json(&self.os().await?),
            GuestRequest::Nics => self.nics().await?,
        };
        Ok(value)
    }

    async fn file(&mut self, path: &str) -> Result<GuestFile, String> {
        let command = match self.family {
            GuestFamily::Linux => format!("cat -- {}", mtvt_guest::session::sh_quote(path)),
            GuestFamily::Windows => format!("type \"{}\"", path.replace('"', "")),
        };
        let out = self.run(&command).await?;
        let exists = out.exit == 0;
        Ok(GuestFile {
            path: path.to_string(),
            exists,
            content: exists.then_some(out.stdout),
        })
    }

    async fn os(&mut self) -> Result<GuestOs, String> {
        let hostname = self.run("hostname").await?.stdout.trim().to_string();
        let name = match self.family {
            GuestFamily::Linux => {
                guest_nics::os_release_name(&self.run("cat /etc/os-release").await?.stdout)
            }
            GuestFamily::Windows => self.run("ver").await?.stdout.trim().to_string(),
        };
        Ok(GuestOs {
            family: self.family.as_str().to_string(),
            name,
            hostname,
        })
    }

    async fn nics(&mut self) -> Result<Value, String> {
        let nics = match self.family {
            GuestFamily::Linux => {
                let addr = self.run("ip -j addr").await?;
                let route = self.run("ip -j route").await?;
                guest_nics::linux_nics(&addr.stdout, &route.stdout).ok_or_else(|| {
                    format!(
                        "`ip -j addr` on VM {} exited {}: {}",
                        self.vmi,
                        addr.exit,
                        addr.stderr.trim()
                    )
                })?
            }
            GuestFamily::Windows => {
                guest_nics::windows_nics(&self.run("ipconfig /all").await?.stdout)
            }
        };
        Ok(to_json(&nics))
    }

    /// Whether `guest.nics` was read from the guest (rather than refused: then reading it
    /// again cannot help).
    fn answered_nics(&self, bindings: &Bindings) -> bool {
        self.unavailable.is_none() && matches!(bindings.guest.get(&GuestRequest::Nics), Some(Ok(_)))
    }

    /// Ends the session, if one was opened.
    pub async fn close(self) {
        if let Some(Ok(s)) = self.session {
            s.close().await;
        }
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Runs the requested `checks` (the scenario's `expect`, or an `expect` inside `then`) on
/// one VM, answering their guest reads through `asker` (into `bindings.guest`) and running
/// them again until nothing is pending. While a check that read `guest.nics` fails, the
/// NICs are read again every 10 s for up to the asker's [`GuestWaits::nics`].
pub async fn evaluate(
    checks: &[CheckRefIr],
    bindings: &mut Bindings,
    asker: &mut GuestAsker<'_>,
) -> Vec<CheckOutcome> {
    let mut read_nics = BTreeSet::new();
    let mut outcomes = settle(checks, bindings, asker, &mut read_nics).await;
    let deadline = Instant::now() + asker.waits.nics;
    while Instant::now() < deadline
        && nics_failed(&outcomes, &read_nics)
        && asker.answered_nics(bindings)
    {
        tokio::time::sleep(NICS_RETRY_EVERY).await;
        bindings.guest.remove(&GuestRequest::Nics);
        outcomes = settle(checks, bindings, asker, &mut read_nics).await;
    }
    outcomes
}

/// Whether a check that read `guest.nics` (named in `read_nics`) failed.
fn nics_failed(outcomes: &[CheckOutcome], read_nics: &BTreeSet<String>) -> bool {
    outcomes
        .iter()
        .any(|o| o.status() == CheckStatus::Failed && read_nics.contains(&o.qualified))
}

/// Runs the checks, answering what they ask until nothing is pending; records the checks
/// that asked for `guest.nics`.
async fn settle(
    checks: &[CheckRefIr],
    bindings: &mut Bindings,
    asker: &mut GuestAsker<'_>,
    read_nics: &mut BTreeSet<String>,
) -> Vec<CheckOutcome> {
    let mut outcomes = run_check_refs(checks, bindings);
    for _ in 0..MAX_ROUNDS {
        for o in &outcomes {
            if o.pending.contains(&GuestRequest::Nics) {
                read_nics.insert(o.qualified.clone());
            }
        }
        let pending = pending_requests(&outcomes);
        if pending.is_empty() {
            break;
        }
        for request in pending {
            let answer = asker.answer(&request).await;
            bindings.guest.insert(request, answer);
        }
        outcomes = run_check_refs(checks, bindings);
    }
    outcomes
}
