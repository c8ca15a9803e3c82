//! Provider profiles: the pytest suite's `.providers.json` format (JSON with `#`, `//`
//! and `/* */` comments and trailing commas; one entry per source provider, keyed by a
//! profile name), validated per provider type, with vSphere copy-offload settings and
//! `COPYOFFLOAD_*` environment overrides.
//!
//! Why this crate exists: QE teams already keep their lab credentials in
//! `.providers.json`; mtvt reads the same files, and reports a wrong or incomplete
//! profile as a diagnostic with a label in the file (codes `mtvt::P0001`…, listed in
//! `docs/providers.md`) before anything touches a cluster.
//!
//! What it must not do: print secrets (every password is a [`mtvt_vocab::Secret`]; the
//! file text in diagnostics is masked by construction, `mask.rs`), read the
//! process environment itself (callers pass a lookup function, so tests and the
//! emulator control it), or contact a provider.
//!
//! ```
//! let file = mtvt_profiles::ProvidersFile::parse(
//!     ".providers.json",
//!     r#"{"lab": {"type": "vsphere", "fqdn": "vc.example.com", "api_url": "https://vc.example.com/sdk",
//!                 "username": "administrator@vsphere.local", "password": "not-a-real-password"}}"#,
//! )?;
//! let profile = file.profile("lab", &|_| None)?;
//! assert_eq!(profile.provider_type.as_str(), "vsphere");
//! assert!(!format!("{profile:?}").contains("not-a-real-password"));
//! assert!(profile.copyoffload.is_none());
//! assert!(profile.copyoffload_missing_fields().contains(&"datastore_id"));
//! # Ok::<(), mtvt_profiles::ProfileError>(())
//! ```

// Errors carry their source text for labelled diagnostics; they are built once, on a
// cold path, so their size does not matter.
#![allow(clippy::result_large_err)]

mod copyoffload;
mod error;
mod fields;
mod file;
mod json_span;
mod jsonc;
mod kinds;
mod mask;
mod profile;
mod suggest;

pub use copyoffload::{
    COPYOFFLOAD_FIELDS, COPYOFFLOAD_REQUIRED, COPYOFFLOAD_SSH_REQUIRED, CopyOffload, env_var_name,
};
pub use error::ProfileError;
pub use file::{ProvidersFile, load};
pub use kinds::{EsxiCloneMethod, SdkEndpoint, StorageVendor};
pub use profile::Profile;
