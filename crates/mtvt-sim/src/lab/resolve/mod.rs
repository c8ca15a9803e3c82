//! Turns a parsed lab file into the resolved model: fills defaults and ids, checks every
//! reference, and reports all problems at once with their field path.
//!
//! It must not fail fast: a user fixing a lab file wants the whole list.

mod cluster;
mod copy_offload;
mod disk;
mod nic;
mod provider;
mod vm;

pub(crate) use disk::{disk_address, disk_file, disk_name};

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::Lab;
use super::error::LabIssue;
use super::file::LabFile;
use super::ids::uuid_for;
use super::model::*;
use cluster::resolve_cluster;
use provider::resolve_provider;

/// The vendor names Forklift accepts in `vsphereXcopyConfig.storageVendorProduct`.
pub const XCOPY_VENDORS: &[&str] = &[
    "flashsystem",
    "vantara",
    "ontap",
    "primera3par",
    "pureFlashArray",
    "powerflex",
    "powermax",
    "powerstore",
    "infinibox",
];

pub(super) const GIB: u64 = 1 << 30;

pub(super) fn issue(issues: &mut Vec<LabIssue>, path: String, message: String, help: &str) {
    issues.push(LabIssue {
        path,
        message,
        help: help.to_string(),
    });
}

/// Resolves a whole lab; `Err` holds every problem found.
pub(crate) fn resolve(file: LabFile, origin: DateTime<Utc>) -> Result<Lab, Vec<LabIssue>> {
    let mut issues = Vec::new();
    let cluster = resolve_cluster(file.cluster, &mut issues);
    let mut names = BTreeSet::new();
    let mut providers = Vec::new();
    for (i, p) in file.providers.into_iter().enumerate() {
        let path = format!("providers[{i}]");
        if !names.insert(p.name.clone()) {
            issue(
                &mut issues,
                format!("{path}.name"),
                format!("provider name {:?} is used twice", p.name),
                "give every provider a unique name",
            );
        }
        providers.push(resolve_provider(p, &path, &cluster, origin, &mut issues));
    }
    let faults = super::faults::resolve_faults(file.faults, &mut issues);
    let guest_credentials = file
        .guest_credentials
        .map(|g| GuestCredentials {
            linux_user: g.linux_user,
            linux_password: g.linux_password,
            windows_user: g.windows_user,
            windows_password: g.windows_password,
        })
        .unwrap_or_default();
    if issues.is_empty() {
        Ok(Lab {
            providers,
            cluster,
            faults,
            guest_credentials,
        })
    } else {
        Err(issues)
    }
}

/// Id generator per provider kind.
pub(super) struct Ids<'a> {
    pub(super) kind: ProviderKind,
    pub(super) provider: &'a str,
}

impl Ids<'_> {
    pub(super) fn make(&self, what: &str, name: &str, moref: impl FnOnce() -> String) -> String {
        match self.kind {
            ProviderKind::Vsphere => moref(),
            ProviderKind::Openshift if what == "datastore" || what == "network" => name.to_string(),
            _ => uuid_for(&[self.provider, what, name]),
        }
    }
}

#[cfg(test)]
mod tests;
