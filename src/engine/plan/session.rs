//! The session's steps: its namespace and remote destination provider ([`session_steps`]),
//! and per source provider profile its Secret and Provider ([`source_steps`]), each followed
//! by a wait for the Provider to be Ready. These objects are shared by all scenarios of a
//! run (see docs/running.md, "Namespaces and sharing"). The local destination is not: it
//! lives next to each scenario's plans ([`local_destination_steps`]).

use mtvt_profiles::Profile;

use super::super::journal::Scope;
use super::super::manifests::{
    self, Owner, SourceSecretInput, local_destination, remote_destination, remote_token_secret,
    source_provider, source_secret,
};
use super::super::names::{SessionNames, SourceNames};
use super::{EsxiKey, PROVIDER_READY_TIMEOUT, Step, Until, Wait};
use crate::cluster::{ObjectRef, kinds};

/// Session-wide inputs of plan building.
#[derive(Clone)]
pub struct SessionCtx {
    /// Object names.
    pub names: SessionNames,
    /// Labels of session objects.
    pub owner: Owner,
    /// API server URL (remote destinations, OpenShift sources).
    pub cluster_url: String,
    /// Bearer token of the cluster (remote destinations, OpenShift sources).
    pub cluster_token: Option<String>,
    /// The MTV namespace.
    pub mtv_namespace: String,
    /// A remote destination provider is needed.
    pub remote: bool,
    /// `session { source_provider { forklift { … } } }`: merged into each source Provider's `spec`.
    pub source_provider_forklift: Option<serde_json::Value>,
}

impl std::fmt::Debug for SessionCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCtx")
            .field("names", &self.names)
            .field("cluster_url", &self.cluster_url)
            .finish_non_exhaustive()
    }
}

/// One source provider of the session (one per provider profile in use).
#[derive(Clone)]
pub struct SourceCtx {
    /// Its object names.
    pub names: SourceNames,
    /// The provider profile.
    pub profile: Profile,
    /// The Provider URL (absolute `api_url`; the cluster URL for OpenShift sources).
    pub url: String,
    /// `insecureSkipVerify` of the Secret.
    pub insecure: bool,
    /// CA (PEM) of the endpoint.
    pub ca_pem: Option<String>,
    /// The Secret key it is stored under (`ca.crt` or `cacert`, by MTV version).
    pub ca_key: &'static str,
    /// The installed MTV version, when known.
    pub mtv_version: Option<Vec<u64>>,
}

impl std::fmt::Debug for SourceCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceCtx")
            .field("names", &self.names)
            .field("profile", &self.profile.name)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl SourceCtx {
    /// The provider type (`vsphere`, …).
    pub fn provider_type(&self) -> &'static str {
        self.profile.provider_type.as_str()
    }
}

/// The wait for Provider `ns/name` to be Ready.
pub(super) fn ready(ns: &str, name: &str) -> Step {
    Step::Wait(Wait {
        object: ObjectRef::namespaced(kinds::PROVIDER, ns, name),
        until: Until::ProviderReady,
        timeout: PROVIDER_READY_TIMEOUT,
    })
}

/// The session's namespace and remote destination provider, in order.
pub fn session_steps(ctx: &SessionCtx) -> Vec<Step> {
    let n = &ctx.names;
    let ns = n.namespace.as_str();
    let mut steps = vec![Step::create(
        Scope::Session,
        manifests::namespace(ns, &ctx.owner),
    )];
    if ctx.remote {
        steps.push(Step::create(
            Scope::Session,
            remote_token_secret(
                &n.remote_secret,
                ns,
                &ctx.owner,
                ctx.cluster_token.as_deref().unwrap_or_default(),
            ),
        ));
        steps.push(Step::create(
            Scope::Session,
            remote_destination(
                &n.remote_destination,
                ns,
                &ctx.owner,
                &ctx.cluster_url,
                &n.remote_secret,
            ),
        ));
    }
    if ctx.remote {
        steps.push(ready(ns, &n.remote_destination));
    }
    steps
}

/// The local destination Provider (`type: openshift`, empty URL: the host cluster) of a
/// scenario, created in `namespace`, the namespace of its plans, maps and NADs — as the
/// pytest suite does (M `conftest.py:449-465`). Outside Forklift's own namespace such a
/// provider is a *restricted host* (`IsRestrictedHost`, pkg/apis/forklift/v1beta1/
/// provider.go:196): its inventory lists NADs and VMs of its own namespace and `default`
/// only, so a NetworkMap to NADs anywhere else is not valid. Its Ready wait is separate
/// ([`ready`]) so it can overlap source preparation.
pub fn local_destination_step(session: &SessionCtx, namespace: &str, owner: &Owner) -> Step {
    Step::create(
        Scope::Scenario,
        local_destination(&session.names.local_destination, namespace, owner),
    )
}

/// With `esxi_clone_method: ssh`, what the pytest suite does after creating the Provider
/// (mtv-api-tests conftest.py `setup_copyoffload_ssh`, libs/providers/vmware.py
/// `get_ssh_public_key`): wait for `Validated=True`, then install the key Forklift generated
/// for it on the profile's ESXi host.
fn esxi_key_steps(ns: &str, src: &SourceCtx) -> Vec<Step> {
    let Some(co) = &src.profile.copyoffload else {
        return Vec::new();
    };
    let (Some(host), Some(user), Some(password)) =
        (&co.esxi_host, &co.esxi_user, &co.esxi_password)
    else {
        return Vec::new();
    };
    if co.esxi_clone_method != mtvt_profiles::EsxiCloneMethod::Ssh {
        return Vec::new();
    }
    let provider = ObjectRef::namespaced(kinds::PROVIDER, ns, &src.names.provider);
    vec![
        Step::Wait(Wait {
            object: provider.clone(),
            until: Until::ProviderValidated,
            timeout: PROVIDER_READY_TIMEOUT,
        }),
        Step::InstallEsxiKey(EsxiKey {
            provider,
            profile: src.profile.name.clone(),
            login: mtvt_guest::esxi::EsxiLogin {
                host: host.clone(),
                user: user.clone(),
                password: password.clone(),
            },
            mtv_version: src.mtv_version.clone(),
        }),
    ]
}

/// A source provider's Secret and Provider, and the wait for it to be Ready (then, for
/// the ssh clone method, the ESXi key).
pub fn source_steps(session: &SessionCtx, src: &SourceCtx) -> Vec<Step> {
    let ns = session.names.namespace.as_str();
    let secret = source_secret(
        &src.names.secret,
        ns,
        &session.owner,
        &SourceSecretInput {
            profile: &src.profile,
            url: &src.url,
            insecure: src.insecure,
            ca_pem: src.ca_pem.as_deref(),
            ca_key: src.ca_key,
            cluster_token: session.cluster_token.as_deref(),
        },
    );
    let mut provider = source_provider(
        &src.names.provider,
        ns,
        &session.owner,
        &src.profile,
        &src.url,
        &src.names.secret,
    );
    if let (Some(extra), Some(spec)) = (
        &session.source_provider_forklift,
        provider.body.get_mut("spec"),
    ) {
        super::super::manifests::merge_passthrough(spec, extra);
    }
    let mut steps = vec![
        Step::create(Scope::Session, secret),
        Step::create(Scope::Session, provider),
        ready(ns, &src.names.provider),
    ];
    steps.extend(esxi_key_steps(ns, src));
    steps
}
