//! The steps of a run, as typed data: what to create (a typed reference with its body),
//! what to wait for (a named condition on a typed reference), which source VM to prepare or
//! look for in the inventory, and the few cluster changes besides. `mtvt render` prints
//! them; the one executor (`engine::exec`) runs them; both name them the same way.

use std::time::Duration;

use super::super::journal::Scope;
use super::super::manifests::Manifest;
use crate::cluster::{ObjectRef, kinds};
use crate::report::Stage;

/// One step of a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Create an object (recorded in the journal first).
    Create(Create),
    /// Create a namespace the scenario names unless it exists (kept for the session; only a
    /// namespace this run created is deleted).
    EnsureNamespace(Manifest),
    /// Wait until a named condition holds for an object.
    Wait(Wait),
    /// Prepare a source VM: clone, disks, snapshots, CBT, power, facts.
    PrepareVm {
        /// Which VM.
        vm: VmStep,
        /// What will be done, for humans.
        summary: String,
    },
    /// Wait until the Forklift inventory lists a prepared source VM.
    WaitInventory(VmStep),
    /// Label a worker node (node-selector scenarios); removed at session teardown.
    LabelNode {
        /// Label key.
        key: String,
        /// Label value.
        value: String,
    },
    /// Set the ForkliftController precopy interval (minutes) once the operator is `Running`,
    /// then wait until it is `Successful` after the patch; restored at session teardown.
    SetPrecopyInterval {
        /// Minutes.
        minutes: i64,
    },
    /// Install the source Provider's offload SSH public key, restricted as Forklift wants
    /// it, on the copy-offload profile's ESXi host (`esxiCloneMethod: ssh`); journalled,
    /// removed at session teardown.
    InstallEsxiKey(EsxiKey),
    /// Wait (at most 60 s, a warning when it does not come) for the Secret `<plan>-…`
    /// Forklift makes for a copy-offload plan's populators when its migration starts.
    WaitPlanSecret {
        /// Namespace of the Secret (the plan's target namespace).
        namespace: String,
        /// The plan's name.
        plan: String,
    },
    /// Create the Migration; warm plans get `cutover` = server time + `cutover_after`.
    StartMigration {
        /// The Migration without `spec.cutover`.
        manifest: Manifest,
        /// Delay of the cutover.
        cutover_after: Option<Duration>,
    },
    /// Lifecycle (`then`): archive a Plan (`spec.archived: true`) and wait until it has
    /// condition `Archived`.
    ArchivePlan(ObjectRef),
    /// Lifecycle (`then`): delete an object and wait until it is gone.
    Delete(ObjectRef),
    /// Lifecycle (`then`): delete the VirtualMachines of `namespace` labelled `plan=<uid>`
    /// (the migrated VMs; their DataVolumes and PVCs follow by owner references) and wait
    /// until none is left.
    DeletePlanVms {
        /// The plan's target namespace.
        namespace: String,
        /// The Plan's uid.
        plan_uid: String,
    },
    /// Lifecycle (`then { migrate; cancel at STEP }`): once a VM of the Migration reaches
    /// pipeline step `step`, cancel every VM it runs (`spec.cancel`, as the pytest suite's
    /// `cancel_migration`); the Migration ending first fails the step.
    CancelAt {
        /// The Migration.
        migration: ObjectRef,
        /// The pipeline step.
        step: String,
        /// How long to wait for the step.
        timeout: Duration,
    },
    /// A heading for readers of a render; does nothing when executed.
    Note(String),
}

/// The ESXi key of one source provider.
#[derive(Debug, Clone, PartialEq)]
pub struct EsxiKey {
    /// The source Provider (its Secret `offload-ssh-keys-<name>-public` holds the key).
    pub provider: ObjectRef,
    /// The profile (its teardown finds the host's login there).
    pub profile: String,
    /// The host and its administrator login.
    pub login: mtvt_guest::esxi::EsxiLogin,
    /// The installed MTV version (the forced command changed in 2.11).
    pub mtv_version: Option<Vec<u64>>,
}

/// How long Forklift may take to create a provider's SSH key Secrets (the suite's 120 s).
pub const SSH_KEY_SECRET_TIMEOUT: Duration = Duration::from_secs(120);
/// How long to wait for a copy-offload plan's Secret (the suite's 60 s).
pub const PLAN_SECRET_TIMEOUT: Duration = Duration::from_secs(60);

/// An object to create.
#[derive(Debug, Clone, PartialEq)]
pub struct Create {
    /// Undone at session or scenario teardown.
    pub scope: Scope,
    /// The object.
    pub manifest: Manifest,
    /// Plans: the namespace the migrated VMs land in (teardown deletes what the
    /// controller made there for the plan).
    pub target_namespace: Option<String>,
}

/// A wait on one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Wait {
    /// The object.
    pub object: ObjectRef,
    /// Until what (a named condition of `engine::conditions`).
    pub until: Until,
    /// Deadline.
    pub timeout: Duration,
}

/// The conditions steps wait for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Until {
    /// A Provider is Ready (its connection test failing ends the wait).
    ProviderReady,
    /// A Provider has `Validated=True`.
    ProviderValidated,
    /// A Plan is Ready (blocking conditions standing too long end the wait).
    PlanReady,
    /// A Plan's migration ended (Succeeded, Failed or Canceled).
    PlanFinished,
    /// A Plan has a status condition (`then { wait plan CONDITION }`).
    PlanCondition(String),
    /// A Plan has a validation condition (of a category) and is not Ready (the
    /// `plan not ready` outcome; the Plan becoming Ready ends the wait with a failure).
    PlanNotReady {
        /// Condition type.
        condition: String,
        /// Its category, when the scenario states it.
        category: Option<String>,
    },
}

/// A VM of a scenario: plan index and VM index in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VmStep {
    /// Plan index.
    pub plan: usize,
    /// VM index in the plan.
    pub vm: usize,
}

impl Step {
    /// A create of `manifest` in `scope`.
    pub fn create(scope: Scope, manifest: Manifest) -> Step {
        Step::Create(Create {
            scope,
            manifest,
            target_namespace: None,
        })
    }

    /// The step's name in progress lines and reports (`create Plan p`, `wait until …`).
    pub fn name(&self) -> String {
        match self {
            Step::Create(Create { manifest, .. }) | Step::EnsureNamespace(manifest) => {
                format!(
                    "create {} {}",
                    manifest.object.kind.kind, manifest.object.name
                )
            }
            other => other.comment().unwrap_or_default(),
        }
    }

    /// The step of the pytest suite's test class this step belongs to (reports).
    pub fn stage(&self) -> Stage {
        match self {
            Step::Create(Create { manifest, .. }) => match manifest.object.kind {
                k if k == kinds::STORAGE_MAP => Stage::StorageMap,
                k if k == kinds::NETWORK_MAP || k == kinds::NAD => Stage::NetworkMap,
                k if k == kinds::PLAN || k == kinds::HOOK => Stage::Plan,
                _ => Stage::Setup,
            },
            Step::Wait(w) => match w.until {
                Until::ProviderReady | Until::ProviderValidated => Stage::Setup,
                Until::PlanReady | Until::PlanNotReady { .. } => Stage::Plan,
                Until::PlanFinished => Stage::Migrate,
                // Lifecycle steps after the outcome belong with its checks.
                Until::PlanCondition(_) => Stage::Check,
            },
            Step::ArchivePlan(_) | Step::Delete(_) | Step::DeletePlanVms { .. } => Stage::Check,
            Step::StartMigration { .. }
            | Step::CancelAt { .. }
            | Step::SetPrecopyInterval { .. }
            | Step::WaitPlanSecret { .. } => Stage::Migrate,
            Step::EnsureNamespace(_)
            | Step::PrepareVm { .. }
            | Step::WaitInventory(_)
            | Step::LabelNode { .. }
            | Step::InstallEsxiKey(_)
            | Step::Note(_) => Stage::Setup,
        }
    }

    /// The comment line `mtvt render` prints in the step's place (objects print as YAML).
    pub fn comment(&self) -> Option<String> {
        Some(match self {
            Step::Create(_) | Step::EnsureNamespace(_) => return None,
            Step::Note(text) => format!("----- {text}"),
            Step::Wait(w) => w.describe(),
            Step::PrepareVm { vm, summary } => {
                format!("source VM {} of plan {}: {summary}", vm.vm + 1, vm.plan + 1)
            }
            Step::WaitInventory(vm) => format!(
                "wait until the Forklift inventory lists source VM {} of plan {}",
                vm.vm + 1,
                vm.plan + 1
            ),
            Step::LabelNode { key, value } => {
                format!("label a worker node {key}={value} (removed at the end of the session)")
            }
            Step::SetPrecopyInterval { minutes } => format!(
                "set ForkliftController spec.controller_precopy_interval to {minutes} once the operator is Running, then wait until it is Successful (at most 300s each; restored at the end of the session)"
            ),
            Step::InstallEsxiKey(k) => format!(
                "wait until Forklift has created Secret {}/offload-ssh-keys-{}-public (at most {}s), then install its key with Forklift's restricted command in /etc/ssh/keys-root/authorized_keys on ESXi host {} as {} (removed at the end of the session)",
                k.provider.namespace.as_deref().unwrap_or_default(),
                k.provider.name,
                SSH_KEY_SECRET_TIMEOUT.as_secs(),
                k.login.host,
                k.login.user
            ),
            Step::WaitPlanSecret { namespace, plan } => format!(
                "wait until Forklift has created the copy-offload Secret {namespace}/{plan}-… (at most {}s; a warning if not)",
                PLAN_SECRET_TIMEOUT.as_secs()
            ),
            Step::ArchivePlan(o) => format!(
                "archive {o} (spec.archived: true) and wait until it has condition Archived=True"
            ),
            Step::Delete(o) => format!("delete {o} and wait until it is gone"),
            Step::DeletePlanVms { namespace, .. } => format!(
                "delete the VirtualMachines of {namespace} labelled plan=<the Plan's uid> and wait until they are gone"
            ),
            Step::CancelAt {
                migration,
                step,
                timeout,
            } => format!(
                "wait until a VM of {migration} reaches pipeline step {step} (at most {}s), then cancel its VMs (spec.cancel)",
                timeout.as_secs()
            ),
            Step::StartMigration { cutover_after, .. } => match cutover_after {
                Some(d) => format!(
                    "create the Migration below with spec.cutover = server time + {}s",
                    d.as_secs()
                ),
                None => "create the Migration below".to_string(),
            },
        })
    }
}

impl Wait {
    /// `wait until Plan ns/p has condition Ready=True (at most 360s)`.
    pub fn describe(&self) -> String {
        let o = &self.object;
        let at = match &o.namespace {
            Some(ns) => format!("{ns}/{}", o.name),
            None => o.name.clone(),
        };
        let until = match &self.until {
            Until::ProviderReady | Until::PlanReady => "has condition Ready=True".to_string(),
            Until::ProviderValidated => "has condition Validated=True".to_string(),
            Until::PlanFinished => "has Succeeded, Failed or Canceled".to_string(),
            Until::PlanCondition(c) => format!("has condition {c}=True"),
            Until::PlanNotReady {
                condition,
                category: Some(c),
            } => format!("has condition {condition}=True (category {c}) and is not Ready"),
            Until::PlanNotReady {
                condition,
                category: None,
            } => format!("has condition {condition}=True and is not Ready"),
        };
        format!(
            "wait until {} {at} {until} (at most {}s)",
            o.kind.kind,
            self.timeout.as_secs()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::kinds;
    use crate::engine::manifests::{Owner, namespace};

    #[test]
    fn names_and_comments() {
        let owner = Owner {
            session: "s".into(),
            scenario: None,
        };
        let ns = Step::create(Scope::Session, namespace("auto-ab12", &owner));
        assert_eq!(ns.name(), "create Namespace auto-ab12");
        assert_eq!(ns.comment(), None);
        let ready = Step::Wait(Wait {
            object: ObjectRef::namespaced(kinds::PLAN, "ns", "p"),
            until: Until::PlanReady,
            timeout: Duration::from_secs(360),
        });
        assert_eq!(
            ready.name(),
            "wait until Plan ns/p has condition Ready=True (at most 360s)"
        );
        let done = Step::Wait(Wait {
            object: ObjectRef::namespaced(kinds::PLAN, "ns", "p"),
            until: Until::PlanFinished,
            timeout: Duration::from_secs(3600),
        });
        assert_eq!(
            done.name(),
            "wait until Plan ns/p has Succeeded, Failed or Canceled (at most 3600s)"
        );
        let vm = VmStep { plan: 0, vm: 1 };
        assert_eq!(
            Step::WaitInventory(vm).name(),
            "wait until the Forklift inventory lists source VM 2 of plan 1"
        );
    }
}
