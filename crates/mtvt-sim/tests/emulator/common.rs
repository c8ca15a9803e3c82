#![allow(dead_code)]
//! Shared helpers: start an emulator, a kube client and an HTTPS client trusting its CA,
//! create objects from JSON, wait on conditions through watches, and build the standard
//! Secret/Provider/maps/Plan/Migration for a lab VM.

use std::time::Duration;

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, ResourceExt};
use mtvt_sim::emulator::{Emulator, EmulatorOptions};
use serde_json::{Value, json};

pub const MTV: &str = "openshift-mtv";

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
pub const SECRET: Kind = k("", "v1", "Secret", "secrets");
pub const NAMESPACE: Kind = k("", "v1", "Namespace", "namespaces");
pub const PVC: Kind = k("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims");
pub const POD: Kind = k("", "v1", "Pod", "pods");
pub const CONFIGMAP: Kind = k("", "v1", "ConfigMap", "configmaps");
pub const EVENT: Kind = k("", "v1", "Event", "events");
pub const JOB: Kind = k("batch", "v1", "Job", "jobs");
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

pub fn init() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
}

pub struct Env {
    pub emu: Emulator,
    pub kube: Client,
    pub http: reqwest::Client,
}

impl Env {
    pub async fn start() -> Env {
        Self::with(EmulatorOptions::default()).await
    }

    pub async fn with(opts: EmulatorOptions) -> Env {
        init();
        let emu = Emulator::start(opts).await.expect("emulator starts");
        let kc = Kubeconfig::from_yaml(&emu.kubeconfig_yaml()).unwrap();
        let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
            .await
            .unwrap();
        let kube = Client::try_from(config).unwrap();
        let ca = reqwest::Certificate::from_pem(emu.ca_pem().as_bytes()).unwrap();
        let http = reqwest::Client::builder()
            .add_root_certificate(ca)
            .build()
            .unwrap();
        Env { emu, kube, http }
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

    pub async fn create(&self, kind: Kind, ns: &str, mut obj: Value) -> Value {
        let api_version = if kind.group.is_empty() {
            kind.version.to_string()
        } else {
            format!("{}/{}", kind.group, kind.version)
        };
        obj["apiVersion"] = json!(api_version);
        obj["kind"] = json!(kind.kind);
        let o: DynamicObject = serde_json::from_value(obj).unwrap();
        let api = if ns.is_empty() {
            self.api(kind, None)
        } else {
            self.api(kind, Some(ns))
        };
        let created = api
            .create(&PostParams::default(), &o)
            .await
            .unwrap_or_else(|e| panic!("create {}: {e}", kind.kind));
        serde_json::to_value(created).unwrap()
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
        self.api(kind, Some(ns))
            .create(&PostParams::default(), &o)
            .await
            .map(|c| serde_json::to_value(c).unwrap())
    }

    pub async fn get(&self, kind: Kind, ns: &str, name: &str) -> Value {
        let api = if ns.is_empty() {
            self.api(kind, None)
        } else {
            self.api(kind, Some(ns))
        };
        serde_json::to_value(
            api.get(name)
                .await
                .unwrap_or_else(|e| panic!("get {} {ns}/{name}: {e}", kind.kind)),
        )
        .unwrap()
    }

    pub async fn list(&self, kind: Kind, ns: &str) -> Vec<Value> {
        let api = if ns.is_empty() {
            self.api(kind, None)
        } else {
            self.api(kind, Some(ns))
        };
        api.list(&Default::default())
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

    pub fn profile(&self, name: &str) -> Value {
        self.emu.providers_json()[name].clone()
    }
}

pub fn cond<'a>(obj: &'a Value, kind: &str) -> Option<&'a Value> {
    obj.pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind && c["status"] == "True")
}

pub fn has(obj: &Value, kind: &str) -> bool {
    cond(obj, kind).is_some()
}

pub fn name_of(v: &Value) -> String {
    let o: DynamicObject = serde_json::from_value(v.clone()).unwrap();
    o.name_any()
}

/// Creates the source Secret and Provider for lab profile `profile` in `ns`.
pub async fn source_provider(env: &Env, ns: &str, profile: &str, name: &str) -> Value {
    let p = env.profile(profile);
    let kind = p["type"].as_str().unwrap().to_string();
    let data = match kind.as_str() {
        "vsphere" | "ovirt" => {
            json!({"user": p["username"], "password": p["password"], "insecureSkipVerify": "true", "url": p["api_url"]})
        }
        "openstack" => {
            json!({"username": p["username"], "password": p["password"], "regionName": p["region_name"],
            "projectName": p["project_name"], "domainName": p["user_domain_name"], "insecureSkipVerify": "true", "url": p["api_url"]})
        }
        "ova" => json!({"url": p["api_url"]}),
        _ => json!({"token": env.emu.token(), "insecureSkipVerify": "true"}),
    };
    env.create(SECRET, ns, json!({"metadata": {"name": format!("{name}-secret")}, "type": "Opaque", "stringData": data})).await;
    let url = if kind == "openshift" {
        String::new()
    } else {
        p["api_url"].as_str().unwrap().to_string()
    };
    let spec = if kind == "openshift" {
        json!({"type": "openshift", "url": "", "secret": {}})
    } else {
        json!({"type": kind, "url": url, "secret": {"name": format!("{name}-secret"), "namespace": ns}})
    };
    env.create(
        PROVIDER,
        ns,
        json!({"metadata": {"name": name}, "spec": spec}),
    )
    .await
}

pub async fn namespace(env: &Env, ns: &str) {
    env.create(NAMESPACE, "", json!({"metadata": {"name": ns}}))
        .await;
}

pub async fn ready(env: &Env, kind: Kind, ns: &str, name: &str) -> Value {
    env.wait(kind, ns, name, 10, |o| has(o, "Ready")).await
}
