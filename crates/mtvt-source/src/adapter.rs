//! [`SourceAdapter`]: one type over the six source provider types, so the engine prepares
//! source VMs (find, clone, power, guest info, snapshots, disks, CBT, facts, delete) without
//! knowing which protocol is spoken. Enum dispatch; each arm is its protocol module.
//!
//! ```no_run
//! # async fn demo(profile: &mtvt_profiles::Profile) -> Result<(), mtvt_source::SourceError> {
//! use mtvt_source::{CloneRequest, SourceAdapter, SourceEndpoint, WaitOptions};
//! use mtvt_vocab::PowerState;
//! let endpoint = SourceEndpoint::from_profile(profile, Default::default());
//! let mut source = SourceAdapter::from_endpoint(endpoint, WaitOptions::default())?;
//! source.connect().await?;
//! let base = source.find_vm("mtv-tests-rhel8").await?;
//! let name = mtvt_source::naming::clone_vm_name("auto-ab12", &base.name, None, false, &mut rand::rng());
//! let clone = source.clone_vm(&base, &CloneRequest::new(name)).await?;
//! source.set_power(&clone.vm, PowerState::On).await?;
//! let facts = source.vm_facts(&clone.vm).await?;
//! source.delete_vm(&clone.vm).await?;   // at teardown; NotFound = done
//! # let _ = facts; Ok(()) }
//! ```

use std::time::Duration;

use mtvt_vocab::{PowerState, ProviderKind};

use crate::endpoint::SourceEndpoint;
use crate::error::SourceError;
use crate::hyperv::HypervSource;
use crate::model::{
    AddDisk, CloneRequest, ClonedVm, DiskFacts, GuestInfo, SnapshotFacts, SourceArtifact,
    SourceVmFacts, VmRef,
};
use crate::openshift::OpenshiftSource;
use crate::openstack::OpenstackClient;
use crate::ova::OvaSource;
use crate::ovirt::OvirtClient;
use crate::poll::WaitOptions;
use crate::vsphere::VsphereClient;

/// A source provider, ready to [`connect`](SourceAdapter::connect).
#[derive(Debug)]
pub enum SourceAdapter {
    /// vCenter (Automation REST + VI/JSON).
    Vsphere(VsphereClient),
    /// oVirt engine REST.
    Ovirt(OvirtClient),
    /// Keystone + Nova/Glance/Cinder.
    Openstack(OpenstackClient),
    /// KubeVirt objects through a kube client.
    Openshift(OpenshiftSource),
    /// No API.
    Ova(OvaSource),
    /// WinRM/PSRP, not spoken yet: every operation is unsupported.
    Hyperv(HypervSource),
}

macro_rules! dispatch {
    ($self:ident, $c:ident => $call:expr, ova => $ova:expr) => {
        match $self {
            SourceAdapter::Vsphere($c) => $call,
            SourceAdapter::Ovirt($c) => $call,
            SourceAdapter::Openstack($c) => $call,
            SourceAdapter::Openshift($c) => $call,
            SourceAdapter::Ova($c) => $ova,
            SourceAdapter::Hyperv($c) => $ova,
        }
    };
}

impl SourceAdapter {
    /// The adapter for a vSphere, oVirt, OpenStack or OVA endpoint. OpenShift sources need a
    /// kube client: use [`SourceAdapter::openshift`].
    pub fn from_endpoint(endpoint: SourceEndpoint, wait: WaitOptions) -> Result<Self, SourceError> {
        Ok(match endpoint.kind {
            ProviderKind::Vsphere => SourceAdapter::Vsphere(VsphereClient::new(endpoint, wait)?),
            ProviderKind::Ovirt => SourceAdapter::Ovirt(OvirtClient::new(endpoint, wait)?),
            ProviderKind::Openstack => {
                SourceAdapter::Openstack(OpenstackClient::new(endpoint, wait)?)
            }
            ProviderKind::Ova => SourceAdapter::Ova(OvaSource {
                share: endpoint.api_url,
            }),
            ProviderKind::Hyperv => SourceAdapter::Hyperv(HypervSource {
                host: endpoint.api_url,
            }),
            ProviderKind::Openshift => {
                return Err(SourceError::Config {
                    provider: ProviderKind::Openshift,
                    message: "an OpenShift source is reached through the cluster: build it with SourceAdapter::openshift(kube client, namespace)".into(),
                });
            }
        })
    }

    /// The adapter for KubeVirt VMs in `namespace` of the cluster behind `client`.
    pub fn openshift(client: kube::Client, namespace: &str, wait: WaitOptions) -> Self {
        SourceAdapter::Openshift(OpenshiftSource::new(client, namespace, wait))
    }

    /// The provider type.
    pub fn kind(&self) -> ProviderKind {
        match self {
            SourceAdapter::Vsphere(_) => ProviderKind::Vsphere,
            SourceAdapter::Ovirt(_) => ProviderKind::Ovirt,
            SourceAdapter::Openstack(_) => ProviderKind::Openstack,
            SourceAdapter::Openshift(_) => ProviderKind::Openshift,
            SourceAdapter::Ova(_) => ProviderKind::Ova,
            SourceAdapter::Hyperv(_) => ProviderKind::Hyperv,
        }
    }

    /// Logs in (vSphere session, oVirt SSO token, Keystone token; OpenShift: a list call
    /// proving access; OVA: nothing). Wrong credentials → [`SourceError::Auth`].
    pub async fn connect(&mut self) -> Result<(), SourceError> {
        match self {
            SourceAdapter::Vsphere(c) => c.connect().await,
            SourceAdapter::Ovirt(c) => c.connect().await,
            SourceAdapter::Openstack(c) => c.connect().await,
            SourceAdapter::Openshift(c) => c.connect().await,
            SourceAdapter::Ova(_) | SourceAdapter::Hyperv(_) => Ok(()),
        }
    }

    /// The VM (or template) named `name`.
    pub async fn find_vm(&self, name: &str) -> Result<VmRef, SourceError> {
        dispatch!(self, c => c.find_vm(name).await, ova => Err(c.unsupported("find_vm")))
    }

    /// Clones `base` as `request` says (powered off unless `request.power_on`).
    pub async fn clone_vm(
        &self,
        base: &VmRef,
        request: &CloneRequest,
    ) -> Result<ClonedVm, SourceError> {
        dispatch!(self, c => c.clone_vm(base, request).await, ova => Err(c.unsupported("clone_vm")))
    }

    /// Powers the VM on or off and waits until it is; already in that state is success.
    pub async fn set_power(&self, vm: &VmRef, want: PowerState) -> Result<(), SourceError> {
        dispatch!(self, c => c.set_power(vm, want).await, ova => Err(c.unsupported("set_power")))
    }

    /// [`Self::set_power`] on.
    pub async fn power_on(&self, vm: &VmRef) -> Result<(), SourceError> {
        self.set_power(vm, PowerState::On).await
    }

    /// [`Self::set_power`] off.
    pub async fn power_off(&self, vm: &VmRef) -> Result<(), SourceError> {
        self.set_power(vm, PowerState::Off).await
    }

    /// Waits (up to `timeout`) until guest tools/agent report an IP.
    pub async fn wait_for_guest_info(
        &self,
        vm: &VmRef,
        timeout: Duration,
    ) -> Result<GuestInfo, SourceError> {
        dispatch!(self, c => c.wait_for_guest_info(vm, timeout).await,
                  ova => Err(c.unsupported("wait_for_guest_info")))
    }

    /// Creates a snapshot (no memory, no quiesce) and waits until it exists.
    pub async fn create_snapshot(
        &self,
        vm: &VmRef,
        name: &str,
        description: &str,
    ) -> Result<SnapshotFacts, SourceError> {
        dispatch!(self, c => c.create_snapshot(vm, name, description).await,
                  ova => Err(c.unsupported("create_snapshot")))
    }

    /// The VM's snapshots, oldest first.
    pub async fn list_snapshots(&self, vm: &VmRef) -> Result<Vec<SnapshotFacts>, SourceError> {
        dispatch!(self, c => c.list_snapshots(vm).await, ova => Err(c.unsupported("list_snapshots")))
    }

    /// Adds a disk; returns it as the facts will show it.
    pub async fn add_disk(&self, vm: &VmRef, disk: &AddDisk) -> Result<DiskFacts, SourceError> {
        dispatch!(self, c => c.add_disk(vm, disk).await, ova => Err(c.unsupported("add_disk")))
    }

    /// Enables changed block tracking (vSphere only).
    pub async fn enable_cbt(&self, vm: &VmRef) -> Result<(), SourceError> {
        match self {
            SourceAdapter::Vsphere(c) => c.enable_cbt(vm).await,
            SourceAdapter::Ovirt(_) => Err(crate::ovirt::cbt_unsupported()),
            other => Err(SourceError::unsupported(
                other.kind(),
                "enable_cbt",
                "changed block tracking is a vSphere feature; Forklift has no warm migration from this provider type",
            )),
        }
    }

    /// Deletes the VM (powering it off first); a VM that no longer exists is success.
    pub async fn delete_vm(&self, vm: &VmRef) -> Result<(), SourceError> {
        dispatch!(self, c => c.delete_vm(vm).await, ova => Err(c.unsupported("delete_vm")))
    }

    /// Deletes something a clone left behind ([`ClonedVm::artifacts`]); missing is success.
    pub async fn delete_artifact(&self, artifact: &SourceArtifact) -> Result<(), SourceError> {
        match self {
            SourceAdapter::Openstack(c) => c.delete_artifact(artifact).await,
            other => Err(SourceError::InvalidRequest {
                provider: other.kind(),
                message: format!("{artifact:?} was not created by this provider type"),
            }),
        }
    }

    /// The normalised facts of the VM (what post-migration checks compare).
    pub async fn vm_facts(&self, vm: &VmRef) -> Result<SourceVmFacts, SourceError> {
        dispatch!(self, c => c.vm_facts(vm).await, ova => Err(c.unsupported("vm_facts")))
    }
}
