//! OpenAPI documents, as much as kubectl needs:
//!
//! * `/openapi/v3` lists one document per group-version; each document has the resource paths
//!   with `x-kubernetes-group-version-kind` on every operation and the `fieldValidation` query
//!   parameter on writes (that is how kubectl ≥ 1.27 decides to use server-side field
//!   validation instead of client-side validation), and for kinds with a CRD schema the schema
//!   itself (`kubectl explain`). PATCH operations carry no request body, so kubectl computes
//!   strategic merge patches of built-in kinds from its compiled-in types, as it does against
//!   clusters without OpenAPI patch metadata.
//! * `/openapi/v2` as protobuf is an empty (valid) `openapi_v2.Document`: kubectl then finds no
//!   client-side schema and leaves validation to the server. As JSON it is a Swagger 2.0 document
//!   with the CRD schemas as definitions.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::discovery::{KUBE_MINOR, short_hash};
use super::response;
use crate::store::{ApiError, Kinds, ResourceKind};

fn reverse_group(group: &str) -> String {
    if group.is_empty() {
        return "io.k8s.api.core".to_string();
    }
    let mut parts: Vec<&str> = group.split('.').collect();
    parts.reverse();
    parts.join(".")
}

/// The OpenAPI definition name of a kind (`com.example.v1.Widget`).
pub fn definition_name(k: &ResourceKind) -> String {
    format!("{}.{}.{}", reverse_group(&k.group), k.version, k.kind)
}

fn gvk(k: &ResourceKind) -> Value {
    json!({"group": k.group, "version": k.version, "kind": k.kind})
}

fn query_param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "description": description, "schema": {"type": "string", "uniqueItems": true}})
}

fn op(k: &ResourceKind, action: &str, write: bool) -> Value {
    let mut params = vec![];
    if write {
        params.push(query_param(
            "dryRun",
            "When present, indicates that modifications should not be persisted.",
        ));
        params.push(query_param(
            "fieldValidation",
            "How the server handles unknown fields: Ignore, Warn (default) or Strict.",
        ));
    }
    json!({
        "operationId": format!("{action}{}", k.kind),
        "parameters": params,
        "responses": {"200": {"description": "OK"}},
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": gvk(k),
    })
}

fn paths_of(k: &ResourceKind) -> Vec<(String, Value)> {
    let base = k.path_prefix();
    let collection = if k.namespaced {
        format!("{base}/namespaces/{{namespace}}/{}", k.plural)
    } else {
        format!("{base}/{}", k.plural)
    };
    if k.create_only {
        return vec![(collection, json!({"post": op(k, "post", true)}))];
    }
    let item = format!("{collection}/{{name}}");
    let mut out = vec![
        (
            collection.clone(),
            json!({"get": op(k, "list", false), "post": op(k, "post", true), "delete": op(k, "deletecollection", false)}),
        ),
        (
            item.clone(),
            json!({"get": op(k, "get", false), "put": op(k, "put", true), "patch": op(k, "patch", true), "delete": op(k, "delete", false)}),
        ),
    ];
    if k.status_subresource {
        out.push((format!("{item}/status"), json!({"get": op(k, "get", false), "put": op(k, "put", true), "patch": op(k, "patch", true)})));
    }
    out
}

fn schema_of(k: &ResourceKind) -> Option<Value> {
    let raw = k.schema.as_ref()?.raw().clone();
    let mut s = raw.as_object().cloned().unwrap_or_default();
    s.insert("x-kubernetes-group-version-kind".into(), json!([gvk(k)]));
    Some(Value::Object(s))
}

/// The v3 document of one group-version, or `None` when nothing is served there.
pub fn v3_document(kinds: &Kinds, group: &str, version: &str) -> Option<Value> {
    let served: Vec<_> = kinds
        .all()
        .into_iter()
        .filter(|k| k.group == group && k.version == version)
        .collect();
    if served.is_empty() {
        return None;
    }
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for k in &served {
        for (p, v) in paths_of(k) {
            paths.insert(p, v);
        }
        if let Some(s) = schema_of(k) {
            schemas.insert(definition_name(k), s);
        }
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes (mtvt emulator)", "version": format!("v1.{KUBE_MINOR}.0")},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// `GET /openapi/v3`: the index of group-version documents.
pub fn v3_index(kinds: &Kinds) -> Response {
    let mut paths = Map::new();
    for (group, versions) in kinds.groups() {
        for v in versions {
            let hash = v3_document(kinds, &group, &v)
                .map(|d| short_hash(&d.to_string()))
                .unwrap_or_default();
            let hash: String = hash.chars().filter(char::is_ascii_alphanumeric).collect();
            let p = gv_path(&group, &v);
            paths.insert(
                p.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{p}?hash={hash}")}),
            );
        }
    }
    response::json(StatusCode::OK, &json!({"paths": paths}))
}

/// `GET /openapi/v3/{api/v1 | apis/group/version}`
pub fn v3_for_path(kinds: &Kinds, rest: &str) -> Response {
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let (group, version) = match parts.as_slice() {
        ["api", v] => ("", *v),
        ["apis", g, v] => (*g, *v),
        _ => return ApiError::unknown_resource().into_response(),
    };
    match v3_document(kinds, group, version) {
        Some(doc) => response::json(StatusCode::OK, &doc),
        None => ApiError::unknown_resource().into_response(),
    }
}

/// `GET /openapi/v2`: empty protobuf document, or JSON Swagger with the CRD schemas.
pub fn v2(kinds: &Kinds, headers: &HeaderMap) -> Response {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains("protobuf") {
        let mut resp = Response::new(Body::empty());
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/com.github.proto-openapi.spec.v2.v1.0+protobuf"),
        );
        return resp;
    }
    let mut definitions = Map::new();
    for k in kinds.all() {
        if let Some(s) = schema_of(&k) {
            definitions.insert(definition_name(&k), s);
        }
    }
    response::json(
        StatusCode::OK,
        &json!({
            "swagger": "2.0",
            "info": {"title": "Kubernetes (mtvt emulator)", "version": format!("v1.{KUBE_MINOR}.0")},
            "paths": {},
            "definitions": definitions,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_documents_advertise_field_validation() {
        let kinds = Kinds::builtin();
        kinds.register(
            crate::store::kinds::ResourceKind::new("example.com", "v1", "Widget", "widgets")
                .status(),
        );
        let doc = v3_document(&kinds, "example.com", "v1").unwrap();
        let patch =
            &doc["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"]["patch"];
        assert_eq!(patch["x-kubernetes-group-version-kind"]["kind"], "Widget");
        assert!(
            patch["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "fieldValidation")
        );
        assert!(patch.get("requestBody").is_none());
        let core = v3_document(&kinds, "", "v1").unwrap();
        assert!(core["paths"].get("/api/v1/namespaces/{name}").is_some());
        assert!(
            core["paths"]
                .get("/api/v1/namespaces/{namespace}/pods/{name}/status")
                .is_some()
        );
        assert!(v3_document(&kinds, "nope.io", "v1").is_none());
        assert_eq!(
            definition_name(&kinds.find("example.com", "widgets").unwrap()),
            "com.example.v1.Widget"
        );
    }
}
