//! The REST handler for every `/api/...` and `/apis/...` path: classifies the request
//! ([`request_info`]), resolves the kind, checks scope and subresource, reads the body, and
//! calls the store. Responses and errors follow kube-apiserver: 201 on create, the object on
//! get/update/patch, a `Status` of `Success` when a delete removed the object at once, the
//! marked object when finalizers hold it, and a `Status` error otherwise.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::negotiate::{self, IncludeObject, Output};
use super::request_info::{self, RequestInfo, Verb};
use super::{ApiContext, discovery, logs, table, watch};
use crate::store::error::success_status;
use crate::store::{
    ApiError, DeleteOptions, Deleted, FieldSelector, FieldValidation, LabelSelector, ListOptions,
    ObjectList, PatchType, Propagation, ResourceKind, Subresource, WriteOptions, object, patch,
};

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

fn write_options(p: &Params) -> Result<WriteOptions, ApiError> {
    let field_validation = match p.get("fieldValidation").map(String::as_str) {
        None | Some("") => FieldValidation::Warn,
        Some(v) => FieldValidation::parse(v).ok_or_else(|| {
            ApiError::bad_request(format!("fieldValidation: Unsupported value: {v:?}: supported values: \"Ignore\", \"Strict\", \"Warn\""))
        })?,
    };
    Ok(WriteOptions {
        dry_run: dry_run(p)?,
        field_validation,
    })
}

fn dry_run(p: &Params) -> Result<bool, ApiError> {
    match p.get("dryRun").map(String::as_str) {
        None | Some("") => Ok(false),
        Some("All") => Ok(true),
        Some(v) => Err(ApiError::bad_request(format!(
            "dryRun: Unsupported value: {v:?}: supported values: \"All\""
        ))),
    }
}

fn list_options(p: &Params) -> Result<ListOptions, ApiError> {
    Ok(ListOptions {
        labels: LabelSelector::parse(p.get("labelSelector").map_or("", String::as_str))
            .map_err(ApiError::bad_request)?,
        fields: FieldSelector::parse(p.get("fieldSelector").map_or("", String::as_str))
            .map_err(ApiError::bad_request)?,
        limit: p.get("limit").and_then(|l| l.parse().ok()),
        continue_token: p.get("continue").cloned().filter(|c| !c.is_empty()),
    })
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
    let kind = ctx
        .store
        .kinds()
        .get(&info.group, &info.version, &resource)
        .ok_or_else(ApiError::unknown_resource)?;
    if (!kind.namespaced && info.namespace.is_some())
        || (kind.namespaced && info.namespace.is_none() && info.name.is_some())
    {
        return Err(ApiError::unknown_resource());
    }
    let sub = match info.subresource.as_deref() {
        None => Subresource::Main,
        Some("status") if kind.status_subresource => Subresource::Status,
        Some("finalize") if kind.group.is_empty() && kind.plural == "namespaces" => {
            Subresource::Finalize
        }
        Some("log") if kind.group.is_empty() && kind.plural == "pods" => {
            if info.verb != Some(Verb::Get) {
                return Err(ApiError::method_not_allowed());
            }
            let (ns, name) = (
                info.namespace.unwrap_or_default(),
                info.name.unwrap_or_default(),
            );
            return logs::serve(ctx, &ns, &name, &params(req.uri())).await;
        }
        Some(_) => return Err(ApiError::unknown_resource()),
    };
    let verb = info.verb.ok_or_else(ApiError::method_not_allowed)?;
    if sub != Subresource::Main && !matches!(verb, Verb::Get | Verb::Update | Verb::Patch) {
        return Err(ApiError::method_not_allowed());
    }
    if sub == Subresource::Finalize && verb != Verb::Update {
        return Err(ApiError::method_not_allowed());
    }
    let p = params(req.uri());
    let ns = info.namespace.clone().unwrap_or_default();
    let name = info.name.clone().unwrap_or_default();
    let headers = req.headers().clone();
    match verb {
        Verb::Get => {
            let output = negotiate::output(&headers)?;
            let obj = ctx.store.get(&kind, &ns, &name)?;
            Ok(render_one(&ctx, &kind, &obj, output, &p))
        }
        Verb::List => {
            let output = negotiate::output(&headers)?;
            let opts = list_options(&p)?;
            let list = ctx.store.list(&kind, info.namespace.as_deref(), &opts)?;
            Ok(render_list(&ctx, &kind, &list, output, &p))
        }
        Verb::Watch => {
            let output = negotiate::output(&headers)?;
            let fault = req.extensions().get::<super::faults::WatchFault>().copied();
            watch::serve(ctx, kind, info.namespace, &p, output, fault)
        }
        Verb::Create => {
            let opts = write_options(&p)?;
            let bytes = read_body(&ctx, req.into_body()).await?;
            let body = negotiate::decode_body(&headers, &bytes)?;
            let w = ctx.store.create_with(&kind, &ns, body, &opts)?;
            Ok(super::response::with_warnings(
                super::response::json(StatusCode::CREATED, &*w.object),
                &w.warnings,
            ))
        }
        Verb::Update => {
            let opts = write_options(&p)?;
            let bytes = read_body(&ctx, req.into_body()).await?;
            let body = negotiate::decode_body(&headers, &bytes)?;
            let w = ctx.store.update_with(&kind, &ns, &name, body, sub, &opts)?;
            Ok(super::response::with_warnings(
                super::response::json(StatusCode::OK, &*w.object),
                &w.warnings,
            ))
        }
        Verb::Patch => {
            let opts = write_options(&p)?;
            let ct = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let ty = PatchType::from_content_type(ct).ok_or_else(patch::unknown_patch_type)?;
            let bytes = read_body(&ctx, req.into_body()).await?;
            let w = ctx
                .store
                .patch_with(&kind, &ns, &name, ty, &bytes, sub, &opts)?;
            Ok(super::response::with_warnings(
                super::response::json(StatusCode::OK, &*w.object),
                &w.warnings,
            ))
        }
        Verb::Delete => {
            let bytes = read_body(&ctx, req.into_body()).await?;
            let opts = delete_options(&p, &bytes)?;
            match ctx.store.delete_with(&kind, &ns, &name, &opts)? {
                Deleted::Gone(last) => Ok(super::response::json(
                    StatusCode::OK,
                    &success_status(&kind, &name, object::uid(&last)),
                )),
                Deleted::Pending(obj) => Ok(super::response::json(StatusCode::OK, &*obj)),
            }
        }
        Verb::DeleteCollection => {
            if kind.namespaced && info.namespace.is_none() {
                return Err(ApiError::method_not_allowed());
            }
            let list_opts = list_options(&p)?;
            let bytes = read_body(&ctx, req.into_body()).await?;
            let opts = delete_options(&p, &bytes)?;
            let items =
                ctx.store
                    .delete_collection(&kind, info.namespace.as_deref(), &list_opts, &opts)?;
            let list = ObjectList {
                resource_version: ctx.store.resource_version(),
                items,
                continue_token: None,
                remaining: None,
            };
            Ok(render_list(&ctx, &kind, &list, Output::Json, &p))
        }
    }
}

fn delete_options(p: &Params, body: &[u8]) -> Result<DeleteOptions, ApiError> {
    let doc: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request(format!("the DeleteOptions body is not valid JSON: {e}"))
        })?
    };
    let policy = p
        .get("propagationPolicy")
        .map(String::as_str)
        .or_else(|| doc.get("propagationPolicy").and_then(Value::as_str));
    let mut propagation = match policy {
        None | Some("") => None,
        Some(s) => Some(Propagation::parse(s).ok_or_else(|| {
            ApiError::bad_request(format!("propagationPolicy: Unsupported value: {s:?}: supported values: \"Background\", \"Foreground\", \"Orphan\""))
        })?),
    };
    let orphan = p
        .get("orphanDependents")
        .map(|s| s == "true")
        .or_else(|| doc.get("orphanDependents").and_then(Value::as_bool));
    if propagation.is_none() {
        propagation = orphan.map(|o| {
            if o {
                Propagation::Orphan
            } else {
                Propagation::Background
            }
        });
    }
    let body_dry = doc
        .get("dryRun")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|v| v == "All"));
    Ok(DeleteOptions {
        propagation,
        uid: doc
            .get("preconditions")
            .and_then(|c| c.get("uid"))
            .and_then(Value::as_str)
            .map(str::to_string),
        resource_version: doc
            .get("preconditions")
            .and_then(|c| c.get("resourceVersion"))
            .and_then(Value::as_str)
            .map(str::to_string),
        dry_run: dry_run(p)? || body_dry,
    })
}

fn render_one(
    ctx: &ApiContext,
    kind: &ResourceKind,
    obj: &Value,
    output: Output,
    p: &Params,
) -> Response {
    match output {
        Output::Json => super::response::json(StatusCode::OK, obj),
        Output::Metadata => super::response::json(StatusCode::OK, &table::partial_metadata(obj)),
        Output::Table => match IncludeObject::parse(p.get("includeObject").map(String::as_str)) {
            Ok(include) => super::response::json(
                StatusCode::OK,
                &table::table(
                    kind,
                    std::iter::once(obj),
                    json!({"resourceVersion": object::resource_version(obj)}),
                    include,
                    true,
                    ctx.store.clock(),
                ),
            ),
            Err(e) => e.into_response(),
        },
    }
}

fn list_meta(list: &ObjectList) -> Value {
    let mut m = Map::new();
    m.insert(
        "resourceVersion".into(),
        json!(list.resource_version.to_string()),
    );
    if let Some(c) = &list.continue_token {
        m.insert("continue".into(), json!(c));
    }
    if let Some(r) = list.remaining {
        m.insert("remainingItemCount".into(), json!(r));
    }
    Value::Object(m)
}

#[derive(serde::Serialize)]
struct WireList<'a> {
    kind: &'a str,
    #[serde(rename = "apiVersion")]
    api_version: &'a str,
    metadata: Value,
    items: Vec<&'a Value>,
}

fn render_list(
    ctx: &ApiContext,
    kind: &ResourceKind,
    list: &ObjectList,
    output: Output,
    p: &Params,
) -> Response {
    match output {
        Output::Json => {
            let api_version = kind.api_version();
            super::response::json(
                StatusCode::OK,
                &WireList {
                    kind: &kind.list_kind,
                    api_version: &api_version,
                    metadata: list_meta(list),
                    items: list.items.iter().map(|o| &**o).collect(),
                },
            )
        }
        Output::Metadata => {
            let items: Vec<Value> = list
                .items
                .iter()
                .map(|o| table::partial_metadata(o))
                .collect();
            super::response::json(
                StatusCode::OK,
                &json!({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1", "metadata": list_meta(list), "items": items}),
            )
        }
        Output::Table => match IncludeObject::parse(p.get("includeObject").map(String::as_str)) {
            Ok(include) => super::response::json(
                StatusCode::OK,
                &table::table(
                    kind,
                    list.items.iter().map(|o| &**o),
                    list_meta(list),
                    include,
                    true,
                    ctx.store.clock(),
                ),
            ),
            Err(e) => e.into_response(),
        },
    }
}
