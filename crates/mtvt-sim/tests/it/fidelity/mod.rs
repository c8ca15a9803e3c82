//! The fidelity suite: each test states one behaviour of upstream Forklift (kubev2v/forklift
//! at d42511bb2) in its name and doc, cites the upstream file:line, and drives the emulator
//! only as a client would (kube-rs, raw HTTP to the inventory). One file per area.

mod execution;
mod inventory;
mod migration;
mod pipeline;
mod restricted_host;
mod resume;
mod ssh_clone;
mod validation;
mod vddk;

use serde_json::{Value, json};

use crate::harness::*;

/// Creates a host Provider (`type: openshift`, empty URL) `name` in `ns` and waits for Ready.
pub async fn host_provider(env: &Env, ns: &str, name: &str) -> Value {
    env.create(
        PROVIDER,
        ns,
        json!({"metadata": {"name": name}, "spec": {"type": "openshift", "url": "", "secret": {}}}),
    )
    .await;
    ready(env, PROVIDER, ns, name).await
}

/// A bridge NAD `name` in `ns`.
pub async fn nad(env: &Env, ns: &str, name: &str) {
    env.create(
        NAD,
        ns,
        json!({"metadata": {"name": name}, "spec": {"config": "{\"cniVersion\":\"0.3.1\",\"type\":\"bridge\"}"}}),
    )
    .await;
}

/// The names in an inventory list.
pub fn names(list: &Value) -> Vec<String> {
    let mut out: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let ns = o["namespace"].as_str().unwrap_or_default();
            format!("{ns}/{}", o["name"].as_str().unwrap())
        })
        .collect();
    out.sort();
    out
}

/// The condition `kind` of an object (any status).
pub fn condition<'a>(obj: &'a Value, kind: &str) -> Option<&'a Value> {
    obj.pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind)
}

/// `GET <inventory>/<path>` with the cluster token: status and raw body.
pub async fn inventory_raw(env: &Env, path: &str) -> (u16, Vec<u8>) {
    let url = format!("{}/{path}", env.emu.inventory_url().unwrap());
    let r = env
        .http
        .get(&url)
        .bearer_auth(env.emu.token())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.bytes().await.unwrap().to_vec())
}
