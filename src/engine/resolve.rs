//! Resolution of a plan's run-time values: `${session}` and `${env.NAME}` substituted,
//! defaults of the run applied (target and Multus namespaces, storage class precedence,
//! copy-offload PVC template, cutover delay). The result is what manifests and the `plan`
//! model are built from, so both agree by construction.
//!
//! Pure: the environment comes in as a lookup function.

use std::collections::BTreeMap;

use mtvt_lang::ir::{InterpString, PlanIr, SessionIr};
use mtvt_lang::schema::enums::{Destination, TargetPowerState};
use mtvt_vocab::Duration;

use super::names::PlanNames;

/// A plan with every run-time value resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPlan {
    /// Position in the scenario.
    pub index: usize,
    /// The checked plan.
    pub ir: PlanIr,
    /// Object names.
    pub names: PlanNames,
    /// The scenario namespace (Plan, maps, hooks, Migration).
    pub namespace: String,
    /// Where the VMs land.
    pub target_namespace: String,
    /// `target_namespace` was set by the scenario (created if missing, kept for the session).
    pub custom_target_namespace: bool,
    /// Namespace of the NADs for extra NICs.
    pub multus_namespace: String,
    /// StorageMap destination class.
    pub storage_class: String,
    /// `targetLabels`.
    pub target_labels: BTreeMap<String, String>,
    /// `targetNodeSelector`.
    pub node_selector: BTreeMap<String, String>,
    /// `targetPowerState` spelling.
    pub target_power_state: Option<&'static str>,
    /// `pvcNameTemplate` as sent.
    pub pvc_name_template: Option<String>,
    /// `pvcNameTemplateUseGenerateName` as sent.
    pub pvc_name_template_use_generate_name: Option<bool>,
    /// Warm: delay between migration start and cutover.
    pub cutover_after: Option<Duration>,
    /// Each VM's LUKS passphrase (by position in `ir.vms`), resolved.
    pub luks: Vec<Option<String>>,
}

/// What resolution needs besides the plan.
pub struct ResolveInputs<'a> {
    /// Session id.
    pub session: &'a str,
    /// Scenario name.
    pub scenario: &'a str,
    /// Scenario namespace.
    pub namespace: &'a str,
    /// Session settings.
    pub session_ir: &'a SessionIr,
    /// `--storage-class` (overrides `session.storage_class`; a plan's own class wins).
    pub cli_storage_class: Option<&'a str>,
    /// Environment lookup for `${env.NAME}`.
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

fn resolve(s: &InterpString, inputs: &ResolveInputs<'_>, what: &str) -> Result<String, String> {
    s.resolve(inputs.session, |n| (inputs.env)(n))
        .map_err(|e| format!("{what}: {e}"))
}

/// The local destination Provider lives in the scenario's namespace, which makes it a
/// restricted host upstream (pkg/apis/forklift/v1beta1/provider.go:196): its inventory lists
/// NADs of that namespace and `default` only (pkg/controller/provider/web/ocp/base.go:294-323),
/// so NADs anywhere else would leave the NetworkMap `DestinationNetworkNotValid`.
fn restricted_host_sees(ir: &PlanIr, namespace: &str, multus: &str) -> Result<(), String> {
    if ir.destination == Destination::Remote || multus == namespace || multus == "default" {
        return Ok(());
    }
    Err(format!(
        "multus_namespace \"{multus}\": the local destination Provider lives in the scenario's namespace {namespace}, and Forklift's inventory for it lists only NetworkAttachmentDefinitions of that namespace and `default`; leave multus_namespace unset or set it to \"default\""
    ))
}

/// Resolves plan `index` of a scenario.
pub fn resolve_plan(
    index: usize,
    ir: &PlanIr,
    inputs: &ResolveInputs<'_>,
) -> Result<ResolvedPlan, String> {
    let names = PlanNames::new(inputs.session, inputs.scenario, ir.name.as_deref());
    let (target_namespace, custom) = match &ir.target_namespace {
        Some(t) => (resolve(t, inputs, "target_namespace")?, true),
        None => (inputs.namespace.to_string(), false),
    };
    let multus_namespace = match &ir.multus_namespace {
        Some(m) => resolve(m, inputs, "multus_namespace")?,
        None => inputs.namespace.to_string(),
    };
    restricted_host_sees(ir, inputs.namespace, &multus_namespace)?;
    let storage_class = match (
        &ir.storage_class,
        inputs.cli_storage_class,
        &inputs.session_ir.storage_class,
    ) {
        (Some(s), _, _) => resolve(s, inputs, "storage_class")?,
        (None, Some(cli), _) => cli.to_string(),
        (None, None, Some(s)) => resolve(s, inputs, "session.storage_class")?,
        (None, None, None) => {
            return Err(
                "no destination storage class: pass --storage-class CLASS (or set session { storage_class \"…\" })"
                    .to_string(),
            );
        }
    };
    let map = |m: &BTreeMap<String, InterpString>,
               what: &str|
     -> Result<BTreeMap<String, String>, String> {
        m.iter()
            .map(|(k, v)| Ok((k.clone(), resolve(v, inputs, what)?)))
            .collect()
    };
    let cutover_after = if ir.warm {
        Some(ir.cutover_after.unwrap_or(Duration::mins(
            u64::try_from(inputs.session_ir.mins_before_cutover).unwrap_or(0),
        )))
    } else {
        None
    };
    Ok(ResolvedPlan {
        index,
        names,
        namespace: inputs.namespace.to_string(),
        target_namespace,
        custom_target_namespace: custom,
        multus_namespace,
        storage_class,
        target_labels: map(&ir.target_labels, "target_labels")?,
        node_selector: map(&ir.target_node_selector, "target_node_selector")?,
        target_power_state: ir.target_power_state.map(|t| match t {
            TargetPowerState::On => "on",
            TargetPowerState::Off => "off",
            TargetPowerState::Auto => "auto",
        }),
        pvc_name_template: ir.pvc_name_template.clone(),
        pvc_name_template_use_generate_name: ir.pvc_name_template_use_generate_name,
        cutover_after,
        luks: ir
            .vms
            .iter()
            .map(|vm| {
                vm.luks_passphrase
                    .as_ref()
                    .map(|p| resolve(p, inputs, "luks_passphrase"))
                    .transpose()
            })
            .collect::<Result<_, _>>()?,
        ir: ir.clone(),
    })
}

impl ResolvedPlan {
    /// Whether the VMs go to a remote destination provider.
    pub fn remote(&self) -> bool {
        self.ir.destination == Destination::Remote
    }

    /// The Plan object.
    pub fn plan_ref(&self) -> crate::cluster::ObjectRef {
        crate::cluster::ObjectRef::namespaced(
            crate::cluster::kinds::PLAN,
            &self.namespace,
            &self.names.plan,
        )
    }
}
