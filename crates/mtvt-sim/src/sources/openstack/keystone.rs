//! Keystone v3: password auth (`POST /v3/auth/tokens`) answering with `X-Subject-Token` and
//! a service catalog that points back at this listener.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::*;

/// Keystone v3 password authentication, project-scoped.
pub(super) async fn issue_token(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let Ok(p) = provider(&o) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let c = &p.credentials;
    let user = body
        .pointer("/auth/identity/password/user")
        .cloned()
        .unwrap_or_default();
    let methods_ok = body
        .pointer("/auth/identity/methods")
        .and_then(Value::as_array)
        .is_some_and(|m| m.iter().any(|x| x == "password"));
    let name_ok = user.get("name").and_then(Value::as_str) == Some(c.username.as_str());
    let domain = user.get("domain").cloned().unwrap_or_default();
    let domain_ok = domain
        .get("name")
        .and_then(Value::as_str)
        .is_some_and(|d| d == c.user_domain_name)
        || domain
            .get("id")
            .and_then(Value::as_str)
            .is_some_and(|d| d == c.user_domain_id);
    let pw_ok = user
        .get("password")
        .and_then(Value::as_str)
        .is_some_and(|pw| c.password.matches(pw));
    if !(methods_ok && name_ok && domain_ok && pw_ok) {
        return keystone_401();
    }
    let scope = body
        .pointer("/auth/scope/project")
        .cloned()
        .unwrap_or_default();
    let project_ok = scope.get("name").and_then(Value::as_str) == Some(p.project.name.as_str())
        || scope.get("id").and_then(Value::as_str) == Some(p.project.id.as_str());
    if !scope.is_null() && !project_ok {
        return keystone_401();
    }
    let token = o.tokens.create(&c.username);
    let base = base_url(&headers);
    let now = o.lab.clock().now();
    let ep = |ty: &str, name: &str, url: String| {
        let endpoints: Vec<Value> = ["public", "internal"]
            .iter()
            .map(|i| json!({"id": crate::lab::uuid_for(&[ty, i]), "interface": i, "region": c.region_name, "region_id": c.region_name, "url": url}))
            .collect();
        json!({"type": ty, "name": name, "id": crate::lab::uuid_for(&[ty]), "endpoints": endpoints})
    };
    let body = json!({"token": {
        "methods": ["password"], "audit_ids": [crate::lab::uuid_for(&[&token])],
        "user": {"id": crate::lab::uuid_for(&[&p.name, "user", &c.username]), "name": c.username,
                 "domain": {"id": c.user_domain_id, "name": c.user_domain_name}, "password_expires_at": null},
        "project": {"id": p.project.id, "name": p.project.name, "domain": {"id": c.project_domain_id, "name": c.user_domain_name}},
        "roles": [{"id": crate::lab::uuid_for(&["role", "admin"]), "name": "admin"}, {"id": crate::lab::uuid_for(&["role", "member"]), "name": "member"}],
        "is_domain": false,
        "issued_at": now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "expires_at": (now + chrono::Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "catalog": [ep("identity", "keystone", format!("{base}/v3")), ep("compute", "nova", format!("{base}/compute/v2.1")),
                    ep("image", "glance", format!("{base}/image")), ep("volumev3", "cinderv3", format!("{base}/volume/v3/{}", p.project.id))],
    }});
    let mut resp = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&token) {
        resp.headers_mut().insert("x-subject-token", v);
    }
    resp
}
