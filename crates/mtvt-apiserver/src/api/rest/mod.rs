//! The REST handler for every `/api/...` and `/apis/...` path: classifies the request
//! ([`request_info`]), resolves the kind, checks scope and subresource, reads the body, and
//! calls the store. Responses and errors follow kube-apiserver: 201 on create, the object on
//! get/update/patch, a `Status` of `Success` when a delete removed the object at once, the
//! marked object when finalizers hold it, and a `Status` error otherwise. Reviews
//! (`authorization.k8s.io`) are answered by [`super::review`] and never stored.

mod options;
mod render;
mod verbs;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};

use super::request_info::{self, RequestInfo, Verb};
use super::{ApiContext, discovery, logs};
use crate::store::{ApiError, ResourceKind, Subresource};

type Params = HashMap<String, String>;

fn params(uri: &axum::http::Uri) -> Params {
    Query::<Params>::try_from_uri(uri)
        .map(|q| q.0)
        .unwrap_or_default()
}

/// The router's entry point for resource paths.
pub async fn handle(State(ctx): State<Arc<ApiContext>>, req: Request) -> Response {
    let query = req.uri().query().unwrap_or("").to_string();
    let Some(info) = request_info::parse(req.method(), req.uri().path(), &query) else {
        return ApiError::unknown_resource().into_response();
    };
    let streaming = info.verb == Some(Verb::Watch)
        || (info.subresource.as_deref() == Some("log")
            && params(req.uri()).get("follow").is_some_and(|f| f == "true"));
    if streaming {
        return dispatch(ctx, info, req)
            .await
            .unwrap_or_else(IntoResponse::into_response);
    }
    let timeout = ctx.limits.request_timeout;
    match tokio::time::timeout(timeout, dispatch(ctx, info, req)).await {
        Ok(r) => r.unwrap_or_else(IntoResponse::into_response),
        Err(_) => ApiError::new(
            crate::store::Reason::Timeout,
            "Timeout: request did not complete within requested timeout - context deadline exceeded",
        )
        .into_response(),
    }
}

async fn read_body(ctx: &ApiContext, body: Body) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, ctx.limits.max_body)
        .await
        .map_err(|_| {
            ApiError::new(
                crate::store::Reason::RequestEntityTooLarge,
                format!("Request entity too large: limit is {}", ctx.limits.max_body),
            )
        })
}

/// A resource request once resolved: what `verbs` acts on.
struct Target {
    ctx: Arc<ApiContext>,
    kind: Arc<ResourceKind>,
    /// The namespace of the path, if any.
    namespace: Option<String>,
    /// The namespace of the path, or `""`.
    ns: String,
    /// The object name of the path, or `""`.
    name: String,
    sub: Subresource,
    p: Params,
    headers: HeaderMap,
}

/// What a subresource path addresses.
enum Sub {
    /// The object, its status, or a namespace's finalizers.
    Object(Subresource),
    /// A pod's log.
    Log,
}

async fn dispatch(
    ctx: Arc<ApiContext>,
    info: RequestInfo,
    req: Request,
) -> Result<Response, ApiError> {
    let Some(resource) = info.resource.clone() else {
        return match *req.method() {
            Method::GET => Ok(discovery::resources(
                ctx.store.kinds(),
                &info.group,
                &info.version,
            )),
            _ => Err(ApiError::method_not_allowed()),
        };
    };
    let kind = resolve_kind(&ctx, &info, &resource)?;
    let sub = match subresource(&kind, &info)? {
        Sub::Object(sub) => sub,
        Sub::Log => {
            if info.verb != Some(Verb::Get) {
                return Err(ApiError::method_not_allowed());
            }
            let (ns, name) = (
                info.namespace.unwrap_or_default(),
                info.name.unwrap_or_default(),
            );
            return logs::serve(ctx, &ns, &name, &params(req.uri())).await;
        }
    };
    let verb = info.verb.ok_or_else(ApiError::method_not_allowed)?;
    if kind.create_only {
        if verb != Verb::Create || sub != Subresource::Main {
            return Err(ApiError::method_not_allowed());
        }
        let headers = req.headers().clone();
        let bytes = read_body(&ctx, req.into_body()).await?;
        let body = super::negotiate::decode_body(&headers, &bytes)?;
        let answer = super::review::answer(&kind, &body)?;
        return Ok(super::response::json(
            axum::http::StatusCode::CREATED,
            &answer,
        ));
    }
    if sub != Subresource::Main && !matches!(verb, Verb::Get | Verb::Update | Verb::Patch) {
        return Err(ApiError::method_not_allowed());
    }
    if sub == Subresource::Finalize && verb != Verb::Update {
        return Err(ApiError::method_not_allowed());
    }
    let target = Target {
        ctx,
        kind,
        ns: info.namespace.clone().unwrap_or_default(),
        name: info.name.clone().unwrap_or_default(),
        namespace: info.namespace,
        sub,
        p: params(req.uri()),
        headers: req.headers().clone(),
    };
    verbs::run(target, verb, req).await
}

/// The served kind of the path, in the scope the path gives (404 otherwise).
fn resolve_kind(
    ctx: &ApiContext,
    info: &RequestInfo,
    resource: &str,
) -> Result<Arc<ResourceKind>, ApiError> {
    let kind = ctx
        .store
        .kinds()
        .get(&info.group, &info.version, resource)
        .ok_or_else(ApiError::unknown_resource)?;
    if (!kind.namespaced && info.namespace.is_some())
        || (kind.namespaced && info.namespace.is_none() && info.name.is_some())
    {
        return Err(ApiError::unknown_resource());
    }
    Ok(kind)
}

/// The subresource of the path, if `kind` has it (404 otherwise).
fn subresource(kind: &ResourceKind, info: &RequestInfo) -> Result<Sub, ApiError> {
    Ok(match info.subresource.as_deref() {
        None => Sub::Object(Subresource::Main),
        Some("status") if kind.status_subresource => Sub::Object(Subresource::Status),
        Some("finalize") if kind.group.is_empty() && kind.plural == "namespaces" => {
            Sub::Object(Subresource::Finalize)
        }
        Some("log") if kind.group.is_empty() && kind.plural == "pods" => Sub::Log,
        Some(_) => return Err(ApiError::unknown_resource()),
    })
}
