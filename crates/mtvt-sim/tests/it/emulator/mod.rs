//! The whole emulator (API server + inventory + source APIs + controllers) through kube-rs
//! and HTTP only: one emulator per test, one test per behaviour of the Forklift reference §6,
//! plus the end-to-end flows.

mod clients;
mod cold;
mod hooks;
mod kubectl;
mod kubectl_mtv;
mod kubevirt;
mod lifecycle;
mod offload;
mod olm;
mod operator;
mod providers;
mod schemas;
mod validation;
mod warm;
