//! The Provider's inventory collector (controller.go updateContainer, validation.go
//! inventoryCreated): built after a successful connection test, rebuilt when the Provider's
//! spec changed (dropped at the start of the reconcile) or its Secret changed
//! (`status.secretResourceVersion`); `LoadInventory` until the new collector has parity,
//! then `InventoryCreated`. How long a load takes is the lab's `inventory_parity_seconds`
//! fault, else the inventory refresh delay (virtual time).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::super::Ctx;
use super::super::collectors::Collector;
use super::super::conditions::{ADVISORY, Cnd, Conditions, REQUIRED};
use crate::store::object;

/// Builds the collector when there is none or the Secret changed; returns the Secret's
/// resourceVersion when it built one.
pub(super) fn update(ctx: &Ctx, provider: &Value, secret: Option<&Value>) -> Option<String> {
    let uid = object::uid(provider);
    let secret_rv = secret.map(object::resource_version).unwrap_or_default();
    let recorded = provider
        .pointer("/status/secretResourceVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if secret_rv == recorded && ctx.collectors.get(uid).is_some() {
        return None;
    }
    let now = ctx.clock.now();
    let load = ctx
        .lab
        .lab()
        .faults
        .inventory_parity
        .unwrap_or(ctx.settings.refresh_delay);
    ctx.collectors.build(
        uid,
        Collector {
            built: now,
            parity_at: now + chrono::Duration::from_std(load).unwrap_or_default(),
        },
    );
    Some(secret_rv.to_string())
}

/// `InventoryCreated` when the collector has parity, `LoadInventory` while it loads (returns
/// when to look again), nothing without a collector.
pub(super) fn inventory_condition(
    ctx: &Ctx,
    uid: &str,
    cnd: &mut Conditions,
) -> Option<DateTime<Utc>> {
    let c = ctx.collectors.get(uid)?;
    if cnd.has_blocker() {
        return None;
    }
    if c.has_parity(ctx.clock.now()) {
        cnd.set(Cnd::new(
            "InventoryCreated",
            REQUIRED,
            "Completed",
            "The inventory has been loaded.",
        ));
        None
    } else {
        cnd.set(Cnd::new(
            "LoadInventory",
            ADVISORY,
            "Started",
            "Loading the inventory.",
        ));
        Some(c.parity_at)
    }
}
