//! Classifies an API request path the way kube-apiserver's RequestInfoFactory does:
//! `/api/v1/namespaces/{ns}/pods/{name}/log` → group `""`, version `v1`, namespace, resource,
//! name, subresource, and a verb from the method (`GET` + no name = `list`, `watch=true` =
//! `watch`, ...).
//!
//! Routing, fault injection and request logging all use it. It does not know which resources
//! exist; the REST layer resolves them.

use axum::http::Method;

/// The Kubernetes verb of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verb {
    /// GET of one object.
    Get,
    /// GET of a collection.
    List,
    /// GET with `watch=true`.
    Watch,
    /// POST
    Create,
    /// PUT
    Update,
    /// PATCH
    Patch,
    /// DELETE of one object.
    Delete,
    /// DELETE of a collection.
    DeleteCollection,
}

impl Verb {
    /// The lower-case name used in discovery and RBAC (`deletecollection`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::List => "list",
            Verb::Watch => "watch",
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Patch => "patch",
            Verb::Delete => "delete",
            Verb::DeleteCollection => "deletecollection",
        }
    }

    /// Parses a verb name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Verb::Get,
            Verb::List,
            Verb::Watch,
            Verb::Create,
            Verb::Update,
            Verb::Patch,
            Verb::Delete,
            Verb::DeleteCollection,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// Whether the verb changes state.
    pub fn is_mutating(self) -> bool {
        matches!(
            self,
            Verb::Create | Verb::Update | Verb::Patch | Verb::Delete | Verb::DeleteCollection
        )
    }
}

/// A parsed resource request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestInfo {
    /// API group (`""` for `/api`).
    pub group: String,
    /// Version.
    pub version: String,
    /// Namespace from the path.
    pub namespace: Option<String>,
    /// Plural resource (`None` for the group-version discovery document).
    pub resource: Option<String>,
    /// Object name.
    pub name: Option<String>,
    /// Subresource (`status`, `log`, `finalize`, ...).
    pub subresource: Option<String>,
    /// The verb (`None` when the method makes no sense for the path).
    pub verb: Option<Verb>,
}

/// Whether the query string asks for a watch (`watch=true` or `watch=1`).
pub fn is_watch(query: &str) -> bool {
    query
        .split('&')
        .any(|kv| matches!(kv, "watch=true" | "watch=1" | "watch=True"))
}

/// Parses `path` (without query). `None` for paths outside `/api` and `/apis` and for
/// discovery of a whole group (`/apis/{group}`).
pub fn parse(method: &Method, path: &str, query: &str) -> Option<RequestInfo> {
    let parts: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let (group, version, rest) = match parts.as_slice() {
        ["api", version, rest @ ..] => (String::new(), version.to_string(), rest),
        ["apis", group, version, rest @ ..] => (group.to_string(), version.to_string(), rest),
        _ => return None,
    };
    let mut info = RequestInfo {
        group,
        version,
        namespace: None,
        resource: None,
        name: None,
        subresource: None,
        verb: None,
    };
    let mut rest: Vec<&str> = rest.to_vec();
    if rest.first() == Some(&"namespaces")
        && rest.len() >= 3
        && !matches!(rest.get(2), Some(&"status" | &"finalize"))
    {
        info.namespace = rest.get(1).map(|s| s.to_string());
        rest.drain(..2);
    }
    info.resource = rest.first().map(|s| s.to_string());
    info.name = rest.get(1).map(|s| s.to_string());
    info.subresource = rest.get(2).map(|s| s.to_string());
    if rest.len() > 3 || info.resource.is_none() {
        return Some(info);
    }
    let named = info.name.is_some();
    info.verb = match *method {
        Method::GET | Method::HEAD if is_watch(query) => Some(Verb::Watch),
        Method::GET | Method::HEAD => Some(if named { Verb::Get } else { Verb::List }),
        Method::POST if !named => Some(Verb::Create),
        Method::PUT if named => Some(Verb::Update),
        Method::PATCH if named => Some(Verb::Patch),
        Method::DELETE => Some(if named {
            Verb::Delete
        } else {
            Verb::DeleteCollection
        }),
        _ => None,
    };
    Some(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(m: Method, path: &str, q: &str) -> RequestInfo {
        parse(&m, path, q).unwrap()
    }

    #[test]
    fn namespaced_paths() {
        let i = p(Method::GET, "/api/v1/namespaces/ns1/pods/p1/log", "");
        assert_eq!(
            (
                i.namespace.as_deref(),
                i.resource.as_deref(),
                i.name.as_deref(),
                i.subresource.as_deref()
            ),
            (Some("ns1"), Some("pods"), Some("p1"), Some("log"))
        );
        assert_eq!(i.verb, Some(Verb::Get));
        let i = p(
            Method::GET,
            "/apis/example.com/v1/namespaces/x/widgets",
            "&watch=true",
        );
        assert_eq!(i.group, "example.com");
        assert_eq!(i.verb, Some(Verb::Watch));
        let i = p(
            Method::POST,
            "/apis/example.com/v1/namespaces/x/widgets",
            "",
        );
        assert_eq!(i.verb, Some(Verb::Create));
        let i = p(Method::DELETE, "/api/v1/namespaces/x/configmaps", "");
        assert_eq!(i.verb, Some(Verb::DeleteCollection));
    }

    #[test]
    fn namespace_object_and_its_subresources() {
        let i = p(Method::GET, "/api/v1/namespaces/ns1", "");
        assert_eq!(
            (i.namespace, i.resource.as_deref(), i.name.as_deref()),
            (None, Some("namespaces"), Some("ns1"))
        );
        let i = p(Method::PUT, "/api/v1/namespaces/ns1/finalize", "");
        assert_eq!(
            (
                i.resource.as_deref(),
                i.name.as_deref(),
                i.subresource.as_deref()
            ),
            (Some("namespaces"), Some("ns1"), Some("finalize"))
        );
        assert_eq!(i.verb, Some(Verb::Update));
        let i = p(Method::GET, "/api/v1/namespaces", "watch=1");
        assert_eq!(i.verb, Some(Verb::Watch));
    }

    #[test]
    fn cluster_and_all_namespace_paths() {
        let i = p(Method::GET, "/apis/example.com/v1/widgets", "");
        assert_eq!((i.namespace, i.verb), (None, Some(Verb::List)));
        let i = p(Method::GET, "/api/v1", "");
        assert_eq!((i.resource, i.verb), (None, None));
        assert!(parse(&Method::GET, "/version", "").is_none());
        assert!(parse(&Method::GET, "/apis/batch", "").is_none());
        assert_eq!(
            p(Method::POST, "/api/v1/namespaces/x/pods/p", "").verb,
            None
        );
    }
}
