//! The ESXi host's SSH server (russh, server side) on a TCP listener: root's password
//! login, one exec channel per command (run when the client ends its input, with what it
//! sent as stdin), no shell, no SFTP. The host key is an Ed25519 key derived from the host
//! name, stable across connections. Key logins are not served: Forklift's key logins are
//! decided in process ([`super::EsxiHost::key_access`]).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use russh::keys::PrivateKey;
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::server::{Auth, ChannelOpenHandle, Msg, Session};
use russh::{Channel, ChannelId, MethodKind, MethodSet};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::{SharedHost, shell};

fn config(name: &str) -> Arc<russh::server::Config> {
    let mut seed = [0u8; 32];
    for (i, b) in name.bytes().enumerate() {
        if let Some(s) = seed.get_mut(i % 32) {
            *s = s.wrapping_mul(37).wrapping_add(b);
        }
    }
    Arc::new(russh::server::Config {
        server_id: russh::SshId::Standard("SSH-2.0-OpenSSH_9.3".into()),
        methods: MethodSet::from(&[MethodKind::Password][..]),
        auth_rejection_time: Duration::from_millis(50),
        auth_rejection_time_initial: Some(Duration::ZERO),
        keys: vec![PrivateKey::from(Ed25519Keypair::from_seed(&seed))],
        inactivity_timeout: Some(Duration::from_secs(600)),
        ..russh::server::Config::default()
    })
}

/// Listens on 127.0.0.1 (any port) for `host` until `stop`; returns the address.
pub async fn listen(host: SharedHost, stop: CancellationToken) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let name = host
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .name
        .clone();
    let cfg = config(&name);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                a = listener.accept() => a,
                () = stop.cancelled() => break,
            };
            let Ok((tcp, _)) = accepted else { continue };
            let handler = Sshd {
                host: host.clone(),
                channels: HashMap::new(),
            };
            let cfg = cfg.clone();
            tokio::spawn(async move {
                match russh::server::run_stream(cfg, tcp, handler).await {
                    Ok(session) => {
                        if let Err(e) = session.await {
                            tracing::debug!(error = %e, "ESXi SSH session ended");
                        }
                    }
                    Err(e) => tracing::debug!(error = %e, "ESXi SSH handshake failed"),
                }
            });
        }
    });
    Ok(addr)
}

/// A command waiting for the end of its input.
#[derive(Default)]
struct Pending {
    command: Option<String>,
    stdin: Vec<u8>,
}

struct Sshd {
    host: SharedHost,
    channels: HashMap<ChannelId, Pending>,
}

impl russh::server::Handler for Sshd {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        let ok = self
            .host
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .login(user, password);
        Ok(if ok { Auth::Accept } else { Auth::reject() })
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
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
        let out = {
            let mut h = self.host.lock().unwrap_or_else(PoisonError::into_inner);
            shell::run(&mut h, &command, &stdin)
        };
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
