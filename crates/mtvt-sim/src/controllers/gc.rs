//! Plan garbage collection: when a Plan is deleted, the objects it labelled (`plan=<uid>`) in
//! any namespace go too — DataVolumes, PVCs not owned by a migrated VM, pods, Secrets,
//! ConfigMaps, Jobs — but never VirtualMachines or the PVCs they own.

use serde_json::Value;

use super::json_edit::text;
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Started, gvr};
use crate::store::{EventType, LabelSelector, ListOptions, object};

pub(super) fn spawn(ctx: &Ctx) -> Started {
    let c = ctx.clone();
    let queue = runtime::spawn(
        "plan-gc",
        &ctx.store,
        &ctx.shutdown,
        vec![Watch::mapped(gvr::plans(), |_, ev| {
            if ev.event_type == EventType::Deleted {
                vec![(String::new(), object::uid(&ev.object).to_string())]
            } else {
                Vec::new()
            }
        })],
        move |q, key| collect(&c, q, key),
    );
    Started {
        queue,
        gvr: gvr::plans(),
    }
}

fn vm_owned(o: &Value) -> bool {
    o.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|r| text(r, "/kind") == "VirtualMachine"))
}

fn collect(ctx: &Ctx, _q: &Queue, key: &Key) -> runtime::Outcome {
    let opts = ListOptions {
        labels: LabelSelector::parse(&format!("plan={}", key.1)).unwrap_or_default(),
        ..Default::default()
    };
    for g in [
        gvr::data_volumes(),
        gvr::pvcs(),
        gvr::pods(),
        gvr::secrets(),
        gvr::config_maps(),
        gvr::jobs(),
    ] {
        for o in ctx
            .store
            .list(&g, None, &opts)
            .map(|l| l.items)
            .unwrap_or_default()
        {
            if g.resource == "persistentvolumeclaims" && vm_owned(&o) {
                continue;
            }
            let _ = ctx
                .store
                .delete(&g, object::namespace(&o), object::name(&o));
        }
    }
    Ok(())
}
