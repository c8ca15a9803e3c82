use super::*;

fn widget() -> ResourceKind {
    ResourceKind::new("example.com", "v1", "Widget", "widgets").status()
}

#[test]
fn table_has_every_kind_the_issue_lists() {
    let kinds = Kinds::builtin();
    for (g, v, p) in [
        ("", "v1", "namespaces"),
        ("", "v1", "nodes"),
        ("", "v1", "secrets"),
        ("", "v1", "configmaps"),
        ("", "v1", "pods"),
        ("", "v1", "persistentvolumeclaims"),
        ("", "v1", "services"),
        ("", "v1", "events"),
        ("apps", "v1", "deployments"),
        ("apps", "v1", "replicasets"),
        ("storage.k8s.io", "v1", "storageclasses"),
        ("batch", "v1", "jobs"),
        ("apiextensions.k8s.io", "v1", "customresourcedefinitions"),
    ] {
        assert!(kinds.get(g, v, p).is_some(), "{g}/{v}/{p} missing");
    }
    assert_eq!(
        kinds.groups().last().map(|(g, _)| g.as_str()),
        Some("apiextensions.k8s.io"),
        "the CRD kind comes last"
    );
    let ns = kinds.find("", "namespaces").unwrap();
    assert!(!ns.namespaced);
    assert_eq!(ns.name_rule, NameRule::Label);
    let w = widget();
    assert!(w.custom && w.generation && w.status_subresource && !w.unconditional_update);
    let n = widget().native();
    assert!(!n.custom && !n.generation && n.unconditional_update);
    let cm = kinds.find("", "configmaps").unwrap();
    assert!(!cm.custom && !cm.generation && cm.unconditional_update);
    assert!(!kinds.find("batch", "jobs").unwrap().custom);
    let deploy = kinds.find("apps", "deployments").unwrap();
    assert!(!deploy.custom && deploy.generation && deploy.status_subresource);
}

#[test]
fn register_replaces_same_group_resource() {
    let kinds = Kinds::new(vec![widget()]);
    assert_eq!(kinds.all().len(), 1);
    kinds.register(widget().short(&["wd"]));
    assert_eq!(kinds.all().len(), 1);
    assert_eq!(
        kinds.find("example.com", "widgets").unwrap().short_names,
        vec!["wd"]
    );
    let kinds = Kinds::builtin();
    let n = kinds.all().len();
    kinds.register(ResourceKind::new("example.com", "v1", "Widget", "widgets"));
    assert_eq!(kinds.all().len(), n + 1);
    assert_eq!(kinds.groups().first().unwrap().0, "");
}

#[test]
fn names_and_paths() {
    let kinds = Kinds::new(vec![widget()]);
    let w = kinds.find("example.com", "widgets").unwrap();
    assert_eq!(w.api_version(), "example.com/v1");
    assert_eq!(w.group_resource(), "widgets.example.com");
    assert_eq!(w.path_prefix(), "/apis/example.com/v1");
    let kinds = Kinds::builtin();
    let ev = kinds.find("", "events").unwrap();
    assert_eq!(ev.field_path("source").as_deref(), Some("source.component"));
    assert_eq!(
        ev.field_path("metadata.name").as_deref(),
        Some("metadata.name")
    );
    assert!(ev.field_path("spec.bogus").is_none());
}
