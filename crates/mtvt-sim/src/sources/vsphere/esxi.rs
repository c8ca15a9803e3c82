//! A vSphere lab host's own SDK endpoint, what a Provider with `sdkEndpoint: esxi` points
//! at: the service content's `AboutInfo` (`apiType` `HostAgent`, product `VMware ESXi`,
//! or what the lab's `esxi_endpoint.api_type` says) and login. Nothing else: a standalone
//! ESXi host has no Automation REST API (`/api`) and cannot clone, so a test harness
//! prepares VMs through the vCenter that manages the host (the profile's `clone_provider`).
//!
//! It only reads the lab; it holds no state besides sessions.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, response::IntoResponse, response::Response};
use serde_json::{Value, json};

use super::VsphereApi;
use crate::lab::LabHandle;

/// The ESXi SDK router of lab provider `provider`'s `esxi_endpoint` host.
pub fn router(lab: LabHandle, provider: &str) -> Router {
    let state = VsphereApi {
        lab,
        provider: provider.to_string(),
        sessions: super::Sessions::default(),
        tasks: std::sync::Arc::default(),
    };
    Router::new()
        .route(
            "/sdk/vim25/{release}/ServiceInstance/ServiceInstance/content",
            get(service_content),
        )
        .route(
            "/sdk/vim25/{release}/SessionManager/{mo}/Login",
            post(super::vim::login),
        )
        .with_state(state)
}

/// The host's `AboutInfo` as its lab says (`HostAgent` unless told to answer as a vCenter).
pub(crate) fn about(api_type: &str, version: &str) -> Value {
    let (name, line) = if api_type == "VirtualCenter" {
        ("VMware vCenter Server", "vpx")
    } else {
        ("VMware ESXi", "embeddedEsx")
    };
    json!({"_typeName": "AboutInfo", "name": name, "apiType": api_type, "apiVersion": format!("{version}.0"),
           "version": version, "productLineId": line, "instanceUuid": ""})
}

async fn service_content(State(api): State<VsphereApi>, Path(_release): Path<String>) -> Response {
    let Ok(p) = api.lab.provider(&api.provider) else {
        return (
            axum::http::StatusCode::NOT_FOUND,
            "provider missing from the lab",
        )
            .into_response();
    };
    let api_type = p
        .esxi_endpoint
        .as_ref()
        .map_or("HostAgent", |e| e.api_type.as_str());
    Json(json!({
        "_typeName": "ServiceContent",
        "rootFolder": {"_typeName": "ManagedObjectReference", "type": "Folder", "value": "ha-folder-root"},
        "sessionManager": {"_typeName": "ManagedObjectReference", "type": "SessionManager", "value": "ha-sessionmgr"},
        "about": about(api_type, &p.version),
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_says_host_agent_or_what_the_lab_says() {
        // govmomi's IsVC() is `apiType == "VirtualCenter"` (vim25/client.go); Forklift's
        // collector compares it with sdkEndpoint (collector.go:819-829).
        assert_eq!(about("HostAgent", "8.0.3")["apiType"], "HostAgent");
        assert_eq!(about("HostAgent", "8.0.3")["name"], "VMware ESXi");
        assert_eq!(about("VirtualCenter", "8.0.3")["productLineId"], "vpx");
    }
}
