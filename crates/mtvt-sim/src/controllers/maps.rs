//! NetworkMap and StorageMap controllers (`pkg/controller/map/{network,storage}`): validate
//! the provider pair, then (both valid and ready) resolve every source reference against the
//! source inventory into `status.references` (not found = Warn, ambiguous / not set =
//! Critical) and check destinations through the destination inventory (multus namespace and a
//! NAD it lists, storage class), and set `Ready` iff there is no blocker.

use serde_json::{Value, json};

use super::catalog::{Lookup, SourceView, SrcRef, cluster_objects, restricted_namespace};
use super::conditions::{CRITICAL, Cnd, Conditions, REQUIRED, WARN};
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Started, gvr};
use crate::store::{Gvr, ListOptions, object};

#[derive(Clone, Copy, PartialEq)]
enum MapKind {
    Network,
    Storage,
}

impl MapKind {
    fn gvr(self) -> Gvr {
        match self {
            MapKind::Network => gvr::network_maps(),
            MapKind::Storage => gvr::storage_maps(),
        }
    }
}

pub(super) fn spawn(ctx: &Ctx) -> Vec<Started> {
    [MapKind::Network, MapKind::Storage]
        .into_iter()
        .map(|k| {
            let c = ctx.clone();
            let mgvr = k.gvr();
            let by_provider = Watch::mapped(gvr::providers(), move |store, ev| {
                let (ns, name) = runtime::key_of(&ev.object);
                referencing(store, &k.gvr(), "/spec/provider", &ns, &name)
            });
            let mut watches = vec![Watch::own(mgvr.clone()), by_provider];
            if k == MapKind::Network {
                watches.push(Watch::mapped(gvr::nads(), |store, _| {
                    super::all_keys(store, &gvr::network_maps())
                }));
            } else {
                watches.push(Watch::mapped(gvr::storage_classes(), |store, _| {
                    super::all_keys(store, &gvr::storage_maps())
                }));
            }
            let queue = runtime::spawn(
                if k == MapKind::Network {
                    "networkmap"
                } else {
                    "storagemap"
                },
                &ctx.store,
                &ctx.shutdown,
                watches,
                move |q, key| reconcile(&c, k, q, key),
            );
            Started { queue, gvr: mgvr }
        })
        .collect()
}

/// Keys of objects of `kind` whose `<ptr>/source` or `<ptr>/destination` names `ns/name`.
pub(crate) fn referencing(
    store: &crate::store::Store,
    kind: &Gvr,
    ptr: &str,
    ns: &str,
    name: &str,
) -> Vec<Key> {
    store
        .list(kind, None, &ListOptions::default())
        .map(|l| {
            l.items
                .iter()
                .filter(|m| {
                    ["source", "destination"].iter().any(|side| {
                        let r = m.pointer(&format!("{ptr}/{side}"));
                        r.and_then(|r| r.get("name")).and_then(Value::as_str) == Some(name)
                            && r.and_then(|r| r.get("namespace")).and_then(Value::as_str)
                                == Some(ns)
                    })
                })
                .map(|m| runtime::key_of(m))
                .collect()
        })
        .unwrap_or_default()
}

/// Validates `spec.provider.{source,destination}` as `validation/provider.go` does; returns
/// the two providers when both exist.
pub(crate) fn validate_provider_pair(
    ctx: &Ctx,
    spec_provider: Option<&Value>,
    cnd: &mut Conditions,
) -> (Option<std::sync::Arc<Value>>, Option<std::sync::Arc<Value>>) {
    let mut get = |side: &str, prefix: &str| {
        let r = spec_provider.and_then(|p| p.get(side));
        let ns = r
            .and_then(|r| r.get("namespace"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let name = r
            .and_then(|r| r.get("name"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let not_valid = format!("{prefix}ProviderNotValid");
        let msg = format!("The {} provider is not valid.", prefix.to_lowercase());
        if ns.is_empty() || name.is_empty() {
            cnd.set(Cnd::new(&not_valid, CRITICAL, "NotSet", &msg));
            return None;
        }
        match ctx.store.get(&gvr::providers(), ns, name) {
            Err(_) => {
                cnd.set(Cnd::new(&not_valid, CRITICAL, "NotFound", &msg));
                None
            }
            Ok(p) => {
                if !super::conditions::has_condition(&p, "Ready") {
                    cnd.set(Cnd::new(
                        &format!("{prefix}ProviderNotReady"),
                        CRITICAL,
                        "",
                        &format!(
                            "The {} provider does not have a Ready condition.",
                            prefix.to_lowercase()
                        ),
                    ));
                }
                Some(p)
            }
        }
    };
    let source = get("source", "Source");
    let destination = get("destination", "Destination");
    if let Some(d) = &destination
        && d.pointer("/spec/type").and_then(Value::as_str) != Some("openshift")
    {
        cnd.set(Cnd::new(
            "DestinationProviderNotValid",
            CRITICAL,
            "TypeNotValid",
            "The destination provider is not valid: type must be `openshift`.",
        ));
    }
    (source, destination)
}

fn reconcile(ctx: &Ctx, kind: MapKind, _q: &Queue, key: &Key) -> runtime::Outcome {
    let g = kind.gvr();
    let map = ctx.store.get(&g, &key.0, &key.1)?;
    if object::is_deleting(&map) {
        return Ok(());
    }
    let mut cnd = Conditions::stage(map.pointer("/status/conditions"), &ctx.now());
    let (source, dest) = validate_provider_pair(ctx, map.pointer("/spec/provider"), &mut cnd);
    let entries = map
        .pointer("/spec/map")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // Upstream validates no entry while a provider is not valid or not ready
    // (pkg/controller/map/network/validation.go:50-63).
    let pair_ok = ![
        "SourceProviderNotValid",
        "SourceProviderNotReady",
        "DestinationProviderNotValid",
        "DestinationProviderNotReady",
    ]
    .iter()
    .any(|c| cnd.has(c));
    let view = source
        .as_ref()
        .filter(|_| pair_ok)
        .and_then(|s| SourceView::open(ctx, s));
    let mut f = Findings::default();
    if let (Some(dest), true) = (dest.as_ref(), pair_ok) {
        for (i, e) in entries.iter().enumerate() {
            f.source(kind, i, e, view.as_ref());
            f.destination(ctx, kind, dest, e);
        }
    }
    let references = std::mem::take(&mut f.references);
    f.report(kind, &mut cnd);
    if !cnd.has_blocker() {
        cnd.set(Cnd::new("Ready", REQUIRED, "", "The map is ready."));
    }
    let status = json!({"status": {
        "conditions": cnd.finish(),
        "references": references,
        "observedGeneration": object::generation(&map),
    }});
    ctx.store.merge_patch_status(&g, &key.0, &key.1, &status)?;
    Ok(())
}

/// What checking a map's entries found: the resolved source references, and the entries
/// whose source or destination is wrong.
#[derive(Default)]
struct Findings {
    references: Vec<Value>,
    not_found: Vec<String>,
    ambiguous: Vec<String>,
    not_set: Vec<String>,
    dst_ambiguous: Vec<String>,
    dst_missing: Vec<String>,
}

impl Findings {
    /// Resolves entry `i`'s source in the source view (when the source provider is ready).
    fn source(&mut self, kind: MapKind, i: usize, e: &Value, view: Option<&SourceView<'_>>) {
        let r = SrcRef::from_json(e.get("source").unwrap_or(&Value::Null));
        if r.not_set() {
            self.not_set.push(format!("{i}"));
            return;
        }
        let Some(view) = view else {
            return;
        };
        let res = match kind {
            MapKind::Network => view.network(&r),
            MapKind::Storage => view.storage(&r),
        };
        match res {
            Ok((id, name)) => {
                let mut rv = json!({"id": id, "name": name});
                if r.kind == "pod" {
                    rv = json!({"type": "pod"});
                }
                self.references.push(rv);
            }
            Err(Lookup::NotFound) => self.not_found.push(r.display()),
            Err(Lookup::Ambiguous) => self.ambiguous.push(r.display()),
        }
    }

    /// Checks the entry's destination through the destination provider's inventory: a NAD
    /// (with its namespace) it lists, or a storage class that exists.
    fn destination(&mut self, ctx: &Ctx, kind: MapKind, dest: &Value, e: &Value) {
        let d = e.get("destination").cloned().unwrap_or(Value::Null);
        let field = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or_default();
        match kind {
            MapKind::Network => {
                if field("type") == "multus" {
                    let (ns, name) = (field("namespace"), field("name"));
                    let restricted = restricted_namespace(ctx, dest);
                    let coll = "networkattachmentdefinitions";
                    if ns.is_empty() {
                        self.dst_ambiguous.push(name.to_string());
                    } else if !cluster_objects(ctx, restricted, coll, Some(ns))
                        .iter()
                        .any(|n| object::name(n) == name)
                    {
                        self.dst_missing.push(format!("{ns}/{name}"));
                    }
                }
            }
            MapKind::Storage => {
                let sc = field("storageClass");
                if !sc.is_empty() && ctx.store.get(&gvr::storage_classes(), "", sc).is_err() {
                    self.dst_missing.push(sc.to_string());
                }
            }
        }
    }

    /// One condition per kind of problem, with the entries as items.
    fn report(self, kind: MapKind, cnd: &mut Conditions) {
        let (src_type, dst_type) = match kind {
            MapKind::Network => ("SourceNetworkNotValid", "DestinationNetworkNotValid"),
            MapKind::Storage => ("SourceStorageNotValid", "DestinationStorageNotValid"),
        };
        let label = if kind == MapKind::Network {
            "network"
        } else {
            "storage"
        };
        if !self.not_set.is_empty() {
            cnd.set(Cnd::new(
                src_type,
                CRITICAL,
                "NotSet",
                &format!("Source {label}: either `ID` or `Name` required."),
            ));
        }
        if !self.ambiguous.is_empty() {
            cnd.set(
                Cnd::new(
                    src_type,
                    CRITICAL,
                    "Ambiguous",
                    &format!("Source {label} has ambiguous ref."),
                )
                .items(self.ambiguous),
            );
        } else if !self.not_found.is_empty() {
            cnd.set(
                Cnd::new(
                    src_type,
                    WARN,
                    "NotFound",
                    &format!("Source {label} not found."),
                )
                .items(self.not_found),
            );
        }
        if !self.dst_ambiguous.is_empty() {
            cnd.set(
                Cnd::new(
                    dst_type,
                    CRITICAL,
                    "Ambiguous",
                    "Destination network (NAD) namespace required.",
                )
                .items(self.dst_ambiguous),
            );
        }
        if !self.dst_missing.is_empty() {
            let msg = if kind == MapKind::Network {
                "Destination network (NAD) not found."
            } else {
                "Destination storage not valid."
            };
            cnd.set(Cnd::new(dst_type, CRITICAL, "NotFound", msg).items(self.dst_missing));
        }
    }
}
