//! Indexed Jobs (`completionMode: Indexed`), as the Job controller runs them: one pod per
//! completion index `0..completions` (at most `parallelism` at a time), the index in the
//! pod's `batch.kubernetes.io/job-completion-index` annotation and label; the Job is
//! `Complete` when every index has a succeeded pod, `Failed` when more than `backoffLimit`
//! pods failed. `status.completedIndexes` lists the done indexes as ranges (`0-2,4`). The
//! pods' own life is their kubelet's ([`super::jobs`], [`super::mtvt_pods`]).

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{Value, json};

use super::Ctx;
use super::gvr;
use super::jobs::{INDEX_KEY, cond, create_pod};
use super::json_edit::{put, text};
use super::runtime::{self, Key};
use crate::store::object;

fn index_of(pod: &Value) -> Option<usize> {
    pod.pointer("/metadata/annotations")
        .and_then(|a| a.get(INDEX_KEY))
        .and_then(Value::as_str)
        .and_then(|i| i.parse().ok())
}

/// `0-2,4` for {0, 1, 2, 4}.
pub fn ranges(done: &BTreeSet<usize>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    for &i in done {
        run = match run {
            Some((a, b)) if b + 1 == i => Some((a, i)),
            Some((a, b)) => {
                parts.push(if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                });
                Some((i, i))
            }
            None => Some((i, i)),
        };
    }
    if let Some((a, b)) = run {
        parts.push(if a == b {
            a.to_string()
        } else {
            format!("{a}-{b}")
        });
    }
    parts.join(",")
}

fn number(job: &Value, path: &str, default: i64) -> usize {
    usize::try_from(job.pointer(path).and_then(Value::as_i64).unwrap_or(default)).unwrap_or(0)
}

/// Reconciles an Indexed Job whose pods are `pods`.
pub(super) fn reconcile(
    ctx: &Ctx,
    job: &Value,
    pods: &[Arc<Value>],
    key: &Key,
) -> runtime::Outcome {
    let now = ctx.now();
    let completions = number(job, "/spec/completions", 1);
    let parallelism = number(job, "/spec/parallelism", 1).max(1);
    let backoff = number(job, "/spec/backoffLimit", 6);
    let phase = |p: &Value| text(p, "/status/phase").to_string();
    let done: BTreeSet<usize> = (pods.iter())
        .filter(|p| phase(p) == "Succeeded")
        .filter_map(|p| index_of(p))
        .collect();
    let failed = pods.iter().filter(|p| phase(p) == "Failed").count();
    let mut running: BTreeSet<usize> = (pods.iter())
        .filter(|p| matches!(phase(p).as_str(), "Pending" | "Running" | ""))
        .filter(|p| !object::is_deleting(p))
        .filter_map(|p| index_of(p))
        .collect();
    let start = Some(text(job, "/status/startTime").to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or(now.clone());
    let mut status = json!({"startTime": start, "succeeded": done.len(), "failed": failed,
        "ready": 0, "terminating": 0, "completedIndexes": ranges(&done), "uncountedTerminatedPods": {}});
    if done.len() >= completions {
        let msg = "Reached expected number of succeeded pods";
        put(
            &mut status,
            "/conditions",
            json!([
                cond("SuccessCriteriaMet", "CompletionsReached", msg, &now),
                cond("Complete", "CompletionsReached", msg, &now)
            ]),
        );
        put(&mut status, "/completionTime", json!(now));
    } else if failed > backoff {
        let msg = "Job has reached the specified backoff limit";
        put(
            &mut status,
            "/conditions",
            json!([
                cond("FailureTarget", "BackoffLimitExceeded", msg, &now),
                cond("Failed", "BackoffLimitExceeded", msg, &now)
            ]),
        );
    } else {
        for i in 0..completions {
            if running.len() >= parallelism {
                break;
            }
            if !done.contains(&i) && !running.contains(&i) {
                create_pod(ctx, job, Some(i))?;
                running.insert(i);
            }
        }
    }
    put(&mut status, "/active", json!(running.len()));
    ctx.store
        .merge_patch_status(&gvr::jobs(), &key.0, &key.1, &json!({"status": status}))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completed_indexes_as_ranges() {
        assert_eq!(ranges(&[0, 1, 2, 4, 6, 7].into()), "0-2,4,6-7");
        assert_eq!(ranges(&BTreeSet::new()), "");
    }
}
