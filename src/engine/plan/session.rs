//! The session's steps: its namespace, the source provider's Secret and Provider, the
//! destination provider(s), and the waits for every Provider to be Ready. These objects are
//! shared by all scenarios of a run (see docs/running.md, "Namespaces and sharing").

use mtvt_profiles::Profile;

use super::super::journal::Scope;
use super::super::manifests::{
    self, Owner, SourceSecretInput, local_destination, remote_destination, remote_token_secret,
    source_provider, source_secret,
};
use super::super::names::SessionNames;
use super::{PROVIDER_READY_TIMEOUT, Step};
use crate::cluster::kinds;

/// Session-wide inputs of plan building.
#[derive(Clone)]
pub struct SessionCtx {
    /// Object names.
    pub names: SessionNames,
    /// Labels of session objects.
    pub owner: Owner,
    /// The source provider profile.
    pub profile: Profile,
    /// The source Provider URL (absolute `api_url`; the cluster URL for OpenShift sources).
    pub source_url: String,
    /// `insecureSkipVerify` of the source Secret.
    pub source_insecure: bool,
    /// CA (PEM) of the source endpoint, stored as `cacert`.
    pub source_ca_pem: Option<String>,
    /// API server URL (remote destinations, OpenShift sources).
    pub cluster_url: String,
    /// Bearer token of the cluster (remote destinations, OpenShift sources).
    pub cluster_token: Option<String>,
    /// The MTV namespace.
    pub mtv_namespace: String,
    /// A remote destination provider is needed.
    pub remote: bool,
}

impl std::fmt::Debug for SessionCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCtx")
            .field("names", &self.names)
            .field("source_url", &self.source_url)
            .field("cluster_url", &self.cluster_url)
            .finish_non_exhaustive()
    }
}

impl SessionCtx {
    /// The source provider type (`vsphere`, …).
    pub fn provider_type(&self) -> &'static str {
        self.profile.provider_type.as_str()
    }
}

/// The session's steps, in order.
pub fn session_steps(ctx: &SessionCtx) -> Vec<Step> {
    let n = &ctx.names;
    let ns = n.namespace.as_str();
    let mut steps = vec![Step::Create {
        scope: Scope::Session,
        manifest: manifests::namespace(ns, &ctx.owner),
    }];
    let secret = source_secret(
        &n.source_secret,
        ns,
        &ctx.owner,
        &SourceSecretInput {
            profile: &ctx.profile,
            url: &ctx.source_url,
            insecure: ctx.source_insecure,
            ca_pem: ctx.source_ca_pem.as_deref(),
            cluster_token: ctx.cluster_token.as_deref(),
        },
    );
    steps.push(Step::Create {
        scope: Scope::Session,
        manifest: secret,
    });
    steps.push(Step::Create {
        scope: Scope::Session,
        manifest: source_provider(
            &n.source_provider,
            ns,
            &ctx.owner,
            &ctx.profile,
            &ctx.source_url,
            &n.source_secret,
        ),
    });
    steps.push(Step::Create {
        scope: Scope::Session,
        manifest: local_destination(&n.local_destination, ns, &ctx.owner),
    });
    let mut ready = vec![n.source_provider.clone(), n.local_destination.clone()];
    if ctx.remote {
        steps.push(Step::Create {
            scope: Scope::Session,
            manifest: remote_token_secret(
                &n.remote_secret,
                ns,
                &ctx.owner,
                ctx.cluster_token.as_deref().unwrap_or_default(),
            ),
        });
        steps.push(Step::Create {
            scope: Scope::Session,
            manifest: remote_destination(
                &n.remote_destination,
                ns,
                &ctx.owner,
                &ctx.cluster_url,
                &n.remote_secret,
            ),
        });
        ready.push(n.remote_destination.clone());
    }
    for name in ready {
        steps.push(Step::WaitCondition {
            kind: kinds::PROVIDER,
            namespace: ns.to_string(),
            name,
            condition: "Ready",
            timeout: PROVIDER_READY_TIMEOUT,
        });
    }
    steps
}
