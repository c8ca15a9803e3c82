//! The one facts type and the one `requires` evaluator. Whether a scenario runs with a
//! provider profile is decided here, for the checker (which knows the profiles but not the
//! cluster, and checks each scenario against the profile it would run with) and for a run
//! (which adds the cluster's facts: MTV version, remote cluster, the oVirt warm gate).
//! What is not known yet never skips a scenario; the run decides it.
//!
//! Pure: facts come in as data.

use serde::Serialize;

use crate::ir::{Requirement, ScenarioIr, VersionOp};
use crate::schema::enums::ProviderKind;

/// What is known about one provider profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderFacts {
    /// Profile name (key in the providers file).
    pub profile: String,
    /// Its provider type.
    pub provider_type: ProviderKind,
    /// Its copy-offload section, if any.
    pub copyoffload: Option<CopyOffloadFacts>,
}

/// Summary of a profile's `copyoffload` section.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyOffloadFacts {
    /// Required fields (for its storage_vendor_product) that are missing.
    pub missing_fields: Vec<String>,
    /// `secondary_datastore_id` is set.
    pub has_secondary_datastore: bool,
    /// `non_xcopy_datastore_id` is set.
    pub has_non_xcopy_datastore: bool,
    /// `rdm_lun_uuid` is set.
    pub has_rdm_lun: bool,
}

impl ProviderFacts {
    /// The profile has a complete `copyoffload` section.
    pub fn has_copyoffload(&self) -> bool {
        self.copyoffload
            .as_ref()
            .is_some_and(|c| c.missing_fields.is_empty())
    }
}

/// What a run knows about the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterFacts {
    /// MTV version (components and text), or why it is unknown.
    pub mtv_version: Result<(Vec<u64>, String), String>,
    /// `session.remote_ocp_cluster` (or `--remote-ocp-cluster`); empty = none.
    pub remote_cluster: String,
    /// The API server URL (must contain `remote_cluster`).
    pub cluster_url: String,
}

/// The facts one decision is made on.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The profile.
    pub profile: &'a ProviderFacts,
    /// The cluster (`None`: not known yet — its requirements do not skip).
    pub cluster: Option<&'a ClusterFacts>,
    /// Forklift's oVirt warm-migration gate (`None`: not known yet — it does not skip).
    pub ovirt_warm: Option<bool>,
}

/// Whether a scenario runs with a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Run it.
    Run,
    /// Skip it, with the reason and the `requires` (or `warm`) line.
    Skip(String),
}

/// Which profile a scenario runs with, as far as the checker knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProfileChoice {
    /// No profile was given (`mtvt check` without `--provider`).
    #[default]
    Unspecified,
    /// The first of the given profiles its `requires` accept (by index).
    Profile {
        /// Index in the profile list.
        index: usize,
    },
    /// No given profile can run it.
    Skipped {
        /// Why, per profile.
        reason: String,
    },
}

fn op_text(op: VersionOp) -> &'static str {
    match op {
        VersionOp::Ge => ">=",
        VersionOp::Gt => ">",
        VersionOp::Le => "<=",
        VersionOp::Lt => "<",
        VersionOp::Eq => "==",
        VersionOp::Ne => "!=",
    }
}

/// Why `requirement` fails with `f`, if it does (not-yet-known facts never fail).
fn failure(requirement: &Requirement, f: &Facts<'_>) -> Option<String> {
    let provider_type = f.profile.provider_type;
    match requirement {
        Requirement::Provider { types } => (!types.contains(&provider_type)).then(|| {
            let want: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
            format!(
                "requires provider {} (the profile is {})",
                want.join(", "),
                provider_type.as_str()
            )
        }),
        Requirement::Mtv { op, version } => {
            let want = version
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(".");
            match &f.cluster?.mtv_version {
                Ok((v, text)) => (!op.holds(v, version))
                    .then(|| format!("requires mtv {} {want} (installed: {text})", op_text(*op))),
                Err(why) => Some(format!(
                    "requires mtv {} {want}, but the MTV version is unknown: {why}",
                    op_text(*op)
                )),
            }
        }
        Requirement::RemoteCluster => {
            let c = f.cluster?;
            if c.remote_cluster.is_empty() {
                Some("requires remote_cluster: session.remote_ocp_cluster is empty (or pass --remote-ocp-cluster)".to_string())
            } else if !c.cluster_url.contains(&c.remote_cluster) {
                Some(format!(
                    "requires remote_cluster: the connected API server {} is not {}",
                    c.cluster_url, c.remote_cluster
                ))
            } else {
                None
            }
        }
        Requirement::CopyOffload => (!f.profile.has_copyoffload()).then(|| {
            "requires copyoffload: the provider profile has no copyoffload section".to_string()
        }),
    }
}

/// Checks every `requires` line in order (the first that fails gives the reason), then
/// the features the cluster may not offer (warm migration from oVirt behind its gate).
pub fn decide(s: &ScenarioIr, f: &Facts<'_>) -> Decision {
    for r in &s.requires {
        if let Some(reason) = failure(&r.requirement, f) {
            return Decision::Skip(format!("{reason} [{}]", r.span));
        }
    }
    if f.profile.provider_type == ProviderKind::Ovirt
        && f.ovirt_warm == Some(false)
        && let Some(plan) = s.plans.iter().find(|p| p.warm)
    {
        let at = plan.key_spans.get("warm").unwrap_or(&plan.span);
        return Decision::Skip(format!(
            "warm migration from oVirt is behind Forklift's feature gate (controller_ovirt_warm_migration); pass --allow-ovirt-warm when the cluster enables it [{at}]"
        ));
    }
    Decision::Run
}

/// The first of `profiles` (in preference order) `s` runs with, or why none can (one
/// reason per profile when there are several).
pub fn choose(
    s: &ScenarioIr,
    profiles: &[ProviderFacts],
    cluster: Option<&ClusterFacts>,
    ovirt_warm: Option<bool>,
) -> ProfileChoice {
    if profiles.is_empty() {
        return ProfileChoice::Unspecified;
    }
    let mut reasons = Vec::new();
    for (index, profile) in profiles.iter().enumerate() {
        let facts = Facts {
            profile,
            cluster,
            ovirt_warm,
        };
        match decide(s, &facts) {
            Decision::Run => return ProfileChoice::Profile { index },
            Decision::Skip(r) if profiles.len() > 1 => {
                reasons.push(format!("profile {}: {r}", profile.profile));
            }
            Decision::Skip(r) => reasons.push(r),
        }
    }
    ProfileChoice::Skipped {
        reason: reasons.join("; "),
    }
}

#[cfg(test)]
mod tests;
