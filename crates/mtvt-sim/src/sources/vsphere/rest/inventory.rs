//! Inventory lists: datastores, networks, folders, hosts, datacenters, clusters.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::super::VsphereApi;

use super::*;

pub(crate) async fn list_datastores(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Query(q): Pairs,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    let names = filter(&q, "names");
    let ids = filter(&q, "datastores");
    Ok(Json(
        p.datastores
            .iter()
            .filter(|d| keep(&names, &d.name) && keep(&ids, &d.id))
            .map(|d| json!({"datastore": d.id, "name": d.name, "type": d.kind, "free_space": d.free, "capacity": d.capacity}))
            .collect(),
    ))
}

pub(crate) async fn list_networks(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Query(q): Pairs,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    let names = filter(&q, "names");
    Ok(Json(
        p.networks
            .iter()
            .filter(|n| keep(&names, &n.name))
            .map(|n| json!({"network": n.id, "name": n.name, "type": if n.variant == "DvPortGroup" { "DISTRIBUTED_PORTGROUP" } else { "STANDARD_PORTGROUP" }}))
            .collect(),
    ))
}

pub(crate) async fn list_folders(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Query(q): Pairs,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    let names = filter(&q, "names");
    Ok(Json(
        p.folders
            .iter()
            .filter(|f| keep(&names, &f.name))
            .map(|f| json!({"folder": f.id, "name": f.name, "type": "VIRTUAL_MACHINE"}))
            .collect(),
    ))
}

pub(crate) async fn list_hosts(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Query(q): Pairs,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    let names = filter(&q, "names");
    Ok(Json(
        p.hosts
            .iter()
            .filter(|h| keep(&names, &h.name))
            .map(|h| json!({"host": h.id, "name": h.name, "connection_state": "CONNECTED", "power_state": "POWERED_ON"}))
            .collect(),
    ))
}

pub(crate) async fn list_datacenters(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    Ok(Json(vec![
        json!({"datacenter": p.datacenter.id, "name": p.datacenter.name}),
    ]))
}

pub(crate) async fn list_clusters(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    Ok(Json(vec![
        json!({"cluster": p.cluster.id, "name": p.cluster.name, "ha_enabled": false, "drs_enabled": true}),
    ]))
}
