//! The source lab: which providers, VMs, networks and datastores exist on the source side,
//! what the destination cluster looks like, and which faults to inject.
//!
//! A lab is loaded from YAML (JSON is accepted as YAML) or taken from the built-in default
//! ([`Lab::default_lab`]), then served through a [`LabHandle`] whose mutations (clone, power,
//! snapshots, disks, CBT, delete) the source APIs and the controllers share. This module does
//! not speak HTTP; the `inventory` and `sources` modules do.
//!
//! ```
//! use mtvt_sim::lab::{Lab, LabHandle, ProviderKind};
//! let lab = Lab::default_lab().unwrap();
//! assert!(lab.provider_of_kind(ProviderKind::Vsphere).is_some());
//! let handle = LabHandle::new(lab, mtvt_sim::clock::Clock::new(1.0));
//! let vm = handle.find_vm("vsphere", "mtv-tests-rhel8").unwrap();
//! assert_eq!(vm.disks.len(), 1);
//! ```

mod broken;
mod error;
mod faults;
mod file;
mod guest_os;
mod handle;
mod ids;
mod kubevirt;
mod luns;
mod model;
mod ops;
mod providers_json;
mod resolve;

use std::path::Path;

use chrono::{DateTime, Utc};

pub use broken::BrokenFeature;
pub use error::{LabError, LabIssue, LabOpError};
pub use faults::{FaultAction, FaultRule, Faults, KILL_STEPS, STEP_NAMES, glob_match};
pub use handle::{LabHandle, World};
pub use ids::{uuid_for, vmware_serial};
pub use kubevirt::{SourceObjects, openshift_source_objects};
pub use luns::lun_uuid;
pub use model::*;
pub use mtvt_vocab::Secret;
pub use ops::{AddDiskSpec, CloneSpec, RdmSpec, SnapshotSpec};
pub use providers_json::{esxi_endpoint_key, render_providers_json};
pub use resolve::XCOPY_VENDORS;

/// The built-in lab, used when no `--lab` file is given.
pub const DEFAULT_LAB_YAML: &str = include_str!("default_lab.yaml");

/// Name used in messages for the built-in lab.
pub const BUILT_IN: &str = "<built-in default lab>";

/// A resolved lab description.
#[derive(Clone, Debug, PartialEq)]
pub struct Lab {
    /// Source providers.
    pub providers: Vec<Provider>,
    /// Destination cluster.
    pub cluster: Cluster,
    /// Fault injection rules.
    pub faults: Faults,
    /// Guest OS logins for post-migration checks.
    pub guest_credentials: GuestCredentials,
}

impl Lab {
    /// The built-in default lab (every VM the scenario catalog uses, for every provider type).
    pub fn default_lab() -> Result<Lab, LabError> {
        Self::from_yaml_str(BUILT_IN, DEFAULT_LAB_YAML)
    }

    /// Reads and checks a lab file.
    pub fn from_path(path: &Path) -> Result<Lab, LabError> {
        let text = std::fs::read_to_string(path).map_err(|source| LabError::Read {
            file: path.to_path_buf(),
            source,
        })?;
        Self::from_yaml_str(&path.display().to_string(), &text)
    }

    /// Parses and checks lab text; `file` names it in errors.
    pub fn from_yaml_str(file: &str, text: &str) -> Result<Lab, LabError> {
        Self::from_yaml_str_at(file, text, DateTime::<Utc>::UNIX_EPOCH)
    }

    /// Like [`Lab::from_yaml_str`], with `origin` as the creation time of lab objects.
    pub fn from_yaml_str_at(
        file: &str,
        text: &str,
        origin: DateTime<Utc>,
    ) -> Result<Lab, LabError> {
        let parsed: file::LabFile = serde_saphyr::from_str(text).map_err(|e| LabError::Parse {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        resolve::resolve(parsed, origin).map_err(|issues| LabError::Invalid {
            file: file.to_string(),
            issues,
        })
    }

    /// A provider by lab name.
    pub fn provider(&self, name: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.name == name)
    }

    /// The first provider of a kind.
    pub fn provider_of_kind(&self, kind: ProviderKind) -> Option<&Provider> {
        self.providers.iter().find(|p| p.kind == kind)
    }
}
