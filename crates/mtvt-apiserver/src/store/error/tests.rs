use super::*;
use crate::store::kinds::{Kinds, ResourceKind};
use serde_json::json;

fn widgets() -> ResourceKind {
    ResourceKind::new("example.com", "v1", "Widget", "widgets")
}

#[test]
fn not_found_names_group_resource() {
    let kinds = Kinds::builtin();
    let s = ApiError::not_found(&widgets(), "p1").to_status();
    assert_eq!(s["message"], "widgets.example.com \"p1\" not found");
    assert_eq!(s["reason"], "NotFound");
    assert_eq!(s["code"], 404);
    assert_eq!(s["details"]["kind"], "widgets");
    assert_eq!(s["details"]["group"], "example.com");
    let cms = kinds.find("", "configmaps").unwrap();
    let s = ApiError::not_found(&cms, "c").to_status();
    assert_eq!(s["message"], "configmaps \"c\" not found");
    assert!(s["details"].get("group").is_none());
}

#[test]
fn invalid_lists_causes() {
    let plans = widgets();
    let one = ApiError::invalid(&plans, "p", vec![Cause::required("spec.vms", "")]);
    assert_eq!(
        one.message,
        "Widget.example.com \"p\" is invalid: spec.vms: Required value"
    );
    let two = ApiError::invalid(
        &plans,
        "p",
        vec![
            Cause::required("spec.a", ""),
            Cause::invalid("spec.b", &json!("x"), "bad"),
        ],
    );
    assert_eq!(
        two.message,
        "Widget.example.com \"p\" is invalid: [spec.a: Required value, spec.b: Invalid value: \"x\": bad]"
    );
    let s = two.to_status();
    assert_eq!(s["code"], 422);
    assert_eq!(s["details"]["kind"], "Widget");
    assert_eq!(s["details"]["causes"][1]["field"], "spec.b");
}

#[test]
fn internal_error_is_500() {
    let s = ApiError::internal("boom").to_status();
    assert_eq!(s["reason"], "InternalError");
    assert_eq!(s["message"], "Internal error occurred: boom");
    assert_eq!(s["code"], 500);
}
