//! Configuring and starting a server: clock, store with its kinds and initial namespaces,
//! CRDs, token, TLS identity, start hooks, the API router with extra routes, extra listeners.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use axum::Router;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::handle::ServerHandle;
use super::serve;
use super::{DEFAULT_TIME_SCALE, RouteFactory, ServerContext, ServerError, StartHook, TlsIdentity};
use crate::api::{self, ApiContext, Faults, Limits, Token};
use crate::clock::Clock;
use crate::store::{Kinds, ResourceKind, Store, StoreConfig, builtin_kinds};

/// Entry point: `Server::builder()`.
pub struct Server;

impl Server {
    /// A builder with defaults: any free port, the built-in kinds, namespaces `default` and
    /// `kube-system`, kubeconfig namespace `default`, time scale [`DEFAULT_TIME_SCALE`], no CRD
    /// schemas, no faults.
    pub fn builder() -> ServerBuilder {
        ServerBuilder {
            port: 0,
            crds: Vec::new(),
            crds_dirs: Vec::new(),
            time_scale: DEFAULT_TIME_SCALE,
            clock: None,
            faults: Faults::default(),
            namespace: "default".to_string(),
            history_size: StoreConfig::default().history_size,
            limits: Limits::default(),
            token: None,
            routes: Vec::new(),
            listeners: Vec::new(),
            table: builtin_kinds(),
            kinds: Vec::new(),
            namespaces: vec!["default".to_string(), "kube-system".to_string()],
            hooks: Vec::new(),
        }
    }
}

/// Configures a server; see [`Server::builder`].
pub struct ServerBuilder {
    port: u16,
    crds: Vec<Value>,
    crds_dirs: Vec<PathBuf>,
    time_scale: f64,
    clock: Option<Clock>,
    faults: Faults,
    namespace: String,
    history_size: usize,
    limits: Limits,
    token: Option<String>,
    routes: Vec<RouteFactory>,
    listeners: Vec<(String, u16, bool, RouteFactory)>,
    table: Vec<ResourceKind>,
    kinds: Vec<ResourceKind>,
    namespaces: Vec<String>,
    hooks: Vec<StartHook>,
}

impl std::fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("port", &self.port)
            .field("crds", &self.crds.len())
            .field("crds_dirs", &self.crds_dirs)
            .field("time_scale", &self.time_scale)
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl ServerBuilder {
    /// Port on 127.0.0.1 (0 = any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Installs these CustomResourceDefinitions at start (repeatable), before the CRDs of
    /// [`Self::crds_dir`], which replace same-named ones: their kinds are served and
    /// validated against their schemas, and the CRD objects are listed like any other.
    pub fn crds(mut self, docs: impl IntoIterator<Item = Value>) -> Self {
        self.crds.extend(docs);
        self
    }

    /// Loads CRDs from `dir` (repeatable): their kinds are validated against their schemas.
    pub fn crds_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.crds_dirs.push(dir.into());
        self
    }

    /// Virtual seconds per wall-clock second.
    pub fn time_scale(mut self, scale: f64) -> Self {
        self.time_scale = scale;
        self
    }

    /// Uses this clock (overrides `time_scale`; deterministic tests).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// API fault injection.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// The namespace the kubeconfig's context selects.
    pub fn namespace(mut self, ns: &str) -> Self {
        self.namespace = ns.to_string();
        self
    }

    /// Watch events kept for replay (older resourceVersions get 410).
    pub fn history_size(mut self, events: usize) -> Self {
        self.history_size = events;
        self
    }

    /// Request limits (body size, timeouts, bookmark period).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// A fixed bearer token instead of a random one.
    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_string());
        self
    }

    /// Serves exactly these kinds, in this order (the order discovery lists groups in), instead
    /// of the built-in table; compose it from [`crate::store::resource_kinds`], your rows and
    /// [`crate::store::crd_kind`] to keep plain Kubernetes.
    pub fn kind_table(mut self, rows: Vec<ResourceKind>) -> Self {
        self.table = rows;
        self
    }

    /// Serves an additional kind (after the table's).
    pub fn kind(mut self, kind: ResourceKind) -> Self {
        self.kinds.push(kind);
        self
    }

    /// A namespace that exists from the start, created after `default` and `kube-system`
    /// (repeatable; created in this order).
    pub fn initial_namespace(mut self, name: &str) -> Self {
        self.namespaces.push(name.to_string());
        self
    }

    /// Extra routes on the API server.
    pub fn routes(mut self, make: impl FnOnce(&ServerContext) -> Router + Send + 'static) -> Self {
        self.routes.push(Box::new(make));
        self
    }

    /// An extra plain-HTTP server named `name` on 127.0.0.1:`port` (0 = any).
    pub fn listener(
        mut self,
        name: &str,
        port: u16,
        make: impl FnOnce(&ServerContext) -> Router + Send + 'static,
    ) -> Self {
        self.listeners
            .push((name.to_string(), port, false, Box::new(make)));
        self
    }

    /// An extra HTTPS server named `name` on 127.0.0.1:`port`, with the API server's
    /// certificate (clients trust [`ServerHandle::ca_pem`]).
    pub fn tls_listener(
        mut self,
        name: &str,
        port: u16,
        make: impl FnOnce(&ServerContext) -> Router + Send + 'static,
    ) -> Self {
        self.listeners
            .push((name.to_string(), port, true, Box::new(make)));
        self
    }

    /// Runs `hook` once the store exists and before requests are served.
    pub fn on_start(
        mut self,
        hook: impl FnOnce(&ServerContext) -> Result<(), String> + Send + 'static,
    ) -> Self {
        self.hooks.push(Box::new(hook));
        self
    }

    /// Binds, loads CRDs, runs hooks and starts serving.
    pub async fn start(self) -> Result<ServerHandle, ServerError> {
        let clock = self.clock.unwrap_or_else(|| Clock::new(self.time_scale));
        let store = build_store(
            &clock,
            self.history_size,
            self.table,
            &self.namespaces,
            self.kinds,
            (&self.crds, &self.crds_dirs),
        )?;
        let token = self
            .token
            .as_deref()
            .map(Token::new)
            .unwrap_or_else(Token::random);
        let shutdown = CancellationToken::new();
        let tls = TlsIdentity::generate()?;
        let ctx = ServerContext {
            store: store.clone(),
            clock: clock.clone(),
            token: token.clone(),
            shutdown: shutdown.clone(),
            tls: tls.clone(),
        };
        let (addr, listener) = serve::bind_api(self.port, &tls).await?;
        for hook in self.hooks {
            hook(&ctx).map_err(ServerError::Setup)?;
        }
        let mut extra = Router::new();
        for make in self.routes {
            extra = extra.merge(make(&ctx));
        }
        let api_ctx = Arc::new(ApiContext {
            store: store.clone(),
            limits: self.limits,
            shutdown: shutdown.clone(),
            server_address: addr.to_string(),
        });
        let requests = Arc::new(AtomicU64::new(0));
        let faults = Arc::new(api::faults::FaultInjector::new(&self.faults));
        let app = serve::counted(
            api::router_with_injector(api_ctx, token.clone(), faults.clone(), extra),
            &requests,
        );
        let mut tasks = vec![serve::spawn_server("api", listener, app, shutdown.clone())];
        let mut listeners = BTreeMap::new();
        for (name, port, secure, make) in self.listeners {
            let counted = |ctx: &ServerContext| serve::counted(make(ctx), &requests);
            let (got, task) = serve::listen(&name, port, secure, counted, &ctx).await?;
            tasks.push(task);
            listeners.insert(name, (got, secure));
        }
        tracing::info!(%addr, "mtvt sim API server listening");
        Ok(ServerHandle {
            addr,
            url: format!("https://{addr}"),
            token,
            tls,
            namespace: self.namespace,
            store,
            clock,
            listeners,
            shutdown,
            tasks,
            requests,
            faults,
        })
    }
}

/// The store: the kind table, the initial namespaces (in order), the extra kinds, the given
/// CRDs, then the CRDs of each directory.
fn build_store(
    clock: &Clock,
    history_size: usize,
    table: Vec<ResourceKind>,
    namespaces: &[String],
    kinds: Vec<ResourceKind>,
    (crds, crds_dirs): (&[Value], &[PathBuf]),
) -> Result<Store, ServerError> {
    let store = Store::with_kinds(
        clock.clone(),
        StoreConfig { history_size },
        Kinds::new(table),
    );
    for ns in namespaces {
        store.create_namespace(ns)?;
    }
    for k in kinds {
        store.register_kind(k);
    }
    if !crds.is_empty() {
        let n = store.install_crds(crds)?;
        tracing::debug!(crds = n, "installed CRDs");
    }
    for dir in crds_dirs {
        let n = store.load_crds(dir)?;
        tracing::info!(dir = %dir.display(), crds = n, "loaded CRDs");
    }
    Ok(store)
}
