//! Which scenarios a run executes, and with which profile: each scenario's `requires`
//! against the facts of this run (profile, MTV version, remote cluster, oVirt warm gate),
//! in profile order; a scenario no profile can run is reported skipped with the reason.

use mtvt_lang::ir::ScenarioIr;
use mtvt_profiles::Profile;

use super::{RunInputs, Runnable};
use crate::cluster::{MtvVersion, mtv_version};
use crate::engine::select::{Decision, RunFacts, decide};
use crate::report::progress::{Event, Progress};
use crate::report::{ScenarioReport, Status};

/// Which profile runs `s`, or why none can.
fn choose(s: &ScenarioIr, facts: &[RunFacts], profiles: &[Profile]) -> Result<usize, String> {
    let mut reasons = Vec::new();
    for (i, f) in facts.iter().enumerate() {
        match decide(s, f) {
            Decision::Run => return Ok(i),
            Decision::Skip(r) => reasons.push(match profiles.get(i) {
                Some(p) if profiles.len() > 1 => format!("profile {}: {r}", p.name),
                _ => r,
            }),
        }
    }
    Err(reasons.join("; "))
}

/// The runnable scenarios, and one report slot per scenario (filled for skipped ones).
pub(super) async fn select<'a>(
    inputs: &'a RunInputs,
    mtv_namespace: &str,
    progress: &Progress,
) -> (Vec<Runnable<'a>>, Vec<Option<ScenarioReport>>) {
    let program = &inputs.program;
    let version = match mtv_version(&inputs.cluster.client, mtv_namespace).await {
        MtvVersion::Known(v, t) => Ok((v, t)),
        MtvVersion::Unknown(why) => Err(why),
    };
    let remote_cluster = inputs
        .remote_ocp_cluster
        .clone()
        .unwrap_or_else(|| program.session.remote_ocp_cluster.clone());
    let facts: Vec<RunFacts> = inputs
        .profiles
        .iter()
        .map(|p| RunFacts {
            provider_type: p.provider_type.as_str().to_string(),
            mtv_version: version.clone(),
            remote_cluster: remote_cluster.clone(),
            cluster_url: inputs.cluster.url.clone(),
            copyoffload_missing: p
                .copyoffload_missing_fields()
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            has_copyoffload: p.copyoffload.is_some(),
            ovirt_warm_allowed: inputs.allow_ovirt_warm,
        })
        .collect();
    let mut runnable = Vec::new();
    let mut slots = Vec::new();
    for s in &program.scenarios {
        match choose(s, &facts, &inputs.profiles) {
            Ok(profile) => {
                runnable.push(Runnable {
                    slot: slots.len(),
                    scenario: s,
                    profile,
                });
                slots.push(None);
            }
            Err(reason) => {
                progress.send(Event::Finished {
                    scenario: s.name.clone(),
                    status: Status::Skipped,
                    duration: std::time::Duration::ZERO,
                    reason: Some(reason.clone()),
                });
                slots.push(Some(ScenarioReport::skipped(s, reason)));
            }
        }
    }
    (runnable, slots)
}
