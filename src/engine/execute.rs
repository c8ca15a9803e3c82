//! Executing planned steps against the cluster: creates (through the journal), ensured
//! namespaces, condition waits, node labels, the precopy patch, the migration start (warm
//! cutover from the server's clock) and the completion wait with live pipeline progress.
//! Source preparation and inventory waits are executed by `scenario`, which owns the VMs.

use std::time::{Duration, Instant};

use kube::api::DynamicObject;
use serde_json::{Value, json};

use super::context::Engine;
use super::error::{Class, EngineError};
use super::journal::Scope;
use super::manifests::set_in;
use super::plan::Step;
use super::wait::{
    Check, WaitFor, blockers, condition_true, conditions_text, wait_object, wait_object_rechecking,
};
use crate::cluster::{kinds, server_time};
use crate::report::progress::Event;

/// How long the same blocking (Critical/Error) conditions may stand on a Plan before the
/// Ready wait gives up with them: transient blockers (maps still reconciling) clear within
/// seconds; a VM that is not found or a warm migration the provider cannot do never will.
pub const PLAN_BLOCKER_GRACE: Duration = Duration::from_secs(60);

/// A summary of a Plan's migration state: conditions and each VM's current step.
pub fn plan_state(o: &DynamicObject) -> String {
    let mut s = conditions_text(o);
    for vm in o
        .data
        .pointer("/status/migration/vms")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = vm.get("name").and_then(Value::as_str).unwrap_or("?");
        let phase = vm.get("phase").and_then(Value::as_str).unwrap_or("?");
        let step = current_step(vm).map(|(n, _)| n).unwrap_or_default();
        s.push_str(&format!("; VM {name}: phase {phase}, step {step}"));
    }
    s
}

/// The running (else last started) pipeline step of a VM status, with its progress.
pub fn current_step(vm: &Value) -> Option<(String, Option<(i64, i64)>)> {
    let pipeline = vm.get("pipeline").and_then(Value::as_array)?;
    let pick = pipeline
        .iter()
        .find(|s| s.get("phase").and_then(Value::as_str) == Some("Running"))
        .or_else(|| pipeline.iter().rev().find(|s| s.get("started").is_some()))
        .or_else(|| pipeline.first())?;
    let name = pick.get("name").and_then(Value::as_str)?.to_string();
    let progress = match (
        pick.pointer("/progress/completed").and_then(Value::as_i64),
        pick.pointer("/progress/total").and_then(Value::as_i64),
    ) {
        (Some(c), Some(t)) => Some((c, t)),
        _ => None,
    };
    Some((name, progress))
}

/// Whether a Plan's migration ended.
pub fn plan_finished(o: &DynamicObject) -> bool {
    !condition_true(o, "Executing")
        && ["Succeeded", "Failed", "Canceled"]
            .iter()
            .any(|c| condition_true(o, c))
}

fn describe_step(step: &Step) -> String {
    match step {
        Step::Create { manifest, .. } | Step::EnsureNamespace { manifest } => {
            let kind = manifest.get("kind").and_then(Value::as_str).unwrap_or("?");
            let name = manifest
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("?");
            format!("create {kind} {name}")
        }
        other => super::render::describe(other).unwrap_or_default(),
    }
}

/// Runs one step; returns the object it ends with (created object, Plan at completion).
pub async fn execute(
    engine: &Engine,
    scenario: Option<&str>,
    step: &Step,
) -> Result<Option<DynamicObject>, EngineError> {
    if let Some(s) = scenario {
        engine.progress.step(s, describe_step(step));
    }
    match step {
        Step::Create { scope, manifest } => {
            let target = (manifest.get("kind").and_then(Value::as_str) == Some("Plan"))
                .then(|| {
                    manifest
                        .pointer("/spec/targetNamespace")
                        .and_then(Value::as_str)
                })
                .flatten();
            let scenario = if *scope == Scope::Scenario {
                scenario
            } else {
                None
            };
            engine
                .applier
                .create(*scope, scenario, manifest, target)
                .await
                .map(Some)
        }
        Step::EnsureNamespace { manifest } => engine
            .applier
            .ensure_namespace(manifest)
            .await
            .map(|_| None),
        Step::WaitCondition {
            kind,
            namespace,
            name,
            condition,
            timeout,
        } => {
            let api = kind.api(&engine.cluster.client, Some(namespace));
            let spec = WaitFor {
                what: format!("{} {namespace}/{name}", kind.kind),
                condition: format!("have condition {condition}=True"),
                timeout: *timeout,
                class: Class::Failure,
            };
            let is_provider = *kind == kinds::PROVIDER;
            let is_plan = *kind == kinds::PLAN;
            let mut blocked: Option<(Vec<String>, Instant)> = None;
            wait_object_rechecking(
                &api,
                name,
                &spec,
                &engine.cancel,
                is_plan.then_some(Duration::from_secs(5)),
                |o| match o {
                    Some(o) if condition_true(o, condition) => Check::Done(o.clone()),
                    Some(o)
                        if is_provider
                            && o.data.pointer("/status/phase").and_then(Value::as_str)
                                == Some("ConnectionFailed") =>
                    {
                        Check::Fail(format!(
                            "the Provider's connection test failed: {}",
                            blockers(o).join("; ")
                        ))
                    }
                    Some(o) if is_plan => {
                        let b = blockers(o);
                        match &blocked {
                            _ if b.is_empty() => {
                                blocked = None;
                                Check::Pending
                            }
                            Some((prev, since)) if *prev == b => {
                                if since.elapsed() >= PLAN_BLOCKER_GRACE {
                                    Check::Fail(format!(
                                        "blocking validation conditions for {}s: {}",
                                        PLAN_BLOCKER_GRACE.as_secs(),
                                        b.join("; ")
                                    ))
                                } else {
                                    Check::Pending
                                }
                            }
                            _ => {
                                blocked = Some((b, Instant::now()));
                                Check::Pending
                            }
                        }
                    }
                    _ => Check::Pending,
                },
                conditions_text,
                |_| {},
            )
            .await
            .map(Some)
        }
        Step::LabelNode { key, value } => engine
            .applier
            .label_worker_node(key, value)
            .await
            .map(|_| None),
        Step::SetPrecopyInterval { minutes } => engine
            .applier
            .set_controller_field(
                &engine.session.mtv_namespace,
                "controller_precopy_interval",
                json!(minutes),
            )
            .await
            .map(|_| None),
        Step::StartMigration {
            manifest,
            cutover_after,
        } => {
            let mut m = manifest.clone();
            if let Some(after) = cutover_after {
                let now =
                    server_time(&engine.cluster.client)
                        .await
                        .map_err(|e| EngineError::Api {
                            action: "read the server time for the cutover".into(),
                            message: e,
                        })?;
                let at = now + chrono::Duration::from_std(*after).unwrap_or_default();
                set_in(
                    &mut m,
                    "spec",
                    "cutover",
                    json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                );
            }
            engine
                .applier
                .create(Scope::Scenario, scenario, &m, None)
                .await
                .map(Some)
        }
        Step::WaitMigration {
            plan,
            namespace,
            timeout,
        } => {
            let api = kinds::PLAN.api(&engine.cluster.client, Some(namespace));
            let spec = WaitFor {
                what: format!("Plan {namespace}/{plan}"),
                condition: "finish its migration (Succeeded, Failed or Canceled)".into(),
                timeout: *timeout,
                class: Class::Failure,
            };
            let progress = engine.progress.clone();
            let scenario_name = scenario.unwrap_or("").to_string();
            wait_object(
                &api,
                plan,
                &spec,
                &engine.cancel,
                |o| match o {
                    Some(o) if plan_finished(o) => Check::Done(o.clone()),
                    Some(_) => Check::Pending,
                    None => Check::Fail("the Plan was deleted".into()),
                },
                plan_state,
                |o| {
                    for vm in o
                        .data
                        .pointer("/status/migration/vms")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        if let Some((step, p)) = current_step(vm) {
                            progress.send(Event::Vm {
                                scenario: scenario_name.clone(),
                                vm: vm
                                    .get("name")
                                    .and_then(Value::as_str)
                                    .unwrap_or("?")
                                    .to_string(),
                                step,
                                progress: p,
                            });
                        }
                    }
                },
            )
            .await
            .map(Some)
        }
        Step::Note(_) => Ok(None),
        Step::PrepareVm { .. } | Step::WaitInventory { .. } => Err(EngineError::Setup(
            "internal: source steps are executed by the scenario runner".into(),
        )),
    }
}

/// The name of a step for reports.
pub fn step_name(step: &Step) -> String {
    describe_step(step)
}

/// Duration in milliseconds.
pub fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
