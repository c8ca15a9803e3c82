//! The emulator's controllers: Forklift (the operator, providers, maps, plan validation and
//! execution, migrations, hooks), KubeVirt (VM → VMI, start/stop/restart), CDI (DataVolume →
//! PVC), Deployments and ReplicaSets, the scheduler and the admission webhooks. Each sub-module is one controller; they act only
//! through the [`Store`] (as real controllers act through the API) and the lab, are driven by
//! store watches and virtual-clock timers ([`runtime`]), and stop on the shutdown token.
//!
//! Entry point: [`spawn_all`] (called by `crate::emulator`). Nothing here speaks HTTP except
//! the KubeVirt subresource routes ([`kubevirt_api`]).

mod apps;
pub mod catalog;
mod cdi;
pub mod collectors;
pub mod conditions;
pub mod forklift_operator;
mod gc;
pub mod gvr;
mod hook;
mod indexed_jobs;
mod jobs;
pub mod json_edit;
mod kubelet;
mod kubevirt;
pub mod kubevirt_api;
mod kubevirt_volumes;
mod maps;
mod migration;
pub mod mtvt_pods;
mod mtvt_pods_exec;
mod plan;
pub mod playbook;
mod provider;
pub mod runtime;
mod scheduler;
pub mod webhooks;
mod xcopy_ssh;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

pub use mtvt_pods::{MTVT_IMAGE, MtvtKubelet};

use crate::clock::Clock;
use crate::lab::LabHandle;
use crate::store::Store;

/// Tunables of the controllers.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The MTV namespace (`openshift-mtv`).
    pub mtv_namespace: String,
    /// How long (virtual) lab changes take to reach the inventory and the controllers.
    pub refresh_delay: Duration,
    /// `host:port` of the API server (a remote `openshift` Provider URL pointing here is this
    /// cluster).
    pub api_host: String,
    /// The cluster bearer token (a remote `openshift` Provider must present it).
    pub token: String,
    /// The cluster CA (PEM), for the ServiceAccount files of pods run as processes.
    pub ca_pem: String,
    /// Runs mtvt's own pods as local processes (`None`: every pod is emulated).
    pub mtvt_kubelet: Option<mtvt_pods::MtvtKubelet>,
}

/// What a migrated (or source) guest looks like once it runs on the cluster: the KubeVirt
/// controller reads it to fill VMI interfaces, IPs and the guest-agent condition.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Guest {
    /// Guest host name.
    pub hostname: String,
    /// Guest OS key (`rhel8`, `win2019`).
    pub os: String,
    /// Whether a guest agent runs (`AgentConnected`).
    pub agent: bool,
    /// The root filesystem is XFS v4.
    pub root_xfs_v4: bool,
    /// IPs per MAC (`addr/prefix`), for NICs that keep their guest configuration.
    pub ips: BTreeMap<String, Vec<String>>,
    /// The root is a LUKS volume the migration was given a passphrase for (`spec.vms[].luks`).
    pub luks: bool,
}

/// Guests by `(namespace, VM name)`.
#[derive(Clone, Debug, Default)]
pub struct Guests(Arc<Mutex<HashMap<(String, String), Guest>>>);

impl Guests {
    /// Records the guest of a VM.
    pub fn put(&self, ns: &str, name: &str, g: Guest) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert((ns.to_string(), name.to_string()), g);
    }

    /// The guest of a VM.
    pub fn get(&self, ns: &str, name: &str) -> Option<Guest> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&(ns.to_string(), name.to_string()))
            .cloned()
    }
}

/// Everything a controller needs. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Ctx {
    /// The object store.
    pub store: Store,
    /// The virtual clock.
    pub clock: Clock,
    /// The source lab.
    pub lab: LabHandle,
    /// Stops every controller.
    pub shutdown: CancellationToken,
    /// Tunables.
    pub settings: Arc<Settings>,
    /// Lab provider name → base URL of its source API listener.
    pub endpoints: Arc<BTreeMap<String, String>>,
    /// Guests of VMs on the cluster.
    pub guests: Guests,
    /// The inventory's collectors.
    pub collectors: collectors::Collectors,
    /// The ESXi hosts of copy-offload providers (authorized_keys for the ssh clone method).
    pub esxi: crate::esxi::EsxiHosts,
}

impl Ctx {
    /// `now` as Kubernetes writes it.
    pub fn now(&self) -> String {
        self.clock.now_rfc3339()
    }
}

/// Starts every controller.
pub fn spawn_all(ctx: &Ctx) {
    let providers = [provider::spawn(ctx)];
    let maps = maps::spawn(ctx);
    let plans = plan::spawn(ctx);
    let _migrations = migration::spawn(ctx);
    let _gc = gc::spawn(ctx);
    let _hooks = hook::spawn(ctx);
    let _jobs = jobs::spawn(ctx);
    let _cdi = cdi::spawn(ctx);
    let _kubevirt = kubevirt::spawn(ctx);
    let _scheduler = scheduler::spawn(ctx);
    let _apps = apps::spawn(ctx);
    let _kubelet = kubelet::spawn(ctx);
    let _operator = forklift_operator::spawn(ctx);
    // Lab changes reach the controllers after the inventory refresh delay.
    let lab_ctx = ctx.clone();
    tokio::spawn(async move {
        let mut rx = lab_ctx.lab.subscribe();
        loop {
            tokio::select! {
                _ = lab_ctx.shutdown.cancelled() => return,
                changed = rx.changed() => if changed.is_err() { return },
            }
            let delay = lab_ctx.settings.refresh_delay + Duration::from_millis(1);
            for c in providers
                .iter()
                .chain(maps.iter())
                .chain(std::iter::once(&plans))
            {
                for key in all_keys(&lab_ctx.store, &c.gvr) {
                    c.queue.add_after(key, delay);
                }
            }
        }
    });
}

/// A started controller: its queue and the kind it reconciles.
pub(crate) struct Started {
    pub queue: runtime::Queue,
    pub gvr: crate::store::Gvr,
}

/// Keys of every object of a kind.
pub(crate) fn all_keys(store: &Store, gvr: &crate::store::Gvr) -> Vec<runtime::Key> {
    store
        .list(gvr, None, &crate::store::ListOptions::default())
        .map(|l| l.items.iter().map(|o| runtime::key_of(o)).collect())
        .unwrap_or_default()
}
