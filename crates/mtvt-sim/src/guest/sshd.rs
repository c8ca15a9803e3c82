//! The guest's SSH server (russh, server side) over any byte stream: password logins
//! against the [`GuestModel`]'s users, one exec channel per command (the command runs when
//! the client ends its input, with what it sent as stdin), no interactive shell, no SFTP.
//! The host key is an Ed25519 key derived from the VM's identity, stable across
//! connections.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use russh::keys::PrivateKey;
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::server::{Auth, ChannelOpenHandle, Msg, Session};
use russh::{Channel, ChannelId, MethodKind, MethodSet};
use tokio::io::{AsyncRead, AsyncWrite};

use super::commands;
use super::model::GuestModel;

/// The server's configuration with a host key derived from `identity`.
pub fn config(identity: &str) -> Arc<russh::server::Config> {
    let mut seed = [0u8; 32];
    for (i, b) in identity.bytes().enumerate() {
        if let Some(s) = seed.get_mut(i % 32) {
            *s = s.wrapping_mul(31).wrapping_add(b);
        }
    }
    let key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    Arc::new(russh::server::Config {
        server_id: russh::SshId::Standard("SSH-2.0-OpenSSH_8.7".into()),
        methods: MethodSet::from(&[MethodKind::Password][..]),
        auth_rejection_time: Duration::from_millis(50),
        auth_rejection_time_initial: Some(Duration::ZERO),
        keys: vec![key],
        inactivity_timeout: Some(Duration::from_secs(600)),
        ..russh::server::Config::default()
    })
}

/// Serves one SSH connection on `stream` until the client leaves.
pub async fn serve<S>(stream: S, model: Arc<Mutex<GuestModel>>, identity: &str)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let handler = Sshd {
        model,
        channels: HashMap::new(),
    };
    match russh::server::run_stream(config(identity), stream, handler).await {
        Ok(session) => {
            if let Err(e) = session.await {
                tracing::debug!(guest = identity, error = %e, "guest SSH session ended");
            }
        }
        Err(e) => tracing::debug!(guest = identity, error = %e, "guest SSH handshake failed"),
    }
}

/// A command waiting for the end of its input.
#[derive(Default)]
struct Pending {
    command: Option<String>,
    stdin: Vec<u8>,
}

/// One connection's state.
struct Sshd {
    model: Arc<Mutex<GuestModel>>,
    channels: HashMap<ChannelId, Pending>,
}

impl Sshd {
    fn model(&self) -> std::sync::MutexGuard<'_, GuestModel> {
        self.model.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl russh::server::Handler for Sshd {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        Ok(if self.model().login(user, password) {
            Auth::Accept
        } else {
            Auth::reject()
        })
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Input arrives through `data`; the channel object itself is not read.
        self.channels.insert(channel.id(), Pending::default());
        reply.accept().await;
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match self.channels.get_mut(&channel) {
            Some(p) if p.command.is_none() => {
                p.command = Some(String::from_utf8_lossy(data).into_owned());
                session.channel_success(channel)
            }
            _ => session.channel_failure(channel),
        }
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(p) = self.channels.get_mut(&channel) {
            p.stdin.extend_from_slice(data);
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(Pending {
            command: Some(command),
            stdin,
        }) = self.channels.remove(&channel)
        else {
            return session.close(channel);
        };
        let out = commands::run(&mut self.model(), &command, &stdin);
        if !out.stdout.is_empty() {
            session.data(channel, out.stdout)?;
        }
        if !out.stderr.is_empty() {
            session.extended_data(channel, 1, out.stderr)?;
        }
        session.exit_status_request(channel, out.exit)?;
        session.eof(channel)?;
        session.close(channel)
    }
}
