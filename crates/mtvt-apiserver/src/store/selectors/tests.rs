use super::*;
use serde_json::{Value, json};

fn obj(labels: Value) -> Value {
    json!({"metadata": {"name": "a", "namespace": "ns", "labels": labels}, "status": {"phase": "Running"}})
}

#[test]
fn equality_and_sets() {
    let o = obj(json!({"app": "web", "tier": "fe", "n": "5"}));
    let yes = [
        "app=web",
        "app==web",
        "tier!=db",
        "app in (web, api)",
        "env notin (prod)",
        "app",
        "!env",
        "app=web,tier=fe",
        "n>3",
        "n<6",
    ];
    for s in yes {
        assert!(LabelSelector::parse(s).unwrap().matches(&o), "{s}");
    }
    let no = [
        "app=api",
        "tier!=fe",
        "app in (api)",
        "app notin (web,api)",
        "env",
        "!app",
        "app=web,tier=db",
        "n>5",
    ];
    for s in no {
        assert!(!LabelSelector::parse(s).unwrap().matches(&o), "{s}");
    }
    assert!(LabelSelector::parse("").unwrap().matches(&obj(Value::Null)));
    assert!(
        !LabelSelector::parse("app=web")
            .unwrap()
            .matches(&obj(Value::Null))
    );
    assert!(
        LabelSelector::parse("app!=web")
            .unwrap()
            .matches(&obj(Value::Null))
    );
}

#[test]
fn bad_selectors_are_errors() {
    assert!(LabelSelector::parse("bad key=v").is_err());
    assert!(LabelSelector::parse("k=bad value!").is_err());
    assert!(LabelSelector::parse("k in a,b").is_err());
    assert!(LabelSelector::parse("k>x").is_err());
    assert!(FieldSelector::parse("metadata.name").is_err());
}

#[test]
fn from_object_form() {
    let sel = LabelSelector::from_object(&json!({"matchLabels": {"app": "web"},
        "matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe"]}]}))
    .unwrap();
    assert!(sel.matches(&obj(json!({"app": "web", "tier": "fe"}))));
    assert!(!sel.matches(&obj(json!({"app": "web"}))));
}

#[test]
fn field_selectors() {
    let o = obj(json!({}));
    let ident = |f: &str| Some(f.to_string());
    assert!(
        FieldSelector::parse("metadata.name=a")
            .unwrap()
            .matches(&o, ident)
    );
    assert!(
        FieldSelector::parse("metadata.name==a,metadata.namespace=ns")
            .unwrap()
            .matches(&o, ident)
    );
    assert!(
        !FieldSelector::parse("metadata.name!=a")
            .unwrap()
            .matches(&o, ident)
    );
    assert!(
        FieldSelector::parse("status.phase=Running")
            .unwrap()
            .matches(&o, ident)
    );
    assert!(
        FieldSelector::parse("spec.nodeName=")
            .unwrap()
            .matches(&o, ident)
    );
    assert_eq!(
        FieldSelector::parse("metadata.name=a\\,b")
            .unwrap()
            .pinned_name(),
        Some("a,b")
    );
}
