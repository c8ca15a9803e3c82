use super::*;

fn env_of(d: &Value, var: &str) -> Option<String> {
    d.pointer("/spec/template/spec/containers/0/env")?
        .as_array()?
        .iter()
        .find(|e| e["name"] == var)
        .map(|e| e["value"].as_str().unwrap_or_default().to_string())
}

#[test]
fn precopy_interval_becomes_env_only_when_it_is_a_number() {
    let (d, _) = deployments(&json!({"controller_precopy_interval": 2}), "openshift-mtv");
    assert_eq!(env_of(&d[0], "PRECOPY_INTERVAL").as_deref(), Some("2"));
    let (d, _) = deployments(
        &json!({"controller_precopy_interval": "2"}),
        "openshift-mtv",
    );
    assert_eq!(
        env_of(&d[0], "PRECOPY_INTERVAL"),
        None,
        "a string is not a number"
    );
    let cm = controller_config(&json!({"controller_precopy_interval": 5}), "openshift-mtv");
    assert_eq!(cm["data"]["PRECOPY_INTERVAL"], "5");
}

#[test]
fn feature_flags_choose_the_deployments() {
    let names = |spec: Value| {
        let (keep, drop) = deployments(&spec, "ns");
        let keep: Vec<String> = keep
            .iter()
            .map(|d| d["metadata"]["name"].as_str().unwrap().to_string())
            .collect();
        (keep, drop)
    };
    let (keep, drop) = names(json!({}));
    assert_eq!(
        keep,
        [
            "forklift-controller",
            "forklift-api",
            "forklift-validation",
            "forklift-ui-plugin",
            "forklift-volume-populator-controller",
            "forklift-cli-download"
        ]
    );
    assert_eq!(drop, ["forklift-mcp-server"]);
    let (keep, drop) = names(json!({"feature_ui_plugin": "false", "feature_mcp_server": "true"}));
    assert!(!keep.contains(&"forklift-ui-plugin".to_string()));
    assert!(keep.contains(&"forklift-mcp-server".to_string()));
    assert_eq!(drop, ["forklift-ui-plugin"]);
}
