//! Loopback tests of the source adapters against the emulator's real routers (vSphere,
//! oVirt, OpenStack source APIs, API server).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod openshift;
mod openstack;
mod ovirt;
mod secrets;
mod support;
mod vsphere;
