//! Provider-profile-aware rules: warm migration and copy-offload against the source type
//! (known from the profile the scenario runs with, or from `requires provider`), and the
//! copy-offload fields, symbolic datastores and RDM LUN the profile must provide. Which
//! profile a scenario runs with is decided once, by `facts::choose`, before these rules.

use super::layer::{PlanLayer, ProfileRef};
use crate::diag::{DiagnosticKind, Sink};
use crate::facts::{CopyOffloadFacts, ProfileChoice, ProviderFacts};
use crate::ir::{PlanIr, Requirement, ScenarioIr};
use crate::schema::enums::{DatastoreSymbol, ProviderKind};

/// The profile a scenario is checked against: the one it runs with; `Skipped` when no
/// given profile can run it (only the rules independent of the profile apply).
#[derive(Debug, Clone, Copy)]
pub enum CheckedWith<'a> {
    /// No profile was given.
    Nothing,
    /// The profile it runs with.
    Profile(&'a ProviderFacts),
    /// It runs with none of the given profiles.
    Skipped,
}

impl<'a> CheckedWith<'a> {
    /// From the checker's choice among `profiles`.
    pub fn of(choice: &ProfileChoice, profiles: &'a [ProviderFacts]) -> Self {
        match choice {
            ProfileChoice::Unspecified => CheckedWith::Nothing,
            ProfileChoice::Profile { index } => profiles
                .get(*index)
                .map_or(CheckedWith::Nothing, CheckedWith::Profile),
            ProfileChoice::Skipped { .. } => CheckedWith::Skipped,
        }
    }

    fn profile(self) -> Option<&'a ProviderFacts> {
        match self {
            CheckedWith::Profile(p) => Some(p),
            _ => None,
        }
    }
}

/// The provider types a scenario will run against; `None` when unknown, or when the
/// scenario would be skipped for the selected profile. How they are known is
/// [`known_from`], written only for a diagnostic.
pub fn known_types(s: &ScenarioIr, with: CheckedWith<'_>) -> Option<Vec<ProviderKind>> {
    if matches!(with, CheckedWith::Skipped) {
        return None;
    }
    let profile = with.profile();
    let mut required: Option<Vec<ProviderKind>> = None;
    for r in &s.requires {
        if let Requirement::Provider { types } = &r.requirement {
            required = Some(match required {
                None => types.clone(),
                Some(prev) => prev.into_iter().filter(|t| types.contains(t)).collect(),
            });
        }
    }
    match (profile, required) {
        (Some(p), Some(req)) if !req.contains(&p.provider_type) => None,
        (Some(p), _) => Some(vec![p.provider_type]),
        (None, Some(req)) if !req.is_empty() => Some(req),
        (None, _) => None,
    }
}

/// How the `types` [`known_types`] found are known: the profile, else the scenario's
/// `requires provider`.
fn known_from(types: &[ProviderKind], profile: Option<&ProviderFacts>) -> String {
    match profile {
        Some(p) => format!(
            "--provider {} (type {})",
            p.profile,
            p.provider_type.as_str()
        ),
        None => {
            let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
            format!("requires provider {}", names.join(", "))
        }
    }
}

/// Applies the provider rules to every plan of a scenario.
pub fn check_providers(
    sink: &mut Sink,
    s: &ScenarioIr,
    layers: &[PlanLayer],
    with: CheckedWith<'_>,
    allow_ovirt_warm: bool,
) {
    let types = known_types(s, with);
    let profile = with.profile();
    // oVirt warm is feature-gated: a concrete oVirt profile needs --allow-ovirt-warm, a
    // `requires provider …, ovirt` list is accepted (the gate is checked at run time).
    let ovirt_ok = allow_ovirt_warm || profile.is_none();
    let skipped_for_profile = matches!(with, CheckedWith::Skipped);
    let requires_copyoffload = s
        .requires
        .iter()
        .any(|r| r.requirement == Requirement::CopyOffload);
    for (plan, layer) in s.plans.iter().zip(layers) {
        if let Some(types) = &types {
            check_type_support(sink, plan, types, profile, ovirt_ok);
        }
        let refs: Vec<&ProfileRef> = layer
            .vms
            .iter()
            .flat_map(|v| v.profile_refs.iter())
            .collect();
        if !plan.copy_offload {
            for r in refs {
                let (datastore, span) = match r {
                    ProfileRef::Datastore(d, s) => (d.as_str().to_string(), *s),
                    ProfileRef::Rdm(s) => (String::from("rdm"), *s),
                };
                sink.push(DiagnosticKind::SymbolicDatastoreWithoutCopyOffload { span, datastore });
            }
            continue;
        }
        let Some(p) = profile else { continue };
        if skipped_for_profile {
            continue;
        }
        let Some(span) = plan.key_spans.get("copy_offload").map(|s| s.span()) else {
            continue;
        };
        if p.provider_type != ProviderKind::Vsphere {
            // Reported as E0902 when the type is known; the profile's fields do not matter.
            continue;
        }
        let co_incomplete = p
            .copyoffload
            .as_ref()
            .is_none_or(|c| !c.missing_fields.is_empty());
        if requires_copyoffload && co_incomplete {
            // `requires copyoffload` skips the scenario for this profile at run time.
            continue;
        }
        let Some(co) = &p.copyoffload else {
            sink.push(DiagnosticKind::CopyOffloadProfileIncomplete {
                span,
                profile: p.profile.clone(),
                missing: String::from("the `copyoffload` section"),
            });
            continue;
        };
        if !co.missing_fields.is_empty() {
            let fields: Vec<String> = co.missing_fields.iter().map(|f| format!("`{f}`")).collect();
            sink.push(DiagnosticKind::CopyOffloadProfileIncomplete {
                span,
                profile: p.profile.clone(),
                missing: fields.join(", "),
            });
        }
        check_profile_refs(sink, &refs, co, p);
    }
}

/// E0901/E0902: warm migration and copy-offload against the provider types the scenario
/// may run with.
fn check_type_support(
    sink: &mut Sink,
    plan: &PlanIr,
    types: &[ProviderKind],
    profile: Option<&ProviderFacts>,
    ovirt_ok: bool,
) {
    if plan.warm
        && let Some(t) = types.iter().find(|t| !t.supports_warm(ovirt_ok))
        && let Some(span) = plan.key_spans.get("warm")
    {
        let known_from = known_from(types, profile);
        let help = if *t == ProviderKind::Ovirt {
            String::from(
                "oVirt warm migration is behind a feature gate: pass --allow-ovirt-warm if it is enabled",
            )
        } else {
            format!(
                "provider type known from {known_from}; warm migration needs vSphere (add `requires provider vsphere` or drop `warm true`)"
            )
        };
        sink.push(DiagnosticKind::WarmUnsupported {
            span: span.span(),
            provider_type: t.as_str().to_string(),
            known_from,
            help: Some(help),
        });
    }
    if plan.copy_offload
        && let Some(t) = types.iter().find(|t| **t != ProviderKind::Vsphere)
        && let Some(span) = plan.key_spans.get("copy_offload")
    {
        let known_from = known_from(types, profile);
        sink.push(DiagnosticKind::CopyOffloadNotVsphere {
            span: span.span(),
            provider_type: t.as_str().to_string(),
            help: Some(format!("provider type known from {known_from}; restrict the scenario with `requires provider vsphere`")),
            known_from,
        });
    }
}

/// E0904/E0905: the symbolic datastores and RDM LUNs the plan's VMs use, against the
/// profile's copy-offload section.
fn check_profile_refs(
    sink: &mut Sink,
    refs: &[&ProfileRef],
    co: &CopyOffloadFacts,
    p: &ProviderFacts,
) {
    for r in refs {
        match r {
            ProfileRef::Datastore(d, s) => {
                let present = match d {
                    DatastoreSymbol::Primary => true,
                    DatastoreSymbol::Secondary => co.has_secondary_datastore,
                    DatastoreSymbol::NonXcopy => co.has_non_xcopy_datastore,
                };
                if !present {
                    sink.push(DiagnosticKind::DatastoreNotInProfile {
                        span: *s,
                        datastore: d.as_str().to_string(),
                        field: d.profile_field().to_string(),
                        profile: p.profile.clone(),
                    });
                }
            }
            ProfileRef::Rdm(s) => {
                if !co.has_rdm_lun {
                    sink.push(DiagnosticKind::RdmWithoutLun {
                        span: *s,
                        profile: p.profile.clone(),
                    });
                }
            }
        }
    }
}
