//! Responses of reads: one object or a list as JSON, as `PartialObjectMetadata(List)`, or as
//! a `meta.k8s.io/v1` Table, with the list metadata (`resourceVersion`, `continue`,
//! `remainingItemCount`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::Params;
use crate::api::negotiate::{IncludeObject, Output};
use crate::api::{ApiContext, response, table};
use crate::store::{ObjectList, ResourceKind, object};

pub(super) fn render_one(
    ctx: &ApiContext,
    kind: &ResourceKind,
    obj: &Value,
    output: Output,
    p: &Params,
) -> Response {
    match output {
        Output::Json => response::json(StatusCode::OK, obj),
        Output::Metadata => response::json(StatusCode::OK, &table::partial_metadata(obj)),
        Output::Table => match IncludeObject::parse(p.get("includeObject").map(String::as_str)) {
            Ok(include) => response::json(
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

pub(super) fn render_list(
    ctx: &ApiContext,
    kind: &ResourceKind,
    list: &ObjectList,
    output: Output,
    p: &Params,
) -> Response {
    match output {
        Output::Json => {
            let api_version = kind.api_version();
            response::json(
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
            response::json(
                StatusCode::OK,
                &json!({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1", "metadata": list_meta(list), "items": items}),
            )
        }
        Output::Table => match IncludeObject::parse(p.get("includeObject").map(String::as_str)) {
            Ok(include) => response::json(
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
