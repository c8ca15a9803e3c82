//! Discovery and version: `/version`, `/api`, `/api/v1`, `/apis`, `/apis/{group}` and
//! `/apis/{group}/{version}`, generated from the kinds table, in the legacy (unaggregated)
//! format, which every client accepts: kubectl falls back to it when the response is not an
//! aggregated `APIGroupDiscoveryList`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::response;
use crate::store::{ApiError, Kinds, ResourceKind};

/// The Kubernetes minor version the server claims (1.32).
pub const KUBE_MINOR: &str = "32";

/// `GET /version`
pub fn version() -> Response {
    response::json(
        StatusCode::OK,
        &json!({
            "major": "1",
            "minor": KUBE_MINOR,
            "gitVersion": format!("v1.{KUBE_MINOR}.0+mtvt-sim"),
            "gitCommit": "0000000000000000000000000000000000000000",
            "gitTreeState": "clean",
            "buildDate": "2026-01-01T00:00:00Z",
            "goVersion": "go1.23 (emulated)",
            "compiler": "gc",
            "platform": "linux/amd64",
            "emulator": format!("mtvt-sim {}", env!("CARGO_PKG_VERSION")),
        }),
    )
}

/// `GET /api`
pub fn core_versions(server_address: &str) -> Response {
    response::json(
        StatusCode::OK,
        &json!({
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
        }),
    )
}

fn group_json(group: &str, versions: &[String]) -> Value {
    let vs: Vec<Value> = versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v}))
        .collect();
    json!({
        "name": group,
        "versions": vs,
        "preferredVersion": vs.first().cloned().unwrap_or(Value::Null),
    })
}

/// `GET /apis`
pub fn groups(kinds: &Kinds) -> Response {
    let groups: Vec<Value> = kinds
        .groups()
        .iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, v)| group_json(g, v))
        .collect();
    response::json(
        StatusCode::OK,
        &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
    )
}

/// `GET /apis/{group}`
pub fn group(kinds: &Kinds, name: &str) -> Response {
    match kinds
        .groups()
        .into_iter()
        .find(|(g, _)| g == name && !g.is_empty())
    {
        Some((g, versions)) => {
            let mut doc = group_json(&g, &versions);
            if let Some(m) = doc.as_object_mut() {
                m.insert("kind".into(), json!("APIGroup"));
                m.insert("apiVersion".into(), json!("v1"));
            }
            response::json(StatusCode::OK, &doc)
        }
        None => ApiError::unknown_resource().into_response(),
    }
}

/// A stable short hash, as `storageVersionHash` (clients only compare it).
pub fn short_hash(s: &str) -> String {
    use base64::Engine;
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    base64::engine::general_purpose::STANDARD.encode(h.finish().to_be_bytes())
}

fn resource_entries(k: &ResourceKind) -> Vec<Value> {
    let mut out = vec![json!({
        "name": k.plural,
        "singularName": k.singular,
        "namespaced": k.namespaced,
        "kind": k.kind,
        "verbs": k.verbs(),
        "shortNames": k.short_names,
        "categories": k.categories,
        "storageVersionHash": short_hash(&format!("{}/{}/{}", k.group, k.version, k.kind)),
    })];
    if k.status_subresource {
        out.push(json!({"name": format!("{}/status", k.plural), "singularName": "", "namespaced": k.namespaced, "kind": k.kind, "verbs": ["get", "patch", "update"]}));
    }
    if k.group.is_empty() && k.plural == "pods" {
        out.push(json!({"name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get"]}));
    }
    if k.group.is_empty() && k.plural == "namespaces" {
        out.push(json!({"name": "namespaces/finalize", "singularName": "", "namespaced": false, "kind": "Namespace", "verbs": ["update"]}));
    }
    out
}

/// `GET /api/v1` or `GET /apis/{group}/{version}`: the `APIResourceList`.
pub fn resources(kinds: &Kinds, group: &str, version: &str) -> Response {
    let list: Vec<Value> = kinds
        .all()
        .iter()
        .filter(|k| k.group == group && k.version == version)
        .flat_map(|k| resource_entries(k))
        .collect();
    if list.is_empty() {
        return ApiError::unknown_resource().into_response();
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    response::json(
        StatusCode::OK,
        &json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": list}),
    )
}
