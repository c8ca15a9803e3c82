//! Adapters between the inventory router and the API server: Provider CRs from the store
//! that have a collector (their UIDs, types, backing lab providers, restriction and parity),
//! the inventory's token check (the cluster token, as a TokenReview would accept), and the
//! live cluster view for OpenShift providers.

use std::sync::{Arc, OnceLock};

use futures::future::BoxFuture;
use serde_json::Value;

use crate::controllers::Ctx;
use crate::controllers::catalog::{Backend, backend_of, esxi_host_of, restricted_namespace};
use crate::controllers::gvr;
use crate::inventory::{ClusterView, ProviderRef, ProviderResolver};
use crate::lab::ProviderKind;
use crate::store::{Gvr, ListOptions, Store, object};

/// Provider CRs of the store, resolved to lab providers once the emulator runs.
pub struct StoreResolver {
    store: Store,
    ctx: Arc<OnceLock<Ctx>>,
}

impl StoreResolver {
    /// A resolver over `store`; `ctx` is set when the emulator has started.
    pub fn new(store: Store, ctx: Arc<OnceLock<Ctx>>) -> Self {
        Self { store, ctx }
    }
}

impl ProviderResolver for StoreResolver {
    fn providers(&self) -> BoxFuture<'_, Vec<ProviderRef>> {
        let list = self
            .store
            .list(&gvr::providers(), None, &ListOptions::default())
            .map(|l| l.items)
            .unwrap_or_default();
        let ctx = self.ctx.get();
        let now = ctx.map(|c| c.clock.now());
        let refs = list
            .iter()
            .filter_map(|p| {
                // Only providers with a collector are served (web/vsphere/provider.go:91-118).
                let collector = ctx.and_then(|c| c.collectors.get(object::uid(p)))?;
                let kind: ProviderKind = p
                    .pointer("/spec/type")
                    .and_then(Value::as_str)?
                    .parse()
                    .ok()?;
                let lab_provider = match ctx.and_then(|c| backend_of(c, p)) {
                    Some(Backend::Lab(n)) => n,
                    Some(Backend::Cluster) => String::new(),
                    None if kind == ProviderKind::Openshift => return None,
                    None => String::new(),
                };
                Some(ProviderRef {
                    uid: object::uid(p).to_string(),
                    name: object::name(p).to_string(),
                    namespace: object::namespace(p).to_string(),
                    kind,
                    lab_provider,
                    resource_version: object::resource_version(p).to_string(),
                    object: Some(p.as_ref().clone()),
                    restricted: ctx.is_some_and(|c| restricted_namespace(c, p).is_some()),
                    esxi_host: ctx.and_then(|c| esxi_host_of(c, p)),
                    parity_at: now
                        .filter(|n| !collector.has_parity(*n))
                        .map(|_| collector.parity_at),
                })
            })
            .collect();
        Box::pin(async move { refs })
    }

    fn authorize<'a>(
        &'a self,
        token: &'a str,
        _provider: Option<&'a ProviderRef>,
    ) -> BoxFuture<'a, bool> {
        let ok = self.ctx.get().is_some_and(|c| c.settings.token == token);
        Box::pin(async move { ok })
    }
}

/// Live reads of the cluster for OpenShift-type providers.
pub struct StoreClusterView {
    store: Store,
}

impl StoreClusterView {
    /// A view of `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl ClusterView for StoreClusterView {
    fn list<'a>(
        &'a self,
        _provider: &'a ProviderRef,
        group: &'a str,
        version: &'a str,
        plural: &'a str,
        namespace: Option<&'a str>,
    ) -> BoxFuture<'a, Vec<Value>> {
        let items = self
            .store
            .list(
                &Gvr::new(group, version, plural),
                namespace,
                &ListOptions::default(),
            )
            .map(|l| l.items.iter().map(|o| o.as_ref().clone()).collect())
            .unwrap_or_default();
        Box::pin(async move { items })
    }
}
