//! One provider of a lab: credentials, the datacenter/cluster/project names and ids of its
//! kind, hosts, datastores (an OpenShift provider's are the cluster's storage classes), LUNs,
//! networks (an OpenShift provider always has `pod`), folders, the copy-offload profile, and
//! its VMs (unique names and MACs).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::copy_offload::resolve_copy_offload;
use super::vm::resolve_vm;
use super::{GIB, Ids, XCOPY_VENDORS, issue};
use crate::lab::error::LabIssue;
use crate::lab::file::{
    CredentialsFile, DatastoreFile, EsxiEndpointFile, HostFile, NetworkFile, ProviderFile, VmFile,
};
use crate::lab::ids::uuid_for;
use crate::lab::luns;
use crate::lab::model::*;

pub(super) fn resolve_provider(
    p: ProviderFile,
    path: &str,
    cluster: &Cluster,
    origin: DateTime<Utc>,
    issues: &mut Vec<LabIssue>,
) -> Provider {
    let kind = p.kind;
    let ids = Ids {
        kind,
        provider: &p.name,
    };
    let credentials = credentials(p.credentials, kind, path, issues);
    let (dc_default, cluster_default, version_default) = match kind {
        ProviderKind::Vsphere => ("Datacenter", "Cluster", "8.0.3"),
        ProviderKind::Ovirt => ("Default", "Default", "4.5.5"),
        ProviderKind::Openstack => ("", "", "17.1"),
        ProviderKind::Openshift => ("", "", "4.19"),
        ProviderKind::Ova => ("", "", "1"),
        ProviderKind::Hyperv => ("", "", "2022"),
    };
    let dc_name = p.datacenter.unwrap_or_else(|| dc_default.to_string());
    let datacenter = Named {
        id: ids.make("datacenter", &dc_name, || "datacenter-1".into()),
        name: dc_name,
    };
    let cl_name = p.cluster.unwrap_or_else(|| cluster_default.to_string());
    let compute = Named {
        id: ids.make("cluster", &cl_name, || "domain-c8".into()),
        name: cl_name,
    };
    let project_name = p.project.unwrap_or_else(|| match kind {
        ProviderKind::Openshift => "mtv-source-vms".to_string(),
        _ => credentials.project_name.clone(),
    });
    let project = Named {
        id: ids.make("project", &project_name, String::new),
        name: project_name,
    };
    let hosts = hosts(p.hosts, &ids);
    let datastores = datastores(p.datastores, &ids, cluster, path, issues);
    let luns = luns::resolve_luns(p.luns, kind, &datastores, path, issues);
    let networks = networks(p.networks, &ids);
    let folders: Vec<Folder> = p
        .folders
        .into_iter()
        .enumerate()
        .map(|(i, f)| Folder {
            id: ids.make("folder", &f, || format!("group-v{}", 40 + i)),
            name: f,
        })
        .collect();
    let mut provider = Provider {
        name: p.name.clone(),
        kind,
        version: p.version.unwrap_or_else(|| version_default.to_string()),
        credentials,
        datacenter,
        cluster: compute,
        project,
        hosts,
        datastores,
        luns,
        networks,
        folders,
        copy_offload: None,
        nfs_share: p.nfs_share.or_else(|| match kind {
            ProviderKind::Ova => Some("nfs.mtv.lab:/exports/ova".to_string()),
            ProviderKind::Hyperv => Some("//hyperv-01.mtv.lab/VMShare".to_string()),
            _ => None,
        }),
        vddk_init_image: vddk_init_image(p.vddk_init_image, kind, path, issues),
        esxi_endpoint: None,
        unreachable_until: None,
        vms: Vec::new(),
        counters: Counters::default(),
    };
    provider.copy_offload = p
        .copy_offload
        .and_then(|c| resolve_copy_offload(c, &provider, path, issues));
    luns::check_profile_lun(
        provider
            .copy_offload
            .as_ref()
            .and_then(|c| c.rdm_lun_uuid.as_deref()),
        &provider.luns,
        path,
        issues,
    );
    provider.esxi_endpoint = p
        .esxi_endpoint
        .and_then(|e| esxi_endpoint(e, &provider, path, issues));
    resolve_vms(p.vms, &mut provider, path, origin, issues);
    provider
}

/// The standalone ESXi endpoint of a vSphere provider (one of its hosts).
fn esxi_endpoint(
    e: EsxiEndpointFile,
    p: &Provider,
    path: &str,
    issues: &mut Vec<LabIssue>,
) -> Option<EsxiEndpoint> {
    let api_type = e.api_type.unwrap_or_else(|| "HostAgent".into());
    let problem = if p.kind != ProviderKind::Vsphere {
        Some((
            "esxi_endpoint".to_string(),
            format!("a {} provider has no ESXi hosts", p.kind),
            "set esxi_endpoint on vSphere providers only".to_string(),
        ))
    } else if !p.hosts.iter().any(|h| h.name == e.host) {
        Some((
            "esxi_endpoint.host".to_string(),
            format!("host {:?} is not defined", e.host),
            "use the name of a host listed under this provider".to_string(),
        ))
    } else if !matches!(api_type.as_str(), "HostAgent" | "VirtualCenter") {
        Some((
            "esxi_endpoint.api_type".to_string(),
            format!("{api_type:?} is not an AboutInfo.apiType"),
            "use HostAgent (an ESXi host) or VirtualCenter".to_string(),
        ))
    } else {
        None
    };
    if let Some((field, message, help)) = problem {
        issues.push(LabIssue {
            path: format!("{path}.{field}"),
            message,
            help,
        });
        return None;
    }
    Some(EsxiEndpoint {
        host: e.host,
        api_type,
    })
}

/// The VDDK init image (vSphere only).
fn vddk_init_image(
    image: Option<String>,
    kind: ProviderKind,
    path: &str,
    issues: &mut Vec<LabIssue>,
) -> String {
    match image {
        Some(_) if kind != ProviderKind::Vsphere => {
            issues.push(LabIssue {
                path: format!("{path}.vddk_init_image"),
                message: format!("a {kind} provider has no VDDK image"),
                help: "set vddk_init_image on vSphere providers only".into(),
            });
            String::new()
        }
        image => image.unwrap_or_default(),
    }
}

/// Credentials (required for vSphere, oVirt and OpenStack; OpenStack needs a project).
fn credentials(
    c: Option<CredentialsFile>,
    kind: ProviderKind,
    path: &str,
    issues: &mut Vec<LabIssue>,
) -> Credentials {
    let credentials = match c {
        Some(c) => Credentials {
            username: c.username,
            password: c.password,
            project_name: c.project_name.unwrap_or_default(),
            user_domain_name: c.user_domain_name.unwrap_or_default(),
            project_domain_id: c.project_domain_id.unwrap_or_default(),
            user_domain_id: c.user_domain_id.unwrap_or_default(),
            region_name: c.region_name.unwrap_or_default(),
        },
        None => {
            if matches!(
                kind,
                ProviderKind::Vsphere | ProviderKind::Ovirt | ProviderKind::Openstack
            ) {
                issue(
                    issues,
                    format!("{path}.credentials"),
                    format!("a {kind} provider needs credentials"),
                    "add `credentials: {username: ..., password: ...}`",
                );
            }
            Credentials::default()
        }
    };
    if kind == ProviderKind::Openstack
        && credentials.project_name.is_empty()
        && !credentials.username.is_empty()
    {
        issue(
            issues,
            format!("{path}.credentials.project_name"),
            "an OpenStack provider needs a project_name".into(),
            "add `project_name` (and user_domain_name, region_name) to the credentials",
        );
    }
    credentials
}

fn hosts(files: Vec<HostFile>, ids: &Ids<'_>) -> Vec<Host> {
    files
        .into_iter()
        .enumerate()
        .map(|(i, h)| Host {
            id: h
                .id
                .unwrap_or_else(|| ids.make("host", &h.name, || format!("host-{}", 10 + i))),
            ip: h.ip.unwrap_or_else(|| format!("10.6.46.{}", 11 + i)),
            name: h.name,
            in_maintenance: h.in_maintenance,
        })
        .collect()
}

/// Datastores (an OpenShift provider without any gets one per storage class), with known
/// storage vendors.
fn datastores(
    files: Vec<DatastoreFile>,
    ids: &Ids<'_>,
    cluster: &Cluster,
    path: &str,
    issues: &mut Vec<LabIssue>,
) -> Vec<Datastore> {
    let kind = ids.kind;
    let mut datastores: Vec<Datastore> = files
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let capacity = d.capacity_gb.unwrap_or(4096) * GIB;
            Datastore {
                id: d.id.unwrap_or_else(|| {
                    ids.make("datastore", &d.name, || format!("datastore-{}", 20 + i))
                }),
                kind: d.kind.unwrap_or_else(|| {
                    if kind == ProviderKind::Vsphere {
                        "VMFS".into()
                    } else {
                        "NFS".into()
                    }
                }),
                free: d.free_gb.map_or(capacity / 2, |f| f * GIB),
                capacity,
                xcopy: d.xcopy,
                vendor: d.vendor,
                folders: d.folders,
                name: d.name,
            }
        })
        .collect();
    if kind == ProviderKind::Openshift && datastores.is_empty() {
        datastores = cluster
            .storage_classes
            .iter()
            .map(|s| Datastore {
                id: s.name.clone(),
                name: s.name.clone(),
                kind: s.provisioner.clone(),
                capacity: 0,
                free: 0,
                xcopy: false,
                vendor: None,
                folders: Vec::new(),
            })
            .collect();
    }
    for (i, d) in datastores.iter().enumerate() {
        if let Some(v) = &d.vendor
            && !XCOPY_VENDORS.contains(&v.as_str())
        {
            issue(
                issues,
                format!("{path}.datastores[{i}].vendor"),
                format!("unknown storage vendor {v:?}"),
                &format!("use one of: {}", XCOPY_VENDORS.join(", ")),
            );
        }
    }
    datastores
}

/// Networks (vSphere: `Standard` or `DvPortGroup` port groups); an OpenShift provider always
/// has the pod network first.
fn networks(files: Vec<NetworkFile>, ids: &Ids<'_>) -> Vec<Network> {
    let kind = ids.kind;
    let mut networks: Vec<Network> = files
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let variant = match kind {
                ProviderKind::Vsphere => n.variant.unwrap_or_else(|| "Standard".into()),
                _ => n.variant.unwrap_or_default(),
            };
            let dv = variant == "DvPortGroup";
            Network {
                id: n.id.unwrap_or_else(|| {
                    ids.make("network", &n.name, || {
                        if dv {
                            format!("dvportgroup-{}", 30 + i)
                        } else {
                            format!("network-{}", 30 + i)
                        }
                    })
                }),
                profile_id: uuid_for(&[ids.provider, "vnicprofile", &n.name]),
                vlan: n.vlan,
                variant,
                cidr: n.cidr,
                name: n.name,
            }
        })
        .collect();
    if kind == ProviderKind::Openshift && !networks.iter().any(|n| n.id == "pod") {
        networks.insert(
            0,
            Network {
                id: "pod".into(),
                name: "pod".into(),
                vlan: None,
                variant: String::new(),
                profile_id: String::new(),
                cidr: None,
            },
        );
    }
    networks
}

/// The provider's VMs, in order; names and MACs must be unique within the provider.
fn resolve_vms(
    files: Vec<VmFile>,
    provider: &mut Provider,
    path: &str,
    origin: DateTime<Utc>,
    issues: &mut Vec<LabIssue>,
) {
    let mut vm_names = BTreeSet::new();
    let mut macs = BTreeSet::new();
    for (i, v) in files.into_iter().enumerate() {
        let vpath = format!("{path}.vms[{i}]");
        if !vm_names.insert(v.name.clone()) {
            issue(
                issues,
                format!("{vpath}.name"),
                format!(
                    "VM {:?} is defined twice in provider {:?}",
                    v.name, provider.name
                ),
                "rename one of them or remove the duplicate",
            );
        }
        let vm = resolve_vm(v, i, &vpath, provider, origin, issues);
        for (j, n) in vm.nics.iter().enumerate() {
            if !macs.insert(n.mac.clone()) {
                issue(
                    issues,
                    format!("{vpath}.nics[{j}].mac"),
                    format!(
                        "MAC {} is used twice in provider {:?}",
                        n.mac, provider.name
                    ),
                    "remove the `mac` to get a generated one, or pick another",
                );
            }
        }
        provider.vms.push(vm);
    }
    provider.counters.vm = provider.vms.len() as u64;
}
