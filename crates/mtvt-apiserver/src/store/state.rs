//! The store's data under its one lock: objects per resource, the global resourceVersion
//! counter, the bounded watch history, and the indices that deletion needs (uid → object,
//! owner uid → dependents, objects per namespace).
//!
//! Every write goes through [`State::put`] or [`State::remove`], which bump the
//! resourceVersion, keep the indices right, append to the history and broadcast the event
//! while the lock is held, so watchers see writes in order. Policy (validation, finalizers,
//! garbage collection) lives elsewhere; this module must not decide whether a write is allowed.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::broadcast;

use super::kinds::ResourceKind;
use super::object;

/// What happened to an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// Created (or, for a watch, entered its view).
    Added,
    /// Changed.
    Modified,
    /// Removed from storage (or left a watch's view).
    Deleted,
}

impl EventType {
    /// `ADDED`, `MODIFIED` or `DELETED`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change to one object, as watchers receive it.
#[derive(Clone, Debug)]
pub struct WatchEvent {
    /// What happened.
    pub event_type: EventType,
    /// The object's kind.
    pub kind: Arc<ResourceKind>,
    /// The resourceVersion of this change.
    pub rv: u64,
    /// The object after the change (for `Deleted`, its last state with the deletion's rv).
    pub object: Arc<Value>,
    /// The object before the change (`Modified` and `Deleted` only).
    pub old: Option<Arc<Value>>,
}

/// Identifies a stored object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjRef {
    /// Storage key of the kind (`widgets.example.com`).
    pub group_resource: String,
    /// Namespace (`""` when cluster-scoped).
    pub namespace: String,
    /// Name.
    pub name: String,
}

type Key = (String, String);

pub(crate) struct State {
    pub rv: u64,
    tables: HashMap<String, BTreeMap<Key, Arc<Value>>>,
    history: VecDeque<Arc<WatchEvent>>,
    history_cap: usize,
    /// Highest rv whose event was dropped from the history (0 = nothing dropped).
    pub compacted: u64,
    uids: HashMap<String, ObjRef>,
    dependents: HashMap<String, BTreeSet<ObjRef>>,
    ns_counts: HashMap<String, usize>,
    pub pod_logs: HashMap<Key, String>,
    tx: broadcast::Sender<Arc<WatchEvent>>,
}

impl State {
    pub fn new(history_cap: usize, tx: broadcast::Sender<Arc<WatchEvent>>) -> Self {
        Self {
            rv: 0,
            tables: HashMap::new(),
            history: VecDeque::with_capacity(history_cap.min(65_536)),
            history_cap: history_cap.max(1),
            compacted: 0,
            uids: HashMap::new(),
            dependents: HashMap::new(),
            ns_counts: HashMap::new(),
            pod_logs: HashMap::new(),
            tx,
        }
    }

    pub fn get(&self, kind: &ResourceKind, ns: &str, name: &str) -> Option<Arc<Value>> {
        self.tables
            .get(&kind.group_resource())?
            .get(&(ns.to_string(), name.to_string()))
            .cloned()
    }

    pub fn get_ref(&self, r: &ObjRef) -> Option<Arc<Value>> {
        self.tables
            .get(&r.group_resource)?
            .get(&(r.namespace.clone(), r.name.clone()))
            .cloned()
    }

    pub fn by_uid(&self, uid: &str) -> Option<&ObjRef> {
        self.uids.get(uid)
    }

    pub fn dependents_of(&self, uid: &str) -> Vec<ObjRef> {
        self.dependents
            .get(uid)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub fn namespace_count(&self, ns: &str) -> usize {
        self.ns_counts.get(ns).copied().unwrap_or(0)
    }

    /// Objects of `kind`, in (namespace, name) order, restricted to `ns` when given, starting
    /// after `after` (exclusive) when given.
    pub fn scan<'a>(
        &'a self,
        kind: &ResourceKind,
        ns: Option<&'a str>,
        after: Option<Key>,
    ) -> Box<dyn Iterator<Item = &'a Arc<Value>> + 'a> {
        let Some(table) = self.tables.get(&kind.group_resource()) else {
            return Box::new(std::iter::empty());
        };
        let start = match (&after, ns) {
            (Some(k), _) => std::ops::Bound::Excluded(k.clone()),
            (None, Some(n)) => std::ops::Bound::Included((n.to_string(), String::new())),
            (None, None) => std::ops::Bound::Unbounded,
        };
        let iter = table.range((start, std::ops::Bound::Unbounded));
        match ns {
            Some(n) => Box::new(
                iter.take_while(move |((ons, _), _)| ons == n)
                    .map(|(_, v)| v),
            ),
            None => Box::new(iter.map(|(_, v)| v)),
        }
    }

    /// Every stored object in namespace `ns` (all kinds).
    pub fn refs_in_namespace(&self, ns: &str) -> Vec<ObjRef> {
        let mut out = Vec::new();
        for (gr, table) in &self.tables {
            let from = (ns.to_string(), String::new());
            for ((ons, name), _) in table.range(from..) {
                if ons != ns {
                    break;
                }
                out.push(ObjRef {
                    group_resource: gr.clone(),
                    namespace: ons.clone(),
                    name: name.clone(),
                });
            }
        }
        out.sort();
        out
    }

    pub fn object_count(&self) -> usize {
        self.tables.values().map(BTreeMap::len).sum()
    }

    fn record(&mut self, event: WatchEvent) {
        let event = Arc::new(event);
        if self.history.len() >= self.history_cap
            && let Some(dropped) = self.history.pop_front()
        {
            self.compacted = dropped.rv;
        }
        self.history.push_back(event.clone());
        // No receivers is fine: nobody watches.
        let _ = self.tx.send(event);
    }

    /// Events with rv > `after`, or `Err(oldest_available)` when some were compacted away.
    pub fn history_after(&self, after: u64) -> Result<Vec<Arc<WatchEvent>>, u64> {
        if after < self.compacted {
            return Err(self.compacted + 1);
        }
        let start = self.history.partition_point(|e| e.rv <= after);
        Ok(self.history.iter().skip(start).cloned().collect())
    }

    fn link_owners(&mut self, r: &ObjRef, owners: &[String]) {
        for o in owners {
            self.dependents
                .entry(o.clone())
                .or_default()
                .insert(r.clone());
        }
    }

    fn unlink_owners(&mut self, r: &ObjRef, owners: &[String]) {
        for o in owners {
            if let Some(set) = self.dependents.get_mut(o) {
                set.remove(r);
                if set.is_empty() {
                    self.dependents.remove(o);
                }
            }
        }
    }

    /// Stores `obj` (creating or replacing), stamping the next resourceVersion.
    pub fn put(&mut self, kind: &Arc<ResourceKind>, mut obj: Value) -> Arc<Value> {
        self.rv += 1;
        object::set_meta(
            &mut obj,
            "resourceVersion",
            Value::String(self.rv.to_string()),
        );
        let ns = object::namespace(&obj).to_string();
        let name = object::name(&obj).to_string();
        let r = ObjRef {
            group_resource: kind.group_resource(),
            namespace: ns.clone(),
            name: name.clone(),
        };
        let obj = Arc::new(obj);
        let old = self
            .tables
            .entry(r.group_resource.clone())
            .or_default()
            .insert((ns.clone(), name), obj.clone());
        let new_owners = object::owner_uids(&obj);
        match &old {
            Some(prev) => {
                let old_owners = object::owner_uids(prev);
                if old_owners != new_owners {
                    self.unlink_owners(&r, &old_owners);
                    self.link_owners(&r, &new_owners);
                }
            }
            None => {
                self.uids.insert(object::uid(&obj).to_string(), r.clone());
                self.link_owners(&r, &new_owners);
                *self.ns_counts.entry(ns).or_default() += 1;
            }
        }
        let event_type = if old.is_some() {
            EventType::Modified
        } else {
            EventType::Added
        };
        self.record(WatchEvent {
            event_type,
            kind: kind.clone(),
            rv: self.rv,
            object: obj.clone(),
            old,
        });
        obj
    }

    /// Removes an object from storage; returns its last state (with the deletion's rv).
    pub fn remove(&mut self, kind: &Arc<ResourceKind>, ns: &str, name: &str) -> Option<Arc<Value>> {
        let gr = kind.group_resource();
        let key = (ns.to_string(), name.to_string());
        let old = self.tables.get_mut(&gr)?.remove(&key)?;
        self.rv += 1;
        let mut last = (*old).clone();
        object::set_meta(
            &mut last,
            "resourceVersion",
            Value::String(self.rv.to_string()),
        );
        let last = Arc::new(last);
        let r = ObjRef {
            group_resource: gr,
            namespace: ns.to_string(),
            name: name.to_string(),
        };
        self.uids.remove(object::uid(&old));
        self.unlink_owners(&r, &object::owner_uids(&old));
        if let Some(c) = self.ns_counts.get_mut(ns) {
            *c = c.saturating_sub(1);
            if *c == 0 {
                self.ns_counts.remove(ns);
            }
        }
        if kind.group.is_empty() && kind.plural == "pods" {
            self.pod_logs.remove(&key);
        }
        self.record(WatchEvent {
            event_type: EventType::Deleted,
            kind: kind.clone(),
            rv: self.rv,
            object: last.clone(),
            old: Some(old),
        });
        Some(last)
    }

    /// Forgets the dependents index entry of a removed owner.
    pub fn forget_dependents(&mut self, uid: &str) {
        self.dependents.remove(uid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::kinds::Kinds;
    use serde_json::json;

    fn state(cap: usize) -> (State, broadcast::Receiver<Arc<WatchEvent>>) {
        let (tx, rx) = broadcast::channel(16);
        (State::new(cap, tx), rx)
    }

    #[test]
    fn put_and_remove_keep_indices() {
        let kinds = Kinds::builtin();
        let cm = kinds.find("", "configmaps").unwrap();
        let (mut s, mut rx) = state(100);
        s.put(
            &cm,
            json!({"metadata": {"name": "owner", "namespace": "a", "uid": "u1"}}),
        );
        s.put(&cm, json!({"metadata": {"name": "dep", "namespace": "a", "uid": "u2", "ownerReferences": [{"uid": "u1"}]}}));
        assert_eq!(s.rv, 2);
        assert_eq!(s.namespace_count("a"), 2);
        assert_eq!(s.dependents_of("u1").len(), 1);
        assert_eq!(s.by_uid("u2").unwrap().name, "dep");
        let last = s.remove(&cm, "a", "dep").unwrap();
        assert_eq!(object::resource_version(&last), "3");
        assert!(s.dependents_of("u1").is_empty());
        assert_eq!(s.namespace_count("a"), 1);
        assert_eq!(rx.try_recv().unwrap().event_type, EventType::Added);
        assert_eq!(rx.try_recv().unwrap().event_type, EventType::Added);
        assert_eq!(rx.try_recv().unwrap().event_type, EventType::Deleted);
    }

    #[test]
    fn history_is_bounded_and_reports_compaction() {
        let kinds = Kinds::builtin();
        let cm = kinds.find("", "configmaps").unwrap();
        let (mut s, _rx) = state(3);
        for i in 0..5 {
            s.put(&cm, json!({"metadata": {"name": format!("c{i}"), "namespace": "a", "uid": format!("u{i}")}}));
        }
        assert_eq!(s.compacted, 2);
        assert_eq!(s.history_after(2).unwrap().len(), 3);
        assert_eq!(s.history_after(4).unwrap().len(), 1);
        assert_eq!(s.history_after(1).unwrap_err(), 3);
    }

    #[test]
    fn scan_ranges_by_namespace() {
        let kinds = Kinds::builtin();
        let cm = kinds.find("", "configmaps").unwrap();
        let (mut s, _rx) = state(100);
        for (ns, n) in [("a", "x"), ("b", "y"), ("b", "z"), ("c", "w")] {
            s.put(
                &cm,
                json!({"metadata": {"name": n, "namespace": ns, "uid": format!("{ns}{n}")}}),
            );
        }
        let names: Vec<String> = s
            .scan(&cm, Some("b"), None)
            .map(|o| object::name(o).to_string())
            .collect();
        assert_eq!(names, vec!["y", "z"]);
        let after: Vec<String> = s
            .scan(&cm, None, Some(("b".into(), "y".into())))
            .map(|o| object::name(o).to_string())
            .collect();
        assert_eq!(after, vec!["z", "w"]);
        assert_eq!(s.refs_in_namespace("b").len(), 2);
    }
}
