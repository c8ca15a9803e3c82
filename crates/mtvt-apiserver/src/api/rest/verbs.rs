//! One handler per verb on a resolved [`Target`]: get, list and watch render what the store
//! returns; create, update and patch decode the body and answer with the written object (and
//! `Warning` headers); delete answers with a `Success` Status when the object is gone at once,
//! the marked object when finalizers hold it.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::Response;

use super::options::{delete_options, list_options, write_options};
use super::render::{render_list, render_one};
use super::{Target, read_body};
use crate::api::negotiate::{self, Output};
use crate::api::request_info::Verb;
use crate::api::{faults, response, watch};
use crate::store::error::success_status;
use crate::store::{ApiError, Deleted, ObjectList, PatchType, Written, object, patch};

/// Runs `verb` on `t`.
pub(super) async fn run(t: Target, verb: Verb, req: Request) -> Result<Response, ApiError> {
    match verb {
        Verb::Get => {
            let output = negotiate::output(&t.headers)?;
            let obj = t.ctx.store.get(&t.kind, &t.ns, &t.name)?;
            Ok(render_one(&t.ctx, &t.kind, &obj, output, &t.p))
        }
        Verb::List => {
            let output = negotiate::output(&t.headers)?;
            let opts = list_options(&t.p)?;
            let list = t.ctx.store.list(&t.kind, t.namespace.as_deref(), &opts)?;
            Ok(render_list(&t.ctx, &t.kind, &list, output, &t.p))
        }
        Verb::Watch => {
            let output = negotiate::output(&t.headers)?;
            let fault = req.extensions().get::<faults::WatchFault>().copied();
            watch::serve(t.ctx, t.kind, t.namespace, &t.p, output, fault)
        }
        Verb::Create => create(&t, req).await,
        Verb::Update => update(&t, req).await,
        Verb::Patch => patch(&t, req).await,
        Verb::Delete => delete(&t, req).await,
        Verb::DeleteCollection => delete_collection(&t, req).await,
    }
}

fn written(status: StatusCode, w: &Written) -> Response {
    response::with_warnings(response::json(status, &*w.object), &w.warnings)
}

async fn create(t: &Target, req: Request) -> Result<Response, ApiError> {
    let opts = write_options(&t.p)?;
    let bytes = read_body(&t.ctx, req.into_body()).await?;
    let body = negotiate::decode_body(&t.headers, &bytes)?;
    let w = t.ctx.store.create_with(&t.kind, &t.ns, body, &opts)?;
    Ok(written(StatusCode::CREATED, &w))
}

async fn update(t: &Target, req: Request) -> Result<Response, ApiError> {
    let opts = write_options(&t.p)?;
    let bytes = read_body(&t.ctx, req.into_body()).await?;
    let body = negotiate::decode_body(&t.headers, &bytes)?;
    let w = t
        .ctx
        .store
        .update_with(&t.kind, &t.ns, &t.name, body, t.sub, &opts)?;
    Ok(written(StatusCode::OK, &w))
}

async fn patch(t: &Target, req: Request) -> Result<Response, ApiError> {
    let opts = write_options(&t.p)?;
    let ct = t
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ty = PatchType::from_content_type(ct).ok_or_else(patch::unknown_patch_type)?;
    let bytes = read_body(&t.ctx, req.into_body()).await?;
    let w = t
        .ctx
        .store
        .patch_with(&t.kind, &t.ns, &t.name, ty, &bytes, t.sub, &opts)?;
    Ok(written(StatusCode::OK, &w))
}

async fn delete(t: &Target, req: Request) -> Result<Response, ApiError> {
    let bytes = read_body(&t.ctx, req.into_body()).await?;
    let opts = delete_options(&t.p, &bytes)?;
    match t.ctx.store.delete_with(&t.kind, &t.ns, &t.name, &opts)? {
        Deleted::Gone(last) => Ok(response::json(
            StatusCode::OK,
            &success_status(&t.kind, &t.name, object::uid(&last)),
        )),
        Deleted::Pending(obj) => Ok(response::json(StatusCode::OK, &*obj)),
    }
}

async fn delete_collection(t: &Target, req: Request) -> Result<Response, ApiError> {
    if t.kind.namespaced && t.namespace.is_none() {
        return Err(ApiError::method_not_allowed());
    }
    let list_opts = list_options(&t.p)?;
    let bytes = read_body(&t.ctx, req.into_body()).await?;
    let opts = delete_options(&t.p, &bytes)?;
    let items =
        t.ctx
            .store
            .delete_collection(&t.kind, t.namespace.as_deref(), &list_opts, &opts)?;
    let list = ObjectList {
        resource_version: t.ctx.store.resource_version(),
        items,
        continue_token: None,
        remaining: None,
    };
    Ok(render_list(&t.ctx, &t.kind, &list, Output::Json, &t.p))
}
