use super::*;
use crate::store::kinds::Kinds;
use chrono::DateTime;

#[test]
fn custom_rows_use_crd_columns() {
    let clock = Clock::starting_at(
        DateTime::parse_from_rfc3339("2026-01-01T00:10:00Z")
            .unwrap()
            .to_utc(),
        1.0,
    );
    let plan = ResourceKind::new("example.com", "v1", "Widget", "widgets")
        .col(
            "Ready",
            "string",
            ".status.conditions[?(@.type=='Ready')].status",
        )
        .col(
            "Executing",
            "string",
            ".status.conditions[?(@.type=='Executing')].status",
        )
        .age();
    let obj = json!({"metadata": {"name": "p1", "creationTimestamp": "2026-01-01T00:00:00Z"},
                     "status": {"conditions": [{"type": "Ready", "status": "True"}]}});
    let r = row(&plan, &obj, IncludeObject::None, &clock);
    let cells = r["cells"].as_array().unwrap();
    assert_eq!(cells[0], "p1");
    assert_eq!(cells[1], "True");
    assert_eq!(cells[2], Value::Null);
    assert!(cells.last().unwrap().as_str().unwrap().starts_with("10m"));
    assert!(r.get("object").is_none());
    let t = table(
        &plan,
        [&obj].into_iter(),
        json!({"resourceVersion": "5"}),
        IncludeObject::Metadata,
        true,
        &clock,
    );
    assert_eq!(t["columnDefinitions"][0]["name"], "Name");
    assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
}

#[test]
fn pod_printer() {
    let clock = Clock::new(1.0);
    let kinds = Kinds::builtin();
    let pod = kinds.find("", "pods").unwrap();
    let obj = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
        "status": {"phase": "Running", "containerStatuses": [{"ready": true, "restartCount": 2}, {"ready": false, "restartCount": 1, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}});
    let r = row(&pod, &obj, IncludeObject::None, &clock);
    assert_eq!(r["cells"][1], "1/2");
    assert_eq!(r["cells"][2], "CrashLoopBackOff");
    assert_eq!(r["cells"][3], "3");
}
