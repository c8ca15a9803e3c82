//! The status an Ansible operator writes on the custom resource it reconciles
//! (operator-framework/ansible-operator-plugins `internal/ansible/controller/reconcile.go`
//! markRunning/markDone and `controller/status/utils.go` SetCondition): conditions
//! `Running`, `Successful` and `Failure` with their reasons and messages.
//!
//! A run starts with `Successful` set to False (reason and message kept) and `Running`
//! True/`Running`/"Running reconciliation"; a successful run ends with `Running`
//! True/`Successful`/"Awaiting next reconciliation" (with `ansibleResult`), `Successful`
//! True/`Successful`/"Last reconciliation succeeded" and `Failure` False. A condition whose
//! status and reason do not change is left as it is (`Failure` is always rewritten); a
//! rewritten condition keeps its `lastTransitionTime` when its status is unchanged and
//! moves to the end of the list.

use serde_json::{Value, json};

use super::super::json_edit::{put, text};

/// `Running` while a run is in progress.
pub const RUNNING_MESSAGE: &str = "Running reconciliation";
/// `Running` after a successful run.
pub const AWAITING_MESSAGE: &str = "Awaiting next reconciliation";
/// `Successful` after a successful run.
pub const SUCCESSFUL_MESSAGE: &str = "Last reconciliation succeeded";

/// SetCondition of the Ansible operator.
fn set_condition(conds: &mut Vec<Value>, mut cond: Value) {
    let ty = text(&cond, "/type").to_string();
    if let Some(cur) = conds.iter().find(|c| text(c, "/type") == ty) {
        let same_status = text(cur, "/status") == text(&cond, "/status");
        if ty != "Failure" && same_status && text(cur, "/reason") == text(&cond, "/reason") {
            return;
        }
        if same_status && let Some(m) = cond.as_object_mut() {
            m.insert(
                "lastTransitionTime".into(),
                cur.get("lastTransitionTime")
                    .cloned()
                    .unwrap_or(Value::Null),
            );
        }
    }
    conds.retain(|c| text(c, "/type") != ty);
    conds.push(cond);
}

fn conditions(status: &Value) -> Vec<Value> {
    status
        .get("conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn condition(ty: &str, status: &str, reason: &str, message: &str, now: &str) -> Value {
    json!({"type": ty, "status": status, "reason": reason, "message": message, "lastTransitionTime": now})
}

/// The status once a run starts (`markRunning`).
pub fn mark_running(status: &Value, now: &str) -> Value {
    let mut conds = conditions(status);
    if let Some(s) = conds
        .iter()
        .find(|c| text(c, "/type") == "Successful")
        .cloned()
    {
        let mut s = s;
        put(&mut s, "/status", json!("False"));
        put(&mut s, "/lastTransitionTime", json!(now));
        set_condition(&mut conds, s);
    }
    set_condition(
        &mut conds,
        condition("Running", "True", "Running", RUNNING_MESSAGE, now),
    );
    json!({"conditions": conds})
}

/// The status once a run succeeded (`markDone`); `changed` is how many tasks changed
/// something.
pub fn mark_done(status: &Value, now: &str, changed: u32) -> Value {
    let mut conds = conditions(status);
    let mut running = condition("Running", "True", "Successful", AWAITING_MESSAGE, now);
    put(
        &mut running,
        "/ansibleResult",
        json!({
            "changed": changed, "completion": now.replace('Z', ".000000+00:00"),
            "failures": 0, "ok": 92 + changed, "skipped": 61,
        }),
    );
    set_condition(&mut conds, running);
    set_condition(
        &mut conds,
        condition("Successful", "True", "Successful", SUCCESSFUL_MESSAGE, now),
    );
    set_condition(&mut conds, condition("Failure", "False", "", "", now));
    json!({"conditions": conds})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(status: &Value) -> Vec<(String, String, String)> {
        conditions(status)
            .iter()
            .map(|c| {
                (
                    text(c, "/type").to_string(),
                    text(c, "/status").to_string(),
                    text(c, "/reason").to_string(),
                )
            })
            .collect()
    }

    fn t(ty: &str, status: &str, reason: &str) -> (String, String, String) {
        (ty.into(), status.into(), reason.into())
    }

    #[test]
    fn first_run_then_a_spec_change() {
        let installed = mark_done(&mark_running(&json!({}), "T0"), "T1", 5);
        assert_eq!(
            summary(&installed),
            [
                t("Running", "True", "Successful"),
                t("Successful", "True", "Successful"),
                t("Failure", "False", "")
            ]
        );
        let running = mark_running(&installed, "T2");
        assert_eq!(
            summary(&running),
            [
                t("Failure", "False", ""),
                t("Successful", "False", "Successful"),
                t("Running", "True", "Running")
            ]
        );
        let succ = conditions(&running)[1].clone();
        assert_eq!(succ["message"], SUCCESSFUL_MESSAGE, "message kept");
        assert_eq!(succ["lastTransitionTime"], "T2");
        let run = conditions(&running)[2].clone();
        assert_eq!(
            run["lastTransitionTime"], "T0",
            "status unchanged: time kept"
        );
        assert_eq!(run["message"], RUNNING_MESSAGE);
        let done = mark_done(&running, "T3", 1);
        assert_eq!(
            summary(&done),
            [
                t("Running", "True", "Successful"),
                t("Successful", "True", "Successful"),
                t("Failure", "False", "")
            ]
        );
        assert_eq!(conditions(&done)[1]["lastTransitionTime"], "T3");
        assert_eq!(conditions(&done)[0]["message"], AWAITING_MESSAGE);
    }
}
