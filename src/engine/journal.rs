//! The write-ahead teardown ledger (`resources.json` under the data-collector path): every
//! object, label, patch or source clone is recorded *before* it is made, so a run killed at
//! any point can be finished by `mtvt clean FILE`. The file is one JSON document, rewritten
//! atomically (temp file, fsync, rename, directory fsync) on every new intent; later state
//! changes (done, undone, uids) are folded into the next write and into [`Journal::flush`].
//!
//! The journal holds references only (typed [`ObjectRef`]s, uids, label keys, the previous
//! value of a patched field): never Secret data, tokens or passwords. It decides nothing
//! about order or deletion; `cleanup` reads it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::cluster::ObjectRef;

/// The format tag of the file.
pub const FORMAT: &str = "mtvt-journal/1";

/// Whether an entry belongs to the whole session or to one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Undone at session teardown.
    Session,
    /// Undone at the end of its scenario.
    Scenario,
}

/// What was (or is about to be) done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// An object created through the API.
    Create {
        /// The object.
        #[serde(flatten)]
        object: ObjectRef,
        /// uid once created.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        uid: Option<String>,
        /// Plans: the namespace the migrated VMs land in (teardown deletes what the
        /// controller made there for this plan).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_namespace: Option<String>,
    },
    /// A label added to a Node (node-selector scenarios).
    NodeLabel {
        /// Node name.
        node: String,
        /// Label key.
        key: String,
        /// Label value.
        value: String,
    },
    /// A field of an existing object changed (ForkliftController precopy interval).
    Patch {
        /// The object.
        #[serde(flatten)]
        object: ObjectRef,
        /// Path below the object, `/`-separated (`spec/controller_precopy_interval`).
        path: String,
        /// Value before the patch (none = the field was absent).
        previous: Option<serde_json::Value>,
        /// Value set.
        value: serde_json::Value,
    },
    /// A VM created on the source provider (a per-session clone).
    SourceVm {
        /// Provider profile (key of the providers file).
        profile: String,
        /// Provider type.
        provider_type: String,
        /// VM name.
        name: String,
        /// Provider id once created.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Extra objects the clone left (OpenStack images and volume snapshots).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        artifacts: Vec<mtvt_source::SourceArtifact>,
    },
    /// A key line added to root's authorized_keys on an ESXi host (copy offload, ssh clone
    /// method); the key itself is not recorded, only its fingerprint.
    EsxiKey {
        /// Provider profile whose `esxi_host`/`esxi_user`/`esxi_password` reach the host.
        profile: String,
        /// The host.
        host: String,
        /// `SHA256:…` of the key.
        fingerprint: String,
    },
}

impl Action {
    /// `Kind/namespace/name`-style text for messages.
    pub fn describe(&self) -> String {
        match self {
            Action::Create { object, .. } | Action::Patch { object, .. } => object.to_string(),
            Action::NodeLabel { node, key, .. } => format!("label {key} on Node {node}"),
            Action::SourceVm {
                provider_type,
                name,
                ..
            } => format!("{provider_type} VM {name}"),
            Action::EsxiKey {
                host, fingerprint, ..
            } => format!("SSH key {fingerprint} in root's authorized_keys on ESXi host {host}"),
        }
    }
}

/// Where an entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Recorded, maybe done (the process may have died in between).
    Intended,
    /// Done.
    Done,
    /// Undone by teardown (deleted, label removed, patch restored).
    Undone,
    /// Deliberately kept (`--skip-teardown`, `--keep on-failure`).
    Kept,
}

/// One ledger line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Order of recording (teardown undoes in reverse).
    pub seq: u64,
    /// Session or scenario.
    pub scope: Scope,
    /// The scenario that recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// What.
    #[serde(flatten)]
    pub action: Action,
    /// Where it stands.
    pub state: State,
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// [`FORMAT`].
    pub format: String,
    /// Session id.
    pub session: String,
    /// API server URL.
    pub cluster: String,
    /// The cluster's identity (UID of `kube-system`), when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_uid: Option<String>,
    /// MTV namespace.
    pub mtv_namespace: String,
    /// Providers file used for source clones (for `mtvt clean`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub providers_file: Option<String>,
    /// RFC 3339 start time.
    pub started: String,
    /// Every entry, in recording order.
    pub entries: Vec<Entry>,
}

/// Why the journal could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// I/O on the file.
    #[error("journal {path}: {message}")]
    Io {
        /// File.
        path: String,
        /// What failed.
        message: String,
    },
}

/// The ledger of a run (in memory only when the data collector is disabled).
#[derive(Debug)]
pub struct Journal {
    path: Option<PathBuf>,
    doc: Mutex<Document>,
}

impl Journal {
    /// The session id.
    pub fn session(&self) -> String {
        self.lock().session.clone()
    }

    /// A new journal written to `path` (`None` = memory only).
    pub fn create(path: Option<PathBuf>, doc: Document) -> Result<Self, JournalError> {
        let j = Journal {
            path,
            doc: Mutex::new(doc),
        };
        j.flush()?;
        Ok(j)
    }

    /// Reads a journal file.
    pub fn load(path: &Path) -> Result<Self, JournalError> {
        let io = |message: String| JournalError::Io {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| io(e.to_string()))?;
        let doc: Document =
            serde_json::from_str(&text).map_err(|e| io(format!("not an mtvt journal ({e})")))?;
        if doc.format != FORMAT {
            return Err(io(format!("format '{}' is not {FORMAT}", doc.format)));
        }
        Ok(Journal {
            path: Some(path.to_path_buf()),
            doc: Mutex::new(doc),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Document> {
        self.doc.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A copy of the document.
    pub fn snapshot(&self) -> Document {
        self.lock().clone()
    }

    /// Records an intent durably and returns its sequence number. Call it *before* acting.
    pub fn record(
        &self,
        scope: Scope,
        scenario: Option<&str>,
        action: Action,
    ) -> Result<u64, JournalError> {
        let (seq, doc) = {
            let mut d = self.lock();
            let seq = d.entries.last().map_or(1, |e| e.seq + 1);
            d.entries.push(Entry {
                seq,
                scope,
                scenario: scenario.map(str::to_string),
                action,
                state: State::Intended,
            });
            (seq, d.clone())
        };
        self.write(&doc)?;
        Ok(seq)
    }

    /// Changes an entry's state (written with the next durable write or flush).
    pub fn set_state(&self, seq: u64, state: State) {
        let mut d = self.lock();
        if let Some(e) = d.entries.iter_mut().find(|e| e.seq == seq) {
            e.state = state;
        }
    }

    /// Updates an entry's action (uid or provider id learned after the fact).
    pub fn update(&self, seq: u64, f: impl FnOnce(&mut Action)) {
        let mut d = self.lock();
        if let Some(e) = d.entries.iter_mut().find(|e| e.seq == seq) {
            f(&mut e.action);
        }
    }

    /// Writes the current document durably.
    pub fn flush(&self) -> Result<(), JournalError> {
        let doc = self.snapshot();
        self.write(&doc)
    }

    fn write(&self, doc: &Document) -> Result<(), JournalError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let io = |message: String| JournalError::Io {
            path: path.display().to_string(),
            message,
        };
        let text = serde_json::to_vec_pretty(doc).map_err(|e| io(e.to_string()))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| io(format!("cannot create the directory: {e}")))?;
        let tmp = path.with_extension(format!("json.tmp{}", std::process::id()));
        {
            let mut f = std::fs::File::create(&tmp).map_err(|e| io(e.to_string()))?;
            f.write_all(&text).map_err(|e| io(e.to_string()))?;
            f.sync_all().map_err(|e| io(e.to_string()))?;
        }
        std::fs::rename(&tmp, path).map_err(|e| io(e.to_string()))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Entries not yet undone or kept, newest first (the teardown order).
    pub fn pending(&self, scope: Option<Scope>, scenario: Option<&str>) -> Vec<Entry> {
        self.select(scope, scenario, false)
    }

    /// Entries not yet undone, kept ones included, newest first (what `mtvt clean` undoes).
    pub fn remaining(&self) -> Vec<Entry> {
        self.select(None, None, true)
    }

    fn select(&self, scope: Option<Scope>, scenario: Option<&str>, kept: bool) -> Vec<Entry> {
        let d = self.lock();
        let mut out: Vec<Entry> = d
            .entries
            .iter()
            .filter(|e| {
                matches!(e.state, State::Intended | State::Done) || (kept && e.state == State::Kept)
            })
            .filter(|e| scope.is_none_or(|s| e.scope == s))
            .filter(|e| scenario.is_none_or(|s| e.scenario.as_deref() == Some(s)))
            .cloned()
            .collect();
        out.reverse();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        Document {
            format: FORMAT.into(),
            session: "auto-ab12".into(),
            cluster: "https://api".into(),
            cluster_uid: None,
            mtv_namespace: "openshift-mtv".into(),
            providers_file: None,
            started: "2026-01-01T00:00:00Z".into(),
            entries: vec![],
        }
    }

    fn create(name: &str) -> Action {
        Action::Create {
            object: ObjectRef::new(crate::cluster::kinds::NAMESPACE, None, name),
            uid: None,
            target_namespace: None,
        }
    }

    #[test]
    fn records_survive_on_disk_and_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dc/resources.json");
        let j = Journal::create(Some(path.clone()), doc()).unwrap();
        let a = j.record(Scope::Session, None, create("auto-ab12")).unwrap();
        let b = j
            .record(Scope::Scenario, Some("s1"), create("auto-ab12-s1"))
            .unwrap();
        assert_eq!((a, b), (1, 2));
        // b is on disk before anything else happens (write-ahead)
        let on_disk = Journal::load(&path).unwrap();
        assert_eq!(on_disk.snapshot().entries.len(), 2);
        assert_eq!(on_disk.snapshot().entries[1].state, State::Intended);
        j.set_state(b, State::Done);
        j.update(b, |act| {
            if let Action::Create { uid, .. } = act {
                *uid = Some("u-1".into());
            }
        });
        j.set_state(a, State::Undone);
        j.flush().unwrap();
        let back = Journal::load(&path).unwrap();
        let pending = back.pending(None, None);
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].seq, 2);
        assert!(matches!(&pending[0].action, Action::Create { uid: Some(u), .. } if u == "u-1"));
        assert!(back.pending(Some(Scope::Session), None).is_empty());
        back.set_state(b, State::Kept);
        assert!(
            back.pending(None, None).is_empty(),
            "kept entries are not torn down by a run"
        );
        assert_eq!(back.remaining().len(), 1, "but `mtvt clean` undoes them");
        back.set_state(b, State::Done);
        assert_eq!(back.pending(None, Some("s1")).len(), 1);
        // no temp file left behind
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["resources.json"]);
    }

    #[test]
    fn rejects_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        std::fs::write(&p, "{\"a\": 1}").unwrap();
        assert!(
            Journal::load(&p)
                .unwrap_err()
                .to_string()
                .contains("not an mtvt journal")
        );
        let mut d = doc();
        d.format = "other/9".into();
        std::fs::write(&p, serde_json::to_string(&d).unwrap()).unwrap();
        assert!(
            Journal::load(&p)
                .unwrap_err()
                .to_string()
                .contains("format")
        );
    }

    #[test]
    fn typed_entries_keep_the_files_spelling() {
        // a file `mtvt clean` must read, as runs write it
        let text = r#"{"format": "mtvt-journal/1", "session": "auto-ab12", "cluster": "https://api",
            "mtv_namespace": "openshift-mtv", "started": "2026-01-01T00:00:00Z", "entries": [
            {"seq": 1, "scope": "scenario", "scenario": "s", "action": "create",
             "api_version": "forklift.konveyor.io/v1beta1", "kind": "Plan", "namespace": "ns",
             "name": "p", "uid": "u-1", "target_namespace": "tns", "state": "done"},
            {"seq": 2, "scope": "session", "action": "patch", "api_version": "forklift.konveyor.io/v1beta1",
             "kind": "ForkliftController", "namespace": "openshift-mtv", "name": "forklift-controller",
             "path": "spec/controller_precopy_interval", "previous": 60, "value": 2, "state": "done"}]}"#;
        let doc: Document = serde_json::from_str(text).unwrap();
        let plan = ObjectRef::namespaced(crate::cluster::kinds::PLAN, "ns", "p");
        assert!(matches!(&doc.entries[0].action,
            Action::Create { object, uid: Some(u), target_namespace: Some(t) }
                if *object == plan && u == "u-1" && t == "tns"));
        assert_eq!(
            doc.entries[1].action.describe(),
            "ForkliftController openshift-mtv/forklift-controller"
        );
        let back = serde_json::to_value(&doc).unwrap();
        let original: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(back, original, "written back field for field");
        // a kind mtvt never creates is refused when read, not at teardown
        let unknown = text.replace("\"Plan\"", "\"Widget\"");
        let e = serde_json::from_str::<Document>(&unknown).unwrap_err();
        assert!(e.to_string().contains("unknown kind"), "{e}");
    }

    #[test]
    fn memory_only_journal() {
        let j = Journal::create(None, doc()).unwrap();
        let s = j.record(Scope::Session, None, create("x")).unwrap();
        assert_eq!(j.pending(None, None)[0].seq, s);
        assert_eq!(create("x").describe(), "Namespace x");
    }
}
