//! The source side of a run: one connected adapter for the profile's provider (vSphere,
//! oVirt, OpenStack, OpenShift or OVA, over its real protocol) and the preparation of each
//! scenario VM — clone with the session suffix (journalled first), add disks, snapshots,
//! CBT for warm plans, power on/off, guest info — then its facts. Also deletes and probes
//! clones for teardown and the leak audit.
//!
//! It does not talk to the Forklift inventory (that is `inventory`).

mod teardown;

use std::sync::Arc;
use std::time::Duration;

use mtvt_lang::ir::{AddedDiskIr, DatastoreRef, VmIr};
use mtvt_profiles::Profile;
use mtvt_source::naming::{clone_vm_name, snapshot_name};
use mtvt_source::{
    AddDisk, Backoff, CloneRequest, SourceAdapter, SourceEndpoint, SourceVmFacts, TlsOptions,
    VmRef, WaitOptions,
};
use mtvt_vocab::{PowerState, ProviderKind};

use super::error::EngineError;
use super::journal::{Action, Journal, Scope, State};
use super::plan::answers_source_name;
use super::resolve::ResolvedPlan;

/// How long to wait for guest tools to report after powering on (the pytest suite's 120 s).
pub const GUEST_INFO_TIMEOUT: Duration = Duration::from_secs(120);

/// Backoff of source-side polls (tasks, power changes, guest info).
pub fn source_wait() -> WaitOptions {
    WaitOptions {
        backoff: Backoff {
            initial: Duration::from_millis(50),
            max: Duration::from_secs(5),
            factor: 2.0,
        },
        op_timeout: Duration::from_secs(600),
    }
}

/// A connected source provider.
pub struct SourceSide {
    /// The profile.
    pub profile: Profile,
    /// Provider type.
    pub kind: ProviderKind,
    adapter: Arc<SourceAdapter>,
    journal: Arc<Journal>,
    session: String,
}

impl std::fmt::Debug for SourceSide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceSide")
            .field("profile", &self.profile.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// A VM ready for migration.
#[derive(Debug, Clone)]
pub struct PreparedVm {
    /// Its name on the source (the clone's name when cloned).
    pub name: String,
    /// Its handle (none for OVA, which has no API).
    pub vm: Option<VmRef>,
    /// Facts read after preparation (none for OVA: taken from the inventory).
    pub facts: Option<SourceVmFacts>,
}

fn source_error(action: String, e: mtvt_source::SourceError) -> EngineError {
    EngineError::Source {
        action,
        message: e.to_string(),
    }
}

impl SourceSide {
    /// Connects to the profile's provider. OpenShift sources use `kube` and look for VMs in
    /// `openshift_namespace`.
    pub async fn connect(
        profile: &Profile,
        tls: TlsOptions,
        kube: &kube::Client,
        openshift_namespace: &str,
        journal: Arc<Journal>,
        session: &str,
    ) -> Result<Self, EngineError> {
        let kind = profile.provider_type;
        let mut adapter = match kind {
            ProviderKind::Openshift => {
                SourceAdapter::openshift(kube.clone(), openshift_namespace, source_wait())
            }
            // an ESXi profile's VMs are prepared through its clone_provider (vCenter)
            _ => SourceAdapter::from_endpoint(
                SourceEndpoint::from_profile(profile.source_api_profile(), tls),
                source_wait(),
            )
            .map_err(|e| source_error(format!("set up the {kind} source"), e))?,
        };
        adapter.connect().await.map_err(|e| {
            source_error(
                format!(
                    "connect to the {kind} source of profile {}",
                    profile.source_api_profile().name
                ),
                e,
            )
        })?;
        Ok(SourceSide {
            profile: profile.clone(),
            kind,
            adapter: Arc::new(adapter),
            journal,
            session: session.to_string(),
        })
    }

    fn datastore(&self, d: &DatastoreRef) -> Result<String, EngineError> {
        match d {
            DatastoreRef::Id(id) => Ok(id.clone()),
            DatastoreRef::Symbol(s) => {
                let co = self.profile.copyoffload.as_ref().ok_or_else(|| {
                    EngineError::Setup(format!(
                        "datastore `{s}` comes from the profile's copyoffload section, which profile {} lacks",
                        self.profile.name
                    ))
                })?;
                mtvt_forklift::copy_offload::resolve_datastore(co, s.as_str())
                    .map(str::to_string)
                    .ok_or_else(|| {
                        EngineError::Setup(format!(
                            "profile {} has no copyoffload.{}",
                            self.profile.name,
                            s.profile_field()
                        ))
                    })
            }
        }
    }

    /// The source VM a scenario VM starts from (the profile's copy-offload
    /// `default_vm_name` for copy-offload plans, else `name_for` / the VM's name).
    pub fn base_name(&self, vm: &VmIr, plan: &ResolvedPlan) -> String {
        if plan.ir.copy_offload
            && let Some(d) = self
                .profile
                .copyoffload
                .as_ref()
                .and_then(|c| c.default_vm_name.clone())
            && !d.is_empty()
        {
            return d;
        }
        answers_source_name(vm, self.kind.as_str())
    }

    /// Prepares one VM of `plan` for scenario `scenario`: clone (journalled first), added
    /// disks, snapshots, power, then its facts.
    pub async fn prepare(
        &self,
        scenario: &str,
        vm: &VmIr,
        plan: &ResolvedPlan,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<PreparedVm, EngineError> {
        let base = self.base_name(vm, plan);
        // OVA has no API; mtvt speaks no WinRM to Hyper-V hosts (mtvt_source::hyperv)
        if matches!(self.kind, ProviderKind::Ova | ProviderKind::Hyperv) {
            return Ok(PreparedVm {
                name: base,
                vm: None,
                facts: None,
            });
        }
        let base_ref = self
            .adapter
            .find_vm(&base)
            .await
            .map_err(|e| source_error(format!("find {} VM {base}", self.kind), e))?;
        let vm_ref = if vm.clone {
            self.clone_vm(scenario, vm, plan, &base_ref, env).await?
        } else {
            base_ref
        };
        for d in &vm.added_disks {
            self.add_disk(&vm_ref, d).await?;
        }
        for i in 1..=vm.snapshots {
            let name = snapshot_name(&vm_ref.name, &self.session, i as usize);
            self.adapter
                .create_snapshot(&vm_ref, &name, "created by mtvt run")
                .await
                .map_err(|e| {
                    source_error(format!("snapshot {} VM {}", self.kind, vm_ref.name), e)
                })?;
        }
        // The suite reads a VM's guest networking while it runs (power on, guest info, facts)
        // and powers it off afterwards: a cold plan that preserves static IPs needs them.
        let running_facts = if vm.source_power == Some(PowerState::Off)
            && self.kind == ProviderKind::Vsphere
            && plan.ir.preserve_static_ips == Some(true)
        {
            self.set_power(&vm_ref, PowerState::On).await?;
            Some(self.facts(&vm_ref).await?)
        } else {
            None
        };
        if let Some(power) = vm.source_power {
            self.set_power(&vm_ref, power).await?;
        }
        let mut facts = self.facts(&vm_ref).await?;
        if let Some(running) = running_facts {
            keep_guest_networking(&mut facts, &running);
        }
        Ok(PreparedVm {
            name: vm_ref.name.clone(),
            vm: Some(vm_ref),
            facts: Some(facts),
        })
    }

    /// Clones `base` for the scenario (the session's name for it), journalled before the
    /// clone is asked for and updated with its id and artifacts after.
    async fn clone_vm(
        &self,
        scenario: &str,
        vm: &VmIr,
        plan: &ResolvedPlan,
        base: &VmRef,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<VmRef, EngineError> {
        let clone_name = match &vm.clone_name {
            Some(c) => Some(
                c.resolve(&self.session, env)
                    .map_err(|e| EngineError::Setup(format!("clone_name: {e}")))?,
            ),
            None => None,
        };
        let name = clone_vm_name(
            &self.session,
            &base.name,
            clone_name.as_deref(),
            vm.preserve_name_format,
            &mut rand::rng(),
        );
        let request = CloneRequest {
            new_name: name.clone(),
            preserve_name_format: vm.preserve_name_format,
            target_datastore: vm
                .target_datastore
                .as_ref()
                .map(|d| self.datastore(d))
                .transpose()?,
            disk_provisioning: vm.disk_type,
            power_on: false,
            enable_cbt: plan.ir.warm && self.kind == ProviderKind::Vsphere,
        };
        let seq = self
            .journal
            .record(
                Scope::Scenario,
                Some(scenario),
                Action::SourceVm {
                    profile: self.profile.name.clone(),
                    provider_type: self.kind.as_str().to_string(),
                    name: name.clone(),
                    id: None,
                    artifacts: Vec::new(),
                },
            )
            .map_err(|e| EngineError::Setup(e.to_string()))?;
        let cloned = self.adapter.clone_vm(base, &request).await.map_err(|e| {
            source_error(format!("clone {} VM {} as {name}", self.kind, base.name), e)
        })?;
        let (id, artifacts) = (cloned.vm.id.clone(), cloned.artifacts.clone());
        self.journal.update(seq, |act| {
            if let Action::SourceVm {
                id: i,
                artifacts: a,
                ..
            } = act
            {
                *i = Some(id);
                *a = artifacts;
            }
        });
        self.journal.set_state(seq, State::Done);
        Ok(cloned.vm)
    }

    /// Adds disk `d` to `vm` (RDM disks use the profile's LUN).
    async fn add_disk(&self, vm: &VmRef, d: &AddedDiskIr) -> Result<(), EngineError> {
        let rdm_lun_uuid = match d.rdm {
            Some(_) => Some(
                self.profile
                    .copyoffload
                    .as_ref()
                    .and_then(|c| c.rdm_lun_uuid.clone())
                    .ok_or_else(|| {
                        EngineError::Setup(format!(
                            "an RDM disk needs copyoffload.rdm_lun_uuid in profile {}",
                            self.profile.name
                        ))
                    })?,
            ),
            None => None,
        };
        let disk = AddDisk {
            size_bytes: d
                .size
                .map(|q| u64::try_from(q.0).unwrap_or(u64::MAX))
                .unwrap_or(0),
            mode: d.mode,
            provisioning: Some(d.provisioning),
            datastore: d
                .datastore
                .as_ref()
                .map(|x| self.datastore(x))
                .transpose()?,
            folder: d.path.clone(),
            rdm_lun_uuid,
            rdm_physical: d.rdm == Some(mtvt_lang::schema::enums::RdmType::Physical),
        };
        self.adapter
            .add_disk(vm, &disk)
            .await
            .map(|_| ())
            .map_err(|e| source_error(format!("add a disk to {} VM {}", self.kind, vm.name), e))
    }

    /// Powers `vm` on (then, on vSphere, waits for its guest info) or off.
    async fn set_power(&self, vm: &VmRef, power: PowerState) -> Result<(), EngineError> {
        let a = &self.adapter;
        match power {
            PowerState::On => {
                a.power_on(vm).await.map_err(|e| {
                    source_error(format!("power on {} VM {}", self.kind, vm.name), e)
                })?;
                if self.kind == ProviderKind::Vsphere {
                    a.wait_for_guest_info(vm, GUEST_INFO_TIMEOUT)
                        .await
                        .map_err(|e| {
                            source_error(format!("wait for guest info of {}", vm.name), e)
                        })?;
                }
                Ok(())
            }
            PowerState::Off => a
                .power_off(vm)
                .await
                .map_err(|e| source_error(format!("power off {} VM {}", self.kind, vm.name), e)),
        }
    }

    /// Facts of a VM.
    pub async fn facts(&self, vm: &VmRef) -> Result<SourceVmFacts, EngineError> {
        self.adapter
            .vm_facts(vm)
            .await
            .map_err(|e| source_error(format!("read the facts of {} VM {}", self.kind, vm.name), e))
    }
}

/// Copies the guest's view of each NIC (IPs, static, prefix, gateway), read while the VM
/// ran, into facts read after it was powered off (when guest tools report nothing).
fn keep_guest_networking(facts: &mut SourceVmFacts, running: &SourceVmFacts) {
    for nic in &mut facts.nics {
        let Some(seen) = running.nics.iter().find(|n| n.mac == nic.mac) else {
            continue;
        };
        if nic.ips.is_empty() {
            nic.ips.clone_from(&seen.ips);
            nic.static_ip = seen.static_ip;
            nic.prefix = seen.prefix;
            nic.gateway.clone_from(&seen.gateway);
        }
    }
}
