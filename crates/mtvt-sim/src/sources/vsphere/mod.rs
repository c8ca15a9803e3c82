//! vSphere source API: the vSphere Automation REST API (`/api/session`, `/api/vcenter/...`)
//! for sessions, VM lookup, power, clone, delete, guest identity/networking, tools, disks and
//! inventory lists; and the subset of the Virtual Infrastructure JSON API
//! (`/sdk/vim25/{release}/...`, vCenter 8.0U1+) for what `/api` has no operation for:
//! snapshots, CBT (`changeTrackingEnabled`), disks with a chosen datastore/folder,
//! provisioning and mode, and clones with a disk transform. Sessions are shared by both.

mod errors;
pub mod esxi;
mod rest;
mod vim;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::{get, post};

use super::Sessions;
use crate::lab::LabHandle;

/// State shared by the vSphere handlers.
#[derive(Clone)]
pub(crate) struct VsphereApi {
    pub(crate) lab: LabHandle,
    pub(crate) provider: String,
    pub(crate) sessions: Sessions,
    /// VI/JSON task records (`task-N` → TaskInfo JSON).
    pub(crate) tasks: Arc<Mutex<HashMap<String, serde_json::Value>>>,
}

/// The vSphere router for lab provider `provider` (mount at the root of its listener).
pub fn router(lab: LabHandle, provider: &str) -> Router {
    let state = VsphereApi {
        lab,
        provider: provider.to_string(),
        sessions: Sessions::default(),
        tasks: Arc::default(),
    };
    Router::new()
        .route(
            "/api/session",
            post(rest::login)
                .get(rest::session_info)
                .delete(rest::logout),
        )
        .route("/api/vcenter/vm", get(rest::list_vms).post(rest::vm_action))
        .route(
            "/api/vcenter/vm/{vm}",
            get(rest::get_vm).delete(rest::delete_vm),
        )
        .route(
            "/api/vcenter/vm/{vm}/power",
            get(rest::get_power).post(rest::power),
        )
        .route(
            "/api/vcenter/vm/{vm}/guest/identity",
            get(rest::guest_identity),
        )
        .route(
            "/api/vcenter/vm/{vm}/guest/networking/interfaces",
            get(rest::guest_interfaces),
        )
        .route(
            "/api/vcenter/vm/{vm}/guest/networking/routes",
            get(rest::guest_routes),
        )
        .route("/api/vcenter/vm/{vm}/tools", get(rest::tools))
        .route(
            "/api/vcenter/vm/{vm}/hardware/disk",
            get(rest::list_disks).post(rest::add_disk),
        )
        .route(
            "/api/vcenter/vm/{vm}/hardware/disk/{disk}",
            get(rest::get_disk),
        )
        .route("/api/vcenter/datastore", get(rest::list_datastores))
        .route("/api/vcenter/network", get(rest::list_networks))
        .route("/api/vcenter/folder", get(rest::list_folders))
        .route("/api/vcenter/host", get(rest::list_hosts))
        .route("/api/vcenter/datacenter", get(rest::list_datacenters))
        .route("/api/vcenter/cluster", get(rest::list_clusters))
        .route(
            "/sdk/vim25/{release}/ServiceInstance/ServiceInstance/content",
            get(vim::service_content),
        )
        .route(
            "/sdk/vim25/{release}/SessionManager/{mo}/Login",
            post(vim::login),
        )
        .route(
            "/sdk/vim25/{release}/VirtualMachine/{vm}/{method}",
            post(vim::vm_method).get(vim::vm_property),
        )
        .route(
            "/sdk/vim25/{release}/VirtualMachineSnapshot/{snap}/RemoveSnapshot_Task",
            post(vim::remove_snapshot),
        )
        .route("/sdk/vim25/{release}/Task/{task}/info", get(vim::task_info))
        .with_state(state)
}
