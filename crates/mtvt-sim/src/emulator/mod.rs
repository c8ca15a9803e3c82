//! The one entry point that starts the whole emulator: the Kubernetes API server, the Forklift
//! inventory (behind the `forklift-inventory` Route of the MTV namespace, over TLS with the
//! cluster CA, as on OpenShift), one source-API listener per vSphere/oVirt/OpenStack lab
//! provider, the initial cluster objects, and every controller.
//!
//! ```no_run
//! # async fn demo() -> Result<(), mtvt_sim::emulator::EmulatorError> {
//! use mtvt_sim::emulator::{Emulator, EmulatorOptions};
//! let emu = Emulator::start(EmulatorOptions::default()).await?;
//! emu.write_kubeconfig(std::path::Path::new("/tmp/kc")).expect("write kubeconfig");
//! std::fs::write("/tmp/.providers.json", emu.providers_json().to_string()).expect("write");
//! emu.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! It wires existing parts together; it must not implement controller behaviour itself.

mod resolver;
mod seed;
mod step_faults;

pub use seed::MTV_VERSION;
pub use step_faults::parse_step_fault;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::api::Faults;
use crate::clock::Clock;
use crate::controllers::{self, Ctx, Guests, Settings};
use crate::esxi::EsxiHosts;
use crate::guest::{GuestFault, GuestRegistry};
use crate::inventory::{self, InventoryOptions};
use crate::lab::{Lab, LabError, LabHandle, ProviderKind, render_providers_json};
use crate::server::{Server, ServerError, ServerHandle};
use crate::store::Store;

/// Virtual seconds per wall-clock second unless told otherwise: a cold migration of a 30 GiB
/// disk (about 4 virtual minutes) takes under a second, a warm migration cutting over 5
/// virtual minutes after it starts takes about one second, and `kubectl get` ages stay
/// readable for a few minutes of use.
pub const DEFAULT_TIME_SCALE: f64 = 300.0;

/// Name of the inventory Route, Service and listener.
pub const INVENTORY: &str = "forklift-inventory";

/// How to start an emulator.
#[derive(Clone, Debug)]
pub struct EmulatorOptions {
    /// The lab (`None` = the built-in default lab).
    pub lab: Option<Lab>,
    /// Virtual seconds per wall-clock second.
    pub time_scale: f64,
    /// CRD directories whose schemas validate objects (e.g. `../shared/schemas/forklift`).
    pub crds_dirs: Vec<PathBuf>,
    /// API-level faults (5xx/409/429, latency, dropped watches).
    pub api_faults: Faults,
    /// The MTV namespace.
    pub mtv_namespace: String,
    /// API server port on 127.0.0.1 (0 = any).
    pub port: u16,
    /// Virtual delay before source-side changes show in the inventory.
    pub inventory_refresh_delay: Duration,
    /// The namespace the kubeconfig context selects.
    pub namespace: String,
    /// Runs pods of the mtvt image as local mtvt processes (`None`: they are emulated).
    pub mtvt_kubelet: Option<controllers::MtvtKubelet>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            lab: None,
            time_scale: DEFAULT_TIME_SCALE,
            crds_dirs: Vec::new(),
            api_faults: Faults::default(),
            mtv_namespace: "openshift-mtv".to_string(),
            port: 0,
            inventory_refresh_delay: inventory::DEFAULT_REFRESH_DELAY,
            namespace: "default".to_string(),
            mtvt_kubelet: None,
        }
    }
}

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The built-in lab is broken (a bug).
    #[error("the built-in lab is invalid: {0}")]
    Lab(#[from] LabError),
    /// The API server or a listener failed.
    #[error(transparent)]
    Server(#[from] ServerError),
    /// An ESXi host's SSH server could not listen.
    #[error("cannot start the ESXi SSH servers: {0}")]
    Esxi(String),
    /// The initial objects could not be created.
    #[error("cannot create the initial cluster objects: {0}")]
    Seed(String),
}

/// A running emulator.
pub struct Emulator {
    server: ServerHandle,
    lab: LabHandle,
    endpoints: BTreeMap<String, String>,
    mtv_namespace: String,
    guests: GuestRegistry,
    esxi: EsxiHosts,
    /// Lab provider name → `127.0.0.1:port` of its first ESXi host's SSH server.
    esxi_endpoints: BTreeMap<String, String>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.server.url())
            .field("endpoints", &self.endpoints)
            .finish_non_exhaustive()
    }
}

/// Starts an SSH server per ESXi host; returns each copy-offload provider's first host's
/// address (its profile's `esxi_host`).
async fn serve_esxi(
    lab: &Lab,
    esxi: &EsxiHosts,
    stop: &tokio_util::sync::CancellationToken,
) -> Result<BTreeMap<String, String>, EmulatorError> {
    let mut first = BTreeMap::new();
    for p in lab.providers.iter().filter(|p| p.copy_offload.is_some()) {
        for (i, h) in p.hosts.iter().enumerate() {
            let Some(host) = esxi.get(&h.id) else {
                continue;
            };
            let addr = crate::esxi::sshd::listen(host, stop.clone())
                .await
                .map_err(|e| EmulatorError::Esxi(format!("ESXi host {}: {e}", h.name)))?;
            if i == 0 {
                first.insert(p.name.clone(), addr.to_string());
            }
        }
    }
    Ok(first)
}

fn source_listener(name: &str) -> String {
    format!("source-{name}")
}

pub use crate::lab::esxi_endpoint_key as esxi_key;

impl Emulator {
    /// Starts everything; returns once the initial objects exist and controllers run.
    pub async fn start(opts: EmulatorOptions) -> Result<Emulator, EmulatorError> {
        let lab = match opts.lab {
            Some(l) => l,
            None => Lab::default_lab()?,
        };
        let clock = Clock::new(opts.time_scale);
        let lab = LabHandle::new(lab, clock.clone());
        let cell: Arc<OnceLock<Ctx>> = Arc::new(OnceLock::new());
        let mut builder = Server::builder_in(&opts.mtv_namespace)
            .port(opts.port)
            .clock(clock.clone())
            .faults(opts.api_faults.clone())
            .namespace(&opts.namespace);
        for d in &opts.crds_dirs {
            builder = builder.crds_dir(d);
        }
        for p in &lab.lab().providers {
            let lab2 = lab.clone();
            let name = p.name.clone();
            builder = match p.kind {
                ProviderKind::Vsphere => {
                    let (lab3, name3) = (lab2.clone(), name.clone());
                    let b = builder.listener(&source_listener(&p.name), 0, move |_| {
                        crate::sources::vsphere::router(lab2, &name)
                    });
                    if p.esxi_endpoint.is_some() {
                        b.listener(&source_listener(&esxi_key(&p.name)), 0, move |_| {
                            crate::sources::vsphere::esxi::router(lab3, &name3)
                        })
                    } else {
                        b
                    }
                }
                ProviderKind::Ovirt => builder.listener(&source_listener(&p.name), 0, move |_| {
                    crate::sources::ovirt::router(lab2, &name)
                }),
                ProviderKind::Openstack => {
                    builder.listener(&source_listener(&p.name), 0, move |_| {
                        crate::sources::openstack::router(lab2, &name)
                    })
                }
                // Hyper-V is reached over WinRM/PSRP, which the emulator does not serve:
                // the controllers read the lab directly (docs/emulator.md)
                ProviderKind::Openshift | ProviderKind::Ova | ProviderKind::Hyperv => builder,
            };
        }
        let inv_lab = lab.clone();
        let inv_cell = cell.clone();
        let refresh = opts.inventory_refresh_delay;
        builder = builder.tls_listener(INVENTORY, 0, move |sctx| {
            inventory::router(
                inv_lab,
                Arc::new(resolver::StoreResolver::new(sctx.store.clone(), inv_cell)),
                Arc::new(resolver::StoreClusterView::new(sctx.store.clone())),
                InventoryOptions {
                    refresh_delay: refresh,
                },
            )
        });
        builder = builder.routes(|sctx| controllers::kubevirt_api::routes(sctx.store.clone()));
        let guests = GuestRegistry::default();
        for fault in &lab.lab().faults.guest {
            guests.add_fault(fault.clone());
        }
        let (pf_cell, pf_guests) = (cell.clone(), guests.clone());
        builder = builder.routes(move |sctx| {
            crate::guest::portforward::routes(crate::guest::portforward::PortForward {
                store: sctx.store.clone(),
                ctx: pf_cell,
                guests: pf_guests,
            })
        });
        builder = builder.on_start(|sctx| {
            controllers::webhooks::register(&sctx.store);
            Ok(())
        });
        let server = builder.start().await?;
        let esxi = EsxiHosts::of_lab(lab.lab());
        let esxi_endpoints = serve_esxi(lab.lab(), &esxi, &server.shutdown_token()).await?;
        let mut endpoints = BTreeMap::new();
        for p in &lab.lab().providers {
            for key in [p.name.clone(), esxi_key(&p.name)] {
                if let Some(url) = server.listener_url(&source_listener(&key)) {
                    endpoints.insert(key, url);
                }
            }
        }
        let inventory_addr = server
            .listener_addr(INVENTORY)
            .map(|a| a.to_string())
            .unwrap_or_default();
        let ctx = Ctx {
            store: server.store().clone(),
            clock: clock.clone(),
            lab: lab.clone(),
            shutdown: server.shutdown_token(),
            settings: Arc::new(Settings {
                mtv_namespace: opts.mtv_namespace.clone(),
                refresh_delay: opts.inventory_refresh_delay,
                api_host: server.addr().to_string(),
                token: server.token().to_string(),
                ca_pem: server.ca_pem().to_string(),
                mtvt_kubelet: opts.mtvt_kubelet.clone(),
            }),
            endpoints: Arc::new(endpoints.clone()),
            guests: Guests::default(),
            collectors: Default::default(),
            esxi: esxi.clone(),
        };
        seed::seed(&ctx, &inventory_addr).map_err(|e| EmulatorError::Seed(e.to_string()))?;
        let _ = cell.set(ctx.clone());
        controllers::spawn_all(&ctx);
        Ok(Emulator {
            server,
            lab,
            endpoints,
            mtv_namespace: opts.mtv_namespace,
            guests,
            esxi,
            esxi_endpoints,
        })
    }

    /// A kubeconfig for the API server (URL, CA, token).
    pub fn kubeconfig_yaml(&self) -> String {
        self.server.kubeconfig_yaml()
    }

    /// Writes the kubeconfig (mode 0600: it holds the token).
    pub fn write_kubeconfig(&self, path: &Path) -> std::io::Result<()> {
        self.server.write_kubeconfig(path)
    }

    /// The `.providers.json` document: profiles `vsphere`, `vsphere-copy-offload`, `ovirt`,
    /// `openstack`, `openshift`, `ova` (one per lab provider) pointing at this emulator.
    pub fn providers_json(&self) -> serde_json::Value {
        render_providers_json(self.lab.lab(), &self.endpoints, &self.esxi_endpoints)
    }

    /// `https://127.0.0.1:PORT` of the API server.
    pub fn url(&self) -> String {
        self.server.url().to_string()
    }

    /// The bearer token (secret: never log it).
    pub fn token(&self) -> &str {
        self.server.token()
    }

    /// The cluster CA (PEM): the API server and the inventory Route are signed by it.
    pub fn ca_pem(&self) -> &str {
        self.server.ca_pem()
    }

    /// Replaces the API server's fault rules for the requests to come (`Faults::default()`
    /// ends fault injection).
    pub fn set_api_faults(&self, faults: &Faults) {
        self.server.set_faults(faults);
    }

    /// HTTP requests served so far (API server, inventory and source APIs).
    pub fn request_count(&self) -> u64 {
        self.server.request_count()
    }

    /// Breaks the guests of matching VMs (now and when they are first reached over SSH).
    pub fn add_guest_fault(&self, fault: GuestFault) {
        self.guests.add_fault(fault);
    }

    /// The ESXi hosts of copy-offload providers (root's authorized_keys).
    pub fn esxi_hosts(&self) -> EsxiHosts {
        self.esxi.clone()
    }

    /// The virtual clock.
    pub fn clock(&self) -> Clock {
        self.server.clock().clone()
    }

    /// The object store.
    pub fn store(&self) -> Store {
        self.server.store().clone()
    }

    /// The source lab.
    pub fn lab(&self) -> LabHandle {
        self.lab.clone()
    }

    /// The MTV namespace.
    pub fn mtv_namespace(&self) -> &str {
        &self.mtv_namespace
    }

    /// Base URL of each lab provider's source API (vSphere, oVirt, OpenStack).
    pub fn source_endpoints(&self) -> &BTreeMap<String, String> {
        &self.endpoints
    }

    /// `https://127.0.0.1:PORT` of the inventory.
    pub fn inventory_url(&self) -> Option<String> {
        self.server.listener_url(INVENTORY)
    }

    /// Stops everything (controllers, listeners, watches).
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}
