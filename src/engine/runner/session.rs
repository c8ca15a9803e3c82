//! The session's setup, before any scenario: connect to every source profile in use (a
//! wrong password fails before anything is created), create the session's namespace and
//! destination provider(s), then per profile its Secret and Provider (waiting for Ready)
//! and its Forklift inventory — every step through the one executor.

use std::sync::Arc;

use mtvt_profiles::Profile;
use mtvt_vocab::ProviderKind;

use super::RunInputs;
use crate::cluster::{MtvVersion, mtv_version};
use crate::engine::ca_fetch;
use crate::engine::context::SourceBinding;
use crate::engine::error::EngineError;
use crate::engine::exec::{Executor, Scope};
use crate::engine::inventory::{InventorySide, InventoryTarget};
use crate::engine::journal::Journal;
use crate::engine::manifests::{Owner, ca_key};
use crate::engine::names::{SessionNames, SourceNames};
use crate::engine::plan::{SessionCtx, SourceCtx, session_steps, source_steps};
use crate::engine::source::SourceSide;
use crate::report::progress::Event;

/// What the run needs before any scenario: the session and its source providers.
pub(super) struct Prepared {
    pub session: SessionCtx,
    pub sources: Vec<SourceBinding>,
}

impl Prepared {
    /// The connected source adapters.
    pub fn sides(&self) -> Vec<Arc<SourceSide>> {
        self.sources.iter().map(|b| b.side.clone()).collect()
    }
}

/// A setup error, with the adapters connected so far (their clones are torn down).
pub(super) type SetupError = (EngineError, Vec<Arc<SourceSide>>);

const NO_TOKEN: &str = "a remote destination or an OpenShift source needs the cluster's bearer token, and the kubeconfig has none: log in with a token (oc login, or --cluster-url with --token)";

/// Creates the session's objects and connects each profile in use (`used`, by index).
pub(super) async fn prepare(
    inputs: &RunInputs,
    session: &str,
    exec: &Executor,
    journal: &Arc<Journal>,
    used: &[bool],
    remote: bool,
) -> Result<Prepared, SetupError> {
    let token = inputs
        .cluster
        .token
        .as_ref()
        .map(|t| t.expose().to_string());
    let in_use: Vec<&Profile> = inputs
        .profiles
        .iter()
        .zip(used)
        .filter(|(_, u)| **u)
        .map(|(p, _)| p)
        .collect();
    let openshift_source = in_use
        .iter()
        .any(|p| p.provider_type == ProviderKind::Openshift);
    if (remote || openshift_source) && token.is_none() {
        return Err((EngineError::Setup(NO_TOKEN.into()), Vec::new()));
    }
    let session_ctx = SessionCtx {
        owner: Owner {
            session: session.to_string(),
            scenario: None,
        },
        names: SessionNames::new(session),
        cluster_url: inputs.cluster.url.clone(),
        cluster_token: token,
        mtv_namespace: exec.mtv_namespace.clone(),
        remote,
        source_provider_forklift: inputs.program.session.source_provider_forklift.clone(),
    };
    let mut sides: Vec<Arc<SourceSide>> = Vec::new();
    let mut connected = Vec::new();
    for profile in in_use {
        let (ctx, side) = connect_source(inputs, session, profile, exec, journal)
            .await
            .map_err(|e| (e, sides.clone()))?;
        sides.push(side.clone());
        connected.push((ctx, side));
    }
    for step in session_steps(&session_ctx) {
        exec.run(Scope::Session, &step)
            .await
            .map_err(|e| (e, sides.clone()))?;
    }
    let mut sources = Vec::new();
    for (ctx, side) in connected {
        for step in source_steps(&session_ctx, &ctx) {
            exec.run(Scope::Session, &step)
                .await
                .map_err(|e| (e, sides.clone()))?;
        }
        let inventory = connect_inventory(inputs, &session_ctx, &ctx, &side)
            .await
            .map_err(|e| (e, sides.clone()))?;
        sources.push(SourceBinding {
            ctx,
            side,
            inventory,
        });
    }
    Ok(Prepared {
        session: session_ctx,
        sources,
    })
}

/// The source context of a profile and its connected adapter.
async fn connect_source(
    inputs: &RunInputs,
    session: &str,
    profile: &Profile,
    exec: &Executor,
    journal: &Arc<Journal>,
) -> Result<(SourceCtx, Arc<SourceSide>), EngineError> {
    let (ctx, tls) = source_ctx(inputs, session, profile, &exec.mtv_namespace).await?;
    let api = profile.source_api_profile();
    let via = if api.name == profile.name {
        String::new()
    } else {
        format!(" (clone_provider of {})", profile.name)
    };
    exec.progress.send(Event::Note(format!(
        "connecting to the {} source of profile {}{via}",
        ctx.provider_type(),
        api.name
    )));
    let side = SourceSide::connect(
        profile,
        tls,
        &inputs.cluster.client,
        &inputs.source_namespace,
        journal.clone(),
        session,
    )
    .await?;
    Ok((ctx, Arc::new(side)))
}

/// The Forklift inventory of one source provider of the session.
async fn connect_inventory(
    inputs: &RunInputs,
    session: &SessionCtx,
    ctx: &SourceCtx,
    side: &SourceSide,
) -> Result<InventorySide, EngineError> {
    let ingress_ca = crate::cluster::ingress_ca::ingress_ca(&inputs.cluster.client).await;
    let tls = inventory_tls(
        &inputs.program.session,
        inputs.cluster.ca_pem.as_deref(),
        ingress_ca.as_deref(),
    );
    let token = inputs.cluster.token.clone().ok_or_else(|| {
        EngineError::Setup("the Forklift inventory needs a bearer token and the kubeconfig has none: log in with a token (oc login, or --cluster-url with --token)".into())
    })?;
    let target = InventoryTarget {
        mtv_namespace: &session.mtv_namespace,
        token,
        tls: &tls,
        kind: side.kind,
        provider_name: &ctx.names.provider,
        provider_namespace: &session.names.namespace,
        openshift_namespace: &inputs.source_namespace,
    };
    InventorySide::connect(&inputs.cluster.client, &target).await
}

/// TLS of the inventory Route, which gets the cluster's bearer token: verified against the
/// kubeconfig's CA, the cluster's ingress CA and the system roots, unless the session asks
/// to skip it (`insecure_verify_skip true`, for that endpoint only: skipping the API
/// server's verification does not extend to it).
fn inventory_tls(
    session: &mtvt_lang::ir::SessionIr,
    cluster_ca: Option<&[u8]>,
    ingress_ca: Option<&[u8]>,
) -> mtvt_source::TlsOptions {
    let mut bundle = cluster_ca.map(<[u8]>::to_vec);
    if let Some(ingress) = ingress_ca {
        let b = bundle.get_or_insert_with(Vec::new);
        b.extend_from_slice(ingress);
    }
    mtvt_source::TlsOptions {
        insecure_skip_verify: session.insecure_verify_skip,
        ca_bundle_pem: bundle,
    }
}

fn source_url(profile: &Profile, cluster_url: &str) -> String {
    match profile.provider_type {
        ProviderKind::Openshift => cluster_url.to_string(),
        ProviderKind::Ova | ProviderKind::Hyperv => profile.api_url.clone(),
        _ => mtvt_source::SourceEndpoint::from_profile(profile, Default::default())
            .api_url()
            .map(|u| u.to_string())
            .unwrap_or_else(|_| profile.api_url.clone()),
    }
}

/// The MTV version installed in `mtv_namespace`, when known.
async fn known_version(inputs: &RunInputs, mtv_namespace: &str) -> Option<Vec<u64>> {
    match mtv_version(&inputs.cluster.client, mtv_namespace).await {
        MtvVersion::Known(v, _) => Some(v),
        MtvVersion::Unknown(_) => None,
    }
}

/// The source context of a profile (fetching the endpoint's CA when TLS is verified) and
/// the TLS options mtvt's own adapter uses.
async fn source_ctx(
    inputs: &RunInputs,
    session: &str,
    profile: &Profile,
    mtv_namespace: &str,
) -> Result<(SourceCtx, mtvt_source::TlsOptions), EngineError> {
    let insecure = inputs.program.session.source_provider_insecure_skip_verify;
    let url = source_url(profile, &inputs.cluster.url);
    let mut ca = inputs.source_ca_pem.clone();
    let fetch = match profile.provider_type {
        // the pytest suite always fetches oVirt's CA (its image transfer needs it)
        ProviderKind::Ovirt => true,
        ProviderKind::Vsphere | ProviderKind::Openstack => !insecure,
        _ => false,
    };
    if ca.is_none()
        && fetch
        && let Some((host, port)) = ca_fetch::https_target(&url)
    {
        match ca_fetch::fetch_chain(&host, port).await {
            Ok(pem) => ca = Some(pem),
            Err(e) if insecure => tracing::warn!("cannot fetch the source CA: {e}"),
            Err(e) => {
                return Err(EngineError::Setup(format!(
                    "cannot fetch the CA of the source provider of profile {} ({e}); pass --source-ca-file FILE or set session {{ source_provider_insecure_skip_verify true }}",
                    profile.name
                )));
            }
        }
    }
    let tls = mtvt_source::TlsOptions {
        insecure_skip_verify: insecure,
        ca_bundle_pem: ca.clone().map(String::into_bytes),
    };
    let version = known_version(inputs, mtv_namespace).await;
    let ctx = SourceCtx {
        names: SourceNames::new(session, &profile.name),
        profile: profile.clone(),
        url,
        insecure,
        ca_pem: ca,
        ca_key: ca_key(version.as_deref()),
        mtv_version: version,
    };
    Ok((ctx, tls))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inventory_is_verified_unless_the_session_asks() {
        // the default session verifies (the cluster's bearer token goes to the Route)
        let default = mtvt_lang::ir::SessionIr::default();
        let tls = inventory_tls(&default, Some(b"API CA\n"), Some(b"INGRESS CA\n"));
        assert!(!tls.insecure_skip_verify);
        assert_eq!(
            tls.ca_bundle_pem.as_deref(),
            Some(&b"API CA\nINGRESS CA\n"[..])
        );
        let asked = mtvt_lang::ir::SessionIr {
            insecure_verify_skip: true,
            ..mtvt_lang::ir::SessionIr::default()
        };
        assert!(inventory_tls(&asked, None, None).insecure_skip_verify);
    }
}
