//! The connection test of a Provider: its backend must be reachable and accept the Secret's
//! credentials (the cluster token for OpenShift), failing with the messages the real clients
//! give; and the TLS fingerprint a vSphere provider reports.

use serde_json::Value;

use super::super::Ctx;
use super::super::catalog::{Backend, backend_of, esxi_host_of, host_of};
use super::secret_value;
use crate::lab::ProviderKind;

pub(super) fn fingerprint(url: &str) -> String {
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

/// When a running outage of the provider's lab backend ends, to test again then.
pub(super) fn outage_end(ctx: &Ctx, provider: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    let Some(Backend::Lab(name)) = backend_of(ctx, provider) else {
        return None;
    };
    ctx.lab
        .world()
        .provider(&name)?
        .unreachable_until
        .filter(|u| *u > ctx.clock.now() && *u < chrono::DateTime::<chrono::Utc>::MAX_UTC)
}

pub(super) enum Failure {
    Auth(String),
    Connect(String),
}

pub(super) fn connection_test(
    ctx: &Ctx,
    provider: &Value,
    secret: Option<&Value>,
) -> Result<(), Failure> {
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
            let world = ctx.lab.world();
            let Some(p) = world.provider(&name) else {
                return Err(unreachable());
            };
            if p.unreachable_until.is_some_and(|u| ctx.clock.now() < u) {
                let host = host_of(url).to_string();
                return Err(Failure::Connect(format!(
                    "Get \"{url}\": dial tcp {host}: connect: connection refused"
                )));
            }
            let creds = &p.credentials;
            let (user, password) = match p.kind {
                ProviderKind::Vsphere | ProviderKind::Ovirt => (get("user"), get("password")),
                ProviderKind::Openstack | ProviderKind::Hyperv => {
                    (get("username"), get("password"))
                }
                _ => return Ok(()),
            };
            if user == creds.username && password == creds.password.expose() {
                if p.kind == ProviderKind::Vsphere {
                    return server_type(ctx, provider, p).map_err(Failure::Connect);
                }
                Ok(())
            } else {
                let msg = match p.kind {
                    ProviderKind::Vsphere => {
                        "ServerFaultCode: Cannot complete login due to an incorrect user name or password."
                    }
                    ProviderKind::Ovirt => {
                        "access_denied: Cannot authenticate user: the user name or password is incorrect."
                    }
                    // pkg/lib/hyperv/driver/errors.go:11-12, wrapped by client.go Connect
                    ProviderKind::Hyperv => "WinRM connect failed: hyperv: unauthorized",
                    _ => "The request you have made requires authentication. (HTTP 401)",
                };
                Err(Failure::Auth(msg.into()))
            }
        }
    }
}

/// Forklift's check that `sdkEndpoint` (unset: `vcenter`, the webhook's default) matches
/// what the URL's `AboutInfo.apiType` says, after login
/// (pkg/controller/provider/container/vsphere/collector.go:801-829): the vCenter listener
/// says `VirtualCenter`; the lab's ESXi endpoint `HostAgent` unless told otherwise.
fn server_type(ctx: &Ctx, provider: &Value, p: &crate::lab::Provider) -> Result<(), String> {
    let esxi_sdk = provider
        .pointer("/spec/settings/sdkEndpoint")
        .and_then(Value::as_str)
        == Some("esxi");
    let is_vc = match esxi_host_of(ctx, provider) {
        Some(_) => p.esxi_endpoint.as_ref().is_some_and(|e| e.is_vcenter()),
        None => true,
    };
    match (esxi_sdk, is_vc) {
        (false, false) => {
            Err("provider sdkEndpoint is set to vCenter but the URL points to an ESXi host".into())
        }
        (true, true) => {
            Err("provider sdkEndpoint is set to ESXi but the URL points to a vCenter server".into())
        }
        _ => Ok(()),
    }
}
