//! Starts the emulator's source routers on 127.0.0.1 listeners and hands out adapters built
//! from the `.providers.json` the emulator renders for them, to make the clones the
//! inventory must then list.

use std::collections::BTreeMap;

use mtvt_profiles::ProvidersFile;
use mtvt_sim::lab::{self, LabHandle};
use mtvt_source::{SourceAdapter, SourceEndpoint, TlsOptions, WaitOptions};
use tokio::net::TcpListener;

/// A running lab with its source APIs.
pub struct Sources {
    pub lab: LabHandle,
    pub file: ProvidersFile,
}

/// Serves `router` on a fresh loopback port; returns its base URL.
pub async fn serve(router: axum::Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// `lab` with the vSphere, oVirt and OpenStack APIs listening.
pub async fn start_with(lab: LabHandle) -> Sources {
    install_crypto();
    let mut endpoints = BTreeMap::new();
    for name in ["vsphere", "ovirt", "openstack"] {
        let router = match name {
            "vsphere" => mtvt_sim::sources::vsphere::router(lab.clone(), name),
            "ovirt" => mtvt_sim::sources::ovirt::router(lab.clone(), name),
            _ => mtvt_sim::sources::openstack::router(lab.clone(), name),
        };
        endpoints.insert(name.to_string(), serve(router).await);
    }
    let doc = lab::render_providers_json(lab.lab(), &endpoints, &Default::default());
    let file = ProvidersFile::parse("sim.providers.json", doc.to_string()).unwrap();
    Sources { lab, file }
}

impl Sources {
    /// The endpoint of profile `name`.
    pub fn endpoint(&self, name: &str) -> SourceEndpoint {
        let profile = self.file.profile(name, &|_| None).unwrap();
        SourceEndpoint::from_profile(&profile, TlsOptions::default())
    }

    /// A connected adapter for profile `name`.
    pub async fn adapter(&self, name: &str) -> SourceAdapter {
        let mut a = SourceAdapter::from_endpoint(self.endpoint(name), WaitOptions::fast()).unwrap();
        a.connect().await.unwrap();
        a
    }
}
