//! The `authorization.k8s.io/v1` reviews a client makes about itself, as kube-apiserver
//! serves them (k8s.io/kubernetes pkg/registry/authorization/selfsubjectaccessreview and
//! selfsubjectrulesreview: create-only, answered, never stored): discovery lists them with
//! the one verb `create`, a POST answers 201 with the request and its `status`, anything
//! else is 405, and `kubectl auth can-i` (typed client: a protobuf body) gets its answer.
//! The server's single identity may do everything.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::Sim;
use crate::harness::kubectl::{Kubectl, kubectls};

const BASE: &str = "/apis/authorization.k8s.io/v1";

#[tokio::test]
async fn reviews_are_discoverable_create_only_and_allowed() {
    let sim = Sim::start().await;
    let list: Value = sim
        .req(Method::GET, BASE)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for name in ["selfsubjectaccessreviews", "selfsubjectrulesreviews"] {
        let r = list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("{name} not in discovery: {list}"));
        assert_eq!(r["verbs"], json!(["create"]));
        assert_eq!(r["namespaced"], false);
    }
    let review = json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": {"namespace": "demo", "verb": "list", "group": "apps", "resource": "deployments"}}});
    let r = sim
        .req(Method::POST, &format!("{BASE}/selfsubjectaccessreviews"))
        .json(&review)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let got: Value = r.json().await.unwrap();
    assert_eq!(got["status"]["allowed"], true);
    assert_eq!(got["spec"], review["spec"]);
    assert_eq!(got["kind"], "SelfSubjectAccessReview");
    let r = sim
        .req(Method::POST, &format!("{BASE}/selfsubjectaccessreviews"))
        .json(&json!({"spec": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = sim
        .req(Method::GET, &format!("{BASE}/selfsubjectaccessreviews"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    let rules: Value = sim
        .req(Method::POST, &format!("{BASE}/selfsubjectrulesreviews"))
        .json(&json!({"spec": {"namespace": "demo"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        rules["status"]["resourceRules"][0]["resources"],
        json!(["*"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_auth_can_i() {
    for bin in kubectls() {
        let sim = Sim::start().await;
        let k = Kubectl::new(bin.clone(), &sim.handle);
        let out = k
            .run_async(
                &["auth", "can-i", "list", "deployments.apps", "-n", "demo"],
                None,
            )
            .await;
        assert!(
            out.ok && out.stdout.trim() == "yes",
            "{bin:?}: {}{}",
            out.stdout,
            out.stderr
        );
        let out = k
            .run_async(&["auth", "can-i", "--list", "-n", "demo"], None)
            .await;
        assert!(
            out.ok && out.stdout.contains("*.*"),
            "{bin:?}: {}{}",
            out.stdout,
            out.stderr
        );
    }
}
