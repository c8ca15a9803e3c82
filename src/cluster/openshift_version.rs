//! The OpenShift release of the destination cluster, read from the ClusterVersion `version`
//! (`oc get clusterversion`): Forklift's output differs by release (the vSphere BIOS serial
//! form from 4.20 on), so the `serial` check needs it. A cluster without the kind (plain
//! Kubernetes) or an unreadable object is a reason, not an error.

use serde_json::Value;

use super::kinds;

/// The OpenShift version (`4.20.4`), or why it is unknown.
pub async fn openshift_version(client: &kube::Client) -> Result<String, String> {
    let api = kinds::CLUSTER_VERSION.api(client, None);
    match api.get("version").await {
        Ok(obj) => {
            let json = serde_json::to_value(&obj).unwrap_or(Value::Null);
            from_cluster_version(&json).ok_or_else(|| {
                String::from("the ClusterVersion `version` reports no completed release")
            })
        }
        Err(e) => Err(format!(
            "cannot read the ClusterVersion `version` (not an OpenShift cluster?): {e}"
        )),
    }
}

/// The release of a ClusterVersion: the newest completed update in `status.history`
/// (what the cluster runs), else `status.desired.version`.
pub fn from_cluster_version(cv: &Value) -> Option<String> {
    let completed = cv
        .pointer("/status/history")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|h| h.get("state").and_then(Value::as_str) == Some("Completed"))
        .and_then(|h| h.get("version"))
        .and_then(Value::as_str);
    completed
        .or_else(|| {
            cv.pointer("/status/desired/version")
                .and_then(Value::as_str)
        })
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_newest_completed_release_wins_over_an_update_in_progress() {
        let cv = json!({"status": {
            "desired": {"version": "4.20.1"},
            "history": [
                {"state": "Partial", "version": "4.20.1"},
                {"state": "Completed", "version": "4.19.9"},
                {"state": "Completed", "version": "4.18.3"}
            ]
        }});
        assert_eq!(from_cluster_version(&cv).as_deref(), Some("4.19.9"));
        let fresh = json!({"status": {"desired": {"version": "4.20.0-rc.2"}}});
        assert_eq!(from_cluster_version(&fresh).as_deref(), Some("4.20.0-rc.2"));
        assert_eq!(from_cluster_version(&json!({})), None);
    }
}
