//! What the inventory needs from outside the lab: which Provider CRs exist (their UIDs are
//! only known to the API server) and, for OpenShift-type providers, a read view of the
//! cluster. Both are injected trait objects so the inventory never depends on the API server.

use futures::future::BoxFuture;
use serde_json::Value;

use crate::lab::ProviderKind;

/// A Provider CR as the inventory sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderRef {
    /// `metadata.uid`: the path key of every inventory URL.
    pub uid: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `spec.type`.
    pub kind: ProviderKind,
    /// Name of the lab provider backing it (ignored for OpenShift providers).
    pub lab_provider: String,
    /// `metadata.resourceVersion` (the inventory's `version`).
    pub resource_version: String,
    /// The Provider object itself, returned at detail ≥ 1 (`None` → a minimal object).
    pub object: Option<Value>,
    /// A restricted host (`openshift`, empty URL, outside the MTV namespace): its collections
    /// list only its own namespace (NADs: and `default`), see [`super::openshift::listing`].
    pub restricted: bool,
    /// A vSphere Provider whose URL is a lab host's own SDK (`sdkEndpoint: esxi`): the
    /// inventory shows that host's view ([`crate::lab::Provider::esxi_view`]).
    pub esxi_host: Option<String>,
    /// When its collector reaches parity (finishes loading), if it has not yet: until then
    /// requests wait up to 10 s and answer 206 with no body.
    pub parity_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Source of Provider CRs, and the authorization decision for a bearer token.
pub trait ProviderResolver: Send + Sync {
    /// Every Provider the inventory serves (those that have a collector).
    fn providers(&self) -> BoxFuture<'_, Vec<ProviderRef>>;

    /// The Provider with this UID.
    fn resolve<'a>(&'a self, uid: &'a str) -> BoxFuture<'a, Option<ProviderRef>> {
        Box::pin(async move { self.providers().await.into_iter().find(|p| p.uid == uid) })
    }

    /// Whether `token` may read `provider` (`None` = the provider list). The real inventory
    /// runs a TokenReview + SubjectAccessReview; the default accepts any non-empty token.
    fn authorize<'a>(
        &'a self,
        token: &'a str,
        provider: Option<&'a ProviderRef>,
    ) -> BoxFuture<'a, bool> {
        let _ = provider;
        Box::pin(async move { !token.is_empty() })
    }
}

/// Read access to the (destination or source) cluster for OpenShift-type providers.
pub trait ClusterView: Send + Sync {
    /// Objects of `group/version/plural` (core group = `""`), in `namespace` or all
    /// namespaces, as JSON with `metadata.uid` and `metadata.resourceVersion` set.
    fn list<'a>(
        &'a self,
        provider: &'a ProviderRef,
        group: &'a str,
        version: &'a str,
        plural: &'a str,
        namespace: Option<&'a str>,
    ) -> BoxFuture<'a, Vec<Value>>;
}

/// A fixed list of providers (tests, or a server without an API server).
#[derive(Clone, Debug, Default)]
pub struct StaticResolver {
    /// The providers.
    pub providers: Vec<ProviderRef>,
}

impl ProviderResolver for StaticResolver {
    fn providers(&self) -> BoxFuture<'_, Vec<ProviderRef>> {
        let list = self.providers.clone();
        Box::pin(async move { list })
    }
}

/// A fixed set of objects per `group/version/plural` (tests, or no cluster at all).
#[derive(Clone, Debug, Default)]
pub struct StaticClusterView {
    /// `(group, version, plural)` → objects.
    pub objects: Vec<((String, String, String), Vec<Value>)>,
}

impl StaticClusterView {
    /// Adds objects of a resource.
    pub fn with(mut self, group: &str, version: &str, plural: &str, objects: Vec<Value>) -> Self {
        self.objects
            .push(((group.into(), version.into(), plural.into()), objects));
        self
    }
}

impl ClusterView for StaticClusterView {
    fn list<'a>(
        &'a self,
        _provider: &'a ProviderRef,
        group: &'a str,
        version: &'a str,
        plural: &'a str,
        namespace: Option<&'a str>,
    ) -> BoxFuture<'a, Vec<Value>> {
        let items: Vec<Value> = self
            .objects
            .iter()
            .filter(|((g, v, p), _)| g == group && v == version && p == plural)
            .flat_map(|(_, objs)| objs.iter())
            .filter(|o| {
                namespace.is_none_or(|ns| {
                    o.pointer("/metadata/namespace").and_then(Value::as_str) == Some(ns)
                })
            })
            .cloned()
            .collect();
        Box::pin(async move { items })
    }
}
