//! Errors of the lab: loading a lab file and changing lab state.
//!
//! Load errors carry the file, the field path and what to do; operation errors are typed so
//! each source protocol can map them to its own status code and error body.

use std::path::PathBuf;

/// One problem found while checking a lab file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabIssue {
    /// Field path, e.g. `providers[0].vms[2].disks[1].datastore`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

impl std::fmt::Display for LabIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} (help: {})", self.path, self.message, self.help)
    }
}

/// A lab file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    /// The file could not be read.
    #[error("cannot read lab file {}: {source} (check the path given to --lab)", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not valid YAML/JSON for the lab schema.
    #[error(
        "lab file {file} is not a valid lab: {message} (see the lab format in docs/emulator.md)"
    )]
    Parse {
        /// The file (or `<built-in>`).
        file: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The lab parsed but is inconsistent.
    #[error("lab file {file} has {} problem(s):\n{}", issues.len(), render(issues))]
    Invalid {
        /// The file (or `<built-in>`).
        file: String,
        /// Every problem found, in file order.
        issues: Vec<LabIssue>,
    },
}

fn render(issues: &[LabIssue]) -> String {
    issues
        .iter()
        .map(|i| format!("  - {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A change to the lab state was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LabOpError {
    /// No provider of that name in the lab.
    #[error("provider {provider:?} is not in the lab")]
    ProviderNotFound {
        /// Provider name.
        provider: String,
    },
    /// No VM or template with that id or name.
    #[error("VM {vm:?} not found in provider {provider:?}")]
    VmNotFound {
        /// Provider name.
        provider: String,
        /// Requested id or name.
        vm: String,
    },
    /// The name is already used by another VM or template.
    #[error("a VM named {name:?} already exists in provider {provider:?}")]
    NameTaken {
        /// Provider name.
        provider: String,
        /// The name.
        name: String,
    },
    /// Power on of a VM that is already on.
    #[error("VM {vm:?} is already powered on")]
    AlreadyOn {
        /// VM name.
        vm: String,
    },
    /// Power off of a VM that is already off.
    #[error("VM {vm:?} is already powered off")]
    AlreadyOff {
        /// VM name.
        vm: String,
    },
    /// Templates cannot be powered on or snapshotted.
    #[error("{vm:?} is a template")]
    IsTemplate {
        /// Template name.
        vm: String,
    },
    /// The operation needs the VM powered off.
    #[error("VM {vm:?} is powered on")]
    PoweredOn {
        /// VM name.
        vm: String,
    },
    /// No snapshot with that id.
    #[error("snapshot {snapshot:?} not found on VM {vm:?}")]
    SnapshotNotFound {
        /// VM name.
        vm: String,
        /// Snapshot id.
        snapshot: String,
    },
    /// Unknown datastore.
    #[error("datastore {datastore:?} not found in provider {provider:?}")]
    DatastoreNotFound {
        /// Provider name.
        provider: String,
        /// Datastore id or name.
        datastore: String,
    },
    /// Unknown folder (VM folder or datastore folder).
    #[error("folder {folder:?} not found")]
    FolderNotFound {
        /// Folder.
        folder: String,
    },
    /// Unknown host.
    #[error("host {host:?} not found in provider {provider:?}")]
    HostNotFound {
        /// Provider name.
        provider: String,
        /// Host id or name.
        host: String,
    },
    /// No LUN with that name or uuid is presented to the hosts.
    #[error("LUN {lun:?} is not presented to the hosts of provider {provider:?}")]
    LunNotFound {
        /// Provider name.
        provider: String,
        /// Requested LUN (canonical name, device path or uuid).
        lun: String,
    },
    /// A malformed argument (empty name, zero size, ...).
    #[error("invalid argument: {message}")]
    InvalidArgument {
        /// What is wrong.
        message: String,
    },
}
