//! The structural schemas of the 14 upstream Forklift CustomResourceDefinitions
//! (kubev2v/forklift `operator/config/crd/bases/`), as OLM installs them, with every
//! `description` removed: the structure is the API, the prose stays upstream.
//!
//! The emulator installs them by default so every write is validated as on a real cluster;
//! the checker validates `.mtvt` passthrough fields against them. The files under
//! `forklift/` are derived, never edited: `derive::strip_descriptions` turns an upstream
//! CRD into its committed form, and the `derived_from_upstream` test proves each file equals
//! the derivation of `$MTVT_SCHEMAS/forklift` (`MTVT_UPDATE_CRDS=1` rewrites them).
//!
//! This crate holds data only: no I/O, no knowledge of who uses the schemas.

pub mod derive;

use serde_json::Value;

/// One built-in CRD: its file name (the upstream one, `.json` instead of `.yaml`) and text.
#[derive(Debug, Clone, Copy)]
pub struct Crd {
    /// `forklift.konveyor.io_plans.json`.
    pub file: &'static str,
    /// The CustomResourceDefinition as JSON.
    pub json: &'static str,
}

macro_rules! crds {
    ($($file:literal),* $(,)?) => {
        &[$(Crd { file: $file, json: include_str!(concat!("../forklift/", $file)) }),*]
    };
}

/// Every Forklift CRD, in file-name order.
pub const FORKLIFT: &[Crd] = crds![
    "forklift.konveyor.io_conversions.json",
    "forklift.konveyor.io_forkliftcontrollers.json",
    "forklift.konveyor.io_hooks.json",
    "forklift.konveyor.io_hosts.json",
    "forklift.konveyor.io_hypervproviderservers.json",
    "forklift.konveyor.io_migrations.json",
    "forklift.konveyor.io_networkmaps.json",
    "forklift.konveyor.io_openstackvolumepopulators.json",
    "forklift.konveyor.io_ovaproviderservers.json",
    "forklift.konveyor.io_ovirtvolumepopulators.json",
    "forklift.konveyor.io_plans.json",
    "forklift.konveyor.io_providers.json",
    "forklift.konveyor.io_storagemaps.json",
    "forklift.konveyor.io_vspherexcopyvolumepopulators.json",
];

/// Every Forklift CRD parsed. The texts are compiled in and checked by this crate's tests,
/// so a parse error here is a build defect; it is still returned, not panicked on.
pub fn forklift() -> Result<Vec<Value>, serde_json::Error> {
    FORKLIFT
        .iter()
        .map(|c| serde_json::from_str(c.json))
        .collect()
}

/// The `openAPIV3Schema` of the served version of the Forklift kind `kind` (`Plan`, ...).
pub fn schema_of(kind: &str) -> Option<Value> {
    forklift().ok()?.into_iter().find_map(|crd| {
        (crd.pointer("/spec/names/kind")?.as_str()? == kind).then_some(())?;
        crd.pointer("/spec/versions")?
            .as_array()?
            .iter()
            .find(|v| v.get("served").and_then(Value::as_bool) == Some(true))?
            .pointer("/schema/openAPIV3Schema")
            .cloned()
    })
}

#[cfg(test)]
mod tests;
