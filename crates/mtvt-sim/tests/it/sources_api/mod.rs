//! Source-provider APIs over real loopback HTTP: vSphere (Automation REST + VI/JSON), oVirt
//! and OpenStack, including auth failures and state errors.

mod openstack;
mod ovirt;
mod vsphere_rest;
mod vsphere_vi;

use axum::Router;
use mtvt_sim::lab::LabHandle;

use crate::harness::{lab, serve};

/// The default lab (clock at 1×) and the source API `router` serves for its `provider`, on
/// loopback: `(lab, base URL)`.
async fn start(router: fn(LabHandle, &str) -> Router, provider: &str) -> (LabHandle, String) {
    let lab = lab(1.0);
    let base = serve(router(lab.clone(), provider)).await;
    (lab, base)
}
