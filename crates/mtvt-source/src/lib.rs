//! The source side of `mtvt run`: adapters that prepare source VMs over each provider's real
//! protocol. (The Forklift inventory client and the map builders are `mtvt-forklift`.)
//!
//! * [`adapter::SourceAdapter`]: one enum over the five provider types — vSphere
//!   (Automation REST + VI/JSON), oVirt (REST, SSO), OpenStack (Keystone v3 + Nova, Glance,
//!   Cinder), OpenShift (KubeVirt objects through a caller-given `kube::Client`) and OVA (no
//!   API). Operations a provider cannot do return [`SourceError::Unsupported`].
//! * [`naming`]: clone and snapshot names.
//!
//! What each provider supports (everything else is [`SourceError::Unsupported`] with the
//! reason, returned before anything changes on the source):
//!
//! | operation | vsphere | ovirt | openstack | openshift | ova |
//! | --- | --- | --- | --- | --- | --- |
//! | connect | `POST /api/session` | SSO token | Keystone v3 | list VMs (kube client) | no-op |
//! | find_vm | VMs and templates | VMs, then templates | servers | VMs of the namespace | — |
//! | clone_vm | `CloneVM_Task`: datastore, provisioning, CBT | from a template only | snapshot image + boot (artifacts) | DataVolume clones; storage class | — |
//! | set_power | Automation `power` | start/stop | `os-start`/`os-stop` | `runStrategy` + watch | — |
//! | wait_for_guest_info | tools running + IP | agent IPs | ACTIVE + address | VMI interface IP (watch) | — |
//! | snapshots | `CreateSnapshot_Task`, tree | snapshots | Glance snapshot images | VirtualMachineSnapshot | — |
//! | add_disk | datastore, folder, mode, provisioning, RDM | storage domain, thin/thick | — | blank DataVolume | — |
//! | enable_cbt | `ReconfigVM_Task` | — | — | — | — |
//! | delete_vm | off + `DELETE` | stop + `DELETE` | `DELETE` + wait | delete + watch | — |
//! | vm_facts | full | full (disk/network details when the engine follows links) | flavor, addresses, volumes | VM, VMI, PVCs | — |
//!
//! The architecture puts these clients in the root package; they live in their own crate so
//! Cargo enforces the boundary and the crate builds and tests in isolation. It must not know
//! about the scenario language, the engine, or whether the other side is the emulator: it
//! speaks the same HTTP/Kubernetes protocols to both. Waits on HTTP APIs are bounded backoff
//! polls ([`poll`]) with a deadline and the last state seen; waits on Kubernetes objects use
//! watches. Credentials are [`mtvt_vocab::Secret`]s and never appear in `Debug`, logs or errors.

pub mod adapter;
pub mod endpoint;
pub mod error;
pub mod http;
pub mod hyperv;
pub mod model;
pub mod naming;
pub mod openshift;
pub mod openstack;
pub mod ova;
pub mod ovirt;
pub mod poll;
mod profile;
pub mod vsphere;

pub use adapter::SourceAdapter;
pub use endpoint::{OpenstackScope, SourceEndpoint};
pub use error::SourceError;
pub use http::TlsOptions;
pub use model::*;
pub use poll::{Backoff, WaitOptions};
