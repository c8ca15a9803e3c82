//! This cluster as an OpenShift Provider CR sees it through the inventory: a host provider
//! outside the MTV namespace is restricted (`IsRestrictedHost`) and lists only its own
//! namespace (NADs: and `default`), by the inventory's own rules
//! ([`crate::inventory::openshift_listing`]). The controllers' destination checks (NetworkMap
//! NADs, `VMAlreadyExists`, `MacConflicts`) and OpenShift source lookups read the store
//! through here, so they never see more than the inventory shows. Reads only.

use std::sync::Arc;

use serde_json::Value;

use super::super::Ctx;
use crate::inventory::{Listing, openshift_listing, openshift_resource};
use crate::store::{Gvr, ListOptions, object};

/// The namespace of a restricted host provider (`type: openshift`, empty URL, not in the MTV
/// namespace; pkg/apis/forklift/v1beta1/provider.go:189-198), `None` for any other provider.
pub fn restricted_namespace<'a>(ctx: &Ctx, provider: &'a Value) -> Option<&'a str> {
    let text = |p: &str| {
        provider
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let ns = object::namespace(provider);
    (text("/spec/type") == "openshift"
        && text("/spec/url").is_empty()
        && ns != ctx.settings.mtv_namespace)
        .then_some(ns)
}

/// The objects of the inventory collection `coll` (`vms`, `networkattachmentdefinitions`,
/// ...) that a cluster provider restricted to `restricted` lists when asked for namespace
/// `asked`.
pub fn cluster_objects(
    ctx: &Ctx,
    restricted: Option<&str>,
    coll: &str,
    asked: Option<&str>,
) -> Vec<Arc<Value>> {
    let Some((group, version, plural, namespaced)) = openshift_resource(coll) else {
        return Vec::new();
    };
    let gvr = Gvr::new(group, version, plural);
    let list = |ns: Option<&str>| {
        ctx.store
            .list(&gvr, ns, &ListOptions::default())
            .map(|l| l.items)
            .unwrap_or_default()
    };
    match openshift_listing(coll, restricted, asked) {
        Listing::All => list(None),
        Listing::In(namespaces) if namespaced => namespaces
            .iter()
            .flat_map(|ns| list(Some(ns.as_str())))
            .collect(),
        Listing::In(names) => list(None)
            .into_iter()
            .filter(|o| names.iter().any(|n| n == object::name(o)))
            .collect(),
    }
}
