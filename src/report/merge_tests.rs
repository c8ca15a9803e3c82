#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
use serde_json::json;

use super::*;

fn shard(index: usize, count: usize, names: &[&str], selection: &[&str]) -> ShardJson {
    let scenarios: Vec<Value> = names
        .iter()
        .map(|n| json!({"name": n, "file": "f.mtvt", "status": "passed"}))
        .collect();
    ShardJson {
        path: PathBuf::from(format!("shard-{index}/report.json")),
        json: json!({
            "session": if names.is_empty() { String::new() } else { format!("auto-{index}") },
            "cluster": "https://c", "started": format!("2026-01-01T00:00:0{index}Z"),
            "duration_ms": 10 * (index + 1), "scenarios": scenarios,
            "teardown_errors": [], "leaks": [format!("leak{index}")], "teardown_skipped": false,
            "interrupted": false,
            "shard": {"index": index, "count": count, "selection": selection},
        }),
    }
}

const SEL: &[&str] = &["c", "a", "b"];

#[test]
fn joins_in_selection_order() {
    let m = merge(&[
        shard(1, 3, &["b"], SEL),
        shard(2, 3, &[], SEL),
        shard(0, 3, &["c", "a"], SEL),
    ])
    .unwrap();
    let names: Vec<&str> = (m["scenarios"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["c", "a", "b"]);
    assert!(m.get("shard").is_none());
    assert_eq!(m["session"], "auto-0");
    assert_eq!(m["started"], "2026-01-01T00:00:00Z");
    assert_eq!(m["duration_ms"], 30);
    assert_eq!(m["leaks"], json!(["leak0", "leak1", "leak2"]));
}

#[test]
fn refuses_what_is_not_one_run() {
    let cases = [
        (
            vec![shard(0, 2, &["c"], SEL), shard(1, 2, &["a"], &["x"])],
            "another selection",
        ),
        (
            vec![shard(0, 2, &["c"], SEL), shard(1, 3, &["a"], SEL)],
            "3 shards, not 2",
        ),
        (vec![shard(0, 2, &["c"], SEL)], "shard(s) 1/2 missing"),
        (
            vec![shard(0, 2, &["c"], SEL), shard(0, 2, &["a"], SEL)],
            "given twice",
        ),
        (
            vec![shard(0, 2, &["c"], SEL), shard(1, 2, &["c"], SEL)],
            "in two shards",
        ),
        (
            vec![shard(0, 2, &["zz"], SEL), shard(1, 2, &[], SEL)],
            "not in the shards' selection",
        ),
    ];
    for (shards, want) in cases {
        let e = merge(&shards).unwrap_err().to_string();
        assert!(e.contains(want), "want {want:?}, got {e}");
    }
    let mut other = shard(1, 2, &["a"], SEL);
    other.json["overrides"] = json!(["storage_class=x"]);
    let e = merge(&[shard(0, 2, &["c"], SEL), other])
        .unwrap_err()
        .to_string();
    assert!(e.contains("other --set overrides"), "{e}");
    let mut plain = shard(0, 1, &["c"], SEL);
    plain.json.as_object_mut().unwrap().remove("shard");
    let e = merge(&[plain]).unwrap_err().to_string();
    assert!(e.contains("not the report of a shard"), "{e}");
}
