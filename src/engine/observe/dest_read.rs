//! Reading the migrated VM for the `dest` model, as the pytest suite does: its power state
//! once it settles (Running or Stopped), its guest agent (awaited when the scenario expects
//! one), and — for a stopped VM — its VMI (interfaces, node) and guest agent by starting it,
//! then returning it to its run strategy. Waits go through the run's shared watches.

use std::collections::BTreeMap;
use std::time::Duration;

use kube::api::{Api, DynamicObject, Patch, PatchParams};
use mtvt_lang::models::DestVm;
use mtvt_lang::schema::enums::PowerState;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::dest::{build_dest, claims};
use crate::cluster::{ObjectRef, kinds};
use crate::engine::conditions::{
    condition_true, has_condition, vm_settled, vmi_running, vmi_stopped,
};
use crate::engine::error::{EngineError, is_not_found};
use crate::engine::retry::with_retry;
use crate::engine::watches::{WaitOptions, Watches};

/// How long the VM may take to settle in Running or Stopped (the pytest suite's 120 s).
pub const SETTLE_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a started VM may take to get a running VMI.
pub const START_TIMEOUT: Duration = Duration::from_secs(300);

/// What reading the destination uses.
pub struct DestReader<'a> {
    /// The cluster.
    pub client: &'a kube::Client,
    /// The run's watches.
    pub watches: &'a Watches,
    /// Ctrl-C.
    pub cancel: &'a CancellationToken,
}

/// One VM being read.
struct Target<'a> {
    r: &'a DestReader<'a>,
    vm: ObjectRef,
    vmi: ObjectRef,
    vms: Api<DynamicObject>,
}

impl Target<'_> {
    fn opts(&self, timeout: Duration) -> WaitOptions<'_> {
        WaitOptions {
            timeout,
            cancel: self.r.cancel,
        }
    }

    async fn set_run_strategy(&self, strategy: &Value, action: String) -> Result<(), EngineError> {
        let patch = json!({"spec": {"runStrategy": strategy}});
        with_retry(|| async {
            self.vms
                .patch(
                    &self.vm.name,
                    &PatchParams::default(),
                    &Patch::Merge(&patch),
                )
                .await
        })
        .await
        .map(|_| ())
        .map_err(|e| EngineError::api(action, &e))
    }
}

/// Reads the migrated VM `namespace/name`; `None` when it does not exist. With
/// `agent_timeout`, a running VM's guest agent is awaited that long.
pub async fn observe_dest(
    r: &DestReader<'_>,
    namespace: &str,
    name: &str,
    agent_timeout: Option<Duration>,
) -> Result<Option<(DestVm, Value)>, EngineError> {
    let vm = ObjectRef::namespaced(kinds::VIRTUAL_MACHINE, namespace, name);
    let t = Target {
        r,
        vmi: ObjectRef::namespaced(kinds::VMI, namespace, name),
        vms: vm.api(r.client),
        vm,
    };
    match with_retry(|| async { t.vms.get(name).await }).await {
        Ok(_) => {}
        Err(e) if is_not_found(&e) => return Ok(None),
        Err(e) => return Err(EngineError::api(format!("get {}", t.vm), &e)),
    }
    let vm_obj = settle(&t).await?;
    let running = printable_status(&vm_obj) == "Running";
    let (guest_agent, restore) = if running {
        (agent_connected(&t, agent_timeout).await?, None)
    } else {
        // As the suite's check_guest_agent: start the VM, wait for the agent, stop it again.
        let previous = start(&t, &vm_obj).await?;
        (agent_connected(&t, agent_timeout).await?, Some(previous))
    };
    let vm_json = json_of(&vm_obj);
    let (vmi, pvcs, node_labels) = read_around(&t, &vm_json).await?;
    let power = if running {
        PowerState::On
    } else {
        PowerState::Off
    };
    let mut model = build_dest(
        &vm_json,
        vmi.as_ref(),
        &pvcs,
        node_labels,
        power,
        guest_agent,
    );
    model.started_for_checks = restore.is_some();
    if let Some(previous) = restore {
        t.set_run_strategy(&previous, format!("stop {} again", t.vm))
            .await?;
        let stop = t.opts(START_TIMEOUT);
        t.r.watches
            .wait(&t.vmi, vmi_stopped(), &stop, |_| {})
            .await?;
    }
    Ok(Some((model, vm_json)))
}

/// The VM once it settled (after the settle timeout: as it is).
async fn settle(t: &Target<'_>) -> Result<DynamicObject, EngineError> {
    let settled =
        t.r.watches
            .wait(&t.vm, vm_settled(), &t.opts(SETTLE_TIMEOUT), |_| {})
            .await;
    match settled {
        Ok(o) => Ok(o),
        Err(EngineError::Timeout { .. }) => with_retry(|| async { t.vms.get(&t.vm.name).await })
            .await
            .map_err(|e| EngineError::api(format!("get {}", t.vm), &e)),
        Err(e) => Err(e),
    }
}

/// Whether a running VM's guest agent is connected (awaited up to `timeout` when given).
async fn agent_connected(t: &Target<'_>, timeout: Option<Duration>) -> Result<bool, EngineError> {
    let Some(timeout) = timeout else {
        let vmis = t.vmi.api(t.r.client);
        return Ok(match vmis.get(&t.vmi.name).await {
            Ok(vmi) => condition_true(&vmi, "AgentConnected"),
            Err(_) => false,
        });
    };
    let cond = has_condition("AgentConnected");
    match t
        .r
        .watches
        .wait(&t.vmi, cond, &t.opts(timeout), |_| {})
        .await
    {
        Ok(_) => Ok(true),
        Err(EngineError::Timeout { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Starts a stopped VM and waits for its VMI to run; returns the run strategy to restore.
async fn start(t: &Target<'_>, vm: &DynamicObject) -> Result<Value, EngineError> {
    let previous = vm
        .data
        .pointer("/spec/runStrategy")
        .cloned()
        .unwrap_or(json!("Halted"));
    t.set_run_strategy(&json!("Always"), format!("start {}", t.vm))
        .await?;
    let run = t.opts(START_TIMEOUT);
    t.r.watches
        .wait(&t.vmi, vmi_running(), &run, |_| {})
        .await?;
    Ok(previous)
}

type Around = (
    Option<Value>,
    BTreeMap<String, Value>,
    BTreeMap<String, String>,
);

/// The VMI, the PVCs of the VM's volumes and its node's labels.
async fn read_around(t: &Target<'_>, vm: &Value) -> Result<Around, EngineError> {
    let client = t.r.client;
    let vmi = match t.vmi.api(client).get(&t.vmi.name).await {
        Ok(v) => Some(json_of(&v)),
        Err(e) if is_not_found(&e) => None,
        Err(e) => return Err(EngineError::api(format!("get {}", t.vmi), &e)),
    };
    let namespace = t.vm.namespace.as_deref();
    let pvc_api = kinds::PVC.api(client, namespace);
    let mut pvcs = BTreeMap::new();
    for (_, claim) in claims(vm) {
        match with_retry(|| async { pvc_api.get(&claim).await }).await {
            Ok(p) => {
                pvcs.insert(claim, json_of(&p));
            }
            Err(e) if is_not_found(&e) => {}
            Err(e) => {
                let pvc = ObjectRef::new(kinds::PVC, namespace, &claim);
                return Err(EngineError::api(format!("get {pvc}"), &e));
            }
        }
    }
    let mut node_labels = BTreeMap::new();
    if let Some(node) = vmi
        .as_ref()
        .and_then(|v| v.pointer("/status/nodeName"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        let nodes = kinds::NODE.api(client, None);
        if let Ok(n) = with_retry(|| async { nodes.get(node).await }).await {
            node_labels = n.metadata.labels.unwrap_or_default().into_iter().collect();
        }
    }
    Ok((vmi, pvcs, node_labels))
}

fn printable_status(o: &DynamicObject) -> &str {
    o.data
        .pointer("/status/printableStatus")
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn json_of(o: &DynamicObject) -> Value {
    serde_json::to_value(o).unwrap_or(Value::Null)
}
