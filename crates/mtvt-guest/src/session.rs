//! The engine's handle on a guest: [`GuestSession::open`] tunnels to the VMI's SSH port and
//! logs in, retrying with backoff until the deadline (the pytest suite: 300 s for SSH, 600 s
//! for the static-IP checks); then commands and files over that one connection.
//!
//! Files go over exec channels, not SFTP: `cat` on Linux (the bytes travel on stdin, so
//! binary content is safe), `type` and PowerShell on Windows. Every SSH server offers exec,
//! while the SFTP subsystem is optional (disabled on some hardened images and absent from
//! Windows OpenSSH unless configured), and one channel type keeps the emulated guest simple.

use std::time::{Duration, Instant};

use base64::Engine as _;
use mtvt_vocab::Secret;

use crate::credentials::{Credentials, GuestFamily};
use crate::error::GuestError;
use crate::portforward::{VmiRef, open_tunnel};
pub use crate::ssh::CommandOutput;
use crate::ssh::{self, Connection};

/// The pytest suite's SSH retry budget.
pub const SSH_TIMEOUT: Duration = Duration::from_secs(300);
/// The pytest suite's budget for reading static IPs in the guest.
pub const STATIC_IP_TIMEOUT: Duration = Duration::from_secs(600);

/// How [`GuestSession::open`] tries.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    /// The guest's SSH port.
    pub port: u16,
    /// Give up after this long.
    pub timeout: Duration,
    /// The first pause between attempts (doubled up to `max_backoff`).
    pub first_backoff: Duration,
    /// The longest pause between attempts.
    pub max_backoff: Duration,
    /// The longest one attempt (tunnel, handshake, login) may take.
    pub attempt_timeout: Duration,
}

impl Default for OpenOptions {
    /// Port 22, [`SSH_TIMEOUT`], backoff 1 s doubling to 10 s, 30 s per attempt.
    fn default() -> Self {
        OpenOptions {
            port: 22,
            timeout: SSH_TIMEOUT,
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(30),
        }
    }
}

impl OpenOptions {
    /// The defaults with another overall timeout.
    pub fn with_timeout(timeout: Duration) -> Self {
        OpenOptions {
            timeout,
            ..OpenOptions::default()
        }
    }
}

/// A logged-in SSH session to a VMI.
pub struct GuestSession {
    conn: Connection,
    vmi: VmiRef,
    family: GuestFamily,
    user: String,
    password: Secret,
}

impl std::fmt::Debug for GuestSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuestSession")
            .field("vmi", &self.vmi)
            .field("user", &self.user)
            .field("family", &self.family)
            .finish_non_exhaustive()
    }
}

impl GuestSession {
    /// Tunnels to the VMI's SSH port through the API server and logs in as `creds`,
    /// retrying retryable failures ([`GuestError::is_retryable`]) until `opts.timeout`;
    /// a rejected login or an RBAC refusal ends at once.
    pub async fn open(
        client: &kube::Client,
        vmi: &VmiRef,
        family: GuestFamily,
        creds: &Credentials,
        opts: &OpenOptions,
    ) -> Result<GuestSession, GuestError> {
        let started = Instant::now();
        let deadline = started + opts.timeout;
        let mut pause = opts.first_backoff;
        let secret = creds.password.expose();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let budget = left.min(opts.attempt_timeout);
            let last =
                match tokio::time::timeout(budget, attempt(client, vmi, creds, opts.port)).await {
                    Ok(Ok(conn)) => {
                        return Ok(GuestSession {
                            conn,
                            vmi: vmi.clone(),
                            family,
                            user: creds.user.clone(),
                            password: creds.password.clone(),
                        });
                    }
                    Ok(Err(e)) if !e.is_retryable() => return Err(e.scrub(secret)),
                    Ok(Err(e)) => e,
                    Err(_) => GuestError::Ssh {
                        vmi: vmi.clone(),
                        detail: format!("no answer within {}s", budget.as_secs()),
                    },
                };
            tracing::debug!(vmi = %vmi, error = %last.clone().scrub(secret), "guest session attempt failed");
            if Instant::now() + pause >= deadline {
                return Err(GuestError::Timeout {
                    vmi: vmi.clone(),
                    waited: started.elapsed(),
                    last: Box::new(last),
                }
                .scrub(secret));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(opts.max_backoff);
        }
    }

    /// The VMI.
    pub fn vmi(&self) -> &VmiRef {
        &self.vmi
    }

    /// The user logged in.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The guest's OS family (how files are read and written).
    pub fn family(&self) -> GuestFamily {
        self.family
    }

    /// Runs `command` (the guest's shell parses it) and returns its output and exit status;
    /// a non-zero exit is a result, not an error.
    pub async fn run(&self, command: &str) -> Result<CommandOutput, GuestError> {
        self.run_with_stdin(command, None).await
    }

    /// [`GuestSession::run`] with bytes on the command's standard input.
    pub async fn run_with_stdin(
        &self,
        command: &str,
        stdin: Option<&[u8]>,
    ) -> Result<CommandOutput, GuestError> {
        ssh::exec(&self.conn, command, stdin).await.map_err(|e| {
            GuestError::Command {
                vmi: self.vmi.clone(),
                command: command.to_string(),
                detail: e.to_string(),
            }
            .scrub(self.password.expose())
        })
    }

    /// The content of the guest file `path`.
    pub async fn read_file(&self, path: &str) -> Result<Vec<u8>, GuestError> {
        let command = match self.family {
            GuestFamily::Linux => format!("cat -- {}", sh_quote(path)),
            GuestFamily::Windows => format!("type {}", cmd_quote(path)),
        };
        let out = self.run(&command).await?;
        if out.exit != 0 {
            return Err(self.file_error("reading", path, &out));
        }
        Ok(out.stdout)
    }

    /// Writes `bytes` to the guest file `path` (created or replaced).
    pub async fn write_file(&self, path: &str, bytes: &[u8]) -> Result<(), GuestError> {
        let out = match self.family {
            GuestFamily::Linux => {
                let command = format!("cat > {}", sh_quote(path));
                self.run_with_stdin(&command, Some(bytes)).await?
            }
            GuestFamily::Windows => {
                let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
                let command = format!(
                    "powershell -NoProfile -Command \"[IO.File]::WriteAllBytes('{}', [Convert]::FromBase64String('{b64}'))\"",
                    path.replace('\'', "''")
                );
                self.run(&command).await?
            }
        };
        if out.exit != 0 {
            return Err(self.file_error("writing", path, &out));
        }
        Ok(())
    }

    fn file_error(&self, action: &'static str, path: &str, out: &CommandOutput) -> GuestError {
        GuestError::File {
            vmi: self.vmi.clone(),
            action,
            path: path.to_string(),
            exit: out.exit,
            detail: out.stderr_text().trim().to_string(),
        }
        .scrub(self.password.expose())
    }

    /// Ends the session politely.
    pub async fn close(self) {
        let _ = self
            .conn
            .disconnect(russh::Disconnect::ByApplication, "", "en")
            .await;
    }
}

async fn attempt(
    client: &kube::Client,
    vmi: &VmiRef,
    creds: &Credentials,
    port: u16,
) -> Result<Connection, GuestError> {
    let stream = open_tunnel(client, vmi, port).await?;
    ssh::login(stream, vmi, creds).await
}

/// `s` as one POSIX shell word.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `s` as one `cmd.exe` argument.
fn cmd_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(sh_quote("/tmp/a b"), "'/tmp/a b'");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
        assert_eq!(cmd_quote(r"C:\a b.txt"), r#""C:\a b.txt""#);
    }
}
