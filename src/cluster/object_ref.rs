//! A typed reference to one object: its [`Kind`] (from the one kind table), its namespace
//! (none for cluster-scoped kinds) and its name. Steps, the applier, the journal, waits and
//! teardown all speak in these, so nothing re-parses a manifest for its kind and name.
//!
//! On disk (the journal) a reference is spelled `api_version`, `kind`, `namespace`, `name`;
//! a kind outside the table is refused when the journal is read.

use std::fmt;

use kube::api::{Api, DynamicObject};
use serde::{Deserialize, Serialize};

use super::kinds::Kind;

/// One object of the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "Spelled", into = "Spelled")]
pub struct ObjectRef {
    /// Its kind.
    pub kind: Kind,
    /// Its namespace (always `None` for cluster-scoped kinds).
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
}

impl ObjectRef {
    /// `kind` `namespace/name`; the namespace is dropped for cluster-scoped kinds.
    pub fn new(kind: Kind, namespace: Option<&str>, name: &str) -> Self {
        ObjectRef {
            kind,
            namespace: namespace.filter(|_| kind.namespaced).map(str::to_string),
            name: name.to_string(),
        }
    }

    /// A namespaced object.
    pub fn namespaced(kind: Kind, namespace: &str, name: &str) -> Self {
        Self::new(kind, Some(namespace), name)
    }

    /// The API handle of its kind in its namespace.
    pub fn api(&self, client: &kube::Client) -> Api<DynamicObject> {
        self.kind.api(client, self.namespace.as_deref())
    }
}

/// `Plan ns/name`, `Namespace name`.
impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {ns}/{}", self.kind.kind, self.name),
            None => write!(f, "{} {}", self.kind.kind, self.name),
        }
    }
}

/// How a reference is written in the journal.
#[derive(Serialize, Deserialize)]
struct Spelled {
    api_version: String,
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
    name: String,
}

impl TryFrom<Spelled> for ObjectRef {
    type Error = String;

    fn try_from(s: Spelled) -> Result<Self, String> {
        let kind = Kind::find(&s.api_version, &s.kind).ok_or_else(|| {
            format!(
                "unknown kind {} {} (not one mtvt creates)",
                s.api_version, s.kind
            )
        })?;
        Ok(ObjectRef {
            kind,
            namespace: s.namespace,
            name: s.name,
        })
    }
}

impl From<ObjectRef> for Spelled {
    fn from(r: ObjectRef) -> Self {
        Spelled {
            api_version: r.kind.api_version(),
            kind: r.kind.kind.to_string(),
            namespace: r.namespace,
            name: r.name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::kinds;

    #[test]
    fn display_scope_and_spelling() {
        let p = ObjectRef::namespaced(kinds::PLAN, "ns", "p");
        assert_eq!(p.to_string(), "Plan ns/p");
        let n = ObjectRef::new(kinds::NAMESPACE, Some("ignored"), "ns");
        assert_eq!(
            (n.namespace.as_deref(), n.to_string()),
            (None, "Namespace ns".into())
        );
        let text = serde_json::to_value(&p).unwrap();
        assert_eq!(
            text,
            serde_json::json!({"api_version": "forklift.konveyor.io/v1beta1", "kind": "Plan", "namespace": "ns", "name": "p"})
        );
        assert_eq!(serde_json::from_value::<ObjectRef>(text).unwrap(), p);
        let unknown = serde_json::json!({"api_version": "v9", "kind": "Widget", "name": "w"});
        let e = serde_json::from_value::<ObjectRef>(unknown).unwrap_err();
        assert!(e.to_string().contains("unknown kind v9 Widget"), "{e}");
    }
}
