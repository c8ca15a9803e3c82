//! Migration manifests: the plan reference and, for warm plans, the cutover time.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;

use super::{Manifest, Owner, object, reference, set};
use crate::cluster::kinds;

/// A Migration of plan `plan` (in `namespace`), with an optional cutover.
pub fn migration(
    name: &str,
    namespace: &str,
    owner: &Owner,
    plan: &str,
    cutover: Option<DateTime<Utc>>,
) -> Manifest {
    let mut o = object(kinds::MIGRATION, name, Some(namespace), owner);
    let mut spec = json!({"plan": reference(plan, namespace)});
    if let Some(c) = cutover {
        set(
            &mut spec,
            "cutover",
            json!(c.to_rfc3339_opts(SecondsFormat::Secs, true)),
        );
    }
    set(&mut o.body, "spec", spec);
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutover_is_rfc3339_utc() {
        let owner = Owner {
            session: "s".into(),
            scenario: None,
        };
        let t = DateTime::parse_from_rfc3339("2026-01-02T03:04:05.678Z")
            .unwrap()
            .with_timezone(&Utc);
        let m = migration("m", "ns", &owner, "p", Some(t));
        assert_eq!(m.body["spec"]["cutover"], "2026-01-02T03:04:05Z");
        assert_eq!(
            m.body["spec"]["plan"],
            json!({"name": "p", "namespace": "ns"})
        );
        assert!(
            migration("m", "ns", &owner, "p", None).body["spec"]
                .get("cutover")
                .is_none()
        );
    }
}
