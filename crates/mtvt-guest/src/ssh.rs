//! The SSH client over a tunnel: handshake, password login, and one exec channel per command
//! (stdout, stderr, exit status; optional stdin). russh on ring.
//!
//! The server's host key is accepted without pinning, as the pytest suite does with its
//! throwaway migrated guests: the tunnel itself is authenticated (TLS to the API server,
//! RBAC on the port-forward subresource of this VMI), and there is no known_hosts to pin a
//! freshly converted guest against. The key's fingerprint is logged at debug level.

use std::sync::Arc;
use std::time::Duration;

use russh::client::{self, Handle};
use russh::keys::HashAlg;
use russh::{ChannelMsg, Disconnect};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::credentials::Credentials;
use crate::error::GuestError;
use crate::portforward::VmiRef;

/// What one command printed and how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandOutput {
    /// Standard output (bytes; see [`CommandOutput::stdout_text`]).
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: Vec<u8>,
    /// Exit status (-1 when the guest sent none, e.g. killed by a signal).
    pub exit: i64,
}

impl CommandOutput {
    /// Standard output as text (invalid UTF-8 replaced).
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Standard error as text.
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// The russh client callbacks: accept the host key (see the module doc).
pub struct Client {
    vmi: VmiRef,
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        if let russh::keys::PublicKeyOrCertificate::PublicKey { key, .. } = key {
            tracing::debug!(vmi = %self.vmi, fingerprint = %key.fingerprint(HashAlg::Sha256), "guest SSH host key");
        }
        Ok(true)
    }
}

/// An authenticated SSH connection.
pub type Connection = Handle<Client>;

fn config() -> Arc<client::Config> {
    Arc::new(client::Config {
        inactivity_timeout: Some(Duration::from_secs(300)),
        keepalive_interval: Some(Duration::from_secs(30)),
        ..client::Config::default()
    })
}

/// Handshake and password login over `stream`.
pub async fn login<S>(
    stream: S,
    vmi: &VmiRef,
    creds: &Credentials,
) -> Result<Connection, GuestError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let ssh = |e: russh::Error| GuestError::Ssh {
        vmi: vmi.clone(),
        detail: e.to_string(),
    };
    let handler = Client { vmi: vmi.clone() };
    let mut handle = client::connect_stream(config(), stream, handler)
        .await
        .map_err(ssh)?;
    let auth = handle
        .authenticate_password(creds.user.clone(), creds.password.expose())
        .await
        .map_err(ssh)?;
    if !auth.success() {
        let _ = handle.disconnect(Disconnect::ByApplication, "", "en").await;
        return Err(GuestError::AuthFailed {
            vmi: vmi.clone(),
            user: creds.user.clone(),
        });
    }
    Ok(handle)
}

/// Runs `command` on a new session channel, feeding `stdin` (then EOF) when given.
pub async fn exec<H: client::Handler>(
    conn: &Handle<H>,
    command: &str,
    stdin: Option<&[u8]>,
) -> Result<CommandOutput, russh::Error> {
    let mut channel = conn.channel_open_session().await?;
    channel.exec(true, command).await?;
    if let Some(data) = stdin {
        channel.data(data).await?;
    }
    channel.eof().await?;
    let mut out = CommandOutput {
        exit: -1,
        ..CommandOutput::default()
    };
    while let Some(msg) = channel.wait().await {
        match msg {
            ChannelMsg::Data { data } => out.stdout.extend_from_slice(&data),
            ChannelMsg::ExtendedData { data, ext: 1 } => out.stderr.extend_from_slice(&data),
            ChannelMsg::ExitStatus { exit_status } => out.exit = i64::from(exit_status),
            ChannelMsg::Failure => {
                out.stderr
                    .extend_from_slice(b"the guest refused to run the command");
            }
            ChannelMsg::Close => break,
            _ => {}
        }
    }
    Ok(out)
}
