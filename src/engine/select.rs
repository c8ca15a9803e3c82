//! Which scenarios a run executes: `--tag` / `--skip-tag` / `--name GLOB` filters, then the
//! scenario's `requires` lines against the facts of this run (provider type, MTV version,
//! remote cluster, copy-offload profile), then the features the run cannot offer (warm
//! migration from oVirt without `--allow-ovirt-warm`: Forklift gates it behind a feature
//! gate). A scenario that cannot run is *skipped with the reason*, never silently dropped.
//!
//! Pure: the facts come in as [`RunFacts`].

use globset::{Glob, GlobSet, GlobSetBuilder};
use mtvt_lang::ir::{Requirement, ScenarioIr, VersionOp};

/// The `--tag` / `--skip-tag` / `--name` filters.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Keep scenarios with at least one of these tags (empty = all).
    pub tags: Vec<String>,
    /// Drop scenarios with any of these tags.
    pub skip_tags: Vec<String>,
}

/// Facts a requirement is checked against.
#[derive(Debug, Clone)]
pub struct RunFacts {
    /// Source provider type (`vsphere`, …).
    pub provider_type: String,
    /// MTV version, or why it is unknown.
    pub mtv_version: Result<(Vec<u64>, String), String>,
    /// `session.remote_ocp_cluster` (empty = none).
    pub remote_cluster: String,
    /// The API server URL (must contain `remote_cluster`).
    pub cluster_url: String,
    /// Copy-offload fields missing from the profile (empty and `has_copyoffload` = usable).
    pub copyoffload_missing: Vec<String>,
    /// The profile has a `copyoffload` section.
    pub has_copyoffload: bool,
    /// `--allow-ovirt-warm`: the controller's oVirt warm-migration gate is on.
    pub ovirt_warm_allowed: bool,
}

/// What to do with a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Run it.
    Run,
    /// Skip it, with the reason.
    Skip(String),
}

/// Compiled name globs.
pub fn name_globs(patterns: &[String]) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| format!("--name '{p}': {e}"))?);
    }
    b.build().map(Some).map_err(|e| e.to_string())
}

/// Whether the filters keep `s` (filtered-out scenarios are not reported at all).
pub fn keep(s: &ScenarioIr, filters: &Filters, globs: Option<&GlobSet>) -> bool {
    if !filters.tags.is_empty() && !s.tags.iter().any(|t| filters.tags.contains(t)) {
        return false;
    }
    if s.tags.iter().any(|t| filters.skip_tags.contains(t)) {
        return false;
    }
    if let Some(g) = globs
        && !g.is_match(&s.name)
        && !g.is_match(&s.base_name)
    {
        return false;
    }
    true
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

/// Checks every `requires` line; the first that fails gives the skip reason.
pub fn decide(s: &ScenarioIr, facts: &RunFacts) -> Decision {
    for r in &s.requires {
        let fail = match &r.requirement {
            Requirement::Provider { types } => {
                (!types.iter().any(|t| t.as_str() == facts.provider_type)).then(|| {
                    let want: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
                    format!(
                        "requires provider {} (the profile is {})",
                        want.join(", "),
                        facts.provider_type
                    )
                })
            }
            Requirement::Mtv { op, version } => {
                let want = version
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(".");
                match &facts.mtv_version {
                    Ok((v, text)) => (!op.holds(v, version)).then(|| {
                        format!("requires mtv {} {want} (installed: {text})", op_text(*op))
                    }),
                    Err(why) => Some(format!(
                        "requires mtv {} {want}, but the MTV version is unknown: {why}",
                        op_text(*op)
                    )),
                }
            }
            Requirement::RemoteCluster => {
                if facts.remote_cluster.is_empty() {
                    Some("requires remote_cluster: session.remote_ocp_cluster is empty (or pass --remote-ocp-cluster)".to_string())
                } else if !facts.cluster_url.contains(&facts.remote_cluster) {
                    Some(format!(
                        "requires remote_cluster: the connected API server {} is not {}",
                        facts.cluster_url, facts.remote_cluster
                    ))
                } else {
                    None
                }
            }
            Requirement::CopyOffload => {
                if !facts.has_copyoffload {
                    Some(
                        "requires copyoffload: the provider profile has no copyoffload section"
                            .to_string(),
                    )
                } else if !facts.copyoffload_missing.is_empty() {
                    Some(format!(
                        "requires copyoffload: the profile's copyoffload section lacks {}",
                        facts.copyoffload_missing.join(", ")
                    ))
                } else {
                    None
                }
            }
        };
        if let Some(reason) = fail {
            return Decision::Skip(format!("{reason} [{}]", r.span));
        }
    }
    if facts.provider_type == "ovirt"
        && !facts.ovirt_warm_allowed
        && let Some(plan) = s.plans.iter().find(|p| p.warm)
    {
        let at = plan.key_spans.get("warm").unwrap_or(&plan.span);
        return Decision::Skip(format!(
            "warm migration from oVirt is behind Forklift's feature gate (controller_ovirt_warm_migration); pass --allow-ovirt-warm when the cluster enables it [{at}]"
        ));
    }
    Decision::Run
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenarios(text: &str) -> Vec<ScenarioIr> {
        let r = mtvt_lang::check_text("t.mtvt", text, None, &mtvt_lang::CheckOptions::default());
        assert_eq!(r.errors(), 0, "{:?}", r.diagnostics);
        r.program.scenarios
    }

    fn facts(provider: &str, ovirt_warm_allowed: bool) -> RunFacts {
        RunFacts {
            provider_type: provider.into(),
            mtv_version: Ok((vec![2, 10, 0], "2.10.0".into())),
            remote_cluster: String::new(),
            cluster_url: "https://api:6443".into(),
            copyoffload_missing: Vec::new(),
            has_copyoffload: false,
            ovirt_warm_allowed,
        }
    }

    const WARM: &str = "scenario w {\n  requires provider vsphere, ovirt\n  vm \"mtv-tests-rhel8\" { source_power on }\n  plan { warm true }\n  expect { migration succeeds }\n}\n\nscenario c {\n  vm \"mtv-tests-rhel8\"\n  expect { migration succeeds }\n}\n";

    #[test]
    fn warm_ovirt_is_skipped_without_the_gate_with_the_reason_and_location() {
        let s = scenarios(WARM);
        let (warm, cold) = (&s[0], &s[1]);
        match decide(warm, &facts("ovirt", false)) {
            Decision::Skip(r) => {
                assert!(r.contains("--allow-ovirt-warm"), "{r}");
                assert!(r.contains("t.mtvt:4:"), "{r}");
            }
            Decision::Run => panic!("warm oVirt ran without --allow-ovirt-warm"),
        }
        assert_eq!(decide(warm, &facts("ovirt", true)), Decision::Run);
        assert_eq!(decide(warm, &facts("vsphere", false)), Decision::Run);
        assert_eq!(decide(cold, &facts("ovirt", false)), Decision::Run);
        match decide(warm, &facts("openstack", false)) {
            Decision::Skip(r) => assert!(r.starts_with("requires provider vsphere, ovirt"), "{r}"),
            Decision::Run => panic!("warm ran on OpenStack"),
        }
    }
}
