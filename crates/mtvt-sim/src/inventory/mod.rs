//! The Forklift inventory REST API (`forklift-inventory` service), as the real one serves it:
//! `/providers/<type>/<provider uid>/<collection>[/<id>]`, detail levels, per-provider key
//! casing, `name`/`namespace` filters, `X-Reason: ProviderNotFound`, bearer-token auth.
//!
//! Lab-backed providers (vSphere, oVirt, OpenStack, OVA) are read from the lab as it was
//! `refresh_delay` of virtual time ago, like a collector that catches up after a short while;
//! OpenShift providers are read live through an injected [`ClusterView`]. Provider UIDs come
//! from an injected [`ProviderResolver`]. This module never changes the lab.
//!
//! ```no_run
//! # async fn demo(lab: mtvt_sim::lab::LabHandle) {
//! use std::sync::Arc;
//! use mtvt_sim::inventory::{router, InventoryOptions, StaticClusterView, StaticResolver};
//! let app = router(lab, Arc::new(StaticResolver::default()), Arc::new(StaticClusterView::default()),
//!                  InventoryOptions::default());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
//! axum::serve(listener, app).await.unwrap();
//! # }
//! ```

mod content;
mod hyperv;
mod openshift;
mod openstack;
mod ova;
mod ovirt;
mod resolver;
mod routes;
mod vsphere;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;

pub use content::{Item, MAX_DETAIL, path_match};
pub use openshift::{Listing, listing as openshift_listing, resource_of as openshift_resource};
pub use openstack::{
    addresses as openstack_addresses, flavor_of as openstack_flavor_of,
    host_hash as openstack_host_hash,
};
pub use ovirt::bios_type as ovirt_bios_type;
pub use resolver::{ClusterView, ProviderRef, ProviderResolver, StaticClusterView, StaticResolver};

use crate::lab::LabHandle;

/// Default delay before a lab change shows in the inventory (virtual time).
pub const DEFAULT_REFRESH_DELAY: Duration = Duration::from_secs(3);

/// Inventory behaviour knobs.
#[derive(Clone, Debug)]
pub struct InventoryOptions {
    /// How long (virtual time) a source-side change takes to appear.
    pub refresh_delay: Duration,
}

impl Default for InventoryOptions {
    fn default() -> Self {
        Self {
            refresh_delay: DEFAULT_REFRESH_DELAY,
        }
    }
}

/// Shared state of the inventory handlers.
#[derive(Clone)]
pub(crate) struct Inventory {
    pub(crate) lab: LabHandle,
    pub(crate) resolver: Arc<dyn ProviderResolver>,
    pub(crate) cluster: Arc<dyn ClusterView>,
    pub(crate) options: InventoryOptions,
}

/// The inventory router; mount it at the root of the listener the `forklift-inventory`
/// Route points at.
pub fn router(
    lab: LabHandle,
    resolver: Arc<dyn ProviderResolver>,
    cluster: Arc<dyn ClusterView>,
    options: InventoryOptions,
) -> Router {
    let state = Inventory {
        lab,
        resolver,
        cluster,
        options,
    };
    Router::new()
        .route("/providers", get(routes::list_all))
        .route("/providers/", get(routes::list_all))
        .route("/providers/{kind}", get(routes::list_of_type))
        .route("/providers/{kind}/", get(routes::list_of_type))
        .route("/providers/{kind}/{uid}", get(routes::get_provider))
        .route(
            "/providers/{kind}/{uid}/{coll}",
            get(routes::list_collection),
        )
        .route(
            "/providers/{kind}/{uid}/{coll}/",
            get(routes::list_collection),
        )
        .route(
            "/providers/{kind}/{uid}/{coll}/{id}",
            get(routes::get_object),
        )
        .with_state(state)
}
