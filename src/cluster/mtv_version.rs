//! The installed MTV version, read from the operator's ClusterServiceVersion in the MTV
//! namespace (`requires mtv >= 2.8`). Unknown (no readable CSV) is a value, not an error:
//! scenarios that require a version are then skipped with that reason.

use kube::api::ListParams;

use super::kinds;

/// What the cluster says about MTV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MtvVersion {
    /// `spec.version` of the operator CSV, as numbers (`2.9.3` → `[2, 9, 3]`) and text.
    Known(Vec<u64>, String),
    /// Why it is unknown.
    Unknown(String),
}

/// Reads the version from the CSVs of `mtv_namespace`.
pub async fn mtv_version(client: &kube::Client, mtv_namespace: &str) -> MtvVersion {
    let api = kinds::CSV.api(client, Some(mtv_namespace));
    let list = match api.list(&ListParams::default()).await {
        Ok(l) => l,
        Err(e) => {
            return MtvVersion::Unknown(format!(
                "cannot list ClusterServiceVersions in {mtv_namespace}: {e}"
            ));
        }
    };
    let csvs: Vec<serde_json::Value> = list
        .items
        .iter()
        .filter_map(|o| serde_json::to_value(o).ok())
        .collect();
    from_csvs(&csvs, mtv_namespace)
}

/// Picks the MTV / Forklift operator CSV and parses its version.
pub fn from_csvs(csvs: &[serde_json::Value], mtv_namespace: &str) -> MtvVersion {
    let is_mtv = |c: &serde_json::Value| {
        let name = c
            .pointer("/metadata/name")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        let display = c
            .pointer("/spec/displayName")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        name.starts_with("mtv-operator")
            || name.starts_with("forklift-operator")
            || display.contains("Migration Toolkit for Virtualization")
            || display.contains("Forklift")
    };
    let Some(csv) = csvs.iter().find(|c| is_mtv(c)) else {
        return MtvVersion::Unknown(format!(
            "no MTV operator ClusterServiceVersion in namespace {mtv_namespace}"
        ));
    };
    let text = csv
        .pointer("/spec/version")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    match parse_version(text) {
        Some(v) => MtvVersion::Known(v, text.to_string()),
        None => MtvVersion::Unknown(format!(
            "the MTV ClusterServiceVersion has no usable spec.version ('{text}')"
        )),
    }
}

/// `2.9.3`, `v2.10.0-rc1` → numeric components (pre-release suffixes ignored).
pub fn parse_version(s: &str) -> Option<Vec<u64>> {
    let core = s.trim().trim_start_matches('v');
    let core = core.split(['-', '+']).next()?;
    let parts: Option<Vec<u64>> = core.split('.').map(|p| p.parse().ok()).collect();
    parts.filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions() {
        assert_eq!(parse_version("2.9.3"), Some(vec![2, 9, 3]));
        assert_eq!(parse_version("v2.10.0-rc1"), Some(vec![2, 10, 0]));
        assert_eq!(parse_version(""), None);
        let csvs = vec![
            json!({"metadata": {"name": "other.v1"}, "spec": {"version": "9.9.9"}}),
            json!({"metadata": {"name": "mtv-operator.v2.9.1"}, "spec": {"version": "2.9.1"}}),
        ];
        assert_eq!(
            from_csvs(&csvs, "openshift-mtv"),
            MtvVersion::Known(vec![2, 9, 1], "2.9.1".into())
        );
        assert!(matches!(from_csvs(&[], "x"), MtvVersion::Unknown(r) if r.contains("no MTV")));
    }
}
