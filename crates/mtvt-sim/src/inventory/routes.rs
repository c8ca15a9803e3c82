//! HTTP surface of the inventory: `/providers...` routes, the request checks in Forklift's
//! order (detail → provider → token), detail levels, `name`/`namespace` filters and paging.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::content::{Item, MAX_DETAIL, filter_name};
use super::resolver::ProviderRef;
use super::{Inventory, hyperv, openshift, openstack, ova, ovirt, vsphere};
use crate::lab::{Provider, ProviderKind};

type Params = Query<HashMap<String, String>>;

/// A request refused before any content was produced.
pub(crate) enum Refusal {
    Status(StatusCode),
    UnknownProvider,
    /// The provider's collector has no parity yet: 206 with no body.
    NoParity,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Status(s) => s.into_response(),
            Refusal::NoParity => StatusCode::PARTIAL_CONTENT.into_response(),
            Refusal::UnknownProvider => {
                (StatusCode::NOT_FOUND, [("X-Reason", "ProviderNotFound")]).into_response()
            }
        }
    }
}

/// `detail` query: absent → `default`, `all` → max, integer → it, else 400.
fn detail(q: &HashMap<String, String>, default: i64) -> Result<i64, Refusal> {
    match q.get("detail").map(String::as_str) {
        None | Some("") => Ok(default),
        Some(s) if s.eq_ignore_ascii_case("all") => Ok(MAX_DETAIL),
        Some(s) => s
            .parse()
            .map_err(|_| Refusal::Status(StatusCode::BAD_REQUEST)),
    }
}

fn token(headers: &HeaderMap) -> String {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let fields: Vec<&str> = value.split_whitespace().collect();
    match fields.as_slice() {
        ["Bearer", t] => (*t).to_string(),
        _ => String::new(),
    }
}

async fn permit(
    inv: &Inventory,
    headers: &HeaderMap,
    provider: Option<&ProviderRef>,
) -> Result<(), Refusal> {
    let token = token(headers);
    if token.is_empty() {
        return Err(Refusal::Status(StatusCode::UNAUTHORIZED));
    }
    if inv.resolver.authorize(&token, provider).await {
        Ok(())
    } else {
        Err(Refusal::Status(StatusCode::FORBIDDEN))
    }
}

/// The provider of a request (`X-Reason: ProviderNotFound` without a collector), once its
/// collector has parity: like Forklift's `EnsureParity`, the request waits up to 10 s
/// (virtual) for it and is answered 206 with no body otherwise
/// (pkg/controller/provider/web/base/handler.go:102-118; pkg/lib/inventory/web/handler.go
/// :71-92).
async fn provider_for(inv: &Inventory, kind: &str, uid: &str) -> Result<ProviderRef, Refusal> {
    let kind: ProviderKind = kind
        .parse()
        .map_err(|_| Refusal::Status(StatusCode::NOT_FOUND))?;
    let clock = inv.lab.clock();
    let deadline = clock.now() + chrono::Duration::seconds(PARITY_WAIT_SECS);
    loop {
        let p = match inv.resolver.resolve(uid).await {
            Some(p) if p.kind == kind => p,
            _ => return Err(Refusal::UnknownProvider),
        };
        let now = clock.now();
        let Some(at) = p.parity_at.filter(|at| *at > now) else {
            return Ok(p);
        };
        if now >= deadline {
            return Err(Refusal::NoParity);
        }
        let wait = (at.min(deadline) - now).to_std().unwrap_or_default();
        tokio::time::sleep(clock.to_real(wait) + std::time::Duration::from_millis(1)).await;
    }
}

/// How long a request waits for a collector's parity (virtual seconds).
const PARITY_WAIT_SECS: i64 = 10;

fn paged(items: Vec<Value>, q: &HashMap<String, String>) -> Vec<Value> {
    let offset = q
        .get("offset")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0);
    let limit = q
        .get("limit")
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|l| *l > 0);
    let it = items.into_iter().skip(offset);
    match limit {
        Some(l) => it.take(l).collect(),
        None => it.collect(),
    }
}

/// The lab provider as the inventory currently sees it (after the refresh delay).
fn lab_view(inv: &Inventory, p: &ProviderRef) -> Result<Provider, Refusal> {
    let at = inv.lab.clock().now()
        - chrono::Duration::from_std(inv.options.refresh_delay).unwrap_or(chrono::Duration::zero());
    let world = inv.lab.world_at(at);
    let lab = world
        .provider(&p.lab_provider)
        .ok_or(Refusal::UnknownProvider)?;
    match &p.esxi_host {
        Some(host) => lab.esxi_view(host).ok_or(Refusal::UnknownProvider),
        None => Ok(lab.clone()),
    }
}

async fn items(
    inv: &Inventory,
    p: &ProviderRef,
    coll: &str,
    q: &HashMap<String, String>,
) -> Result<Vec<Item>, Refusal> {
    let base = format!("providers/{}/{}", p.kind, p.uid);
    let found = if p.kind == ProviderKind::Openshift {
        let ns = q.get("namespace").map(String::as_str);
        openshift::collection(inv.cluster.as_ref(), p, coll, &base, ns).await
    } else {
        let lab = lab_view(inv, p)?;
        match p.kind {
            ProviderKind::Vsphere => vsphere::collection(&lab, coll, &base),
            ProviderKind::Ovirt => ovirt::collection(&lab, coll, &base),
            ProviderKind::Openstack => openstack::collection(&lab, coll, &base),
            ProviderKind::Ova => ova::collection(&lab, coll, &base),
            ProviderKind::Hyperv => hyperv::collection(&lab, coll, &base),
            ProviderKind::Openshift => None,
        }
    };
    found.ok_or(Refusal::Status(StatusCode::NOT_FOUND))
}

pub(crate) async fn list_collection(
    State(inv): State<Inventory>,
    Path((kind, uid, coll)): Path<(String, String, String)>,
    Query(q): Params,
    headers: HeaderMap,
) -> Result<Json<Vec<Value>>, Refusal> {
    let detail = detail(&q, 0)?;
    let p = provider_for(&inv, &kind, &uid).await?;
    permit(&inv, &headers, Some(&p)).await?;
    let all = items(&inv, &p, &coll, &q).await?;
    let name = q.get("name").map(String::as_str);
    let kept = if p.kind == ProviderKind::Openshift {
        all.into_iter()
            .filter(|i| name.is_none_or(|n| n.is_empty() || i.name == n))
            .collect()
    } else {
        filter_name(all, name)
    };
    // Forklift serves vSphere VM lists at full detail whatever `detail` says.
    let detail = if p.kind == ProviderKind::Vsphere && coll == "vms" {
        MAX_DETAIL
    } else {
        detail
    };
    Ok(Json(paged(kept.iter().map(|i| i.at(detail)).collect(), &q)))
}

pub(crate) async fn get_object(
    State(inv): State<Inventory>,
    Path((kind, uid, coll, id)): Path<(String, String, String, String)>,
    Query(q): Params,
    headers: HeaderMap,
) -> Result<Json<Value>, Refusal> {
    detail(&q, MAX_DETAIL)?;
    let p = provider_for(&inv, &kind, &uid).await?;
    permit(&inv, &headers, Some(&p)).await?;
    let all = items(&inv, &p, &coll, &HashMap::new()).await?;
    all.into_iter()
        .find(|i| i.id == id)
        .map(|i| Json(i.at(MAX_DETAIL)))
        .ok_or(Refusal::Status(StatusCode::NOT_FOUND))
}

fn provider_object(p: &ProviderRef) -> Value {
    p.object.clone().unwrap_or_else(|| {
        json!({"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Provider",
               "metadata": {"name": p.name, "namespace": p.namespace, "uid": p.uid, "resourceVersion": p.resource_version},
               "spec": {"type": p.kind.as_str()}})
    })
}

/// What a `type: openshift` provider sees: its VMs and its NADs plus the pod network
/// (web/ocp/provider.go AddCount: `NetworkCount = len(nads) + 1`), counted from the same
/// collections its `/vms` and `/networkattachmentdefinitions` serve.
async fn openshift_counts(inv: &Inventory, p: &ProviderRef) -> (usize, usize) {
    let none = HashMap::new();
    let count = |r: Result<Vec<Item>, Refusal>| r.map(|v| v.len()).unwrap_or(0);
    let vms = count(items(inv, p, "vms", &none).await);
    let nads = count(items(inv, p, "networkattachmentdefinitions", &none).await);
    (vms, nads + 1)
}

async fn provider_content(inv: &Inventory, p: &ProviderRef, detail: i64) -> Value {
    let mut v = json!({"uid": p.uid, "version": p.resource_version, "namespace": p.namespace, "name": p.name,
                       "selfLink": format!("providers/{}/{}", p.kind, p.uid), "id": p.uid});
    if detail == 0 {
        return v;
    }
    let ocp = if p.kind == ProviderKind::Openshift {
        openshift_counts(inv, p).await
    } else {
        (0, 0)
    };
    let lab = inv.lab.world();
    let lp = lab.provider(&p.lab_provider);
    let count = |f: fn(&Provider) -> usize| lp.map_or(0, f) as u64;
    let extra = match p.kind {
        ProviderKind::Vsphere => {
            json!({"apiVersion": lp.map(|x| x.version.clone()).unwrap_or_default(),
            "product": "VMware vCenter Server", "instanceUuid": crate::lab::uuid_for(&[&p.lab_provider, "vcenter"]),
            "datacenterCount": 1, "clusterCount": 1, "hostCount": count(|x| x.hosts.len()),
            "vmCount": count(|x| x.vms.iter().filter(|v| !v.template).count()),
            "networkCount": count(|x| x.networks.len()), "datastoreCount": count(|x| x.datastores.len())})
        }
        ProviderKind::Ovirt => {
            json!({"datacenterCount": 1, "clusterCount": 1, "hostCount": count(|x| x.hosts.len()),
            "vmCount": count(|x| x.vms.iter().filter(|v| !v.template).count()),
            "networkCount": count(|x| x.networks.len()), "storageDomainCount": count(|x| x.datastores.len())})
        }
        ProviderKind::Openstack => json!({"regionCount": 1, "projectCount": 1,
            "vmCount": count(|x| x.vms.len()), "imageCount": count(|x| x.vms.iter().map(|v| v.snapshots.len()).sum()),
            "volumeCount": count(|x| x.vms.iter().map(|v| v.disks.len()).sum()),
            "volumeTypeCount": count(|x| x.datastores.len()), "networkCount": count(|x| x.networks.len())}),
        ProviderKind::Ova => {
            json!({"vmCount": count(|x| x.vms.len()), "networkCount": count(|x| x.networks.len()),
            "diskCount": count(|x| x.vms.iter().map(|v| v.disks.len()).sum())})
        }
        ProviderKind::Hyperv => {
            json!({"vmCount": count(|x| x.vms.len()), "networkCount": count(|x| x.networks.len()),
            "diskCount": count(|x| x.vms.iter().map(|v| v.disks.len()).sum()), "storageCount": 1})
        }
        ProviderKind::Openshift => {
            json!({"vmCount": ocp.0, "networkCount": ocp.1, "storageClassCount": inv.lab.lab().cluster.storage_classes.len()})
        }
    };
    if let (Some(m), Value::Object(e)) = (v.as_object_mut(), extra) {
        m.insert("type".into(), json!(p.kind.as_str()));
        m.insert("object".into(), provider_object(p));
        m.extend(e);
    }
    v
}

async fn visible(inv: &Inventory, q: &HashMap<String, String>) -> Vec<ProviderRef> {
    let ns = q.get("namespace").filter(|n| !n.is_empty());
    inv.resolver
        .providers()
        .await
        .into_iter()
        .filter(|p| ns.is_none_or(|n| &p.namespace == n))
        .collect()
}

pub(crate) async fn list_all(
    State(inv): State<Inventory>,
    Query(q): Params,
    headers: HeaderMap,
) -> Result<Json<Value>, Refusal> {
    let detail = detail(&q, 0)?;
    permit(&inv, &headers, None).await?;
    let providers = visible(&inv, &q).await;
    let mut out = Map::new();
    for kind in [
        "openshift",
        "vsphere",
        "ovirt",
        "openstack",
        "ova",
        "ec2",
        "hyperv",
    ] {
        let mut list = Vec::new();
        for p in providers.iter().filter(|p| p.kind.as_str() == kind) {
            list.push(provider_content(&inv, p, detail).await);
        }
        out.insert(kind.to_string(), Value::Array(list));
    }
    Ok(Json(Value::Object(out)))
}

pub(crate) async fn list_of_type(
    State(inv): State<Inventory>,
    Path(kind): Path<String>,
    Query(q): Params,
    headers: HeaderMap,
) -> Result<Json<Vec<Value>>, Refusal> {
    let detail = detail(&q, 0)?;
    let kind: ProviderKind = kind
        .parse()
        .map_err(|_| Refusal::Status(StatusCode::NOT_FOUND))?;
    permit(&inv, &headers, None).await?;
    let mut list = Vec::new();
    for p in visible(&inv, &q)
        .await
        .into_iter()
        .filter(|p| p.kind == kind)
    {
        list.push(provider_content(&inv, &p, detail).await);
    }
    Ok(Json(paged(list, &q)))
}

pub(crate) async fn get_provider(
    State(inv): State<Inventory>,
    Path((kind, uid)): Path<(String, String)>,
    Query(q): Params,
    headers: HeaderMap,
) -> Result<Json<Value>, Refusal> {
    detail(&q, MAX_DETAIL)?;
    let p = provider_for(&inv, &kind, &uid).await?;
    permit(&inv, &headers, Some(&p)).await?;
    Ok(Json(provider_content(&inv, &p, MAX_DETAIL).await))
}
