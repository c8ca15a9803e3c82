//! The objects a cluster with MTV and OpenShift Virtualization has before anyone uses it: the
//! `host` Provider, the MTV operator CSV, the operator's workloads and the reconciled
//! ForkliftController with Forklift's workloads (see `controllers::forklift_operator`), the
//! inventory Service and Route, the lab's Nodes and StorageClasses, and the OpenShift source
//! VMs (namespaces, NADs, DataVolumes, PVCs, VirtualMachines).

use serde_json::{Value, json};

use crate::controllers::{Ctx, Guest, forklift_operator, gvr};
use crate::lab::{ProviderKind, openshift_source_objects};
use crate::store::{ApiError, Gvr, object};

pub use crate::kinds::MTV_VERSION;

fn create(ctx: &Ctx, g: &Gvr, ns: &str, obj: Value) -> Result<std::sync::Arc<Value>, ApiError> {
    let status = obj.get("status").cloned();
    let created = match ctx.store.create(g, ns, obj.clone()) {
        Ok(c) => c,
        Err(e) if e.reason == crate::store::Reason::AlreadyExists => {
            ctx.store.get(g, ns, object::name(&obj))?
        }
        Err(e) => return Err(e),
    };
    if let Some(s) = status
        && ctx.store.kind(g).is_ok_and(|k| k.status_subresource)
    {
        return ctx
            .store
            .merge_patch_status(g, ns, object::name(&created), &json!({"status": s}));
    }
    Ok(created)
}

/// Creates the initial objects. `inventory_addr` is the inventory listener's `host:port`.
pub fn seed(ctx: &Ctx, inventory_addr: &str) -> Result<(), ApiError> {
    let ns = ctx.settings.mtv_namespace.clone();
    let now = ctx.now();
    // Nodes first: the MTV workloads are placed on them.
    seed_cluster(ctx, &now)?;
    seed_mtv(ctx, &ns)?;
    seed_inventory(ctx, &ns, &now, inventory_addr)?;
    seed_cluster_version(ctx, &now)?;
    seed_openshift_sources(ctx)
}

/// The ClusterVersion `version`: the OpenShift release the cluster runs, completed.
fn seed_cluster_version(ctx: &Ctx, now: &str) -> Result<(), ApiError> {
    let version = crate::kinds::OPENSHIFT_VERSION;
    create(
        ctx,
        &Gvr::new("config.openshift.io", "v1", "clusterversions"),
        "",
        json!({
            "apiVersion": "config.openshift.io/v1", "kind": "ClusterVersion",
            "metadata": {"name": "version"},
            "spec": {"channel": "stable-4.20", "clusterID": "6b1f5f8e-3c1d-4d7e-9a57-2f0c1e1c9a11"},
            "status": {
                "desired": {"version": version},
                "history": [{"state": "Completed", "version": version, "startedTime": now, "completionTime": now}],
                "conditions": [{"type": "Available", "status": "True", "lastTransitionTime": now},
                               {"type": "Progressing", "status": "False", "lastTransitionTime": now}],
            },
        }),
    )?;
    Ok(())
}

/// The MTV namespace, the `host` Provider, the operator's CSV and what it installed.
fn seed_mtv(ctx: &Ctx, ns: &str) -> Result<(), ApiError> {
    create(
        ctx,
        &gvr::namespaces(),
        "",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )?;
    create(
        ctx,
        &gvr::providers(),
        ns,
        json!({
            "apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Provider",
            "metadata": {"name": "host", "namespace": ns},
            "spec": {"type": "openshift", "url": "", "secret": {}},
        }),
    )?;
    let csv = create(
        ctx,
        &Gvr::new("operators.coreos.com", "v1alpha1", "clusterserviceversions"),
        ns,
        json!({
            "apiVersion": "operators.coreos.com/v1alpha1", "kind": "ClusterServiceVersion",
            "metadata": {"name": crate::kinds::csv_name(), "namespace": ns},
            "spec": {"displayName": "Migration Toolkit for Virtualization Operator", "version": MTV_VERSION,
                     "provider": {"name": "Red Hat"}},
            "status": {"phase": "Succeeded", "reason": "InstallSucceeded", "message": "install strategy completed with no errors"},
        }),
    )?;
    forklift_operator::install(
        ctx,
        &csv,
        json!({
            "apiVersion": "forklift.konveyor.io/v1beta1", "kind": "ForkliftController",
            "metadata": {"name": forklift_operator::NAME, "namespace": ns},
            "spec": {"feature_ui_plugin": "true", "feature_validation": "true", "feature_volume_populator": "true",
                     "controller_precopy_interval": 60, "controller_ovirt_warm_migration": "true"},
        }),
    )?;
    Ok(())
}

/// The inventory's Service and Route (reencrypt, host = the inventory listener).
fn seed_inventory(ctx: &Ctx, ns: &str, now: &str, inventory_addr: &str) -> Result<(), ApiError> {
    create(
        ctx,
        &Gvr::core("services"),
        ns,
        json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": super::INVENTORY, "namespace": ns,
                         "annotations": {"service.beta.openshift.io/serving-cert-secret-name": "forklift-inventory-serving-cert"}},
            "spec": {"ports": [{"name": "api-https", "port": 8443, "protocol": "TCP", "targetPort": 8443}],
                     "selector": {"app": "forklift", "service": "forklift-inventory"}, "clusterIP": "172.30.12.34"},
        }),
    )?;
    create(
        ctx,
        &Gvr::new("route.openshift.io", "v1", "routes"),
        ns,
        json!({
            "apiVersion": "route.openshift.io/v1", "kind": "Route",
            "metadata": {"name": super::INVENTORY, "namespace": ns, "labels": {"app": "forklift", "service": "forklift-inventory"}},
            "spec": {"host": inventory_addr, "to": {"kind": "Service", "name": super::INVENTORY, "weight": 100},
                     "port": {"targetPort": "api-https"},
                     "tls": {"termination": "reencrypt", "insecureEdgeTerminationPolicy": "Redirect"},
                     "wildcardPolicy": "None"},
            "status": {"ingress": [{"host": inventory_addr, "routerName": "default", "wildcardPolicy": "None",
                       "conditions": [{"type": "Admitted", "status": "True", "lastTransitionTime": now}]}]},
        }),
    )?;
    Ok(())
}

/// The lab cluster's Nodes and StorageClasses.
fn seed_cluster(ctx: &Ctx, now: &str) -> Result<(), ApiError> {
    for n in &ctx.lab.lab().cluster.nodes {
        create(
            ctx,
            &gvr::nodes(),
            "",
            json!({
                "apiVersion": "v1", "kind": "Node",
                "metadata": {"name": n.name, "labels": n.labels},
                "spec": {},
                "status": {
                    "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status",
                                    "lastHeartbeatTime": now, "lastTransitionTime": now}],
                    "capacity": {"cpu": "32", "memory": "131072Mi", "pods": "250", "devices.kubevirt.io/kvm": "1k"},
                    "allocatable": {"cpu": "31500m", "memory": "127000Mi", "pods": "250", "devices.kubevirt.io/kvm": "1k"},
                    "nodeInfo": {"kubeletVersion": "v1.33.5", "osImage": "Red Hat Enterprise Linux CoreOS 9.6", "architecture": "amd64",
                                 "containerRuntimeVersion": "cri-o://1.33.5", "operatingSystem": "linux"},
                    "addresses": [{"type": "Hostname", "address": n.name}],
                },
            }),
        )?;
    }
    for sc in &ctx.lab.lab().cluster.storage_classes {
        let mut o = json!({
            "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": sc.name},
            "provisioner": sc.provisioner, "reclaimPolicy": sc.reclaim_policy,
            "volumeBindingMode": sc.volume_binding_mode, "allowVolumeExpansion": sc.allow_volume_expansion,
            "parameters": sc.parameters,
        });
        if sc.default {
            crate::controllers::json_edit::put(
                &mut o,
                "/metadata/annotations",
                json!({"storageclass.kubernetes.io/is-default-class": "true"}),
            );
        }
        create(ctx, &gvr::storage_classes(), "", o)?;
    }
    Ok(())
}

fn seed_openshift_sources(ctx: &Ctx) -> Result<(), ApiError> {
    let objs = openshift_source_objects(ctx.lab.lab());
    for n in objs.namespaces {
        create(ctx, &gvr::namespaces(), "", n)?;
    }
    for nad in objs.network_attachment_definitions {
        let ns = object::namespace(&nad).to_string();
        create(ctx, &gvr::nads(), &ns, nad)?;
    }
    for dv in objs.data_volumes {
        let ns = object::namespace(&dv).to_string();
        create(ctx, &gvr::data_volumes(), &ns, dv)?;
    }
    for mut pvc in objs.persistent_volume_claims {
        let ns = object::namespace(&pvc).to_string();
        let dv_name = object::name(&pvc).to_string();
        if let Ok(dv) = ctx.store.get(&gvr::data_volumes(), &ns, &dv_name)
            && let Some(r) = pvc.pointer_mut("/metadata/ownerReferences/0")
        {
            crate::controllers::json_edit::put(r, "/uid", json!(object::uid(&dv)));
        }
        let created = create(ctx, &gvr::pvcs(), &ns, pvc.clone())?;
        if let Some(s) = pvc.get("status") {
            let mut s = s.clone();
            crate::controllers::json_edit::put(&mut s, "/phase", json!("Bound"));
            ctx.store.merge_patch_status(
                &gvr::pvcs(),
                &ns,
                object::name(&created),
                &json!({"status": s}),
            )?;
        }
        let vol = format!("pvc-{}", object::uid(&created));
        ctx.store.merge_patch(
            &gvr::pvcs(),
            &ns,
            object::name(&created),
            &json!({"spec": {"volumeName": vol}}),
        )?;
    }
    for vm in objs.virtual_machines {
        let ns = object::namespace(&vm).to_string();
        let name = object::name(&vm).to_string();
        let lab_vm = ctx
            .lab
            .lab()
            .providers
            .iter()
            .filter(|p| p.kind == ProviderKind::Openshift)
            .find_map(|p| p.vms.iter().find(|v| v.name == name));
        if let Some(v) = lab_vm {
            ctx.guests.put(
                &ns,
                &name,
                Guest {
                    hostname: v.guest_os.hostname.clone(),
                    os: v.guest_os.key.clone(),
                    agent: v.tools != crate::lab::ToolsInstall::NotInstalled,
                    root_xfs_v4: v.guest_os.root_xfs_v4,
                    ips: v
                        .nics
                        .iter()
                        .map(|n| {
                            (
                                n.mac.clone(),
                                n.ips
                                    .iter()
                                    .map(|i| format!("{}/{}", i.address, i.prefix))
                                    .collect(),
                            )
                        })
                        .collect(),
                    luks: false,
                },
            );
        }
        create(ctx, &gvr::vms(), &ns, vm)?;
    }
    Ok(())
}
