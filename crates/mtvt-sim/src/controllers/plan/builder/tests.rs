use super::*;
use serde_json::json;

#[test]
fn quantities() {
    assert_eq!(disk_quantity(30 << 30), "30Gi");
    assert_eq!(disk_quantity(1), "1Mi");
}

#[test]
fn labels() {
    let run = Run {
        plan_name: "p".into(),
        plan_ns: "n".into(),
        plan_uid: "u".into(),
        migration_uid: "m".into(),
    };
    let l = vm_labels(&run, "vm-1");
    assert_eq!(l.get("vmID"), Some(&json!("vm-1")));
    assert_eq!(l.get("resource"), Some(&json!("vm-config")));
    assert_eq!(l.get("plan-name"), Some(&json!("p")));
}
