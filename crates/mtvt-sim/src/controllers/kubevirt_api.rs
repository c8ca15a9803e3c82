//! KubeVirt's `subresources.kubevirt.io` API on the API server: `PUT
//! .../virtualmachines/{name}/start|stop|restart`, with virt-api's run-strategy rules (start
//! needs `Halted`/`Manual`, stop needs a running strategy, restart needs a VMI). They only
//! change `spec.runStrategy` or delete the VMI; the KubeVirt controller does the rest.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use serde_json::{Value, json};

use super::gvr;
use crate::store::{ApiError, Reason, Store};

/// The subresource routes.
pub fn routes(store: Store) -> Router {
    Router::new()
        .route(
            "/apis/subresources.kubevirt.io/v1/namespaces/{ns}/virtualmachines/{name}/{action}",
            put(handle),
        )
        .with_state(store)
}

fn error(e: ApiError) -> Response {
    let code = StatusCode::from_u16(e.code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, axum::Json(e.to_status())).into_response()
}

async fn handle(
    State(store): State<Store>,
    Path((ns, name, action)): Path<(String, String, String)>,
) -> Response {
    match act(&store, &ns, &name, &action) {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(e) => error(e),
    }
}

/// Applies `action` to VM `ns/name`.
pub fn act(store: &Store, ns: &str, name: &str, action: &str) -> Result<(), ApiError> {
    let vm = store.get(&gvr::vms(), ns, name)?;
    let strategy = vm
        .pointer("/spec/runStrategy")
        .and_then(Value::as_str)
        .unwrap_or(
            if vm.pointer("/spec/running").and_then(Value::as_bool) == Some(true) {
                "Always"
            } else {
                "Halted"
            },
        )
        .to_string();
    let conflict = |msg: String| ApiError::new(Reason::Conflict, msg);
    let vmi = store.get(&gvr::vmis(), ns, name).ok();
    match action {
        "start" => match strategy.as_str() {
            "Halted" | "Manual" => {
                store.merge_patch(
                    &gvr::vms(),
                    ns,
                    name,
                    &json!({"spec": {"runStrategy": "Always", "running": null}}),
                )?;
                Ok(())
            }
            s => Err(conflict(format!(
                "{s} does not support manual start requests"
            ))),
        },
        "stop" => match strategy.as_str() {
            "Halted" => Err(conflict("VM is not running".into())),
            _ => {
                store.merge_patch(
                    &gvr::vms(),
                    ns,
                    name,
                    &json!({"spec": {"runStrategy": "Halted", "running": null}}),
                )?;
                Ok(())
            }
        },
        "restart" => {
            if strategy == "Halted" {
                return Err(conflict(
                    "Halted does not support manual restart requests".into(),
                ));
            }
            if vmi.is_none() {
                return Err(conflict("VM is not running".into()));
            }
            store.delete(&gvr::vmis(), ns, name)?;
            Ok(())
        }
        other => Err(ApiError::new(
            Reason::NotFound,
            format!(
                "the server could not find the requested resource (subresource {other:?}); use start, stop or restart"
            ),
        )),
    }
}
