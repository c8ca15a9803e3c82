//! Which scenarios a run executes, and with which profile: each scenario's `requires`
//! against the facts of this run — the profiles, the MTV version, the remote cluster, the
//! oVirt warm gate — through the one evaluator (`mtvt_lang::facts`); a scenario no profile
//! can run is reported skipped with the reason.

use mtvt_lang::facts::{ClusterFacts, ProfileChoice, ProviderFacts, choose};

use super::{RunInputs, Runnable};
use crate::cluster::{MtvVersion, mtv_version};
use crate::report::progress::{Event, Progress};
use crate::report::{ScenarioReport, Status};

/// The runnable scenarios, and one report slot per scenario (filled for skipped ones).
pub(super) async fn select<'a>(
    inputs: &'a RunInputs,
    mtv_namespace: &str,
    progress: &Progress,
) -> (Vec<Runnable<'a>>, Vec<Option<ScenarioReport>>) {
    let program = &inputs.program;
    let cluster = ClusterFacts {
        mtv_version: match mtv_version(&inputs.cluster.client, mtv_namespace).await {
            MtvVersion::Known(v, t) => Ok((v, t)),
            MtvVersion::Unknown(why) => Err(why),
        },
        remote_cluster: inputs
            .remote_ocp_cluster
            .clone()
            .unwrap_or_else(|| program.session.remote_ocp_cluster.clone()),
        cluster_url: inputs.cluster.url.clone(),
    };
    let profiles: Vec<ProviderFacts> = inputs
        .profiles
        .iter()
        .map(mtvt_lang::profile::facts)
        .collect();
    let gate = Some(inputs.allow_ovirt_warm);
    let mut runnable = Vec::new();
    let mut slots = Vec::new();
    for s in &program.scenarios {
        let reason = match choose(s, &profiles, Some(&cluster), gate) {
            ProfileChoice::Profile { index } => {
                runnable.push(Runnable {
                    slot: slots.len(),
                    scenario: s,
                    profile: index,
                });
                slots.push(None);
                continue;
            }
            ProfileChoice::Skipped { reason } => reason,
            ProfileChoice::Unspecified => "no provider profile".to_string(),
        };
        progress.send(Event::Finished {
            scenario: s.name.clone(),
            status: Status::Skipped,
            duration: std::time::Duration::ZERO,
            reason: Some(reason.clone()),
        });
        slots.push(Some(ScenarioReport::skipped(s, reason)));
    }
    (runnable, slots)
}
