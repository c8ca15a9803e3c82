//! MTV objects the way a test suite builds them: the source Secret and Provider of a lab
//! profile, the inventory lookups of a VM's networks and storages, the standard maps and Plan,
//! a Migration, and waits on their conditions.

use kube::ResourceExt;
use kube::api::DynamicObject;
use serde_json::{Value, json};

use super::MTV;
use super::env::*;

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
    // An OpenShift source is this cluster by its API URL and token, as the pytest suite and
    // mtvt create it: a host provider (empty URL) outside the MTV namespace would be restricted
    // to its own namespace and not see the source VMs.
    let url = if kind == "openshift" {
        env.emu.url()
    } else {
        p["api_url"].as_str().unwrap().to_string()
    };
    let mut spec = json!({"type": kind, "url": url, "secret": {"name": format!("{name}-secret"), "namespace": ns}});
    // The profile's VDDK image goes to the provider's settings, as the pytest suite does.
    if let Some(image) = p["vddk_init_image"].as_str().filter(|i| !i.is_empty()) {
        spec["settings"] = json!({"vddkInitImage": image});
    }
    // The suite's ESXi profile (`endpoint_type: esxi`) becomes `sdkEndpoint: esxi`.
    if let Some(e) = p["endpoint_type"].as_str() {
        spec["settings"]["sdkEndpoint"] = json!(e);
    }
    env.create(
        PROVIDER,
        ns,
        json!({"metadata": {"name": name}, "spec": spec}),
    )
    .await
}

/// Creates namespace `ns` unless it exists.
pub async fn namespace(env: &Env, ns: &str) {
    let made = env
        .try_create(NAMESPACE, "", json!({"metadata": {"name": ns}}))
        .await;
    if let Err(kube::Error::Api(e)) = &made {
        assert_eq!(e.code, 409, "create namespace {ns}: {e}");
    } else {
        made.unwrap();
    }
}

pub async fn ready(env: &Env, kind: Kind, ns: &str, name: &str) -> Value {
    env.wait(kind, ns, name, 10, |o| has(o, "Ready")).await
}

/// `GET <inventory>/<path>` with the cluster token.
pub async fn inventory(env: &Env, path: &str) -> Value {
    let url = format!(
        "{}/{}",
        env.emu.inventory_url().unwrap(),
        path.trim_start_matches('/')
    );
    let r = env
        .http
        .get(&url)
        .bearer_auth(env.emu.token())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "GET {path}: {}", r.status());
    r.json().await.unwrap()
}

/// Source VM id and the network/storage source refs of its NICs and disks, read from the
/// inventory as mtv-api-tests does.
pub async fn vm_sources(
    env: &Env,
    kind: &str,
    provider_uid: &str,
    vm: &str,
) -> (String, Vec<Value>, Vec<Value>) {
    let base = format!("providers/{kind}/{provider_uid}");
    let list = inventory(env, &format!("{base}/vms")).await;
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == vm)
        .unwrap_or_else(|| panic!("{vm} not in {kind} inventory"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let v = inventory(env, &format!("{base}/vms/{id}")).await;
    let mut nets = Vec::new();
    let mut stores = Vec::new();
    let push = |list: &mut Vec<Value>, r: Value| {
        if !list.contains(&r) {
            list.push(r)
        }
    };
    match kind {
        "vsphere" => {
            for d in v["disks"].as_array().unwrap() {
                push(&mut stores, json!({"id": d["datastore"]["id"]}));
            }
            for n in v["networks"].as_array().unwrap() {
                push(&mut nets, json!({"id": n["id"]}));
            }
        }
        "ovirt" => {
            for a in v["diskAttachments"].as_array().unwrap() {
                let d =
                    inventory(env, &format!("{base}/disks/{}", a["id"].as_str().unwrap())).await;
                push(&mut stores, json!({"id": d["storageDomain"]}));
            }
            for n in v["nics"].as_array().unwrap() {
                let p = inventory(
                    env,
                    &format!("{base}/nicprofiles/{}", n["profile"].as_str().unwrap()),
                )
                .await;
                push(&mut nets, json!({"id": p["network"]}));
            }
        }
        "openstack" => {
            for a in v["attachedVolumes"].as_array().unwrap() {
                let d = inventory(
                    env,
                    &format!("{base}/volumes/{}", a["ID"].as_str().unwrap()),
                )
                .await;
                push(&mut stores, json!({"name": d["volumeType"]}));
            }
            for k in v["addresses"].as_object().unwrap().keys() {
                push(&mut nets, json!({"name": k}));
            }
        }
        "ova" => {
            for d in v["disks"].as_array().unwrap() {
                push(&mut stores, json!({"id": d["ID"]}));
            }
            for n in v["networks"].as_array().unwrap() {
                push(&mut nets, json!({"id": n["ID"]}));
            }
        }
        _ => {
            let ns = v["object"]["metadata"]["namespace"]
                .as_str()
                .unwrap()
                .to_string();
            for vol in v["object"]["spec"]["template"]["spec"]["volumes"]
                .as_array()
                .unwrap()
            {
                let claim = vol["dataVolume"]["name"]
                    .as_str()
                    .or(vol["persistentVolumeClaim"]["claimName"].as_str())
                    .unwrap();
                let pvc = env.get(PVC, &ns, claim).await;
                push(
                    &mut stores,
                    json!({"name": pvc["spec"]["storageClassName"]}),
                );
            }
            for n in v["object"]["spec"]["template"]["spec"]["networks"]
                .as_array()
                .unwrap()
            {
                if n.get("pod").is_some() {
                    push(&mut nets, json!({"type": "pod"}));
                } else {
                    push(&mut nets, json!({"name": n["multus"]["networkName"]}));
                }
            }
        }
    }
    (id, nets, stores)
}

/// What a standard plan looks like.
pub struct PlanSetup {
    pub plan: String,
    pub ns: String,
    pub vm_ids: Vec<String>,
}

/// Creates the namespace, source Provider (`profile`), maps (first network → pod, others →
/// NADs in `ns`; storage → `ocs-storagecluster-ceph-rbd`) and a Plan for `vms`, then waits
/// for the Plan to be Ready. `extra` is merged into the Plan spec.
pub async fn standard_plan(
    env: &Env,
    ns: &str,
    profile: &str,
    vms: &[&str],
    extra: Value,
) -> PlanSetup {
    let to = Destination {
        provider: json!({"name": "host", "namespace": MTV}),
        nad_namespace: ns.to_string(),
        map_ready: true,
    };
    standard_plan_to(env, ns, profile, vms, extra, &to).await
}

/// Where a plan migrates to: the destination Provider (`{name, namespace}`), the namespace
/// of the NADs its network map uses, and whether that map is expected to become Ready.
pub struct Destination {
    pub provider: Value,
    pub nad_namespace: String,
    pub map_ready: bool,
}

/// [`standard_plan`] to another destination provider and NAD namespace (which must exist).
pub async fn standard_plan_to(
    env: &Env,
    ns: &str,
    profile: &str,
    vms: &[&str],
    extra: Value,
    to: &Destination,
) -> PlanSetup {
    namespace(env, ns).await;
    let kind = env.profile(profile)["type"].as_str().unwrap().to_string();
    source_provider(env, ns, profile, "src").await;
    let p = ready(env, PROVIDER, ns, "src").await;
    let uid = p["metadata"]["uid"].as_str().unwrap().to_string();
    let mut nets = Vec::new();
    let mut stores = Vec::new();
    let mut ids = Vec::new();
    for vm in vms {
        let (id, n, s) = vm_sources(env, &kind, &uid, vm).await;
        ids.push(id);
        for x in n {
            if !nets.contains(&x) {
                nets.push(x);
            }
        }
        for x in s {
            if !stores.contains(&x) {
                stores.push(x);
            }
        }
    }
    let mut net_map = Vec::new();
    for (i, n) in nets.iter().enumerate() {
        if i == 0 {
            net_map.push(json!({"source": n, "destination": {"type": "pod"}}));
        } else {
            let nad = format!("nad-{i}");
            let nad_ns = to.nad_namespace.as_str();
            env.create(NAD, nad_ns, json!({"metadata": {"name": nad}, "spec": {"config": "{\"cniVersion\":\"0.3.1\",\"type\":\"bridge\"}"}})).await;
            net_map.push(json!({"source": n, "destination": {"type": "multus", "name": nad, "namespace": nad_ns}}));
        }
    }
    let st_map: Vec<Value> = stores.iter().map(|s| json!({"source": s, "destination": {"storageClass": "ocs-storagecluster-ceph-rbd"}})).collect();
    let pair = json!({"source": {"name": "src", "namespace": ns}, "destination": to.provider});
    env.create(
        NETMAP,
        ns,
        json!({"metadata": {"name": "net"}, "spec": {"provider": pair, "map": net_map}}),
    )
    .await;
    env.create(
        STORAGEMAP,
        ns,
        json!({"metadata": {"name": "st"}, "spec": {"provider": pair, "map": st_map}}),
    )
    .await;
    if to.map_ready {
        ready(env, NETMAP, ns, "net").await;
    }
    ready(env, STORAGEMAP, ns, "st").await;
    let vm_list: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
    let mut spec = json!({
        "provider": pair,
        "map": {"network": {"name": "net", "namespace": ns}, "storage": {"name": "st", "namespace": ns}},
        "targetNamespace": ns,
        "vms": vm_list,
    });
    if let (Some(s), Some(e)) = (spec.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            s.insert(k.clone(), v.clone());
        }
    }
    env.create(
        PLAN,
        ns,
        json!({"metadata": {"name": "plan-1"}, "spec": spec}),
    )
    .await;
    PlanSetup {
        plan: "plan-1".into(),
        ns: ns.into(),
        vm_ids: ids,
    }
}

/// Creates a Migration for the plan.
pub async fn migrate(env: &Env, setup: &PlanSetup, name: &str, extra: Value) {
    let mut spec = json!({"plan": {"name": setup.plan, "namespace": setup.ns}});
    if let (Some(s), Some(e)) = (spec.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            s.insert(k.clone(), v.clone());
        }
    }
    env.create(
        MIGRATION,
        &setup.ns,
        json!({"metadata": {"name": name}, "spec": spec}),
    )
    .await;
}

/// Waits until the plan has `Succeeded`, `Failed` or `Canceled`.
pub async fn finished(env: &Env, setup: &PlanSetup, secs: u64) -> Value {
    env.wait(PLAN, &setup.ns, &setup.plan, secs, |p| {
        has(p, "Succeeded") || has(p, "Failed") || has(p, "Canceled")
    })
    .await
}

/// The value of env var `var` in the `main` container of a forklift-controller pod template
/// or pod.
pub fn controller_env(pod_spec: &Value, var: &str) -> Option<String> {
    pod_spec["containers"]
        .as_array()?
        .iter()
        .find(|c| c["name"] == "main")?["env"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == var)
        .and_then(|e| e["value"].as_str())
        .map(str::to_string)
}

/// Patches the ForkliftController's `controller_precopy_interval` and waits as a client of a
/// real cluster must: until the operator's run for the new spec rendered the
/// forklift-controller Deployment with `PRECOPY_INTERVAL` (templates/controller/
/// deployment-controller.yml.j2:79-82), the Deployment rolled it out (every replica
/// updated and available) and the ForkliftController is `Successful` again.
pub async fn set_precopy_interval(env: &Env, minutes: i64, secs: u64) {
    env.patch(
        FORKLIFT_CONTROLLER,
        MTV,
        "forklift-controller",
        json!({"spec": {"controller_precopy_interval": minutes}}),
    )
    .await;
    let want = minutes.to_string();
    env.wait(DEPLOYMENT, MTV, "forklift-controller", secs, |d| {
        let s = &d["status"];
        controller_env(&d["spec"]["template"]["spec"], "PRECOPY_INTERVAL").as_deref()
            == Some(want.as_str())
            && s["observedGeneration"] == d["metadata"]["generation"]
            && s["updatedReplicas"] == d["spec"]["replicas"]
            && s["replicas"] == d["spec"]["replicas"]
            && s["availableReplicas"] == d["spec"]["replicas"]
    })
    .await;
    env.wait(FORKLIFT_CONTROLLER, MTV, "forklift-controller", secs, |f| {
        has(f, "Successful")
    })
    .await;
}
