//! Filling the models assertions read (`mtvt_lang::models`) from real data: `source` from
//! the source adapter (or the inventory for OVA) before and after migration, `dest` from
//! the VirtualMachine, its VMI, PVCs and Node, `migration` from the Plan's VM status,
//! `plan` from the resolved plan, its NetworkMap and the source Provider's Secret, `vm`
//! from the scenario, `cluster` from the target namespace's PVCs and DataVolumes and the
//! Plan's conditions.
//!
//! Conversions are pure functions over JSON and facts, except [`dest_read::observe_dest`],
//! which reads the destination objects (starting a stopped VM to read its VMI, as the
//! pytest suite does, and stopping it again), and [`guest::probe`], which logs in to the
//! migrated guest over SSH for `ssh_reachable(dest)`, and [`guest_ask`], which answers the
//! `guest` model's reads over one SSH session per VM.

pub mod cluster;
pub mod dest;
pub mod dest_read;
pub mod guest;
pub mod guest_ask;
pub mod guest_nics;
pub mod migration;
pub mod plan;
pub mod provider;
pub mod source;
pub mod source_hyperv;
pub mod vm;
