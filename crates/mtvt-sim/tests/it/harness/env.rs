//! A cluster seen through kube-rs ([`Cluster`]): objects of the kinds below created, read,
//! patched and listed as JSON, and waits on conditions through watches; and a whole emulator
//! per test ([`Env`]), which is such a cluster plus an HTTPS client trusting its CA.

use std::ops::Deref;
use std::time::Duration;

use kube::Client;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, PostParams};
use mtvt_sim::emulator::{Emulator, EmulatorOptions};
use serde_json::{Value, json};

use super::{client_for, https_client, init};

#[derive(Clone, Copy, Debug)]
pub struct Kind {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
}

const fn k(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
) -> Kind {
    Kind {
        group,
        version,
        kind,
        plural,
    }
}

pub const PROVIDER: Kind = k("forklift.konveyor.io", "v1beta1", "Provider", "providers");
pub const PLAN: Kind = k("forklift.konveyor.io", "v1beta1", "Plan", "plans");
pub const MIGRATION: Kind = k("forklift.konveyor.io", "v1beta1", "Migration", "migrations");
pub const NETMAP: Kind = k(
    "forklift.konveyor.io",
    "v1beta1",
    "NetworkMap",
    "networkmaps",
);
pub const STORAGEMAP: Kind = k(
    "forklift.konveyor.io",
    "v1beta1",
    "StorageMap",
    "storagemaps",
);
pub const HOOK: Kind = k("forklift.konveyor.io", "v1beta1", "Hook", "hooks");
pub const FORKLIFT_CONTROLLER: Kind = k(
    "forklift.konveyor.io",
    "v1beta1",
    "ForkliftController",
    "forkliftcontrollers",
);
pub const SECRET: Kind = k("", "v1", "Secret", "secrets");
pub const NAMESPACE: Kind = k("", "v1", "Namespace", "namespaces");
pub const PVC: Kind = k("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims");
pub const POD: Kind = k("", "v1", "Pod", "pods");
pub const CONFIGMAP: Kind = k("", "v1", "ConfigMap", "configmaps");
pub const EVENT: Kind = k("", "v1", "Event", "events");
pub const JOB: Kind = k("batch", "v1", "Job", "jobs");
pub const DEPLOYMENT: Kind = k("apps", "v1", "Deployment", "deployments");
pub const ROUTE: Kind = k("route.openshift.io", "v1", "Route", "routes");
pub const VM: Kind = k("kubevirt.io", "v1", "VirtualMachine", "virtualmachines");
pub const VMI: Kind = k(
    "kubevirt.io",
    "v1",
    "VirtualMachineInstance",
    "virtualmachineinstances",
);
pub const DV: Kind = k("cdi.kubevirt.io", "v1beta1", "DataVolume", "datavolumes");
pub const NAD: Kind = k(
    "k8s.cni.cncf.io",
    "v1",
    "NetworkAttachmentDefinition",
    "network-attachment-definitions",
);

/// A kube client and object helpers keyed by [`Kind`].
#[derive(Clone)]
pub struct Cluster {
    pub kube: Client,
}

impl Cluster {
    /// A client of the cluster a kubeconfig points at.
    pub async fn connect(kubeconfig_yaml: &str) -> Cluster {
        Cluster {
            kube: client_for(kubeconfig_yaml).await,
        }
    }

    pub fn api(&self, kind: Kind, ns: Option<&str>) -> Api<DynamicObject> {
        let ar = ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(kind.group, kind.version, kind.kind),
            kind.plural,
        );
        match ns {
            Some(ns) => Api::namespaced_with(self.kube.clone(), ns, &ar),
            None => Api::all_with(self.kube.clone(), &ar),
        }
    }

    /// The API of `kind` in `ns` (all namespaces, or cluster-scoped, when `ns` is empty).
    fn api_in(&self, kind: Kind, ns: &str) -> Api<DynamicObject> {
        self.api(kind, (!ns.is_empty()).then_some(ns))
    }

    pub async fn create(&self, kind: Kind, ns: &str, obj: Value) -> Value {
        self.try_create(kind, ns, obj)
            .await
            .unwrap_or_else(|e| panic!("create {}: {e}", kind.kind))
    }

    pub async fn try_create(
        &self,
        kind: Kind,
        ns: &str,
        mut obj: Value,
    ) -> Result<Value, kube::Error> {
        obj["apiVersion"] = json!(if kind.group.is_empty() {
            kind.version.to_string()
        } else {
            format!("{}/{}", kind.group, kind.version)
        });
        obj["kind"] = json!(kind.kind);
        let o: DynamicObject = serde_json::from_value(obj).unwrap();
        self.api_in(kind, ns)
            .create(&PostParams::default(), &o)
            .await
            .map(|c| serde_json::to_value(c).unwrap())
    }

    pub async fn get(&self, kind: Kind, ns: &str, name: &str) -> Value {
        let got = self.api_in(kind, ns).get(name).await;
        let got = got.unwrap_or_else(|e| panic!("get {} {ns}/{name}: {e}", kind.kind));
        serde_json::to_value(got).unwrap()
    }

    pub async fn list(&self, kind: Kind, ns: &str) -> Vec<Value> {
        self.api_in(kind, ns)
            .list(&Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|o| serde_json::to_value(o).unwrap())
            .collect()
    }

    pub async fn patch(&self, kind: Kind, ns: &str, name: &str, patch: Value) -> Value {
        let api = self.api(kind, Some(ns));
        let p = kube::api::Patch::Merge(patch);
        serde_json::to_value(
            api.patch(name, &kube::api::PatchParams::default(), &p)
                .await
                .unwrap(),
        )
        .unwrap()
    }

    /// Waits (through a watch) until `pred` holds for the object; panics with the last state.
    pub async fn wait(
        &self,
        kind: Kind,
        ns: &str,
        name: &str,
        secs: u64,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let api = self.api(kind, Some(ns));
        let last = std::sync::Arc::new(std::sync::Mutex::new(Value::Null));
        let l2 = last.clone();
        let cond = move |o: Option<&DynamicObject>| {
            let v = o
                .map(|o| serde_json::to_value(o).unwrap())
                .unwrap_or(Value::Null);
            let ok = !v.is_null() && pred(&v);
            *l2.lock().unwrap() = v;
            ok
        };
        match tokio::time::timeout(
            Duration::from_secs(secs),
            kube::runtime::wait::await_condition(api, name, cond),
        )
        .await
        {
            Ok(Ok(Some(o))) => serde_json::to_value(o).unwrap(),
            other => panic!(
                "{} {ns}/{name}: condition not met within {secs}s ({:?}); last state:\n{}",
                kind.kind,
                other.err(),
                serde_json::to_string_pretty(&*last.lock().unwrap()).unwrap()
            ),
        }
    }
}

/// A whole emulator: a [`Cluster`] (through `Deref`), the emulator itself and an HTTPS client
/// trusting its CA.
pub struct Env {
    pub emu: Emulator,
    pub cluster: Cluster,
    pub http: reqwest::Client,
}

impl Deref for Env {
    type Target = Cluster;

    fn deref(&self) -> &Cluster {
        &self.cluster
    }
}

impl Env {
    pub async fn start() -> Env {
        Self::with(EmulatorOptions::default()).await
    }

    pub async fn with(opts: EmulatorOptions) -> Env {
        init();
        let emu = Emulator::start(opts).await.expect("emulator starts");
        let cluster = Cluster::connect(&emu.kubeconfig_yaml()).await;
        let http = https_client(emu.ca_pem());
        Env { emu, cluster, http }
    }

    pub fn profile(&self, name: &str) -> Value {
        self.emu.providers_json()[name].clone()
    }
}
