//! Forklift's admission webhooks (`pkg/forklift-api/webhooks`): Plan creation and updates are
//! rejected when a provider is missing (the source only unless archived), for warm plans from
//! OpenStack, for `luks` on sources other than vSphere/OVA, and for cold non-vSphere plans to
//! the host cluster whose storage map targets a `kubernetes.io/no-provisioner` class. The Plan
//! mutator adds `populatorLabels: "True"` on create and the destination's default transfer
//! network. Migration creation requires its Plan. Status writes are never checked.

use std::sync::Arc;

use serde_json::{Value, json};

use super::gvr;
use crate::store::{AdmissionRequest, ApiError, Operation, Reason, Store, object};

const DEFAULT_TRANSFER_NETWORK: &str = "forklift.konveyor.io/defaultTransferNetwork";

fn deny(msg: String) -> ApiError {
    ApiError::denied_by_webhook(
        "validate-plan.forklift.konveyor.io",
        Reason::BadRequest,
        &msg,
    )
}

fn provider(store: &Store, plan: &Value, side: &str) -> Option<Arc<Value>> {
    let r = plan.pointer(&format!("/spec/provider/{side}"))?;
    let ns = r.get("namespace").and_then(Value::as_str)?;
    let name = r.get("name").and_then(Value::as_str)?;
    store.get(&gvr::providers(), ns, name).ok()
}

fn ref_text(plan: &Value, side: &str) -> String {
    let r = plan.pointer(&format!("/spec/provider/{side}"));
    let f = |k: &str| {
        r.and_then(|r| r.get(k))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    format!("{}/{}", f("namespace"), f("name"))
}

/// Validates a Plan write.
pub fn validate_plan(
    store: &Store,
    req: &AdmissionRequest<'_>,
    plan: &Value,
) -> Result<(), ApiError> {
    if req.subresource.is_some() {
        return Ok(());
    }
    let archived = plan.pointer("/spec/archived").and_then(Value::as_bool) == Some(true);
    let source = provider(store, plan, "source");
    if source.is_none() && !archived {
        return Err(deny(format!(
            "the source provider {} of the plan was not found",
            ref_text(plan, "source")
        )));
    }
    let dest = provider(store, plan, "destination");
    if dest.is_none() {
        return Err(deny(format!(
            "the destination provider {} of the plan was not found",
            ref_text(plan, "destination")
        )));
    }
    let Some(source) = source else { return Ok(()) };
    let stype = source
        .pointer("/spec/type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let warm = plan.pointer("/spec/warm").and_then(Value::as_bool) == Some(true)
        || plan.pointer("/spec/type").and_then(Value::as_str) == Some("warm");
    if warm && stype == "openstack" {
        return Err(deny(
            "warm migration is not supported by the OpenStack provider".into(),
        ));
    }
    let luks = plan
        .pointer("/spec/vms")
        .and_then(Value::as_array)
        .is_some_and(|vms| {
            vms.iter().any(|v| {
                v.pointer("/luks/name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| !n.is_empty())
            })
        });
    if luks && !matches!(stype, "vsphere" | "ova") {
        return Err(deny(format!(
            "LUKS encrypted disks are supported for vSphere and OVA sources only, not {stype}"
        )));
    }
    let dest_host = dest.as_ref().is_some_and(|d| {
        d.pointer("/spec/url")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .is_empty()
    });
    if !warm && stype != "vsphere" && dest_host {
        let sm = plan.pointer("/spec/map/storage");
        let ns = sm
            .and_then(|r| r.get("namespace"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let name = sm
            .and_then(|r| r.get("name"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let Ok(map) = store.get(&gvr::storage_maps(), ns, name) {
            for e in map
                .pointer("/spec/map")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let sc = e
                    .pointer("/destination/storageClass")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if let Ok(class) = store.get(&gvr::storage_classes(), "", sc)
                    && class.get("provisioner").and_then(Value::as_str)
                        == Some("kubernetes.io/no-provisioner")
                {
                    return Err(deny(format!(
                        "storage class {sc} uses the static provisioner kubernetes.io/no-provisioner, which cannot provision the migrated disks; map the disks to a dynamic storage class"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Mutates a Plan on create.
pub fn mutate_plan(
    store: &Store,
    req: &AdmissionRequest<'_>,
    plan: &mut Value,
) -> Result<(), ApiError> {
    if req.operation != Operation::Create || req.subresource.is_some() {
        return Ok(());
    }
    if let Some(m) = object::meta_mut(plan) {
        let ann = m.entry("annotations").or_insert_with(|| json!({}));
        if let Some(a) = ann.as_object_mut() {
            a.insert("populatorLabels".into(), json!("True"));
        }
    }
    let tn_set = plan
        .pointer("/spec/transferNetwork/name")
        .and_then(Value::as_str)
        .is_some_and(|n| !n.is_empty());
    if !tn_set
        && let Some(dest) = provider(store, plan, "destination")
        && let Some(net) = dest
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(DEFAULT_TRANSFER_NETWORK))
            .and_then(Value::as_str)
        && let Some((ns, name)) = net
            .split_once('/')
            .or(Some((object::namespace(&dest), net)))
        && let Some(spec) = plan.get_mut("spec").and_then(Value::as_object_mut)
    {
        spec.insert(
            "transferNetwork".into(),
            json!({"namespace": ns, "name": name}),
        );
    }
    Ok(())
}

/// Validates a Migration create.
pub fn validate_migration(
    store: &Store,
    req: &AdmissionRequest<'_>,
    m: &Value,
) -> Result<(), ApiError> {
    if req.operation != Operation::Create || req.subresource.is_some() {
        return Ok(());
    }
    let ns = m
        .pointer("/spec/plan/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let name = m
        .pointer("/spec/plan/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if store.get(&gvr::plans(), ns, name).is_err() {
        return Err(ApiError::denied_by_webhook(
            "validate-migration.forklift.konveyor.io",
            Reason::BadRequest,
            &format!("the plan {ns}/{name} of the migration was not found"),
        ));
    }
    Ok(())
}

/// Registers the webhooks on `store`.
pub fn register(store: &Store) {
    let s = store.clone();
    store.admission().add_validating(
        "plans.forklift.konveyor.io",
        Arc::new(move |req, obj| validate_plan(&s, req, obj)),
    );
    let s = store.clone();
    store.admission().add_mutating(
        "plans.forklift.konveyor.io",
        Arc::new(move |req, obj| mutate_plan(&s, req, obj)),
    );
    store.admission().add_mutating(
        "providers.forklift.konveyor.io",
        Arc::new(super::provider::webhook::mutate),
    );
    store.admission().add_validating(
        "providers.forklift.konveyor.io",
        Arc::new(super::provider::webhook::validate),
    );
    let s = store.clone();
    store.admission().add_validating(
        "migrations.forklift.konveyor.io",
        Arc::new(move |req, obj| validate_migration(&s, req, obj)),
    );
}
