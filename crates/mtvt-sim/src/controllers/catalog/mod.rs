//! The source side as Forklift's inventory web client presents it to the controllers: a
//! Provider CR resolved to its backend (a lab provider behind one of the emulator's source
//! listeners, or this cluster for OpenShift), and lookups of VMs, networks and storage by
//! reference (`id` first, then `name`; ambiguous names are errors, as upstream).
//!
//! Lab providers are read as the lab was `refresh_delay` ago, exactly like the inventory
//! API, so the controllers and the inventory REST API never disagree. This module reads only;
//! it must not change the lab or the store.

mod cluster;
mod openshift;
mod view;

pub use cluster::{cluster_objects, restricted_namespace};
pub use view::{SourceView, from_lab};

use serde_json::Value;

use super::Ctx;
use crate::lab::{DiskBus, Firmware, ProviderKind};

/// A source object reference (`ref.Ref`): `{id, name, namespace, type}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SrcRef {
    /// `id`
    pub id: String,
    /// `name`
    pub name: String,
    /// `namespace`
    pub namespace: String,
    /// `type`
    pub kind: String,
}

impl SrcRef {
    /// Reads a ref from JSON (missing fields are empty).
    pub fn from_json(v: &Value) -> Self {
        let s = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Self {
            id: s("id"),
            name: s("name"),
            namespace: s("namespace"),
            kind: s("type"),
        }
    }

    /// "NotSet": no id, name or type.
    pub fn not_set(&self) -> bool {
        self.id.is_empty() && self.name.is_empty() && self.kind.is_empty()
    }

    /// Forklift's `Ref.String()`, used in condition items.
    pub fn display(&self) -> String {
        let t = if self.kind.is_empty() {
            String::new()
        } else {
            format!("({})", self.kind)
        };
        format!("{t} id:{} name:'{}' ", self.id, self.name)
    }
}

/// Why a lookup failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup {
    /// Nothing matches.
    NotFound,
    /// A name matches more than one object.
    Ambiguous,
}

/// A source disk, normalized across providers.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceDisk {
    /// Disk id (vSphere `<vm>-<key>`, oVirt/OpenStack UUID, OVA disk id, OCP volume name).
    pub id: String,
    /// vSphere device key.
    pub key: i32,
    /// Storage id the disk lives on (datastore, storage domain, volume type, OVA disk id,
    /// storage class).
    pub storage: String,
    /// Capacity in bytes.
    pub capacity: u64,
    /// Backing file (`[ds] vm/vm.vmdk`) or disk name.
    pub file: String,
    /// Bus.
    pub bus: DiskBus,
    /// Shared disk.
    pub shared: bool,
    /// vSphere disk serial.
    pub serial: String,
    /// OpenShift: the source PVC (`ns`, `name`).
    pub pvc: Option<(String, String)>,
    /// Boot disk.
    pub bootable: bool,
    /// Controller key / unit number (vSphere ordering).
    pub order: (i32, i32),
    /// vSphere raw device mapping: the LUN and the datastore of its array.
    pub rdm: Option<SourceRdm>,
    /// vSphere independent disk (`independent_persistent`/`independent_nonpersistent`).
    pub independent: bool,
}

/// The LUN behind an RDM disk, as the controllers need it for copy offload.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceRdm {
    /// LUN canonical name (`naa....`).
    pub lun: String,
    /// Physical compatibility mode.
    pub physical: bool,
    /// The datastore on the LUN's array (vendor and XCOPY ability).
    pub array_datastore: String,
}

/// A source NIC, normalized.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceNic {
    /// MAC address.
    pub mac: String,
    /// Network id (`pod` or `ns/nad` for OpenShift).
    pub network: String,
    /// Guest IPs (`addr/prefix`) and whether they are static.
    pub ips: Vec<String>,
    /// Static IP configuration.
    pub static_ip: bool,
}

/// A source VM, normalized across providers.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceVm {
    /// Provider id (OpenShift: VM UID).
    pub id: String,
    /// Name.
    pub name: String,
    /// OpenShift namespace.
    pub namespace: String,
    /// Powered on.
    pub power_on: bool,
    /// Guest tools installed (any version).
    pub tools_installed: bool,
    /// Guest tools running.
    pub tools_running: bool,
    /// CPU sockets / cores per socket.
    pub cpu: (u32, u32),
    /// Memory in MiB.
    pub memory_mb: u64,
    /// Firmware.
    pub firmware: Firmware,
    /// Secure boot.
    pub secure_boot: bool,
    /// A virtual TPM.
    pub tpm: bool,
    /// Guest-visible serial.
    pub serial: String,
    /// BIOS UUID.
    pub uuid: String,
    /// Windows guest.
    pub windows: bool,
    /// Guest OS key (`rhel8`).
    pub os: String,
    /// Host name of the guest.
    pub hostname: String,
    /// The guest's root filesystem is XFS v4 (lab fact).
    pub root_xfs_v4: bool,
    /// Changed block tracking.
    pub cbt: bool,
    /// Has snapshots.
    pub snapshots: usize,
    /// Host in maintenance (vSphere).
    pub host_in_maintenance: bool,
    /// Disks (in bus order for vSphere).
    pub disks: Vec<SourceDisk>,
    /// NICs.
    pub nics: Vec<SourceNic>,
    /// The lab provider backing it (lab-backed providers).
    pub lab_provider: Option<String>,
    /// The source VirtualMachine object (OpenShift).
    pub object: Option<Value>,
}

impl SourceVm {
    /// Its reference with id and name resolved.
    pub fn src_ref(&self) -> SrcRef {
        SrcRef {
            id: self.id.clone(),
            name: self.name.clone(),
            namespace: self.namespace.clone(),
            kind: String::new(),
        }
    }
}

/// Where a Provider CR's inventory comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Backend {
    /// A lab provider (name).
    Lab(String),
    /// This cluster (OpenShift host, or a remote URL pointing at this API server).
    Cluster,
}

/// The backend of a Provider CR, by type and URL; `None` when the URL reaches nothing.
pub fn backend_of(ctx: &Ctx, provider: &Value) -> Option<Backend> {
    let kind = provider
        .pointer("/spec/type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let url = provider
        .pointer("/spec/url")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if kind == "openshift" {
        if url.is_empty() || host_of(url) == ctx.settings.api_host {
            return Some(Backend::Cluster);
        }
        return None;
    }
    let pk = kind.parse::<ProviderKind>().ok()?;
    if pk == ProviderKind::Ova {
        return ctx
            .lab
            .lab()
            .providers
            .iter()
            .find(|p| p.kind == pk && p.nfs_share.as_deref() == Some(url))
            .map(|p| Backend::Lab(p.name.clone()));
    }
    if pk == ProviderKind::Hyperv {
        // the URL is the host's address (validation.go:202-214), optionally with a scheme/port
        let h = host_of(url).split(':').next().unwrap_or_default();
        return ctx
            .lab
            .lab()
            .providers
            .iter()
            .find(|p| p.kind == pk && p.hosts.iter().any(|x| x.name == h || x.ip == h))
            .map(|p| Backend::Lab(p.name.clone()));
    }
    let host = host_of(url);
    ctx.endpoints
        .iter()
        .map(|(key, base)| (lab_name(key), base))
        .find(|(name, base)| {
            host_of(base) == host && ctx.lab.lab().provider(name).is_some_and(|p| p.kind == pk)
        })
        .map(|(name, _)| Backend::Lab(name.to_string()))
}

/// The lab provider of an `endpoints` key (`vsphere@esxi` → `vsphere`).
fn lab_name(key: &str) -> &str {
    key.split_once('@').map_or(key, |(n, _)| n)
}

/// The host name when a vSphere Provider's URL is its lab provider's standalone ESXi SDK
/// endpoint (`esxi_endpoint`), `None` when it is the vCenter (or not vSphere).
pub fn esxi_host_of(ctx: &Ctx, provider: &Value) -> Option<String> {
    let Some(Backend::Lab(name)) = backend_of(ctx, provider) else {
        return None;
    };
    let url = provider.pointer("/spec/url").and_then(Value::as_str)?;
    let base = ctx.endpoints.get(&crate::emulator::esxi_key(&name))?;
    (host_of(base) == host_of(url))
        .then(|| ctx.lab.lab().provider(&name)?.esxi_endpoint.clone())
        .flatten()
        .map(|e| e.host)
}

/// `host:port` of a URL.
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or_default()
}

/// Parses a Kubernetes quantity (`30Gi`, `512Mi`, `2G`, `1024`) into bytes, with the
/// vocabulary's parser: anything that is not an exact byte count is an error (a Go client
/// cannot decode such a `resource.Quantity` either), never a silent 0.
pub fn quantity_bytes(q: &str) -> Result<u64, mtvt_vocab::QuantityError> {
    let bytes = q.parse::<mtvt_vocab::Quantity>()?.bytes();
    u64::try_from(bytes).map_err(|_| mtvt_vocab::QuantityError::TooLarge)
}

#[cfg(test)]
mod tests;
