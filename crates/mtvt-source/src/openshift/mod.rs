//! OpenShift (KubeVirt) source adapter: source VMs are `kubevirt.io/v1` VirtualMachines in
//! one namespace of a cluster reached through a caller-given `kube::Client` (the same
//! client code path for a real cluster and the emulator).
//!
//! Power changes patch `spec.runStrategy` (what `virtctl start/stop` amounts to) and wait
//! with a watch for `status.printableStatus`; clones are new VMs whose DataVolume templates
//! clone the source PVCs (CDI); snapshots are `VirtualMachineSnapshot`s; added disks are
//! blank DataVolume templates. Every wait is a kube watch with a deadline. VMware-only
//! requests (CBT, provisioning, disk modes, RDM, folders) are [`SourceError::Unsupported`].

mod clone;
mod facts;
mod resources;

use std::sync::Mutex;
use std::time::Duration;

use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, PostParams};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Client, ResourceExt};
use mtvt_vocab::{DiskMode, PowerState, ProviderKind};
use serde_json::{Value, json};

use crate::error::SourceError;
use crate::model::{
    AddDisk, CloneRequest, ClonedVm, DiskFacts, GuestInfo, SnapshotFacts, SourceVmFacts, VmRef,
};
use crate::poll::WaitOptions;
use resources::Kinds;

const KIND: ProviderKind = ProviderKind::Openshift;

/// Annotation keeping a snapshot's description.
pub const DESCRIPTION_ANNOTATION: &str = "mtvt.io/description";

/// VMs of one namespace of an OpenShift Virtualization cluster.
#[derive(Clone)]
pub struct OpenshiftSource {
    client: Client,
    namespace: String,
    wait: WaitOptions,
    kinds: Kinds,
}

impl std::fmt::Debug for OpenshiftSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenshiftSource")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

pub(crate) fn kube_err(operation: impl Into<String>) -> impl FnOnce(kube::Error) -> SourceError {
    let operation = operation.into();
    move |source| SourceError::Kube { operation, source }
}

fn status_of(vm: Option<&DynamicObject>) -> String {
    match vm {
        None => "absent".into(),
        Some(o) => o
            .data
            .pointer("/status/printableStatus")
            .and_then(Value::as_str)
            .map(|s| format!("printableStatus {s}"))
            .unwrap_or_else(|| "no status yet".into()),
    }
}

impl OpenshiftSource {
    /// Source VMs in `namespace`, through `client`.
    pub fn new(client: Client, namespace: impl Into<String>, wait: WaitOptions) -> Self {
        Self {
            client,
            namespace: namespace.into(),
            wait,
            kinds: Kinds::default(),
        }
    }

    /// The namespace of the source VMs.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    pub(crate) fn api(&self, ar: &kube::api::ApiResource) -> Api<DynamicObject> {
        Api::namespaced_with(self.client.clone(), &self.namespace, ar)
    }

    pub(crate) fn vms(&self) -> Api<DynamicObject> {
        self.api(&self.kinds.vm)
    }

    /// Checks that the namespace's VMs can be listed (credentials, KubeVirt installed).
    /// Refused credentials (401/403) → [`SourceError::Auth`].
    pub async fn connect(&self) -> Result<(), SourceError> {
        match self
            .vms()
            .list(&kube::api::ListParams::default().limit(1))
            .await
        {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 401 || s.code == 403 => Err(SourceError::Auth {
                provider: KIND,
                url: format!(
                    "/apis/kubevirt.io/v1/namespaces/{}/virtualmachines",
                    self.namespace
                ),
                status: s.code,
                message: s.message,
            }),
            Err(e) => Err(kube_err(format!(
                "list VirtualMachines in namespace {}",
                self.namespace
            ))(e)),
        }
    }

    pub(crate) async fn get_vm(&self, name: &str) -> Result<DynamicObject, SourceError> {
        self.vms()
            .get_opt(name)
            .await
            .map_err(kube_err(format!(
                "get VirtualMachine {}/{name}",
                self.namespace
            )))?
            .ok_or_else(|| {
                SourceError::not_found(KIND, format!("VirtualMachine {}/{name}", self.namespace))
            })
    }

    /// The VM named `name` in the namespace.
    pub async fn find_vm(&self, name: &str) -> Result<VmRef, SourceError> {
        let vm = self.get_vm(name).await?;
        Ok(VmRef {
            id: vm.uid().unwrap_or_default(),
            name: name.to_string(),
            template: false,
        })
    }

    /// Watches `api`/`name` until `check` gives `Ok`, for at most `timeout`; the timeout
    /// error carries the last `Err` state `check` described.
    pub(crate) async fn watch_until<T>(
        &self,
        api: Api<DynamicObject>,
        name: &str,
        condition: &str,
        timeout: Duration,
        check: impl Fn(Option<&DynamicObject>) -> Result<T, String>,
    ) -> Result<T, SourceError> {
        let last = Mutex::new("no event received".to_string());
        let started = tokio::time::Instant::now();
        let cond = |o: Option<&DynamicObject>| match check(o) {
            Ok(_) => true,
            Err(state) => {
                *last.lock().unwrap_or_else(|e| e.into_inner()) = state;
                false
            }
        };
        let waited = tokio::time::timeout(timeout, await_condition(api, name, cond)).await;
        let last_state = last.lock().unwrap_or_else(|e| e.into_inner()).clone();
        match waited {
            Ok(Ok(obj)) => check(obj.as_ref()).map_err(|state| SourceError::Protocol {
                provider: KIND,
                path: name.to_string(),
                message: format!("condition flipped back after it held: {state}"),
            }),
            Ok(Err(e)) => Err(SourceError::Protocol {
                provider: KIND,
                path: name.to_string(),
                message: format!("watch failed while waiting for {condition}: {e}"),
            }),
            Err(_) => Err(SourceError::Timeout {
                provider: KIND,
                vm: format!("{}/{name}", self.namespace),
                condition: condition.to_string(),
                waited: started.elapsed(),
                last_state,
            }),
        }
    }

    /// Sets `spec.runStrategy` (`Always`/`Halted`) and waits for `printableStatus`
    /// `Running`/`Stopped`; already there is success.
    pub async fn set_power(&self, vm: &VmRef, want: PowerState) -> Result<(), SourceError> {
        let (strategy, status) = match want {
            PowerState::On => ("Always", "Running"),
            PowerState::Off => ("Halted", "Stopped"),
        };
        let patch = json!({"spec": {"running": null, "runStrategy": strategy}});
        self.vms()
            .patch(&vm.name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .map_err(kube_err(format!(
                "set runStrategy {strategy} on VirtualMachine {}/{}",
                self.namespace, vm.name
            )))?;
        self.watch_until(
            self.vms(),
            &vm.name,
            &format!("printableStatus {status}"),
            self.wait.op_timeout,
            |o| {
                let s = o.and_then(|o| o.data.pointer("/status/printableStatus"));
                if s.and_then(Value::as_str) == Some(status) {
                    Ok(())
                } else {
                    Err(status_of(o))
                }
            },
        )
        .await
    }

    /// Waits until the VMI reports an IP on an interface.
    pub async fn wait_for_guest_info(
        &self,
        vm: &VmRef,
        timeout: Duration,
    ) -> Result<GuestInfo, SourceError> {
        self.watch_until(
            self.api(&self.kinds.vmi),
            &vm.name,
            "a VirtualMachineInstance interface with an IP",
            timeout,
            |o| {
                let Some(vmi) = o else {
                    return Err("no VirtualMachineInstance".into());
                };
                let ips: Vec<String> = vmi
                    .data
                    .pointer("/status/interfaces")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|i| i.get("ipAddress").and_then(Value::as_str))
                    .filter(|ip| !ip.is_empty())
                    .map(str::to_string)
                    .collect();
                if ips.is_empty() {
                    let phase = vmi
                        .data
                        .pointer("/status/phase")
                        .and_then(Value::as_str)
                        .unwrap_or("unknown");
                    Err(format!("VMI phase {phase}, no interface IP"))
                } else {
                    Ok(GuestInfo {
                        hostname: vmi
                            .data
                            .pointer("/status/guestOSInfo/hostname")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        ips,
                    })
                }
            },
        )
        .await
    }

    /// A new VM whose DataVolume templates clone the source PVCs (module `clone`).
    pub async fn clone_vm(
        &self,
        base: &VmRef,
        request: &CloneRequest,
    ) -> Result<ClonedVm, SourceError> {
        clone::clone(self, base, request).await
    }

    /// A `VirtualMachineSnapshot` of the VM, waited until `readyToUse`.
    pub async fn create_snapshot(
        &self,
        vm: &VmRef,
        name: &str,
        description: &str,
    ) -> Result<SnapshotFacts, SourceError> {
        let api = self.api(&self.kinds.snapshot);
        let mut obj = DynamicObject::new(name, &self.kinds.snapshot).within(&self.namespace);
        obj.metadata.annotations = Some(
            [(DESCRIPTION_ANNOTATION.to_string(), description.to_string())]
                .into_iter()
                .collect(),
        );
        obj.data = json!({"spec": {"source": {"apiGroup": "kubevirt.io", "kind": "VirtualMachine", "name": vm.name}}});
        let created = api
            .create(&PostParams::default(), &obj)
            .await
            .map_err(kube_err(format!(
                "create VirtualMachineSnapshot {}/{name}",
                self.namespace
            )))?;
        self.watch_until(api, name, "readyToUse", self.wait.op_timeout, |o| {
            match o.and_then(|o| o.data.pointer("/status/readyToUse")) {
                Some(Value::Bool(true)) => Ok(()),
                _ => Err(o
                    .and_then(|o| o.data.pointer("/status/phase"))
                    .and_then(Value::as_str)
                    .map(|p| format!("phase {p}"))
                    .unwrap_or_else(|| "not ready".into())),
            }
        })
        .await?;
        Ok(SnapshotFacts {
            name: name.to_string(),
            id: created.uid().unwrap_or_default(),
            description: description.to_string(),
            ..SnapshotFacts::default()
        })
    }

    /// The VM's `VirtualMachineSnapshot`s, oldest first.
    pub async fn list_snapshots(&self, vm: &VmRef) -> Result<Vec<SnapshotFacts>, SourceError> {
        facts::snapshots(self, &vm.name).await
    }

    /// Adds a blank DataVolume template, disk and volume to the VM spec (applies at the
    /// next start).
    pub async fn add_disk(&self, vm: &VmRef, disk: &AddDisk) -> Result<DiskFacts, SourceError> {
        let refuse = |what: &str| {
            Err(SourceError::unsupported(
                KIND,
                "add_disk",
                format!("{what} is a vSphere concept with no KubeVirt equivalent"),
            ))
        };
        if disk.mode != DiskMode::Persistent {
            return refuse(&format!("disk mode {}", disk.mode.as_str()));
        }
        if disk.provisioning.is_some() {
            return refuse("thin/thick provisioning (the storage class decides)");
        }
        if disk.folder.is_some() {
            return refuse("a datastore folder");
        }
        if disk.rdm_lun_uuid.is_some() {
            return refuse("raw device mapping");
        }
        clone::add_blank_disk(self, vm, disk).await
    }

    /// Deletes the VM (its DataVolume templates' volumes go with it) and watches until it is
    /// gone; a missing VM is success.
    pub async fn delete_vm(&self, vm: &VmRef) -> Result<(), SourceError> {
        let deleted = self
            .vms()
            .delete(&vm.name, &DeleteParams::background())
            .await;
        let uid = match deleted {
            Ok(either) => either.left().and_then(|o| o.uid()),
            Err(kube::Error::Api(s)) if s.code == 404 => return Ok(()),
            Err(e) => {
                return Err(kube_err(format!(
                    "delete VirtualMachine {}/{}",
                    self.namespace, vm.name
                ))(e));
            }
        };
        let Some(uid) = uid else { return Ok(()) };
        let gone = conditions::is_deleted::<DynamicObject>(&uid);
        self.watch_until(
            self.vms(),
            &vm.name,
            "deletion",
            self.wait.op_timeout,
            |o| {
                use kube::runtime::wait::Condition;
                if gone.matches_object(o) {
                    Ok(())
                } else {
                    Err(status_of(o))
                }
            },
        )
        .await
    }

    /// Everything the post-migration checks compare (see [`SourceVmFacts`]).
    pub async fn vm_facts(&self, vm: &VmRef) -> Result<SourceVmFacts, SourceError> {
        facts::collect(self, vm).await
    }
}
