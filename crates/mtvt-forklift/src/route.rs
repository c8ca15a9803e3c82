//! Discovers the inventory URL from the `forklift-inventory` Route (route.openshift.io/v1)
//! of the MTV namespace: `https://<spec.host>` when `spec.tls` is set, else `http://`.

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind};
use serde_json::Value;

use mtvt_source::error::chain;

use crate::error::InventoryError;

/// Name of the inventory Route (and Service) Forklift creates.
pub const ROUTE_NAME: &str = "forklift-inventory";

/// The base URL a Route object's `spec` points at.
pub(crate) fn url_of(route: &Value) -> Result<String, String> {
    let host = route
        .pointer("/spec/host")
        .and_then(Value::as_str)
        .filter(|h| !h.is_empty())
        .ok_or("the Route has no spec.host (not admitted yet?)")?;
    let scheme = match route.pointer("/spec/tls") {
        Some(Value::Null) | None => "http",
        Some(_) => "https",
    };
    Ok(format!("{scheme}://{host}"))
}

pub(crate) async fn inventory_url(
    kube: &kube::Client,
    namespace: &str,
) -> Result<String, InventoryError> {
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("route.openshift.io", "v1", "Route"),
        "routes",
    );
    let api: Api<DynamicObject> = Api::namespaced_with(kube.clone(), namespace, &ar);
    let route = api
        .get_opt(ROUTE_NAME)
        .await
        .map_err(|e| InventoryError::Route {
            namespace: namespace.to_string(),
            message: chain(&e),
        })?;
    let route = route.ok_or_else(|| InventoryError::Route {
        namespace: namespace.to_string(),
        message: format!(
            "Route {ROUTE_NAME} does not exist; is MTV installed in {namespace}? (or give the inventory URL explicitly)"
        ),
    })?;
    url_of(&route.data).map_err(|message| InventoryError::Route {
        namespace: namespace.to_string(),
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scheme_follows_tls() {
        assert_eq!(
            url_of(&json!({"spec": {"host": "inv.apps.lab", "tls": {"termination": "reencrypt"}}})),
            Ok("https://inv.apps.lab".to_string())
        );
        assert_eq!(
            url_of(&json!({"spec": {"host": "inv.apps.lab"}})),
            Ok("http://inv.apps.lab".to_string())
        );
        assert!(url_of(&json!({"spec": {}})).is_err());
    }
}
